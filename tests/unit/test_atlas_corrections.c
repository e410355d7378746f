/*
 * test_atlas_corrections.c - the corrections a physiotherapist asked for
 * after judging every muscle of the bundled atlas against Travell & Simons
 * (issue 9, "Wrong" and "Faults to correct").  One test per correction, each
 * written so that it failed on the atlas before the fix:
 *
 *   - a look-up that must, or must not, name a muscle for an area, and in
 *     which band (essential or spillover);
 *   - a tap on a named anatomical spot that must hit a muscle's zone;
 *   - a trigger point that must lie in a named area, or on a named side of
 *     a landmark.
 *
 * Every spot is written for the patient's RIGHT, as the data file is, and
 * checked again on the patient's left by mirroring it (x' = width - x):
 * left/right mix-ups are the commonest fault in pain maps.
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
#include "km_test.h"

static km_atlas *atlas;

static int setup(void **state) { (void)state; return km_test_bundled_setup(&atlas); }
static int teardown(void **state) { (void)state; return km_test_bundled_teardown(&atlas); }

static int muscle(const char *id)
{
    int m = km_atlas_muscle_index(atlas, id);
    if (m < 0)
        fail_msg("muscle %s is not in the atlas", id);
    return m;
}

static int view(const char *id)
{
    int v = km_atlas_view_index(atlas, id);
    if (v < 0)
        fail_msg("view %s is not in the atlas", id);
    return v;
}

static const char *other(km_side s) { return s == KM_SIDE_RIGHT ? "left" : "right"; }

static void print_list(const char *what, const km_candidates *c)
{
    fprintf(stderr, "  %s:", what);
    for (int i = 0; i < c->count; i++)
        fprintf(stderr, " %s:%s%s", atlas->muscles[c->items[i].muscle].id, km_side_name(c->items[i].side),
                c->items[i].zone == KM_ZONE_ESSENTIAL ? "" : "~");
    fprintf(stderr, "\n");
}

/* Area look-up over every view's instance of the area on this side (the
 * command line's `lookup --area AREA:side`).  Returns the candidates in c. */
static void area_lookup(const char *area, km_side side, km_candidates *c)
{
    int idx[16], n = 0;
    for (int i = 0; i < atlas->area_count && n < 16; i++)
        if (strcmp(atlas->areas[i].id, area) == 0 && (atlas->areas[i].side == side || atlas->areas[i].side == KM_SIDE_MIDLINE))
            idx[n++] = i;
    if (n == 0)
        fail_msg("area %s is not in the atlas", area);
    assert_true(km_lookup_area_set(atlas, idx, n, c));
}

/* Rank (0-based) of muscle m on side in c, or -1; *kind gets its band. */
static int rank_of(const km_candidates *c, int m, km_side side, km_zone_kind *kind)
{
    for (int i = 0; i < c->count; i++)
        if (c->items[i].muscle == m && c->items[i].side == side) {
            if (kind)
                *kind = c->items[i].zone;
            return i;
        }
    return -1;
}

/* The area look-up on both sides names the muscle in the essential band. */
static void expect_area_essential(const char *area, const char *mid)
{
    int m = muscle(mid);
    km_side sides[] = {KM_SIDE_RIGHT, KM_SIDE_LEFT};
    for (int k = 0; k < 2; k++) {
        km_candidates c;
        km_candidates_init(&c);
        area_lookup(area, sides[k], &c);
        km_zone_kind kind = KM_ZONE_SPILLOVER;
        int r = rank_of(&c, m, sides[k], &kind);
        if (r < 0 || kind != KM_ZONE_ESSENTIAL) {
            print_list(area, &c);
            km_candidates_release(&c);
            fail_msg("%s (%s): %s should be in the essential band, is %s", area, km_side_name(sides[k]), mid,
                     r < 0 ? "absent" : "spillover");
        }
        bool midline = km_atlas_area_index(atlas, area, KM_SIDE_LEFT) < 0; /* both sides are named there */
        if (!midline && rank_of(&c, m, sides[k] == KM_SIDE_RIGHT ? KM_SIDE_LEFT : KM_SIDE_RIGHT, NULL) >= 0) {
            print_list(area, &c);
            km_candidates_release(&c);
            fail_msg("%s (%s): %s also listed on the %s side", area, km_side_name(sides[k]), mid, other(sides[k]));
        }
        km_candidates_release(&c);
    }
}

