/*
 * test_illustration.c - the stretches' drawings (chart/illustration.c):
 * every bundled stretch has one; each drawing stays inside the box it is
 * given (measured through a recording painter, so the clip cannot hide a
 * pose that spills out); the muscle tint is used for the "stretched" parts
 * and circles and for nothing else; the rasteriser puts the tint on the
 * canvas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "chart/illustration.h"
#include "km_test.h"

/* ---- a painter that records what it is asked to draw ------------------ */

typedef struct rec_painter {
    km_painter base;
    km_rgba tint;
    const km_stretch_illustration *ill;
    float x0, y0, x1, y1; /* extent of everything drawn, pixels */
    int tinted;           /* calls in the tint colour */
    int tinted_stretched; /* of which on a stretched part or circle */
    int calls;
    int clips;
} rec_painter;

static rec_painter *rp(km_painter *p) { return (rec_painter *)p; }

static void grow(rec_painter *r, km_vec2 v, km_xform xf, float pad)
{
    float x = v.x * xf.scale + xf.ox, y = v.y * xf.scale + xf.oy;
    r->x0 = fminf(r->x0, x - pad);
    r->y0 = fminf(r->y0, y - pad);
    r->x1 = fmaxf(r->x1, x + pad);
    r->y1 = fmaxf(r->y1, y + pad);
}

static bool same(km_rgba a, km_rgba b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }

static void rec_stroke(km_painter *p, const km_vec2 *pts, int n, bool closed, km_xform xf, float width,
                       km_rgba color)
{
    (void)closed;
    rec_painter *r = rp(p);
    r->calls++;
    for (int i = 0; i < n; i++)
        grow(r, pts[i], xf, width / 2);
    if (same(color, r->tint)) {
        r->tinted++;
        for (int i = 0; i < r->ill->part_count; i++)
            if (r->ill->parts[i].pts == pts && r->ill->parts[i].role == KM_ILL_STRETCHED)
                r->tinted_stretched++;
    }
}

static void rec_disc(km_painter *p, km_vec2 at, km_xform xf, float radius, km_rgba color)
{
    rec_painter *r = rp(p);
    r->calls++;
    grow(r, at, xf, radius);
    if (same(color, r->tint)) {
        r->tinted++;
        for (int i = 0; i < r->ill->circle_count; i++) {
            const km_ill_circle *c = &r->ill->circles[i];
            if (c->role == KM_ILL_STRETCHED && c->at.x == at.x && c->at.y == at.y)
                r->tinted_stretched++;
        }
    }
}

static void rec_fill(km_painter *p, const km_poly *polys, int n, km_xform xf, km_paint paint)
{
    rec_painter *r = rp(p);
    r->calls++;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < polys[k].count; i++)
            grow(r, polys[k].pts[i], xf, 0);
    if (same(paint.color, r->tint))
        r->tinted++;
}

static void rec_clip(km_painter *p, km_rect box)
{
    (void)box;
    rp(p)->clips++;
}

static void rec_unclip(km_painter *p) { rp(p)->clips--; }

static const km_painter_ops rec_ops = {
    .clip = rec_clip, .unclip = rec_unclip, .fill = rec_fill, .stroke = rec_stroke, .disc = rec_disc,
};

static rec_painter record(const km_stretch_illustration *ill, km_rect box, km_rgba tint)
{
    rec_painter r = {{&rec_ops}, tint, ill, INFINITY, INFINITY, -INFINITY, -INFINITY, 0, 0, 0, 0};
    km_paint_illustration(&r.base, ill, box, tint);
    return r;
}

/* ---- the tests --------------------------------------------------------- */

static void test_every_stretch_is_illustrated(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    assert_true(a->stretch_count >= 65);
    for (int i = 0; i < a->stretch_count; i++)
        if (!a->stretches[i].illustration)
            fail_msg("stretch %s has no illustration", a->stretches[i].id);
    km_atlas_free(a);
}

