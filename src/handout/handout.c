/*
 * handout.c - the take-home handout laid out as pages of a cairo PDF
 * surface (see handout.h for what is on it).
 *
 * Layout is a cursor running down a column between the page's margins.
 * Text is broken into lines at spaces by measuring with the font in use;
 * paragraphs may continue on the next page line by line, but a heading is
 * only set where at least a few lines of what follows fit under it, and a
 * stretch card is measured first (drawn with draw = false) and moved whole
 * to a new page when the rest of this one is too short.  Nothing is drawn
 * outside the column, so no text can run off a page.
 */
#include "handout.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../chart/illustration.h"
#include "../core/alloc.h"
#include "../vector/chart_cairo.h"

#define FONT "DejaVu Sans"
#define BODY_PT 10.5
#define SMALL_PT 8.5
#define LEADING 1.38 /* line height / font size */

typedef struct rgb {
    double r, g, b;
} rgb;
static const rgb INK = {0.13, 0.15, 0.18}, NAVY = {0.10, 0.19, 0.31}, MUTED = {0.36, 0.40, 0.45},
                 CARD = {0.955, 0.965, 0.975}, RULE = {0.78, 0.82, 0.87}, ACCENT = {0.07, 0.37, 0.72};

bool km_paper_parse(const char *s, km_paper *out)
{
    if (strcmp(s, "a4") == 0)
        *out = KM_PAPER_A4;
    else if (strcmp(s, "letter") == 0)
        *out = KM_PAPER_LETTER;
    else
        return false;
    return true;
}

