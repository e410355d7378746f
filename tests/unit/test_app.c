/*
 * test_app.c - the application state driven by synthetic inputs, with no
 * display: taps, drags, pinches, keys and elapsed time go in through
 * km_app_input / km_app_tick exactly as the SDL layer sends them, and the
 * tests look at the state, the scene and the log lines.
 *
 * Fixture: tests/data/lookup.json (three overlapping muscles alpha, beta,
 * gamma on the back view with square zones; see test_lookup.c).  Window
 * positions of view points come from the app's own chart layout
 * (km_app_chart, the layout the renderer draws with), as a user would see
 * them: no view is placed by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/app.h"
#include "app/pinhash.h"
#include "app/marks.h"
#include "chart/layout.h"
#include "chart/paint.h"
#include "core/alloc.h"
#include "core/check.h"
#include "km_test.h"
#include "km_test_app.h"


static km_atlas *atlas;
static int FRONT, BACK, ALPHA, BETA, GAMMA;
static char logbuf[65536];
static uint64_t now;

static void capture(void *ctx, const char *line)
{
    (void)ctx;
    strncat(logbuf, line, sizeof logbuf - strlen(logbuf) - 2);
    strcat(logbuf, "\n");
}

static bool logged(const char *s) { return strstr(logbuf, s) != NULL; }

static int group_setup(void **state)
{
    (void)state;
    atlas = km_test_load_fixture("lookup.json");
    if (!atlas)
        return -1;
    FRONT = km_atlas_view_index(atlas, "front");
    BACK = km_atlas_view_index(atlas, "back");
    ALPHA = km_atlas_muscle_index(atlas, "alpha");
    BETA = km_atlas_muscle_index(atlas, "beta");
    GAMMA = km_atlas_muscle_index(atlas, "gamma");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    km_atlas_free(atlas);
    return 0;
}

static void in(km_app *app, km_input e)
{
    e.time_ms = now;
    km_app_input(app, &e);
}

/* The app under test, for sx/sy. */
static km_app *shown;

static void setup(km_app *app, bool kiosk, const char *pin)
{
    km_app_settings s = km_test_settings(KM_MODE_EXPLORE);
    s.kiosk = kiosk;
    s.log_level = KM_LOG_INFO;
    snprintf(s.export_dir, sizeof s.export_dir, "%s", "/tmp");
    if (pin)
        {
        char e[128];
        assert_true(km_pin_hash(pin, s.pin_hash, sizeof s.pin_hash, e, sizeof e));
    }
    logbuf[0] = '\0';
    now = 1000;
    km_app_init(app, atlas, &s, now);
    km_app_set_log(app, capture, NULL);
    km_app_set_measure(app, km_test_measure());
    in(app, (km_input){.kind = KM_IN_RESIZE, .w = 1600, .h = 1000, .scale = 1});
    shown = app;
    if (kiosk) {
        /* A kiosk starts on the attract screen; the first touch only dismisses it. */
        assert_int_equal(app->idle, KM_IDLE_ATTRACT);
        in(app, (km_input){.kind = KM_IN_DOWN, .pointer = 9, .touch = true, .x = 800, .y = 500});
        in(app, (km_input){.kind = KM_IN_UP, .pointer = 9, .touch = true, .x = 800, .y = 500});
        assert_int_equal(app->idle, KM_IDLE_ACTIVE);
        assert_int_equal(app->sel_count, 0);
    }
}

/* Window position of a view point. */
static km_vec2 screen_of(int view, km_vec2 p)
{
    km_layout L;
    km_app_layout(shown);
    km_app_chart(shown, &L);
    int i = km_layout_find(&L, view);
    assert_true(i >= 0);
    return km_layout_to_screen(&L, i, p);
}
static float sx(int view, float x) { return screen_of(view, (km_vec2){x, 0}).x; }
/* Both views of the fixture are the same height, at one scale: y is y on either. */
static float sy(float y) { return screen_of(BACK, (km_vec2){0, y}).y; }

static void tap_at(km_app *app, float x, float y, int finger)
{
    in(app, (km_input){.kind = KM_IN_DOWN, .pointer = finger, .touch = finger != 0, .x = x, .y = y});
    now += 80;
    in(app, (km_input){.kind = KM_IN_UP, .pointer = finger, .touch = finger != 0, .x = x, .y = y});
    now += 500; /* well apart, so two taps are not a double-tap */
}

static void press(km_app *app, km_action act, int arg);

/* A tap on a view point.  The fixture's three muscles share one square, so
 * a tap inside it asks "Which one did you mean?": take the first choice,
 * the one the old exact hit test gave. */
static void tap_view(km_app *app, int view, float x, float y)
{
    tap_at(app, sx(view, x), sy(y), 0);
    if (app->pick_count > 0)
        press(app, KM_ACT_PICK, 0);
}

static void drag_view(km_app *app, int view, km_vec2 a, km_vec2 b, int finger)
{
    in(app, (km_input){.kind = KM_IN_DOWN, .pointer = finger, .touch = true, .x = sx(view, a.x), .y = sy(a.y)});
    for (int i = 1; i <= 10; i++) {
        now += 16;
        float t = i / 10.0f;
        in(app, (km_input){.kind = KM_IN_MOVE, .pointer = finger, .touch = true, .x = sx(view, a.x + (b.x - a.x) * t),
                           .y = sy(a.y + (b.y - a.y) * t)});
    }
    in(app, (km_input){.kind = KM_IN_UP, .pointer = finger, .touch = true, .x = sx(view, b.x), .y = sy(b.y)});
    now += 300;
}

/* Centre of the first enabled button with this action (and arg). */
static bool find_button(km_app *app, km_action act, int arg, float *x, float *y)
{
    km_app_layout(app);
    for (int i = 0; i < app->item_count; i++) {
        const km_ui_item *it = &app->items[i];
        if (it->kind == KM_UI_BUTTON && it->action == act && it->arg == arg && it->enabled) {
            *x = it->r.x + it->r.w / 2.0f;
            *y = it->r.y + it->r.h / 2.0f;
            return true;
        }
    }
    return false;
}

static void press(km_app *app, km_action act, int arg)
{
    float x = -1, y = -1;
    if (!find_button(app, act, arg, &x, &y))
        print_message("no button action=%d arg=%d (pin_open=%d idle=%d)\n", act, arg, app->pin_open, app->idle);
    assert_true(x >= 0);
    tap_at(app, x, y, 7);
}

/* ---- explore ------------------------------------------------------- */

static void test_tap_selects_then_clears(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    km_side side;
    int expect = km_lookup_muscle_at(atlas, BACK, (km_vec2){700, 150}, false, &side);
    assert_true(expect >= 0);
    tap_view(&app, BACK, 700, 150);
    assert_int_equal(app.sel_count, 1);
    assert_int_equal(app.sel[0].muscle, expect);
    assert_int_equal(app.sel[0].side, KM_SIDE_RIGHT); /* back view: patient's right is x > 500 */
    char line[128];
    snprintf(line, sizeof line, "select muscle=%s side=right view=back", atlas->muscles[expect].id);
    assert_true(logged(line));
    /* The panel shows it, with every tap target at least 48 px high. */
    km_app_layout(&app);
    bool named = false;
    for (int i = 0; i < app.item_count; i++) {
        const km_ui_item *it = &app.items[i];
        named |= it->text && strcmp(it->text, atlas->muscles[expect].name) == 0;
        if (it->kind == KM_UI_BUTTON && it->style != KM_BTN_GHOST)
            assert_true(it->r.h >= 48);
    }
    assert_true(named);
    /* Same muscle again: cleared. */
    tap_view(&app, BACK, 700, 150);
    assert_int_equal(app.sel_count, 0);
    /* Select, then tap empty body: cleared. */
    tap_view(&app, BACK, 700, 150);
    assert_int_equal(app.sel_count, 1);
    tap_view(&app, BACK, 500, 1500);
    assert_int_equal(app.sel_count, 0);
    assert_true(logged("clear-selection"));
    km_app_release(&app);
}

static void test_drag_and_long_press_are_not_taps(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    in(&app, (km_input){.kind = KM_IN_DOWN, .pointer = 3, .touch = true, .x = sx(BACK, 700), .y = sy(150)});
    in(&app, (km_input){.kind = KM_IN_MOVE, .pointer = 3, .touch = true, .x = sx(BACK, 700) + 40, .y = sy(150)});
    in(&app, (km_input){.kind = KM_IN_UP, .pointer = 3, .touch = true, .x = sx(BACK, 700) + 40, .y = sy(150)});
    assert_int_equal(app.sel_count, 0);
    now += 1000;
    in(&app, (km_input){.kind = KM_IN_DOWN, .pointer = 0, .x = sx(BACK, 700), .y = sy(150)});
    now += 900;
    in(&app, (km_input){.kind = KM_IN_UP, .pointer = 0, .x = sx(BACK, 700), .y = sy(150)});
    assert_int_equal(app.sel_count, 0);
    /* An UP for a pointer that never went down changes nothing. */
    in(&app, (km_input){.kind = KM_IN_UP, .pointer = 9, .touch = true, .x = sx(BACK, 700), .y = sy(150)});
    assert_int_equal(app.sel_count, 0);
    km_app_release(&app);
}

