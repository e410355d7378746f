/*
 * layout.c - the chart's layout and the view <-> screen transform (see
 * layout.h).
 *
 * The frame is built from the outside in: margins, the title line on top
 * (the notes under it), the footer line at the bottom, a column to the
 * right or a band below for the key and for an export's report (report.h),
 * and what is left holds the figures.  Body views sit in one row at one
 * common scale, a gap apart; detail views, if any, take a strip beside
 * that row or under it, cut into a small grid of cells, each view fitted
 * to its own cell.  Where the key, the close-ups and the report go is not
 * fixed by the output's shape: each of the (up to) eight arrangements is
 * laid out and the one whose body figures are largest is kept (the usual
 * one - beside on a landscape output, below on a portrait one - unless
 * another is 3% better), a column whose key and report do not fit its
 * height being out.  The key's entries wrap, at the key's size, on the
 * lines the layout gives them from an estimate of their words' width that
 * is never short (DejaVu Sans's advances).  The whole group is centred.
 * Everything is computed relative to the output's top-left corner and
 * shifted at the end, so the same chart placed anywhere has the same
 * pixels.
 */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/check.h"
#include "paint.h"


static int imax(int a, int b) { return a > b ? a : b; }
static int imin(int a, int b) { return a < b ? a : b; }

bool km_layout_view_is_detail(const km_view *v)
{
    return v && v->kind == KM_VIEW_DETAIL; /* "kind": "detail" in the data file */
}

static km_view_xform sane_xform(km_view_xform x)
{
    if (!(x.zoom > 0) || !isfinite(x.zoom))
        x.zoom = 1;
    if (!isfinite(x.pan_x) || !isfinite(x.pan_y))
        x.pan_x = x.pan_y = 0;
    return x;
}

/* Transform of entry e at zoom and pan x, from its fit and centre. */
static void place_view(km_chart_view *e, km_view_xform x)
{
    x = sane_xform(x);
    float k = e->fit * x.zoom;
    e->xf.scale = k;
    e->xf.ox = e->cx + (x.pan_x - e->w * 0.5f) * k;
    e->xf.oy = e->cy + (x.pan_y - e->h * 0.5f) * k;
}

/* ---- words measured before any font is at hand ------------------------
 *
 * The layout makes room for words that wrap (a key entry, the notes, the
 * report) without a font: each character's width is DejaVu Sans's advance
 * (the chart's font; the fonts fontconfig falls back to are narrower), a
 * little over, so the room is never short; at worst a wrapped entry has a little
 * air under it.  The words are set later, measured with the real font
 * (labels.c), within the room made here. */

/* DejaVu Sans's advances (em), regular and bold, for a-z, A-Z and 0-9. */
static const float k_lower[2][26] = {
    {.613f, .635f, .550f, .635f, .615f, .352f, .635f, .634f, .278f, .278f, .579f, .278f, .974f,
     .634f, .612f, .635f, .635f, .411f, .521f, .392f, .634f, .592f, .818f, .592f, .592f, .525f},
    {.675f, .716f, .593f, .716f, .678f, .435f, .716f, .712f, .343f, .343f, .665f, .343f, 1.042f,
     .712f, .687f, .716f, .716f, .493f, .595f, .478f, .712f, .652f, .924f, .645f, .652f, .582f},
};
static const float k_upper[2][26] = {
    {.684f, .686f, .698f, .770f, .632f, .575f, .775f, .752f, .295f, .295f, .656f, .557f, .863f,
     .748f, .787f, .603f, .787f, .695f, .635f, .611f, .732f, .684f, .989f, .685f, .611f, .685f},
    {.774f, .762f, .734f, .830f, .683f, .683f, .821f, .837f, .372f, .372f, .775f, .637f, .995f,
     .837f, .850f, .733f, .850f, .770f, .720f, .682f, .812f, .774f, 1.103f, .771f, .724f, .725f},
};

static float char_em(unsigned char c, bool bold)
{
    if (c >= 'a' && c <= 'z')
        return k_lower[bold][c - 'a'];
    if (c >= 'A' && c <= 'Z')
        return k_upper[bold][c - 'A'];
    if (c >= '0' && c <= '9')
        return bold ? .696f : .636f;
    if (c && strchr(" ,.:;'!|", c))
        return bold ? .40f : .34f;
    if (c && strchr("()[]-/", c))
        return bold ? .46f : .40f;
    return c == '%' ? 1.0f : .75f;
}

int km_layout_est_width(const char *t, int px, bool bold)
{
    /* Each advance rounded up to a whole pixel, as hinting may round it:
     * at 9 px that is what keeps the estimate above the real width. */
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)t; p && *p; p++) {
        float em = -1;
        if (*p < 0x80)
            em = char_em(*p, bold);
        else if (*p >= 0xC0) /* the start of a UTF-8 character: a no-break space or a dot (2 bytes), else wide */
            em = *p < 0xE0 ? 0.40f : 1.0f;
        if (em > 0)
            w += (int)ceilf(em * px);
    }
    return w + 1;
}