/* Each drawing, outline and arrow included, inside its box at three sizes
 * and two shapes; the clip is opened and closed once. */
static void test_drawings_stay_inside_their_box(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    const km_rect boxes[] = {{0, 0, 120, 120}, {30, 40, 96, 96}, {5, 5, 400, 300}, {0, 0, 90, 200}};
    for (int i = 0; i < a->stretch_count; i++) {
        for (size_t b = 0; b < sizeof boxes / sizeof *boxes; b++) {
            km_rect box = boxes[b];
            rec_painter r = record(a->stretches[i].illustration, box, km_illustration_tint);
            assert_true(r.calls > 0);
            assert_int_equal(r.clips, 0);
            if (r.x0 < box.x - 0.01f || r.y0 < box.y - 0.01f || r.x1 > box.x + box.w + 0.01f ||
                r.y1 > box.y + box.h + 0.01f)
                fail_msg("%s drawn over [%g, %g]-[%g, %g], outside its box %d,%d %dx%d", a->stretches[i].id,
                         (double)r.x0, (double)r.y0, (double)r.x1, (double)r.y1, box.x, box.y, box.w, box.h);
        }
    }
    km_atlas_free(a);
}

/* The tint colours every stretched part and circle (each has one tinted
 * call, its outline being the darker edge) and nothing else. */
static void test_tint_only_on_stretched_parts(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    const km_rgba tint = {1, 200, 3, 255};
    for (int i = 0; i < a->stretch_count; i++) {
        const km_stretch_illustration *ill = a->stretches[i].illustration;
        int stretched = 0;
        for (int k = 0; k < ill->part_count; k++)
            stretched += ill->parts[k].role == KM_ILL_STRETCHED;
        for (int k = 0; k < ill->circle_count; k++)
            stretched += ill->circles[k].role == KM_ILL_STRETCHED;
        if (stretched == 0)
            fail_msg("%s tints nothing: which muscle is stretched?", a->stretches[i].id);
        rec_painter r = record(ill, (km_rect){0, 0, 120, 120}, tint);
        if (r.tinted != stretched || r.tinted_stretched != stretched)
            fail_msg("%s: %d call(s) in the tint, %d on its %d stretched part(s)", a->stretches[i].id, r.tinted,
                     r.tinted_stretched, stretched);
    }
    km_atlas_free(a);
}

/* The rasteriser: the tint reaches the canvas inside the box, nothing
 * outside it changes. */
static void test_canvas_draws_inside_the_box(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("good-minimal.json");
    assert_non_null(a);
    assert_non_null(a->stretches[0].illustration);
    km_canvas c;
    assert_true(km_canvas_init(&c, 200, 200));
    km_canvas_clear(&c, (km_rgba){255, 255, 255, 255});
    km_canvas_painter cp;
    km_canvas_painter_init(&cp, &c, NULL);
    const km_rect box = {40, 50, 120, 120};
    km_paint_illustration(&cp.base, a->stretches[0].illustration, box, km_illustration_tint);
    const km_rgba t = km_illustration_tint;
    const uint32_t tint = 0xFF000000u | (uint32_t)t.r << 16 | (uint32_t)t.g << 8 | t.b;
    int tinted = 0, outside = 0;
    for (int y = 0; y < c.h; y++)
        for (int x = 0; x < c.w; x++) {
            uint32_t v = c.px[y * c.w + x];
            bool in = x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
            tinted += in && v == tint;
            outside += !in && v != 0xFFFFFFFFu;
        }
    assert_true(tinted >= 10);
    assert_int_equal(outside, 0);
    km_canvas_release(&c);
    km_atlas_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_stretch_is_illustrated),
        cmocka_unit_test(test_drawings_stay_inside_their_box),
        cmocka_unit_test(test_tint_only_on_stretched_parts),
        cmocka_unit_test(test_canvas_draws_inside_the_box),
    };
    return cmocka_run_group_tests_name("illustrations", tests, NULL, NULL);
}
