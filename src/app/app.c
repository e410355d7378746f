/*
 * app.c - the interactive program's state machine (see app.h): input,
 * gestures, modes, selection, marks, zoom, the kiosk's idle countdown and
 * wipe, and its administrator exit.
 *
 * One rule shapes the file: every input goes through km_app_input, and
 * everything it changes sets layout_dirty or redraw, so the platform draws
 * only when something changed and an idle program sleeps.  Gestures are
 * told apart here, not in the platform: a tap is a press that moved less
 * than TAP_SLOP and lasted less than TAP_MS; two fingers down on the body
 * make a pinch (zoom about their midpoint, pan with it); a long press in the
 * top-left corner of a kiosk opens the PIN pad.
 */
#include "app.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/check.h"
#include "../core/drawing.h"
#include "app_internal.h"
#include "logpriv.h"
#include "retention.h"

#define TAP_SLOP 12.0f      /* L: movement that turns a press into a drag */
#define TAP_MS 600          /* a press longer than this is not a tap */
#define DOUBLE_TAP_MS 350
#define DOUBLE_TAP_SLOP 36.0f
#define LONG_PRESS_MS 3000  /* admin gesture */
#define CORNER 80.0f        /* L: size of the admin corner */
#define ZOOM_MAX 6.0f
#define STATUS_MS 8000
#define STATUS_ERROR_MS 20000
#define FINGER 24.0f        /* L: a fingertip's radius: a tap means any muscle this close */

enum { T_NONE = 0, T_UI, T_PANEL, T_DIAGRAM };

static const float brush_radius[3] = {10, 22, 42}; /* view units */

/* ---- logging and status -------------------------------------------- */

void km_app_log(km_app *app, km_log_level level, const char *fmt, ...)
{
    if ((int)level > (int)app->set.log_level || !app->log)
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "%s: ", km_log_level_name(level));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (app->set.kiosk && level < KM_LOG_DEBUG)
        km_log_redact(line + n); /* a kiosk's log holds no patient data (logpriv.h) */
    app->log(app->log_ctx, line);
}

void km_app_status(km_app *app, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->status, sizeof app->status, fmt, ap);
    va_end(ap);
    app->status_error = error;
    app->status_until_ms = app->now_ms + (error ? STATUS_ERROR_MS : STATUS_MS);
    app->layout_dirty = true;
}

static const char *muscle_id(const km_app *app, int m)
{
    return app->atlas && m >= 0 && m < app->atlas->muscle_count ? app->atlas->muscles[m].id : "none";
}

static const char *view_id(const km_app *app, int v)
{
    return app->atlas && v >= 0 && v < app->atlas->view_count ? app->atlas->views[v].id : "none";
}

/* ---- set-up -------------------------------------------------------- */

void km_app_settings_from_config(km_app_settings *s, const km_config *c)
{
    memset(s, 0, sizeof *s);
    s->kiosk = c->kiosk == 1;
    s->idle_timeout_s = c->idle_timeout > 0 ? c->idle_timeout : KM_DEFAULT_IDLE_TIMEOUT;
    s->countdown_s = c->countdown > 0 ? c->countdown : KM_DEFAULT_COUNTDOWN;
    snprintf(s->pin_hash, sizeof s->pin_hash, "%s", c->admin_pin_hash);
    s->export_mode = c->export_mode > 0 ? (unsigned)c->export_mode : KM_DEFAULT_EXPORT_MODE;
    s->retention_days = c->export_retention_days >= 0 ? c->export_retention_days
                        : s->kiosk                    ? KM_DEFAULT_RETENTION_DAYS_KIOSK
                                                      : 0;
    if (!km_pinlock_default_path(s->pin_state_file, sizeof s->pin_state_file))
        s->pin_state_file[0] = '\0';
    s->start_mode = c->start_mode >= 0 ? (km_mode)c->start_mode : (s->kiosk ? KM_MODE_WHERE : KM_MODE_EXPLORE);
    s->log_level = c->log_level >= 0 ? (km_log_level)c->log_level : KM_LOG_WARN;
    snprintf(s->export_dir, sizeof s->export_dir, "%s", c->export_dir);
    snprintf(s->printer, sizeof s->printer, "%s", c->printer);
    snprintf(s->kiosk_printer, sizeof s->kiosk_printer, "%s", c->kiosk_printer);
    snprintf(s->clinic_name, sizeof s->clinic_name, "%s", c->clinic_name);
    snprintf(s->clinic_contact, sizeof s->clinic_contact, "%s", c->clinic_contact);
    snprintf(s->clinic_logo, sizeof s->clinic_logo, "%s", c->clinic_logo);
}

static void reset_views(km_app *app)
{
    for (int i = 0; i < KM_APP_MAX_VIEWS; i++)
        app->xf[i] = (km_view_xform){1, 0, 0};
}

void km_app_init(km_app *app, const km_atlas *atlas, const km_app_settings *set, uint64_t now_ms)
{
    memset(app, 0, sizeof *app);
    app->atlas = atlas;
    app->set = *set;
    if (app->set.idle_timeout_s <= 0)
        app->set.idle_timeout_s = KM_DEFAULT_IDLE_TIMEOUT;
    if (app->set.countdown_s <= 0)
        app->set.countdown_s = KM_DEFAULT_COUNTDOWN;
    app->mode = set->start_mode;
    app->focus = -1;
    app->stretch_timer = -1;
    app->reps_stretch = -1;
    app->open_code = -1;
    app->pin_sel = -1;
    app->hover_muscle = -1;
    app->where_area = -1;
    app->brush = 1;
    app->intensity = 5;
    km_candidates_init(&app->where);
    km_candidates_init(&app->drawn);
    km_history_init(&app->marks);
    reset_views(app);
    app->now_ms = app->last_input_ms = now_ms;
    app->idle = app->set.kiosk ? KM_IDLE_ATTRACT : KM_IDLE_ACTIVE; /* a kiosk greets its first patient too */
    app->ui = 1;
    app->win_w = 1280;
    app->win_h = 800;
    km_app_regions(app);
    app->layout_dirty = app->redraw = true;
    app->shown_second = -1;
    app->shown_hold = -1;
}

void km_app_release(km_app *app)
{
    km_candidates_release(&app->where);
    km_candidates_release(&app->drawn);
    km_drawing_summary_release(&app->drawn_summary);
    km_history_release(&app->marks);
}

void km_app_set_measure(km_app *app, km_measure m)
{
    app->measure = m;
    app->layout_dirty = true;
}

void km_app_set_log(km_app *app, km_log_fn fn, void *ctx)
{
    app->log = fn;
    app->log_ctx = ctx;
}

bool km_app_needs_redraw(const km_app *app) { return app->redraw || app->layout_dirty; }

void km_app_drawn(km_app *app) { app->redraw = false; }

/* ---- selection ----------------------------------------------------- */

static int sel_find(const km_app *app, int muscle, km_side side)
{
    for (int i = 0; i < app->sel_count; i++)
        if (app->sel[i].muscle == muscle && app->sel[i].side == side)
            return i;
    return -1;
}

/* Lowest palette slot no selected muscle uses. */
static int free_color(const km_app *app)
{
    for (int c = 0; c < KM_SCENE_MAX_SELECTED; c++) {
        bool used = false;
        for (int i = 0; i < app->sel_count; i++)
            used |= app->sel[i].color == c;
        if (!used)
            return c;
    }
    return 0;
}

static void sel_remove(km_app *app, int i)
{
    if (i < 0 || i >= app->sel_count)
        return;
    km_app_log(app, KM_LOG_INFO, "deselect muscle=%s side=%s", muscle_id(app, app->sel[i].muscle),
               km_side_name(app->sel[i].side));
    memmove(&app->sel[i], &app->sel[i + 1], (size_t)(app->sel_count - i - 1) * sizeof app->sel[0]);
    app->sel_count--;
    if (app->focus >= app->sel_count || app->focus == i)
        app->focus = app->sel_count - 1;
    else if (app->focus > i)
        app->focus--;
    app->layout_dirty = true;
}

static void sel_clear(km_app *app)
{
    if (app->sel_count > 0)
        km_app_log(app, KM_LOG_INFO, "clear-selection");
    app->sel_count = 0;
    app->focus = -1;
    app->stretch_timer = -1;
    app->layout_dirty = true;
}

/* Select a muscle instance (from a tap on view `where`, or "list"). */
static void sel_add(km_app *app, int muscle, km_side side, const char *where)
{
    if (!app->atlas || muscle < 0 || muscle >= app->atlas->muscle_count)
        return;
    int i = sel_find(app, muscle, side);
    if (!app->compare && i < 0)
        app->sel_count = 0, app->focus = -1, app->stretch_timer = -1;
    if (i < 0) {
        if (app->sel_count >= KM_SCENE_MAX_SELECTED) {
            km_app_status(app, true, "You can compare up to %d muscles. Remove one first.", KM_SCENE_MAX_SELECTED);
            return;
        }
        i = app->sel_count++;
        app->sel[i] = (km_scene_sel){muscle, side, 0};
        app->sel[i].color = -1;
        app->sel[i].color = free_color(app);
    }
    app->focus = i;
    app->scroll = 0;
    app->layout_dirty = true;
    km_app_log(app, KM_LOG_INFO, "select muscle=%s side=%s view=%s", muscle_id(app, muscle), km_side_name(side),
               where);
}

/* ---- Back: earlier selections -------------------------------------- */