int km_layout_est_lines(const char *t, int px, bool bold, int avail)
{
    if (!t || !*t)
        return 0;
    int lines = 1;
    float room = (float)avail, used = 0, space = ceilf((bold ? .40f : .34f) * px);
    char word[256];
    for (const char *p = t; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
        float ww = (float)km_layout_est_width(word, px, bold);
        if (used > 0 && used + space + ww > room)
            lines++, used = 0;
        while (ww > room && room > 0) /* a word wider than the room is broken */
            lines++, ww -= room;
        used += (used > 0 ? space : 0) + ww;
        p += n;
    }
    return lines;
}

int km_layout_line_h(int px)
{
    return (int)ceilf(px * 1.22f) + 1;
}

int km_layout_legend_entry_h(const km_layout *L, int n)
{
    int lines = n >= 0 && n < KM_LEGEND_MAX && L->legend_lines[n] > 1 ? L->legend_lines[n] : 1;
    return L->legend_row_h + (lines - 1) * L->line_h;
}

/* ---- the frame ---------------------------------------------------------- */

/* Where the key, the close-ups and the report go: the layout tries each
 * arrangement and keeps the one whose figures are largest. */
typedef struct arrangement {
    bool legend_below;  /* key under the figures (else a column to their right) */
    bool details_below; /* close-ups in a strip under the bodies (else beside) */
    bool report_below;  /* report in a band at the bottom (else under the key) */
} arrangement;

/* The frame around the figures: margins, title, footer, bands. */
typedef struct frame {
    int x0, x1, y0, y1;
    int label_band, side_band;
    bool legend_below;
    int lw, lh;  /* the right column's width (key, report), or the key's height below the figures */
    int key_h;   /* the key's height in the right column */
    int lw_need; /* the width its longest entry wants on one line */
    int legend_w; /* the key's width below the figures */
    int col_h;   /* the right column's content: key and report */
    int rh;      /* the report's height in its place */
    int report_w;
    int flags_h, rank_h, list_h; /* the report's red box, ranking, and ranking with pins */
    bool split;                  /* the red box and the list side by side */
} frame;

static int report_pad(const km_layout *L) { return (int)(0.9f * L->u) + 2; }
static int report_bar(const km_layout *L) { return (int)(0.45f * L->u) + 2; }
static int report_gap(const km_layout *L) { return (int)(0.8f * L->u) + 1; }

/* The report's two parts set in their widths: the red box (flags_w wide;
 * its height in *flags_h) and the list, the ranking then the pins (list_w
 * wide; *rank_h the ranking's, *list_h all of it). */
static void report_height(const km_layout *L, const km_layout_opts *o, int flags_w, int list_w, int *flags_h,
                          int *rank_h, int *list_h)
{
    const int pad = report_pad(L), bar = report_bar(L), gap = report_gap(L);
    int fh = 0, rh = 0, ph = 0;
    for (int i = 0; i < o->report_paras; i++) {
        const km_layout_para *p = &o->report[i];
        switch (p->part) {
        case KM_PART_FLAG_HEAD:
            fh += km_layout_est_lines(p->text, L->label_px, true, flags_w - 2 * pad - bar) *
                      km_layout_line_h(L->label_px) + gap / 2;
            break;
        case KM_PART_FLAG:
            fh += km_layout_est_lines(p->text, L->small_px, false, flags_w - 2 * pad - bar) * L->line_h + gap / 2;
            break;
        case KM_PART_RANK_HEAD:
        case KM_PART_RANK:
        case KM_PART_RULE:
            rh += km_layout_est_lines(p->text, L->small_px, p->part == KM_PART_RANK_HEAD, list_w) * L->line_h +
                  (p->part == KM_PART_RANK ? 0 : gap / 2);
            break;
        case KM_PART_PINS:
            ph += km_layout_est_lines(p->text, L->small_px, false, list_w) * L->line_h;
            break;
        }
    }
    if (fh)
        fh += 2 * pad - gap / 2;
    *flags_h = fh;
    *rank_h = rh;
    *list_h = rh + (rh && ph ? gap : 0) + ph;
}

/* The key's entries wrapped in columns of width col_w: each entry's lines
 * into L; the key's height (heading and its tallest column). */
static int legend_wrap(km_layout *L, const km_layout_opts *o, int col_w, int cols)
{
    const int sw = (int)(L->small_px * 1.4f), avail = col_w - sw - (int)(2 * L->u);
    cols = cols > 0 ? cols : 1;
    int rows = (o->legend_items + cols - 1) / cols, tallest = 0;
    L->legend_cols = cols;
    L->legend_rows = rows > 0 ? rows : 1;
    for (int n = 0; n < o->legend_items && n < KM_LEGEND_MAX; n++) {
        int k = km_layout_est_lines(o->legend_text[n], L->small_px, n >= o->legend_bold_from, avail);
        L->legend_lines[n] = (unsigned char)(k < 1 ? 1 : k > 4 ? 4 : k);
    }
    for (int c = 0; c < cols; c++) {
        int h = 0;
        for (int n = c * L->legend_rows; n < (c + 1) * L->legend_rows && n < o->legend_items; n++)
            h += km_layout_legend_entry_h(L, n);
        tallest = imax(tallest, h);
    }
    return L->legend_head_h + tallest;
}

