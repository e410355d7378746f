/*
 * test_atlas_text.c - the patient text of the bundled atlas says what a
 * clinician asked it to say (issue 9, "Text"):
 *
 *   - the education page says referred pain *usually* stays on the same
 *     side, and names patterns that cross the midline or cover both sides;
 *   - it cautions about pressing on knots with blood thinners or
 *     osteoporosis;
 *   - a neck stretch that tips the head back tells the patient to stop at
 *     visual disturbance or nausea;
 *   - middle and lower trapezius and the rhomboids lead with a chest stretch
 *     and strengthening;
 *   - stretch steps are side-neutral (they are shown for either side, so they
 *     never name the patient's left or right), and the upper trapezius
 *     stretch no longer asks the face to stay still and to turn at once.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/atlas.h"
#include "km_test.h"

static km_atlas *atlas;

static int setup(void **state) { (void)state; return km_test_bundled_setup(&atlas); }
static int teardown(void **state) { (void)state; return km_test_bundled_teardown(&atlas); }

/* Case-insensitive strstr. */
static const char *find(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] && tolower((unsigned char)p[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return p;
    }
    return NULL;
}

/* The whole education page as one string (static buffer). */
static const char *education(void)
{
    static char buf[65536];
    buf[0] = 0;
    for (int i = 0; i < atlas->education_count; i++) {
        strncat(buf, atlas->education[i].title, sizeof buf - strlen(buf) - 2);
        strncat(buf, "\n", sizeof buf - strlen(buf) - 1);
        strncat(buf, atlas->education[i].body, sizeof buf - strlen(buf) - 2);
        strncat(buf, "\n", sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

static void test_same_side_usually(void **state)
{
    (void)state;
    const char *e = education();
    assert_null(find(e, "The referred pain stays on the same side"));
    assert_non_null(find(e, "usually stays on the same side"));
    /* the patterns that cross or cover both sides are named */
    assert_non_null(find(e, "rectus abdominis"));
    assert_non_null(find(e, "both sides"));
    assert_non_null(find(e, "sternalis"));
}

static void test_pressure_cautions(void **state)
{
    (void)state;
    const char *e = education();
    assert_non_null(find(e, "blood thinner"));
    assert_non_null(find(e, "osteoporosis"));
}

/* A stretch tips the head back when a step turns the face to the ceiling or
 * lifts the chin. */
static bool tips_head_back(const km_stretch *s)
{
    for (int i = 0; i < s->step_count; i++)
        if (find(s->steps[i], "your face up") || find(s->steps[i], "lift your chin") || find(s->steps[i], "tip your head back") ||
            find(s->steps[i], "look up"))
            return true;
    return false;
}

static void test_head_back_stops_at_vision_or_nausea(void **state)
{
    (void)state;
    int n = 0;
    for (int i = 0; i < atlas->stretch_count; i++) {
        const km_stretch *s = &atlas->stretches[i];
        if (!tips_head_back(s))
            continue;
        n++;
        if (!find(s->cautions, "vision") || !find(s->cautions, "nausea"))
            fail_msg("%s tips the head back but its cautions do not stop at visual disturbance and nausea", s->id);
    }
    assert_true(n >= 2); /* scalenes and sternocleidomastoid at least */
}

static void test_scapular_muscles_lead_with_chest_and_strength(void **state)
{
    (void)state;
    const char *ids[] = {"middle_trapezius", "lower_trapezius", "rhomboids"};
    for (int k = 0; k < 3; k++) {
        int m = km_atlas_muscle_index(atlas, ids[k]);
        assert_true(m >= 0);
        const km_muscle *mu = &atlas->muscles[m];
        assert_true(mu->stretch_count >= 2);
        const km_stretch *first = &atlas->stretches[mu->stretches[0]];
        const km_stretch *second = &atlas->stretches[mu->stretches[1]];
        if (!find(first->name, "chest"))
            fail_msg("%s: first stretch is %s, not a chest stretch", ids[k], first->id);
        if (!find(second->name, "strengthening"))
            fail_msg("%s: second entry is %s, not strengthening", ids[k], second->id);
        /* the self-care paragraph's first sentence says so too */
        const char *dot = strchr(mu->text.self_care, ';');
        const char *chest = find(mu->text.self_care, "chest"), *strong = find(mu->text.self_care, "strengthen");
        if (!dot || !chest || !strong || chest > dot + 200 || strong > dot + 200)
            fail_msg("%s: self-care does not lead with chest stretching and strengthening", ids[k]);
    }
}

/* A word "left" or "right" on its own, not "right angle". */
static bool names_a_side(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (p != s && isalpha((unsigned char)p[-1]))
            continue;
        size_t n = 0;
        if (find(p, "left") == p)
            n = 4;
        else if (find(p, "right") == p)
            n = 5;
        if (!n || isalpha((unsigned char)p[n]))
            continue;
        if (n == 5 && find(p, "right angle") == p)
            continue;
        return true;
    }
    return false;
}

static void test_steps_side_neutral(void **state)
{
    (void)state;
    int bad = 0;
    for (int i = 0; i < atlas->stretch_count; i++)
        for (int k = 0; k < atlas->stretches[i].step_count; k++)
            if (names_a_side(atlas->stretches[i].steps[k])) {
                fprintf(stderr, "%s step %d names a side: %s\n", atlas->stretches[i].id, k + 1,
                        atlas->stretches[i].steps[k]);
                bad++;
            }
    assert_int_equal(bad, 0);
}

/* Upper trapezius: the steps used to keep the face still and then turn it. */
static void test_upper_trapezius_steps_consistent(void **state)
{
    (void)state;
    int i = km_atlas_stretch_index(atlas, "upper_trapezius_side_bend");
    assert_true(i >= 0);
    const km_stretch *s = &atlas->stretches[i];
    bool still = false, turn = false;
    for (int k = 0; k < s->step_count; k++) {
        if (find(s->steps[k], "without turning your face"))
            still = true;
        if (find(s->steps[k], "turn your face"))
            turn = true;
    }
    assert_false(still && turn);
    assert_true(turn); /* the face turns towards the stretched side */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_side_usually),
        cmocka_unit_test(test_pressure_cautions),
        cmocka_unit_test(test_head_back_stops_at_vision_or_nausea),
        cmocka_unit_test(test_scapular_muscles_lead_with_chest_and_strength),
        cmocka_unit_test(test_steps_side_neutral),
        cmocka_unit_test(test_upper_trapezius_steps_consistent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
