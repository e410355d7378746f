/*
 * test_textfit.c - no text is clipped, overflows its room or overlaps other
 * text, on every screen and mode, at the five screen sizes a clinic meets:
 * 1920x1080, 1280x800, 1080x1920 (a portrait kiosk), 1024x600 and 3840x2160.
 *
 * The app is laid out with the real font's measurements (km_ui_measure)
 * and the UI is drawn by the program's own km_ui_draw_record onto a
 * software renderer, which records each line of text with the box it took
 * and the room it was given.  A screen fails on text outside the window or
 * outside its clip sideways (text cut off at the scrolling panel's top or
 * bottom edge is scrolling, not clipping), text wider than its room (a
 * single word wider than a paragraph's column included), and two texts of
 * the same layer that overlap.  The bundled atlas supplies the longest
 * muscle names.  On failure each problem is printed with the screen, the
 * size and the text.
 */
#include <SDL.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"
#include "draw/text.h"
#include "draw/ui_draw.h"
#include "chart/labels.h"
#include "chart/layout.h"
#include "km_test.h"

static km_atlas *atlas;
static km_font *font;
static uint64_t now;

static const struct { int w, h; } sizes[] = {{1920, 1080}, {1280, 800}, {1080, 1920}, {1024, 600}, {3840, 2160}};

static void in(km_app *app, km_input e)
{
    e.time_ms = now;
    km_app_input(app, &e);
}

static void start(km_app *app, bool kiosk, int w, int h)
{
    km_app_settings s;
    memset(&s, 0, sizeof s);
    s.kiosk = kiosk;
    s.idle_timeout_s = 90;
    s.countdown_s = 10;
    s.start_mode = KM_MODE_EXPLORE;
    s.log_level = KM_LOG_ERROR;
    snprintf(s.export_dir, sizeof s.export_dir, "/tmp");
    if (kiosk) { /* the clinic's name and contact head the attract screen: they must fit too */
        snprintf(s.clinic_name, sizeof s.clinic_name, "Riverside Physiotherapy and Sports Injury Clinic");
        snprintf(s.clinic_contact, sizeof s.clinic_contact, "01234 567890 · reception@riverside-physio.example");
    }
    now = 1000;
    km_app_init(app, atlas, &s, now);
    km_app_set_measure(app, km_ui_measure(font));
    in(app, (km_input){.kind = KM_IN_RESIZE, .w = w, .h = h, .scale = km_ui_scale(w, h, 0)});
    if (kiosk)
        app->idle = KM_IDLE_ACTIVE; /* past the attract screen (it has its own screen below) */
}

/* Muscles by name length, longest first (the hardest to fit). */
static int longest[8];
static void find_longest(void)
{
    for (int k = 0; k < 8; k++) {
        int best = -1;
        for (int m = 0; m < atlas->muscle_count; m++) {
            bool taken = false;
            for (int j = 0; j < k; j++)
                taken |= longest[j] == m;
            if (!taken && (best < 0 || strlen(atlas->muscles[m].name) > strlen(atlas->muscles[best].name)))
                best = m;
        }
        longest[k] = best;
    }
}

static void tap_area(km_app *app, const char *id, km_side side)
{
    int a = km_atlas_area_index(atlas, id, side);
    assert_true(a >= 0);
    km_layout L;
    km_app_layout(app);
    km_app_chart(app, &L);
    int i = km_layout_find(&L, atlas->areas[a].view);
    assert_true(i >= 0);
    km_vec2 p = km_layout_to_screen(&L, i, atlas->areas[a].centroid);
    in(app, (km_input){.kind = KM_IN_DOWN, .pointer = 1, .touch = true, .x = p.x, .y = p.y});
    now += 60;
    in(app, (km_input){.kind = KM_IN_UP, .pointer = 1, .touch = true, .x = p.x, .y = p.y});
    now += 600;
}

/* ---- the screens --------------------------------------------------- */

typedef struct screen {
    const char *name;
    bool kiosk;
    void (*set)(km_app *app);
} screen;