static void frame_compute(km_layout *L, frame *f, const km_layout_opts *o, int w, int h, arrangement ar)
{
    L->u = (w < h ? w : h) / 100.0f;
    L->title_px = imax((int)(L->u * 3.0f), 11);
    L->label_px = imax((int)(L->u * 2.4f), 10);
    L->small_px = imax((int)(L->u * 1.9f), 9);
    L->line_h = km_layout_line_h(L->small_px);
    const int m = L->margin = (int)(2 * L->u) + 2;
    f->x0 = m, f->x1 = w - m, f->y0 = m, f->y1 = h - m;
    if (o->title) {
        L->title_y = f->y0;
        f->y0 += (int)(L->title_px * 1.6f);
    }
    if (o->notes && *o->notes) {
        /* the clinician's notes under the title, on as many lines as they take */
        L->notes_y = f->y0 - (o->title ? (int)(L->title_px * 0.3f) : 0);
        L->notes_lines = km_layout_est_lines(o->notes, L->small_px, false, f->x1 - f->x0);
        f->y0 = L->notes_y + L->notes_lines * L->line_h + (int)(0.6f * L->u);
    }
    if (o->footer) {
        f->y1 -= (int)(L->small_px * 1.5f);
        L->footer_y = f->y1 + (int)(L->small_px * 0.3f);
    }
    f->label_band = (int)(L->label_px * 1.6f);
    f->side_band = (int)(L->small_px * 2.7f); /* room for a label on two lines */
    const bool report = o->report_paras > 0;
    f->legend_below = o->legend && ar.legend_below;
    L->legend_row_h = (int)(L->small_px * 2.0f);
    L->legend_head_h = (int)(L->label_px * 1.7f);
    f->lw = f->lh = f->key_h = f->col_h = f->rh = 0;
    L->legend_cols = 1;
    L->legend_rows = o->legend_items;
    /* The right column is as wide as its widest entry needs (a long name
     * wraps rather than widen it past 22% of the width), wider for a
     * report beside the figures. */
    const bool key_right = o->legend && !f->legend_below;
    if (key_right || (report && !ar.report_below)) {
        int need = 0, sw = (int)(L->small_px * 1.4f);
        for (int n = 0; key_right && n < o->legend_items && n < KM_LEGEND_MAX; n++)
            need = imax(need, sw + (int)(2 * L->u) + L->small_px / 2 + /* slack for est_lines's rounding */
                                  (o->legend_text[n] ? km_layout_est_width(o->legend_text[n], L->small_px,
                                                                           n >= o->legend_bold_from)
                                                     : L->small_px * 10));
        f->lw = imax(imin(need, (int)(w * 0.22f)), imin(L->small_px * 12, (int)(w * 0.22f)));
        f->lw_need = need;
        if (report && !ar.report_below)
            f->lw = imax(f->lw, (int)(w * 0.26f));
    }
    if (key_right)
        f->col_h = f->key_h = legend_wrap(L, o, f->lw, 1);
    /* What goes below the figures (the key, the report) keeps left of
     * the right column, if there is one. */
    const int band_w = f->x1 - f->x0 - (f->lw ? f->lw + 2 * m : 0);
    if (f->legend_below) {
        /* Below the figures: the number of columns (up to four, each at
         * least 14 small letters wide) that makes the key lowest, long
         * names wrapping in narrower columns; fewer columns on a tie. */
        f->legend_w = band_w;
        int most = imax(1, imin(4, f->legend_w / (L->small_px * 14))), best = 1, best_h = 0;
        for (int cols = 1; cols <= most; cols++) {
            int kh = legend_wrap(L, o, f->legend_w / cols, cols);
            if (cols == 1 || kh < best_h)
                best = cols, best_h = kh;
        }
        f->lh = legend_wrap(L, o, f->legend_w / best, best);
    }
    f->report_w = report ? (ar.report_below ? band_w : f->lw) : 0;
    f->split = false;
    if (report) {
        /* In a band across the page the red box and the list sit side by
         * side (half the height); in the column, one above the other. */
        int fl, rk, li;
        report_height(L, o, f->report_w, f->report_w, &f->flags_h, &f->rank_h, &f->list_h);
        fl = f->flags_h, li = f->list_h;
        f->rh = fl + (fl && li ? m : 0) + li;
        int half = (f->report_w - m) / 2;
        if (ar.report_below && fl && li && half > L->small_px * 22) {
            report_height(L, o, half, half, &fl, &rk, &li);
            if ((fl > li ? fl : li) < f->rh) {
                f->split = true;
                f->flags_h = fl, f->rank_h = rk, f->list_h = li;
                f->rh = fl > li ? fl : li;
            }
        }
    }
    if (report && !ar.report_below)
        f->col_h += (f->col_h ? m : 0) + f->rh;
}

/* The report's boxes once its top-left (x, y) is known. */
static void place_report(km_layout *L, const frame *f, const km_layout_opts *o, int x, int y)
{
    if (o->report_paras <= 0)
        return;
    const int gap = report_gap(L), m = L->margin;
    L->report_pad = report_pad(L), L->report_bar = report_bar(L), L->report_gap = gap;
    L->report = (km_rect){x, y, f->report_w, f->rh};
    int half = (f->report_w - m) / 2;
    if (f->flags_h)
        L->report_flags = (km_rect){x, y, f->split ? half : f->report_w, f->flags_h};
    if (f->split)
        L->report_list = (km_rect){x + half + m, y, f->report_w - half - m, f->list_h};
    else
        L->report_list = (km_rect){x, y + f->flags_h + (f->flags_h ? m : 0), f->report_w, f->list_h};
    L->report_pins_y = L->report_list.y + f->rank_h + (f->rank_h ? gap : 0);
}

