/*
 * test_layout.c - the chart's layout (src/chart/layout.c) on its own, with
 * no atlas and no display: any number of body and detail views, landscape
 * and portrait, the view <-> screen transform, hit-testing and zoom.
 *
 * What must hold for every output: each view's cell lies inside the output
 * and no two cells overlap; a view's figure lies inside its cell and keeps
 * its aspect; body views share one scale; detail views sit beside the
 * bodies on a landscape output and below them on a portrait one; the key
 * overlaps no cell; the screen -> view transform undoes view -> screen.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "chart/layout.h"

static const km_layout_item k_body = {1000, 2000, false, {1, 0, 0}};
static const km_layout_item k_detail = {800, 800, true, {1, 0, 0}};

static bool overlap(km_rect a, km_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static bool inside(km_rect in, km_rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w && in.y + in.h <= out.y + out.h;
}

/* The figure's box (the view's canvas at zoom 1) in output pixels. */
static void figure_box(const km_chart_view *e, float *x0, float *y0, float *x1, float *y1)
{
    *x0 = e->xf.ox;
    *y0 = e->xf.oy;
    *x1 = e->xf.ox + e->w * e->xf.scale;
    *y1 = e->xf.oy + e->h * e->xf.scale;
}

static void check_layout(int nbody, int ndetail, km_rect out, bool legend)
{
    km_layout_item items[KM_CHART_MAX_VIEWS];
    int n = 0;
    for (int i = 0; i < nbody; i++)
        items[n++] = k_body;
    for (int i = 0; i < ndetail; i++)
        items[n++] = k_detail;
    km_layout_opts o = {.title = true, .footer = true, .legend = legend, .legend_items = 6};
    km_layout L;
    km_layout_items(&L, items, n, &o, out);
    assert_int_equal(L.nviews, n);
    float body_scale = -1, body_x1 = -1e9f, body_y1 = -1e9f;
    for (int i = 0; i < L.nviews; i++) {
        const km_chart_view *e = &L.v[i];
        assert_int_equal(e->detail, items[e->view].detail);
        assert_true(inside(e->cell, out));
        for (int j = 0; j < i; j++)
            assert_false(overlap(e->cell, L.v[j].cell));
        if (L.legend.w)
            assert_false(overlap(e->cell, L.legend));
        float x0, y0, x1, y1;
        figure_box(e, &x0, &y0, &x1, &y1);
        /* inside its cell (a pixel of rounding), and the right shape */
        assert_true(x0 >= e->cell.x - 1 && y0 >= e->cell.y - 1);
        assert_true(x1 <= e->cell.x + e->cell.w + 1 && y1 <= e->cell.y + e->cell.h + 1);
        assert_float_equal((x1 - x0) / (y1 - y0), e->w / e->h, 0.01);
        assert_true(e->xf.scale > 0);
        if (!e->detail) {
            if (body_scale < 0)
                body_scale = e->xf.scale;
            assert_float_equal(e->xf.scale, body_scale, 1e-6); /* one scale for the bodies */
            body_x1 = fmaxf(body_x1, (float)(e->cell.x + e->cell.w));
            body_y1 = fmaxf(body_y1, y1);
        }
        /* The inverse transform undoes the forward one, and a hit at the
         * view's centre finds this view there. */
        km_vec2 c = {e->w * 0.5f, e->h * 0.5f};
        km_vec2 s = km_layout_to_screen(&L, i, c);
        km_vec2 back = km_layout_to_view(&L, i, s);
        assert_float_equal(back.x, c.x, 0.01);
        assert_float_equal(back.y, c.y, 0.01);
        km_vec2 hit;
        assert_int_equal(km_layout_hit(&L, s.x, s.y, &hit), i);
        assert_float_equal(hit.x, c.x, 0.01);
    }
    /* Details beside the bodies or below them, whichever leaves the
     * bodies larger. */
    for (int i = 0; i < L.nviews && nbody > 0; i++) {
        const km_chart_view *e = &L.v[i];
        if (!e->detail)
            continue;
        assert_true(e->cell.y >= body_y1 || e->cell.x >= body_x1);
        /* a close-up gets a real share of the space */
        assert_true(e->cell.w * e->cell.h > out.w * out.h / 60);
    }
}

static void test_two_bodies(void **state)
{
    (void)state;
    check_layout(2, 0, (km_rect){0, 0, 1920, 1080}, true);
    check_layout(2, 0, (km_rect){0, 0, 1080, 1920}, true);
    check_layout(2, 0, (km_rect){37, 51, 700, 500}, false);
}