static void test_compare_gives_each_its_colour(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    press(&app, KM_ACT_COMPARE, 0);
    assert_true(app.compare);
    tap_view(&app, BACK, 700, 150); /* patient's right */
    tap_view(&app, BACK, 300, 150); /* mirrored: patient's left */
    assert_int_equal(app.sel_count, 2);
    assert_int_equal(app.sel[1].side, KM_SIDE_LEFT);
    assert_int_not_equal(app.sel[0].color, app.sel[1].color);
    km_scene s;
    km_app_scene(&app, &s);
    assert_int_equal(s.sel_count, 2);
    /* Remove the first from the legend's × button. */
    press(&app, KM_ACT_UNSELECT, 0);
    assert_int_equal(app.sel_count, 1);
    assert_int_equal(app.sel[0].side, KM_SIDE_LEFT);
    km_app_release(&app);
}

/* ---- where does it hurt -------------------------------------------- */

/* A tap answers for the area under the finger: a spot inside "big" that no
 * zone reaches still lists the muscles whose zones cover that area. */
static void test_where_tap_answers_for_its_area(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    press(&app, KM_ACT_MODE, KM_MODE_WHERE);
    tap_view(&app, BACK, 820, 280); /* in "big", outside every zone */
    km_candidates point;
    km_candidates_init(&point);
    assert_true(km_lookup_point(atlas, BACK, (km_vec2){820, 280}, &point));
    assert_int_equal(point.count, 0);
    km_candidates_release(&point);
    assert_int_equal(app.where_area, km_atlas_area_index(atlas, "big", KM_SIDE_RIGHT));
    assert_true(app.where.count >= 2);
    assert_int_equal(app.where.items[0].muscle, ALPHA); /* its essential square covers most of "big" */
    for (int i = 0; i < app.where.count; i++)
        assert_int_equal(app.where.items[i].side, KM_SIDE_RIGHT);
    km_app_release(&app);
}

static void test_where_ranks_essential_first(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    press(&app, KM_ACT_MODE, KM_MODE_WHERE);
    assert_int_equal(app.mode, KM_MODE_WHERE);
    assert_true(logged("mode where-it-hurts"));
    tap_view(&app, BACK, 620, 120); /* alpha's essential square, gamma's spillover square */
    assert_true(app.where_set);
    assert_true(app.where.count >= 2);
    assert_int_equal(app.where.items[0].muscle, ALPHA);
    assert_int_equal(app.where.items[0].zone, KM_ZONE_ESSENTIAL);
    int g = -1;
    for (int i = 0; i < app.where.count; i++)
        if (app.where.items[i].muscle == GAMMA)
            g = i;
    assert_true(g > 0);
    assert_int_equal(app.where.items[g].zone, KM_ZONE_SPILLOVER);
    assert_int_equal(app.where_area, km_atlas_area_index(atlas, "patch", KM_SIDE_RIGHT));
    assert_true(logged("where view=back"));
    km_scene s;
    km_app_scene(&app, &s);
    assert_int_equal(s.sel[0].muscle, ALPHA); /* its pattern is drawn */
    assert_int_equal(s.area_count, 1);
    /* Tapping a candidate opens it in Explore. */
    press(&app, KM_ACT_SELECT, ALPHA);
    assert_int_equal(app.mode, KM_MODE_EXPLORE);
    assert_int_equal(app.sel_count, 1);
    assert_int_equal(app.sel[0].muscle, ALPHA);
    km_app_release(&app);
}

/* ---- mark pain ----------------------------------------------------- */

/* Coverage of the muscle's first candidate in c, or -1. */
static double cover_of(const km_candidates *c, int m)
{
    for (int i = 0; i < c->count; i++)
        if (c->items[i].muscle == m)
            return c->items[i].coverage;
    return -1;
}

/* Main zone first, then whole-percent coverage never rising down the list. */
static void assert_order_follows_shown(const km_candidates *c)
{
    for (int i = 1; i < c->count; i++) {
        const km_candidate *a = &c->items[i - 1], *b = &c->items[i];
        if (a->zone == b->zone)
            assert_true(lround(a->coverage * 100) >= lround(b->coverage * 100));
        else
            assert_int_equal(a->zone, KM_ZONE_ESSENTIAL);
    }
}

static void test_drawing_ranks_and_undo_redo(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    press(&app, KM_ACT_MODE, KM_MODE_MARK);
    /* A stroke where alpha's and beta's essential squares overlap ... */
    drag_view(&app, BACK, (km_vec2){660, 170}, (km_vec2){690, 190}, 1);
    /* ... and one only beta's square reaches. */
    drag_view(&app, BACK, (km_vec2){715, 215}, (km_vec2){740, 240}, 1);
    int ns;
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 2);
    assert_true(logged("mark stroke view=back"));
    assert_true(app.drawn.count >= 2);
    /* beta covers the whole drawing, alpha only the first stroke (frequency
     * and locality outweigh coverage in the ranking: lookup.h) */
    assert_true(cover_of(&app.drawn, BETA) > cover_of(&app.drawn, ALPHA) + 0.2);
    /* The drawing is measured for the panel, as the marks file and the
     * handout measure it (core/drawing.h). */
    assert_non_null(app.drawn_summary.views);
    assert_true(app.drawn_summary.views[BACK].marked_cells > 0);
    assert_true(app.drawn_summary.extent > 0);
    /* Each muscle on the chart keeps its colour while it stays there. */
    km_app_shown before = app.drawn_shown;
    press(&app, KM_ACT_UNDO, 0);
    for (int i = 0; i < before.n; i++) {
        int now_col = km_app_shown_color(&app.drawn_shown, before.s[i].muscle, before.s[i].side);
        assert_true(now_col < 0 || now_col == before.s[i].color);
    }
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 1);
    /* The order is the one the list states: main zone first, then by the
     * shown coverage (beta 88% before the more frequent alpha 78%). */
    assert_order_follows_shown(&app.drawn);
    assert_int_equal(app.drawn.items[0].muscle, BETA);
    press(&app, KM_ACT_REDO, 0);
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 2);
    assert_true(cover_of(&app.drawn, BETA) > cover_of(&app.drawn, ALPHA) + 0.2);
    /* Erasing the second stroke works like undoing it. */
    press(&app, KM_ACT_TOOL, KM_TOOL_ERASER);
    press(&app, KM_ACT_BRUSH, 2);
    drag_view(&app, BACK, (km_vec2){710, 210}, (km_vec2){745, 245}, 1);
    assert_order_follows_shown(&app.drawn);
    assert_int_equal(app.drawn.items[0].zone, KM_ZONE_ESSENTIAL);
    /* Clear all, and undo the clearing. */
    press(&app, KM_ACT_CLEAR_MARKS, 0);
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 0);
    assert_int_equal(app.drawn.count, 0);
    press(&app, KM_ACT_UNDO, 0);
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 3);
    /* A pin on the front view stays on the front view. */
    press(&app, KM_ACT_TOOL, KM_TOOL_PIN);
    press(&app, KM_ACT_INTENSITY, 1);
    tap_view(&app, FRONT, 400, 1000);
    int np;
    const km_pin *p = km_history_pins(&app.marks, &np);
    assert_int_equal(np, 1);
    assert_int_equal(p[0].view, FRONT);
    assert_int_equal(p[0].intensity, 6);
    assert_true(logged("mark pin view=front"));
    km_app_release(&app);
}