/* Detail views: an nd-cell grid in the strip (sx, sy, sw, sh), columns
 * first along the strip's long side. */
static void place_details(km_layout *L, const frame *f, const km_layout_item *items, const int *idx, int nd,
                          float sx, float sy, float sw, float sh, bool beside)
{
    if (nd <= 0)
        return;
    int cols = beside ? (nd <= 3 ? 1 : 2) : (nd < 4 ? nd : 4);
    int rows = (nd + cols - 1) / cols;
    float cw = sw / cols, ch = sh / rows, pad = 2 * L->u;
    for (int k = 0; k < nd; k++) {
        km_chart_view *e = &L->v[L->nviews++];
        const km_layout_item *it = &items[idx[k]];
        float x = sx + (k % cols) * cw, y = sy + (k / cols) * ch;
        float bx = x + pad * 0.5f, by = y + f->label_band, bw = cw - pad, bh = ch - f->label_band - pad * 0.5f;
        float vw = it->width > 0 ? it->width : 1, vh = it->height > 0 ? it->height : 1;
        float sc = fminf(bw / vw, bh / vh);
        if (!(sc > 0))
            sc = 0.001f;
        e->view = idx[k];
        e->side = KM_SIDE_MIDLINE;
        e->detail = true;
        e->w = it->width;
        e->h = it->height;
        e->fit = sc;
        e->cx = bx + bw * 0.5f;
        e->cy = by + bh * 0.5f;
        e->label_y = (int)y;
        e->side_y = -1;
        e->cell = (km_rect){(int)floorf(bx), (int)floorf(by - L->u), (int)ceilf(bw), (int)ceilf(bh + L->u)};
        place_view(e, it->xf);
    }
}

/* One arrangement laid out in L.  Returns the body views' scale (the
 * detail views' for a chart of close-ups alone), or -1 when the right
 * column's key and report do not fit its height. */