/* Remember the selection before a change, so Back can bring it back. */
static void back_push(km_app *app)
{
    if (app->back_count == KM_APP_BACK_MAX) {
        memmove(&app->back[0], &app->back[1], (KM_APP_BACK_MAX - 1) * sizeof app->back[0]);
        app->back_count--;
        if (app->tap_back_depth > 0)
            app->tap_back_depth--;
    }
    km_app_undo *u = &app->back[app->back_count++];
    memcpy(u->sel, app->sel, sizeof u->sel);
    u->sel_count = app->sel_count;
    u->focus = app->focus;
    u->where_set = app->where_set;
    u->where_view = app->where_view;
    u->where_pt = app->where_pt;
    u->open_details = app->open_details;
    u->detail_side = app->detail_side;
}

static void where_lookup(km_app *app, int view, km_vec2 p);
static void clamp_scroll(km_app *app);
static void tap_diagram_mode(km_app *app, int view, km_vec2 p, float x, float y);

/* Bring back the last remembered selection; false when there is none. */
static bool back_pop(km_app *app)
{
    if (app->back_count == 0)
        return false;
    const km_app_undo *u = &app->back[--app->back_count];
    memcpy(app->sel, u->sel, sizeof app->sel);
    app->sel_count = u->sel_count;
    app->focus = u->focus;
    app->open_details = u->open_details;
    app->detail_side = u->detail_side;
    app->stretch_timer = -1;
    if (u->where_set && app->atlas)
        where_lookup(app, u->where_view, u->where_pt);
    else {
        app->where_set = false;
        app->where.count = 0;
        app->where_area = -1;
        app->where_flag_count = 0;
        app->where_shown.n = 0;
    }
    app->scroll = 0;
    app->layout_dirty = app->redraw = true;
    return true;
}

/* ---- views and zoom ------------------------------------------------ */

void km_app_chart(const km_app *app, km_layout *L)
{
    KM_ASSERT(app && L);
    memset(L, 0, sizeof *L);
    if (!app->atlas)
        return;
    km_scene s;
    km_app_scene(app, &s);
    km_layout_compute(L, &s, app->diagram);
}

