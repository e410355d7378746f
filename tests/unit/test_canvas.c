/*
 * test_canvas.c - the rasteriser: exact coverage, winding, paints, clipping.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "raster/canvas.h"

static const km_rgba white = {255, 255, 255, 255};
static const km_rgba black = {0, 0, 0, 255};
static const km_xform ident = {1, 0, 0};

static km_poly poly_of(km_vec2 *pts, int n)
{
    km_poly p;
    p.pts = pts;
    p.count = n;
    p.box = (km_box){0, 0, 0, 0};
    return p;
}

/* Darkness 0..1 of a pixel painted black over white. */
static double ink(const km_canvas *c, int x, int y)
{
    km_rgba k = km_canvas_get(c, x, y);
    return 1.0 - k.r / 255.0;
}

static int setup(void **state)
{
    static km_canvas c;
    if (!km_canvas_init(&c, 64, 48))
        return -1;
    km_canvas_clear(&c, white);
    *state = &c;
    return 0;
}

static int teardown(void **state)
{
    km_canvas_release(*state);
    return 0;
}

static void fill_solid(km_canvas *c, km_vec2 *pts, int n)
{
    km_poly p = poly_of(pts, n);
    km_canvas_fill(c, &p, 1, ident, (km_paint){KM_PAINT_SOLID, black, 0, 0});
}

static void test_half_covered_pixel(void **state)
{
    km_canvas *c = *state;
    /* Rectangle from x=10.5 to 20 covers pixel 10 by half, 11..19 fully. */
    km_vec2 r[4] = {{10.5f, 5}, {20, 5}, {20, 15}, {10.5f, 15}};
    fill_solid(c, r, 4);
    assert_true(fabs(ink(c, 10, 10) - 0.5) < 0.02);
    assert_true(ink(c, 15, 10) > 0.99);
    assert_true(ink(c, 9, 10) < 0.01);
    assert_true(ink(c, 20, 10) < 0.01);
    /* A diagonal edge through a pixel's centre also gives ~half. */
    km_canvas_clear(c, white);
    km_vec2 t[3] = {{30, 30}, {40, 30}, {30, 40}};
    fill_solid(c, t, 3);
    assert_true(fabs(ink(c, 34, 35) - 0.5) < 0.02);
}

static void test_winding_direction_irrelevant(void **state)
{
    km_canvas *c = *state;
    km_vec2 cw[4] = {{5, 5}, {5, 15}, {15, 15}, {15, 5}};
    fill_solid(c, cw, 4);
    assert_true(ink(c, 10, 10) > 0.99);
}

static void test_concave_notch_empty(void **state)
{
    km_canvas *c = *state;
    /* A "U": the notch between the arms must stay paper. */
    km_vec2 u[8] = {{10, 10}, {20, 10}, {20, 30}, {30, 30}, {30, 10}, {40, 10}, {40, 40}, {10, 40}};
    fill_solid(c, u, 8);
    assert_true(ink(c, 25, 20) < 0.01); /* notch */
    assert_true(ink(c, 15, 20) > 0.99); /* left arm */
    assert_true(ink(c, 35, 20) > 0.99); /* right arm */
    assert_true(ink(c, 25, 35) > 0.99); /* base */
}

static void test_overlapping_contours_do_not_cancel(void **state)
{
    km_canvas *c = *state;
    km_vec2 a[4] = {{5, 5}, {25, 5}, {25, 25}, {5, 25}};
    km_vec2 b[4] = {{15, 15}, {35, 15}, {35, 35}, {15, 35}};
    km_poly p[2] = {poly_of(a, 4), poly_of(b, 4)};
    km_canvas_fill(c, p, 2, ident, (km_paint){KM_PAINT_SOLID, black, 0, 0});
    assert_true(ink(c, 20, 20) > 0.99); /* nonzero, not even-odd */
    /* A stroke crossing itself keeps full ink where it overlaps. */
    km_canvas_clear(c, white);
    km_vec2 x[4] = {{5, 5}, {40, 40}, {40, 5}, {5, 40}};
    km_canvas_stroke_line(c, x, 4, false, ident, 4.0f, black);
    assert_true(ink(c, 22, 22) > 0.99);
    assert_true(ink(c, 40, 22) > 0.99); /* on the vertical segment */
    assert_true(ink(c, 22, 10) < 0.01); /* between the lines */
}

