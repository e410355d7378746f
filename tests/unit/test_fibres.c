/*
 * test_fibres.c - the fibre lines cut to a muscle's shape (src/chart/fibres.c):
 * the spans of a line through convex and concave polygons, the inset, the
 * crossing rule at vertices, the cap on crossings, and the segments of
 * parallel and fan-shaped fibres (inside the shape, in the right
 * direction, thinned toward a fan's tendon).  Also the bundled atlas: most
 * muscles carry fibres, and every shape with fibres gets segments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/fibres.h"
#include "core/atlas.h"
#include "core/geom.h"

static km_poly make_poly(const km_vec2 *pts, int n)
{
    km_poly p;
    assert_true(km_poly_init(&p, pts, n));
    return p;
}

/* Distance from q to the nearest edge of p. */
static float edge_distance(const km_poly *p, km_vec2 q)
{
    float best = INFINITY;
    for (int i = 0; i < p->count; i++) {
        km_vec2 a = p->pts[i], b = p->pts[(i + 1) % p->count];
        float dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
        float t = l2 > 0 ? ((q.x - a.x) * dx + (q.y - a.y) * dy) / l2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        float ex = a.x + dx * t - q.x, ey = a.y + dy * t - q.y;
        float d = sqrtf(ex * ex + ey * ey);
        best = d < best ? d : best;
    }
    return best;
}

/* ---- km_line_spans ------------------------------------------------------- */

static void test_square_one_span(void **state)
{
    (void)state;
    km_vec2 sq[4] = {{0, 0}, {100, 0}, {100, 100}, {0, 100}};
    km_poly p = make_poly(sq, 4);
    float t[8];
    /* y = 50, from x = -20 along +x: inside from t = 20 to 120, less the inset */
    int n = km_line_spans(&p, (km_vec2){-20, 50}, (km_vec2){1, 0}, 5, 0, t, 4);
    assert_int_equal(n, 1);
    assert_true(fabsf(t[0] - 25) < 1e-3f && fabsf(t[1] - 115) < 1e-3f);
    /* a diagonal through opposite corners' neighbourhood */
    const float r = sqrtf(0.5f);
    n = km_line_spans(&p, (km_vec2){50, 50}, (km_vec2){r, r}, 0, 0, t, 4);
    assert_int_equal(n, 1);
    assert_true(fabsf(t[0] + 50 * sqrtf(2)) < 1e-2f && fabsf(t[1] - 50 * sqrtf(2)) < 1e-2f);
    /* a line that misses the square */
    assert_int_equal(km_line_spans(&p, (km_vec2){0, 150}, (km_vec2){1, 0}, 0, 0, t, 4), 0);
    /* the span shorter than min_len after the inset is dropped */
    assert_int_equal(km_line_spans(&p, (km_vec2){0, 50}, (km_vec2){1, 0}, 30, 41, t, 4), 0);
    assert_int_equal(km_line_spans(&p, (km_vec2){0, 50}, (km_vec2){1, 0}, 30, 39, t, 4), 1);
    /* an inset larger than half the span leaves nothing */
    assert_int_equal(km_line_spans(&p, (km_vec2){0, 50}, (km_vec2){1, 0}, 60, 0, t, 4), 0);
    km_poly_release(&p);
}

/* A U: a horizontal line through both arms gives two spans, one through
 * the base gives one. */
static void test_concave_two_spans(void **state)
{
    (void)state;
    km_vec2 u[8] = {{0, 0}, {30, 0}, {30, 70}, {70, 70}, {70, 0}, {100, 0}, {100, 100}, {0, 100}};
    km_poly p = make_poly(u, 8);
    float t[8];
    int n = km_line_spans(&p, (km_vec2){0, 40}, (km_vec2){1, 0}, 2, 0, t, 4);
    assert_int_equal(n, 2);
    assert_true(fabsf(t[0] - 2) < 1e-3f && fabsf(t[1] - 28) < 1e-3f);
    assert_true(fabsf(t[2] - 72) < 1e-3f && fabsf(t[3] - 98) < 1e-3f);
    n = km_line_spans(&p, (km_vec2){0, 85}, (km_vec2){1, 0}, 2, 0, t, 4);
    assert_int_equal(n, 1);
    /* max limits what is written */
    assert_int_equal(km_line_spans(&p, (km_vec2){0, 40}, (km_vec2){1, 0}, 2, 0, t, 1), 1);
    assert_true(fabsf(t[1] - 28) < 1e-3f);
    /* reversed direction: the same spans, in order along the line */
    n = km_line_spans(&p, (km_vec2){100, 40}, (km_vec2){-1, 0}, 2, 0, t, 4);
    assert_int_equal(n, 2);
    assert_true(t[0] < t[1] && t[1] < t[2] && t[2] < t[3]);
    km_poly_release(&p);
}