static bool rect_has(km_rect r, float x, float y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

/* The chart as laid out now (the UI laid out first: it sets the diagram's
 * rect). */
static void chart_now(km_app *app, km_layout *L)
{
    km_app_layout(app);
    km_app_chart(app, L);
}

/* The view and view point under a window point, if any. */
static bool diagram_hit(km_app *app, float x, float y, int *view, km_vec2 *p)
{
    if (!app->atlas || !rect_has(app->diagram, x, y))
        return false;
    km_layout L;
    chart_now(app, &L);
    int i = km_layout_hit(&L, x, y, p);
    if (i < 0)
        return false;
    *view = L.v[i].view;
    return true;
}

static void view_changed(km_app *app)
{
    app->redraw = true;
    app->layout_dirty = true; /* the reset button's state */
}

/* Zoom one view by factor about window point (sx, sy), keeping the view
 * point under it in place: the layout's own arithmetic. */
static void zoom_at(km_app *app, int view, float sx, float sy, float factor)
{
    km_layout L;
    chart_now(app, &L);
    int i = km_layout_find(&L, view);
    if (i < 0 || view >= KM_APP_MAX_VIEWS)
        return;
    app->xf[view] = km_layout_zoom_at(&L, i, app->xf[view], sx, sy, factor, ZOOM_MAX);
    view_changed(app);
}

static void pan_by(km_app *app, int view, float dx, float dy)
{
    km_layout L;
    chart_now(app, &L);
    int i = km_layout_find(&L, view);
    if (i < 0 || view >= KM_APP_MAX_VIEWS)
        return;
    app->xf[view] = km_layout_pan_by(&L, i, app->xf[view], dx, dy);
    view_changed(app); /* the debug log's "place" line follows a pan too */
}

static bool zoomed(const km_app *app)
{
    for (int i = 0; i < KM_APP_MAX_VIEWS; i++)
        if (app->xf[i].zoom != 1 || app->xf[i].pan_x != 0 || app->xf[i].pan_y != 0)
            return true;
    return false;
}

bool km_app_is_zoomed(const km_app *app) { return zoomed(app); }

static void zoom_reset(km_app *app)
{
    reset_views(app);
    app->redraw = app->layout_dirty = true;
}

/* ---- red flags ----------------------------------------------------- */

/* Set a list of red flags, logging each that was not already shown (the
 * area only at debug: where a patient hurts is theirs). */
static void flags_set(km_app *app, int *list, int *count, const int *areas, int n)
{
    int now[KM_APP_MAX_FLAGS];
    int k = km_atlas_red_flags(app->atlas, areas, n, now, KM_APP_MAX_FLAGS);
    for (int i = 0; i < k; i++) {
        bool shown = false;
        for (int j = 0; j < *count; j++)
            shown |= list[j] == now[i];
        if (!shown) {
            km_app_log(app, KM_LOG_INFO, "red-flag id=%s", app->atlas->red_flags[now[i]].id);
            for (int a = 0; a < n; a++)
                km_app_log(app, KM_LOG_DEBUG, "red-flag id=%s area=%s", app->atlas->red_flags[now[i]].id,
                           app->atlas->areas[areas[a]].id);
        }
    }
    memcpy(list, now, (size_t)k * sizeof now[0]);
    *count = k;
}

/* The areas under the visible marks, each once (at most max). */
static int marked_areas(const km_app *app, int *out, int max)
{
    int n = 0, ns, np;
    const km_stroke *st = km_history_strokes(&app->marks, &ns);
    const km_pin *pins = km_history_pins(&app->marks, &np);
    for (int i = 0; i < ns + np && n < max; i++) {
        bool erase = i < ns && st[i].erase;
        int count = i < ns ? st[i].count : 1;
        for (int j = 0; !erase && j < count && n < max; j++) {
            int view = i < ns ? st[i].view : pins[i - ns].view;
            km_vec2 p = i < ns ? st[i].pts[j] : pins[i - ns].at;
            int a = km_lookup_area_at(app->atlas, view, p);
            bool seen = a < 0;
            for (int k = 0; k < n && !seen; k++)
                seen = out[k] == a;
            if (!seen)
                out[n++] = a;
        }
    }
    return n;
}

static void drawn_flags(km_app *app)
{
    int areas[64];
    int n = app->atlas ? marked_areas(app, areas, 64) : 0;
    if (app->atlas)
        flags_set(app, app->drawn_flags, &app->drawn_flag_count, areas, n);
    else
        app->drawn_flag_count = 0;
}

/* ---- ranking from the drawing -------------------------------------- */

int km_app_shown_color(const km_app_shown *sh, int muscle, km_side side)
{
    for (int i = 0; i < sh->n; i++)
        if (sh->s[i].muscle == muscle && sh->s[i].side == side)
            return sh->s[i].color;
    return -1;
}

/* The new top three on the chart: those already there keep their colour,
 * newcomers take the free ones. */
static void keep_colors(km_app_shown *sh, const km_candidates *c)
{
    km_app_shown next = {.n = 0};
    bool used[3] = {false, false, false};
    for (int i = 0; i < c->count && next.n < 3; i++) {
        int col = km_app_shown_color(sh, c->items[i].muscle, c->items[i].side);
        next.s[next.n++] = (km_scene_sel){c->items[i].muscle, c->items[i].side, col};
        if (col >= 0 && col < 3)
            used[col] = true;
    }
    for (int i = 0; i < next.n; i++)
        if (next.s[i].color < 0)
            for (int k = 0; k < 3; k++)
                if (!used[k]) {
                    next.s[i].color = k, used[k] = true;
                    break;
                }
    *sh = next;
}

/* The Mark pain list: the drawing's candidates as core ranks them for
 * every reader (km_drawing_rank: main zone first, then by how much of the
 * drawing each covers, pins weighted by pain level, so the order never
 * contradicts the percentages shown), and the drawing measured. */
static void rank_drawing(km_app *app)
{
    app->layout_dirty = app->redraw = true;
    drawn_flags(app);
    if (!app->atlas)
        return;
    int ns, np;
    const km_stroke *st = km_history_strokes(&app->marks, &ns);
    const km_pin *pins = km_history_pins(&app->marks, &np);
    if (!km_drawing_rank(app->atlas, st, ns, pins, np, &app->drawn)) {
        km_app_status(app, true, "Out of memory while ranking the drawing.");
        app->drawn.count = 0;
    }
    keep_colors(&app->drawn_shown, &app->drawn);
    /* the drawing measured, for the panel (the marks file and the handout
     * measure it themselves) */
    km_drawing_summary_release(&app->drawn_summary);
    if (ns + np > 0)
        km_drawing_summarise(app->atlas, st, ns, pins, np, &app->drawn_summary);
    if (app->drawn.count > 0)
        km_app_log(app, KM_LOG_INFO, "candidates source=drawing count=%d top=%s", app->drawn.count,
                   muscle_id(app, app->drawn.items[0].muscle));
}

/* ---- taps on the body ---------------------------------------------- */

/* Select (or, tapped again, remove) one muscle instance, remembering the
 * selection before for Back. */
static void explore_choose(km_app *app, int m, km_side side, int view)
{
    back_push(app);
    int i = sel_find(app, m, side);
    if (i >= 0 && (i == app->focus || !app->compare)) {
        sel_remove(app, i);
        return;
    }
    sel_add(app, m, side, view_id(app, view));
}

/* The side a view shows: a close-up's one side (its left is its picture
 * mirrored, where the left instances are), else MIDLINE (both sides). */
static km_side view_side_shown(km_app *app, int view)
{
    km_layout L;
    chart_now(app, &L);
    int i = km_layout_find(&L, view);
    return i >= 0 ? L.v[i].side : KM_SIDE_MIDLINE;
}

/* The finger's radius in a view's units at its current scale and zoom. */
static float finger_units(km_app *app, int view)
{
    km_layout L;
    chart_now(app, &L);
    int i = km_layout_find(&L, view);
    float scale = i >= 0 && L.v[i].xf.scale > 0 ? L.v[i].xf.scale : 1;
    return FINGER * app->ui / scale;
}

/* A tap in Explore: the muscle plainly meant, or a "Which one did you
 * mean?" choice when several are within a finger's reach.  Empty space
 * clears a single selection (Back brings it back) and does nothing while
 * comparing, where it would throw away several choices. */
static void tap_explore(km_app *app, int view, km_vec2 p, float x, float y)
{
    float r = finger_units(app, view);
    km_reach near[KM_REACH_MAX];
    int n = km_reach_find(app->atlas, view, p, r, app->show_deep, false, near, KM_REACH_MAX);
    km_side shown = view_side_shown(app, view);
    for (int i = 0; i < n;) /* a close-up shows one side: the other's mirrored shapes are not there */
        if (shown != KM_SIDE_MIDLINE && near[i].side != KM_SIDE_MIDLINE && near[i].side != shown)
            memmove(&near[i], &near[i + 1], (size_t)(--n - i) * sizeof near[0]);
        else
            i++;
    int k = km_reach_pick(near, n, r);
    if (n == 0) {
        if (app->compare || app->sel_count == 0)
            return;
        back_push(app);
        sel_clear(app);
        return;
    }
    if (k >= 0) {
        explore_choose(app, near[k].muscle, near[k].side, view);
        return;
    }
    memcpy(app->pick, near, (size_t)n * sizeof near[0]);
    app->pick_count = n;
    app->pick_logged = false;
    app->pick_view = view;
    app->pick_x = x;
    app->pick_y = y;
    app->layout_dirty = true;
    km_app_log(app, KM_LOG_INFO, "pick view=%s choices=%d", view_id(app, view), n);
}

/* A finger is wider than a referral zone's edge and a patient means "it
 * hurts around here": a tap is answered for the body area under it (the
 * narrowest one), ranked by how much of that area each zone covers, and
 * only where the tap is on no area, for the point itself. */
static void where_lookup(km_app *app, int view, km_vec2 p)
{
    km_side side = view_side_shown(app, view);
    int area = km_lookup_area_at_side(app->atlas, view, p, side);
    bool ok = area >= 0 ? km_lookup_area(app->atlas, area, &app->where)
                        : km_lookup_point_side(app->atlas, view, p, side, &app->where);
    if (!ok) {
        km_app_status(app, true, "Out of memory while looking up candidates.");
        return;
    }
    app->where_set = true;
    app->where_view = view;
    app->where_pt = p;
    app->where_area = area;
    flags_set(app, app->where_flags, &app->where_flag_count, &area, area >= 0 ? 1 : 0);
    keep_colors(&app->where_shown, &app->where);
    app->scroll = 0;
    app->layout_dirty = true;
    km_app_log(app, KM_LOG_INFO, "where view=%s x=%.0f y=%.0f area=%s candidates=%d top=%s", view_id(app, view),
               p.x, p.y, app->where_area >= 0 ? app->atlas->areas[app->where_area].id : "none", app->where.count,
               app->where.count ? muscle_id(app, app->where.items[0].muscle) : "none");
}

/* The visible pin on view nearest p within a finger's reach, or -1. */
static int pin_near(km_app *app, int view, km_vec2 p)
{
    int np, best = -1;
    const km_pin *pins = km_history_pins(&app->marks, &np);
    float r = finger_units(app, view), bd = r;
    for (int i = 0; i < np; i++) {
        float d = hypotf(pins[i].at.x - p.x, pins[i].at.y - p.y);
        if (pins[i].view == view && d <= bd)
            best = i, bd = d;
    }
    return best;
}

/* Change or remove the selected pin (one undoable action). */
static void pin_change(km_app *app, int delta, bool remove)
{
    int np;
    const km_pin *pins = km_history_pins(&app->marks, &np);
    if (app->pin_sel < 0 || app->pin_sel >= np)
        return;
    int level = remove ? -1 : pins[app->pin_sel].intensity + delta;
    level = remove ? -1 : level < 0 ? 0 : level > 10 ? 10 : level;
    if (!km_history_pin_edit(&app->marks, app->pin_sel, level)) {
        km_app_status(app, true, "This pin cannot be changed: the drawing is full. Clear it to start again.");
        return;
    }
    km_app_log(app, KM_LOG_INFO, remove ? "pin remove" : "pin change intensity=%d", level);
    if (remove)
        app->pin_sel = -1;
    app->marks_dirty = true;
    rank_drawing(app);
}

static void tap_where(km_app *app, int view, km_vec2 p)
{
    back_push(app);
    where_lookup(app, view, p);
}

/* A tap on the head, a hand or a foot of a body view opens its close-up
 * (the close-up's "opens_from" in the data) for the side tapped, after the
 * tap's own answer; one Back takes back both.  depth: the Back stack's
 * height before the tap. */
static void open_closeup(km_app *app, int view, km_vec2 p, int depth)
{
    if (app->atlas->views[view].kind != KM_VIEW_BODY)
        return;
    int area = km_lookup_area_at_side(app->atlas, view, p, KM_SIDE_MIDLINE);
    int d = km_atlas_closeup_for_area(app->atlas, area);
    if (d < 0 || d >= 32)
        return;
    km_side side = app->atlas->areas[area].side == KM_SIDE_LEFT ? KM_SIDE_LEFT : KM_SIDE_RIGHT;
    if ((app->open_details >> d & 1u) && app->detail_side == side)
        return;
    if (app->back_count == depth) /* the tap changed nothing else: remember the close-ups before it */
        back_push(app);
    app->open_details |= 1u << d;
    app->detail_side = side;
    app->layout_dirty = app->redraw = true;
    km_app_log(app, KM_LOG_INFO, "closeup open");
    km_app_log(app, KM_LOG_DEBUG, "closeup view=%s side=%s", view_id(app, d), km_side_name(side));
}

static void tap_diagram(km_app *app, int view, km_vec2 p, float x, float y)
{
    int depth = app->back_count;
    if (app->mode != KM_MODE_MARK) {
        tap_diagram_mode(app, view, p, x, y);
        open_closeup(app, view, p, depth);
        return;
    }
    tap_diagram_mode(app, view, p, x, y);
}

static void tap_diagram_mode(km_app *app, int view, km_vec2 p, float x, float y)
{
    switch (app->mode) {
    case KM_MODE_WHERE: tap_where(app, view, p); break;
    case KM_MODE_MARK:
        if (app->tool == KM_TOOL_PIN) {
            int near = pin_near(app, view, p);
            if (near >= 0) { /* a pin already there: select it, never a second one on top */
                app->pin_sel = near;
                app->layout_dirty = app->redraw = true;
                km_app_log(app, KM_LOG_INFO, "pin select");
            } else if (km_history_pin(&app->marks, view, p, app->intensity)) {
                int np;
                km_history_pins(&app->marks, &np);
                app->pin_sel = np - 1; /* the new pin, ready to adjust */
                app->marks_dirty = true;
                km_app_log(app, KM_LOG_INFO, "mark pin view=%s x=%.0f y=%.0f intensity=%d", view_id(app, view), p.x,
                           p.y, app->intensity);
                rank_drawing(app);
            } else
                km_app_status(app, true, "No more pins can be added (at most %d).", KM_MARKS_MAX_PINS);
        }
        break;
    case KM_MODE_LIST:
    case KM_MODE_LEARN:
        app->mode = KM_MODE_EXPLORE;
        km_app_log(app, KM_LOG_INFO, "mode %s", km_mode_name(app->mode));
        tap_explore(app, view, p, x, y);
        break;
    default: tap_explore(app, view, p, x, y); break;
    }
}

/* ---- actions (buttons) --------------------------------------------- */

static void set_mode(km_app *app, km_mode m)
{
    if (m < 0 || m >= KM_MODE_COUNT)
        return;
    if (m != app->mode)
        km_app_log(app, KM_LOG_INFO, "mode %s", km_mode_name(m));
    app->mode = m;
    app->scroll = 0;
    app->layout_dirty = true;
}

/* Keep the PIN lockout across restarts (pinlock.h): the host writes it. */
static void pinlock_store(km_app *app) { app->want_save_pinlock = app->set.pin_state_file[0] != '\0'; }

static void pin_wrong(km_app *app)
{
    int locked = km_pinlock_wrong(&app->pinlock, app->now_ms);
    km_app_log(app, KM_LOG_WARN, "admin-pin-wrong failures=%d", locked ? KM_PINLOCK_TRIES : app->pinlock.failures);
    if (locked) {
        km_app_log(app, KM_LOG_WARN, "admin-locked seconds=%d", locked);
        app->pin_open = false; /* the gesture stays locked for that long */
        app->pin_note[0] = '\0';
        km_app_status(app, true, "Wrong PIN. The administrator exit is locked for %d seconds.", locked);
    } else {
        int left = km_pinlock_tries_left(&app->pinlock);
        snprintf(app->pin_note, sizeof app->pin_note, "Wrong PIN. %d %s left.", left, left == 1 ? "try" : "tries");
        km_app_status(app, true, "Wrong PIN.");
    }
    pinlock_store(app);
}

static void pin_action(km_app *app, km_action act, int arg)
{
    if (act == KM_ACT_PIN_DIGIT && app->pin_len < KM_PIN_MAX) {
        app->pin_entry[app->pin_len++] = (char)('0' + arg);
        app->pin_entry[app->pin_len] = '\0';
    } else if (act == KM_ACT_PIN_BACK && app->pin_len > 0) {
        app->pin_entry[--app->pin_len] = '\0';
    } else if (act == KM_ACT_PIN_CANCEL) {
        app->pin_open = false;
        km_app_log(app, KM_LOG_INFO, "admin-cancel");
    } else if (act == KM_ACT_PIN_OK) {
        if (app->set.pin_hash[0] && km_pin_verify(app->pin_entry, app->set.pin_hash)) {
            km_app_log(app, KM_LOG_INFO, "admin-exit");
            km_pinlock_right(&app->pinlock);
            pinlock_store(app);
            app->want_quit = true;
        } else {
            pin_wrong(app);
        }
        memset(app->pin_entry, 0, sizeof app->pin_entry);
        app->pin_len = 0;
    }
    app->layout_dirty = true;
}

static int marks_shown(const km_app *app)
{
    int ns, np;
    km_history_strokes(&app->marks, &ns);
    km_history_pins(&app->marks, &np);
    return ns + np;
}

/* Anything of this patient's that Done would throw away. */
static bool has_work(const km_app *app)
{
    return app->sel_count > 0 || app->where_set || marks_shown(app) > 0;
}

/* The answer to the open question (Start over? / Quit without saving?). */
/* ---- background requests and the export dialog ----------------------- */

/* A slow request is being carried out: the app asks for no other (one
 * export at a time) and says so. */
static bool busy(km_app *app)
{
    if (app->task == KM_TASK_NONE)
        return false;
    km_app_status(app, false, app->set.kiosk ? "Still sending your drawing. One moment, please."
                                             : "Still saving. One moment, please.");
    return true;
}

/* The title and notes forgotten (health data: Clear all, the wipe). */
static void fields_clear(km_app *app)
{
    memset(app->field, 0, sizeof app->field);
    app->field_focus = KM_FIELD_TITLE;
    app->export_open = false;
}

void km_app_task_started(km_app *app, km_task task)
{
    app->task = task;
    app->layout_dirty = app->redraw = true; /* the button that asked reads "Saving..." (ui.c) */
    km_app_log(app, KM_LOG_DEBUG, "task-started task=%d", (int)task);
}

static void task_done(km_app *app, const km_input *in)
{
    km_task t = app->task;
    app->task = KM_TASK_NONE;
    if (app->task_wiped) { /* the patient it was for is gone: log it, show nothing */
        app->task_wiped = false;
        km_app_log(app, in->ok ? KM_LOG_INFO : KM_LOG_WARN, "task-done-after-wipe task=%d ok=%s", (int)t,
                   in->ok ? "yes" : "no");
        return;
    }
    const char *what = in->text ? in->text : "";
    switch (t != KM_TASK_NONE ? t : in->task) {
    case KM_TASK_EXPORT: km_app_export_done(app, in->ok, what); break;
    case KM_TASK_HANDOFF: km_app_handoff_done(app, in->ok, what); break;
    case KM_TASK_HANDOUT: km_app_handout_done(app, in->ok, what); break;
    default: break;
    }
    app->layout_dirty = app->redraw = true;
}

void km_app_export_scene(const km_app *app, km_scene *s)
{
    km_app_scene(app, s);
    s->hover_muscle = -1; /* the mouse is not part of the picture */
    s->title = km_app_title(app);
    s->notes = km_app_notes(app);
}

const char *km_app_title(const km_app *app)
{
    return app->field[KM_FIELD_TITLE][0] ? app->field[KM_FIELD_TITLE] : NULL;
}

const char *km_app_notes(const km_app *app)
{
    return app->field[KM_FIELD_NOTES][0] ? app->field[KM_FIELD_NOTES] : NULL;
}

/* Typed text into the field with the caret: whole UTF-8 characters that
 * fit, control characters left out. */
static void field_type(km_app *app, const char *t)
{
    char *f = app->field[app->field_focus];
    size_t n = strlen(f);
    while (t && *t) {
        unsigned char c = (unsigned char)*t;
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        bool whole = true;
        for (size_t k = 1; k < len; k++)
            whole = whole && ((unsigned char)t[k] >> 6) == 2;
        if (!whole) { /* a broken sequence: skip its first byte */
            t++;
            continue;
        }
        if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xc0)) {
            if (n + len >= KM_APP_FIELD_MAX)
                break; /* full: the rest is not typed */
            memcpy(f + n, t, len);
            n += len;
            f[n] = '\0';
        }
        t += len;
    }
    app->layout_dirty = app->redraw = true;
}