static void test_stipple_leaves_gaps(void **state)
{
    km_canvas *c = *state;
    km_vec2 r[4] = {{0, 0}, {64, 0}, {64, 48}, {0, 48}};
    km_poly p = poly_of(r, 4);
    km_canvas_fill(c, &p, 1, ident, (km_paint){KM_PAINT_STIPPLE, black, 8.0f, 2.0f});
    int dark = 0, light = 0;
    for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++) {
            double v = ink(c, x, y);
            dark += v > 0.9;
            light += v < 0.1;
        }
    /* Dots of radius 2 every 8 px on a staggered grid: ~20% ink. */
    assert_true(dark > 64 * 48 / 20);
    assert_true(light > 64 * 48 / 2);
    /* Each dot row is shifted half a period from the next: a dot centre
     * (0,0) is dark, and so is (4, 6.93), while (4, 0) is paper. */
    assert_true(ink(c, 0, 0) > 0.3);
    assert_true(ink(c, 4, 6) > 0.5);
    assert_true(ink(c, 4, 0) < 0.1);
}

static void test_hatch_leaves_gaps(void **state)
{
    km_canvas *c = *state;
    km_vec2 r[4] = {{0, 0}, {64, 0}, {64, 48}, {0, 48}};
    km_poly p = poly_of(r, 4);
    km_canvas_fill(c, &p, 1, ident, (km_paint){KM_PAINT_HATCH, black, 8.0f, 1.0f});
    int dark = 0, light = 0;
    for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++) {
            dark += ink(c, x, y) > 0.6;
            light += ink(c, x, y) < 0.1;
        }
    assert_true(dark > 64 * 48 / 10);
    assert_true(light > 64 * 48 / 3);
}

static void test_clipped_at_edges(void **state)
{
    km_canvas *c = *state;
    /* Larger than the canvas on every side: everything covered. */
    km_vec2 big[4] = {{-1e7f, -1e7f}, {1e7f, -1e7f}, {1e7f, 1e7f}, {-1e7f, 1e7f}};
    fill_solid(c, big, 4);
    assert_true(ink(c, 0, 0) > 0.99);
    assert_true(ink(c, 63, 47) > 0.99);
    /* Half off the left edge: only the part inside is painted. */
    km_canvas_clear(c, white);
    km_vec2 left[4] = {{-50, 10}, {10, 10}, {10, 20}, {-50, 20}};
    fill_solid(c, left, 4);
    assert_true(ink(c, 0, 15) > 0.99);
    assert_true(ink(c, 9, 15) > 0.99);
    assert_true(ink(c, 10, 15) < 0.01);
    /* Entirely off canvas, huge or negative: nothing, no crash. */
    km_canvas_clear(c, white);
    km_vec2 off[3] = {{-1e30f, -5}, {-1e29f, -1e30f}, {-3, -4}};
    fill_solid(c, off, 3);
    km_vec2 far[3] = {{1e30f, 1e30f}, {2e30f, 1e30f}, {1e30f, 3e30f}};
    fill_solid(c, far, 3);
    for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++)
            assert_true(ink(c, x, y) < 0.01);
    /* The scratch buffer is left clean: a later small fill is exact. */
    km_vec2 r[4] = {{10.5f, 5}, {20, 5}, {20, 15}, {10.5f, 15}};
    fill_solid(c, r, 4);
    assert_true(fabs(ink(c, 10, 10) - 0.5) < 0.02);
    assert_true(ink(c, 30, 10) < 0.01);
}