/* The area look-up on either side does not name the muscle at all (or, with
 * allow_spill, only in the spillover band and below the top `top`). */
static void expect_area_not(const char *area, const char *mid, bool allow_spill, int top)
{
    int m = muscle(mid);
    km_side sides[] = {KM_SIDE_RIGHT, KM_SIDE_LEFT};
    for (int k = 0; k < 2; k++) {
        km_candidates c;
        km_candidates_init(&c);
        area_lookup(area, sides[k], &c);
        km_zone_kind kind = KM_ZONE_SPILLOVER;
        int r = rank_of(&c, m, sides[k], &kind);
        bool bad = r >= 0 && (!allow_spill || kind == KM_ZONE_ESSENTIAL || r < top);
        if (bad) {
            print_list(area, &c);
            km_candidates_release(&c);
            fail_msg("%s (%s): %s should not be listed%s, is #%d (%s)", area, km_side_name(sides[k]), mid,
                     allow_spill ? " as a leading or essential cause" : "", r + 1,
                     kind == KM_ZONE_ESSENTIAL ? "essential" : "spillover");
        }
        km_candidates_release(&c);
    }
}

/* A tap at (x, y) on the view, written for the patient's right, and at its
 * mirror image, names the muscle on that side with this zone kind (kind < 0:
 * any kind; want false: not at all). */
static void expect_tap(const char *vid, float x, float y, const char *mid, int kind, bool want)
{
    int v = view(vid), m = muscle(mid);
    km_side sides[] = {KM_SIDE_RIGHT, KM_SIDE_LEFT};
    for (int k = 0; k < 2; k++) {
        km_vec2 p = {k == 0 ? x : atlas->views[v].width - x, y};
        km_candidates c;
        km_candidates_init(&c);
        assert_true(km_lookup_point(atlas, v, p, &c));
        km_zone_kind got = KM_ZONE_SPILLOVER;
        int r = rank_of(&c, m, sides[k], &got);
        bool ok = want ? r >= 0 && (kind < 0 || (int)got == kind) : r < 0;
        if (!ok) {
            print_list("tap", &c);
            km_candidates_release(&c);
            fail_msg("tap on %s at (%.1f, %.1f), patient's %s: %s %s%s", vid, p.x, p.y, km_side_name(sides[k]), mid,
                     want ? "expected" : "not expected", want && kind >= 0 ? (kind ? " (spillover)" : " (essential)") : "");
        }
        km_candidates_release(&c);
    }
}

/* The instance of an area on the patient's right on a view. */
static const km_area *area_on(const char *aid, const char *vid)
{
    int v = view(vid);
    for (int i = 0; i < atlas->area_count; i++)
        if (atlas->areas[i].view == v && strcmp(atlas->areas[i].id, aid) == 0 &&
            (atlas->areas[i].side == KM_SIDE_RIGHT || atlas->areas[i].side == KM_SIDE_MIDLINE))
            return &atlas->areas[i];
    fail_msg("area %s is not on the %s view", aid, vid);
    return NULL;
}

/* Left and right x of an area's polygon on the horizontal line y. */
static void area_span(const km_area *ar, float y, float *x0, float *x1)
{
    *x0 = 1e9f;
    *x1 = -1e9f;
    for (float x = ar->poly.box.x0; x <= ar->poly.box.x1; x += 0.5f)
        if (km_poly_contains(&ar->poly, (km_vec2){x, y})) {
            if (x < *x0)
                *x0 = x;
            *x1 = x;
        }
}

/* Count of the muscle's trigger points on the patient's right. */
static int right_tps(const km_muscle *mu, const km_trigger_point **out, int cap)
{
    int n = 0;
    for (int i = 0; i < mu->tp_count; i++)
        if (mu->tps[i].side == KM_SIDE_RIGHT && n < cap)
            out[n++] = &mu->tps[i];
    return n;
}