static void test_second_finger_turns_stroke_into_pinch(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    press(&app, KM_ACT_MODE, KM_MODE_MARK);
    float x0 = sx(BACK, 500), y0 = sy(1000);
    in(&app, (km_input){.kind = KM_IN_DOWN, .pointer = 1, .touch = true, .x = x0 - 20, .y = y0});
    in(&app, (km_input){.kind = KM_IN_DOWN, .pointer = 2, .touch = true, .x = x0 + 20, .y = y0});
    int ns;
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 0); /* the started stroke was dropped */
    /* Spread the fingers: the view zooms about their midpoint. */
    km_layout L;
    km_app_chart(&app, &L);
    int bi = km_layout_find(&L, BACK);
    float px = km_layout_to_view(&L, bi, (km_vec2){x0, y0}).x;
    in(&app, (km_input){.kind = KM_IN_MOVE, .pointer = 1, .touch = true, .x = x0 - 60, .y = y0});
    in(&app, (km_input){.kind = KM_IN_MOVE, .pointer = 2, .touch = true, .x = x0 + 60, .y = y0});
    assert_float_equal(app.xf[BACK].zoom, 3.0f, 0.01f);
    km_app_chart(&app, &L);
    assert_float_equal(km_layout_to_view(&L, bi, (km_vec2){x0, y0}).x, px, 0.5f); /* same point under the fingers */
    in(&app, (km_input){.kind = KM_IN_UP, .pointer = 1, .touch = true, .x = x0 - 60, .y = y0});
    in(&app, (km_input){.kind = KM_IN_UP, .pointer = 2, .touch = true, .x = x0 + 60, .y = y0});
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 0);
    press(&app, KM_ACT_ZOOM_RESET, 0);
    assert_float_equal(app.xf[BACK].zoom, 1.0f, 0.0f);
    km_app_release(&app);
}

static void test_double_tap_zooms(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    float x = sx(BACK, 400), y = sy(1200);
    in(&app, (km_input){.kind = KM_IN_DOWN, .x = x, .y = y});
    now += 60;
    in(&app, (km_input){.kind = KM_IN_UP, .x = x, .y = y});
    now += 120;
    in(&app, (km_input){.kind = KM_IN_DOWN, .x = x, .y = y});
    now += 60;
    in(&app, (km_input){.kind = KM_IN_UP, .x = x, .y = y});
    assert_float_equal(app.xf[BACK].zoom, 2.0f, 0.001f);
    assert_true(logged("zoom view=back level=2.0"));
    km_app_release(&app);
}

/* A tap on a pin selects it (never a duplicate on top); its level can be
 * changed and it can be removed, each undoable; the level weighs the
 * ranking. */
static void test_pins_change_and_remove(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    press(&app, KM_ACT_MODE, KM_MODE_MARK);
    press(&app, KM_ACT_TOOL, KM_TOOL_PIN);
    tap_view(&app, BACK, 700, 150);
    int np;
    const km_pin *pins = km_history_pins(&app.marks, &np);
    assert_int_equal(np, 1);
    assert_int_equal(pins[0].intensity, 5);
    tap_view(&app, BACK, 703, 152); /* the same spot again */
    km_history_pins(&app.marks, &np);
    assert_int_equal(np, 1);
    assert_int_equal(app.pin_sel, 0);
    for (int i = 0; i < 4; i++)
        press(&app, KM_ACT_PIN_LEVEL, 1);
    pins = km_history_pins(&app.marks, &np);
    assert_int_equal(np, 1);
    assert_int_equal(pins[0].intensity, 9);
    assert_true(logged("pin change intensity=9"));
    press(&app, KM_ACT_PIN_DELETE, 0);
    km_history_pins(&app.marks, &np);
    assert_int_equal(np, 0);
    assert_int_equal(app.drawn.count, 0);
    press(&app, KM_ACT_UNDO, 0);
    pins = km_history_pins(&app.marks, &np);
    assert_int_equal(np, 1);
    assert_int_equal(pins[0].intensity, 9);
    km_app_release(&app);
}

/* Two fingers dragged together over a zoomed view pan it (and do not zoom). */
static void test_two_finger_pan(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    float x = sx(BACK, 400), y = sy(1000);
    in(&app, (km_input){.kind = KM_IN_DOWN, .x = x, .y = y});
    now += 60;
    in(&app, (km_input){.kind = KM_IN_UP, .x = x, .y = y});
    now += 120;
    in(&app, (km_input){.kind = KM_IN_DOWN, .x = x, .y = y});
    now += 60;
    in(&app, (km_input){.kind = KM_IN_UP, .x = x, .y = y});
    now += 500;
    assert_float_equal(app.xf[BACK].zoom, 2.0f, 0.001f);
    km_view_xform before = app.xf[BACK];
    in(&app, (km_input){.kind = KM_IN_DOWN, .pointer = 1, .touch = true, .x = x - 40, .y = y});
    in(&app, (km_input){.kind = KM_IN_DOWN, .pointer = 2, .touch = true, .x = x + 40, .y = y});
    for (int i = 1; i <= 10; i++) {
        now += 16;
        in(&app, (km_input){.kind = KM_IN_MOVE, .pointer = 1, .touch = true, .x = x - 40 + 8 * i, .y = y + 4 * i});
        in(&app, (km_input){.kind = KM_IN_MOVE, .pointer = 2, .touch = true, .x = x + 40 + 8 * i, .y = y + 4 * i});
    }
    in(&app, (km_input){.kind = KM_IN_UP, .pointer = 1, .touch = true, .x = x + 40, .y = y + 40});
    in(&app, (km_input){.kind = KM_IN_UP, .pointer = 2, .touch = true, .x = x + 120, .y = y + 40});
    assert_float_equal(app.xf[BACK].zoom, 2.0f, 0.01f);
    assert_true(app.xf[BACK].pan_x != before.pan_x);
    assert_int_equal(app.sel_count, 0);
    km_app_release(&app);
}

/* ---- kiosk --------------------------------------------------------- */

static void test_idle_countdown_and_wipe(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, NULL);
    tap_view(&app, BACK, 700, 150);
    press(&app, KM_ACT_MODE, KM_MODE_MARK);
    drag_view(&app, BACK, (km_vec2){660, 170}, (km_vec2){690, 190}, 1);
    uint64_t last = app.last_input_ms;
    assert_int_equal(km_app_next_wake(&app), 90000);
    km_app_tick(&app, last + 89999);
    assert_int_equal(app.idle, KM_IDLE_ACTIVE);
    km_app_tick(&app, last + 90000);
    assert_int_equal(app.idle, KM_IDLE_COUNTDOWN);
    assert_true(logged("idle-countdown seconds=10"));
    assert_true(km_app_next_wake(&app) <= 1000);
    /* A touch cancels it and does nothing else. */
    now = last + 95000;
    tap_at(&app, sx(BACK, 500), sy(1500), 4);
    assert_int_equal(app.idle, KM_IDLE_ACTIVE);
    assert_true(logged("idle-cancel"));
    int ns;
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 1);
    /* Left alone again: countdown, then everything is wiped. */
    last = app.last_input_ms;
    km_app_tick(&app, last + 90000);
    assert_int_equal(app.idle, KM_IDLE_COUNTDOWN);
    km_app_tick(&app, last + 99999);
    assert_int_equal(app.sel_count, 1);
    km_app_tick(&app, last + 100000);
    assert_true(logged("idle-wipe"));
    assert_int_equal(app.idle, KM_IDLE_ATTRACT);
    assert_int_equal(app.sel_count, 0);
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 0);
    assert_false(km_history_can_undo(&app.marks)); /* nothing of the last patient to bring back */
    assert_int_equal(app.mode, KM_MODE_EXPLORE);
    assert_int_equal(app.drawn.count, 0);
    /* The next touch dismisses the attract screen. */
    now = last + 120000;
    tap_at(&app, sx(BACK, 500), sy(1500), 5);
    assert_int_equal(app.idle, KM_IDLE_ACTIVE);
    km_app_release(&app);
}

static void test_done_button_wipes(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, NULL);
    tap_view(&app, BACK, 700, 150);
    assert_int_equal(app.sel_count, 1);
    /* Done asks first; "No, keep going" keeps everything. */
    press(&app, KM_ACT_DONE, 0);
    assert_int_equal(app.confirm, KM_ACT_DONE);
    assert_int_equal(app.sel_count, 1);
    press(&app, KM_ACT_CONFIRM, 0);
    assert_int_equal(app.sel_count, 1);
    assert_false(logged("done-wipe"));
    /* "Send to my clinician" with nothing yet to send says what to do. */
    km_app empty;
    setup(&empty, true, NULL);
    press(&empty, KM_ACT_HANDOFF, 0);
    assert_false(empty.want_handoff);
    assert_non_null(strstr(empty.status, "Nothing to send yet"));
    km_app_release(&empty);
    shown = &app;
    /* Asked again and answered yes: wiped, attract screen. */
    press(&app, KM_ACT_DONE, 0);
    press(&app, KM_ACT_CONFIRM, 1);
    assert_int_equal(app.sel_count, 0);
    assert_true(logged("done-wipe"));
    assert_int_equal(app.idle, KM_IDLE_ATTRACT);
    /* The tap that dismisses the attract screen does nothing else. */
    logbuf[0] = '\0';
    tap_view(&app, BACK, 700, 150);
    assert_int_equal(app.idle, KM_IDLE_ACTIVE);
    assert_int_equal(app.sel_count, 0);
    assert_false(logged("select muscle="));
    km_app_release(&app);
}