/* Backspace: the last UTF-8 character of the field with the caret. */
static void field_backspace(km_app *app)
{
    char *f = app->field[app->field_focus];
    size_t n = strlen(f);
    while (n > 0 && ((unsigned char)f[n - 1] >> 6) == 2) /* continuation bytes */
        n--;
    if (n > 0)
        n--;
    f[n] = '\0';
    app->layout_dirty = app->redraw = true;
}

/* Keys in the export dialog: Enter exports, Escape cancels, Tab moves to
 * the other field, Backspace deletes a character; the rest is typing
 * (KM_IN_TEXT) and does nothing here. */
static void dialog_key(km_app *app, const km_input *in)
{
    switch (in->key) {
    case KM_KEY_ENTER: km_app_action(app, KM_ACT_EXPORT_GO, 0, 0); break;
    case KM_KEY_ESCAPE: km_app_action(app, KM_ACT_EXPORT_CANCEL, 0, 0); break;
    case KM_KEY_TAB:
        app->field_focus = (app->field_focus + (in->shift ? KM_FIELD_COUNT - 1 : 1)) % KM_FIELD_COUNT;
        app->layout_dirty = app->redraw = true;
        break;
    case KM_KEY_BACKSPACE: field_backspace(app); break;
    default: break;
    }
}

static void confirm_answer(km_app *app, int answer)
{
    km_action asked = app->confirm;
    app->confirm = KM_ACT_NONE;
    km_app_log(app, KM_LOG_INFO, "confirm %s answer=%s", asked == KM_ACT_DONE ? "start-over" : "quit",
               answer == 1 ? "yes" : answer == 2 ? "save" : "no");
    if (answer == 1 && asked == KM_ACT_DONE)
        km_app_wipe(app, "done");
    else if (answer == 1 && asked == KM_ACT_QUIT)
        app->want_quit = true;
    else if (answer == 2 && asked == KM_ACT_QUIT)
        app->want_save_marks = true;
}

/* A choice in "Which one did you mean?". */
static void pick_choose(km_app *app, int i)
{
    if (i < 0 || i >= app->pick_count)
        return;
    km_reach r = app->pick[i];
    app->pick_count = 0;
    explore_choose(app, r.muscle, r.side, app->pick_view);
}