static bool in_area(const km_trigger_point *tp, const char *aid)
{
    for (int i = 0; i < atlas->area_count; i++)
        if (atlas->areas[i].view == tp->view && atlas->areas[i].side == tp->side &&
            strcmp(atlas->areas[i].id, aid) == 0 && km_poly_contains(&atlas->areas[i].poly, tp->at))
            return true;
    return false;
}

/* On the foot_sole close-up (right side as written; the left is its mirror
 * on the same canvas, so a tap there names the side shown). */
static void expect_sole_tap(float x, float y, const char *mid, int kind, bool want)
{
    int v = view("foot_sole"), m = muscle(mid);
    km_side sides[] = {KM_SIDE_RIGHT, KM_SIDE_LEFT};
    for (int k = 0; k < 2; k++) {
        km_vec2 p = {k == 0 ? x : atlas->views[v].width - x, y};
        km_candidates c;
        km_candidates_init(&c);
        assert_true(km_lookup_point_side(atlas, v, p, sides[k], &c));
        for (int i = 0; i < c.count; i++)
            if (c.items[i].side != sides[k])
                fail_msg("sole tap (%s): %s listed on the other side", km_side_name(sides[k]),
                         atlas->muscles[c.items[i].muscle].id);
        km_zone_kind got = KM_ZONE_SPILLOVER;
        int r = rank_of(&c, m, sides[k], &got);
        bool ok = want ? r >= 0 && (kind < 0 || (int)got == kind) : r < 0;
        if (!ok) {
            print_list("sole tap", &c);
            km_candidates_release(&c);
            fail_msg("sole tap at (%.0f, %.0f), %s: %s %s", p.x, p.y, km_side_name(sides[k]), mid,
                     want ? "expected" : "not expected");
        }
        km_candidates_release(&c);
    }
}

/* ---- "Wrong" ---- */

/* Flexor digitorum longus refers under the forefoot and the lesser toes,
 * not to the heel. */
static void test_fdl_not_heel(void **state)
{
    (void)state;
    expect_area_not("heel", "flexor_digitorum_longus", false, 0);
    /* under the lesser metatarsal heads, on the sole close-up */
    expect_sole_tap(360, 440, "flexor_digitorum_longus", KM_ZONE_ESSENTIAL, true);
    expect_area_essential("ball_of_foot", "flexor_digitorum_longus");
}

/* Flexor hallucis longus refers under the big toe and the first metatarsal
 * head, not over the top of the foot. */
static void test_fhl_not_dorsum(void **state)
{
    (void)state;
    /* over the first metatarsal, on the top of the foot */
    expect_tap("front", 455, 1912, "flexor_hallucis_longus", -1, false);
    expect_tap("front", 462, 1900, "flexor_hallucis_longus", -1, false);
    expect_area_essential("big_toe", "flexor_hallucis_longus");
}

/* The same corrections where the sole can be seen. */
static void test_sole_view_patterns(void **state)
{
    (void)state;
    expect_sole_tap(360, 440, "flexor_digitorum_longus", KM_ZONE_ESSENTIAL, true); /* under the lesser MT heads */
    expect_sole_tap(396, 1220, "flexor_digitorum_longus", -1, false);               /* not the heel */
    expect_sole_tap(566, 250, "flexor_hallucis_longus", KM_ZONE_ESSENTIAL, true);  /* under the big toe */
    expect_sole_tap(566, 430, "flexor_hallucis_longus", KM_ZONE_ESSENTIAL, true);  /* first MT head */
    expect_sole_tap(590, 700, "gastrocnemius", KM_ZONE_ESSENTIAL, true);           /* the instep */
    expect_sole_tap(380, 800, "tibialis_posterior", KM_ZONE_SPILLOVER, true);      /* the sole */
    expect_sole_tap(396, 1220, "soleus", KM_ZONE_ESSENTIAL, true);                 /* the heel */
    expect_sole_tap(396, 1220, "quadratus_plantae", KM_ZONE_ESSENTIAL, true);
}

/* ---- "Faults to correct" ---- */