void km_bytes_release(km_bytes *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static cairo_status_t bytes_write(void *closure, const unsigned char *data, unsigned int n)
{
    km_bytes *b = closure;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = km_realloc(b->data, cap);
        if (!d)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return CAIRO_STATUS_SUCCESS;
}

/* ---- the page cursor ----------------------------------------------- */

typedef struct page {
    const km_handout *h;
    cairo_surface_t *surf;
    cairo_t *cr;
    double pw, ph;         /* page size, points */
    double x, w;           /* column */
    double top, bottom, y; /* column's top and bottom, cursor */
    int number;            /* 1-based */
} page;

static void set_font(cairo_t *cr, double pt, bool bold, bool italic, rgb c)
{
    cairo_select_font_face(cr, FONT, italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, pt);
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static double text_w(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

static void show_at(cairo_t *cr, double x, double y, const char *s)
{
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

/* Length in bytes of a UTF-8 sequence starting with byte c. */
static size_t utf8_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

/* The next line of *p that fits width with the current font, copied into
 * buf; *p moves past it and the spaces after it.  A word longer than the
 * column is cut between characters.  Returns false at the end. */
static bool next_line(cairo_t *cr, const char **p, double width, char *buf, size_t cap)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    if (!*s)
        return false;
    size_t best = 0, n = 0;
    for (;;) {
        /* extend to the end of the next word */
        size_t end = n;
        while (s[end] == ' ')
            end++;
        while (s[end] && s[end] != ' ' && s[end] != '\n')
            end++;
        if (end >= cap)
            break;
        memcpy(buf, s, end);
        buf[end] = 0;
        if (text_w(cr, buf) > width)
            break;
        best = n = end;
        if (!s[end] || s[end] == '\n')
            break;
    }
    if (best == 0) { /* one word wider than the column: cut it */
        size_t k = 0;
        while (s[k] && s[k] != '\n' && k + 4 < cap) {
            size_t l = utf8_len((unsigned char)s[k]);
            memcpy(buf, s, k + l);
            buf[k + l] = 0;
            if (k > 0 && text_w(cr, buf) > width)
                break;
            k += l;
        }
        best = k ? k : utf8_len((unsigned char)s[0]);
    }
    memcpy(buf, s, best);
    buf[best] = 0;
    s += best;
    while (*s == ' ')
        s++;
    if (*s == '\n')
        s++;
    *p = s;
    return true;
}

static void footer(page *pg)
{
    cairo_t *cr = pg->cr;
    cairo_save(cr); /* a paragraph that goes on over the page keeps its font */
    const km_handout *h = pg->h;
    set_font(cr, SMALL_PT - 0.5, false, false, MUTED);
    char left[512];
    snprintf(left, sizeof left, "%s%s%s · knotmap data %s · general information, not a diagnosis",
             h->clinic_name ? h->clinic_name : "", h->clinic_name ? " · " : "", h->date ? h->date : "",
             h->atlas->data_version ? h->atlas->data_version : "?");
    double fy = pg->ph - 28;
    cairo_set_source_rgb(cr, RULE.r, RULE.g, RULE.b);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, pg->x, fy - 11);
    cairo_line_to(cr, pg->x + pg->w, fy - 11);
    cairo_stroke(cr);
    set_font(cr, SMALL_PT - 0.5, false, false, MUTED);
    const char *q = left;
    char line[512];
    if (next_line(cr, &q, pg->w - 60, line, sizeof line))
        show_at(cr, pg->x, fy, line);
    char num[32];
    snprintf(num, sizeof num, "Page %d", pg->number);
    show_at(cr, pg->x + pg->w - text_w(cr, num), fy, num);
    cairo_restore(cr);
}

static void new_page(page *pg)
{
    footer(pg);
    cairo_show_page(pg->cr);
    pg->number++;
    pg->y = pg->top;
}

/* Make room for h points, starting a new page if the column is too short. */
static void need(page *pg, double h)
{
    if (pg->y + h > pg->bottom && pg->y > pg->top)
        new_page(pg);
}

/* Set text in the column from indent with the current font, line by line,
 * moving the cursor down; with draw it continues on the next page when the
 * column is full, without draw it only measures (no page breaks).  Returns
 * the height it took. */
static double flow(page *pg, const char *text, double indent, double pt, bool draw)
{
    cairo_t *cr = pg->cr;
    char line[2048];
    const char *q = text;
    double lead = pt * LEADING, used = 0;
    while (next_line(cr, &q, pg->w - indent, line, sizeof line)) {
        if (draw) {
            need(pg, lead);
            show_at(cr, pg->x + indent, pg->y + pt, line);
        }
        pg->y += lead;
        used += lead;
    }
    return used;
}

/* The height flow would take, cursor untouched. */
static double measure(page *pg, const char *text, double indent, double pt)
{
    double y = pg->y, h = flow(pg, text, indent, pt, false);
    pg->y = y;
    return h;
}

static void gap(page *pg, double h) { pg->y += h; }

/* A heading, kept with at least `keep` points of what follows. */
static void heading(page *pg, const char *text, double pt, rgb c, double keep)
{
    set_font(pg->cr, pt, true, false, c);
    need(pg, measure(pg, text, 0, pt) + keep);
    set_font(pg->cr, pt, true, false, c);
    flow(pg, text, 0, pt, true);
    gap(pg, pt * 0.3);
}

static void body(page *pg, const char *text)
{
    set_font(pg->cr, BODY_PT, false, false, INK);
    flow(pg, text, 0, BODY_PT, true);
}

/* A labelled paragraph: the label kept with its first lines. */
static void section(page *pg, const char *label, const char *text)
{
    if (!text || !*text)
        return;
    heading(pg, label, BODY_PT + 1, NAVY, BODY_PT * LEADING * 3);
    body(pg, text);
    gap(pg, 7);
}

/* ---- page one ------------------------------------------------------ */

static void title_block(page *pg)
{
    const km_handout *h = pg->h;
    cairo_t *cr = pg->cr;
    double y = pg->top, right = pg->x + pg->w;
    if (h->clinic_logo) {
        /* At most 36 pt high and 110 pt wide, its proportions kept. */
        double lw = cairo_image_surface_get_width(h->clinic_logo), lh = cairo_image_surface_get_height(h->clinic_logo);
        double k = lw > 0 && lh > 0 ? fmin(36.0 / lh, 110.0 / lw) : 0;
        if (k > 0) {
            cairo_save(cr);
            cairo_translate(cr, right - lw * k, y);
            cairo_scale(cr, k, k);
            cairo_set_source_surface(cr, h->clinic_logo, 0, 0);
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
            cairo_paint(cr);
            cairo_restore(cr);
            right -= lw * k + 8;
        }
    }
    if (h->clinic_name || h->clinic_contact) {
        set_font(cr, SMALL_PT + 0.5, true, false, NAVY);
        if (h->clinic_name)
            show_at(cr, right - text_w(cr, h->clinic_name), y + 9, h->clinic_name);
        set_font(cr, SMALL_PT, false, false, MUTED);
        if (h->clinic_contact)
            show_at(cr, right - text_w(cr, h->clinic_contact), y + 21, h->clinic_contact);
    }
    set_font(cr, 20, true, false, NAVY);
    const char *title = h->title && *h->title ? h->title : "Your pain map";
    char line[512];
    const char *q = title;
    double tw = pg->w * (h->clinic_name || h->clinic_contact || h->clinic_logo ? 0.62 : 1.0);
    while (next_line(cr, &q, tw, line, sizeof line)) {
        show_at(cr, pg->x, y + 20, line);
        y += 26;
    }
    set_font(cr, SMALL_PT + 0.5, false, false, MUTED);
    char sub[256];
    snprintf(sub, sizeof sub, "%s%sMuscle knots (trigger points), where they send pain, and what helps",
             h->date ? h->date : "", h->date ? " · " : "");
    q = sub;
    while (next_line(cr, &q, pg->w, line, sizeof line)) {
        show_at(cr, pg->x, y + 8, line);
        y += 12;
    }
    pg->y = y + 12;
}

/* The atlas's warning signs for the places marked: a red-edged box, first
 * thing under the title, so nobody reads the chart before it. */
static void red_flags_block(page *pg)
{
    const km_handout *h = pg->h;
    if (h->red_flag_count <= 0)
        return;
    cairo_t *cr = pg->cr;
    const rgb RED = {0.70, 0.11, 0.11};
    const double pad = 9, indent = 8;
    double height = pad * 2 + (BODY_PT + 1) * LEADING + 3;
    set_font(cr, BODY_PT, false, false, INK);
    page inner = *pg;
    inner.x += pad + indent;
    inner.w -= 2 * pad + indent;
    for (int i = 0; i < h->red_flag_count; i++)
        height += measure(&inner, h->atlas->red_flags[h->red_flags[i]].text, 0, BODY_PT) + 3;
    need(pg, height);
    cairo_set_source_rgb(cr, 0.99, 0.94, 0.94);
    cairo_rectangle(cr, pg->x, pg->y, pg->w, height);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, RED.r, RED.g, RED.b);
    cairo_rectangle(cr, pg->x, pg->y, 4, height);
    cairo_fill(cr);
    double y0 = pg->y;
    inner.y = pg->y + pad;
    inner.x = pg->x + pad + indent;
    set_font(cr, BODY_PT + 1, true, false, RED);
    flow(&inner, KM_RED_FLAG_HEADING, 0, BODY_PT + 1, true);
    inner.y += 3;
    for (int i = 0; i < h->red_flag_count; i++) {
        set_font(cr, BODY_PT, false, false, INK);
        flow(&inner, h->atlas->red_flags[h->red_flags[i]].text, 0, BODY_PT, true);
        inner.y += 3;
    }
    pg->y = y0 + height + 12;
}

static void chart_box(page *pg)
{
    const km_handout *h = pg->h;
    if (!h->draw_chart)
        return;
    double bh = (pg->bottom - pg->top) * 0.46;
    cairo_t *cr = pg->cr;
    cairo_save(cr);
    cairo_rectangle(cr, pg->x, pg->y, pg->w, bh);
    cairo_clip(cr);
    cairo_translate(cr, pg->x, pg->y);
    h->draw_chart(h->chart_ctx, cr, pg->w, bh);
    cairo_restore(cr);
    cairo_set_source_rgb(cr, RULE.r, RULE.g, RULE.b);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, pg->x, pg->y, pg->w, bh);
    cairo_stroke(cr);
    pg->y += bh + 14;
}