static void s_explore(km_app *app) { (void)app; }
static void s_selected(km_app *app) { km_app_action(app, KM_ACT_SELECT, longest[0], KM_SIDE_LEFT); }
static void s_compare(km_app *app)
{
    km_app_action(app, KM_ACT_COMPARE, 0, 0);
    for (int i = 0; i < 5; i++)
        km_app_action(app, KM_ACT_SELECT, longest[i], i % 2 ? KM_SIDE_LEFT : KM_SIDE_RIGHT);
}
static void s_stretch(km_app *app)
{
    for (int m = 0; m < atlas->muscle_count; m++)
        if (atlas->muscles[m].stretch_count > 0) {
            km_app_action(app, KM_ACT_SELECT, m, KM_SIDE_RIGHT);
            km_app_action(app, KM_ACT_TIMER, atlas->muscles[m].stretches[0], 0);
            km_app_tick(app, now + 3000);
            /* scroll down, a half panel at a time, until the running card's ring shows */
            for (int step = 0; step < 80; step++) {
                app->layout_dirty = true;
                km_app_layout(app);
                for (int i = 0; i < app->item_count; i++)
                    if (app->items[i].kind == KM_UI_RING && app->items[i].r.y + app->items[i].r.h < app->panel.y + app->panel.h - app->cue_h)
                        return;
                app->scroll += app->panel.h / 2;
            }
            return;
        }
}
static void s_where(km_app *app)
{
    km_app_action(app, KM_ACT_MODE, KM_MODE_WHERE, 0);
    tap_area(app, "anterior_chest", KM_SIDE_LEFT);
}
static void s_mark(km_app *app)
{
    km_app_action(app, KM_ACT_MODE, KM_MODE_MARK, 0);
    km_app_action(app, KM_ACT_TOOL, KM_TOOL_PIN, 0);
    tap_area(app, "low_back", KM_SIDE_MIDLINE);
    tap_area(app, "calf", KM_SIDE_LEFT);
    tap_area(app, "temple", KM_SIDE_RIGHT);
}
/* The eight longest names compared at once: the key wraps them all. */
static void s_compare_longest(km_app *app)
{
    km_app_action(app, KM_ACT_COMPARE, 0, 0);
    for (int i = 0; i < 8; i++)
        km_app_action(app, KM_ACT_SELECT, longest[i], i % 2 ? KM_SIDE_LEFT : KM_SIDE_RIGHT);
}
static void s_list(km_app *app) { km_app_action(app, KM_ACT_MODE, KM_MODE_LIST, 0); }
static void s_learn(km_app *app) { km_app_action(app, KM_ACT_MODE, KM_MODE_LEARN, 0); }
static void s_picker(km_app *app)
{
    km_layout L;
    km_app_layout(app);
    km_app_chart(app, &L);
    app->pick_count = KM_REACH_MAX;
    for (int i = 0; i < KM_REACH_MAX; i++)
        app->pick[i] = (km_reach){longest[i], KM_SIDE_LEFT, i % 2 == 1, false, 1, 0};
    app->pick_view = L.v[0].view;
    app->pick_x = (float)(L.v[0].cell.x + L.v[0].cell.w / 2);
    app->pick_y = (float)(L.v[0].cell.y + L.v[0].cell.h / 3);
    app->layout_dirty = true;
}
static void s_toast(km_app *app)
{
    km_app_status(app, true, "Could not export: /home/clinic/Pictures/knotmap-20261125-101010.png: No space left on "
                             "device");
}
static void s_quit(km_app *app)
{
    s_mark(app);
    km_app_action(app, KM_ACT_QUIT, 0, 0);
}
static void s_inbox(km_app *app)
{
    km_app_action(app, KM_ACT_PATIENTS, 1, 0);
    app->want_inbox = false;
    app->inbox_count = KM_HANDOFF_INBOX;
    for (int i = 0; i < KM_HANDOFF_INBOX; i++)
        app->inbox[i] = (km_handoff_entry){"K7P4QX", "2026-11-25 14:32"};
    app->layout_dirty = true;
}
static void s_hover(km_app *app)
{
    km_layout L;
    km_app_layout(app);
    km_app_chart(app, &L);
    /* the right edge of the last view, near the key */
    const km_chart_view *v = &L.v[L.nviews - 1];
    for (float x = (float)(v->cell.x + v->cell.w) - 2; x > v->cell.x; x -= 2) {
        in(app, (km_input){.kind = KM_IN_HOVER, .x = x, .y = (float)(v->cell.y + v->cell.h / 3)});
        if (app->hover_muscle >= 0)
            return;
    }
}
static void s_done(km_app *app)
{
    km_app_action(app, KM_ACT_SELECT, longest[0], KM_SIDE_LEFT);
    km_app_action(app, KM_ACT_DONE, 0, 0);
}
static void s_handoff(km_app *app) { km_app_handoff_done(app, true, "K7P4QX"); }
/* The export dialog with a long title (scrolled in its field) and notes,
 * and a background save under way (the toolbar's "Saving..."). */