/* Upper trapezius's essential zone includes the angle of the jaw. */
static void test_upper_trapezius_jaw_angle(void **state)
{
    (void)state;
    expect_area_essential("jaw", "upper_trapezius");
    expect_tap("front", 438, 258, "upper_trapezius", KM_ZONE_ESSENTIAL, true);
}

/* Middle trapezius has two separate patterns: burning next to the spine
 * between the shoulder blades, and aching on top of the shoulder at the
 * acromion; nothing in between. */
static void test_middle_trapezius_two_patterns(void **state)
{
    (void)state;
    expect_tap("back", 520, 500, "middle_trapezius", KM_ZONE_ESSENTIAL, true); /* beside T4-T5 */
    expect_tap("back", 712, 398, "middle_trapezius", KM_ZONE_ESSENTIAL, true); /* acromion */
    expect_tap("back", 620, 470, "middle_trapezius", -1, false);                 /* infraspinous fossa */
    expect_area_essential("interscapular", "middle_trapezius");
}

/* Splenius cervicis refers to the eye and the back of the head, never to
 * the jaw. */
static void test_splenius_cervicis_not_jaw(void **state)
{
    (void)state;
    expect_area_not("jaw", "splenius_cervicis", false, 0);
    expect_area_essential("behind_eye", "splenius_cervicis");
}

/* Masseter's upper superficial trigger point makes the eyebrow and upper
 * jaw zone essential. */
static void test_masseter_eyebrow_essential(void **state)
{
    (void)state;
    expect_area_essential("eyebrow", "masseter");
}

/* Lateral pterygoid cannot be pressed through the cheek: the text says how
 * it is reached, and its trigger point's label says so too. */
static void test_lateral_pterygoid_reach(void **state)
{
    (void)state;
    const km_muscle *mu = &atlas->muscles[muscle("lateral_pterygoid")];
    assert_non_null(strstr(mu->text.self_care, "mouth"));
    assert_non_null(strstr(mu->text.summary, "mouth"));
    for (int i = 0; i < mu->tp_count; i++) {
        assert_non_null(mu->tps[i].label);
        assert_non_null(strstr(mu->tps[i].label, "mouth"));
    }
}

/* Serratus posterior superior: the little-finger side of the hand is
 * essential. */
static void test_sps_little_finger_essential(void **state)
{
    (void)state;
    expect_area_essential("ring_little_finger", "serratus_posterior_superior");
}

/* Subscapularis lies on the rib side of the shoulder blade and is found in
 * the armpit: its trigger points and outline are on the front view, at the
 * armpit, none over the back of the shoulder blade. */
static void test_subscapularis_in_armpit(void **state)
{
    (void)state;
    const km_muscle *mu = &atlas->muscles[muscle("subscapularis")];
    int back = view("back"), front = view("front");
    const km_trigger_point *tp[16];
    int n = right_tps(mu, tp, 16);
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        if (tp[i]->view == back)
            fail_msg("subscapularis trigger point on the back view at (%.1f, %.1f)", tp[i]->at.x, tp[i]->at.y);
        if (!in_area(tp[i], "lateral_chest") && !in_area(tp[i], "upper_arm_medial"))
            fail_msg("subscapularis trigger point at (%.1f, %.1f) is not at the armpit", tp[i]->at.x, tp[i]->at.y);
    }
    for (int i = 0; i < mu->shape_count; i++)
        if (mu->shapes[i].view != front)
            fail_msg("subscapularis outline on the %s view", atlas->views[mu->shapes[i].view].id);
}

/* Latissimus dorsi is the broad sheet from the mid-back to the iliac crest,
 * and its lower trigger point's pattern (front of the shoulder, the flank
 * above the iliac crest) is shown. */
