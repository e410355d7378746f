/*
 * test_app_closeup.c - a tap on the head, a hand or a foot of a body view
 * opens that region's close-up, for the side tapped (the close-ups'
 * "opens_from" in the bundled atlas); Back and the close-up's "x" close it;
 * a double-tap never leaves one open; drawing in Mark pain opens none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "app/app.h"
#include "app/app_internal.h"
#include "chart/layout.h"
#include "core/lookup.h"
#include "km_test.h"
#include "km_test_app.h"

static km_atlas *atlas;
static int FRONT, BACK, PALM, SOLE, HEAD;

static void start(km_app *app, km_mode mode)
{
    km_app_settings s = km_test_settings(mode);
    km_app_init(app, atlas, &s, 1000);
    km_app_set_measure(app, km_test_measure());
    km_input in = {.kind = KM_IN_RESIZE, .w = 1920, .h = 1080, .scale = 1, .time_ms = 1000};
    km_app_input(app, &in);
}

/* The centre of the first instance of area `id` with `side` on `view`. */
static km_vec2 area_point(int view, const char *id, km_side side)
{
    for (int i = 0; i < atlas->area_count; i++) {
        const km_area *a = &atlas->areas[i];
        if (a->view == view && strcmp(a->id, id) == 0 && (a->side == side || a->side == KM_SIDE_MIDLINE)) {
            /* an interior point: where the lookup itself finds this area */
            if (km_lookup_area_at(atlas, view, a->centroid) == i)
                return a->centroid;
            for (float fy = 0.3f; fy <= 0.7f; fy += 0.1f)
                for (float fx = 0.3f; fx <= 0.7f; fx += 0.1f) {
                    km_vec2 p = {a->poly.box.x0 + (a->poly.box.x1 - a->poly.box.x0) * fx,
                                 a->poly.box.y0 + (a->poly.box.y1 - a->poly.box.y0) * fy};
                    if (km_lookup_area_at(atlas, view, p) == i)
                        return p;
                }
        }
    }
    fail_msg("no interior point of %s", id);
    return (km_vec2){0, 0};
}

static km_vec2 screen_of(km_app *app, int view, km_vec2 p)
{
    km_vec2 s = km_test_screen_of(app, view, p);
    assert_true(s.x >= 0);
    return s;
}

static void tap_view(km_app *app, int view, km_vec2 p, uint64_t t) { km_test_tap(app, screen_of(app, view, p), t); }

/* Is view shown in the chart, and for which side? */
static bool shown(km_app *app, int view, km_side *side)
{
    km_layout L;
    km_app_chart(app, &L);
    int i = km_layout_find(&L, view);
    if (side && i >= 0)
        *side = L.v[i].side;
    return i >= 0;
}

static void test_palm_opens_hand_close_up_for_the_side_tapped(void **state)
{
    (void)state;
    km_app app;
    start(&app, KM_MODE_EXPLORE);
    assert_false(shown(&app, PALM, NULL));
    tap_view(&app, FRONT, area_point(FRONT, "palm", KM_SIDE_LEFT), 5000);
    km_side side = KM_SIDE_MIDLINE;
    assert_true(shown(&app, PALM, &side));
    assert_int_equal(side, KM_SIDE_LEFT);
    /* the other hand: the same close-up now shows the right */
    tap_view(&app, FRONT, area_point(FRONT, "palm", KM_SIDE_RIGHT), 9000);
    assert_true(shown(&app, PALM, &side));
    assert_int_equal(side, KM_SIDE_RIGHT);
    /* Back: the left hand again, then none */
    km_app_action(&app, KM_ACT_BACK, 0, 0);
    assert_true(shown(&app, PALM, &side));
    assert_int_equal(side, KM_SIDE_LEFT);
    km_app_action(&app, KM_ACT_BACK, 0, 0);
    assert_false(shown(&app, PALM, NULL));
    km_app_release(&app);
}

static void test_heel_and_temple_open_theirs_and_x_closes(void **state)
{
    (void)state;
    km_app app;
    start(&app, KM_MODE_WHERE);
    tap_view(&app, BACK, area_point(BACK, "heel", KM_SIDE_RIGHT), 5000);
    assert_true(shown(&app, SOLE, NULL));
    assert_false(shown(&app, HEAD, NULL));
    tap_view(&app, FRONT, area_point(FRONT, "temple", KM_SIDE_RIGHT), 9000);
    assert_true(shown(&app, HEAD, NULL));
    /* the close button of the sole's close-up: an item of the UI */
    km_app_layout(&app);
    int found = -1;
    for (int i = 0; i < app.item_count; i++)
        if (app.items[i].action == KM_ACT_CLOSE_DETAIL && app.items[i].arg == SOLE)
            found = i;
    assert_true(found >= 0);
    assert_true(app.items[found].r.w >= 36 && app.items[found].r.h >= 36); /* finger-sized */
    km_app_action(&app, KM_ACT_CLOSE_DETAIL, SOLE, 0);
    assert_false(shown(&app, SOLE, NULL));
    assert_true(shown(&app, HEAD, NULL));
    /* the wipe forgets them */
    km_app_wipe(&app, "test");
    assert_false(shown(&app, HEAD, NULL));
    km_app_release(&app);
}