void km_app_action(km_app *app, km_action act, int arg, int arg2)
{
    app->layout_dirty = app->redraw = true;
    switch (act) {
    case KM_ACT_NONE: break;
    case KM_ACT_MODE: set_mode(app, (km_mode)arg); break;
    case KM_ACT_SELECT:
        if (app->mode != KM_MODE_EXPLORE)
            set_mode(app, KM_MODE_EXPLORE);
        back_push(app);
        sel_add(app, arg, (km_side)arg2, "panel");
        break;
    case KM_ACT_UNSELECT:
        back_push(app);
        sel_remove(app, arg);
        break;
    case KM_ACT_FOCUS:
        if (arg >= 0 && arg < app->sel_count)
            app->focus = arg, app->scroll = 0;
        break;
    case KM_ACT_SIDE:
        if (app->focus >= 0 && sel_find(app, app->sel[app->focus].muscle, (km_side)arg) < 0) {
            app->sel[app->focus].side = (km_side)arg;
            km_app_log(app, KM_LOG_INFO, "select muscle=%s side=%s view=panel",
                       muscle_id(app, app->sel[app->focus].muscle), km_side_name((km_side)arg));
        }
        break;
    case KM_ACT_CLEAR: /* Explore's Clear all: the typed title and notes go too */
        back_push(app);
        sel_clear(app);
        fields_clear(app);
        break;
    case KM_ACT_STATUS_CLOSE:
        app->status[0] = '\0';
        app->layout_dirty = app->redraw = true;
        break;
    case KM_ACT_CLOSE_DETAIL:
        if (arg >= 0 && arg < 32 && (app->open_details >> arg & 1u)) {
            back_push(app);
            app->open_details &= ~(1u << arg);
            app->layout_dirty = app->redraw = true;
            km_app_log(app, KM_LOG_INFO, "closeup close");
        }
        break;
    case KM_ACT_BACK:
        if (back_pop(app))
            km_app_log(app, KM_LOG_INFO, "back selected=%d", app->sel_count);
        break;
    case KM_ACT_PICK: pick_choose(app, arg); break;
    case KM_ACT_PICK_CANCEL:
        app->pick_count = 0;
        km_app_log(app, KM_LOG_INFO, "pick cancel");
        break;
    case KM_ACT_CONFIRM: confirm_answer(app, arg); break;
    case KM_ACT_HANDOFF:
        if (busy(app))
            break;
        if (!has_work(app)) { /* nothing to send: say what to do instead */
            km_app_status(app, false, "Nothing to send yet. Tap or draw where it hurts first.");
            break;
        }
        app->want_handoff = true;
        km_app_log(app, KM_LOG_DEBUG, "handoff-requested");
        break;
    case KM_ACT_HANDOFF_CLOSE: app->handoff_code[0] = '\0'; break;
    case KM_ACT_PATIENTS:
        app->inbox_open = arg != 0 && !app->set.kiosk;
        app->want_inbox = app->inbox_open;
        break;
    case KM_ACT_PIN_LEVEL: pin_change(app, arg, false); break;
    case KM_ACT_PIN_DELETE: pin_change(app, 0, true); break;
    case KM_ACT_SCROLL:
        app->scroll += arg * app->panel.h * 4 / 5;
        clamp_scroll(app);
        break;
    case KM_ACT_OPEN_CODE:
        if (arg >= 0 && arg < app->inbox_count)
            app->open_code = arg;
        app->inbox_open = false;
        break;
    case KM_ACT_COMPARE:
        app->compare = !app->compare;
        km_app_log(app, KM_LOG_INFO, "compare %s", app->compare ? "on" : "off");
        break;
    case KM_ACT_DEEP:
        app->show_deep = !app->show_deep;
        km_app_log(app, KM_LOG_INFO, "layer deep=%s", app->show_deep ? "on" : "off");
        break;
    case KM_ACT_ZOOM_RESET:
        zoom_reset(app);
        km_app_log(app, KM_LOG_INFO, "zoom-reset");
        break;
    case KM_ACT_EXPORT:
        if (busy(app))
            break;
        if (!app->set.kiosk) { /* the desktop asks for a title and notes first */
            app->export_open = true;
            app->field_focus = KM_FIELD_TITLE;
            km_app_log(app, KM_LOG_DEBUG, "export-dialog open");
            break;
        }
        app->want_export = true;
        km_app_log(app, KM_LOG_DEBUG, "export-requested");
        break;
    case KM_ACT_EXPORT_GO:
        app->export_open = false;
        if (busy(app))
            break;
        app->want_export = true;
        /* whether there is a title or notes, never what they say */
        km_app_log(app, KM_LOG_DEBUG, "export-requested title=%s notes=%s", km_app_title(app) ? "yes" : "no",
                   km_app_notes(app) ? "yes" : "no");
        break;
    case KM_ACT_EXPORT_CANCEL:
        app->export_open = false;
        km_app_log(app, KM_LOG_DEBUG, "export-dialog cancel");
        break;
    case KM_ACT_FIELD:
        if (arg >= 0 && arg < KM_FIELD_COUNT)
            app->field_focus = arg;
        break;
    case KM_ACT_SAVE_MARKS:
        app->want_save_marks = true;
        km_app_log(app, KM_LOG_DEBUG, "save-marks-requested");
        break;
    case KM_ACT_HANDOUT:
        if (busy(app))
            break;
        /* A kiosk saves nothing on its disk for a patient and prints only
         * to its own printer. */
        if (arg == KM_HANDOUT_PRINT ? km_app_can_print(app) : (arg == KM_HANDOUT_SAVE && !app->set.kiosk))
            app->want_handout = arg;
        km_app_log(app, KM_LOG_DEBUG, "handout-requested what=%s", arg == KM_HANDOUT_PRINT ? "print" : "save");
        break;
    case KM_ACT_DONE:
        if (has_work(app))
            app->confirm = KM_ACT_DONE; /* "Start over? Your marks will be cleared" */
        else
            km_app_wipe(app, "done");
        break;
    case KM_ACT_TOOL:
        app->tool = (km_tool)arg;
        app->pin_sel = -1;
        km_app_log(app, KM_LOG_INFO, "tool %s", arg == KM_TOOL_PIN ? "pin" : arg == KM_TOOL_ERASER ? "eraser" : "brush");
        break;
    case KM_ACT_BRUSH: app->brush = arg < 0 ? 0 : arg > 2 ? 2 : arg; break;
    case KM_ACT_INTENSITY:
        app->intensity += arg;
        app->intensity = app->intensity < 0 ? 0 : app->intensity > 10 ? 10 : app->intensity;
        break;
    case KM_ACT_UNDO:
        if (km_history_undo(&app->marks)) {
            app->marks_dirty = true;
            app->pin_sel = -1;
            km_app_log(app, KM_LOG_INFO, "undo");
            rank_drawing(app);
        }
        break;
    case KM_ACT_REDO:
        if (km_history_redo(&app->marks)) {
            app->marks_dirty = true;
            app->pin_sel = -1;
            km_app_log(app, KM_LOG_INFO, "redo");
            rank_drawing(app);
        }
        break;
    case KM_ACT_CLEAR_MARKS:
        if (km_history_clear(&app->marks)) {
            app->marks_dirty = true;
            app->pin_sel = -1;
            km_app_log(app, KM_LOG_INFO, "clear-marks");
            km_app_status(app, false, "Marks cleared. Undo brings them back.");
            rank_drawing(app);
            fields_clear(app);
        }
        break;
    case KM_ACT_TIMER:
        /* Only a stretch card's button asks for a timer, with its stretch. */
        KM_ASSERT(app->atlas && arg >= 0 && arg < app->atlas->stretch_count);
        if (!app->atlas || arg < 0 || arg >= app->atlas->stretch_count)
            break;
        if (app->stretch_timer == arg) {
            app->stretch_timer = -1;
            app->hold_until_ms = app->now_ms;
            km_app_log(app, KM_LOG_INFO, "timer stop stretch=%s", app->atlas->stretches[arg].id);
        } else {
            if (app->reps_stretch != arg || app->reps_done >= app->atlas->stretches[arg].repetitions)
                app->reps_stretch = arg, app->reps_done = 0;
            app->stretch_timer = arg;
            app->timer_end_ms = app->now_ms + (uint64_t)app->atlas->stretches[arg].hold_seconds * 1000;
            app->hold_until_ms = app->timer_end_ms; /* a patient holding a stretch is not idle */
            km_app_log(app, KM_LOG_INFO, "timer start stretch=%s seconds=%d", app->atlas->stretches[arg].id,
                       app->atlas->stretches[arg].hold_seconds);
        }
        break;
    case KM_ACT_ATTRACT:
        app->idle = KM_IDLE_ACTIVE;
        km_app_log(app, KM_LOG_INFO, "attract-dismiss");
        break;
    case KM_ACT_PIN_DIGIT:
    case KM_ACT_PIN_BACK:
    case KM_ACT_PIN_OK:
    case KM_ACT_PIN_CANCEL: pin_action(app, act, arg); break;
    case KM_ACT_QUIT:
        if (!app->set.kiosk && app->marks_dirty && marks_shown(app) > 0 && app->confirm != KM_ACT_QUIT) {
            app->confirm = KM_ACT_QUIT; /* "Quit without saving your marks?" */
            km_app_log(app, KM_LOG_INFO, "quit-asked unsaved-marks=yes");
        } else if (!app->set.kiosk) {
            km_app_log(app, KM_LOG_INFO, "quit");
            app->want_quit = true;
        }
        break;
    }
}

void km_app_wipe(km_app *app, const char *reason)
{
    fields_clear(app);
    app->task_wiped = app->task != KM_TASK_NONE; /* its result is not for the next person */
    app->back_count = app->tap_back_depth = 0;
    app->pick_count = 0;
    app->confirm = KM_ACT_NONE;
    app->handoff_code[0] = '\0';
    app->marks_dirty = false;
    app->sel_count = 0;
    app->focus = -1;
    app->compare = false;
    app->show_deep = false;
    app->where.count = 0;
    app->where_set = false;
    app->where_area = -1;
    app->where_flag_count = 0;
    app->where_shown.n = 0;
    app->drawn.count = 0;
    km_drawing_summary_release(&app->drawn_summary); /* the patient's drawing measured: gone too */
    app->drawn_flag_count = 0;
    app->drawn_shown.n = 0;
    km_history_reset(&app->marks);
    app->pin_sel = -1;
    app->where_pt = (km_vec2){0, 0};
    app->open_details = 0;
    app->detail_side = KM_SIDE_RIGHT;
    app->tool = KM_TOOL_BRUSH;
    app->brush = 1;
    app->intensity = 5;
    reset_views(app);
    app->hover_muscle = -1;
    app->scroll = 0;
    app->stretch_timer = -1;
    app->hold_until_ms = 0;
    app->reps_stretch = -1;
    app->reps_done = 0;
    app->pin_open = false;
    app->pin_len = 0;
    memset(app->pin_entry, 0, sizeof app->pin_entry);
    app->status[0] = '\0';
    app->mode = app->set.start_mode;
    app->idle = app->set.kiosk ? KM_IDLE_ATTRACT : KM_IDLE_ACTIVE;
    app->last_input_ms = app->now_ms;
    app->layout_dirty = app->redraw = true;
    km_app_log(app, KM_LOG_INFO, "%s-wipe", reason);
}

void km_app_export_done(km_app *app, bool ok, const char *path_or_error)
{
    if (ok) {
        km_app_log(app, KM_LOG_INFO, "export path=%s", path_or_error);
        km_app_status(app, false, "Picture saved to %s", path_or_error);
    } else {
        km_app_log(app, KM_LOG_WARN, "export-failed reason=%s", path_or_error);
        km_app_status(app, true, "Could not export: %s", path_or_error);
    }
}

void km_app_handoff_done(km_app *app, bool ok, const char *code_or_error)
{
    if (ok) {
        snprintf(app->handoff_code, sizeof app->handoff_code, "%s", code_or_error);
        app->marks_dirty = false;
        km_app_log(app, KM_LOG_INFO, "handoff code=%s", code_or_error);
    } else {
        app->handoff_code[0] = '\0';
        km_app_log(app, KM_LOG_WARN, "handoff-failed reason=%s", code_or_error);
        km_app_status(app, true, "Sorry, your drawing could not be sent. Please ask at reception.");
    }
    app->layout_dirty = true;
}

void km_app_handout_done(km_app *app, bool ok, const char *what)
{
    if (ok) {
        km_app_log(app, KM_LOG_INFO, "handout %s", what);
        km_app_status(app, false, "Handout %s", what);
    } else {
        km_app_log(app, KM_LOG_WARN, "handout-failed reason=%s", what);
        km_app_status(app, true, "Could not make the handout: %s", what);
    }
}

bool km_app_can_print(const km_app *app)
{
    return app->atlas && (!app->set.kiosk || app->set.kiosk_printer[0]);
}