static const char *side_words(km_side s)
{
    return s == KM_SIDE_LEFT ? " (left side)" : s == KM_SIDE_RIGHT ? " (right side)" : "";
}

static void candidates_block(page *pg)
{
    const km_handout *h = pg->h;
    int n = h->candidate_count > 8 ? 8 : h->candidate_count;
    if (n == 0)
        return;
    heading(pg, "Muscles that may cause this pain", 12, NAVY, BODY_PT * LEADING * 2);
    for (int i = 0; i < n; i++) {
        const km_candidate *c = &h->candidates[i];
        char line[512];
        snprintf(line, sizeof line, "%d.  %s%s: %s", i + 1, h->atlas->muscles[c->muscle].name, side_words(c->side),
                 c->zone == KM_ZONE_ESSENTIAL ? "its main pain zone covers this place"
                                              : "its wider (spillover) zone reaches this place");
        set_font(pg->cr, BODY_PT, false, false, INK);
        flow(pg, line, 0, BODY_PT, true);
    }
    set_font(pg->cr, SMALL_PT, false, true, MUTED);
    flow(pg, "Listed most likely first: muscles whose main pain zone covers the place come before those whose wider "
             "zone only reaches it, then the more common muscles first.",
         0, SMALL_PT, true);
    gap(pg, 10);
}