static float arrange(km_layout *L, const km_layout_item *items, int n, const km_layout_opts *o, km_rect out,
                     arrangement ar)
{
    memset(L, 0, sizeof *L);
    L->out = out;
    const int w = out.w, h = out.h;
    frame f;
    frame_compute(L, &f, o, w, h, ar);
    const int m = L->margin;
    bool fits = f.col_h <= f.y1 - f.y0;

    int body[KM_CHART_MAX_VIEWS], det[KM_CHART_MAX_VIEWS], nb = 0, nd = 0;
    for (int i = 0; i < n && nb + nd < KM_CHART_MAX_VIEWS; i++) {
        if (items[i].detail)
            det[nd++] = i;
        else
            body[nb++] = i;
    }
    /* Detail views take a strip beside the bodies or under them; with no
     * body view, all the room. */
    const float gap = 5 * L->u;
    const int below_h = (f.lh ? f.lh + m : 0) + (o->report_paras > 0 && ar.report_below ? f.rh + m : 0);
    float availw = (float)(f.x1 - f.x0 - (f.lw ? f.lw + 2 * m : 0));
    float availh = (float)(f.y1 - f.y0 - f.label_band - f.side_band - below_h);
    float strip_w = 0, strip_h = 0;
    if (nd > 0 && nb > 0) {
        if (ar.details_below)
            strip_h = availh * (nd > 4 ? 0.30f : 0.24f);
        else
            strip_w = availw * (nd > 3 ? 0.30f : 0.20f);
    }
    float sumw = 0, maxh = 1;
    for (int i = 0; i < nb; i++) {
        const km_layout_item *it = &items[body[i]];
        sumw += it->width > 0 ? it->width : 1;
        if (it->height > maxh)
            maxh = it->height;
    }
    float sc = 0, groupw = 0, grouph = 0;
    if (nb > 0) {
        float bw = availw - (strip_w > 0 ? strip_w + gap : 0) - gap * (nb - 1);
        float bh = availh - (strip_h > 0 ? strip_h + m : 0);
        sc = fminf(bw / sumw, bh / maxh);
        if (!(sc > 0))
            sc = 0.001f;
        groupw = sumw * sc + gap * (nb - 1);
        grouph = maxh * sc;
        /* Close-ups beside the bodies take no more width than their
         * column needs for the figures' height: the rest goes back to
         * centring. */
        if (strip_w > 0) {
            float most = 0;
            int cols = nd <= 3 ? 1 : 2, rows = (nd + cols - 1) / cols;
            for (int k = 0; k < nd; k++) {
                const km_layout_item *it = &items[det[k]];
                float ch = (grouph + f.label_band + f.side_band) / rows - f.label_band;
                float vw = it->width > 0 ? it->width : 1, vh = it->height > 0 ? it->height : 1;
                most = fmaxf(most, ch * vw / vh + 2 * L->u);
            }
            strip_w = fminf(strip_w, fmaxf(most * cols, L->label_px * 7.0f));
        }
    } else {
        groupw = availw; /* details alone fill the figure area */
        grouph = availh;
    }
    /* Figures held by the height leave width over: the key's column takes
     * what it needs of it, so its names wrap only when they must. */
    if (nb > 0 && f.key_h && f.lw_need > f.lw && !f.lh && strip_h <= 0 &&
        !(o->report_paras > 0 && ar.report_below)) { /* (a band below was made for the column as it was) */
        int grow = imin(f.lw_need - f.lw, (int)(availw - groupw - (strip_w > 0 ? strip_w + gap : 0)));
        if (grow > 0) {
            f.lw += grow;
            f.key_h = legend_wrap(L, o, f.lw, 1);
            f.col_h = f.key_h;
            if (o->report_paras > 0 && !ar.report_below) {
                f.report_w = f.lw;
                report_height(L, o, f.lw, f.lw, &f.flags_h, &f.rank_h, &f.list_h);
                f.rh = f.flags_h + (f.flags_h && f.list_h ? m : 0) + f.list_h;
                f.col_h += m + f.rh;
            }
            fits = f.col_h <= f.y1 - f.y0;
        }
    }
    float stripw_used = strip_w > 0 ? strip_w + gap : 0;
    float contentw = groupw + stripw_used + (f.lw ? f.lw + 2 * m : 0);
    float contenth = f.label_band + grouph + f.side_band + (strip_h > 0 ? strip_h + m : 0) + below_h;
    float cx = f.x0 + ((f.x1 - f.x0) - contentw) * 0.5f;
    const bool band = f.lh || (o->report_paras > 0 && ar.report_below) || strip_h > 0;
    if (f.lw && band) /* a column beside a band below: flush right, the figures centred in what is left */
        cx = f.x0 + ((f.x1 - f.lw - 2 * m - f.x0) - (groupw + stripw_used)) * 0.5f;
    float top = f.y0 + ((f.y1 - f.y0) - contenth) * 0.5f;
    const int label_y = (int)top;
    float fig_y0 = top + f.label_band, fig_y1 = fig_y0 + grouph;
    const int side_y = (int)(fig_y1 + L->small_px * 0.5f);
    float below = fig_y1 + f.side_band; /* under the bodies and their side labels */
    float under = below + (strip_h > 0 ? strip_h + m : 0) + m; /* under the close-ups too */
    if (f.lw) {
        /* The right column: the key, then the report, from the figures'
         * top, moved up if it would run past the bottom. */
        int col_x = band ? f.x1 - f.lw : (int)(cx + groupw + stripw_used + 2 * m), col_y = label_y;
        if (col_y + f.col_h > f.y1)
            col_y = f.y1 - f.col_h;
        if (col_y < f.y0)
            col_y = f.y0;
        if (f.key_h)
            L->legend = (km_rect){col_x, col_y, f.lw, f.key_h};
        if (!ar.report_below)
            place_report(L, &f, o, col_x, col_y + (f.key_h ? f.key_h + m : 0));
    }
    if (f.lh) {
        L->legend = (km_rect){f.x0, (int)under, f.legend_w, f.lh};
        under += f.lh + m;
    }
    if (ar.report_below)
        place_report(L, &f, o, f.x0, (int)under);
    if (L->legend.w && L->legend.x + L->legend.w > w - m)
        L->legend.w = w - m - L->legend.x;

    float x = cx;
    for (int i = 0; i < nb; i++) {
        const km_layout_item *it = &items[body[i]];
        km_chart_view *e = &L->v[L->nviews++];
        float vw = (it->width > 0 ? it->width : 1) * sc, vh = it->height * sc;
        int cy0 = (int)(fig_y0 - L->u), cy1 = (int)(fig_y1 + L->u);
        e->view = body[i];
        e->side = KM_SIDE_MIDLINE;
        e->w = it->width;
        e->h = it->height;
        e->cell = (km_rect){(int)floorf(x - gap * 0.4f), cy0, (int)ceilf(vw + gap * 0.8f), cy1 - cy0};
        e->fit = sc;
        e->cx = x + vw * 0.5f;
        e->cy = fig_y0 + (grouph - vh) * 0.5f + vh * 0.5f;
        e->label_y = label_y;
        e->side_y = side_y;
        place_view(e, it->xf);
        x += vw + gap;
    }
    if (nb == 0)
        place_details(L, &f, items, det, nd, cx, top, groupw, f.label_band + grouph + f.side_band, !ar.details_below);
    else if (strip_w > 0)
        place_details(L, &f, items, det, nd, cx + groupw + gap, top, strip_w, below - top, true);
    else
        place_details(L, &f, items, det, nd, (float)f.x0, below + m * 0.5f,
                      (float)(f.x1 - f.x0 - (f.lw ? f.lw + 2 * m : 0)), strip_h, false);

    /* Everything so far is relative to the output's corner. */
    for (int i = 0; i < L->nviews; i++) {
        km_chart_view *e = &L->v[i];
        e->cell.x += out.x, e->cell.y += out.y;
        e->xf.ox += out.x, e->xf.oy += out.y;
        e->cx += out.x, e->cy += out.y;
        e->label_y += out.y;
        if (e->side_y >= 0)
            e->side_y += out.y;
    }
    L->title_y += out.y;
    L->footer_y += out.y;
    L->notes_y += out.y;
    if (L->legend.w)
        L->legend.x += out.x, L->legend.y += out.y;
    if (L->report.w) {
        L->report.x += out.x, L->report.y += out.y;
        L->report_flags.x += out.x, L->report_flags.y += out.y;
        L->report_list.x += out.x, L->report_list.y += out.y;
        L->report_pins_y += out.y;
    }
    if (!fits)
        return -1;
    if (nb > 0)
        return sc;
    float most = 0; /* close-ups alone: their scale */
    for (int i = 0; i < L->nviews; i++)
        most = fmaxf(most, L->v[i].fit);
    return most;
}