void km_app_marks_saved(km_app *app, bool ok, const char *path_or_error)
{
    if (ok) {
        app->marks_dirty = false;
        km_app_log(app, KM_LOG_INFO, "marks-saved path=%s", path_or_error);
        km_app_status(app, false, "Marks saved to %s", path_or_error);
    } else {
        km_app_log(app, KM_LOG_WARN, "marks-save-failed reason=%s", path_or_error);
        km_app_status(app, true, "Could not save marks: %s", path_or_error);
    }
}

bool km_app_open_marks(km_app *app, const km_marks *m, const char *name)
{
    KM_ASSERT(app && m);
    if (!app->atlas || !km_history_load(&app->marks, m)) {
        km_app_status(app, true, "Could not open the marks from %s.", name);
        return false;
    }
    memcpy(app->sel, m->sel, sizeof m->sel);
    app->sel_count = m->sel_count;
    app->focus = m->sel_count - 1;
    app->marks_dirty = false;
    app->pin_sel = -1;
    if (m->stroke_count + m->pin_count > 0)
        set_mode(app, KM_MODE_MARK); /* the patient's drawing with its candidates, not Explore */
    else if (m->sel_count > 0) {
        set_mode(app, KM_MODE_EXPLORE); /* no drawing: the muscles the patient was shown */
        app->compare = m->sel_count > 1;
    }
    km_app_log(app, KM_LOG_INFO, "marks-loaded path=%s strokes=%d pins=%d selected=%d", name, m->stroke_count,
               m->pin_count, m->sel_count);
    rank_drawing(app);
    return true;
}

/* Keep what can be kept across an atlas reload: selected muscles and
 * views by id. */
void km_app_set_atlas(km_app *app, const km_atlas *atlas)
{
    const km_atlas *old = app->atlas;
    int n = 0;
    for (int i = 0; old && atlas && i < app->sel_count; i++) {
        int m = km_atlas_muscle_index(atlas, old->muscles[app->sel[i].muscle].id);
        if (m >= 0)
            app->sel[n] = app->sel[i], app->sel[n++].muscle = m;
    }
    app->sel_count = n;
    app->focus = n - 1;
    bool same_views = old && atlas && old->view_count == atlas->view_count;
    for (int v = 0; same_views && v < atlas->view_count; v++)
        same_views = strcmp(old->views[v].id, atlas->views[v].id) == 0;
    if (!same_views)
        km_history_reset(&app->marks);
    app->atlas = atlas;
    app->where.count = 0;
    app->stretch_timer = -1;
    app->hover_muscle = -1;
    app->back_count = app->tap_back_depth = 0; /* indices of the old atlas */
    app->pick_count = 0;
    if (!same_views)
        app->open_details = 0;
    if (atlas && app->where_set && same_views)
        where_lookup(app, app->where_view, app->where_pt);
    else
        app->where_set = false;
    rank_drawing(app);
    app->layout_dirty = app->redraw = true;
}

/* ---- pointers ------------------------------------------------------ */

static bool modal(const km_app *app)
{
    return app->idle != KM_IDLE_ACTIVE || app->pin_open || app->pick_count > 0 || app->confirm != KM_ACT_NONE ||
           app->handoff_code[0] || app->inbox_open || app->export_open;
}

/* The enabled button under a point, topmost first. */
static int ui_hit(km_app *app, float x, float y)
{
    km_app_layout(app);
    bool only_overlay = modal(app);
    for (int i = app->item_count - 1; i >= 0; i--) {
        const km_ui_item *it = &app->items[i];
        if (it->kind != KM_UI_BUTTON || !it->enabled || it->action == KM_ACT_NONE)
            continue;
        if (only_overlay && !it->overlay)
            continue;
        if (it->panel && (!rect_has(app->panel, x, y) || y >= app->panel.y + app->panel.h - app->cue_h))
            continue; /* scrolled out of sight, or under the "More below" strip */
        if (rect_has(it->r, x, y))
            return i;
    }
    return -1;
}

static km_pointer *pointer_find(km_app *app, int id)
{
    for (int i = 0; i < 2; i++)
        if (app->ptr[i].down && app->ptr[i].id == id)
            return &app->ptr[i];
    return NULL;
}

static int pointers_down(const km_app *app) { return app->ptr[0].down + app->ptr[1].down; }

static void clamp_scroll(km_app *app)
{
    int max = app->content_h - app->panel.h;
    if (app->scroll > max)
        app->scroll = max;
    if (app->scroll < 0)
        app->scroll = 0;
}

static void pinch_begin(km_app *app)
{
    km_pointer *a = &app->ptr[0], *b = &app->ptr[1];
    if (app->marks.drawing) {
        km_history_stroke_cancel(&app->marks);
        app->redraw = true;
    }
    a->dragging = b->dragging = true;
    a->target = b->target = T_DIAGRAM;
    app->pinch_d0 = fmaxf(1, hypotf(a->x - b->x, a->y - b->y));
    app->pinch_mx = (a->x + b->x) * 0.5f;
    app->pinch_my = (a->y + b->y) * 0.5f;
    km_vec2 p;
    int view = a->view;
    if (!diagram_hit(app, app->pinch_mx, app->pinch_my, &view, &p) && view < 0)
        view = b->view;
    app->pinch_view = view >= 0 && view < KM_APP_MAX_VIEWS ? view : -1;
    if (app->pinch_view >= 0)
        app->pinch_xf0 = app->xf[view];
}

static void pinch_move(km_app *app)
{
    int v = app->pinch_view;
    if (v < 0)
        return;
    km_pointer *a = &app->ptr[0], *b = &app->ptr[1];
    float d = hypotf(a->x - b->x, a->y - b->y);
    float mx = (a->x + b->x) * 0.5f, my = (a->y + b->y) * 0.5f;
    app->xf[v] = app->pinch_xf0; /* the gesture so far, from where it began */
    zoom_at(app, v, app->pinch_mx, app->pinch_my, d / app->pinch_d0);
    pan_by(app, v, mx - app->pinch_mx, my - app->pinch_my);
}

static float brush_px(const km_app *app) { return brush_radius[app->brush]; }

static void pointer_down(km_app *app, const km_input *in)
{
    km_pointer *p = !app->ptr[0].down ? &app->ptr[0] : !app->ptr[1].down ? &app->ptr[1] : NULL;
    if (!p || pointer_find(app, in->pointer))
        return;
    *p = (km_pointer){true, in->pointer, in->touch, in->x, in->y, in->x, in->y, in->time_ms, T_NONE, -1, -1, false,
                      false, in->time_ms};
    p->corner = app->set.kiosk && in->x < CORNER * app->ui && in->y < CORNER * app->ui;
    p->t_move = in->time_ms;
    p->item = ui_hit(app, in->x, in->y);
    km_vec2 q;
    int view;
    if (p->item >= 0)
        p->target = app->items[p->item].panel ? T_PANEL : T_UI;
    else if (modal(app))
        p->target = T_NONE;
    else if (rect_has(app->panel, in->x, in->y))
        p->target = T_PANEL;
    else if (diagram_hit(app, in->x, in->y, &view, &q)) {
        p->target = T_DIAGRAM;
        p->view = view;
    } else if (rect_has(app->diagram, in->x, in->y)) {
        /* Beside every view, but on the chart: still the chart's (the
         * second tap of a double-tap whose first opened a close-up lands
         * here; a tap there says it is beside the body).  No view. */
        p->target = T_DIAGRAM;
        p->view = -1;
    }
    if (pointers_down(app) == 2) {
        km_pointer *o = p == &app->ptr[0] ? &app->ptr[1] : &app->ptr[0];
        if (o->target == T_DIAGRAM && (p->target == T_DIAGRAM || rect_has(app->diagram, in->x, in->y)))
            pinch_begin(app);
        return;
    }
    if (p->target == T_DIAGRAM && p->view >= 0 && app->mode == KM_MODE_MARK && app->tool != KM_TOOL_PIN) {
        app->pin_sel = -1; /* a stroke renumbers nothing, but the pin is no longer what is being edited */
        if (km_history_stroke_begin(&app->marks, p->view, brush_px(app), app->tool == KM_TOOL_ERASER, q))
            app->redraw = true;
        else
            km_app_status(app, true, "The drawing is full (at most %d strokes). Clear it to draw more.",
                          KM_MARKS_MAX_STROKES);
    }
}

static void pointer_move(km_app *app, const km_input *in)
{
    km_pointer *p = pointer_find(app, in->pointer);
    if (!p)
        return;
    float px = p->x, py = p->y;
    p->x = in->x;
    p->y = in->y;
    p->t_move = in->time_ms;
    if (hypotf(p->x - p->x0, p->y - p->y0) > TAP_SLOP * app->ui)
        p->dragging = true;
    if (pointers_down(app) == 2 && app->ptr[0].target == T_DIAGRAM && app->ptr[1].target == T_DIAGRAM) {
        pinch_move(app);
        return;
    }
    if (p->target == T_DIAGRAM) {
        km_layout L;
        int i = -1;
        if (app->marks.drawing) {
            chart_now(app, &L);
            i = km_layout_find(&L, p->view);
        }
        if (i >= 0) {
            const km_view *v = &app->atlas->views[p->view];
            km_vec2 q = km_layout_to_view(&L, i, (km_vec2){in->x, in->y});
            q.x = fmaxf(0, fminf(v->width, q.x));
            q.y = fmaxf(0, fminf(v->height, q.y));
            if (km_history_stroke_add(&app->marks, q))
                app->redraw = true;
        } else if (p->dragging && p->view >= 0 && app->xf[p->view].zoom > 1) { /* a finger that came down off every view has no view */
            pan_by(app, p->view, in->x - px, in->y - py);
        }
    } else if (p->target == T_PANEL && p->dragging) {
        app->scroll -= (int)lroundf(in->y - py);
        clamp_scroll(app);
        app->layout_dirty = true;
    }
}