/* A tap near (not on) a muscle still reaches it; several within reach ask
 * which one; Back undoes selection changes; an empty tap in Compare does
 * nothing; a double-tap only zooms. */
static void test_forgiving_taps_and_back(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    /* Just outside the square (the fixture's muscles), within a finger. */
    float x = sx(BACK, 840) + 10, y = sy(150);
    tap_at(&app, x, y, 1);
    assert_int_equal(app.pick_count, 3);
    assert_true(logged("pick view=back choices=3"));
    km_app_layout(&app);
    bool asked = false;
    for (int i = 0; i < app.item_count; i++)
        asked |= app.items[i].text && strcmp(app.items[i].text, "Which one did you mean?") == 0;
    assert_true(asked);
    press(&app, KM_ACT_PICK, 1);
    assert_int_equal(app.sel_count, 1);
    assert_int_equal(app.sel[0].muscle, BETA);
    assert_int_equal(app.pick_count, 0);
    /* Far away: nothing in reach; a single selection is cleared ... */
    tap_view(&app, BACK, 500, 1500);
    assert_int_equal(app.sel_count, 0);
    /* ... and Back brings it back. */
    press(&app, KM_ACT_BACK, 0);
    assert_int_equal(app.sel_count, 1);
    assert_int_equal(app.sel[0].muscle, BETA);
    /* Compare: two muscles, then an empty tap changes nothing. */
    press(&app, KM_ACT_COMPARE, 0);
    tap_view(&app, BACK, 300, 150);
    assert_int_equal(app.sel_count, 2);
    tap_view(&app, BACK, 500, 1500);
    assert_int_equal(app.sel_count, 2);
    /* Clear all, then Back. */
    press(&app, KM_ACT_CLEAR, 0);
    assert_int_equal(app.sel_count, 0);
    press(&app, KM_ACT_BACK, 0);
    assert_int_equal(app.sel_count, 2);
    /* A tap beside the picker closes it and selects nothing. */
    tap_at(&app, sx(BACK, 840) + 10, sy(150), 1);
    assert_int_equal(app.pick_count, 3);
    tap_at(&app, 5, app.win_h - 5, 1);
    assert_int_equal(app.pick_count, 0);
    assert_int_equal(app.sel_count, 2);
    km_app_release(&app);
}

static void test_double_tap_never_taps(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    tap_view(&app, BACK, 700, 150);
    assert_int_equal(app.sel_count, 1);
    /* Double-tap away from every muscle: a single tap there would clear. */
    float x = sx(BACK, 400), y = sy(1200);
    in(&app, (km_input){.kind = KM_IN_DOWN, .x = x, .y = y});
    now += 60;
    in(&app, (km_input){.kind = KM_IN_UP, .x = x, .y = y});
    now += 120;
    in(&app, (km_input){.kind = KM_IN_DOWN, .x = x, .y = y});
    now += 60;
    in(&app, (km_input){.kind = KM_IN_UP, .x = x, .y = y});
    assert_float_equal(app.xf[BACK].zoom, 2.0f, 0.001f);
    assert_int_equal(app.sel_count, 1); /* the first tap's clear was taken back */
    assert_true(logged("tap-undone reason=double-tap"));
    km_app_release(&app);
}

/* Quitting the desktop with unsaved marks asks; saving first, then quit. */
static void test_quit_with_unsaved_marks_asks(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    press(&app, KM_ACT_MODE, KM_MODE_MARK);
    drag_view(&app, BACK, (km_vec2){660, 170}, (km_vec2){690, 190}, 1);
    in(&app, (km_input){.kind = KM_IN_KEY, .key = KM_KEY_Q, .ctrl = true});
    assert_false(app.want_quit);
    assert_int_equal(app.confirm, KM_ACT_QUIT);
    press(&app, KM_ACT_CONFIRM, 0); /* Cancel */
    assert_false(app.want_quit);
    /* Clear all is one undoable action. */
    press(&app, KM_ACT_CLEAR_MARKS, 0);
    int ns;
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 0);
    press(&app, KM_ACT_UNDO, 0);
    km_history_strokes(&app.marks, &ns);
    assert_int_equal(ns, 1);
    in(&app, (km_input){.kind = KM_IN_CLOSE});
    assert_int_equal(app.confirm, KM_ACT_QUIT);
    press(&app, KM_ACT_CONFIRM, 2); /* Save marks */
    assert_true(app.want_save_marks);
    km_app_marks_saved(&app, true, "/tmp/x.json");
    in(&app, (km_input){.kind = KM_IN_CLOSE});
    assert_true(app.want_quit);
    km_app_release(&app);
}

static void test_kiosk_ignores_the_ways_out(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, NULL);
    in(&app, (km_input){.kind = KM_IN_KEY, .key = KM_KEY_ESCAPE});
    in(&app, (km_input){.kind = KM_IN_KEY, .key = KM_KEY_F4, .alt = true});
    in(&app, (km_input){.kind = KM_IN_KEY, .key = KM_KEY_Q, .ctrl = true});
    in(&app, (km_input){.kind = KM_IN_CLOSE});
    assert_false(app.want_quit);
    assert_true(logged("kiosk-ignored key=escape"));
    assert_true(logged("kiosk-ignored key=alt+f4"));
    assert_true(logged("kiosk-ignored key=ctrl+q"));
    assert_true(logged("kiosk-ignored key=close"));
    km_app_release(&app);
    /* The same keys do quit a normal window. */
    setup(&app, false, NULL);
    in(&app, (km_input){.kind = KM_IN_KEY, .key = KM_KEY_Q, .ctrl = true});
    assert_true(app.want_quit);
    km_app_release(&app);
}

static void enter_pin(km_app *app, const char *pin)
{
    for (const char *c = pin; *c; c++)
        press(app, KM_ACT_PIN_DIGIT, *c - '0');
    press(app, KM_ACT_PIN_OK, 0);
}

static void test_admin_exit(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, "2468");
    in(&app, (km_input){.kind = KM_IN_DOWN, .pointer = 1, .touch = true, .x = 10, .y = 10});
    uint64_t t0 = now;
    assert_int_equal(km_app_next_wake(&app), 3000);
    km_app_tick(&app, t0 + 2999);
    assert_false(app.pin_open);
    km_app_tick(&app, t0 + 3000);
    assert_true(app.pin_open);
    assert_true(logged("admin-gesture"));
    now = t0 + 3100;
    in(&app, (km_input){.kind = KM_IN_UP, .pointer = 1, .touch = true, .x = 10, .y = 10});
    /* While the pad is open, the body cannot be touched. */
    tap_view(&app, BACK, 700, 150);
    assert_int_equal(app.sel_count, 0);
    enter_pin(&app, "1357");
    assert_false(app.want_quit);
    assert_true(logged("admin-pin-wrong"));
    enter_pin(&app, "2468");
    assert_true(app.want_quit);
    assert_true(logged("admin-exit"));
    km_app_release(&app);
    /* A long press elsewhere, or a short one in the corner, does nothing. */
    setup(&app, true, "2468");
    tap_at(&app, 10, 10, 1);
    km_app_tick(&app, now + 5000);
    assert_false(app.pin_open);
    km_app_release(&app);
}

/* Issue 11: three wrong PINs lock the gesture for 30 s (logged), the pad
 * says so after each wrong PIN, a 12-digit PIN can be typed. */
static void open_pad(km_app *app)
{
    in(app, (km_input){.kind = KM_IN_DOWN, .pointer = 1, .touch = true, .x = 10, .y = 10});
    uint64_t t0 = now;
    km_app_tick(app, t0 + 3000);
    now = t0 + 3100;
    in(app, (km_input){.kind = KM_IN_UP, .pointer = 1, .touch = true, .x = 10, .y = 10});
}

static void test_admin_lockout(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, "123456789012");
    open_pad(&app);
    assert_true(app.pin_open);
    enter_pin(&app, "1357");
    assert_true(app.pin_open);
    assert_string_equal(app.pin_note, "Wrong PIN. 2 tries left.");
    enter_pin(&app, "2468");
    assert_string_equal(app.pin_note, "Wrong PIN. 1 try left.");
    enter_pin(&app, "3579");
    assert_false(app.pin_open);
    assert_true(logged("admin-locked seconds=30"));
    /* The gesture is locked: a long press 10 s later opens nothing. */
    now += 10000;
    km_app_tick(&app, now);
    open_pad(&app);
    assert_false(app.pin_open);
    assert_true(logged("admin-gesture locked seconds="));
    /* After the 30 s, the pad opens and all 12 digits are taken. */
    now += 30000;
    km_app_tick(&app, now);
    open_pad(&app);
    assert_true(app.pin_open);
    enter_pin(&app, "123456789012");
    assert_true(app.want_quit);
    km_app_release(&app);
}

