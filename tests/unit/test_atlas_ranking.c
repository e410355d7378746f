/*
 * test_atlas_ranking.c - the ranking rule of lookup.h on the bundled atlas,
 * shown where a clinician would check it (issue 9, "Ranking"): essential
 * before spillover; within a band, common and local muscles before rare and
 * distant ones, frequency and locality weighing more than the fraction of
 * the place a zone covers.  Each area is looked up on both sides (all its
 * views together, as `knotmap lookup --area AREA:side` does).
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

#define MAXL 12

static km_atlas *atlas;

static int setup(void **state) { (void)state; return km_test_bundled_setup(&atlas); }
static int teardown(void **state) { (void)state; return km_test_bundled_teardown(&atlas); }

/* One area's expectations; lists end at the first NULL. */
typedef struct rank_case {
    const char *area;
    int top;                   /* the first `top` candidates are all from `leaders` */
    const char *leaders[MAXL]; /* who may lead */
    const char *before[MAXL];  /* each of these ranks ... */
    const char *after[MAXL];   /* ... above each of these (when listed) */
    const char *absent[MAXL];  /* never listed */
} rank_case;

static const rank_case cases[] = {
    /* Thumb: the thumb's own muscles, not the scalenes whose zone covers more of it. */
    {"thumb", 2, {"adductor_pollicis", "opponens_pollicis"},
     {"adductor_pollicis", "opponens_pollicis"}, {"scalenes", "subclavius", "brachialis"},
     {"extensor_digitorum", "palmaris_longus", "extensor_carpi_radialis_brevis"}},
    /* Heel: soleus first; flexor digitorum longus refers to the forefoot. */
    {"heel", 1, {"soleus"}, {"soleus", "gastrocnemius"}, {"tibialis_posterior"}, {"flexor_digitorum_longus"}},
    /* Lateral elbow: the forearm extensors and supinator before the distant shoulder muscles. */
    {"lateral_elbow", 3,
     {"supinator", "extensor_carpi_radialis_longus", "brachioradialis", "extensor_carpi_radialis_brevis", "anconeus"},
     {"supinator", "extensor_carpi_radialis_longus", "brachioradialis"}, {"supraspinatus", "scalenes", "infraspinatus"},
     {NULL}},
    /* Jaw: masseter among the first two; splenius cervicis refers to the eye, not the jaw. */
    {"jaw", 2, {"masseter", "sternocleidomastoid", "temporalis"}, {"masseter"},
     {"upper_trapezius", "lateral_pterygoid", "occipitofrontalis"}, {"splenius_cervicis"}},
    /* Whole shoulder blade: the muscles on and around it; deltoid's referral stays on the shoulder. */
    {"scapula", 3,
     {"infraspinatus", "lower_trapezius", "serratus_posterior_superior", "latissimus_dorsi", "rhomboids",
      "middle_trapezius", "subscapularis", "scalenes", "levator_scapulae"},
     {"lower_trapezius", "serratus_posterior_superior", "latissimus_dorsi"}, {"deltoid"}, {NULL}},
    /* Buttock: the gluteals and quadratus lumborum; rectus abdominis refers to the back, not the buttock. */
    {"buttock", 3, {"gluteus_medius", "gluteus_maximus", "quadratus_lumborum", "piriformis", "gluteus_minimus"},
     {"gluteus_medius", "gluteus_maximus", "piriformis"}, {"soleus", "semitendinosus_semimembranosus", "iliopsoas"},
     {"rectus_abdominis"}},
};

static bool in_list(const char *const *l, const char *id)
{
    for (int i = 0; i < MAXL && l[i]; i++)
        if (strcmp(l[i], id) == 0)
            return true;
    return false;
}

static int rank_of(const km_candidates *c, const char *id)
{
    for (int i = 0; i < c->count; i++)
        if (strcmp(atlas->muscles[c->items[i].muscle].id, id) == 0)
            return i;
    return -1;
}