static void summary_block(page *pg)
{
    const km_drawing_summary *s = pg->h->summary;
    if (!s)
        return;
    heading(pg, "Your pain drawing", 12, NAVY, BODY_PT * LEADING * 2);
    char line[1024];
    snprintf(line, sizeof line, "You marked %.1f%% of the body, in %d body region%s.", 100.0 * s->extent, s->regions,
             s->regions == 1 ? "" : "s");
    body(pg, line);
    if (s->pin_count == 1)
        snprintf(line, sizeof line, "1 pain pin, strength %d out of 10.", s->pin_max);
    else if (s->pin_count > 1)
        snprintf(line, sizeof line, "%d pain pins, average strength %.1f out of 10, strongest %d out of 10.",
                 s->pin_count, s->pin_mean, s->pin_max);
    if (s->pin_count)
        body(pg, line);
    int shown = s->area_count > 12 ? 12 : s->area_count;
    for (int i = 0; i < shown; i++) {
        const km_drawing_area *da = &s->areas[i];
        const km_area *ar = &pg->h->atlas->areas[da->area];
        char view[64];
        snprintf(view, sizeof view, "%s", pg->h->atlas->views[ar->view].label);
        view[0] = (char)tolower((unsigned char)view[0]);
        int k = snprintf(line, sizeof line, "•  %s%s, %s view: ", ar->label, side_words(ar->side), view);
        if (da->marked > 0)
            k += snprintf(line + k, sizeof line - (size_t)k, "%.0f%% marked", 100.0 * da->share);
        if (da->max_pin >= 0)
            snprintf(line + k, sizeof line - (size_t)k, "%spin %d/10", da->marked > 0 ? ", " : "", da->max_pin);
        set_font(pg->cr, BODY_PT, false, false, INK);
        flow(pg, line, 10, BODY_PT, true);
    }
    if (s->area_count > shown) {
        snprintf(line, sizeof line, "and %d more.", s->area_count - shown);
        set_font(pg->cr, BODY_PT, false, false, INK);
        flow(pg, line, 10, BODY_PT, true);
    }
    gap(pg, 10);
}