/* Issue 11: a kiosk's log holds actions, never where or how much it
 * hurts; the desktop keeps its action lines for the end-to-end tests. */
static void test_kiosk_log_has_no_patient_data(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, NULL);
    app.idle = KM_IDLE_ACTIVE;
    press(&app, KM_ACT_MODE, KM_MODE_WHERE);
    tap_view(&app, BACK, 620, 120);
    assert_true(app.where_set);
    km_app_action(&app, KM_ACT_SELECT, ALPHA, KM_SIDE_RIGHT);
    assert_true(logged("info: where\n"));
    assert_true(logged("info: select\n"));
    assert_null(strstr(logbuf, "x="));
    assert_null(strstr(logbuf, "area="));
    assert_null(strstr(logbuf, "muscle="));
    assert_null(strstr(logbuf, "view=back"));
    km_app_release(&app);
    setup(&app, false, NULL);
    km_app_action(&app, KM_ACT_SELECT, ALPHA, KM_SIDE_RIGHT);
    assert_true(logged("select muscle=alpha side="));
    km_app_release(&app);
}

/* Issue 11: a finger whose "up" was lost no longer keeps the kiosk from
 * its idle wipe: held still past the idle time it counts as lifted. */
static void test_lost_finger_up_still_wipes(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, NULL);
    app.idle = KM_IDLE_ACTIVE;
    press(&app, KM_ACT_MODE, KM_MODE_WHERE);
    tap_view(&app, BACK, 620, 120);
    assert_true(app.where_set);
    in(&app, (km_input){.kind = KM_IN_DOWN, .pointer = 7, .touch = true, .x = sx(BACK, 600), .y = sy(300)});
    uint64_t t0 = now; /* ... and its up never arrives */
    km_app_tick(&app, t0 + 89000);
    assert_int_equal(app.idle, KM_IDLE_ACTIVE);
    km_app_tick(&app, t0 + 90000);
    assert_true(logged("pointer-stale seconds=90"));
    assert_int_equal(app.idle, KM_IDLE_COUNTDOWN);
    km_app_tick(&app, t0 + 100000);
    assert_true(logged("idle-wipe"));
    assert_false(app.where_set);
    km_app_release(&app);
    /* The idle clock runs from the last input of any kind (here the
     * pointer leaving the window). */
    setup(&app, true, NULL);
    app.idle = KM_IDLE_ACTIVE;
    now += 60000;
    in(&app, (km_input){.kind = KM_IN_LEAVE});
    km_app_tick(&app, now + 89000);
    assert_int_equal(app.idle, KM_IDLE_ACTIVE);
    km_app_tick(&app, now + 90000);
    assert_int_equal(app.idle, KM_IDLE_COUNTDOWN);
    km_app_release(&app);
}

/* Pictures the host lends (the clinic's logo, a stretch's photo) take a
 * place on the attract screen and on the stretch card. */
static const km_ui_item *picture_item(const km_app *app, int arg)
{
    for (int i = 0; i < app->item_count; i++)
        if (app->items[i].kind == KM_UI_PICTURE && app->items[i].arg == arg)
            return &app->items[i];
    return NULL;
}

static void test_pictures_have_their_place(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, NULL);
    static const uint32_t px[6 * 2] = {0};
    app.logo = (km_app_picture){px, 6, 2};
    app.idle = KM_IDLE_ATTRACT;
    app.layout_dirty = true;
    km_app_layout(&app);
    const km_ui_item *logo = picture_item(&app, -1);
    assert_non_null(logo);
    assert_true(logo->r.x >= app.panel.x && logo->r.x + logo->r.w <= app.panel.x + app.panel.w);
    assert_int_equal(logo->r.w, logo->r.h * 3); /* the picture's shape kept */

    km_app_picture photos[64] = {{0}};
    assert_true(atlas->stretch_count <= 64);
    int si = atlas->muscles[ALPHA].stretches[0];
    photos[si] = (km_app_picture){px, 6, 2};
    app.photos = photos;
    app.idle = KM_IDLE_ACTIVE;
    km_app_action(&app, KM_ACT_SELECT, ALPHA, KM_SIDE_RIGHT);
    km_app_layout(&app);
    const km_ui_item *photo = picture_item(&app, si);
    assert_non_null(photo);
    assert_true(photo->panel && photo->r.w > 0 && photo->r.h > 0);
    for (int i = 0; i < atlas->stretch_count; i++) /* only the stretch that has one */
        assert_true(i == si || !picture_item(&app, i));
    app.photos = NULL;
    km_app_release(&app);
}

/* Issue 11: the wipe leaves no copy of the patient's pins in memory. */
static void test_wipe_clears_memory(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, NULL);
    app.idle = KM_IDLE_ACTIVE;
    km_app_action(&app, KM_ACT_MODE, KM_MODE_MARK, 0);
    km_app_action(&app, KM_ACT_TOOL, KM_TOOL_PIN, 0);
    tap_view(&app, BACK, 620, 120);
    int np;
    km_history_pins(&app.marks, &np);
    assert_int_equal(np, 1);
    assert_true(app.marks.pins[0].at.x > 0);
    assert_int_equal(app.drawn_summary.pin_count, 1); /* measured for the panel ... */
    km_app_wipe(&app, "done");
    assert_null(app.drawn_summary.views); /* ... and forgotten with the rest */
    assert_int_equal(app.drawn_summary.pin_count, 0);
    km_history_pins(&app.marks, &np);
    assert_int_equal(np, 0);
    assert_true(app.marks.pins[0].at.x == 0 && app.marks.pins[0].at.y == 0 && app.marks.pins[0].intensity == 0);
    km_app_release(&app);
}

/* ---- configuration and marks file ---------------------------------- */

static void test_config_errors_name_file_line_and_key(void **state)
{
    (void)state;
    km_config c;
    km_config_init(&c);
    km_diag d;
    km_diag_init(&d);
    const char *good = "# clinic kiosk\nidle_timeout = 120\nstart_mode = where\nkiosk = yes\n"
                       "export_dir = \"/srv/exports\"\nwindow = 1024x768\n";
    assert_int_equal(km_config_parse(&c, "k.conf", good, &d), 0);
    assert_int_equal(c.idle_timeout, 120);
    assert_int_equal(c.start_mode, KM_MODE_WHERE);
    assert_int_equal(c.kiosk, 1);
    assert_string_equal(c.export_dir, "/srv/exports");
    assert_int_equal(c.window_w, 1024);
    const char *bad = "idle_timeout = soon\nidel_timeout = 5\nadmin_pin_sha256 = abc\nno equals sign\n";
    assert_int_equal(km_config_parse(&c, "k.conf", bad, &d), -1);
    assert_int_equal(d.count, 4);
    assert_true(km_diag_has(&d, KM_E_CONFIG));
    assert_non_null(strstr(d.items[0].text, "k.conf:1"));
    assert_non_null(strstr(d.items[0].text, "idle_timeout"));
    assert_non_null(strstr(d.items[1].text, "k.conf:2"));
    assert_non_null(strstr(d.items[1].text, "idel_timeout"));
    assert_non_null(strstr(d.items[2].text, "admin_pin_sha256"));
    assert_int_equal(c.idle_timeout, 120); /* a bad value changes nothing */
    km_diag_clear(&d);
    assert_int_equal(km_config_load(&c, "/nonexistent/knotmap.conf", false, &d), 0);
    assert_int_equal(km_config_load(&c, "/nonexistent/knotmap.conf", true, &d), -1);
    assert_true(km_diag_has(&d, KM_E_IO));
    assert_non_null(strstr(d.items[0].text, "/nonexistent/knotmap.conf"));
    km_diag_release(&d);
}