static int check(const rank_case *rc, km_side side)
{
    int idx[16], n = 0;
    for (int i = 0; i < atlas->area_count && n < 16; i++)
        if (strcmp(atlas->areas[i].id, rc->area) == 0 && atlas->areas[i].side == side)
            idx[n++] = i;
    if (n == 0) {
        fprintf(stderr, "%s (%s): not in the atlas\n", rc->area, km_side_name(side));
        return 1;
    }
    km_candidates c;
    km_candidates_init(&c);
    assert_true(km_lookup_area_set(atlas, idx, n, &c));
    int problems = 0;
    for (int i = 0; i < c.count; i++)
        if (c.items[i].side != side) {
            fprintf(stderr, "%s (%s): %s listed on the other side\n", rc->area, km_side_name(side),
                    atlas->muscles[c.items[i].muscle].id);
            problems++;
        }
    for (int i = 0; i < rc->top && i < c.count; i++)
        if (!in_list(rc->leaders, atlas->muscles[c.items[i].muscle].id)) {
            fprintf(stderr, "%s (%s): %s is #%d, not one of the expected leaders\n", rc->area, km_side_name(side),
                    atlas->muscles[c.items[i].muscle].id, i + 1);
            problems++;
        }
    for (int b = 0; b < MAXL && rc->before[b]; b++) {
        int rb = rank_of(&c, rc->before[b]);
        if (rb < 0) {
            fprintf(stderr, "%s (%s): %s is not listed\n", rc->area, km_side_name(side), rc->before[b]);
            problems++;
            continue;
        }
        for (int a = 0; a < MAXL && rc->after[a]; a++) {
            int ra = rank_of(&c, rc->after[a]);
            if (ra >= 0 && ra < rb) {
                fprintf(stderr, "%s (%s): %s (#%d) ranks above %s (#%d)\n", rc->area, km_side_name(side),
                        rc->after[a], ra + 1, rc->before[b], rb + 1);
                problems++;
            }
        }
    }
    for (int k = 0; k < MAXL && rc->absent[k]; k++)
        if (rank_of(&c, rc->absent[k]) >= 0) {
            fprintf(stderr, "%s (%s): %s is listed (#%d)\n", rc->area, km_side_name(side), rc->absent[k],
                    rank_of(&c, rc->absent[k]) + 1);
            problems++;
        }
    /* essential before spillover, scores falling within each band */
    for (int i = 1; i < c.count; i++) {
        if (c.items[i - 1].zone == KM_ZONE_SPILLOVER && c.items[i].zone == KM_ZONE_ESSENTIAL)
            problems++;
        if (c.items[i - 1].score < c.items[i].score)
            problems++;
    }
    if (problems) {
        fprintf(stderr, "  %s (%s):", rc->area, km_side_name(side));
        for (int i = 0; i < c.count; i++)
            fprintf(stderr, " %s%s", atlas->muscles[c.items[i].muscle].id,
                    c.items[i].zone == KM_ZONE_ESSENTIAL ? "" : "~");
        fprintf(stderr, "\n");
    }
    km_candidates_release(&c);
    return problems;
}

static void test_case(void **state)
{
    const rank_case *rc = *state;
    int problems = check(rc, KM_SIDE_RIGHT) + check(rc, KM_SIDE_LEFT);
    if (problems)
        fail_msg("%s: %d problem(s), listed above", rc->area, problems);
}

/* A tap on the thumb's web names a thumb muscle first, on either side. */
static void test_thumb_tap(void **state)
{
    (void)state;
    int front = km_atlas_view_index(atlas, "front");
    int ap = km_atlas_muscle_index(atlas, "adductor_pollicis");
    int op = km_atlas_muscle_index(atlas, "opponens_pollicis");
    assert_true(front >= 0 && ap >= 0 && op >= 0);
    for (int s = 0; s < 2; s++) {
        int ai = km_atlas_area_index(atlas, "thumb", s ? KM_SIDE_LEFT : KM_SIDE_RIGHT);
        assert_true(ai >= 0);
        const km_area *ar = NULL;
        for (int i = 0; i < atlas->area_count; i++)
            if (strcmp(atlas->areas[i].id, "thumb") == 0 && atlas->areas[i].view == front &&
                atlas->areas[i].side == (s ? KM_SIDE_LEFT : KM_SIDE_RIGHT))
                ar = &atlas->areas[i];
        assert_non_null(ar);
        km_candidates c;
        km_candidates_init(&c);
        assert_true(km_lookup_point(atlas, front, ar->centroid, &c));
        assert_true(c.count > 0);
        assert_true(c.items[0].muscle == ap || c.items[0].muscle == op);
        assert_int_equal(c.items[0].side, s ? KM_SIDE_LEFT : KM_SIDE_RIGHT);
        km_candidates_release(&c);
    }
}

#define NCASES ((int)(sizeof cases / sizeof cases[0]))

int main(void)
{
    struct CMUnitTest tests[NCASES + 1];
    for (int k = 0; k < NCASES; k++) {
        tests[k] = (struct CMUnitTest)cmocka_unit_test_prestate(test_case, (void *)&cases[k]);
        tests[k].name = cases[k].area;
    }
    tests[NCASES] = (struct CMUnitTest)cmocka_unit_test(test_thumb_tap);
    return cmocka_run_group_tests(tests, setup, teardown);
}