static void notes_block(page *pg)
{
    const char *notes = pg->h->notes;
    if (!notes || !*notes)
        return;
    heading(pg, "Notes from your clinician", 12, NAVY, BODY_PT * LEADING * 2);
    body(pg, notes);
    gap(pg, 10);
}

/* ---- muscles and stretch cards ------------------------------------- */

/* A stretch's drawing: a white square of KM_CARD_ILL points at (x, y)
 * with the pose painted in it by the same routine as the window's
 * (src/chart/illustration.c), through cairo's painter. */
#define KM_CARD_ILL 96

static void card_illustration(cairo_t *cr, const km_stretch_illustration *ill, double x, double y)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, KM_CARD_ILL, KM_CARD_ILL);
    cairo_fill(cr);
    km_painter *p = km_cairo_painter_create(cr);
    if (p) { /* out of memory: the card keeps its words */
        km_paint_illustration(p, ill, (km_rect){0, 0, KM_CARD_ILL, KM_CARD_ILL}, km_illustration_tint);
        km_cairo_painter_destroy(p);
    }
    cairo_restore(cr);
}

/* The clinic's photo of a stretch, NULL for none. */
static cairo_surface_t *stretch_photo(const page *pg, const km_stretch *st)
{
    const km_handout *h = pg->h;
    long i = st - h->atlas->stretches;
    return h->stretch_photos && i >= 0 && i < h->atlas->stretch_count ? h->stretch_photos[i] : NULL;
}

/* Height of the photo as the card shows it: KM_CARD_ILL wide, at most 1.5
 * times as tall. */
static double photo_h(cairo_surface_t *ph)
{
    int w = cairo_image_surface_get_width(ph), h = cairo_image_surface_get_height(ph);
    double ph_h = w > 0 ? KM_CARD_ILL * (double)h / w : 0;
    return ph_h > KM_CARD_ILL * 1.5 ? KM_CARD_ILL * 1.5 : ph_h;
}

/* The photo scaled into the left column at (x, y), KM_CARD_ILL wide. */
static void card_photo(cairo_t *cr, cairo_surface_t *ph, double x, double y)
{
    int w = cairo_image_surface_get_width(ph), h = cairo_image_surface_get_height(ph);
    if (w <= 0 || h <= 0)
        return;
    double sc = KM_CARD_ILL / (double)w, hh = photo_h(ph);
    cairo_save(cr);
    cairo_rectangle(cr, x, y, KM_CARD_ILL, hh);
    cairo_clip(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, sc, sc);
    cairo_set_source_surface(cr, ph, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
}

/* Height of a card, or draw it at the cursor (which it then passes). */
static double stretch_card(page *pg, const km_stretch *st, km_side side, bool draw)
{
    cairo_t *cr = pg->cr;
    const double pad = 10, inner = pg->w - 2 * pad;
    page sub = *pg; /* a narrower column inside the card */
    sub.x = pg->x + pad;
    sub.w = inner;
    sub.y = pg->y + pad;
    sub.bottom = 1e9; /* a card never breaks: it was measured to fit */
    cairo_surface_t *photo = stretch_photo(pg, st);
    /* the drawing (and the clinic's photo under it) in a column at the
     * left, the words to its right */
    double left_h = (st->illustration ? KM_CARD_ILL : 0) + (photo ? photo_h(photo) + (st->illustration ? pad : 0) : 0);
    if (left_h > 0) {
        sub.x += KM_CARD_ILL + pad;
        sub.w -= KM_CARD_ILL + pad;
    }
    double y0 = sub.y;
    if (draw) {
        double h = stretch_card(pg, st, side, false);
        cairo_set_source_rgb(cr, CARD.r, CARD.g, CARD.b);
        cairo_rectangle(cr, pg->x, pg->y, pg->w, h);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, ACCENT.r, ACCENT.g, ACCENT.b);
        cairo_rectangle(cr, pg->x, pg->y, 3, h);
        cairo_fill(cr);
        if (st->illustration)
            card_illustration(cr, st->illustration, pg->x + pad, pg->y + pad);
        if (photo)
            card_photo(cr, photo, pg->x + pad, pg->y + pad + (st->illustration ? KM_CARD_ILL + pad : 0));
    }
    char line[1024];
    snprintf(line, sizeof line, "%s%s", st->name,
             side == KM_SIDE_LEFT ? ": for your left side" : side == KM_SIDE_RIGHT ? ": for your right side" : "");
    set_font(cr, BODY_PT + 0.5, true, false, NAVY);
    flow(&sub, line, 0, BODY_PT + 0.5, draw);
    sub.y += 3;
    for (int i = 0; i < st->step_count; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d.", i + 1);
        set_font(cr, BODY_PT, true, false, ACCENT);
        if (draw)
            show_at(cr, sub.x, sub.y + BODY_PT, num);
        set_font(cr, BODY_PT, false, false, INK);
        flow(&sub, st->steps[i], 16, BODY_PT, draw);
        sub.y += 2;
    }
    snprintf(line, sizeof line, "Hold %d seconds · repeat %d time%s", st->hold_seconds, st->repetitions,
             st->repetitions == 1 ? "" : "s");
    set_font(cr, BODY_PT, true, false, INK);
    flow(&sub, line, 0, BODY_PT, draw);
    sub.y += 2;
    if (st->cautions && *st->cautions) {
        set_font(cr, SMALL_PT + 0.5, false, true, MUTED);
        snprintf(line, sizeof line, "Take care: %s", st->cautions);
        flow(&sub, line, 0, SMALL_PT + 0.5, draw);
    }
    double h = sub.y - y0 + 2 * pad;
    if (h < left_h + 2 * pad)
        h = left_h + 2 * pad;
    if (draw)
        pg->y += h;
    return h;
}