static void test_nan_points_skipped(void **state)
{
    km_canvas *c = *state;
    km_vec2 r[5] = {{5, 5}, {25, 5}, {NAN, 7}, {25, 25}, {5, 25}};
    fill_solid(c, r, 5);
    assert_true(ink(c, 15, 15) > 0.99);
    km_vec2 all_nan[3] = {{NAN, NAN}, {INFINITY, 1}, {1, -INFINITY}};
    km_canvas_clear(c, white);
    fill_solid(c, all_nan, 3);
    km_canvas_stroke_line(c, all_nan, 3, true, ident, 3, black);
    km_canvas_cross(c, all_nan[0], ident, 4, 2, black);
    for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++)
            assert_true(ink(c, x, y) < 0.01);
}

static void test_clip_rect_and_cost_box(void **state)
{
    km_canvas *c = *state;
    km_canvas_clip(c, 10, 10, 20, 20);
    km_vec2 big[4] = {{0, 0}, {64, 0}, {64, 48}, {0, 48}};
    fill_solid(c, big, 4);
    km_canvas_clip_reset(c);
    assert_true(ink(c, 15, 15) > 0.99);
    assert_true(ink(c, 9, 15) < 0.01);
    assert_true(ink(c, 30, 15) < 0.01);
    assert_true(ink(c, 15, 30) < 0.01);
}

static void test_cross_and_disc(void **state)
{
    km_canvas *c = *state;
    km_canvas_cross(c, (km_vec2){32, 24}, ident, 8, 3, black);
    assert_true(ink(c, 32, 24) > 0.99); /* centre */
    assert_true(ink(c, 27, 19) > 0.9);  /* on an arm */
    assert_true(ink(c, 32, 18) < 0.05); /* between arms */
    km_canvas_clear(c, white);
    km_canvas_disc(c, (km_vec2){10, 10}, (km_xform){2, 0, 0}, 6, black);
    assert_true(ink(c, 20, 20) > 0.99);
    assert_true(ink(c, 20, 27) < 0.01);
}

static void test_mask_erase(void **state)
{
    km_canvas *c = *state;
    km_canvas_mask_clear(c);
    km_vec2 line[2] = {{5, 24}, {58, 24}};
    km_vec2 cut[2] = {{32, 0}, {32, 47}};
    km_canvas_mask_line(c, line, 2, ident, 6, false);
    km_canvas_mask_line(c, cut, 2, ident, 6, true);
    km_canvas_mask_paint(c, (km_paint){KM_PAINT_SOLID, black, 0, 0});
    assert_true(ink(c, 15, 24) > 0.99);
    assert_true(ink(c, 32, 24) < 0.01);
    assert_true(ink(c, 15, 10) < 0.01);
}

static void test_mask_keep_inside(void **state)
{
    km_canvas *c = *state;
    km_canvas_mask_clear(c);
    km_vec2 line[2] = {{2, 24}, {62, 24}};
    km_canvas_mask_line(c, line, 2, ident, 8, false);
    km_vec2 body[4] = {{20, 0}, {40, 0}, {40, 48}, {20, 48}};
    km_poly p = poly_of(body, 4);
    km_canvas_mask_keep_inside(c, &p, 1, ident);
    km_canvas_mask_paint(c, (km_paint){KM_PAINT_SOLID, black, 0, 0});
    assert_true(ink(c, 30, 24) > 0.99); /* inside the body */
    assert_true(ink(c, 10, 24) < 0.01); /* on the paper, left */
    assert_true(ink(c, 50, 24) < 0.01); /* on the paper, right */
}

