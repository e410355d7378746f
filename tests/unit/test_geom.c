/*
 * test_geom.c - point in polygon (edges, vertices, concave notches),
 * smoothing, mirroring, area and interior points.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/geom.h"

static km_poly make(const km_vec2 *pts, int n)
{
    km_poly p;
    assert_true(km_poly_init(&p, pts, n));
    return p;
}

/* A "U": a 10x10 square with a notch 4 wide and 6 deep cut from the top. */
static const km_vec2 u_shape[] = {{0, 0}, {3, 0}, {3, 6}, {7, 6}, {7, 0}, {10, 0}, {10, 10}, {0, 10}};

static void test_contains_square_edges_and_corners(void **state)
{
    (void)state;
    const km_vec2 sq[] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
    km_poly p = make(sq, 4);
    assert_true(km_poly_contains(&p, (km_vec2){5, 5}));
    assert_true(km_poly_contains(&p, (km_vec2){0, 5}));   /* left edge */
    assert_true(km_poly_contains(&p, (km_vec2){10, 5}));  /* right edge */
    assert_true(km_poly_contains(&p, (km_vec2){5, 10}));  /* bottom edge */
    assert_true(km_poly_contains(&p, (km_vec2){10, 10})); /* corner */
    assert_false(km_poly_contains(&p, (km_vec2){10.01f, 5}));
    assert_false(km_poly_contains(&p, (km_vec2){-0.01f, 5}));
    assert_false(km_poly_contains(&p, (km_vec2){5, -3}));
    km_poly_release(&p);
}

static void test_contains_concave_notch(void **state)
{
    (void)state;
    km_poly p = make(u_shape, 8);
    assert_false(km_poly_contains(&p, (km_vec2){5, 3}));  /* inside the notch: outside the shape */
    assert_true(km_poly_contains(&p, (km_vec2){5, 8}));   /* below the notch */
    assert_true(km_poly_contains(&p, (km_vec2){1.5f, 3})); /* left arm */
    assert_true(km_poly_contains(&p, (km_vec2){8.5f, 3})); /* right arm */
    assert_true(km_poly_contains(&p, (km_vec2){5, 6}));   /* the notch's floor is an edge */
    km_poly_release(&p);
}

static void test_area_and_centroid(void **state)
{
    (void)state;
    km_poly p = make(u_shape, 8);
    assert_float_equal(km_poly_area(&p), 100.0 - 24.0, 1e-6);
    km_vec2 c = km_poly_centroid(&p);
    assert_float_equal(c.x, 5.0, 1e-4); /* symmetric about x = 5 */
    /* The centroid of a U lies in its notch; the interior point must not. */
    km_vec2 in = km_poly_interior_point(&p);
    assert_true(km_poly_contains(&p, in));
    km_poly_release(&p);
}

static void test_smoothing_passes_through_control_points(void **state)
{
    (void)state;
    const km_vec2 ctrl[] = {{0, 0}, {100, 0}, {100, 100}, {0, 100}};
    km_poly p;
    assert_true(km_poly_init_smooth(&p, ctrl, 4, KM_SMOOTH_STEPS));
    assert_int_equal(p.count, 4 * KM_SMOOTH_STEPS);
    for (int i = 0; i < 4; i++) { /* every span starts at its control point */
        assert_float_equal(p.pts[i * KM_SMOOTH_STEPS].x, ctrl[i].x, 1e-3);
        assert_float_equal(p.pts[i * KM_SMOOTH_STEPS].y, ctrl[i].y, 1e-3);
    }
    /* A smoothed square bulges: the mid-span point lies outside the straight edge. */
    km_vec2 mid = p.pts[KM_SMOOTH_STEPS / 2];
    assert_true(mid.y < 0);
    assert_true(mid.x > 40 && mid.x < 60);
    /* ...but stays close to it (no overshoot loops). */
    assert_true(mid.y > -25);
    assert_true(km_poly_contains(&p, (km_vec2){50, 50}));
    assert_true(p.box.y0 < 0 && p.box.x1 > 100);
    km_poly_release(&p);
}

static void test_mirror_is_exact_and_keeps_winding(void **state)
{
    (void)state;
    const km_vec2 tri[] = {{600, 100}, {700, 120}, {650, 300}};
    km_poly p = make(tri, 3), q;
    assert_true(km_poly_copy(&q, &p));
    km_poly_mirror(&q, 1000);
    assert_int_equal(q.count, 3);
    /* Reversed order: q[i] mirrors p[n-1-i]. */
    for (int i = 0; i < 3; i++) {
        assert_float_equal(q.pts[i].x, 1000 - p.pts[2 - i].x, 0);
        assert_float_equal(q.pts[i].y, p.pts[2 - i].y, 0);
    }
    assert_float_equal(q.box.x0, 300, 0);
    assert_float_equal(q.box.x1, 400, 0);
    assert_float_equal(km_poly_area(&q), km_poly_area(&p), 1e-6);
    assert_true(km_poly_contains(&q, (km_vec2){1000 - 650, 170}));
    assert_false(km_poly_contains(&q, (km_vec2){650, 170}));
    km_poly_release(&p);
    km_poly_release(&q);
}

static void test_degenerate_polygons(void **state)
{
    (void)state;
    const km_vec2 line[] = {{0, 0}, {10, 10}};
    km_poly p = make(line, 2);
    assert_false(km_poly_contains(&p, (km_vec2){5, 5})); /* fewer than 3 points is no area */
    assert_float_equal(km_poly_area(&p), 0, 0);
    km_poly_release(&p);
    km_poly e;
    assert_true(km_poly_init(&e, NULL, 0));
    assert_false(km_poly_contains(&e, (km_vec2){0, 0}));
    km_poly_release(&e);
}

static void test_open_line_smoothing_keeps_ends(void **state)
{
    (void)state;
    const km_vec2 ctrl[] = {{0, 0}, {50, 20}, {100, 0}};
    km_line l;
    assert_true(km_line_init_smooth(&l, ctrl, 3, false, true, KM_SMOOTH_STEPS));
    assert_int_equal(l.count, 2 * KM_SMOOTH_STEPS + 1);
    assert_float_equal(l.pts[0].x, 0, 1e-4);
    assert_float_equal(l.pts[l.count - 1].x, 100, 1e-4);
    km_line_mirror(&l, 1000);
    assert_float_equal(l.pts[0].x, 900, 1e-3); /* reversed and mirrored */
    km_line_release(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contains_square_edges_and_corners),
        cmocka_unit_test(test_contains_concave_notch),
        cmocka_unit_test(test_area_and_centroid),
        cmocka_unit_test(test_smoothing_passes_through_control_points),
        cmocka_unit_test(test_mirror_is_exact_and_keeps_winding),
        cmocka_unit_test(test_degenerate_polygons),
        cmocka_unit_test(test_open_line_smoothing_keeps_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