static void test_double_tap_and_mark_open_none(void **state)
{
    (void)state;
    km_app app;
    start(&app, KM_MODE_EXPLORE);
    km_vec2 p = area_point(BACK, "heel", KM_SIDE_LEFT), s = screen_of(&app, BACK, p);
    km_test_tap(&app, s, 5000);
    assert_true(shown(&app, SOLE, NULL));
    km_test_tap(&app, s, 5150); /* the second tap of a double-tap, where the first was: it only zooms */
    assert_false(shown(&app, SOLE, NULL));
    assert_true(km_app_is_zoomed(&app));
    km_app_release(&app);

    start(&app, KM_MODE_MARK);
    app.tool = KM_TOOL_PIN;
    tap_view(&app, BACK, p, 5000);
    assert_false(shown(&app, SOLE, NULL) && (app.open_details >> SOLE & 1u));
    assert_int_equal(app.open_details, 0);
    km_app_release(&app);
}

/* The body view's place on screen (scale and where its origin lands). */
static km_xform body_place(km_app *app, int view)
{
    km_layout L;
    km_app_layout(app);
    km_app_chart(app, &L);
    int i = km_layout_find(&L, view);
    assert_true(i >= 0);
    return L.v[i].xf;
}

/* The figures stay where the finger found them: the window keeps room for
 * the key and a close-up, so a first stroke in Mark pain (its candidates,
 * the key, the head's close-up) does not shrink or move the body.  Before
 * the room was kept, the back view shrank by a quarter at 1920x1080. */
static void test_first_stroke_keeps_the_figures_in_place(void **state)
{
    (void)state;
    const int sizes[3][2] = {{1920, 1080}, {1280, 800}, {1080, 1920}};
    for (int z = 0; z < 3; z++) {
        km_app app;
        start(&app, KM_MODE_MARK);
        km_input rs = {.kind = KM_IN_RESIZE, .w = sizes[z][0], .h = sizes[z][1], .scale = 1, .time_ms = 1000};
        km_app_input(&app, &rs);
        km_xform before = body_place(&app, BACK);
        /* a stroke over the right side of the neck and the top of the shoulder */
        const km_vec2 pts[4] = {{560, 330}, {600, 340}, {640, 360}, {660, 380}};
        for (int k = 0; k < 4; k++) {
            km_vec2 sp = screen_of(&app, BACK, pts[k]);
            km_input e = {.kind = k == 0 ? KM_IN_DOWN : KM_IN_MOVE, .pointer = 1, .touch = true, .x = sp.x, .y = sp.y,
                          .time_ms = 2000 + (uint64_t)k * 40};
            km_app_input(&app, &e);
        }
        km_vec2 last = screen_of(&app, BACK, pts[3]);
        km_app_input(&app, &(km_input){.kind = KM_IN_UP, .pointer = 1, .touch = true, .x = last.x, .y = last.y,
                                       .time_ms = 2200});
        assert_true(app.drawn.count >= 3); /* candidates came, with their key entries */
        km_xform after = body_place(&app, BACK);
        assert_float_equal(after.scale, before.scale, 1e-6);
        assert_float_equal(after.ox, before.ox, 0.5);
        assert_float_equal(after.oy, before.oy, 0.5);
        km_app_release(&app);
    }
}

static void test_closeup_for_area(void **state)
{
    (void)state;
    /* from the data: each body area named in a close-up's opens_from */
    int palm = km_atlas_area_index(atlas, "palm", KM_SIDE_RIGHT);
    int heel = km_atlas_area_index(atlas, "heel", KM_SIDE_LEFT);
    int calf = km_atlas_area_index(atlas, "calf", KM_SIDE_LEFT);
    assert_true(palm >= 0 && heel >= 0 && calf >= 0);
    assert_int_equal(atlas->areas[palm].view, FRONT);
    assert_int_equal(km_atlas_closeup_for_area(atlas, palm), PALM);
    assert_int_equal(km_atlas_closeup_for_area(atlas, heel), atlas->areas[heel].view == BACK ? SOLE : -1);
    assert_int_equal(km_atlas_closeup_for_area(atlas, calf), -1);
    assert_int_equal(km_atlas_closeup_for_area(atlas, -1), -1);
}

int main(void)
{
    atlas = km_test_load_bundled();
    if (!atlas)
        return 1;
    FRONT = km_atlas_view_index(atlas, "front");
    BACK = km_atlas_view_index(atlas, "back");
    PALM = km_atlas_view_index(atlas, "hand_palm");
    SOLE = km_atlas_view_index(atlas, "foot_sole");
    HEAD = km_atlas_view_index(atlas, "head_side");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_palm_opens_hand_close_up_for_the_side_tapped),
        cmocka_unit_test(test_heel_and_temple_open_theirs_and_x_closes),
        cmocka_unit_test(test_double_tap_and_mark_open_none),
        cmocka_unit_test(test_closeup_for_area),
        cmocka_unit_test(test_first_stroke_keeps_the_figures_in_place),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    km_atlas_free(atlas);
    return rc;
}
