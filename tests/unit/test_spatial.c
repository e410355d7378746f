/*
 * test_spatial.c - the lookup index must change speed, never answers.
 *
 * On the bundled atlas: (1) km_lookup_point agrees with a brute-force
 * reference kept here (every zone of every muscle, km_poly_contains) for
 * thousands of random points, inside and outside the body; (2) area and
 * drawing lookups through the grid equal, bit for bit, the same lookups on
 * the same atlas with its index removed (the unindexed path); (3) every
 * grid cell lists every zone that contains any of a set of random points in
 * it; (4) km_poly_row answers exactly as km_poly_contains on every sample
 * row of every area.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/lookup.h"
#include "core/spatial.h"
#include "km_test.h"

static km_atlas *atlas;

static int setup(void **state)
{
    (void)state;
    atlas = km_test_load_bundled();
    return atlas && atlas->spatial ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    km_atlas_free(atlas);
    return 0;
}

static unsigned rng = 20261125u;
static float frand(float hi)
{
    rng = rng * 1103515245u + 12345u;
    return (float)((rng >> 8) % 100000) / 100000.0f * hi;
}

/* Reference: the best zone kind of (muscle, side) at p, or -1. */
static int brute_kind(int m, km_side side, int view, km_vec2 p)
{
    int best = -1;
    const km_muscle *mu = &atlas->muscles[m];
    for (int z = 0; z < mu->zone_count; z++) {
        const km_zone *zn = &mu->zones[z];
        if (zn->view == view && zn->side == side && km_poly_contains(&zn->poly, p))
            if (best < 0 || zn->kind == KM_ZONE_ESSENTIAL)
                best = (int)zn->kind;
    }
    return best;
}

static void check_point(int view, km_vec2 p, km_candidates *c, long *hits)
{
    assert_true(km_lookup_point(atlas, view, p, c));
    int expected = 0;
    static const km_side sides[] = {KM_SIDE_MIDLINE, KM_SIDE_RIGHT, KM_SIDE_LEFT};
    for (int m = 0; m < atlas->muscle_count; m++)
        for (int s = 0; s < 3; s++) {
            int kind = brute_kind(m, sides[s], view, p);
            int found = -1;
            for (int i = 0; i < c->count; i++)
                if (c->items[i].muscle == m && c->items[i].side == sides[s])
                    found = i;
            if (kind < 0) {
                if (found >= 0)
                    fail_msg("view %d (%g, %g): %s side %d listed but no zone contains the point", view,
                             (double)p.x, (double)p.y, atlas->muscles[m].id, (int)sides[s]);
                continue;
            }
            expected++;
            if (found < 0)
                fail_msg("view %d (%g, %g): %s side %d missing", view, (double)p.x, (double)p.y,
                         atlas->muscles[m].id, (int)sides[s]);
            assert_int_equal(c->items[found].zone, kind);
            assert_true(c->items[found].coverage == 1.0);
        }
    assert_int_equal(c->count, expected);
    *hits += expected;
}

static void test_point_matches_brute_force(void **state)
{
    (void)state;
    km_candidates c;
    km_candidates_init(&c);
    long hits = 0;
    for (int i = 0; i < 20000; i++) {
        int view = (int)(frand(1) * (float)atlas->view_count) % atlas->view_count;
        const km_view *v = &atlas->views[view];
        km_vec2 p = {frand(v->width * 1.1f) - v->width * 0.05f, frand(v->height * 1.1f) - v->height * 0.05f};
        check_point(view, p, &c, &hits);
    }
    /* Points on zone vertices and edge midpoints: the on-edge rule. */
    for (int m = 0; m < atlas->muscle_count; m++)
        for (int z = 0; z < atlas->muscles[m].zone_count; z++) {
            const km_zone *zn = &atlas->muscles[m].zones[z];
            for (int k = 0; k < zn->poly.count; k += 3) {
                km_vec2 a = zn->poly.pts[k], b = zn->poly.pts[(k + 1) % zn->poly.count];
                km_vec2 mid = {(a.x + b.x) / 2, (a.y + b.y) / 2};
                check_point(zn->view, a, &c, &hits);
                check_point(zn->view, mid, &c, &hits);
            }
        }
    assert_true(hits > 1000); /* the points really hit zones */
    km_candidates_release(&c);
}

static void assert_same(const km_candidates *x, const km_candidates *y)
{
    assert_int_equal(x->count, y->count);
    for (int i = 0; i < x->count; i++) {
        assert_int_equal(x->items[i].muscle, y->items[i].muscle);
        assert_int_equal(x->items[i].side, y->items[i].side);
        assert_int_equal(x->items[i].zone, y->items[i].zone);
        assert_true(x->items[i].score == y->items[i].score);
        assert_true(x->items[i].coverage == y->items[i].coverage);
    }
}