static void diagram_tap_or_double(km_app *app, km_pointer *p)
{
    km_vec2 q;
    int view;
    bool dbl = app->last_tap_ms && p->t0 - app->last_tap_ms < DOUBLE_TAP_MS &&
               hypotf(p->x - app->last_tap_x, p->y - app->last_tap_y) < DOUBLE_TAP_SLOP * app->ui;
    if (dbl && app->mode != KM_MODE_MARK) {
        /* The first tap of a double-tap is taken back: a double-tap only
         * zooms.  Taken back before the hit test: the first tap may have
         * opened a close-up and moved the figures, and the finger meant
         * the place it saw. */
        app->pick_count = 0;
        bool undone = false;
        while (app->back_count > app->tap_back_depth)
            undone |= back_pop(app);
        if (undone)
            km_app_log(app, KM_LOG_INFO, "tap-undone reason=double-tap");
        app->last_tap_ms = 0;
        if (!diagram_hit(app, p->x, p->y, &view, &q))
            return;
        if (app->xf[view].zoom >= ZOOM_MAX - 0.01f)
            zoom_reset(app);
        else
            zoom_at(app, view, p->x, p->y, 2);
        km_app_log(app, KM_LOG_INFO, "zoom view=%s level=%.1f", view_id(app, view), app->xf[view].zoom);
        return;
    }
    if (!diagram_hit(app, p->x, p->y, &view, &q)) {
        if (app->mode == KM_MODE_WHERE)
            km_app_status(app, false, "That spot is beside the body. Tap on the body where it hurts.");
        return;
    }
    app->last_tap_ms = p->t0;
    app->last_tap_x = p->x;
    app->last_tap_y = p->y;
    app->tap_back_depth = app->back_count;
    tap_diagram(app, view, q, p->x, p->y);
}

static void pointer_up(km_app *app, const km_input *in)
{
    km_pointer *p = pointer_find(app, in->pointer);
    if (!p)
        return;
    p->x = in->x;
    p->y = in->y;
    bool pinching = pointers_down(app) == 2 && app->ptr[0].dragging && app->ptr[1].dragging &&
                    app->ptr[0].target == T_DIAGRAM && app->ptr[1].target == T_DIAGRAM;
    bool tap = !p->dragging && in->time_ms - p->t0 < TAP_MS;
    p->down = false;
    if (pinching) {
        km_pointer *o = p == &app->ptr[0] ? &app->ptr[1] : &app->ptr[0];
        o->dragging = true; /* the finger left behind must not tap */
        km_app_log(app, KM_LOG_INFO, "zoom view=%s level=%.1f", view_id(app, app->pinch_view),
                   app->pinch_view >= 0 ? app->xf[app->pinch_view].zoom : 1.0f);
        return;
    }
    if (p->target == T_DIAGRAM && app->marks.drawing) {
        km_history_stroke_end(&app->marks);
        app->marks_dirty = true;
        int ns;
        const km_stroke *s = km_history_strokes(&app->marks, &ns);
        if (ns > 0)
            km_app_log(app, KM_LOG_INFO, "mark stroke view=%s points=%d erase=%s", view_id(app, s[ns - 1].view),
                       s[ns - 1].count, s[ns - 1].erase ? "yes" : "no");
        rank_drawing(app);
        return;
    }
    if (!tap)
        return;
    if (p->target == T_DIAGRAM)
        diagram_tap_or_double(app, p);
    else if (app->pick_count > 0 && p->item < 0 && app->idle == KM_IDLE_ACTIVE) {
        /* A tap beside the picker closes it; a second tap on the same spot
         * is the double-tap it began. */
        app->pick_count = 0;
        app->layout_dirty = true;
        if (app->last_tap_ms && p->t0 - app->last_tap_ms < DOUBLE_TAP_MS)
            diagram_tap_or_double(app, p);
    } else if (p->item >= 0 && ui_hit(app, p->x, p->y) == p->item) {
        const km_ui_item *it = &app->items[p->item];
        km_app_action(app, it->action, it->arg, it->arg2);
    }
}

static void hover(km_app *app, float x, float y, bool inside)
{
    km_vec2 q;
    int view, m = -1;
    km_side side = KM_SIDE_MIDLINE;
    if (inside && !modal(app) && app->mode != KM_MODE_MARK && diagram_hit(app, x, y, &view, &q))
        m = km_lookup_muscle_at(app->atlas, view, q, app->show_deep, &side);
    if (m != app->hover_muscle || (m >= 0 && side != app->hover_side))
        app->redraw = app->layout_dirty = true;
    if (m >= 0 && (x != app->hover_x || y != app->hover_y))
        app->layout_dirty = true; /* the name label follows the mouse */
    app->hover_muscle = m;
    app->hover_side = side;
    app->hover_x = x;
    app->hover_y = y;
}

static void key(km_app *app, const km_input *in)
{
    if (app->export_open) {
        dialog_key(app, in);
        return;
    }
    if (app->confirm != KM_ACT_NONE && (in->key == KM_KEY_ESCAPE || in->key == KM_KEY_ENTER)) {
        confirm_answer(app, in->key == KM_KEY_ENTER ? 1 : 0);
        return;
    }
    if (app->pick_count > 0 && in->key == KM_KEY_ESCAPE) {
        km_app_action(app, KM_ACT_PICK_CANCEL, 0, 0);
        return;
    }
    if (app->pin_open) {
        if (in->key == KM_KEY_DIGIT)
            pin_action(app, KM_ACT_PIN_DIGIT, in->digit);
        else if (in->key == KM_KEY_BACKSPACE)
            pin_action(app, KM_ACT_PIN_BACK, 0);
        else if (in->key == KM_KEY_ENTER)
            pin_action(app, KM_ACT_PIN_OK, 0);
        else if (in->key == KM_KEY_ESCAPE)
            pin_action(app, KM_ACT_PIN_CANCEL, 0);
        return;
    }
    const char *name = in->key == KM_KEY_ESCAPE                ? "escape"
                       : in->key == KM_KEY_F4 && in->alt       ? "alt+f4"
                       : in->key == KM_KEY_Q && in->ctrl       ? "ctrl+q"
                       : in->key == KM_KEY_W && in->ctrl       ? "ctrl+w"
                                                               : NULL;
    if (app->set.kiosk) {
        /* A kiosk has no keyboard functions: the ways out are logged, not obeyed. */
        if (name)
            km_app_log(app, KM_LOG_INFO, "kiosk-ignored key=%s", name);
        return;
    }
    if (name && in->key != KM_KEY_ESCAPE) {
        km_app_action(app, KM_ACT_QUIT, 0, 0);
    } else if (in->key == KM_KEY_ESCAPE) {
        sel_clear(app);
    } else if (in->ctrl && (in->key == KM_KEY_Y || (in->key == KM_KEY_Z && in->shift))) {
        km_app_action(app, KM_ACT_REDO, 0, 0);
    } else if (in->ctrl && in->key == KM_KEY_Z) {
        km_app_action(app, KM_ACT_UNDO, 0, 0);
    } else if (in->key == KM_KEY_PLUS || in->key == KM_KEY_MINUS) {
        km_layout L;
        chart_now(app, &L);
        for (int i = 0; i < L.nviews; i++) {
            km_rect r = L.v[i].cell;
            zoom_at(app, L.v[i].view, r.x + r.w * 0.5f, r.y + r.h * 0.5f, in->key == KM_KEY_PLUS ? 1.25f : 0.8f);
        }
    }
}

/* Any user input: the idle clock restarts; a countdown is cancelled and the
 * attract screen goes away, and the touch that does either does nothing
 * else.  Returns false when the input was consumed. */
static bool activity(km_app *app, const km_input *in)
{
    app->last_input_ms = in->time_ms;
    if (app->idle == KM_IDLE_COUNTDOWN) {
        app->idle = KM_IDLE_ACTIVE;
        app->layout_dirty = true;
        km_app_log(app, KM_LOG_INFO, "idle-cancel");
        return in->kind != KM_IN_DOWN && in->kind != KM_IN_KEY;
    }
    if (app->idle == KM_IDLE_ATTRACT && in->kind == KM_IN_DOWN) {
        /* The touch that dismisses the attract screen does nothing else: a
         * second press of Done, or a tap meant for the last screen, must
         * not act on the new patient's. */
        app->idle = KM_IDLE_ACTIVE;
        app->layout_dirty = true;
        km_app_log(app, KM_LOG_INFO, "attract-dismiss");
        return false;
    }
    return true;
}