static void test_marks_round_trip(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    tap_view(&app, BACK, 700, 150);
    press(&app, KM_ACT_MODE, KM_MODE_MARK);
    drag_view(&app, BACK, (km_vec2){660, 170}, (km_vec2){690, 190}, 1);
    press(&app, KM_ACT_TOOL, KM_TOOL_PIN);
    tap_view(&app, FRONT, 400, 1000);
    char path[] = "/tmp/knotmap-test-marks-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    int ns, np;
    const km_stroke *s = km_history_strokes(&app.marks, &ns);
    const km_pin *p = km_history_pins(&app.marks, &np);
    char err[256];
    assert_int_equal(km_marks_save(path, atlas, s, ns, p, np, app.sel, app.sel_count, err, sizeof err), 0);
    km_marks m;
    km_diag d;
    km_diag_init(&d);
    assert_int_equal(km_marks_load(path, atlas, &m, &d), 0);
    assert_int_equal(m.stroke_count, ns);
    assert_int_equal(m.strokes[0].count, s[0].count);
    assert_int_equal(m.strokes[0].view, BACK);
    assert_float_equal(m.strokes[0].pts[3].x, s[0].pts[3].x, 0.06);
    assert_float_equal(m.strokes[0].radius, s[0].radius, 0.001);
    assert_int_equal(m.pin_count, 1);
    assert_int_equal(m.pins[0].view, FRONT);
    assert_int_equal(m.pins[0].intensity, p[0].intensity);
    assert_int_equal(m.sel_count, 1);
    assert_int_equal(m.sel[0].muscle, app.sel[0].muscle);
    assert_int_equal(m.sel[0].side, app.sel[0].side);
    /* The app opens it in a fresh session. */
    km_app other;
    setup(&other, false, NULL);
    assert_true(km_app_open_marks(&other, &m, path));
    km_marks_release(&m);
    km_history_strokes(&other.marks, &ns);
    assert_int_equal(ns, 1);
    assert_int_equal(other.sel_count, 1);
    km_app_release(&other);
    remove(path);
    /* Bad content names the place. */
    const char *bad = "{\"format\": \"knotmap-marks\", \"version\": 1, \"pins\": [{\"view\": \"side\", "
                      "\"at\": [1, 2], \"intensity\": 11}]}";
    assert_int_equal(km_marks_load_buffer("bad.json", bad, strlen(bad), atlas, &m, &d), -1);
    assert_true(km_diag_has(&d, KM_E_BAD_REF));
    assert_true(km_diag_has(&d, KM_E_RANGE));
    assert_non_null(strstr(d.items[0].text, "/pins/0/view"));
    km_diag_release(&d);
    km_app_release(&app);
}

/* tests/data/regress/marks/: marks files that once crashed the reader or
 * got past it wrongly (tools/fuzz.sh puts the fuzzer's findings there),
 * read against this fixture atlas as fuzz/fuzz_marks.c does.  Each is
 * read or refused with a reason; what is read replays into a history,
 * opens in a session and is painted. */
static void test_regress_marks(void **state)
{
    (void)state;
    char *names[512];
    int n = km_test_list("data/regress/marks", names, 512);
    assert_true(n >= 1);
    int read = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/data/regress/marks/%s", getenv("KM_TESTS_DIR"), names[i]);
        size_t len = 0;
        char *buf = km_test_read(path, &len);
        assert_non_null(buf);
        km_marks m;
        km_marks_init(&m);
        km_diag d;
        km_diag_init(&d);
        int rc = km_marks_load_buffer(names[i], buf, len, atlas, &m, &d);
        print_message("    %s: %s\n", names[i], rc == 0 ? "read" : d.count ? d.items[0].text : "refused");
        if (rc != 0 && d.count == 0 && d.dropped == 0)
            fail_msg("%s: refused without saying why", names[i]);
        if (rc == 0) {
            read++;
            km_mark_history h;
            km_history_init(&h);
            assert_true(km_history_load(&h, &m));
            km_history_release(&h);
            km_app app;
            setup(&app, false, NULL);
            assert_true(km_app_open_marks(&app, &m, names[i]));
            km_scene sc;
            km_app_scene(&app, &sc);
            km_layout L;
            km_layout_compute(&L, &sc, (km_rect){0, 0, 160, 120});
            km_canvas cv;
            assert_true(km_canvas_init(&cv, 160, 120));
            uint8_t sil[160 * 120];
            km_paint_chart(&cv, sil, &sc, &L);
            km_canvas_release(&cv);
            km_app_release(&app);
        }
        km_marks_release(&m);
        km_diag_release(&d);
        free(buf);
        free(names[i]);
    }
    print_message("    %d regression inputs, %d read\n", n, read);
}

static void test_scene_allocates_nothing(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    tap_view(&app, BACK, 700, 150);
    long before = km_alloc_count();
    km_scene s;
    for (int i = 0; i < 100; i++)
        km_app_scene(&app, &s);
    assert_int_equal(km_alloc_count(), before);
    assert_int_equal(s.sel_count, 1);
    km_app_release(&app);
}

static void test_stretch_hold_timer(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    tap_view(&app, BACK, 700, 150);
    int si = atlas->muscles[app.sel[0].muscle].stretches[0];
    press(&app, KM_ACT_TIMER, si);
    assert_int_equal(app.stretch_timer, si);
    assert_true(km_app_next_wake(&app) <= 1000);
    km_app_tick(&app, now + (uint64_t)atlas->stretches[si].hold_seconds * 1000);
    assert_int_equal(app.stretch_timer, -1);
    assert_true(logged("timer done"));
    km_app_release(&app);
}

/* A kiosk patient holding a stretch is not idle: the hold pauses the idle
 * clock (for the hold's length), the countdown then counts down from its
 * own seconds, and finished holds are counted. */
static void test_hold_pauses_idle_countdown(void **state)
{
    (void)state;
    km_app app;
    setup(&app, true, NULL);
    app.set.idle_timeout_s = 10;
    app.set.countdown_s = 5;
    tap_view(&app, BACK, 700, 150);
    int si = atlas->muscles[app.sel[0].muscle].stretches[0];
    int hold = atlas->stretches[si].hold_seconds;
    press(&app, KM_ACT_TIMER, si);
    uint64_t t0 = now, end = app.timer_end_ms;
    /* 10 s after the start, still holding (if the hold is longer): no countdown. */
    for (uint64_t t = t0; t < end; t += 250)
        km_app_tick(&app, t);
    assert_int_equal(app.idle, KM_IDLE_ACTIVE);
    assert_int_equal(app.reps_done, 0);
    km_app_tick(&app, end);
    assert_int_equal(app.reps_done, 1);
    assert_true(logged("timer done"));
    assert_true(end - t0 <= (uint64_t)hold * 1000);
    km_app_tick(&app, end);
    /* Idle from the hold's end: the countdown, from 5 down, never above. */
    km_app_tick(&app, end + 9999);
    assert_int_equal(app.idle, KM_IDLE_ACTIVE);
    km_app_tick(&app, end + 10000);
    assert_int_equal(app.idle, KM_IDLE_COUNTDOWN);
    assert_int_equal(app.shown_second, 5);
    km_app_tick(&app, end + 12500);
    assert_int_equal(app.shown_second, 3);
    km_app_layout(&app);
    bool five_or_less = false;
    for (int i = 0; i < app.item_count; i++)
        if (app.items[i].overlay && app.items[i].text && strcmp(app.items[i].text, "3") == 0)
            five_or_less = true;
    assert_true(five_or_less);
    km_app_release(&app);
}

/* Red flags on the bundled atlas: a tap on the chest in Where shows the
 * chest card above the list and logs its id (not the area); a pin on the
 * left arm in Mark pain shows the left-arm card, one on the right arm none. */
static void test_red_flags(void **state)
{
    (void)state;
    km_atlas *full = km_test_load_bundled();
    assert_non_null(full);
    assert_true(full->red_flag_count >= 6);
    km_app app;
    setup(&app, false, NULL);
    km_app_set_atlas(&app, full);
    int chest = km_atlas_area_index(full, "anterior_chest", KM_SIDE_LEFT);
    assert_true(chest >= 0);
    const km_area *ar = &full->areas[chest];
    km_app_action(&app, KM_ACT_MODE, KM_MODE_WHERE, 0);
    tap_at(&app, screen_of(ar->view, ar->centroid).x, screen_of(ar->view, ar->centroid).y, 1);
    assert_true(app.where_flag_count >= 1);
    assert_string_equal(full->red_flags[app.where_flags[0]].id, "chest_pain");
    assert_true(logged("info: red-flag id=chest_pain"));
    assert_false(logged("info: red-flag id=chest_pain area="));
    /* The card comes before the first candidate row. */
    km_app_layout(&app);
    int card = -1, first_row = -1;
    for (int i = 0; i < app.item_count; i++) {
        const km_ui_item *it = &app.items[i];
        if (card < 0 && it->text && strcmp(it->text, full->red_flags[app.where_flags[0]].text) == 0)
            card = i;
        if (first_row < 0 && it->kind == KM_UI_BUTTON && it->action == KM_ACT_SELECT)
            first_row = i;
    }
    assert_true(card >= 0);
    assert_true(first_row < 0 || app.items[card].r.y < app.items[first_row].r.y);
    /* Mark pain: a pin on each arm. */
    km_app_action(&app, KM_ACT_MODE, KM_MODE_MARK, 0);
    km_app_action(&app, KM_ACT_TOOL, KM_TOOL_PIN, 0);
    int right = km_atlas_area_index(full, "upper_arm_medial", KM_SIDE_RIGHT);
    int left = km_atlas_area_index(full, "upper_arm_medial", KM_SIDE_LEFT);
    assert_true(right >= 0 && left >= 0);
    km_vec2 pr = screen_of(full->areas[right].view, full->areas[right].centroid);
    tap_at(&app, pr.x, pr.y, 1);
    assert_int_equal(app.drawn_flag_count, 0);
    km_vec2 pl = screen_of(full->areas[left].view, full->areas[left].centroid);
    tap_at(&app, pl.x, pl.y, 1);
    assert_int_equal(app.drawn_flag_count, 1);
    assert_string_equal(full->red_flags[app.drawn_flags[0]].id, "left_arm_pain");
    km_app_set_atlas(&app, atlas);
    km_app_release(&app);
    km_atlas_free(full);
}