static void test_areas_and_drawings_match_unindexed(void **state)
{
    (void)state;
    km_candidates g, b;
    km_candidates_init(&g);
    km_candidates_init(&b);
    km_spatial *index = atlas->spatial;
    long listed = 0;
    for (int i = 0; i < atlas->area_count; i++) {
        assert_true(km_lookup_area(atlas, i, &g));
        atlas->spatial = NULL;
        bool ok = km_lookup_area(atlas, i, &b);
        atlas->spatial = index;
        assert_true(ok);
        assert_same(&g, &b);
        listed += g.count;
    }
    assert_true(listed > atlas->area_count); /* areas really find muscles */
    /* Drawings: random strokes with mixed weights (zero and negative too). */
    enum { N = 300 };
    static km_sample s[N];
    for (int t = 0; t < 40; t++) {
        int view = t % atlas->view_count;
        const km_view *v = &atlas->views[view];
        km_vec2 at = {frand(v->width), frand(v->height)};
        for (int i = 0; i < N; i++) {
            at.x += frand(8) - 4;
            at.y += (i % 10 < 5) ? 0 : frand(8) - 4; /* runs on one line, then wander */
            float w = t % 5 == 0 && i % 17 == 0 ? -0.5f : frand(1);
            s[i] = (km_sample){view, at, w};
        }
        assert_true(km_lookup_samples(atlas, s, N, &g));
        atlas->spatial = NULL;
        bool ok = km_lookup_samples(atlas, s, N, &b);
        atlas->spatial = index;
        assert_true(ok);
        assert_same(&g, &b);
    }
    km_candidates_release(&g);
    km_candidates_release(&b);
}

static void test_cells_list_every_containing_zone(void **state)
{
    (void)state;
    for (int i = 0; i < 50000; i++) {
        int view = i % atlas->view_count;
        const km_view *v = &atlas->views[view];
        km_vec2 p = {frand(v->width), frand(v->height)};
        int n;
        const km_zone_ref *r = km_spatial_cell(atlas->spatial, view, p, &n);
        for (int m = 0; m < atlas->muscle_count; m++)
            for (int z = 0; z < atlas->muscles[m].zone_count; z++) {
                const km_zone *zn = &atlas->muscles[m].zones[z];
                bool in = zn->view == view && km_poly_contains(&zn->poly, p);
                int k = 0;
                while (k < n && !(r[k].muscle == m && r[k].zone == z))
                    k++;
                if (in)
                    assert_true(k < n);
                if (k < n && r[k].full)
                    assert_true(in); /* a full reference never claims a point outside */
            }
    }
}

static void test_row_matches_contains(void **state)
{
    (void)state;
    static double xs[8192];
    static int near[8192];
    long tested = 0;
    for (int i = 0; i < atlas->area_count; i++) {
        const km_poly *p = &atlas->areas[i].poly;
        assert_true(p->count <= 8192);
        for (float y = p->box.y0 - 1; y <= p->box.y1 + 1; y += 0.37f) {
            km_poly_row row;
            km_poly_row_init(&row, p, y, xs, near);
            for (float x = p->box.x0 - 1; x <= p->box.x1 + 1; x += 0.41f, tested++)
                if (km_poly_row_contains(&row, x) != km_poly_contains(p, (km_vec2){x, y}))
                    fail_msg("area %d at (%g, %g)", i, (double)x, (double)y);
            /* The row keeps a cursor: right to left, and jumping about, must agree too. */
            for (float x = p->box.x1 + 1; x >= p->box.x0 - 1; x -= 0.53f, tested++)
                if (km_poly_row_contains(&row, x) != km_poly_contains(p, (km_vec2){x, y}))
                    fail_msg("area %d at (%g, %g), right to left", i, (double)x, (double)y);
            for (int k = 0; k < 20; k++, tested++) {
                float x = p->box.x0 - 1 + frand(p->box.x1 - p->box.x0 + 2);
                if (km_poly_row_contains(&row, x) != km_poly_contains(p, (km_vec2){x, y}))
                    fail_msg("area %d at (%g, %g), random order", i, (double)x, (double)y);
            }
        }
        /* Exactly on vertices. */
        for (int k = 0; k < p->count; k++) {
            km_poly_row row;
            km_poly_row_init(&row, p, p->pts[k].y, xs, near);
            assert_true(km_poly_row_contains(&row, p->pts[k].x));
        }
    }
    assert_true(tested > 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_point_matches_brute_force),
        cmocka_unit_test(test_areas_and_drawings_match_unindexed),
        cmocka_unit_test(test_cells_list_every_containing_zone),
        cmocka_unit_test(test_row_matches_contains),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
