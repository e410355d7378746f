/*
 * test_lookup.c - ranking for points, areas and drawings on the fixture
 * tests/data/lookup.json, whose square zones make every expected coverage
 * a hand calculation:
 *   alpha (freq 0.9): essential [600,700]x[100,200], spillover [700,800]x[100,200]
 *   beta  (freq 0.5): essential [650,750]x[150,250]
 *   gamma (freq 1.0): spillover [600,700]x[100,200]
 *   (all three with one trigger point at (700,280))
 * all bilateral, written for the patient's right (back view: x > 500).
 * and tests/data/lookup-locality.json:
 *   delta   (freq 0.9): essential [600,700]x[1500,1600], trigger point (700,280), far away
 *   epsilon (freq 0.5): essential [600,700]x[1500,1600], trigger point (650,1650), beside it
 * Scores follow lookup.h: 0.4 frequency + 0.4 locality + 0.2 coverage in a
 * band; locality is 1 within 100 units (5% of 2000) of a trigger point and
 * 0 beyond 800 (40%).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>

#include "core/lookup.h"
#include "km_test.h"

static km_atlas *atlas;
static int back;

static int setup(void **state)
{
    (void)state;
    atlas = km_test_load_fixture("lookup.json");
    if (!atlas)
        return -1;
    back = km_atlas_view_index(atlas, "back");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    km_atlas_free(atlas);
    return 0;
}

/* Locality of a trigger point at distance d on a 2000-unit view. */
static double locality(double d) { return d <= 100 ? 1.0 : d >= 800 ? 0.0 : (800 - d) / 700; }

static void expect(const km_candidates *c, int i, const char *muscle, km_side side, km_zone_kind zone)
{
    assert_true(i < c->count);
    assert_string_equal(atlas->muscles[c->items[i].muscle].id, muscle);
    assert_int_equal(c->items[i].side, side);
    assert_int_equal(c->items[i].zone, zone);
}