void km_layout_items(km_layout *L, const km_layout_item *items, int n, const km_layout_opts *o, km_rect out)
{
    KM_ASSERT(L && o && (items || n == 0));
    /* The usual arrangement first (key and close-ups beside the figures on
     * a landscape output, under them on a portrait one; the report with
     * the key), then the others; the largest figures win, a clear margin
     * (3%) being needed to leave the usual one. */
    const bool portrait = out.w < out.h * 1.1f;
    arrangement best = {portrait, portrait, portrait};
    float best_sc = -2;
    bool any_detail = false;
    for (int i = 0; i < n; i++)
        any_detail |= items[i].detail;
    for (int k = 0; k < 8; k++) {
        arrangement ar = {(k & 1) ? !portrait : portrait, (k & 2) ? !portrait : portrait, (k & 4) ? !portrait : portrait};
        if ((k & 2) && !any_detail)
            continue;
        if ((k & 4) && o->report_paras == 0)
            continue;
        if ((k & 1) && !o->legend)
            continue;
        float sc = arrange(L, items, n, o, out, ar);
        if (sc > best_sc * (best_sc > 0 ? 1.03f : 1.0f)) {
            best_sc = sc;
            best = ar;
        }
    }
    arrange(L, items, n, o, out, best);
}

void km_layout_compute(km_layout *L, const km_scene *s, km_rect out)
{
    KM_ASSERT(L && s && s->atlas);
    const km_atlas *a = s->atlas;
    km_layout_item items[KM_CHART_MAX_VIEWS];
    int of[KM_CHART_MAX_VIEWS]; /* the atlas view of each item */
    int n = 0;
    if (s->view >= 0 && s->view < a->view_count) {
        /* One view asked for: it fills the chart, whatever its kind. */
        const km_view *v = &a->views[s->view];
        of[n] = s->view;
        items[n++] = (km_layout_item){v->width, v->height, false, s->xforms ? s->xforms[s->view] : (km_view_xform){1, 0, 0}};
    } else {
        for (int i = 0; i < a->view_count && n < KM_CHART_MAX_VIEWS; i++) {
            const km_view *v = &a->views[i];
            if (!km_scene_view_shown(s, i))
                continue;
            of[n] = i;
            items[n++] = (km_layout_item){v->width, v->height, km_layout_view_is_detail(v),
                                          s->xforms ? s->xforms[i] : (km_view_xform){1, 0, 0}};
        }
    }
    /* Room kept for close-ups not shown yet (the window's detail_reserve):
     * cells the size of the largest close-up, left empty. */
    int details = 0;
    float dw = 0, dh = 0;
    for (int i = 0; i < n; i++)
        details += items[i].detail;
    for (int i = 0; i < a->view_count; i++)
        if (km_layout_view_is_detail(&a->views[i]) && a->views[i].width * a->views[i].height > dw * dh)
            dw = a->views[i].width, dh = a->views[i].height;
    for (int k = details; s->view < 0 && dw > 0 && k < s->detail_reserve && n < KM_CHART_MAX_VIEWS; k++) {
        of[n] = -1;
        items[n++] = (km_layout_item){dw, dh, true, (km_view_xform){1, 0, 0}};
    }
    int sel = s->sel_count < KM_SCENE_MAX_SELECTED ? s->sel_count : KM_SCENE_MAX_SELECTED;
    km_layout_opts o = {.title = s->title != NULL, .footer = s->footer != NULL, .legend = s->legend,
                        .legend_items = km_layout_legend_fixed(s, NULL) + sel};
    char words[KM_LEGEND_MAX][256], store[8192];
    o.legend_bold_from = km_layout_legend_fixed(s, NULL);
    const int shown = o.legend_items;
    if (s->legend && o.legend_items < s->legend_reserve)
        o.legend_items = s->legend_reserve < KM_LEGEND_MAX ? s->legend_reserve : KM_LEGEND_MAX;
    for (int k = 0; s->legend && k < shown && k < KM_LEGEND_MAX; k++)
        o.legend_text[k] = km_layout_legend_text(s, k, words[k], sizeof words[k]);
    /* Entries kept free (legend_items > shown only below KM_LEGEND_MAX) are
     * as long as a muscle's usually is. */
    for (int k = shown; k < o.legend_items; k++)
        o.legend_text[k] = "W  Levator scapulae (right)";
    o.notes = s->notes && *s->notes ? s->notes : NULL;
    km_report rep;
    km_report_compute(s, &rep);
    if (rep.on)
        o.report_paras = km_layout_report_paras(s, &rep, o.report, KM_REPORT_MAX_PARAS, store, sizeof store);
    km_layout_items(L, items, n, &o, out);
    L->content = rep;
    /* Items were numbered in order: map them back to atlas views, leaving
     * out the cells only kept free. */
    int kept = 0;
    for (int i = 0; i < L->nviews; i++) {
        if (of[L->v[i].view] < 0)
            continue;
        L->v[kept] = L->v[i];
        L->v[kept].view = of[L->v[i].view];
        L->v[kept].side = km_scene_view_side(s, L->v[kept].view);
        kept++;
    }
    L->nviews = kept;
}