static void s_export_dialog(km_app *app)
{
    km_app_action(app, KM_ACT_EXPORT, 0, 0);
    km_input t = {.kind = KM_IN_TEXT, .time_ms = now,
                  .text = "Neck and shoulder pain on the left side, worse after long days at the desk and driving"};
    km_app_input(app, &t);
    km_app_input(app, &(km_input){.kind = KM_IN_KEY, .time_ms = now, .key = KM_KEY_TAB});
    t.text = "Review in two weeks";
    km_app_input(app, &t);
}
static void s_saving(km_app *app) { km_app_task_started(app, KM_TASK_EXPORT); }
static void s_attract(km_app *app) { app->idle = KM_IDLE_ATTRACT, app->layout_dirty = true; }
static void s_countdown(km_app *app)
{
    km_app_tick(app, now + 90000);
    km_app_tick(app, now + 93000);
}
static void s_pin(km_app *app)
{
    app->pin_open = true;
    app->layout_dirty = true;
}

static const screen screens[] = {
    {"explore", false, s_explore},   {"explore-selected", false, s_selected}, {"compare", false, s_compare},
    {"compare-longest", false, s_compare_longest},
    {"stretch-hold", false, s_stretch}, {"where", false, s_where},         {"mark", false, s_mark},
    {"list", false, s_list},         {"learn", false, s_learn},               {"picker", false, s_picker},
    {"toast", false, s_toast},       {"quit-question", false, s_quit},        {"open-patient", false, s_inbox},
    {"hover", false, s_hover},       {"kiosk-where", true, s_where},          {"kiosk-done-question", true, s_done},
    {"kiosk-handoff", true, s_handoff}, {"kiosk-attract", true, s_attract},   {"kiosk-countdown", true, s_countdown},
    {"kiosk-pin", true, s_pin},      {"export-dialog", false, s_export_dialog}, {"saving", false, s_saving},
    {"kiosk-sending", true, s_saving},
};

/* ---- the checks ---------------------------------------------------- */

static bool inside_x(km_rect a, km_rect c) { return a.x >= c.x - 1 && a.x + a.w <= c.x + c.w + 1; }

static bool overlap(km_rect a, km_rect b)
{
    return a.x + 1 < b.x + b.w && b.x + 1 < a.x + a.w && a.y + 1 < b.y + b.h && b.y + 1 < a.y + a.h;
}

static bool visible_in_clip(const km_text_box *t)
{
    return t->clip.w == 0 || (t->box.y + t->box.h > t->clip.y && t->box.y < t->clip.y + t->clip.h);
}

/* The part of a box its clip lets through (vertically: the panel scrolls). */
static km_rect shown_part(const km_text_box *t)
{
    km_rect r = t->box;
    if (t->clip.w == 0)
        return r;
    int y0 = r.y > t->clip.y ? r.y : t->clip.y, y1 = r.y + r.h < t->clip.y + t->clip.h ? r.y + r.h : t->clip.y + t->clip.h;
    r.y = y0;
    r.h = y1 > y0 ? y1 - y0 : 0;
    return r;
}

/* The chart's own words (the key, each view's name, "Patient's
 * right/left", the pins' numbers), placed by the program's own
 * km_chart_labels and measured with the real font: the UI must not cover
 * them (tooltips avoid the key, toasts avoid content) and they must not
 * collide with each other. */
typedef struct chart_rec {
    km_text_box *b;
    int n, cap;
} chart_rec;

static void chart_measure(void *ctx, const char *t, int px, bool bold, int *w, int *h)
{
    (void)ctx;
    int tw = 0, th = 0;
    km_text_size(font, t, px, bold, &tw, &th);
    if (w)
        *w = tw;
    if (h)
        *h = th;
}