static void test_latissimus_broad_sheet(void **state)
{
    (void)state;
    const km_muscle *mu = &atlas->muscles[muscle("latissimus_dorsi")];
    int back = view("back");
    double area = 0;
    km_box box = {1e9f, 1e9f, -1e9f, -1e9f};
    for (int i = 0; i < mu->shape_count; i++)
        if (mu->shapes[i].view == back && mu->shapes[i].side == KM_SIDE_RIGHT) {
            area += km_poly_area(&mu->shapes[i].poly);
            box = km_box_union(box, mu->shapes[i].poly.box);
        }
    if (area < 18000 || box.y0 > 600 || box.y1 < 860 || box.x0 > 515)
        fail_msg("latissimus dorsi on the back: area %.0f, box (%.0f,%.0f)-(%.0f,%.0f); expected the sheet from "
                 "the spine at T7 to the iliac crest",
                 area, box.x0, box.y0, box.x1, box.y1);
    /* the lower trigger point's pattern */
    expect_tap("back", 638, 815, "latissimus_dorsi", KM_ZONE_ESSENTIAL, true); /* flank above the crest */
    expect_area_essential("anterior_shoulder", "latissimus_dorsi");
}

/* Brachioradialis: the lateral epicondyle zone is essential. */
static void test_brachioradialis_lateral_elbow(void **state)
{
    (void)state;
    expect_area_essential("lateral_elbow", "brachioradialis");
}

/* Pronator teres's trigger point lies just below the elbow crease, medial
 * to the biceps tendon (the ulnar half of the front of the forearm). */
static void test_pronator_teres_medial(void **state)
{
    (void)state;
    const km_muscle *mu = &atlas->muscles[muscle("pronator_teres")];
    const km_area *fv = area_on("forearm_volar", "front");
    const km_trigger_point *tp[8];
    int n = right_tps(mu, tp, 8);
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        float x0, x1;
        area_span(fv, tp[i]->at.y, &x0, &x1);
        /* front view, patient's right arm: medial (ulnar) is towards the body, larger x */
        if (!(tp[i]->at.x > (x0 + x1) / 2) || tp[i]->at.y > fv->poly.box.y0 + 80)
            fail_msg("pronator teres trigger point at (%.1f, %.1f): forearm spans %.1f-%.1f there; expected the "
                     "medial half, just below the elbow crease",
                     tp[i]->at.x, tp[i]->at.y, x0, x1);
    }
}

/* Anconeus lies between the olecranon and the lateral epicondyle. */
static void test_anconeus_lateral_of_olecranon(void **state)
{
    (void)state;
    const km_muscle *mu = &atlas->muscles[muscle("anconeus")];
    const km_area *pe = area_on("posterior_elbow", "back");
    const km_trigger_point *tp[8];
    int n = right_tps(mu, tp, 8);
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        /* back view, patient's right arm: lateral is away from the body, larger x */
        if (!(tp[i]->at.x > pe->centroid.x) || (!in_area(tp[i], "posterior_elbow") && !in_area(tp[i], "lateral_elbow")))
            fail_msg("anconeus trigger point at (%.1f, %.1f): olecranon at x %.1f; expected lateral of it, at the "
                     "elbow",
                     tp[i]->at.x, tp[i]->at.y, pe->centroid.x);
    }
}

/* Rectus abdominis's back bands cross the midline to both sides. */
static void test_rectus_abdominis_back_bands_bilateral(void **state)
{
    (void)state;
    /* patient's right muscle, patient's left of the back (x < 500 on the back view) */
    int back = view("back"), m = muscle("rectus_abdominis");
    float ys[] = {715, 835};
    for (int k = 0; k < 2; k++) {
        km_candidates c;
        km_candidates_init(&c);
        assert_true(km_lookup_point(atlas, back, (km_vec2){460, ys[k]}, &c));
        km_zone_kind kind;
        int r = rank_of(&c, m, KM_SIDE_RIGHT, &kind);
        if (r < 0 || kind != KM_ZONE_ESSENTIAL) {
            print_list("tap", &c);
            km_candidates_release(&c);
            fail_msg("back band at y %.0f does not cross to the other side", ys[k]);
        }
        km_candidates_release(&c);
    }
}

/* Adductor magnus's upper trigger point refers deep into the pelvis (pubic
 * bone, vagina, rectum), not to a patch over the tailbone. */
static void test_adductor_magnus_pelvic_not_tailbone(void **state)
{
    (void)state;
    expect_area_not("coccyx", "adductor_magnus", false, 0);
    expect_tap("front", 492, 1040, "adductor_magnus", KM_ZONE_ESSENTIAL, true);
}