static void test_point_essential_first_then_frequency(void **state)
{
    (void)state;
    km_candidates c;
    km_candidates_init(&c);
    assert_true(km_lookup_point(atlas, back, (km_vec2){660, 160}, &c));
    assert_int_equal(c.count, 3);
    expect(&c, 0, "alpha", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL); /* essential, 0.9 */
    expect(&c, 1, "beta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);  /* essential, 0.5 */
    expect(&c, 2, "gamma", KM_SIDE_RIGHT, KM_ZONE_SPILLOVER); /* spillover, even at 1.0 */
    assert_true(c.items[0].score > c.items[1].score);
    assert_true(c.items[1].score > c.items[2].score);
    /* A spillover zone of alpha does not outrank beta's essential one. */
    assert_true(km_lookup_point(atlas, back, (km_vec2){720, 160}, &c));
    assert_int_equal(c.count, 2);
    expect(&c, 0, "beta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    expect(&c, 1, "alpha", KM_SIDE_RIGHT, KM_ZONE_SPILLOVER);
    km_candidates_release(&c);
}

static void test_point_left_and_right_stay_apart(void **state)
{
    (void)state;
    km_candidates c;
    km_candidates_init(&c);
    /* The mirror image of (660,160) is the patient's left on the back view. */
    assert_true(km_lookup_point(atlas, back, (km_vec2){340, 160}, &c));
    assert_int_equal(c.count, 3);
    for (int i = 0; i < c.count; i++)
        assert_int_equal(c.items[i].side, KM_SIDE_LEFT);
    expect(&c, 0, "alpha", KM_SIDE_LEFT, KM_ZONE_ESSENTIAL);
    /* Nothing on the front view, nothing in empty space. */
    assert_true(km_lookup_point(atlas, km_atlas_view_index(atlas, "front"), (km_vec2){660, 160}, &c));
    assert_int_equal(c.count, 0);
    assert_true(km_lookup_point(atlas, back, (km_vec2){500, 1000}, &c));
    assert_int_equal(c.count, 0);
    km_candidates_release(&c);
}

static void test_area_scored_by_coverage(void **state)
{
    (void)state;
    km_candidates c;
    km_candidates_init(&c);
    int patch = km_atlas_area_index(atlas, "patch", KM_SIDE_RIGHT);
    assert_true(patch >= 0);
    assert_true(km_lookup_area(atlas, patch, &c));
    assert_int_equal(c.count, 3);
    expect(&c, 0, "alpha", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    expect(&c, 1, "beta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    expect(&c, 2, "gamma", KM_SIDE_RIGHT, KM_ZONE_SPILLOVER);
    assert_float_equal(c.items[0].coverage, 1.0, 0.02);  /* alpha's zone is the patch */
    assert_float_equal(c.items[1].coverage, 0.25, 0.03); /* beta covers one quarter */
    assert_float_equal(c.items[2].coverage, 1.0, 0.02);
    /* the patch's centre (650,150) lies 139 units from the trigger point */
    double loc = locality(hypot(700 - 650, 280 - 150));
    assert_float_equal(c.items[0].score, 0.5 + 0.5 * (0.4 * 0.9 + 0.4 * loc + 0.2 * 1.0), 0.02);
    assert_float_equal(c.items[1].score, 0.5 + 0.5 * (0.4 * 0.5 + 0.4 * loc + 0.2 * 0.25), 0.02);
    /* The left patch finds the same muscles on the left only. */
    int lpatch = km_atlas_area_index(atlas, "patch", KM_SIDE_LEFT);
    assert_true(lpatch >= 0 && lpatch != patch);
    assert_true(km_lookup_area(atlas, lpatch, &c));
    assert_int_equal(c.count, 3);
    for (int i = 0; i < c.count; i++)
        assert_int_equal(c.items[i].side, KM_SIDE_LEFT);
    /* A midline strip touches no zone. */
    assert_true(km_lookup_area(atlas, km_atlas_area_index(atlas, "spine", KM_SIDE_MIDLINE), &c));
    assert_int_equal(c.count, 0);
    km_candidates_release(&c);
}

static void test_drawing_weights(void **state)
{
    (void)state;
    km_candidates c;
    km_candidates_init(&c);
    /* Most of the drawing over beta-only essential ground, a little over alpha's. */
    km_sample s[10];
    for (int i = 0; i < 8; i++)
        s[i] = (km_sample){back, {710 + (float)i * 4, 230}, 1.0f}; /* beta only */
    s[8] = (km_sample){back, {610, 110}, 1.0f};                   /* alpha essential + gamma spill */
    s[9] = (km_sample){back, {612, 112}, 1.0f};
    assert_true(km_lookup_samples(atlas, s, 10, &c));
    /* Frequency weighs more than coverage: alpha (0.9, 20% of the drawing)
     * leads beta (0.5, 80%), both as local. */
    expect(&c, 0, "alpha", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    expect(&c, 1, "beta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    assert_float_equal(c.items[0].coverage, 0.2, 1e-6);
    assert_float_equal(c.items[1].coverage, 0.8, 1e-6);
    /* Weights count: with the strokes over beta faint, alpha covers most of
     * the drawing's weight. */
    for (int i = 0; i < 8; i++)
        s[i].weight = 0.05f;
    assert_true(km_lookup_samples(atlas, s, 10, &c));
    expect(&c, 0, "alpha", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    assert_true(c.items[0].coverage > 0.8);
    km_candidates_release(&c);
}

/* Locality weighs with frequency: epsilon (0.5) whose trigger point lies
 * beside the place leads delta (0.9) whose trigger point is far up the
 * back, for a tap and for a drawing, on either side. */
static void test_local_before_distant(void **state)
{
    (void)state;
    km_atlas *saved = atlas; /* expect() reads the file's fixture pointer */
    atlas = km_test_load_fixture("lookup-locality.json");
    assert_non_null(atlas);
    int bk = km_atlas_view_index(atlas, "back");
    km_candidates c;
    km_candidates_init(&c);
    assert_true(km_lookup_point(atlas, bk, (km_vec2){650, 1550}, &c));
    assert_int_equal(c.count, 2);
    expect(&c, 0, "epsilon", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    expect(&c, 1, "delta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    assert_float_equal(c.items[0].score, 0.5 + 0.5 * (0.4 * 0.5 + 0.4 * 1.0 + 0.2), 1e-6);
    assert_float_equal(c.items[1].score, 0.5 + 0.5 * (0.4 * 0.9 + 0.4 * 0.0 + 0.2), 1e-6);
    assert_true(km_lookup_point(atlas, bk, (km_vec2){350, 1550}, &c));
    assert_int_equal(c.count, 2);
    expect(&c, 0, "epsilon", KM_SIDE_LEFT, KM_ZONE_ESSENTIAL);
    km_sample s[4];
    for (int i = 0; i < 4; i++)
        s[i] = (km_sample){bk, {620 + (float)i * 10, 1520 + (float)i * 20}, 1.0f};
    assert_true(km_lookup_samples(atlas, s, 4, &c));
    expect(&c, 0, "epsilon", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    expect(&c, 1, "delta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    km_candidates_release(&c);
    km_atlas_free(atlas);
    atlas = saved;
}

static void test_narrowest_area_and_muscle_at(void **state)
{
    (void)state;
    int a = km_lookup_area_at(atlas, back, (km_vec2){650, 150});
    assert_true(a >= 0);
    assert_string_equal(atlas->areas[a].id, "patch"); /* inside "big" too, but narrower */
    assert_int_equal(atlas->areas[a].side, KM_SIDE_RIGHT);
    a = km_lookup_area_at(atlas, back, (km_vec2){1000 - 820, 280});
    assert_string_equal(atlas->areas[a].id, "big");
    assert_int_equal(atlas->areas[a].side, KM_SIDE_LEFT);
    assert_int_equal(km_lookup_area_at(atlas, back, (km_vec2){300, 1500}), -1);
    km_side side;
    int m = km_lookup_muscle_at(atlas, back, (km_vec2){300, 100}, false, &side);
    assert_true(m >= 0);
    assert_int_equal(side, KM_SIDE_LEFT);
}

/* A close-up draws both sides on one canvas (the left a mirror image) and
 * shows one of them: a tap names the side shown, and an area instance
 * counts only its own side's zones (tests/data/lookup-detail.json). */
static void test_detail_view_sides(void **state)
{
    (void)state;
    km_atlas *saved = atlas;
    atlas = km_test_load_fixture("lookup-detail.json"); /* its areas lie on both halves: a close-up may */
    assert_non_null(atlas);
    int hand = km_atlas_view_index(atlas, "hand");
    assert_true(hand >= 0);
    km_candidates c;
    km_candidates_init(&c);
    /* without a side: whichever copy lies there */
    assert_true(km_lookup_point(atlas, hand, (km_vec2){600, 500}, &c));
    assert_int_equal(c.count, 1);
    expect(&c, 0, "zeta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    assert_true(km_lookup_point(atlas, hand, (km_vec2){400, 500}, &c));
    assert_int_equal(c.count, 1);
    expect(&c, 0, "zeta", KM_SIDE_LEFT, KM_ZONE_ESSENTIAL);
    /* the side shown decides */
    assert_true(km_lookup_point_side(atlas, hand, (km_vec2){600, 500}, KM_SIDE_RIGHT, &c));
    assert_int_equal(c.count, 1);
    expect(&c, 0, "zeta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    assert_true(km_lookup_point_side(atlas, hand, (km_vec2){600, 500}, KM_SIDE_LEFT, &c));
    assert_int_equal(c.count, 0);
    /* an area instance over both copies counts its own side only */
    int r = km_atlas_area_index(atlas, "knuckle", KM_SIDE_RIGHT), l = km_atlas_area_index(atlas, "knuckle", KM_SIDE_LEFT);
    assert_true(r >= 0 && l >= 0 && r != l);
    assert_true(km_lookup_area(atlas, r, &c));
    assert_int_equal(c.count, 1);
    expect(&c, 0, "zeta", KM_SIDE_RIGHT, KM_ZONE_ESSENTIAL);
    assert_float_equal(c.items[0].coverage, 0.125, 0.02); /* 100 x 100 of 400 x 200 */
    assert_true(km_lookup_area(atlas, l, &c));
    assert_int_equal(c.count, 1);
    expect(&c, 0, "zeta", KM_SIDE_LEFT, KM_ZONE_ESSENTIAL);
    km_candidates_release(&c);
    km_atlas_free(atlas);
    atlas = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_point_essential_first_then_frequency),
        cmocka_unit_test(test_point_left_and_right_stay_apart),
        cmocka_unit_test(test_area_scored_by_coverage),
        cmocka_unit_test(test_drawing_weights),
        cmocka_unit_test(test_local_before_distant),
        cmocka_unit_test(test_detail_view_sides),
        cmocka_unit_test(test_narrowest_area_and_muscle_at),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