static char pool[1 << 16]; /* copies of the chart's words (some are built on the stack) */
static size_t pool_used;

static void chart_put(void *ctx, const char *t, int px, int x, int y, km_label_align align, km_rgba c, bool bold)
{
    (void)c;
    chart_rec *r = ctx;
    size_t len = strlen(t) + 1;
    if (pool_used + len <= sizeof pool) {
        memcpy(pool + pool_used, t, len);
        t = pool + pool_used;
        pool_used += len;
    }
    int tw = 0, th = 0;
    km_text_size(font, t, px, bold, &tw, &th);
    int x0 = align == KM_LABEL_CENTER ? x - tw / 2 : align == KM_LABEL_RIGHT ? x - tw : x;
    km_rect box = {x0, y, tw, th};
    if (r->n < r->cap)
        r->b[r->n++] = (km_text_box){box, box, {0, 0, 0, 0}, false, false, t};
}

static int chart_texts(const km_app *app, km_text_box *b, int n, int cap)
{
    km_layout L;
    km_scene s;
    km_app_chart(app, &L);
    km_app_scene(app, &s);
    chart_rec r = {b, n, cap};
    pool_used = 0;
    const km_text_ops ops = {chart_measure, chart_put};
    km_chart_labels(&s, &L, &ops, &r);
    /* the key's words stay in the key, wrapped, never cut with "…" */
    for (int i = n; i < r.n; i++)
        if (L.legend.w && b[i].box.y >= L.legend.y && b[i].box.y < L.legend.y + L.legend.h &&
            b[i].box.x >= L.legend.x && b[i].box.x < L.legend.x + L.legend.w) {
            b[i].room = (km_rect){b[i].box.x, b[i].box.y, L.legend.x + L.legend.w - b[i].box.x, b[i].box.h};
            b[i].ellipsized = strstr(b[i].text, "\xE2\x80\xA6") != NULL;
        }
    /* each view's cell is where its words must stay */
    for (int i = n; i < r.n; i++)
        for (int v = 0; v < L.nviews; v++)
            if (b[i].box.y >= L.v[v].cell.y - L.label_px * 2 && b[i].box.y <= L.v[v].cell.y + L.v[v].cell.h &&
                b[i].box.x + b[i].box.w / 2 >= L.v[v].cell.x && b[i].box.x + b[i].box.w / 2 < L.v[v].cell.x + L.v[v].cell.w)
                b[i].room = (km_rect){L.v[v].cell.x, b[i].box.y, L.v[v].cell.w, b[i].box.h};
    return r.n;
}

static int check(const char *name, int W, int H, const km_text_box *b, int n)
{
    int bad = 0;
    km_rect win = {0, 0, W, H};
    for (int i = 0; i < n; i++) {
        const km_text_box *t = &b[i];
        if (!visible_in_clip(t))
            continue;
        const char *why = NULL;
        /* a text in a scrolled panel (clip set) may run past the window's
         * top or bottom: the panel's clip cuts it there, which is scrolling */
        if (!inside_x(t->box, win) || (t->clip.w == 0 && (t->box.y < -1 || t->box.y + t->box.h > H + 1)))
            why = "outside the window";
        else if (t->clip.w > 0 && !inside_x(t->box, t->clip))
            why = "cut off by its clip";
        else if (t->box.w > t->room.w + 1)
            why = "wider than its room";
        else if (t->ellipsized && t->clip.w == 0 && t->room.w > 0 && strstr(t->text, "\xE2\x80\xA6"))
            why = "cut with an ellipsis in the key";
        else if (t->box.h > t->room.h + 2 && t->room.h > 0 && t->box.h > t->box.w) /* wrapped taller than laid out */
            why = "taller than its room";
        if (why) {
            print_message("%s %dx%d: \"%.60s\" %s (box %d,%d %dx%d, room %d,%d %dx%d)\n", name, W, H, t->text, why,
                          t->box.x, t->box.y, t->box.w, t->box.h, t->room.x, t->room.y, t->room.w, t->room.h);
            bad++;
        }
        for (int j = i + 1; j < n; j++) {
            const km_text_box *u = &b[j];
            if (u->overlay != t->overlay || !visible_in_clip(u) || !overlap(shown_part(t), shown_part(u)))
                continue;
            print_message("%s %dx%d: \"%.40s\" overlaps \"%.40s\"\n", name, W, H, t->text, u->text);
            bad++;
        }
    }
    return bad;
}