/* The muscle's own chart under its name: where its knots are and where
 * they send pain, close up, with a caption; kept whole on one page. */
#define MUSCLE_CHART_H 270.0
#define MUSCLE_CAPTION_H (2 * SMALL_PT * LEADING + 4)

/* The height the muscle's chart and caption take (0 without one). */
static double muscle_chart_height(const page *pg)
{
    return pg->h->draw_muscle ? MUSCLE_CHART_H + MUSCLE_CAPTION_H + 10 : 0;
}

static void muscle_chart(page *pg, const km_scene_sel *sel)
{
    const km_handout *h = pg->h;
    if (!h->draw_muscle)
        return;
    /* Two close-up views side by side fill about 1.2 times their height;
     * the box is that wide, centred, so the figure is not lost in white. */
    const double bh = MUSCLE_CHART_H, bw = fmin(pg->w, bh * 1.25), bx = pg->x + (pg->w - bw) / 2;
    need(pg, muscle_chart_height(pg));
    cairo_t *cr = pg->cr;
    cairo_save(cr);
    cairo_rectangle(cr, bx, pg->y, bw, bh);
    cairo_clip(cr);
    cairo_translate(cr, bx, pg->y);
    h->draw_muscle(h->chart_ctx, cr, bw, bh, sel);
    cairo_restore(cr);
    cairo_set_source_rgb(cr, RULE.r, RULE.g, RULE.b);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, bx, pg->y, bw, bh);
    cairo_stroke(cr);
    pg->y += bh + 4;
    set_font(cr, SMALL_PT, false, true, MUTED);
    flow(pg, "X marks where the knots usually are; the solid colour is where they most often send pain, the dots "
             "where they sometimes do; hatching is your own drawing.",
         0, SMALL_PT, true);
    gap(pg, 8);
}