void km_app_input(km_app *app, const km_input *in)
{
    if (in->time_ms > app->now_ms)
        app->now_ms = in->time_ms;
    if (in->kind == KM_IN_TASK_DONE) { /* not the user's doing: the idle clock goes on */
        task_done(app, in);
        return;
    }
    if (in->time_ms > app->last_input_ms) /* the idle clock: input of any kind */
        app->last_input_ms = in->time_ms;
    switch (in->kind) {
    case KM_IN_RESIZE:
        if (in->w > 0 && in->h > 0) {
            app->win_w = in->w;
            app->win_h = in->h;
            app->ui = in->scale >= 0.5f && in->scale <= 8 ? in->scale : 1;
            km_app_regions(app);
            app->layout_dirty = app->redraw = true;
        }
        return;
    case KM_IN_CLOSE:
        if (app->set.kiosk)
            km_app_log(app, KM_LOG_INFO, "kiosk-ignored key=close");
        else
            km_app_action(app, KM_ACT_QUIT, 0, 0);
        return;
    case KM_IN_LEAVE: hover(app, 0, 0, false); return;
    default: break;
    }
    if (!activity(app, in))
        return;
    switch (in->kind) {
    case KM_IN_DOWN: pointer_down(app, in); break;
    case KM_IN_MOVE: pointer_move(app, in); break;
    case KM_IN_UP: pointer_up(app, in); break;
    case KM_IN_HOVER: hover(app, in->x, in->y, true); break;
    case KM_IN_KEY: key(app, in); break;
    case KM_IN_TEXT:
        if (app->export_open)
            field_type(app, in->text);
        break;
    case KM_IN_WHEEL: {
        km_vec2 q;
        int view;
        if (modal(app))
            break;
        if (rect_has(app->panel, in->x, in->y)) {
            app->scroll -= (int)lroundf(in->wheel * 100 * app->ui); /* a notch: about three lines */
            clamp_scroll(app);
            app->layout_dirty = true;
        } else if (diagram_hit(app, in->x, in->y, &view, &q)) {
            zoom_at(app, view, in->x, in->y, powf(1.25f, in->wheel));
            km_app_log(app, KM_LOG_DEBUG, "zoom view=%s level=%.2f", view_id(app, view), app->xf[view].zoom);
        }
        break;
    }
    default: break;
    }
}

/* ---- time ---------------------------------------------------------- */

/* When the idle clock started: the last input, or the end of a running
 * stretch hold (a hold pauses the clock, for at most the hold's length). */
static uint64_t idle_since(const km_app *app)
{
    uint64_t held = app->hold_until_ms < app->now_ms ? app->hold_until_ms : app->now_ms;
    return held > app->last_input_ms ? held : app->last_input_ms;
}

/* The stretch hold: its ring moves in tenths of the hold, and when it ends
 * the repetition is counted and the patient told. */
static void hold_tick(km_app *app, uint64_t now)
{
    int shown = -1;
    if (app->stretch_timer >= 0) {
        const km_stretch *st = &app->atlas->stretches[app->stretch_timer];
        if (now >= app->timer_end_ms) {
            km_app_log(app, KM_LOG_INFO, "timer done stretch=%s", st->id);
            app->stretch_timer = -1;
            if (app->reps_stretch >= 0)
                app->reps_done++;
            if (app->reps_done >= st->repetitions)
                km_app_status(app, false, "Well done: all %d repetitions of %s are done.", st->repetitions, st->name);
            else
                km_app_status(app, false, "Hold %d of %d done. Relax for a few breaths, then start the next.",
                              app->reps_done, st->repetitions);
        } else {
            shown = (int)((app->timer_end_ms - now + 999) / 1000); /* whole seconds left, also the ring's step */
        }
    }
    if (shown != app->shown_hold) {
        app->shown_hold = shown;
        app->layout_dirty = true;
    }
}

/* export_retention_days: at start (the first tick) and daily after; the
 * host deletes the files. */
static void retention_tick(km_app *app)
{
    if (app->set.retention_days <= 0 || app->now_ms < app->next_sweep_ms)
        return;
    app->next_sweep_ms = app->now_ms + (uint64_t)KM_RETENTION_PERIOD_S * 1000;
    app->want_sweep = true;
}

/* A finger whose "up" was lost (a touchscreen glitch, a window that lost
 * focus) must not keep the kiosk from its idle wipe forever: held still
 * for longer than the idle time, it is treated as lifted. */
static void lift_stale_pointers(km_app *app, uint64_t now)
{
    uint64_t idle_ms = (uint64_t)app->set.idle_timeout_s * 1000;
    for (int i = 0; i < 2; i++) {
        km_pointer *p = &app->ptr[i];
        if (!p->down || now - p->t_move < idle_ms || p->corner)
            continue;
        km_app_log(app, KM_LOG_INFO, "pointer-stale seconds=%d", (int)((now - p->t_move) / 1000));
        km_input up = {.kind = KM_IN_UP, .pointer = p->id, .touch = p->touch, .x = p->x, .y = p->y, .time_ms = now};
        p->dragging = true; /* a release, not a tap */
        pointer_up(app, &up);
    }
}

void km_app_tick(km_app *app, uint64_t now_ms)
{
    if (now_ms > app->now_ms)
        app->now_ms = now_ms;
    uint64_t now = app->now_ms;
    retention_tick(app);
    if (app->set.kiosk)
        lift_stale_pointers(app, now);
    for (int i = 0; i < 2; i++) {
        km_pointer *p = &app->ptr[i];
        if (p->down && p->corner && !p->dragging && now - p->t0 >= LONG_PRESS_MS) {
            p->corner = false;
            p->item = -1;
            p->target = T_NONE;
            int locked = km_pinlock_remaining(&app->pinlock, now);
            if (app->set.pin_hash[0] && locked > 0) {
                km_app_log(app, KM_LOG_WARN, "admin-gesture locked seconds=%d", locked);
                km_app_status(app, true, "The administrator exit is locked for %d more seconds.", locked);
            } else if (app->set.pin_hash[0]) {
                app->pin_open = true;
                app->pin_len = 0;
                app->pin_note[0] = '\0';
                km_app_log(app, KM_LOG_INFO, "admin-gesture");
            } else {
                km_app_log(app, KM_LOG_WARN, "admin-gesture ignored: no admin_pin_hash in the configuration");
            }
            app->layout_dirty = true;
        }
    }
    uint64_t idle_ms = (uint64_t)app->set.idle_timeout_s * 1000, cd_ms = (uint64_t)app->set.countdown_s * 1000;
    uint64_t since = idle_since(app);
    if (app->set.kiosk && pointers_down(app) == 0) {
        uint64_t quiet = now - since;
        if (app->idle == KM_IDLE_ACTIVE && quiet >= idle_ms) {
            app->idle = KM_IDLE_COUNTDOWN;
            app->pin_open = false;
            km_app_log(app, KM_LOG_INFO, "idle-countdown seconds=%d", app->set.countdown_s);
            app->layout_dirty = true;
        }
        if (app->idle == KM_IDLE_COUNTDOWN && quiet >= idle_ms + cd_ms)
            km_app_wipe(app, "idle");
    }
    /* The countdown's own seconds, counted down from countdown_s. */
    int second = -1;
    if (app->idle == KM_IDLE_COUNTDOWN) {
        uint64_t end = idle_since(app) + idle_ms + cd_ms;
        second = end > now ? (int)((end - now + 999) / 1000) : 0;
        if (second > app->set.countdown_s)
            second = app->set.countdown_s;
    }
    if (second != app->shown_second) {
        app->shown_second = second;
        app->layout_dirty = true;
    }
    hold_tick(app, now);
    if (app->status[0] && now >= app->status_until_ms) {
        app->status[0] = '\0';
        app->layout_dirty = true;
    }
}

static void wake_min(int64_t *best, int64_t t)
{
    if (t < 0)
        t = 0;
    if (*best < 0 || t < *best)
        *best = t;
}

int km_app_next_wake(const km_app *app)
{
    int64_t best = -1, now = (int64_t)app->now_ms;
    for (int i = 0; i < 2; i++)
        if (app->ptr[i].down && app->ptr[i].corner && !app->ptr[i].dragging)
            wake_min(&best, (int64_t)app->ptr[i].t0 + LONG_PRESS_MS - now);
    int64_t idle_ms = (int64_t)app->set.idle_timeout_s * 1000, cd_ms = (int64_t)app->set.countdown_s * 1000;
    int64_t since = (int64_t)idle_since(app);
    if (app->set.kiosk && app->idle == KM_IDLE_ACTIVE)
        wake_min(&best, since + idle_ms - now);
    if (app->set.kiosk && app->idle == KM_IDLE_COUNTDOWN) {
        int64_t left = since + idle_ms + cd_ms - now;
        wake_min(&best, left % 1000 ? left % 1000 : 1000);
    }
    if (app->stretch_timer >= 0) {
        int64_t left = (int64_t)app->timer_end_ms - now;
        wake_min(&best, left % 1000 ? left % 1000 : (left > 0 ? 1000 : 0));
    }
    if (app->status[0])
        wake_min(&best, (int64_t)app->status_until_ms - now);
    if (app->set.retention_days > 0)
        wake_min(&best, (int64_t)app->next_sweep_ms - now);
    return best > INT32_MAX ? INT32_MAX : (int)best;
}

/* ---- the scene ----------------------------------------------------- */

static void scene_candidates(km_scene *s, const km_app_shown *sh)
{
    for (int i = 0; i < sh->n; i++)
        s->sel[s->sel_count++] = sh->s[i];
}

void km_app_scene(const km_app *app, km_scene *s)
{
    km_scene_init(s, app->atlas);
    if (app->mode == KM_MODE_WHERE) {
        scene_candidates(s, &app->where_shown);
        if (app->where_area >= 0)
            s->areas[s->area_count++] = app->where_area;
    } else if (app->mode == KM_MODE_MARK) {
        scene_candidates(s, &app->drawn_shown);
    } else {
        memcpy(s->sel, app->sel, (size_t)app->sel_count * sizeof app->sel[0]);
        s->sel_count = app->sel_count;
    }
    s->strokes = km_history_strokes(&app->marks, &s->stroke_count);
    s->pins = km_history_pins(&app->marks, &s->pin_count);
    s->show_deep = app->show_deep;
    s->hover_muscle = app->hover_muscle;
    s->hover_side = app->hover_side;
    s->xforms = app->xf;
    s->legend = true;
    /* Room in the key for what the modes usually show (trigger point, the
     * two zones, the pain area and three muscles) and for a close-up, the
     * same in every mode: a first tap or stroke, or another tab, does not
     * shrink and move the figures under the finger. */
    s->legend_reserve = 7;
    s->detail_reserve = 1;
    s->open_details = app->open_details;
    s->detail_side = app->detail_side;
}