static void test_text_fits_everywhere(void **state)
{
    (void)state;
    static km_text_box boxes[4096];
    int bad = 0, ellipsized = 0, total = 0;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        int W = sizes[z].w, H = sizes[z].h;
        SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
        assert_non_null(surf);
        SDL_Renderer *r = SDL_CreateSoftwareRenderer(surf);
        assert_non_null(r);
        for (size_t k = 0; k < sizeof screens / sizeof screens[0]; k++) {
            SDL_SetRenderDrawColor(r, 244, 246, 248, 255);
            SDL_RenderClear(r);
            km_app *app = malloc(sizeof *app);
            assert_non_null(app);
            start(app, screens[k].kiosk, W, H);
            screens[k].set(app);
            km_app_layout(app);
            km_ui_record rec = {boxes, (int)(sizeof boxes / sizeof boxes[0]), 0};
            rec.n = chart_texts(app, boxes, 0, rec.cap);
            km_ui_draw_record(r, font, app, &rec);
            assert_true(rec.n > 0);
            total += rec.n;
            for (int i = 0; i < rec.n; i++)
                ellipsized += boxes[i].ellipsized;
            int nb0 = check(screens[k].name, W, H, boxes, rec.n);
            bad += nb0;
            if (nb0 && getenv("KM_TEXTFIT_DEBUG")) {
                km_layout L;
                km_app_chart(app, &L);
                print_message("  out %d,%d %dx%d legend %d,%d %dx%d cols %d\n", L.out.x, L.out.y, L.out.w, L.out.h, L.legend.x,
                              L.legend.y, L.legend.w, L.legend.h, L.legend_cols);
                for (int v = 0; v < L.nviews; v++)
                    print_message("  view %d cell %d,%d %dx%d label_y %d\n", L.v[v].view, L.v[v].cell.x, L.v[v].cell.y,
                                  L.v[v].cell.w, L.v[v].cell.h, L.v[v].label_y);
                for (int i = 0; i < rec.n; i++)
                    if (strstr(boxes[i].text, "hand, left") || strstr(boxes[i].text, "digiti minimi"))
                        print_message("  text %s at %d,%d %dx%d\n", boxes[i].text, boxes[i].box.x, boxes[i].box.y, boxes[i].box.w, boxes[i].box.h);
            }
            const char *shots = getenv("KM_TEXTFIT_SHOTS"); /* a folder: each screen's UI as a BMP, to look at */
            if (shots && *shots) {
                char path[1024];
                snprintf(path, sizeof path, "%s/%s-%dx%d.bmp", shots, screens[k].name, W, H);
                SDL_RenderPresent(r);
                SDL_SaveBMP(surf, path);
            }
            km_app_release(app);
            free(app);
        }
        SDL_DestroyRenderer(r);
        SDL_FreeSurface(surf);
    }
    print_message("text-fit: %zu screens x %zu sizes, %d texts, %d ellipsized, %d problems\n",
                  sizeof screens / sizeof screens[0], sizeof sizes / sizeof sizes[0], total, ellipsized, bad);
    assert_int_equal(bad, 0);
}

/* The clinician's export at the five sizes: the chart of a document
 * (footer set) with the eight longest names compared, a drawing over the
 * chest (its red flag), pins, a title and a long notes line.  Every word
 * of the chart, the key and the report (km_chart_labels, measured with the
 * real font) stays inside the picture and its own box (the key's words in
 * the key, the report's in the report, the red flags in their red box),
 * nothing is cut with "…", and no two words overlap. */