/* A line exactly through vertices: every crossing counted once, so the
 * spans still pair up (a diamond's corners, a square's edge). */
static void test_through_vertices(void **state)
{
    (void)state;
    km_vec2 dia[4] = {{50, 0}, {100, 50}, {50, 100}, {0, 50}};
    km_poly p = make_poly(dia, 4);
    float t[8];
    int n = km_line_spans(&p, (km_vec2){-10, 50}, (km_vec2){1, 0}, 0, 0, t, 4);
    assert_int_equal(n, 1);
    assert_true(fabsf(t[0] - 10) < 1e-3f && fabsf(t[1] - 110) < 1e-3f);
    km_poly_release(&p);
    /* A W-shaped top edge whose middle vertex touches the line: the touch
     * is not a crossing, so one span, not three. */
    km_vec2 w[5] = {{0, 0}, {50, 40}, {100, 0}, {100, 100}, {0, 100}};
    p = make_poly(w, 5);
    n = km_line_spans(&p, (km_vec2){-10, 40}, (km_vec2){1, 0}, 0, 0, t, 4);
    assert_int_equal(n, 1); /* touching is not crossing */
    for (int i = 0; i < n; i++) {
        km_vec2 mid = {-10 + (t[2 * i] + t[2 * i + 1]) / 2, 40};
        assert_true(km_poly_contains(&p, mid));
    }
    km_poly_release(&p);
}

/* A comb with more teeth than KM_FIBRE_MAX_CROSSINGS allows: no span,
 * rather than a wrong one. */
static void test_too_many_crossings(void **state)
{
    (void)state;
    enum { TEETH = KM_FIBRE_MAX_CROSSINGS / 2 + 4 };
    km_vec2 pts[4 * TEETH + 2];
    int n = 0;
    for (int k = 0; k < TEETH; k++) {
        float x = (float)k * 10;
        pts[n++] = (km_vec2){x, 100};
        pts[n++] = (km_vec2){x, 0};
        pts[n++] = (km_vec2){x + 5, 0};
        pts[n++] = (km_vec2){x + 5, 100};
    }
    pts[n++] = (km_vec2){(float)TEETH * 10, 120};
    pts[n++] = (km_vec2){0, 120};
    km_poly p = make_poly(pts, n);
    float t[8];
    assert_int_equal(km_line_spans(&p, (km_vec2){-5, 50}, (km_vec2){1, 0}, 0, 0, t, 4), 0);
    /* above the teeth the comb's back is one span */
    assert_int_equal(km_line_spans(&p, (km_vec2){-5, 110}, (km_vec2){1, 0}, 0, 0, t, 4), 1);
    km_poly_release(&p);
}

/* ---- km_fibres_segments ------------------------------------------------ */

static void test_parallel_segments(void **state)
{
    (void)state;
    km_vec2 sq[4] = {{0, 0}, {100, 0}, {100, 200}, {0, 200}};
    km_poly p = make_poly(sq, 4);
    km_fibre_seg seg[256];
    km_fibres f = {KM_FIBRES_PARALLEL, 90, {0, 0}, 1};
    int n = km_fibres_segments(&p, &f, 10, 3, seg, 256);
    /* vertical lines 10 apart through the centroid (x = 50): x = 0 and
     * 100 are on the edge and give nothing, so 9 lines from x = 10 to 90 */
    assert_int_equal(n, 9);
    for (int i = 0; i < n; i++) {
        assert_true(fabsf(seg[i].p[0].x - seg[i].p[1].x) < 1e-3f); /* vertical */
        assert_true(fabsf(fmodf(seg[i].p[0].x, 10)) < 1e-3f || fabsf(fmodf(seg[i].p[0].x, 10) - 10) < 1e-3f);
        for (int e = 0; e < 2; e++) {
            assert_true(km_poly_contains(&p, seg[i].p[e]));
            assert_true(edge_distance(&p, seg[i].p[e]) >= 3 - 1e-3f);
        }
    }
    /* the data's factor doubles the spacing: about half the lines */
    f.spacing = 2;
    assert_int_equal(km_fibres_segments(&p, &f, 10, 3, seg, 256), 5);
    /* 30 degrees: every segment runs at 30 degrees */
    f = (km_fibres){KM_FIBRES_PARALLEL, 30, {0, 0}, 1};
    n = km_fibres_segments(&p, &f, 10, 3, seg, 256);
    assert_true(n >= 10);
    for (int i = 0; i < n; i++) {
        float a = atan2f(seg[i].p[1].y - seg[i].p[0].y, seg[i].p[1].x - seg[i].p[0].x) * 180 / 3.14159265f;
        assert_true(fabsf(a - 30) < 0.1f || fabsf(a + 150) < 0.1f);
    }
    /* none, and nonsense spacings, give nothing */
    f.kind = KM_FIBRES_NONE;
    assert_int_equal(km_fibres_segments(&p, &f, 10, 3, seg, 256), 0);
    f.kind = KM_FIBRES_PARALLEL;
    assert_int_equal(km_fibres_segments(&p, &f, 0, 3, seg, 256), 0);
    assert_int_equal(km_fibres_segments(&p, &f, NAN, 3, seg, 256), 0);
    /* a tiny spacing is widened to at most KM_FIBRE_MAX_LINES lines */
    n = km_fibres_segments(&p, &f, 1e-4f, 0, seg, 256);
    assert_true(n > 0 && n <= KM_FIBRE_MAX_LINES);
    /* max bounds the output */
    assert_int_equal(km_fibres_segments(&p, &f, 10, 3, seg, 4), 4);
    km_poly_release(&p);
}