static void muscle_pages(page *pg, const km_scene_sel *sel)
{
    const km_atlas *a = pg->h->atlas;
    const km_muscle *m = &a->muscles[sel->muscle];
    need(pg, 120 + muscle_chart_height(pg)); /* the rule, the name and the chart together */
    cairo_set_source_rgb(pg->cr, RULE.r, RULE.g, RULE.b);
    cairo_set_line_width(pg->cr, 0.8);
    cairo_move_to(pg->cr, pg->x, pg->y);
    cairo_line_to(pg->cr, pg->x + pg->w, pg->y);
    cairo_stroke(pg->cr);
    gap(pg, 10);
    char title[512];
    snprintf(title, sizeof title, "%s%s", m->name, m->bilateral ? side_words(sel->side) : "");
    heading(pg, title, 15, NAVY, 60 + muscle_chart_height(pg));
    muscle_chart(pg, sel);
    section(pg, "What it is", m->text.summary);
    section(pg, "What you may feel", m->text.symptoms);
    section(pg, "Why it happens", m->text.causes);
    section(pg, "What you can do", m->text.self_care);
    section(pg, "When to see a clinician", m->text.see_clinician);
    km_side side = m->bilateral ? sel->side : KM_SIDE_MIDLINE;
    if (m->stretch_count > 0) {
        double first = stretch_card(pg, &a->stretches[m->stretches[0]], side, false);
        heading(pg, m->stretch_count == 1 ? "Stretch" : "Stretches", BODY_PT + 1, NAVY, first);
        for (int i = 0; i < m->stretch_count; i++) {
            const km_stretch *st = &a->stretches[m->stretches[i]];
            need(pg, stretch_card(pg, st, side, false));
            stretch_card(pg, st, side, true);
            gap(pg, 8);
        }
    }
    if (m->text.source_count > 0) {
        char src[2048];
        size_t k = (size_t)snprintf(src, sizeof src, "Sources: ");
        for (int i = 0; i < m->text.source_count && k < sizeof src; i++)
            k += (size_t)snprintf(src + k, sizeof src - k, "%s%s", i ? "; " : "", m->text.sources[i]);
        set_font(pg->cr, SMALL_PT, false, false, MUTED);
        flow(pg, src, 0, SMALL_PT, true);
    }
    gap(pg, 14);
}

/* ---- the document -------------------------------------------------- */

int km_handout_pdf(const km_handout *h, km_bytes *out, char *err, size_t errlen)
{
    page pg = {.h = h};
    pg.pw = h->paper == KM_PAPER_LETTER ? 612 : 595.276;
    pg.ph = h->paper == KM_PAPER_LETTER ? 792 : 841.89;
    const double margin = 50;
    pg.x = margin;
    pg.w = pg.pw - 2 * margin;
    pg.top = margin - 6;
    pg.bottom = pg.ph - margin - 4;
    pg.y = pg.top;
    pg.number = 1;
    pg.surf = cairo_pdf_surface_create_for_stream(bytes_write, out, pg.pw, pg.ph);
    cairo_pdf_surface_set_metadata(pg.surf, CAIRO_PDF_METADATA_TITLE,
                                   h->title && *h->title ? h->title : "Your pain map");
    cairo_pdf_surface_set_metadata(pg.surf, CAIRO_PDF_METADATA_CREATOR, "knotmap");
    pg.cr = cairo_create(pg.surf);

    title_block(&pg);
    red_flags_block(&pg);
    chart_box(&pg);
    candidates_block(&pg);
    summary_block(&pg);
    notes_block(&pg);
    for (int i = 0; i < h->muscle_count; i++)
        muscle_pages(&pg, &h->muscles[i]);
    footer(&pg);
    cairo_show_page(pg.cr);

    cairo_status_t st = cairo_status(pg.cr);
    cairo_destroy(pg.cr);
    cairo_surface_finish(pg.surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(pg.surf);
    cairo_surface_destroy(pg.surf);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "cannot make the PDF: %s", cairo_status_to_string(st));
        km_bytes_release(out);
        return -1;
    }
    return pg.number;
}