static void test_bodies_and_details(void **state)
{
    (void)state;
    for (int nd = 1; nd <= 6; nd++) {
        check_layout(2, nd, (km_rect){0, 0, 1920, 1080}, true);
        check_layout(2, nd, (km_rect){0, 0, 1080, 1920}, true);
        check_layout(2, nd, (km_rect){100, 64, 1200, 700}, true);
        check_layout(3, nd, (km_rect){0, 0, 3840, 2160}, false);
    }
    check_layout(0, 4, (km_rect){0, 0, 1600, 1000}, true); /* details alone */
    check_layout(1, 4, (km_rect){0, 0, 900, 1400}, true);
}

/* The layout is the same anywhere: moving the output moves every box and
 * transform by exactly that much. */
static void test_translation(void **state)
{
    (void)state;
    km_layout_item items[4] = {k_body, k_body, k_detail, k_detail};
    km_layout_opts o = {.title = false, .footer = false, .legend = true, .legend_items = 5};
    km_layout a, b;
    km_layout_items(&a, items, 4, &o, (km_rect){0, 0, 1280, 720});
    km_layout_items(&b, items, 4, &o, (km_rect){300, 68, 1280, 720});
    for (int i = 0; i < 4; i++) {
        assert_int_equal(b.v[i].cell.x, a.v[i].cell.x + 300);
        assert_int_equal(b.v[i].cell.y, a.v[i].cell.y + 68);
        assert_float_equal(b.v[i].xf.ox, a.v[i].xf.ox + 300, 1e-3);
        assert_float_equal(b.v[i].xf.scale, a.v[i].xf.scale, 1e-6);
    }
}

/* Zoom about a point keeps the view point under it; the layout placed
 * with the new transform agrees; pan is clamped so the view covers its
 * box. */
static void test_zoom_and_pan(void **state)
{
    (void)state;
    km_layout_item items[3] = {k_body, k_body, k_detail};
    km_layout_opts o = {.title = false, .footer = false, .legend = true, .legend_items = 5};
    km_rect out = {0, 0, 1600, 1000};
    km_layout L;
    km_layout_items(&L, items, 3, &o, out);
    for (int i = 0; i < 3; i++) {
        km_vec2 p = {L.v[i].w * 0.3f, L.v[i].h * 0.6f};
        km_vec2 s = km_layout_to_screen(&L, i, p);
        km_view_xform x = km_layout_zoom_at(&L, i, items[L.v[i].view].xf, s.x, s.y, 2.5f, 6);
        assert_float_equal(x.zoom, 2.5f, 1e-5);
        items[L.v[i].view].xf = x;
        km_layout Z;
        km_layout_items(&Z, items, 3, &o, out);
        assert_int_equal(Z.v[i].cell.x, L.v[i].cell.x); /* zoom never moves a cell */
        km_vec2 q = km_layout_to_view(&Z, i, s);
        assert_float_equal(q.x, p.x, 0.05);
        assert_float_equal(q.y, p.y, 0.05);
        /* zoom is clamped to 1..max */
        assert_float_equal(km_layout_zoom_at(&Z, i, x, s.x, s.y, 100, 6).zoom, 6, 1e-5);
        assert_float_equal(km_layout_zoom_at(&Z, i, x, s.x, s.y, 0.01f, 6).zoom, 1, 1e-5);
        /* a huge pan stops at the view's edge */
        km_view_xform far = km_layout_pan_by(&Z, i, x, 1e6f, -1e6f);
        assert_float_equal(far.pan_x, L.v[i].w * 0.5f * (1 - 1 / x.zoom), 0.01);
        assert_float_equal(far.pan_y, -L.v[i].h * 0.5f * (1 - 1 / x.zoom), 0.01);
        items[L.v[i].view].xf = (km_view_xform){1, 0, 0};
    }
}

/* Points off every view (the key, the gaps, outside) hit nothing. */
static void test_hit_misses(void **state)
{
    (void)state;
    km_layout_item items[2] = {k_body, k_body};
    km_layout_opts o = {.title = false, .footer = false, .legend = true, .legend_items = 5};
    km_layout L;
    km_layout_items(&L, items, 2, &o, (km_rect){0, 0, 1600, 1000});
    assert_int_equal(km_layout_hit(&L, -5, 500, NULL), -1);
    assert_int_equal(km_layout_hit(&L, (float)L.legend.x + 2, (float)L.legend.y + 2, NULL), -1);
    assert_int_equal(km_layout_hit(&L, 1, 1, NULL), -1);
    assert_int_equal(km_layout_find(&L, 1), 1);
    assert_int_equal(km_layout_find(&L, 7), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_bodies),       cmocka_unit_test(test_bodies_and_details),
        cmocka_unit_test(test_translation),      cmocka_unit_test(test_zoom_and_pan),
        cmocka_unit_test(test_hit_misses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