/* A red flag naming an area the atlas does not have is a data error that
 * names the place: /red_flags/0/areas/0, bad-ref. */
static void test_red_flag_bad_ref(void **state)
{
    (void)state;
    const char *dir = getenv("KM_DATA_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/knotmap.json", dir ? dir : "data");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 21];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *at = strstr(buf, "\"areas\": [\"anterior_chest\"");
    assert_non_null(at);
    memcpy(at + strlen("\"areas\": [\""), "anterior_chost", 14);
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_buffer("bad.json", buf, n, &d);
    assert_null(a);
    assert_true(km_diag_has(&d, KM_E_BAD_REF));
    bool named = false;
    for (int i = 0; i < d.count; i++)
        named |= strstr(d.items[i].text, "/red_flags/0/areas/0") != NULL;
    assert_true(named);
    km_diag_release(&d);
}

static void test_idle_window_does_not_wake(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    km_app_tick(&app, now + 10);
    assert_int_equal(km_app_next_wake(&app), -1); /* nothing scheduled: sleep until input */
    km_app_release(&app);
}

static void test_reload_keeps_selection_by_id(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    tap_view(&app, BACK, 700, 150);
    int m = app.sel[0].muscle;
    km_diag d;
    km_diag_init(&d);
    km_atlas *again = km_atlas_load(atlas->path, &d);
    assert_non_null(again);
    km_app_set_atlas(&app, again);
    assert_int_equal(app.sel_count, 1);
    assert_string_equal(again->muscles[app.sel[0].muscle].id, atlas->muscles[m].id);
    km_app_set_atlas(&app, atlas);
    km_atlas_free(again);
    km_diag_release(&d);
    km_app_release(&app);
}

/* A broken invariant is stopped where it happens: a timer for a stretch
 * that does not exist (no button can ask for one) is an assertion failure
 * in builds with assertions (debug, sanitizers), and never a NULL
 * dereference; without assertions it is refused and changes nothing. */
static jmp_buf assert_jump;
static char assert_msg[512];
static void on_assert(const char *msg)
{
    snprintf(assert_msg, sizeof assert_msg, "%s", msg);
    longjmp(assert_jump, 1);
}

static void test_timer_with_no_stretch_asserts(void **state)
{
    (void)state;
    static km_app app; /* static: survives the longjmp */
    setup(&app, false, NULL);
    assert_msg[0] = '\0';
    km_assert_set_handler(on_assert);
    volatile bool tripped = false;
    if (setjmp(assert_jump) == 0)
        km_app_action(&app, KM_ACT_TIMER, -1, 0);
    else
        tripped = true;
    km_assert_set_handler(NULL);
    if (KM_ASSERT_ON) {
        assert_true(tripped);
        assert_non_null(strstr(assert_msg, "app.c"));
        assert_non_null(strstr(assert_msg, "stretch_count"));
    } else {
        assert_false(tripped);
    }
    assert_int_equal(app.stretch_timer, -1);
    /* Every timer button the UI lays out carries a real stretch. */
    km_app_action(&app, KM_ACT_SELECT, ALPHA, KM_SIDE_RIGHT);
    km_app_layout(&app);
    int timers = 0;
    for (int i = 0; i < app.item_count; i++)
        if (app.items[i].action == KM_ACT_TIMER) {
            timers++;
            assert_true(app.items[i].arg >= 0 && app.items[i].arg < atlas->stretch_count);
        }
    assert_true(timers > 0);
    km_app_release(&app);
}

/* The app knows where the views are before anything is drawn: the first
 * input after the window opens already lands on the right muscle. */
static void test_hit_test_before_any_frame(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL); /* no frame is ever drawn in these tests */
    km_layout L;
    km_app_chart(&app, &L);
    assert_int_equal(L.nviews, 2);
    for (int i = 0; i < L.nviews; i++) {
        assert_true(L.v[i].cell.x >= app.diagram.x && L.v[i].cell.x + L.v[i].cell.w <= app.diagram.x + app.diagram.w);
        assert_true(L.v[i].cell.y >= app.diagram.y && L.v[i].cell.y + L.v[i].cell.h <= app.diagram.y + app.diagram.h);
    }
    tap_view(&app, BACK, 700, 150);
    assert_int_equal(app.sel_count, 1);
    km_app_release(&app);
}


/* ---- the export dialog and background requests ------------------------ */

static void type(km_app *app, const char *t) { in(app, (km_input){.kind = KM_IN_TEXT, .text = t}); }
static void key_in(km_app *app, km_key k, bool shift, bool ctrl)
{
    in(app, (km_input){.kind = KM_IN_KEY, .key = k, .shift = shift, .ctrl = ctrl});
}

static int field_items(km_app *app, int *active)
{
    km_app_layout(app);
    int n = 0;
    *active = -1;
    for (int i = 0; i < app->item_count; i++)
        if (app->items[i].kind == KM_UI_FIELD) {
            if (app->items[i].active)
                *active = n;
            n++;
        }
    return n;
}

/* The desktop's Export asks for a title and a notes line: typed text goes
 * to the field with the caret, Backspace takes whole UTF-8 characters, Tab
 * moves, a tap on a field moves there, Enter exports with both on the
 * export's scene; the words never reach the log, even at debug. */