static void test_document_fits(void **state)
{
    (void)state;
    static km_text_box boxes[4096];
    km_vec2 chest[3] = {{430, 420}, {470, 440}, {520, 450}};
    km_stroke st = {km_atlas_view_index(atlas, "front"), 30, false, chest, 3};
    km_pin pins[3] = {{st.view, {470, 440}, 7}, {st.view, {300, 1200}, 3}, {km_atlas_view_index(atlas, "back"), {600, 340}, 10}};
    km_scene s;
    km_scene_init(&s, atlas);
    for (int i = 0; i < 8; i++)
        s.sel[s.sel_count++] = (km_scene_sel){longest[i], i % 2 ? KM_SIDE_LEFT : KM_SIDE_RIGHT, i};
    s.strokes = &st, s.stroke_count = 1, s.pins = pins, s.pin_count = 3;
    s.title = "Ms Example, seen 6 December 2026";
    s.notes = "Pain on a deep breath since Tuesday, worse lying on the left; no breathlessness today. Review in two "
              "weeks, sooner if it changes.";
    s.footer = "knotmap 0.1.0  \xC2\xB7  data 2026.2.0  \xC2\xB7  2026-12-06 10:00";
    int bad = 0, total = 0;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        int W = sizes[z].w, H = sizes[z].h;
        km_layout L;
        km_layout_compute(&L, &s, (km_rect){0, 0, W, H});
        assert_true(L.content.on && L.content.flag_count > 0 && L.content.ranked_count > 0 && L.report.w > 0);
        chart_rec r = {boxes, 0, (int)(sizeof boxes / sizeof boxes[0])};
        pool_used = 0;
        const km_text_ops ops = {chart_measure, chart_put};
        km_chart_labels(&s, &L, &ops, &r);
        total += r.n;
        for (int i = 0; i < r.n; i++) {
            km_text_box *b = &boxes[i];
            km_rect in = {0, 0, W, H};
            if (L.legend.w && b->box.y >= L.legend.y && b->box.y < L.legend.y + L.legend.h && b->box.x >= L.legend.x &&
                b->box.x < L.legend.x + L.legend.w)
                in = L.legend;
            else if (b->box.y >= L.report.y && b->box.y < L.report.y + L.report.h && b->box.x >= L.report.x &&
                     b->box.x < L.report.x + L.report.w)
                in = L.report_flags.h && b->box.y < L.report_flags.y + L.report_flags.h &&
                             b->box.x < L.report_flags.x + L.report_flags.w
                         ? L.report_flags
                         : L.report_list;
            const char *why = NULL;
            if (b->box.x < in.x - 1 || b->box.y < in.y - 1 || b->box.x + b->box.w > in.x + in.w + 1 ||
                b->box.y + b->box.h > in.y + in.h + 1)
                why = "outside its box";
            else if (strstr(b->text, "\xE2\x80\xA6"))
                why = "cut with an ellipsis";
            if (why) {
                print_message("document %dx%d: \"%.60s\" %s (box %d,%d %dx%d, in %d,%d %dx%d)\n", W, H, b->text, why,
                              b->box.x, b->box.y, b->box.w, b->box.h, in.x, in.y, in.w, in.h);
                bad++;
            }
            for (int j = i + 1; j < r.n; j++)
                if (overlap(b->box, boxes[j].box)) {
                    print_message("document %dx%d: \"%.40s\" overlaps \"%.40s\"\n", W, H, b->text, boxes[j].text);
                    bad++;
                }
        }
        /* the report and the key keep clear of the figures and of each other */
        for (int v = 0; v < L.nviews; v++) {
            if (overlap(L.v[v].cell, L.report) || (L.legend.w && overlap(L.v[v].cell, L.legend))) {
                print_message("document %dx%d: the key or the report over view %d\n", W, H, L.v[v].view);
                bad++;
            }
        }
        if (L.legend.w && overlap(L.legend, L.report)) {
            print_message("document %dx%d: the key over the report\n", W, H);
            bad++;
        }
    }
    print_message("text-fit (document): 5 sizes, %d texts, %d problems\n", total, bad);
    assert_int_equal(bad, 0);
}

static int setup(void **state)
{
    (void)state;
    atlas = km_test_load_bundled();
    char file[512], err[512];
    if (!atlas || !km_font_find(NULL, file, sizeof file, err, sizeof err) || !(font = km_font_open(file, err, sizeof err)))
        return -1;
    find_longest();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    km_font_close(font);
    km_atlas_free(atlas);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_text_fits_everywhere), cmocka_unit_test(test_document_fits)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