/* A concave shape: lines that cross its notch are cut in two, and no
 * segment crosses the notch. */
static void test_parallel_concave(void **state)
{
    (void)state;
    km_vec2 u[8] = {{0, 0}, {30, 0}, {30, 70}, {70, 70}, {70, 0}, {100, 0}, {100, 100}, {0, 100}};
    km_poly p = make_poly(u, 8);
    km_fibre_seg seg[64];
    km_fibres f = {KM_FIBRES_PARALLEL, 0, {0, 0}, 1};
    int n = km_fibres_segments(&p, &f, 8, 1, seg, 64);
    int in_notch_rows = 0;
    for (int i = 0; i < n; i++) {
        km_vec2 mid = {(seg[i].p[0].x + seg[i].p[1].x) / 2, (seg[i].p[0].y + seg[i].p[1].y) / 2};
        assert_true(km_poly_contains(&p, mid));
        /* a row through the arms never reaches across the notch */
        if (seg[i].p[0].y < 70) {
            in_notch_rows++;
            assert_true((seg[i].p[0].x < 30 && seg[i].p[1].x < 30) || (seg[i].p[0].x > 70 && seg[i].p[1].x > 70));
        }
    }
    assert_true(in_notch_rows >= 10); /* two segments per row through the arms */
    km_poly_release(&p);
}

/* A fan: every segment lies on a ray from the point the fibres converge
 * on, and the rays thin out toward it. */
static void test_fan_segments(void **state)
{
    (void)state;
    /* a wedge opening upward from near the tendon at (100, 200) */
    km_vec2 w[4] = {{95, 190}, {0, 0}, {200, 0}, {105, 190}};
    km_poly p = make_poly(w, 4);
    km_fibre_seg seg[256];
    km_fibres f = {KM_FIBRES_FAN, 0, {100, 200}, 1};
    int n = km_fibres_segments(&p, &f, 10, 2, seg, 256);
    assert_true(n >= 12);
    int near = 0, far = 0;
    for (int i = 0; i < n; i++) {
        km_vec2 a = seg[i].p[0], b = seg[i].p[1];
        /* collinear with the focus */
        float cross = (a.x - 100) * (b.y - 200) - (a.y - 200) * (b.x - 100);
        float len = hypotf(b.x - a.x, b.y - a.y) * hypotf(a.x - 100, a.y - 200);
        assert_true(fabsf(cross) <= 1e-3f * len + 1e-3f);
        assert_true(km_poly_contains(&p, a) && km_poly_contains(&p, b));
        /* rays crossing the line y = 150 (near the tendon) and y = 20 (far) */
        float y0 = fminf(a.y, b.y), y1 = fmaxf(a.y, b.y);
        near += y0 <= 150 && y1 >= 150;
        far += y0 <= 20 && y1 >= 20;
    }
    assert_true(far >= 12);
    assert_true(near * 2 <= far); /* thinned: at least every other one stops */
    assert_true(near >= 2);       /* but the fan still reaches toward its tendon */

    /* a focus inside the shape: rays all round */
    km_vec2 sq[4] = {{0, 0}, {100, 0}, {100, 100}, {0, 100}};
    km_poly q = make_poly(sq, 4);
    f.toward = (km_vec2){50, 50};
    n = km_fibres_segments(&q, &f, 10, 2, seg, 256);
    bool left = false, right = false, up = false, down = false;
    for (int i = 0; i < n; i++) {
        km_vec2 b = seg[i].p[1];
        left |= b.x < 20;
        right |= b.x > 80;
        up |= b.y < 20;
        down |= b.y > 80;
    }
    assert_true(left && right && up && down);
    km_poly_release(&q);
    km_poly_release(&p);
}

