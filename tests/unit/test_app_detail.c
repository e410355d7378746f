/*
 * test_app_detail.c - taps on a close-up (detail) view answer for the side
 * it shows.
 *
 * A close-up is drawn for the patient's right; its left is the same picture
 * mirrored, where the loader put the left instances.  Both sides' instances
 * share the canvas, so a tap must only reach the side on screen.  Fixture
 * tests/data/lookup-detail.json: a "hand" close-up with one bilateral muscle
 * "zeta" whose right shape is the square [520,680] x [420,580] (its left,
 * mirrored, [320,480]) and bilateral areas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "app/app.h"
#include "chart/layout.h"
#include "km_test.h"
#include "km_test_app.h"

static km_atlas *atlas;
static int HAND, ZETA;

static void start(km_app *app)
{
    km_app_settings s = km_test_settings(KM_MODE_EXPLORE);
    km_app_init(app, atlas, &s, 1000);
    km_app_set_measure(app, km_test_measure());
    km_input in = {.kind = KM_IN_RESIZE, .w = 1600, .h = 1000, .scale = 1, .time_ms = 1000};
    km_app_input(app, &in);
}

/* Tap the close-up at a view point (its screen place from the app's own layout). */
static void tap_hand(km_app *app, km_vec2 p, uint64_t t)
{
    km_vec2 s = km_test_screen_of(app, HAND, p);
    assert_true(s.x >= 0);
    km_test_tap(app, s, t);
}

static km_side shown_side(km_app *app)
{
    km_layout L;
    km_app_chart(app, &L);
    int i = km_layout_find(&L, HAND);
    return i >= 0 ? L.v[i].side : KM_SIDE_MIDLINE;
}

static void test_tap_reaches_only_the_side_shown(void **state)
{
    (void)state;
    km_app app;
    start(&app);
    km_app_action(&app, KM_ACT_SELECT, ZETA, KM_SIDE_LEFT);
    assert_int_equal(shown_side(&app), KM_SIDE_LEFT);
    /* where the right instance lies: on the left's picture that is skin
     * with no muscle (the tap clears the single selection, never picks
     * zeta's right) */
    tap_hand(&app, (km_vec2){600, 500}, 5000);
    for (int i = 0; i < app.sel_count; i++)
        assert_false(app.sel[i].muscle == ZETA && app.sel[i].side == KM_SIDE_RIGHT);
    /* the left instance, where the left picture shows it: the tap reaches
     * it (a tap on the selected muscle takes it off) */
    km_app_action(&app, KM_ACT_SELECT, ZETA, KM_SIDE_LEFT);
    assert_int_equal(app.sel_count, 1);
    tap_hand(&app, (km_vec2){400, 500}, 9000);
    assert_int_equal(app.sel_count, 0);
    km_app_release(&app);
}

int main(void)
{
    atlas = km_test_load_fixture("lookup-detail.json");
    if (!atlas)
        return 1;
    HAND = km_atlas_view_index(atlas, "hand");
    ZETA = km_atlas_muscle_index(atlas, "zeta");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tap_reaches_only_the_side_shown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    km_atlas_free(atlas);
    return rc;
}