/* ---- the transform and hit-testing ------------------------------------- */

static bool rect_has(km_rect r, float x, float y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

int km_layout_find(const km_layout *L, int view)
{
    for (int i = 0; i < L->nviews; i++)
        if (L->v[i].view == view)
            return i;
    return -1;
}

km_vec2 km_layout_to_screen(const km_layout *L, int i, km_vec2 p)
{
    KM_ASSERT(i >= 0 && i < L->nviews);
    const km_xform *x = &L->v[i].xf;
    return (km_vec2){p.x * x->scale + x->ox, p.y * x->scale + x->oy};
}

km_vec2 km_layout_to_view(const km_layout *L, int i, km_vec2 s)
{
    KM_ASSERT(i >= 0 && i < L->nviews);
    const km_xform *x = &L->v[i].xf;
    return (km_vec2){(s.x - x->ox) / x->scale, (s.y - x->oy) / x->scale};
}

int km_layout_hit(const km_layout *L, float x, float y, km_vec2 *p)
{
    for (int i = 0; i < L->nviews; i++) {
        const km_chart_view *e = &L->v[i];
        if (!rect_has(e->cell, x, y) || !(e->xf.scale > 0))
            continue;
        km_vec2 q = km_layout_to_view(L, i, (km_vec2){x, y});
        if (q.x < 0 || q.y < 0 || q.x > e->w || q.y > e->h)
            continue;
        if (p)
            *p = q;
        return i;
    }
    return -1;
}

km_view_xform km_layout_clamp(float width, float height, km_view_xform x)
{
    x = sane_xform(x);
    float mx = width * 0.5f * (1 - 1 / x.zoom), my = height * 0.5f * (1 - 1 / x.zoom);
    x.pan_x = fmaxf(-mx, fminf(mx, x.pan_x));
    x.pan_y = fmaxf(-my, fminf(my, x.pan_y));
    return x;
}

km_view_xform km_layout_zoom_at(const km_layout *L, int i, km_view_xform cur, float x, float y, float factor,
                                float max_zoom)
{
    KM_ASSERT(i >= 0 && i < L->nviews);
    const km_chart_view *e = &L->v[i];
    cur = sane_xform(cur);
    if (!(factor > 0) || !isfinite(factor))
        return cur;
    /* The view point under (x, y) now, then the pan that keeps it there:
     * screen = c + (p - half + pan) * fit * zoom. */
    km_vec2 p = km_layout_to_view(L, i, (km_vec2){x, y});
    float z = fmaxf(1, fminf(max_zoom > 1 ? max_zoom : 1, cur.zoom * factor)), k = e->fit * z;
    km_view_xform nx = {z, (x - e->cx) / k - p.x + e->w * 0.5f, (y - e->cy) / k - p.y + e->h * 0.5f};
    return km_layout_clamp(e->w, e->h, nx);
}

km_view_xform km_layout_pan_by(const km_layout *L, int i, km_view_xform cur, float dx, float dy)
{
    KM_ASSERT(i >= 0 && i < L->nviews);
    const km_chart_view *e = &L->v[i];
    cur = sane_xform(cur);
    float k = e->fit * cur.zoom;
    cur.pan_x += dx / k;
    cur.pan_y += dy / k;
    return km_layout_clamp(e->w, e->h, cur);
}

/* ---- focus ------------------------------------------------------------- */

static bool side_matches(km_side shape, km_side want)
{
    return shape == want || shape == KM_SIDE_MIDLINE || want == KM_SIDE_MIDLINE;
}

static void box_add(km_box *b, bool *any, km_box o)
{
    if (!(isfinite(o.x0) && isfinite(o.y0) && isfinite(o.x1) && isfinite(o.y1)) || o.x1 < o.x0 || o.y1 < o.y0)
        return;
    *b = *any ? km_box_union(*b, o) : o;
    *any = true;
}

bool km_layout_focus(const km_scene *s, int view, float margin, float max_zoom, km_view_xform *out)
{
    if (!s || !s->atlas || view < 0 || view >= s->atlas->view_count || !out)
        return false;
    const km_atlas *a = s->atlas;
    km_box b = {0, 0, 0, 0};
    bool any = false;
    for (int k = 0; k < s->sel_count && k < KM_SCENE_MAX_SELECTED; k++) {
        const km_scene_sel *sel = &s->sel[k];
        if (sel->muscle < 0 || sel->muscle >= a->muscle_count)
            continue;
        const km_muscle *mu = &a->muscles[sel->muscle];
        for (int j = 0; j < mu->shape_count; j++)
            if (mu->shapes[j].view == view && side_matches(mu->shapes[j].side, sel->side))
                box_add(&b, &any, mu->shapes[j].poly.box);
        for (int j = 0; j < mu->zone_count; j++)
            if (mu->zones[j].view == view && side_matches(mu->zones[j].side, sel->side))
                box_add(&b, &any, mu->zones[j].poly.box);
        for (int j = 0; j < mu->tp_count; j++)
            if (mu->tps[j].view == view && side_matches(mu->tps[j].side, sel->side))
                box_add(&b, &any, (km_box){mu->tps[j].at.x, mu->tps[j].at.y, mu->tps[j].at.x, mu->tps[j].at.y});
    }
    for (int k = 0; k < s->area_count; k++)
        if (s->areas[k] >= 0 && s->areas[k] < a->area_count && a->areas[s->areas[k]].view == view)
            box_add(&b, &any, a->areas[s->areas[k]].poly.box);
    if (!any)
        return false;
    const km_view *v = &a->views[view];
    float m = margin > 0 ? margin : 0;
    float bw = (b.x1 - b.x0) * (1 + 2 * m), bh = (b.y1 - b.y0) * (1 + 2 * m);
    float z = fminf(v->width / fmaxf(bw, 1e-3f), v->height / fmaxf(bh, 1e-3f));
    z = fminf(z, max_zoom > 1 ? max_zoom : 1);
    if (!(z > 1))
        z = 1;
    /* Centre the box, but never show paper beyond the view's edges. */
    float px = v->width * 0.5f - (b.x0 + b.x1) * 0.5f, py = v->height * 0.5f - (b.y0 + b.y1) * 0.5f;
    float mx = v->width * 0.5f * (1 - 1 / z), my = v->height * 0.5f * (1 - 1 / z);
    out->zoom = z;
    out->pan_x = fmaxf(-mx, fminf(mx, px));
    out->pan_y = fmaxf(-my, fminf(my, py));
    return true;
}

const char *km_layout_legend_text(const km_scene *s, int n, char *buf, size_t len)
{
    static const char *fixed[7] = {"Trigger point", "Essential pain zone", "Spillover pain zone", "Your pain area",
                                   "Pin: pain 0-3", "Pin: pain 4-6", "Pin: pain 7-10"};
    int kinds[7], nf = km_layout_legend_fixed(s, kinds);
    buf[0] = 0;
    if (n < nf)
        return fixed[kinds[n]];
    int k = n - nf;
    if (k >= s->sel_count || k >= KM_SCENE_MAX_SELECTED)
        return buf;
    const km_scene_sel *sel = &s->sel[k];
    if (sel->muscle < 0 || sel->muscle >= s->atlas->muscle_count)
        return buf;
    const km_muscle *mu = &s->atlas->muscles[sel->muscle];
    char letter[8] = "";
    if (s->sel_count > 1) /* the letter set beside its Xs; kept with the name's first word */
        snprintf(letter, sizeof letter, "%c\xC2\xA0\xC2\xA0", km_paint_slot_letter(sel->color));
    if (sel->side == KM_SIDE_MIDLINE || !mu->bilateral)
        snprintf(buf, len, "%s%s", letter, mu->name);
    else
        snprintf(buf, len, "%s%s (%s)", letter, mu->name, km_side_name(sel->side));
    return buf;
}

int km_layout_report_paras(const km_scene *s, const km_report *r, km_layout_para *out, int max, char *store,
                           size_t store_n)
{
    int n = 0;
    size_t used = 0;
    /* words that are built go into store, one after the other */
#define KM_PARA(part_, text_)                                                                                       \
    do {                                                                                                           \
        if (n < max)                                                                                               \
            out[n++] = (km_layout_para){(text_), (part_)};                                                         \
    } while (0)
    if (r->flag_count > 0) {
        KM_PARA(KM_PART_FLAG_HEAD, km_report_flag_heading());
        for (int i = 0; i < r->flag_count; i++)
            KM_PARA(KM_PART_FLAG, s->atlas->red_flags[r->flags[i]].text);
    }
    if (r->ranked_count > 0) {
        KM_PARA(KM_PART_RANK_HEAD, km_report_rank_heading(r));
        for (int i = 0; i < r->ranked_count && used < store_n; i++) {
            const char *t = km_report_item_text(s, &r->ranked[i], i, r->of_drawing, store + used, store_n - used);
            used += strlen(t) + 1;
            KM_PARA(KM_PART_RANK, t);
        }
        KM_PARA(KM_PART_RULE, km_report_rank_rule(r));
    }
    if (r->pin_count > 0 && used < store_n) {
        const char *t = km_report_pins_text(s, r, store + used, store_n - used);
        used += strlen(t) + 1;
        KM_PARA(KM_PART_PINS, t);
    }
#undef KM_PARA
    return n;
}

int km_layout_legend_fixed(const km_scene *s, int kinds[7])
{
    int n = 0, tmp[7];
    int *k = kinds ? kinds : tmp;
    if (s->sel_count > 0)
        k[n++] = 0, k[n++] = 1, k[n++] = 2;
    if (s->stroke_count > 0 || s->area_count > 0)
        k[n++] = 3;
    if (s->pin_count > 0)
        k[n++] = 4, k[n++] = 5, k[n++] = 6;
    return n;
}