/* Gastrocnemius refers to the instep (the arch of the sole), not the top
 * of the foot. */
static void test_gastrocnemius_instep_not_dorsum(void **state)
{
    (void)state;
    expect_area_not("dorsum_foot", "gastrocnemius", false, 0);
    expect_tap("back", 540, 1925, "gastrocnemius", KM_ZONE_ESSENTIAL, true); /* medial arch below the malleolus */
}

/* Soleus's second trigger point is high on the outer calf, below the head
 * of the fibula. */
static void test_soleus_tp2_high_lateral(void **state)
{
    (void)state;
    const km_muscle *mu = &atlas->muscles[muscle("soleus")];
    const km_area *calf = area_on("calf", "back");
    const km_trigger_point *tp[8];
    int n = right_tps(mu, tp, 8);
    bool found = false;
    float top = calf->poly.box.y0 + (calf->poly.box.y1 - calf->poly.box.y0) / 3;
    for (int i = 0; i < n; i++) {
        float x0, x1;
        area_span(calf, tp[i]->at.y, &x0, &x1);
        /* back view, right leg: lateral is larger x */
        if (tp[i]->view == calf->view && tp[i]->at.y < top && tp[i]->at.x > (x0 + x1) / 2)
            found = true;
    }
    if (!found)
        fail_msg("no soleus trigger point in the upper third (y < %.0f) of the outer calf", top);
    expect_tap("back", 605, 1560, "soleus", KM_ZONE_ESSENTIAL, true); /* its pattern: the upper calf */
}

/* Tibialis posterior: spillover over the sole, and no credit for the outer
 * ankle. */
static void test_tibialis_posterior_sole_not_outer_ankle(void **state)
{
    (void)state;
    expect_area_not("ankle_lateral", "tibialis_posterior", false, 0);
    const km_muscle *mu = &atlas->muscles[muscle("tibialis_posterior")];
    assert_null(strstr(mu->text.symptoms, "outer ankle"));
    assert_null(strstr(mu->text.summary, "outer ankle"));
    expect_tap("front", 415, 1950, "tibialis_posterior", KM_ZONE_SPILLOVER, true); /* toe pads */
    expect_tap("back", 575, 1962, "tibialis_posterior", -1, true);                 /* underside of the heel */
}

/* Extensor digitorum longus refers over the back of the foot to the lesser
 * toes; the big toe is extensor hallucis longus's. */
static void test_edl_not_big_toe(void **state)
{
    (void)state;
    expect_area_not("big_toe", "extensor_digitorum_longus", false, 0);
    expect_area_essential("dorsum_foot", "extensor_digitorum_longus");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fdl_not_heel),
        cmocka_unit_test(test_fhl_not_dorsum),
        cmocka_unit_test(test_sole_view_patterns),
        cmocka_unit_test(test_upper_trapezius_jaw_angle),
        cmocka_unit_test(test_middle_trapezius_two_patterns),
        cmocka_unit_test(test_splenius_cervicis_not_jaw),
        cmocka_unit_test(test_masseter_eyebrow_essential),
        cmocka_unit_test(test_lateral_pterygoid_reach),
        cmocka_unit_test(test_sps_little_finger_essential),
        cmocka_unit_test(test_subscapularis_in_armpit),
        cmocka_unit_test(test_latissimus_broad_sheet),
        cmocka_unit_test(test_brachioradialis_lateral_elbow),
        cmocka_unit_test(test_pronator_teres_medial),
        cmocka_unit_test(test_anconeus_lateral_of_olecranon),
        cmocka_unit_test(test_rectus_abdominis_back_bands_bilateral),
        cmocka_unit_test(test_adductor_magnus_pelvic_not_tailbone),
        cmocka_unit_test(test_gastrocnemius_instep_not_dorsum),
        cmocka_unit_test(test_soleus_tp2_high_lateral),
        cmocka_unit_test(test_tibialis_posterior_sole_not_outer_ankle),
        cmocka_unit_test(test_edl_not_big_toe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