static void test_batch_thin_strokes(void **state)
{
    km_canvas *c = *state;
    /* A closed ring 2 px wide (thin path: offset outlines), a crossing
     * open line, and a thick line (quads and joins), painted once. */
    km_vec2 sq[4] = {{10, 10}, {30, 10}, {30, 30}, {10, 30}};
    km_vec2 cross[2] = {{5, 20}, {60, 20}};
    km_vec2 thick[3] = {{40, 40}, {50, 44}, {60, 40}};
    km_canvas_batch_begin(c);
    km_canvas_batch_stroke(c, sq, 4, true, ident, 2);
    km_canvas_batch_stroke(c, cross, 2, false, ident, 2);
    km_canvas_batch_stroke(c, thick, 3, false, ident, 6);
    km_canvas_batch_end(c, (km_paint){KM_PAINT_SOLID, black, 0, 0});
    assert_true(ink(c, 20, 10) > 0.99);  /* the ring's top edge covers rows 9 and 10 */
    assert_true(ink(c, 20, 9) > 0.99);
    assert_true(ink(c, 20, 11) < 0.01);
    assert_true(ink(c, 15, 15) < 0.01);  /* inside the ring: empty */
    assert_true(ink(c, 20, 25) < 0.01);
    assert_true(ink(c, 2, 2) < 0.01);    /* outside */
    assert_true(ink(c, 30, 20) > 0.99);  /* ring and line cross: they add, never cancel */
    assert_true(ink(c, 45, 20) > 0.99);  /* the open line beyond the ring */
    assert_true(ink(c, 50, 44) > 0.99);  /* the thick line */
    /* The scratch buffer is clean afterwards. */
    km_canvas_clear(c, white);
    km_vec2 r[4] = {{10.5f, 5}, {20, 5}, {20, 15}, {10.5f, 15}};
    fill_solid(c, r, 4);
    assert_true(fabs(ink(c, 10, 10) - 0.5) < 0.02);
    assert_true(ink(c, 25, 20) < 0.01);
}

static void test_source_over(void **state)
{
    km_canvas *c = *state;
    km_vec2 r[4] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
    km_poly p = poly_of(r, 4);
    km_canvas_fill(c, &p, 1, ident, (km_paint){KM_PAINT_SOLID, (km_rgba){255, 0, 0, 128}, 0, 0});
    km_rgba k = km_canvas_get(c, 5, 5);
    assert_int_equal(k.a, 255);
    assert_int_equal(k.r, 255);
    assert_true(abs((int)k.g - 127) <= 1);
}

/* A scratch canvas draws into bound pixels exactly as an owning one draws
 * into its own, does nothing while unbound, and leaves the caller's pixels
 * alive on release. */
static void test_bound_pixels(void **state)
{
    km_canvas *own = *state;
    km_canvas c;
    assert_true(km_canvas_init_scratch(&c, own->w, own->h));
    km_vec2 tri[3] = {{3.3f, 2.2f}, {40.7f, 9.1f}, {12.5f, 30.9f}};
    fill_solid(&c, tri, 3); /* unbound: nothing to draw in, no crash */
    km_canvas_clear(&c, white);
    uint32_t *px = malloc((size_t)own->w * own->h * sizeof *px);
    assert_non_null(px);
    km_canvas_bind(&c, px);
    km_canvas_clear(&c, white);
    fill_solid(&c, tri, 3);
    fill_solid(own, tri, 3);
    int inked = 0;
    for (int i = 0; i < own->w * own->h; i++) {
        assert_int_equal(px[i], own->px[i]);
        inked += px[i] != 0xffffffffu;
    }
    assert_true(inked > 100);
    km_canvas_bind(&c, NULL);
    km_canvas_release(&c);
    px[0] = 0; /* still ours */
    free(px);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_half_covered_pixel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_winding_direction_irrelevant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concave_notch_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlapping_contours_do_not_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stipple_leaves_gaps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hatch_leaves_gaps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clipped_at_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nan_points_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clip_rect_and_cost_box, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_and_disc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_erase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_keep_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_thin_strokes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_over, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bound_pixels, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
