/*
 * ui.c - the screen's layout as a list of items (km_app_layout).
 *
 * The app decides what the screen shows and where every touch target is;
 * the platform only walks the list and draws it.  Building the list is
 * cheap (a few hundred items, text measured through the platform's
 * callback) and happens only when something changed, so hit tests and
 * drawing always agree with each other.  Sizes are logical pixels scaled by
 * app->ui; every touch target is at least TOUCH (48 L) high.
 *
 * Screen: a top bar of mode tabs; the body (both views) with a toolbar
 * under it; the information panel to the right (landscape) or below
 * (portrait).  Modal overlays (idle countdown, attract screen, PIN pad)
 * come last so they are drawn on top and hit first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_internal.h"

#define TOUCH 48
#define PAD 20

typedef struct lay {
    km_app *app;
    float u;     /* pixels per logical pixel */
    int x, w;    /* panel content column */
    int y;       /* next free y (screen pixels, scroll applied) */
    int body, small, head, sub; /* font sizes in pixels */
} lay;

static int S(const km_app *app, float v) { return (int)(v * app->ui + 0.5f); }

/* ---- items --------------------------------------------------------- */

static const char *fmt(km_app *app, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(km_app *app, const char *f, ...)
{
    int left = KM_APP_TEXT_ARENA - app->arena_used;
    if (left <= 1)
        return "";
    char *out = app->arena + app->arena_used;
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(out, (size_t)left, f, ap);
    va_end(ap);
    app->arena_used += (n < 0 ? 0 : n >= left ? left - 1 : n) + 1;
    return out;
}

static km_ui_item *add(km_app *app, km_ui_kind kind, km_rect r)
{
    if (app->item_count >= KM_UI_MAX)
        return NULL;
    km_ui_item *it = &app->items[app->item_count++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->r = r;
    it->enabled = true;
    it->swatch = -1;
    it->color = KM_C_TEXT;
    return it;
}

static void fill(km_app *app, km_rect r, km_color c)
{
    km_ui_item *it = add(app, KM_UI_FILL, r);
    if (it)
        it->color = c;
}

static km_ui_item *text(km_app *app, km_rect r, const char *t, int px, bool bold, km_color c, int align)
{
    km_ui_item *it = add(app, KM_UI_TEXT, r);
    if (it) {
        it->text = t;
        it->px = px;
        it->bold = bold;
        it->color = c;
        it->align = align;
    }
    return it;
}

static km_ui_item *button(km_app *app, km_rect r, const char *label, km_button_style st, km_action act, int arg)
{
    km_ui_item *it = add(app, KM_UI_BUTTON, r);
    if (it) {
        it->text = label;
        it->px = S(app, 18);
        it->style = st;
        it->action = act;
        it->arg = arg;
        it->align = st == KM_BTN_ROW ? 0 : 1;
    }
    return it;
}

static int text_w(km_app *app, const char *t, int px, bool bold)
{
    if (app->measure.text_w)
        return app->measure.text_w(app->measure.ctx, t, px, bold);
    return (int)(strlen(t) * (size_t)px * 55 / 100);
}

static int wrap_h(km_app *app, const char *t, int px, bool bold, int w)
{
    if (app->measure.wrap_h)
        return app->measure.wrap_h(app->measure.ctx, t, px, bold, w);
    int lw = text_w(app, t, px, bold), lines = w > 0 ? lw / w + 1 : 1;
    return lines * px * 13 / 10;
}

/* ---- panel building blocks ----------------------------------------- */

static bool visible(const lay *L, int y, int h)
{
    const km_rect p = L->app->panel;
    return y + h > p.y && y < p.y + p.h;
}

static void gap(lay *L, float v) { L->y += S(L->app, v); }

static void para_c(lay *L, const char *t, int px, bool bold, km_color c)
{
    if (!t || !*t)
        return;
    int h = wrap_h(L->app, t, px, bold, L->w);
    if (visible(L, L->y, h)) {
        km_ui_item *it = add(L->app, KM_UI_WRAP, (km_rect){L->x, L->y, L->w, h});
        if (it) {
            it->text = t;
            it->px = px;
            it->bold = bold;
            it->color = c;
            it->panel = true;
        }
    }
    L->y += h;
}

static void heading(lay *L, const char *t) { para_c(L, t, L->head, true, KM_C_HEADING), gap(L, 6); }
static void para(lay *L, const char *t) { para_c(L, t, L->body, false, KM_C_TEXT), gap(L, 10); }

static void section(lay *L, const char *title, const char *body)
{
    if (!body || !*body)
        return;
    gap(L, 6);
    para_c(L, title, L->sub, true, KM_C_ACCENT);
    gap(L, 4);
    para(L, body);
}

/* A full-width list row; returns it so callers can add a sub-label or swatch. */
static km_ui_item *row(lay *L, const char *label, const char *sub, km_action act, int arg, int arg2)
{
    int h = S(L->app, sub ? 64 : 52);
    km_ui_item *it = NULL;
    if (visible(L, L->y, h)) {
        it = button(L->app, (km_rect){L->x, L->y, L->w, h}, label, KM_BTN_ROW, act, arg);
        if (it) {
            it->sub = sub;
            it->arg2 = arg2;
            it->panel = true;
        }
    }
    L->y += h + S(L->app, 6);
    return it;
}

/* n equal buttons across the column. */
static void button_row(lay *L, int n, const char *const *labels, km_action act, const int *args, int active,
                       const bool *enabled)
{
    int g = S(L->app, 8), h = S(L->app, TOUCH + 4), bw = (L->w - g * (n - 1)) / n;
    for (int i = 0; i < n && visible(L, L->y, h); i++) {
        km_ui_item *it = button(L->app, (km_rect){L->x + i * (bw + g), L->y, bw, h}, labels[i],
                                active >= 0 ? KM_BTN_TAB : KM_BTN_NORMAL, act, args ? args[i] : i);
        if (it) {
            it->active = i == active;
            it->enabled = enabled ? enabled[i] : true;
            it->panel = true;
        }
    }
    L->y += h + S(L->app, 10);
}

static const char *side_words(km_side s)
{
    return s == KM_SIDE_LEFT ? "Patient's left" : s == KM_SIDE_RIGHT ? "Patient's right" : "Midline";
}

/* ---- panel contents by mode ---------------------------------------- */

static void candidates(lay *L, const km_candidates *c, const km_app_shown *sh, bool drawing)
{
    const km_atlas *a = L->app->atlas;
    for (int i = 0; i < c->count && i < 40; i++) {
        const km_candidate *k = &c->items[i];
        const char *sub = drawing
                              ? fmt(L->app, "%s · %s zone · covers %.0f%% of your drawing", side_words(k->side),
                                    k->zone == KM_ZONE_ESSENTIAL ? "main" : "spillover", k->coverage * 100)
                              : fmt(L->app, "%s · %s", side_words(k->side),
                                    k->zone == KM_ZONE_ESSENTIAL ? "main pain zone" : "spillover zone");
        km_ui_item *it = row(L, fmt(L->app, "%d. %s", i + 1, a->muscles[k->muscle].name), sub, KM_ACT_SELECT,
                             k->muscle, (int)k->side);
        if (it)
            it->swatch = km_app_shown_color(sh, k->muscle, k->side);
    }
    if (c->count > 0) {
        gap(L, 2);
        para_c(L,
               drawing ? "Order: main pain zone first, then by how much of your drawing it covers (pins count by "
                         "their pain level)."
                       : "Order: main pain zone first, then the muscles that most often send pain to this spot.",
               L->small, false, KM_C_MUTED);
        gap(L, 8);
    }
}

/* "Back" to the selection before the last change, when there is one. */
static void back_button(lay *L)
{
    if (L->app->back_count == 0)
        return;
    int h = S(L->app, TOUCH), w = text_w(L->app, "‹  Back", S(L->app, 18), false) + S(L->app, 40);
    if (w > L->w)
        w = L->w;
    if (visible(L, L->y, h)) {
        km_ui_item *it = button(L->app, (km_rect){L->x, L->y, w, h}, "‹  Back", KM_BTN_NORMAL, KM_ACT_BACK, 0);
        if (it)
            it->panel = true;
    }
    L->y += h + S(L->app, 12);
}

/* Red flags: a coloured card above the list, one paragraph each, that no
 * one can miss. */
static void red_flags(lay *L, const int *flags, int n)
{
    km_app *app = L->app;
    if (n <= 0 || !app->atlas)
        return;
    int card = app->item_count, y0 = L->y;
    fill(app, (km_rect){L->x, L->y, L->w, 0}, KM_C_ERROR);
    if (card < app->item_count)
        app->items[card].panel = true;
    int x = L->x, w = L->w;
    L->x += S(app, 16);
    L->w -= S(app, 32);
    gap(L, 14);
    para_c(L, "Important: check this first", L->sub, true, KM_C_ON_ACCENT);
    gap(L, 6);
    for (int i = 0; i < n; i++) {
        para_c(L, app->atlas->red_flags[flags[i]].text, L->body, i == 0, KM_C_ON_ACCENT);
        gap(L, 8);
    }
    gap(L, 6);
    L->x = x;
    L->w = w;
    if (card < app->item_count)
        app->items[card].r.h = L->y - y0;
    gap(L, 14);
}

static void panel_where(lay *L)
{
    km_app *app = L->app;
    back_button(L);
    heading(L, "Where does it hurt?");
    para(L, "Tap the spot on the body where you feel pain. The muscles that most often send pain there are "
            "listed below, most likely first. Tap one to read about it.");
    if (!app->where_set)
        return;
    const km_atlas *a = app->atlas;
    const char *view = a->views[app->where_view].label ? a->views[app->where_view].label : a->views[app->where_view].id;
    const char *place = app->where_area >= 0
                            ? a->areas[app->where_area].side == KM_SIDE_MIDLINE
                                  ? fmt(app, "You tapped: %s, %s view", a->areas[app->where_area].label, view)
                                  : fmt(app, "You tapped: %s (%s), %s view", a->areas[app->where_area].label,
                                        side_words(a->areas[app->where_area].side), view)
                            : fmt(app, "You tapped a spot on the %s view", view);
    para_c(L, place, L->body, true, KM_C_TEXT);
    gap(L, 10);
    red_flags(L, app->where_flags, app->where_flag_count);
    if (app->where.count == 0)
        para(L, "No muscle in this atlas sends pain to that spot. Try a spot close by, or draw the whole area "
                "in Mark pain.");
    candidates(L, &app->where, &app->where_shown, false);
}

/* The take-home handout of the drawing and the muscles it points to
 * (the host makes it: km_host_handout).  On the desktop: save it or print
 * it; in a kiosk only "Print for me", and only with kiosk_printer set. */
static void handout_buttons(lay *L, bool any)
{
    km_app *app = L->app;
    static const char *const desk[] = {"Save handout", "Print handout"}, *const kiosk[] = {"Print for me"};
    static const int desk_args[] = {KM_HANDOUT_SAVE, KM_HANDOUT_PRINT}, kiosk_args[] = {KM_HANDOUT_PRINT};
    if (app->set.kiosk && !km_app_can_print(app))
        return;
    bool idle = app->task == KM_TASK_NONE; /* one slow request at a time */
    const bool en[] = {any && idle, any && idle && km_app_can_print(app)};
    if (app->set.kiosk)
        button_row(L, 1, kiosk, KM_ACT_HANDOUT, kiosk_args, -1, en);
    else
        button_row(L, 2, desk, KM_ACT_HANDOUT, desk_args, -1, en);
}

static void panel_mark(lay *L)
{
    km_app *app = L->app;
    if (!app->set.kiosk) {
        static const char *const open[] = {"Open patient drawing…"};
        button_row(L, 1, open, KM_ACT_PATIENTS, (const int[]){1}, -1, NULL);
    }
    heading(L, "Mark your pain");
    para(L, "Draw over every place that hurts, or drop pins and set how strong the pain is (0 = none, 10 = worst). "
            "The muscles whose patterns match your marks are listed below.");
    static const char *const tools[] = {"Draw", "Erase", "Pin"};
    button_row(L, 3, tools, KM_ACT_TOOL, NULL, (int)app->tool, NULL);
    int npins;
    const km_pin *pins = km_history_pins(&app->marks, &npins);
    if (app->tool == KM_TOOL_PIN && app->pin_sel >= 0 && app->pin_sel < npins) {
        int lv = pins[app->pin_sel].intensity;
        para_c(L, fmt(app, "This pin: pain %d / 10", lv), L->body, true, KM_C_TEXT);
        gap(L, 6);
        static const char *const pm[] = {"Less  −", "More  +", "Remove pin"};
        static const int args[] = {-1, 1, 0};
        const bool en[] = {lv > 0, lv < 10, true};
        int g = S(app, 8), h = S(app, TOUCH + 4), bw = (L->w - 2 * g) / 3;
        for (int i = 0; i < 3 && visible(L, L->y, h); i++) {
            km_ui_item *it = button(app, (km_rect){L->x + i * (bw + g), L->y, bw, h}, pm[i], KM_BTN_NORMAL,
                                    i < 2 ? KM_ACT_PIN_LEVEL : KM_ACT_PIN_DELETE, args[i]);
            if (it)
                it->enabled = en[i], it->panel = true;
        }
        L->y += h + S(app, 6);
        para_c(L, "Tap the body away from the pins to add another.", L->small, false, KM_C_MUTED);
        gap(L, 10);
    } else if (app->tool == KM_TOOL_PIN) {
        para_c(L, fmt(app, "Pain level for the next pin: %d / 10", app->intensity), L->body, true, KM_C_TEXT);
        gap(L, 6);
        static const char *const pm[] = {"Less  −", "More  +"};
        static const int args[] = {-1, 1};
        const bool en[] = {app->intensity > 0, app->intensity < 10};
        button_row(L, 2, pm, KM_ACT_INTENSITY, args, -1, en);
    } else {
        static const char *const sizes[] = {"Small", "Medium", "Large"};
        button_row(L, 3, sizes, KM_ACT_BRUSH, NULL, app->brush, NULL);
    }
    int ns, np;
    km_history_strokes(&app->marks, &ns);
    km_history_pins(&app->marks, &np);
    static const char *const ed[] = {"Undo", "Redo", "Clear all"};
    static const km_action acts[] = {KM_ACT_UNDO, KM_ACT_REDO, KM_ACT_CLEAR_MARKS};
    const bool en[] = {km_history_can_undo(&app->marks), km_history_can_redo(&app->marks), ns + np > 0};
    int g = S(app, 8), h = S(app, TOUCH + 4), bw = (L->w - 2 * g) / 3;
    for (int i = 0; i < 3 && visible(L, L->y, h); i++) {
        km_ui_item *it = button(app, (km_rect){L->x + i * (bw + g), L->y, bw, h}, ed[i], KM_BTN_NORMAL, acts[i], 0);
        if (it)
            it->enabled = en[i], it->panel = true;
    }
    L->y += h + S(app, 16);
    const km_drawing_summary *sum = &app->drawn_summary;
    if (ns + np > 0 && sum->views) { /* the drawing measured (core/drawing.h) */
        char pinl[96] = "";
        if (sum->pin_count > 0)
            snprintf(pinl, sizeof pinl, "; %d pin%s, strongest %d/10", sum->pin_count, sum->pin_count == 1 ? "" : "s",
                     sum->pin_max);
        para_c(L,
               fmt(app, "Your drawing: %.1f%% of the body, %d body region%s%s.", 100.0 * sum->extent, sum->regions,
                   sum->regions == 1 ? "" : "s", pinl),
               L->small, false, KM_C_MUTED);
        gap(L, 10);
    }
    handout_buttons(L, ns + np > 0 || app->sel_count > 0);
    red_flags(L, app->drawn_flags, app->drawn_flag_count);
    heading(L, "Likely sources");
    if (ns + np == 0)
        para_c(L, "Nothing marked yet.", L->body, false, KM_C_MUTED);
    else if (app->drawn.count == 0)
        para(L, "No muscle in this atlas sends pain to the marked places.");
    candidates(L, &app->drawn, &app->drawn_shown, true);
}

/* A stretch's hold: while it runs, a ring that empties as the seconds pass
 * with the seconds left in its middle; the repetitions done; one button to
 * start (the next repetition) or stop. */
static void hold_controls(lay *L, int si)
{
    km_app *app = L->app;
    const km_stretch *st = &app->atlas->stretches[si];
    bool on = app->stretch_timer == si;
    int done = app->reps_stretch == si ? app->reps_done : 0;
    if (on) {
        int d = S(app, 120);
        long left = (long)((app->timer_end_ms - app->now_ms + 999) / 1000);
        int permille = st->hold_seconds > 0 ? (int)(1000 - left * 1000 / st->hold_seconds) : 1000;
        if (visible(L, L->y, d)) {
            km_ui_item *ring = add(app, KM_UI_RING, (km_rect){L->x + (L->w - d) / 2, L->y, d, d});
            if (ring)
                ring->arg = permille, ring->color = KM_C_ACCENT, ring->panel = true;
            km_ui_item *t = text(app, (km_rect){L->x + (L->w - d) / 2, L->y + d / 2 - S(app, 22), d, S(app, 44)},
                                 fmt(app, "%ld", left), S(app, 34), true, KM_C_HEADING, 1);
            if (t)
                t->panel = true;
        }
        L->y += d + S(app, 8);
        para_c(L, fmt(app, "Hold %d of %d: keep breathing, %ld s to go", done + 1, st->repetitions, left), L->body,
               false, KM_C_TEXT);
        gap(L, 8);
    } else if (done > 0) {
        para_c(L, done >= st->repetitions ? fmt(app, "✓ All %d holds done. Well done.", st->repetitions)
                                          : fmt(app, "✓ Hold %d of %d done.", done, st->repetitions),
               L->body, true, KM_C_OK);
        gap(L, 8);
    }
    int h = S(app, TOUCH + 8);
    const char *label = on                                   ? "Stop"
                        : done > 0 && done < st->repetitions ? fmt(app, "Start hold %d of %d (%d s)", done + 1,
                                                                   st->repetitions, st->hold_seconds)
                                                             : fmt(app, "Start %d s hold", st->hold_seconds);
    if (visible(L, L->y, h)) {
        km_ui_item *it = button(app, (km_rect){L->x, L->y, L->w, h}, label, on ? KM_BTN_TAB : KM_BTN_PRIMARY,
                                KM_ACT_TIMER, si);
        if (it)
            it->active = on, it->panel = true;
    }
    L->y += h + S(app, 16);
}

static void stretch_card(lay *L, int si)
{
    km_app *app = L->app;
    const km_stretch *st = &app->atlas->stretches[si];
    int card = app->item_count, y0 = L->y;
    fill(app, (km_rect){L->x, L->y, L->w, 0}, KM_C_CARD);
    int x = L->x, w = L->w;
    L->x += S(app, 16);
    L->w -= S(app, 32);
    gap(L, 14);
    para_c(L, st->name, L->sub, true, KM_C_TEXT);
    gap(L, 2);
    para_c(L, fmt(app, "Hold %d s · repeat %d times", st->hold_seconds, st->repetitions), L->small, false,
           KM_C_MUTED);
    gap(L, 8);
    if (st->illustration) { /* the pose, the stretched part tinted, the pull's arrow (src/chart/illustration.c) */
        int d = S(app, 150) < L->w ? S(app, 150) : L->w;
        km_ui_item *pic = add(app, KM_UI_DRAWING, (km_rect){L->x, L->y, d, d});
        if (pic)
            pic->arg = si, pic->panel = true;
        L->y += d;
        gap(L, 8);
    }
    const km_app_picture *photo = app->photos ? &app->photos[si] : NULL;
    if (photo && photo->px && photo->w > 0) { /* the clinic's own photo of it, as wide as the drawing */
        int pw = S(app, 150) < L->w ? S(app, 150) : L->w;
        int ph = (int)((long)pw * photo->h / photo->w);
        ph = ph > pw * 3 / 2 ? pw * 3 / 2 : ph;
        km_ui_item *pic = add(app, KM_UI_PICTURE, (km_rect){L->x, L->y, pw, ph});
        if (pic)
            pic->arg = si, pic->panel = true;
        L->y += ph;
        gap(L, 8);
    }
    for (int i = 0; i < st->step_count; i++) {
        para_c(L, fmt(app, "%d. %s", i + 1, st->steps[i]), L->body, false, KM_C_TEXT);
        gap(L, 4);
    }
    if (st->cautions && *st->cautions) {
        gap(L, 4);
        para_c(L, fmt(app, "Take care: %s", st->cautions), L->small, false, KM_C_MUTED);
    }
    gap(L, 10);
    hold_controls(L, si);
    L->x = x;
    L->w = w;
    if (card < app->item_count)
        app->items[card].r.h = L->y - y0;
    gap(L, 12);
}

static void muscle_detail(lay *L, const km_scene_sel *s)
{
    km_app *app = L->app;
    const km_muscle *m = &app->atlas->muscles[s->muscle];
    heading(L, m->name);
    para_c(L, fmt(app, "%s · %s · %s muscle", side_words(s->side), m->group, km_layer_name(m->layer)), L->small,
           false, KM_C_MUTED);
    gap(L, 10);
    if (m->bilateral) {
        static const char *const sides[] = {"Patient's right", "Patient's left"};
        static const int args[] = {KM_SIDE_RIGHT, KM_SIDE_LEFT};
        button_row(L, 2, sides, KM_ACT_SIDE, args, s->side == KM_SIDE_LEFT ? 1 : 0, NULL);
    }
    section(L, "About", m->text.summary);
    section(L, "What you may feel", m->text.symptoms);
    section(L, "Common causes", m->text.causes);
    section(L, "What you can do", m->text.self_care);
    section(L, "When to see a clinician", m->text.see_clinician);
    if (m->stretch_count > 0) {
        gap(L, 6);
        para_c(L, "Stretches", L->sub, true, KM_C_ACCENT);
        gap(L, 8);
        for (int i = 0; i < m->stretch_count; i++)
            stretch_card(L, m->stretches[i]);
    }
    if (m->text.source_count > 0) {
        para_c(L, "Sources", L->small, true, KM_C_MUTED);
        gap(L, 2);
        for (int i = 0; i < m->text.source_count; i++)
            para_c(L, m->text.sources[i], L->small, false, KM_C_MUTED), gap(L, 2);
    }
}

static void panel_explore(lay *L)
{
    km_app *app = L->app;
    static const char *const cmp[] = {"Compare: off", "Compare: on"};
    back_button(L);
    if (app->sel_count == 0) {
        heading(L, "Explore the body");
        para(L, "Tap a muscle on either view to see its knots (trigger points, marked ×), where they send pain, "
                "and the stretches that help. Tap it again to clear it; Back undoes any change.");
        para_c(L, app->set.kiosk ? "Small or deep muscles: use the Muscle list, or zoom in with two fingers or a "
                                   "double-tap."
                                 : "Small or deep muscles: use the Muscle list, or zoom in with two fingers, a "
                                   "double-tap or the mouse wheel.",
               L->small, false, KM_C_MUTED);
        gap(L, 14);
        button_row(L, 1, &cmp[app->compare ? 1 : 0], KM_ACT_COMPARE, NULL, app->compare ? 0 : -1, NULL);
        return;
    }
    static const char *const top[2] = {NULL, "Clear all"};
    const char *labels[2] = {cmp[app->compare ? 1 : 0], top[1]};
    int g = S(app, 8), h = S(app, TOUCH + 4), bw = (L->w - g) / 2;
    if (visible(L, L->y, h)) {
        km_ui_item *a = button(app, (km_rect){L->x, L->y, bw, h}, labels[0], KM_BTN_TAB, KM_ACT_COMPARE, 0);
        if (a)
            a->active = app->compare, a->panel = true;
        km_ui_item *b = button(app, (km_rect){L->x + bw + g, L->y, bw, h}, labels[1], KM_BTN_NORMAL, KM_ACT_CLEAR, 0);
        if (b)
            b->panel = true;
    }
    L->y += h + S(app, 12);
    if (app->sel_count > 1) {
        para_c(L, "Compared muscles (tap to read, × to remove)", L->small, true, KM_C_MUTED);
        gap(L, 6);
        for (int i = 0; i < app->sel_count; i++) {
            int rh = S(app, 64), xw = S(app, TOUCH + 4);
            if (visible(L, L->y, rh)) {
                /* the name on its own line, the side under it: a long name
                 * keeps its words (and is whole in the heading below) */
                const km_muscle *m = &app->atlas->muscles[app->sel[i].muscle];
                km_ui_item *it = button(app, (km_rect){L->x, L->y, L->w - xw - g, rh}, m->name, KM_BTN_ROW,
                                        KM_ACT_FOCUS, i);
                if (it)
                    it->swatch = app->sel[i].color, it->active = i == app->focus, it->panel = true,
                    it->sub = side_words(app->sel[i].side);
                km_ui_item *x = button(app, (km_rect){L->x + L->w - xw, L->y, xw, rh}, "×", KM_BTN_NORMAL,
                                       KM_ACT_UNSELECT, i);
                if (x)
                    x->panel = true, x->px = S(app, 24);
            }
            L->y += rh + S(app, 6);
        }
        gap(L, 10);
    }
    if (app->focus >= 0)
        muscle_detail(L, &app->sel[app->focus]);
}

static void panel_list(lay *L)
{
    km_app *app = L->app;
    static const char *const groups[] = {"head",    "neck", "shoulder", "upper back", "chest", "arm",   "forearm",
                                         "hand",    "abdomen", "low back", "hip",     "thigh", "leg",   "foot"};
    heading(L, "Muscles by body region");
    para(L, "Tap a muscle to open it. Deep muscles lie under others: turn on Deep muscles to see them on the body.");
    const km_atlas *a = app->atlas;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        bool any = false;
        for (int i = 0; i < a->muscle_count; i++) {
            const km_muscle *m = &a->muscles[i];
            if (strcmp(m->group, groups[g]) != 0)
                continue;
            if (!any) {
                gap(L, 6);
                char cap[32];
                snprintf(cap, sizeof cap, "%s", groups[g]);
                cap[0] = (char)(cap[0] - 32 * (cap[0] >= 'a' && cap[0] <= 'z'));
                para_c(L, fmt(app, "%s", cap), L->sub, true, KM_C_ACCENT);
                gap(L, 6);
                any = true;
            }
            row(L, m->name, m->layer == KM_LAYER_DEEP ? "deep muscle" : NULL, KM_ACT_SELECT, i,
                m->bilateral ? KM_SIDE_RIGHT : KM_SIDE_MIDLINE);
        }
    }
}

static void panel_learn(lay *L)
{
    const km_atlas *a = L->app->atlas;
    /* the atlas's first section usually asks the page's own question: its
     * title becomes the heading, not a repeat under it */
    const char *first = a->education_count > 0 ? a->education[0].title : NULL;
    heading(L, first && strcmp(first, "What is a muscle knot?") == 0 ? first : "What is a muscle knot?");
    if (a->education_count == 0)
        para(L, "This atlas has no general section yet.");
    for (int i = 0; i < a->education_count; i++) {
        gap(L, 4);
        if (!(i == 0 && first && strcmp(first, "What is a muscle knot?") == 0))
            para_c(L, a->education[i].title, L->sub, true, KM_C_ACCENT);
        gap(L, 4);
        para(L, a->education[i].body);
    }
    if (a->source_count > 0) {
        gap(L, 6);
        para_c(L, "Sources", L->small, true, KM_C_MUTED);
        for (int i = 0; i < a->source_count; i++)
            gap(L, 2), para_c(L, a->sources[i], L->small, false, KM_C_MUTED);
    }
}

static void panel(km_app *app)
{
    lay L = {app, app->ui, app->panel.x + S(app, PAD), app->panel.w - 2 * S(app, PAD), 0, S(app, 18), S(app, 15),
             S(app, 26), S(app, 19)};
    if (L.w > S(app, 760)) { /* lines a reader can follow: at most about 75 characters */
        L.x += (L.w - S(app, 760)) / 2;
        L.w = S(app, 760);
    }
    L.y = app->panel.y + S(app, PAD) - app->scroll;
    int top = L.y;
    fill(app, app->panel, KM_C_PANEL);
    add(app, KM_UI_CLIP, (km_rect){app->panel.x, app->panel.y, app->panel.w, app->panel.h - app->cue_h});
    if (!app->atlas) {
        heading(&L, "The muscle atlas could not be loaded");
        para(&L, app->status[0] ? app->status : "See the log for the reason.");
    } else {
        switch (app->mode) {
        case KM_MODE_WHERE: panel_where(&L); break;
        case KM_MODE_MARK: panel_mark(&L); break;
        case KM_MODE_LIST: panel_list(&L); break;
        case KM_MODE_LEARN: panel_learn(&L); break;
        default: panel_explore(&L); break;
        }
        gap(&L, 10);
        para_c(&L, "General information only, not a diagnosis. If pain is severe, new, or comes with other "
                   "symptoms, see a clinician.",
               L.small, false, KM_C_MUTED);
    }
    app->content_h = L.y + S(app, PAD) - top + app->cue_h;
    add(app, KM_UI_CLIP, (km_rect){0, 0, 0, 0});
}

/* The panel, with room for the "More below" strip when its content is
 * taller than the panel (decided by laying it out). */
static void panel_fit(km_app *app)
{
    for (int pass = 0; pass < 3; pass++) {
        app->item_count = 0;
        app->arena_used = 0;
        panel(app);
        int strip = app->content_h - app->cue_h > app->panel.h ? S(app, TOUCH + 20) : 0;
        int max = app->content_h - app->cue_h + strip - app->panel.h;
        if (strip == app->cue_h && app->scroll <= (max > 0 ? max : 0))
            return;
        app->cue_h = strip;
        if (app->scroll > (max > 0 ? max : 0))
            app->scroll = max > 0 ? max : 0; /* keep the scroll inside the content */
    }
}

/* More of the panel below: a cue at its bottom edge that also scrolls a
 * page when tapped (stretches are often several screens down). */
static void scroll_cue(km_app *app)
{
    if (app->cue_h == 0)
        return;
    fill(app, (km_rect){app->panel.x, app->panel.y + app->panel.h - app->cue_h, app->panel.w, app->cue_h}, KM_C_PANEL);
    if (app->scroll >= app->content_h - app->panel.h - S(app, 4))
        return;
    const char *t = "More below  ▾";
    int w = text_w(app, t, S(app, 16), true) + S(app, 40), h = S(app, TOUCH);
    km_rect r = {app->panel.x + (app->panel.w - w) / 2, app->panel.y + app->panel.h - h - S(app, 10), w, h};
    km_ui_item *it = button(app, r, t, KM_BTN_PRIMARY, KM_ACT_SCROLL, 1);
    if (it)
        it->px = S(app, 16), it->bold = true;
}

/* ---- chrome -------------------------------------------------------- */

static void top_bar(km_app *app)
{
    fill(app, app->top, KM_C_TOPBAR);
    static const char *const full[KM_MODE_COUNT] = {"Explore", "Where does it hurt?", "Mark pain", "Muscle list",
                                                   "What is a knot?"};
    static const char *const brief[KM_MODE_COUNT] = {"Explore", "Where?", "Mark", "List", "Learn"};
    int px = S(app, 18), pad = S(app, 18), g = S(app, 8), m = S(app, 12);
    int title_w = text_w(app, "knotmap", S(app, 24), true) + 2 * m;
    const char *const *labels = full;
    int total = 0;
    for (int pass = 0; pass < 2; pass++) {
        total = 0;
        for (int i = 0; i < KM_MODE_COUNT; i++)
            total += text_w(app, labels[i], px, true) + 2 * pad + g;
        if (total + title_w <= app->top.w)
            break;
        labels = brief;
    }
    bool show_title = total + title_w <= app->top.w;
    int x = show_title ? title_w : m;
    if (show_title)
        text(app, (km_rect){m, app->top.y + (app->top.h - S(app, 30)) / 2, title_w, S(app, 30)}, "knotmap", S(app, 24),
             true, KM_C_ON_ACCENT, 0);
    int h = S(app, TOUCH), y = app->top.y + (app->top.h - h) / 2;
    int extra = total <= app->top.w - x ? 0 : 0;
    (void)extra;
    for (int i = 0; i < KM_MODE_COUNT; i++) {
        int w = text_w(app, labels[i], px, true) + 2 * pad;
        if (x + w > app->top.w)
            w = app->top.w - x; /* very narrow windows: squeeze the last tab */
        km_ui_item *it = button(app, (km_rect){x, y, w, h}, labels[i], KM_BTN_TAB, KM_ACT_MODE, i);
        if (it)
            it->active = app->mode == (km_mode)i, it->bold = true, it->enabled = app->atlas != NULL;
        x += w + g;
    }
}

/* The row under the body: view controls on the left, output on the right.
 * Narrow windows get short labels, and lose "Save marks" last of all. */
static void toolbar(km_app *app)
{
    km_rect t = app->toolbar;
    fill(app, t, KM_C_BG);
    int h = S(app, TOUCH), y = t.y + (t.h - h) / 2, g = S(app, 10), m = S(app, 12), px = S(app, 17);
    bool k = app->set.kiosk;
    /* In the kiosk, the picture goes to the clinician under a code, never
     * to a path the patient cannot reach. */
    /* While the host saves in the background, the button that asked says
     * so (a status line would shrink the chart, and redrawing it then is
     * what would keep input waiting). */
    bool busy = app->task != KM_TASK_NONE;
    const char *saving = "Saving\xE2\x80\xA6", *sending = "Sending\xE2\x80\xA6";
    const char *full[4] = {"Reset zoom", app->show_deep ? "Deep muscles: on" : "Deep muscles: off",
                           k ? "Done" : busy ? saving : "Export picture",
                           k ? (busy ? sending : "Send to my clinician") : "Save marks"};
    const char *brief[4] = {"Reset", app->show_deep ? "Deep: on" : "Deep: off", k ? "Done" : busy ? saving : "Export",
                            k ? (busy ? sending : "Send") : "Save"};
    const km_action acts[4] = {KM_ACT_ZOOM_RESET, KM_ACT_DEEP, k ? KM_ACT_DONE : KM_ACT_EXPORT,
                               k ? KM_ACT_HANDOFF : KM_ACT_SAVE_MARKS};
    const char *const *labels = full;
    int w[4], n = 4;
    for (int pass = 0; pass < 3; pass++) {
        int total = 2 * m;
        for (int i = 0; i < n; i++)
            total += (w[i] = text_w(app, labels[i], px, i == 2) + S(app, pass ? 24 : 32)) + g;
        if (total <= t.w)
            break;
        if (labels == brief)
            n = 3; /* still too narrow: keep Done/Export, drop the last */
        labels = brief;
    }
    int x = t.x + m, xr = t.x + t.w - m;
    for (int i = 0; i < n; i++) {
        km_rect r = i < 2 ? (km_rect){x, y, w[i], h} : (km_rect){xr - w[i], y, w[i], h};
        km_button_style st = i == 1 ? KM_BTN_TAB : i == 2 ? KM_BTN_PRIMARY : KM_BTN_NORMAL;
        km_ui_item *it = button(app, r, labels[i], st, acts[i], 0);
        if (it) {
            it->px = px;
            it->bold = i == 2;
            it->active = i == 1 && app->show_deep;
            it->enabled = app->atlas && (i != 0 || km_app_is_zoomed(app)) &&
                          !(busy && (acts[i] == KM_ACT_EXPORT || acts[i] == KM_ACT_HANDOFF));
        }
        if (i < 2)
            x += w[i] + g;
        else
            xr -= w[i] + g;
    }
}

/* A close-up a tap opened gets a "×" at its top right to close it (one
 * that carries the selection or the drawing stays while they do). */
static void closeup_close(km_app *app)
{
    if (!app->atlas || !app->open_details)
        return;
    km_layout L;
    km_app_chart(app, &L);
    int s = S(app, TOUCH) * 5 / 6;
    for (int i = 0; i < L.nviews; i++) {
        const km_chart_view *v = &L.v[i];
        if (!v->detail || v->view >= 32 || !(app->open_details >> v->view & 1u))
            continue;
        km_rect r = {v->cell.x + v->cell.w - s, v->cell.y, s, s};
        km_ui_item *it = button(app, r, "\xC3\x97", KM_BTN_NORMAL, KM_ACT_CLOSE_DETAIL, v->view);
        if (it)
            it->px = S(app, 22), it->bold = true;
    }
}

static void status_toast(km_app *app)
{
    if (!app->status[0])
        return;
    km_rect r = app->toast;
    if (r.h == 0) /* a tiny window: over the bottom of the diagram */
        r = (km_rect){app->diagram.x, app->diagram.y + app->diagram.h / 2, app->diagram.w, app->diagram.h / 2};
    fill(app, r, app->status_error ? KM_C_ERROR : KM_C_OK);
    button(app, r, "", KM_BTN_GHOST, KM_ACT_STATUS_CLOSE, 0); /* a tap on it dismisses it */
    km_ui_item *it = add(app, KM_UI_WRAP, (km_rect){r.x + S(app, 16), r.y + S(app, 12), r.w - S(app, 32), r.h - S(app, 24)});
    if (it)
        it->text = app->status, it->px = S(app, 17), it->bold = true, it->color = KM_C_ON_ACCENT;
}

static bool rects_meet(km_rect a, km_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* The muscle under the mouse, named beside the pointer: right of it and
 * below, else left, else above, whichever stays inside the diagram and
 * off the key. */
static void hover_label(km_app *app)
{
    if (app->hover_muscle < 0 || !app->atlas || app->hover_muscle >= app->atlas->muscle_count)
        return;
    const km_muscle *m = &app->atlas->muscles[app->hover_muscle];
    const char *t = m->bilateral ? fmt(app, "%s (%s)", m->name, app->hover_side == KM_SIDE_LEFT ? "left" : "right")
                                 : m->name;
    int px = S(app, 16), w = text_w(app, t, px, true) + S(app, 20), h = S(app, 32);
    km_layout L;
    km_app_chart(app, &L);
    km_rect d = app->diagram;
    int hx = (int)app->hover_x, hy = (int)app->hover_y, gx = S(app, 16), gy = S(app, 18);
    const int xs[4] = {hx + gx, hx - w - S(app, 8), hx + gx, hx - w - S(app, 8)};
    const int ys[4] = {hy + gy, hy + gy, hy - h - S(app, 8), hy - h - S(app, 8)};
    km_rect best = {xs[0], ys[0], w, h};
    for (int i = 0; i < 4; i++) {
        km_rect r = {xs[i], ys[i], w, h};
        bool inside = r.x >= d.x && r.y >= d.y && r.x + r.w <= d.x + d.w && r.y + r.h <= d.y + d.h;
        if (inside && !(L.legend.w > 0 && rects_meet(r, L.legend))) {
            best = r;
            break;
        }
        if (i == 0 && r.x + r.w > d.x + d.w)
            best.x = xs[1]; /* the old rule when nothing fits: left of the pointer */
    }
    fill(app, best, KM_C_TOPBAR);
    text(app, (km_rect){best.x, best.y + (h - px * 13 / 10) / 2, w, h}, t, px, true, KM_C_ON_ACCENT, 1);
}

/* ---- overlays ------------------------------------------------------ */

static km_rect centred(const km_app *app, int w, int h)
{
    if (w > app->win_w - 16)
        w = app->win_w - 16;
    return (km_rect){(app->win_w - w) / 2, (app->win_h - h) / 2, w, h};
}

static void overlay_text(km_app *app, km_rect r, const char *t, int px, bool bold, km_color c)
{
    km_ui_item *it = add(app, KM_UI_WRAP, r);
    if (it)
        it->text = t, it->px = px, it->bold = bold, it->color = c, it->align = 1, it->overlay = true;
}

static void countdown(km_app *app)
{
    fill(app, (km_rect){0, 0, app->win_w, app->win_h}, KM_C_SCRIM);
    km_rect c = centred(app, S(app, 600), S(app, 340));
    fill(app, c, KM_C_PANEL);
    int x = c.x + S(app, 32), w = c.w - S(app, 64);
    overlay_text(app, (km_rect){x, c.y + S(app, 32), w, S(app, 40)}, "Are you still there?", S(app, 30), true,
                 KM_C_HEADING);
    int left = app->shown_second > 0 ? app->shown_second : app->set.countdown_s;
    overlay_text(app, (km_rect){x, c.y + S(app, 90), w, S(app, 100)}, fmt(app, "%d", left), S(app, 80), true,
                 KM_C_ACCENT);
    overlay_text(app, (km_rect){x, c.y + S(app, 210), w, S(app, 100)},
                 "Touch anywhere to keep going. Otherwise the screen clears for the next person.", S(app, 18), false,
                 KM_C_TEXT);
}

/* The attract screen: the body as it is, undimmed, so a patient with a
 * headache sees the head they want to touch; a calm prompt where the panel
 * goes (beside the body, or under it on a portrait screen), covering no
 * part of the body.  No animation: it costs nothing while it waits. */
static void attract(km_app *app)
{
    km_rect p = app->panel;
    fill(app, p, KM_C_PANEL);
    int pad = S(app, 32), w = p.w - 2 * pad;
    int big = S(app, 44);
    while (big > S(app, 26) && text_w(app, "Touch where it hurts", big, true) > w)
        big -= S(app, 2);
    const char *sub = "Tap the spot on the body where you feel pain. You will see which muscles may be causing it, "
                      "and what can help.";
    const char *note = "Nothing you do here is stored. The screen clears itself when you leave.";
    int hb = wrap_h(app, "Touch where it hurts", big, true, w), hs = wrap_h(app, sub, S(app, 20), false, w);
    int hn = wrap_h(app, note, S(app, 16), false, w);
    /* The clinic's own name and contact (settings clinic_name,
     * clinic_contact) above the prompt, when it has them. */
    const char *name = app->set.clinic_name, *contact = app->set.clinic_contact;
    int hcn = name[0] ? wrap_h(app, name, S(app, 22), true, w) : 0;
    int hcc = contact[0] ? wrap_h(app, contact, S(app, 16), false, w) : 0;
    int lh = 0, lw = 0; /* the clinic's logo above its name, at most 64 px tall */
    if (app->logo.px && app->logo.w > 0 && app->logo.h > 0) {
        lh = S(app, 64), lw = (int)((long)lh * app->logo.w / app->logo.h);
        if (lw > w)
            lw = w, lh = (int)((long)w * app->logo.h / app->logo.w);
    }
    int hc = (lh ? lh + S(app, 12) : 0) + hcn + hcc + (lh + hcn + hcc ? S(app, 28) : 0);
    int total = hc + hb + S(app, 20) + hs + S(app, 24) + hn;
    int y = p.y + (p.h - total) / 3;
    if (y < p.y + pad)
        y = p.y + pad;
    int yc = y;
    if (lh) {
        km_ui_item *pic = add(app, KM_UI_PICTURE, (km_rect){p.x + pad + (w - lw) / 2, yc, lw, lh});
        if (pic)
            pic->arg = -1, pic->overlay = true;
        yc += lh + S(app, 12);
    }
    if (hcn)
        overlay_text(app, (km_rect){p.x + pad, yc, w, hcn}, name, S(app, 22), true, KM_C_ACCENT);
    if (hcc)
        overlay_text(app, (km_rect){p.x + pad, yc + hcn, w, hcc}, contact, S(app, 16), false, KM_C_MUTED);
    y += hc;
    overlay_text(app, (km_rect){p.x + pad, y, w, hb}, "Touch where it hurts", big, true, KM_C_HEADING);
    y += hb + S(app, 20);
    overlay_text(app, (km_rect){p.x + pad, y, w, hs}, sub, S(app, 20), false, KM_C_TEXT);
    y += hs + S(app, 24);
    overlay_text(app, (km_rect){p.x + pad, y, w, hn}, note, S(app, 16), false, KM_C_MUTED);
}

static void pin_pad(km_app *app)
{
    fill(app, (km_rect){0, 0, app->win_w, app->win_h}, KM_C_SCRIM);
    int key = S(app, 84), g = S(app, 12), w = 3 * key + 2 * g + S(app, 64);
    km_rect c = centred(app, w, S(app, 256) + 4 * key + 3 * g);
    fill(app, c, KM_C_PANEL);
    int x0 = c.x + S(app, 32), y = c.y + S(app, 28);
    overlay_text(app, (km_rect){x0, y, w - S(app, 64), S(app, 36)}, "Administrator PIN", S(app, 26), true, KM_C_HEADING);
    y += S(app, 50);
    char dots[4 * KM_PIN_MAX + 1] = "";
    for (int i = 0; i < app->pin_len; i++)
        strcat(dots, "● ");
    const char *prompt = app->pin_note[0] ? app->pin_note : "Enter the PIN"; /* says so after a wrong PIN */
    overlay_text(app, (km_rect){x0, y, w - S(app, 64), S(app, 40)}, app->pin_len ? fmt(app, "%s", dots) : prompt,
                 S(app, app->pin_len ? 28 : 18), false, KM_C_MUTED);
    y += S(app, 70);
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"};
    for (int i = 0; i < 12; i++) {
        km_action act = i == 9 ? KM_ACT_PIN_BACK : i == 11 ? KM_ACT_PIN_OK : KM_ACT_PIN_DIGIT;
        int digit = act != KM_ACT_PIN_DIGIT ? 0 : i == 10 ? 0 : i + 1;
        km_ui_item *it = button(app, (km_rect){x0 + (i % 3) * (key + g), y + (i / 3) * (key + g), key, key}, keys[i],
                                i == 11 ? KM_BTN_PRIMARY : KM_BTN_KEY, act, digit);
        if (it)
            it->overlay = true, it->px = S(app, 28), it->bold = true;
    }
    y += 4 * key + 3 * g + S(app, 20);
    km_ui_item *it = button(app, (km_rect){x0, y, 3 * key + 2 * g, S(app, TOUCH + 8)}, "Cancel", KM_BTN_NORMAL,
                            KM_ACT_PIN_CANCEL, 0);
    if (it)
        it->overlay = true;
}

/* "Which one did you mean?": a small card beside the tap, one row per
 * muscle within reach (the patient's order), and Cancel.  No scrim: the
 * body stays visible around it. */
static void picker(km_app *app)
{
    km_rect d = app->diagram;
    int rh = S(app, 56), g = S(app, 6), pad = S(app, 16), head = S(app, 40);
    int w = S(app, 380), h = pad + head + app->pick_count * (rh + g) + S(app, TOUCH) + 2 * pad;
    for (int i = 0; i < app->pick_count; i++) { /* wide enough for the longest name ("... longus" vs "... brevis") */
        int need = text_w(app, app->atlas->muscles[app->pick[i].muscle].name, S(app, 18), true) + S(app, 110);
        w = need > w ? need : w;
    }
    if (w > d.w - 2 * g)
        w = d.w - 2 * g;
    int x = (int)app->pick_x + S(app, 36), y = (int)app->pick_y - h / 2;
    if (x + w > d.x + d.w - g)
        x = (int)app->pick_x - S(app, 36) - w; /* no room on the right: to the left of the finger */
    if (x < d.x + g)
        x = d.x + g;
    if (y + h > d.y + d.h - g)
        y = d.y + d.h - g - h;
    if (y < d.y + g)
        y = d.y + g;
    km_rect c = {x, y, w, h};
    fill(app, (km_rect){c.x - S(app, 2), c.y - S(app, 2), c.w + S(app, 4), c.h + S(app, 4)}, KM_C_BORDER);
    fill(app, c, KM_C_PANEL);
    km_ui_item *t = text(app, (km_rect){x + pad, y + pad, w - 2 * pad, head}, "Which one did you mean?", S(app, 20),
                         true, KM_C_HEADING, 0);
    if (t)
        t->overlay = true;
    int yy = y + pad + head;
    for (int i = 0; i < app->pick_count; i++) {
        const km_reach *r = &app->pick[i];
        const km_muscle *m = &app->atlas->muscles[r->muscle];
        const char *sub = fmt(app, "%s%s", side_words(r->side), r->deep ? " · deep" : "");
        km_ui_item *it = button(app, (km_rect){x + pad, yy, w - 2 * pad, rh}, m->name, KM_BTN_ROW, KM_ACT_PICK, i);
        if (it)
            it->sub = sub, it->overlay = true;
        if (!app->pick_logged) /* end-to-end tests find the rows by muscle */
            km_app_log(app, KM_LOG_DEBUG, "ui pick=%d muscle=%s side=%s x=%d y=%d", i, m->id, km_side_name(r->side),
                       x + w / 2, yy + rh / 2);
        yy += rh + g;
    }
    app->pick_logged = true;
    km_ui_item *c2 = button(app, (km_rect){x + pad, yy + S(app, 4), w - 2 * pad, S(app, TOUCH)}, "Cancel",
                            KM_BTN_NORMAL, KM_ACT_PICK_CANCEL, 0);
    if (c2)
        c2->overlay = true;
}

/* A question before a destructive action: what will happen, and two (or
 * three) answers, the safe one first. */
static void confirm(km_app *app)
{
    bool quit = app->confirm == KM_ACT_QUIT;
    const char *title = quit ? "Quit without saving?" : "Start over?";
    const char *body = quit ? "Your marks have not been saved. They will be lost if you quit now."
                            : "Your marks will be cleared and the screen will be ready for the next person.";
    fill(app, (km_rect){0, 0, app->win_w, app->win_h}, KM_C_SCRIM);
    int pad = S(app, 32), w = S(app, 560);
    if (w > app->win_w - S(app, 32))
        w = app->win_w - S(app, 32);
    int bh = S(app, TOUCH + 8), body_h = wrap_h(app, body, S(app, 18), false, w - 2 * pad);
    int n = quit ? 3 : 2, h = pad + S(app, 44) + body_h + S(app, 24) + n * (bh + S(app, 10)) + pad;
    km_rect c = centred(app, w, h);
    fill(app, c, KM_C_PANEL);
    int x = c.x + pad, iw = c.w - 2 * pad, y = c.y + pad;
    overlay_text(app, (km_rect){x, y, iw, S(app, 40)}, title, S(app, 28), true, KM_C_HEADING);
    y += S(app, 44);
    overlay_text(app, (km_rect){x, y, iw, body_h}, body, S(app, 18), false, KM_C_TEXT);
    y += body_h + S(app, 24);
    const char *labels[3] = {quit ? "Cancel" : "No, keep going", quit ? "Save marks" : "Yes, start over",
                             "Quit without saving"};
    const int args[3] = {0, quit ? 2 : 1, 1};
    for (int i = 0; i < n; i++) {
        km_ui_item *it = button(app, (km_rect){x, y, iw, bh}, labels[i], i == 0 ? KM_BTN_PRIMARY : KM_BTN_NORMAL,
                                KM_ACT_CONFIRM, args[i]);
        if (it)
            it->overlay = true;
        y += bh + S(app, 10);
    }
}

/* The desktop's export dialog: a title and a notes line for the picture
 * (and the handout), both optional, typed on the keyboard; Export and
 * Cancel, and a line saying which keys do what. */
static void export_dialog(km_app *app)
{
    fill(app, (km_rect){0, 0, app->win_w, app->win_h}, KM_C_SCRIM);
    int pad = S(app, 32), w = S(app, 600);
    if (w > app->win_w - S(app, 32))
        w = app->win_w - S(app, 32);
    const char *intro = "A title and a note to print on the picture. Both are optional; they are not saved "
                        "anywhere else.";
    const char *keys = "Enter exports \xC2\xB7 Tab moves to the next field \xC2\xB7 Esc cancels";
    int iw = w - 2 * pad, fh = S(app, 52), lab = S(app, 28), bh = S(app, TOUCH + 8);
    int intro_h = wrap_h(app, intro, S(app, 17), false, iw), keys_h = wrap_h(app, keys, S(app, 15), false, iw);
    int h = pad + S(app, 44) + intro_h + S(app, 20) + 2 * (lab + fh + S(app, 16)) + keys_h + S(app, 20) + bh + pad;
    km_rect c = centred(app, w, h);
    fill(app, (km_rect){c.x - S(app, 1), c.y - S(app, 1), c.w + S(app, 2), c.h + S(app, 2)}, KM_C_BORDER);
    fill(app, c, KM_C_PANEL);
    int x = c.x + pad, y = c.y + pad;
    km_ui_item *t = text(app, (km_rect){x, y, iw, S(app, 40)}, "Export picture", S(app, 28), true, KM_C_HEADING, 0);
    if (t)
        t->overlay = true;
    y += S(app, 44);
    km_ui_item *p = add(app, KM_UI_WRAP, (km_rect){x, y, iw, intro_h});
    if (p)
        p->text = intro, p->px = S(app, 17), p->color = KM_C_MUTED, p->overlay = true;
    y += intro_h + S(app, 20);
    static const char *const labels[KM_FIELD_COUNT] = {"Title", "Notes"};
    static const char *const hints[KM_FIELD_COUNT] = {"For example: Neck and shoulder pain, right side",
                                                      "For example: Worse after desk work; stretches twice a day"};
    for (int i = 0; i < KM_FIELD_COUNT; i++) {
        km_ui_item *l = text(app, (km_rect){x, y, iw, lab}, labels[i], S(app, 16), true, KM_C_TEXT, 0);
        if (l)
            l->overlay = true;
        y += lab;
        km_ui_item *f = add(app, KM_UI_FIELD, (km_rect){x, y, iw, fh});
        if (f)
            f->text = app->field[i], f->sub = hints[i], f->px = S(app, 18), f->active = app->field_focus == i,
            f->overlay = true;
        km_ui_item *tap = button(app, (km_rect){x, y, iw, fh}, "", KM_BTN_GHOST, KM_ACT_FIELD, i);
        if (tap)
            tap->overlay = true;
        y += fh + S(app, 16);
    }
    km_ui_item *k = add(app, KM_UI_WRAP, (km_rect){x, y, iw, keys_h});
    if (k)
        k->text = keys, k->px = S(app, 15), k->color = KM_C_MUTED, k->overlay = true;
    y += keys_h + S(app, 20);
    int g = S(app, 12), bw = (iw - g) / 2;
    km_ui_item *no = button(app, (km_rect){x, y, bw, bh}, "Cancel", KM_BTN_NORMAL, KM_ACT_EXPORT_CANCEL, 0);
    if (no)
        no->overlay = true;
    km_ui_item *go = button(app, (km_rect){x + bw + g, y, iw - bw - g, bh}, "Export", KM_BTN_PRIMARY,
                            KM_ACT_EXPORT_GO, 0);
    if (go)
        go->overlay = true, go->bold = true;
}

/* The hand-off code, large: what the patient says at reception.  No path,
 * no file name. */
static void handoff_card(km_app *app)
{
    char shown[KM_HANDOFF_LEN + 2];
    km_handoff_show(app->handoff_code, shown);
    fill(app, (km_rect){0, 0, app->win_w, app->win_h}, KM_C_SCRIM);
    int pad = S(app, 32), w = S(app, 620);
    if (w > app->win_w - S(app, 32))
        w = app->win_w - S(app, 32);
    const char *note = "Your drawing has been sent. Reception will pass it to your clinician with this code.";
    int note_h = wrap_h(app, note, S(app, 18), false, w - 2 * pad);
    int code_px = S(app, 84);
    while (code_px > S(app, 24) && text_w(app, shown, code_px, true) > w - 2 * pad)
        code_px -= S(app, 4);
    int h = pad + S(app, 44) + code_px * 13 / 10 + S(app, 16) + note_h + S(app, 24) + S(app, TOUCH + 8) + pad;
    km_rect c = centred(app, w, h);
    fill(app, c, KM_C_PANEL);
    int x = c.x + pad, iw = c.w - 2 * pad, y = c.y + pad;
    overlay_text(app, (km_rect){x, y, iw, S(app, 40)}, "Tell reception:", S(app, 28), true, KM_C_HEADING);
    y += S(app, 44);
    overlay_text(app, (km_rect){x, y, iw, code_px * 13 / 10}, fmt(app, "%s", shown), code_px, true, KM_C_ACCENT);
    y += code_px * 13 / 10 + S(app, 16);
    overlay_text(app, (km_rect){x, y, iw, note_h}, note, S(app, 18), false, KM_C_TEXT);
    y += note_h + S(app, 24);
    km_ui_item *it = button(app, (km_rect){x, y, iw, S(app, TOUCH + 8)}, "OK", KM_BTN_PRIMARY, KM_ACT_HANDOFF_CLOSE, 0);
    if (it)
        it->overlay = true;
}

/* "Open patient drawing": the drawings sent from a kiosk, newest first,
 * by code and time, as the host found them in the export folder. */
static void inbox(km_app *app)
{
    fill(app, (km_rect){0, 0, app->win_w, app->win_h}, KM_C_SCRIM);
    int pad = S(app, 28), w = S(app, 560), rh = S(app, 64), g = S(app, 8);
    if (w > app->win_w - S(app, 32))
        w = app->win_w - S(app, 32);
    const char *empty = "No drawings have been sent from a kiosk to this export folder yet. `knotmap run --code "
                        "CODE` opens one by its code.";
    int body = app->inbox_count ? app->inbox_count * (rh + g) : wrap_h(app, empty, S(app, 18), false, w - 2 * pad);
    int h = pad + S(app, 44) + body + S(app, 16) + S(app, TOUCH + 8) + pad;
    if (h > app->win_h - S(app, 16))
        h = app->win_h - S(app, 16);
    km_rect c = centred(app, w, h);
    fill(app, c, KM_C_PANEL);
    int x = c.x + pad, iw = c.w - 2 * pad, y = c.y + pad;
    overlay_text(app, (km_rect){x, y, iw, S(app, 40)}, "Open patient drawing", S(app, 26), true, KM_C_HEADING);
    y += S(app, 44);
    if (app->inbox_count == 0) {
        overlay_text(app, (km_rect){x, y, iw, body}, empty, S(app, 18), false, KM_C_TEXT);
        y += body;
    }
    for (int i = 0; i < app->inbox_count && y + rh <= c.y + c.h - pad - S(app, TOUCH + 8); i++) {
        char shown[KM_HANDOFF_LEN + 2];
        km_handoff_show(app->inbox[i].code, shown);
        km_ui_item *it = button(app, (km_rect){x, y, iw, rh}, fmt(app, "%s", shown), KM_BTN_ROW, KM_ACT_OPEN_CODE, i);
        if (it)
            it->sub = fmt(app, "sent %s", app->inbox[i].when), it->overlay = true;
        y += rh + g;
    }
    y += S(app, 16) - g;
    km_ui_item *it = button(app, (km_rect){x, y, iw, S(app, TOUCH + 8)}, "Cancel", KM_BTN_NORMAL, KM_ACT_PATIENTS, 0);
    if (it)
        it->overlay = true;
}

/* ---- the whole screen ---------------------------------------------- */

void km_app_regions(km_app *app)
{
    int W = app->win_w, H = app->win_h, top = S(app, 68), bar = S(app, 68);
    app->top = (km_rect){0, 0, W, top};
    if (H > W * 21 / 20) { /* portrait: views above, panel below, the toolbar at the bottom edge */
        int ph = H * 38 / 100; /* the body gets the larger share: its key then goes below it and the figures fill the width */
        app->toolbar = (km_rect){0, H - bar, W, bar};
        app->panel = (km_rect){0, H - bar - ph, W, ph};
        app->diagram = (km_rect){0, top, W, H - ph - bar - top};
    } else {
        int pw = W * 36 / 100;
        if (pw < S(app, 340))
            pw = S(app, 340);
        if (pw > S(app, 640))
            pw = S(app, 640);
        if (pw > W - S(app, 320))
            pw = W - S(app, 320);
        app->panel = (km_rect){W - pw, top, pw, H - top};
        app->toolbar = (km_rect){0, H - bar, W - pw, bar};
        app->diagram = (km_rect){0, top, W - pw, H - top - bar};
    }
    /* The status line takes a strip off the bottom of the panel: the
     * diagram keeps its size, so a message neither moves the figures nor
     * makes the body be drawn again, and it covers no button or word (the
     * panel's text scrolls above it). */
    app->toast = (km_rect){0, 0, 0, 0};
    if (app->status[0]) {
        km_rect p = app->panel;
        int px = S(app, 17), h = wrap_h(app, app->status, px, true, p.w - S(app, 32)) + S(app, 24);
        if (h < p.h / 2) {
            app->panel.h -= h;
            app->toast = (km_rect){p.x, p.y + p.h - h, p.w, h};
        }
    }
}

/* With --log-level debug, say where the fixed buttons are whenever they
 * move, so end-to-end tests (and a curious technician) can find them
 * without knowing the font's metrics. */
static void log_chrome(km_app *app)
{
    static const char *const names[] = {[KM_ACT_MODE] = "tab", [KM_ACT_ZOOM_RESET] = "reset-zoom",
                                        [KM_ACT_DEEP] = "deep", [KM_ACT_EXPORT] = "export",
                                        [KM_ACT_SAVE_MARKS] = "save-marks", [KM_ACT_DONE] = "done",
                                        [KM_ACT_HANDOFF] = "send"};
    if (app->set.log_level < KM_LOG_DEBUG)
        return;
    unsigned long sum = 0;
    for (int i = 0; i < app->item_count; i++) {
        const km_ui_item *it = &app->items[i];
        if (it->kind == KM_UI_BUTTON && !it->panel && !it->overlay)
            sum = sum * 31 + (unsigned long)(it->r.x * 7 + it->r.y * 13 + it->r.w * 17 + it->action);
    }
    if (sum == app->chrome_sum)
        return;
    app->chrome_sum = sum;
    for (int i = 0; i < app->item_count; i++) {
        const km_ui_item *it = &app->items[i];
        if (it->kind != KM_UI_BUTTON || it->panel || it->overlay || (size_t)it->action >= sizeof names / sizeof names[0] ||
            !names[it->action])
            continue;
        km_app_log(app, KM_LOG_DEBUG, "ui button=%s%s%s x=%d y=%d", names[it->action],
                   it->action == KM_ACT_MODE ? "-" : "", it->action == KM_ACT_MODE ? km_mode_word((km_mode)it->arg) : "",
                   it->r.x + it->r.w / 2, it->r.y + it->r.h / 2);
    }
}

/* With --log-level debug, say where each view is whenever that changes
 * ("place view=back scale=... ox=... oy=..."): end-to-end tests map view
 * points to window pixels with it. */
static void log_places(km_app *app)
{
    if (app->set.log_level < KM_LOG_DEBUG || !app->atlas)
        return;
    km_layout L;
    km_app_chart(app, &L);
    for (int i = 0; i < L.nviews; i++) {
        const km_chart_view *e = &L.v[i];
        km_xform *last = &app->logged_place[e->view < KM_APP_MAX_VIEWS ? e->view : 0];
        if (last->scale == e->xf.scale && last->ox == e->xf.ox && last->oy == e->xf.oy)
            continue;
        *last = e->xf;
        km_app_log(app, KM_LOG_DEBUG, "place view=%s scale=%.5f ox=%.2f oy=%.2f", app->atlas->views[e->view].id,
                   e->xf.scale, e->xf.ox, e->xf.oy);
    }
}

void km_app_layout(km_app *app)
{
    if (!app->layout_dirty)
        return;
    app->item_count = 0;
    app->arena_used = 0;
    km_app_regions(app);
    panel_fit(app);
    scroll_cue(app);
    top_bar(app);
    toolbar(app);
    closeup_close(app);
    status_toast(app);
    if (app->idle == KM_IDLE_ACTIVE && !app->pin_open && app->pick_count == 0)
        hover_label(app);
    if (app->idle == KM_IDLE_ACTIVE && app->pick_count > 0 && app->atlas)
        picker(app);
    if (app->idle == KM_IDLE_ACTIVE && app->confirm != KM_ACT_NONE)
        confirm(app);
    if (app->idle == KM_IDLE_ACTIVE && app->handoff_code[0])
        handoff_card(app);
    if (app->idle == KM_IDLE_ACTIVE && app->inbox_open)
        inbox(app);
    if (app->idle == KM_IDLE_ACTIVE && app->export_open && !app->set.kiosk)
        export_dialog(app);
    if (app->idle == KM_IDLE_COUNTDOWN)
        countdown(app);
    else if (app->idle == KM_IDLE_ATTRACT)
        attract(app);
    if (app->pin_open)
        pin_pad(app);
    app->layout_dirty = false;
    app->redraw = true;
    log_chrome(app);
    log_places(app);
}