/* ---- the bundled atlas ------------------------------------------------- */

/* How far p lies outside every contour of the view's silhouette as shown
 * for a side (a close-up's left is mirrored), 0 inside. */
static float outside_by(const km_view *v, km_side side, km_vec2 p)
{
    const km_poly *outline = km_view_outline(v, side);
    float best = INFINITY;
    for (int o = 0; o < v->outline_count; o++) {
        if (km_poly_contains(&outline[o], p))
            return 0;
        float e = edge_distance(&outline[o], p);
        best = e < best ? e : best;
    }
    return best;
}

static void test_bundled_fibres(void **state)
{
    (void)state;
    const char *dir = getenv("KM_DATA_DIR");
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/knotmap.json", dir);
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_no_index(path, &d);
    assert_non_null(a);
    int with = 0, shapes = 0;
    km_fibre_seg seg[KM_FIBRE_MAX_LINES * 2];
    for (int m = 0; m < a->muscle_count; m++) {
        const km_muscle *mu = &a->muscles[m];
        bool any = false;
        for (int k = 0; k < mu->shape_count; k++) {
            const km_shape *sh = &mu->shapes[k];
            shapes++;
            if (sh->fibres.kind == KM_FIBRES_NONE)
                continue;
            any = true;
            /* The chart draws fibres without a mask (a pass over the
             * figure would cost more than the lines): a shape with fibres
             * stays on the body, within the width the silhouette's own
             * line covers. */
            if (mu->layer == KM_LAYER_SUPERFICIAL)
                for (int j = 0; j < sh->poly.count; j++) {
                    float e = outside_by(&a->views[sh->view], sh->side, sh->poly.pts[j]);
                    if (e > 3.0f)
                        fail_msg("%s shape %d (%s): (%.1f, %.1f) is %.1f units off the body", mu->id, k,
                                 a->views[sh->view].id, sh->poly.pts[j].x, sh->poly.pts[j].y, e);
                }
            /* at a body view's overview spacing (about 30 units) every
             * shape with fibres shows some, except the smallest */
            const float s = a->views[sh->view].kind == KM_VIEW_BODY ? 30.0f : 25.0f;
            int n = km_fibres_segments(&sh->poly, &sh->fibres, s / 4, s / 16, seg, KM_FIBRE_MAX_LINES * 2);
            if (n == 0 && km_poly_area(&sh->poly) > 2000)
                fail_msg("%s shape %d (%s) has fibres but no segment", mu->id, k, a->views[sh->view].id);
            for (int j = 0; j < n; j++)
                for (int e = 0; e < 2; e++)
                    if (!km_poly_contains(&sh->poly, seg[j].p[e]))
                        fail_msg("%s shape %d: a fibre leaves the shape at (%.1f, %.1f)", mu->id, k,
                                 seg[j].p[e].x, seg[j].p[e].y);
        }
        with += any;
    }
    /* "most of the 120 muscles" */
    if (with * 10 < a->muscle_count * 9)
        fail_msg("only %d of %d muscles have fibres", with, a->muscle_count);
    /* the fans the anatomy names converge where they should */
    static const char *const fans[] = {"upper_trapezius", "pectoralis_major", "deltoid", "temporalis",
                                       "gluteus_medius", "latissimus_dorsi", "infraspinatus"};
    for (size_t i = 0; i < sizeof fans / sizeof *fans; i++) {
        int m = km_atlas_muscle_index(a, fans[i]);
        assert_true(m >= 0);
        bool fan = false;
        for (int k = 0; k < a->muscles[m].shape_count; k++)
            fan |= a->muscles[m].shapes[k].fibres.kind == KM_FIBRES_FAN;
        if (!fan)
            fail_msg("%s has no fan-shaped fibres", fans[i]);
    }
    km_atlas_free(a);
    km_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_square_one_span),
        cmocka_unit_test(test_concave_two_spans),
        cmocka_unit_test(test_through_vertices),
        cmocka_unit_test(test_too_many_crossings),
        cmocka_unit_test(test_parallel_segments),
        cmocka_unit_test(test_parallel_concave),
        cmocka_unit_test(test_fan_segments),
        cmocka_unit_test(test_bundled_fibres),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