static void test_export_dialog_typing(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    app.set.log_level = KM_LOG_DEBUG;
    press(&app, KM_ACT_EXPORT, 0);
    assert_true(app.export_open);
    assert_false(app.want_export);
    int active;
    assert_int_equal(field_items(&app, &active), 2);
    assert_int_equal(active, KM_FIELD_TITLE);
    tap_at(&app, sx(BACK, 700), sy(150), 0); /* modal: the body under the scrim is not tapped */
    assert_int_equal(app.sel_count, 0);
    assert_true(app.export_open);

    type(&app, "Neck");
    type(&app, " pain");
    assert_string_equal(app.field[KM_FIELD_TITLE], "Neck pain");
    type(&app, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"); /* é (2 bytes), € (3), an emoji (4) */
    assert_string_equal(app.field[KM_FIELD_TITLE], "Neck pain\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    key_in(&app, KM_KEY_BACKSPACE, false, false);
    assert_string_equal(app.field[KM_FIELD_TITLE], "Neck pain\xC3\xA9\xE2\x82\xAC");
    key_in(&app, KM_KEY_BACKSPACE, false, false);
    assert_string_equal(app.field[KM_FIELD_TITLE], "Neck pain\xC3\xA9");
    key_in(&app, KM_KEY_BACKSPACE, false, false);
    assert_string_equal(app.field[KM_FIELD_TITLE], "Neck pain");
    type(&app, "\x01\x1b"); /* control characters are not typed */
    assert_string_equal(app.field[KM_FIELD_TITLE], "Neck pain");
    /* keys that do something elsewhere only type here (no quit, no undo) */
    key_in(&app, KM_KEY_Q, false, true);
    key_in(&app, KM_KEY_Z, false, true);
    assert_int_equal(app.confirm, KM_ACT_NONE);
    assert_false(app.want_quit);
    assert_true(app.export_open);

    key_in(&app, KM_KEY_TAB, false, false);
    assert_int_equal(app.field_focus, KM_FIELD_NOTES);
    assert_int_equal(field_items(&app, &active), 2);
    assert_int_equal(active, KM_FIELD_NOTES);
    type(&app, "Twice a day");
    key_in(&app, KM_KEY_TAB, true, false); /* Shift+Tab: back */
    assert_int_equal(app.field_focus, KM_FIELD_TITLE);
    press(&app, KM_ACT_FIELD, KM_FIELD_NOTES); /* a tap on the notes field */
    assert_int_equal(app.field_focus, KM_FIELD_NOTES);
    type(&app, ".");
    assert_string_equal(app.field[KM_FIELD_NOTES], "Twice a day.");

    /* A field holds what fits, in whole characters. */
    char big[400];
    memset(big, 0, sizeof big);
    for (int i = 0; i + 2 < (int)sizeof big - 1; i += 2)
        memcpy(big + i, "\xC3\xA9", 2);
    type(&app, big);
    size_t n = strlen(app.field[KM_FIELD_NOTES]);
    assert_true(n < KM_APP_FIELD_MAX);
    assert_true(n >= KM_APP_FIELD_MAX - 3);
    assert_true(((unsigned char)app.field[KM_FIELD_NOTES][n - 1] >> 6) == 2); /* ends on a whole é */
    app.field[KM_FIELD_NOTES][0] = '\0';
    type(&app, "Twice a day.");

    key_in(&app, KM_KEY_ENTER, false, false);
    assert_false(app.export_open);
    assert_true(app.want_export);
    km_scene s;
    km_app_export_scene(&app, &s);
    assert_non_null(s.title);
    assert_non_null(s.notes);
    assert_string_equal(s.title, "Neck pain");
    assert_string_equal(s.notes, "Twice a day.");
    assert_int_equal(s.hover_muscle, -1);
    km_app_scene(&app, &s); /* the window's own chart shows neither */
    assert_null(s.notes);
    assert_true(logged("export-requested title=yes notes=yes"));
    assert_false(logged("Neck"));
    assert_false(logged("Twice"));
    km_app_release(&app);
}

/* Escape and Cancel export nothing; Clear all and the wipe forget what was
 * typed; with nothing typed the export scene has no title or notes; the
 * kiosk has no dialog. */
static void test_export_dialog_cancel_and_clear(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    press(&app, KM_ACT_EXPORT, 0);
    type(&app, "Low back");
    key_in(&app, KM_KEY_ESCAPE, false, false);
    assert_false(app.export_open);
    assert_false(app.want_export);
    type(&app, "ignored"); /* no dialog: typing goes nowhere */
    assert_string_equal(app.field[KM_FIELD_TITLE], "Low back");
    press(&app, KM_ACT_EXPORT, 0);
    press(&app, KM_ACT_EXPORT_CANCEL, 0);
    assert_false(app.export_open);
    assert_false(app.want_export);

    press(&app, KM_ACT_MODE, KM_MODE_MARK);
    drag_view(&app, BACK, (km_vec2){300, 300}, (km_vec2){400, 400}, 3);
    km_app_action(&app, KM_ACT_CLEAR_MARKS, 0, 0);
    assert_string_equal(app.field[KM_FIELD_TITLE], "");
    km_scene s;
    km_app_export_scene(&app, &s);
    assert_null(s.title);
    assert_null(s.notes);

    press(&app, KM_ACT_EXPORT, 0);
    type(&app, "Jaw");
    key_in(&app, KM_KEY_ENTER, false, false);
    app.want_export = false;
    km_app_action(&app, KM_ACT_CLEAR, 0, 0); /* Explore's Clear all */
    assert_string_equal(app.field[KM_FIELD_TITLE], "");

    press(&app, KM_ACT_EXPORT, 0);
    type(&app, "Headache");
    key_in(&app, KM_KEY_TAB, false, false);
    type(&app, "Since Monday");
    km_app_wipe(&app, "test");
    assert_false(app.export_open);
    assert_string_equal(app.field[KM_FIELD_TITLE], "");
    assert_string_equal(app.field[KM_FIELD_NOTES], "");
    km_app_release(&app);

    km_app kiosk;
    setup(&kiosk, true, NULL);
    km_app_action(&kiosk, KM_ACT_EXPORT, 0, 0);
    assert_false(kiosk.export_open);
    assert_true(kiosk.want_export);
    km_app_release(&kiosk);
}

/* While the host works in the background the app takes input as usual,
 * says "Saving...", refuses a second slow request, and shows the outcome
 * when it arrives as input; an outcome that arrives after the wipe is
 * not shown to the next person. */
static void test_background_task_keeps_input(void **state)
{
    (void)state;
    km_app app;
    setup(&app, false, NULL);
    km_app_task_started(&app, KM_TASK_EXPORT);
    assert_int_equal(app.task, KM_TASK_EXPORT);
    float bx, by;
    assert_false(find_button(&app, KM_ACT_EXPORT, 0, &bx, &by)); /* the button is not enabled ... */
    bool saying = false;
    for (int i = 0; i < app.item_count; i++)
        saying = saying || (app.items[i].action == KM_ACT_EXPORT && app.items[i].text &&
                            strstr(app.items[i].text, "Saving") && !app.items[i].enabled);
    assert_true(saying); /* ... and says "Saving..." */
    assert_string_equal(app.status, ""); /* no status line: the chart keeps its size while it waits */
    assert_int_equal(km_app_next_wake(&app), -1); /* and nothing wakes the loop */
    tap_view(&app, BACK, 700, 150); /* input goes on */
    assert_int_equal(app.sel_count, 1);
    km_app_action(&app, KM_ACT_EXPORT, 0, 0); /* one at a time */
    assert_false(app.export_open);
    assert_false(app.want_export);
    assert_non_null(strstr(app.status, "Still saving"));
    km_app_action(&app, KM_ACT_HANDOUT, KM_HANDOUT_SAVE, 0);
    assert_int_equal(app.want_handout, KM_HANDOUT_NONE);
    uint64_t idle0 = app.last_input_ms;
    now += 5000;
    in(&app, (km_input){.kind = KM_IN_TASK_DONE, .task = KM_TASK_EXPORT, .ok = true, .text = "/tmp/knotmap-x.png"});
    assert_int_equal(app.task, KM_TASK_NONE);
    assert_false(app.status_error);
    assert_string_equal(app.status, "Picture saved to /tmp/knotmap-x.png");
    assert_true(app.last_input_ms == idle0); /* the outcome is not the user's doing: the idle clock goes on */
    press(&app, KM_ACT_EXPORT, 0);
    assert_true(app.export_open); /* free again */
    press(&app, KM_ACT_EXPORT_CANCEL, 0);

    km_app_task_started(&app, KM_TASK_HANDOUT);
    in(&app, (km_input){.kind = KM_IN_TASK_DONE, .task = KM_TASK_HANDOUT, .ok = false, .text = "disk full"});
    assert_true(app.status_error);
    assert_non_null(strstr(app.status, "disk full"));
    km_app_release(&app);

    km_app kiosk;
    setup(&kiosk, true, NULL);
    km_app_task_started(&kiosk, KM_TASK_HANDOFF);
    km_app_wipe(&kiosk, "idle");
    in(&kiosk, (km_input){.kind = KM_IN_TASK_DONE, .task = KM_TASK_HANDOFF, .ok = true, .text = "K7P4QX"});
    assert_int_equal(kiosk.task, KM_TASK_NONE);
    assert_string_equal(kiosk.handoff_code, ""); /* the next patient is not shown the last one's code */
    assert_string_equal(kiosk.status, "");
    km_app_release(&kiosk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tap_selects_then_clears),
        cmocka_unit_test(test_drag_and_long_press_are_not_taps),
        cmocka_unit_test(test_compare_gives_each_its_colour),
        cmocka_unit_test(test_where_ranks_essential_first),
        cmocka_unit_test(test_where_tap_answers_for_its_area),
        cmocka_unit_test(test_drawing_ranks_and_undo_redo),
        cmocka_unit_test(test_second_finger_turns_stroke_into_pinch),
        cmocka_unit_test(test_double_tap_zooms),
        cmocka_unit_test(test_two_finger_pan),
        cmocka_unit_test(test_pins_change_and_remove),
        cmocka_unit_test(test_idle_countdown_and_wipe),
        cmocka_unit_test(test_done_button_wipes),
        cmocka_unit_test(test_forgiving_taps_and_back),
        cmocka_unit_test(test_double_tap_never_taps),
        cmocka_unit_test(test_quit_with_unsaved_marks_asks),
        cmocka_unit_test(test_kiosk_ignores_the_ways_out),
        cmocka_unit_test(test_admin_exit),
        cmocka_unit_test(test_admin_lockout),
        cmocka_unit_test(test_lost_finger_up_still_wipes),
        cmocka_unit_test(test_wipe_clears_memory),
        cmocka_unit_test(test_pictures_have_their_place),
        cmocka_unit_test(test_kiosk_log_has_no_patient_data),
        cmocka_unit_test(test_config_errors_name_file_line_and_key),
        cmocka_unit_test(test_marks_round_trip),
        cmocka_unit_test(test_regress_marks),
        cmocka_unit_test(test_scene_allocates_nothing),
        cmocka_unit_test(test_stretch_hold_timer),
        cmocka_unit_test(test_idle_window_does_not_wake),
        cmocka_unit_test(test_hold_pauses_idle_countdown),
        cmocka_unit_test(test_red_flags),
        cmocka_unit_test(test_export_dialog_typing),
        cmocka_unit_test(test_export_dialog_cancel_and_clear),
        cmocka_unit_test(test_background_task_keeps_input),
        cmocka_unit_test(test_red_flag_bad_ref),
        cmocka_unit_test(test_reload_keeps_selection_by_id),
        cmocka_unit_test(test_timer_with_no_stretch_asserts),
        cmocka_unit_test(test_hit_test_before_any_frame),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
