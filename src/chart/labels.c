/*
 * labels.c - the chart's words placed from the layout (see labels.h);
 * moved out of the window's renderer so that the PDF and SVG export set the
 * same words in the same places as the window and the PNG.  Sizes come
 * from the layout (title_px, label_px, small_px).  The key's entries, the
 * notes and the export's report wrap at spaces onto the lines the layout
 * made room for, at their size: nothing is cut and nothing shrinks there
 * (the title and the footer still shrink a little, to 60%, rather than run
 * off; a view's name breaks in two).  Several compared muscles each put
 * their slot's letter beside their trigger points, as the key does.
 */
#include "labels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paint.h"
#include "report.h"

static const km_rgba k_text = {34, 34, 34, 255};
static const km_rgba k_text_soft = {100, 100, 100, 255};
static const km_rgba k_text_white = {255, 255, 255, 255};

typedef struct labeller {
    const km_text_ops *t;
    void *ctx;
} labeller;

static void size_of(const labeller *lb, const char *s, int px, bool bold, int *w, int *h)
{
    if (w)
        *w = 0;
    if (h)
        *h = 0;
    lb->t->measure(lb->ctx, s, px, bold, w, h);
}

static void put(const labeller *lb, const char *s, int px, int x, int y, km_label_align al, km_rgba c, bool bold)
{
    if (s && *s)
        lb->t->draw(lb->ctx, s, px, x, y, al, c, bold);
}

static bool view_is_back(const km_view *v)
{
    return v->id && strncmp(v->id, "back", 4) == 0;
}

/* The size at which a line fits in avail pixels: px, or smaller down to
 * 60% (beyond that it is better cut by the edge than unreadable). */
static int fit_px(const labeller *lb, const char *t, int px, bool bold, int avail)
{
    int tw = 0;
    size_of(lb, t, px, bold, &tw, NULL);
    if (tw <= avail || tw <= 0 || avail <= 0)
        return px;
    int k = px * avail / tw;
    return k < px * 6 / 10 ? px * 6 / 10 : k;
}

/* t, or its longest start that fits avail with "…" after it (in buf). */
static const char *ellipsize(const labeller *lb, const char *t, int px, bool bold, int avail, char *buf, size_t n)
{
    int tw = 0;
    size_of(lb, t, px, bold, &tw, NULL);
    if (tw <= avail || avail <= 0)
        return t;
    size_t len = strlen(t);
    if (len + 4 > n)
        len = n - 4;
    while (len > 0) {
        len--;
        while (len > 0 && (t[len] & 0xC0) == 0x80)
            len--; /* whole UTF-8 characters */
        size_t k = len;
        while (k > 0 && t[k - 1] == ' ')
            k--;
        memcpy(buf, t, k);
        memcpy(buf + k, "\xE2\x80\xA6", 4);
        size_of(lb, buf, px, bold, &tw, NULL);
        if (tw <= avail)
            return buf;
    }
    snprintf(buf, n, "\xE2\x80\xA6");
    return buf;
}

/* t broken at spaces into lines of at most avail pixels, set from (x, y)
 * down, lh apart (a word wider than avail alone is cut where it must be:
 * a very narrow room).  At most max_lines: a last line that would not fit
 * ends in "…" (the layout's room is never short, so this is a guard).
 * Returns the lines set; draw false only counts them. */
static int wrap(const labeller *lb, const char *t, int px, bool bold, int x, int y, int avail, int lh, km_rgba c,
                int max_lines, bool draw)
{
    char line[512], cut[520];
    int lines = 0;
    const char *p = t;
    while (p && *p && lines < max_lines) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        /* the longest run of whole words from p that fits */
        const char *end = p, *q = p;
        while (*q) {
            const char *w = q;
            while (*w == ' ')
                w++;
            const char *we = w + strcspn(w, " ");
            if (we == w)
                break;
            int tw = 0;
            snprintf(line, sizeof line, "%.*s", (int)(we - p), p);
            size_of(lb, line, px, bold, &tw, NULL);
            if (tw > avail && end != p)
                break;
            end = we;
            q = we;
            if (tw > avail)
                break; /* one word, too wide: cut below */
        }
        snprintf(line, sizeof line, "%.*s", (int)(end - p), p);
        const char *shown = line;
        if (lines == max_lines - 1 && *end && strspn(end, " ") != strlen(end)) {
            /* the last line the room has: the rest after an ellipsis */
            snprintf(cut, sizeof cut, "%s \xE2\x80\xA6", line);
            char buf[512];
            shown = ellipsize(lb, cut, px, bold, avail, buf, sizeof buf);
            if (draw)
                put(lb, shown, px, x, y + lines * lh, KM_LABEL_LEFT, c, bold);
            return lines + 1;
        }
        int tw = 0;
        size_of(lb, line, px, bold, &tw, NULL);
        if (tw > avail) { /* a single word wider than the room: as much as fits, the rest next line */
            size_t k = strlen(line);
            while (k > 1 && tw > avail) {
                k--;
                while (k > 1 && (line[k] & 0xC0) == 0x80)
                    k--;
                line[k] = 0;
                size_of(lb, line, px, bold, &tw, NULL);
            }
            end = p + k;
        }
        if (draw)
            put(lb, shown, px, x, y + lines * lh, KM_LABEL_LEFT, c, bold);
        lines++;
        p = end;
    }
    return lines;
}

static void legend_labels(const labeller *lb, const km_scene *s, const km_layout *L)
{
    if (!L->legend.w)
        return;
    km_legend_geom g = km_paint_legend_geom(L);
    int nf = km_layout_legend_fixed(s, NULL);
    if (nf + s->sel_count == 0)
        return; /* nothing on the chart to explain */
    put(lb, "Key", L->label_px, L->legend.x, L->legend.y, KM_LABEL_LEFT, k_text, true);
    char buf[256];
    for (int n = 0; n < nf + s->sel_count && n < KM_LEGEND_MAX; n++) {
        int x, y;
        km_paint_legend_slot(L, &g, n, &x, &y);
        const char *t = km_layout_legend_text(s, n, buf, sizeof buf);
        if (!*t)
            continue;
        /* A long name wraps onto the lines the layout gave it, at the
         * key's size: nothing is cut and nothing shrinks. */
        bool bold = n >= nf;
        int px = L->small_px, th = 0, avail = g.col_w - g.sw - (int)(2 * L->u);
        int reserved = L->legend_lines[n] > 0 ? L->legend_lines[n] : 1;
        size_of(lb, t, px, bold, NULL, &th);
        int lines = wrap(lb, t, px, bold, 0, 0, avail, L->line_h, k_text, reserved, false);
        int block = th + (lines - 1) * L->line_h, eh = km_layout_legend_entry_h(L, n);
        int ty = lines > 1 ? y + (eh - block) / 2 : y + (g.row_h - th) / 2;
        wrap(lb, t, px, bold, x + g.sw + (int)L->u, ty, avail, L->line_h, k_text, reserved, true);
    }
}

/* The clinician's report (report.h): the red flags in their box, the
 * ranked muscles with their coverage, the pin legend, at the places the
 * layout made room for. */
static void report_labels(const labeller *lb, const km_scene *s, const km_layout *L)
{
    if (!L->report.w || !L->content.on)
        return;
    static const km_rgba red = {170, 20, 20, 255};
    km_layout_para paras[KM_REPORT_MAX_PARAS];
    char store[8192];
    int n = km_layout_report_paras(s, &L->content, paras, KM_REPORT_MAX_PARAS, store, sizeof store);
    const int pad = L->report_pad, bar = L->report_bar, gap = L->report_gap, big = 99;
    int fy = L->report_flags.y + pad, ry = L->report_list.y, py = L->report_pins_y;
    const int fx = L->report_flags.x + pad + bar, fw = L->report_flags.w - 2 * pad - bar;
    const int lx = L->report_list.x, lw = L->report_list.w;
    for (int i = 0; i < n; i++) {
        const km_layout_para *p = &paras[i];
        switch (p->part) {
        case KM_PART_FLAG_HEAD:
            fy += wrap(lb, p->text, L->label_px, true, fx, fy, fw, km_layout_line_h(L->label_px), red, big, true) *
                      km_layout_line_h(L->label_px) + gap / 2;
            break;
        case KM_PART_FLAG:
            fy += wrap(lb, p->text, L->small_px, false, fx, fy, fw, L->line_h, k_text, big, true) * L->line_h + gap / 2;
            break;
        case KM_PART_RANK_HEAD:
        case KM_PART_RANK:
        case KM_PART_RULE:
            ry += wrap(lb, p->text, L->small_px, p->part == KM_PART_RANK_HEAD, lx, ry, lw, L->line_h,
                       p->part == KM_PART_RULE ? k_text_soft : k_text, big, true) * L->line_h +
                  (p->part == KM_PART_RANK ? 0 : gap / 2);
            break;
        case KM_PART_PINS:
            py += wrap(lb, p->text, L->small_px, false, lx, py, lw, L->line_h, k_text, big, true) *
                  L->line_h;
            break;
        }
    }
}

static bool rects_meet(km_rect a, km_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Each compared muscle's letter beside its trigger points (several
 * muscles shown), in its colour darkened, so whose X is whose does not
 * rest on colour alone. */
static void x_letters(const labeller *lb, const km_scene *s, const km_layout *L, int i)
{
    if (s->sel_count < 2)
        return;
    const km_chart_view *e = &L->v[i];
    const km_atlas *a = s->atlas;
    float zoom = e->xf.scale / e->fit, u = L->u * (zoom > 1 ? sqrtf(zoom) : 1.0f);
    float half = fmaxf(0.8f * u, 4.0f) + fmaxf(0.22f * u, 1.0f);
    km_rect placed[64]; /* letters set on this view: a muscle's Xs close together get one */
    int np = 0;
    for (int k = 0; k < s->sel_count && k < KM_SCENE_MAX_SELECTED; k++) {
        const km_scene_sel *sel = &s->sel[k];
        if (sel->muscle < 0 || sel->muscle >= a->muscle_count)
            continue;
        const km_muscle *mu = &a->muscles[sel->muscle];
        km_side shown = mu->bilateral ? sel->side : KM_SIDE_MIDLINE;
        if (e->side != KM_SIDE_MIDLINE && shown != KM_SIDE_MIDLINE && shown != e->side)
            continue; /* a close-up shows one side */
        km_rgba pc = km_paint_palette(sel->color);
        km_rgba ink = {(uint8_t)(pc.r * 0.55f), (uint8_t)(pc.g * 0.55f), (uint8_t)(pc.b * 0.55f), 255};
        char letter[2] = {km_paint_slot_letter(sel->color), 0};
        for (int j = 0; j < mu->tp_count; j++) {
            const km_trigger_point *tp = &mu->tps[j];
            if (tp->view != e->view ||
                !(tp->side == sel->side || tp->side == KM_SIDE_MIDLINE || sel->side == KM_SIDE_MIDLINE))
                continue;
            float px = tp->at.x * e->xf.scale + e->xf.ox, py = tp->at.y * e->xf.scale + e->xf.oy;
            int tw = 0, th = 0;
            size_of(lb, letter, L->small_px, true, &tw, &th);
            /* up right of the X, else up left, down right, down left:
             * the first place clear of the pins' numbers, the other
             * letters and the view's edge (none: a muscle's Xs close
             * together share the letter already set) */
            static const float dx[4] = {1, -1, 1, -1}, dy[4] = {-1, -1, 1, 1};
            for (int t = 0; t < 4; t++) {
                float fx = px + dx[t] * half - (dx[t] < 0 ? tw : 0);
                float fy = py + dy[t] * half - (dy[t] < 0 ? th * 0.6f : th * 0.4f);
                km_rect r = {(int)fx, (int)fy, tw, th};
                if (fx < e->cell.x || fx + tw > e->cell.x + e->cell.w || fy < e->cell.y || fy + th > e->cell.y + e->cell.h)
                    continue; /* off the shown part of a zoomed view */
                bool clash = false;
                for (int q = 0; q < np && !clash; q++)
                    clash = rects_meet(r, placed[q]);
                for (int q = 0; q < s->pin_count && s->pins && !clash; q++)
                    if (s->pins[q].view == e->view) {
                        float qx = s->pins[q].at.x * e->xf.scale + e->xf.ox, qy = s->pins[q].at.y * e->xf.scale + e->xf.oy;
                        int rr = (int)(fmaxf(1.25f * u, 6) * 1.25f + fmaxf(0.2f * u, 1)) + 1; /* the largest pin */
                        clash = rects_meet(r, (km_rect){(int)qx - rr, (int)qy - rr, 2 * rr, 2 * rr});
                    }
                if (clash)
                    continue;
                if (np < 64)
                    placed[np++] = r;
                put(lb, letter, L->small_px, (int)fx, (int)fy, KM_LABEL_LEFT, ink, true);
                break;
            }
        }
    }
}

/* "Patient's right" centred at x, on two lines when the half view is too
 * narrow for one. */
static void side_label(const labeller *lb, const char *side, int px, int x, int y, int maxw)
{
    char one[32];
    snprintf(one, sizeof one, "Patient's %s", side);
    int tw = 0, th = 0;
    size_of(lb, "Patient's right", px, false, &tw, &th); /* the longer: both sides break alike */
    if (tw <= maxw) {
        put(lb, one, px, x, y, KM_LABEL_CENTER, k_text_soft, false);
        return;
    }
    put(lb, "Patient's", px, x, y, KM_LABEL_CENTER, k_text_soft, false);
    put(lb, side, px, x, y + th, KM_LABEL_CENTER, k_text_soft, false);
}

/* A view's name centred at x: on one line when it fits the cell, else
 * broken at the space nearest its middle (a close-up's cell is narrow:
 * "Sole of / the foot"), at the chart's small size if even that is too
 * wide, and cut with "…" as the last resort. */
static void view_name(const labeller *lb, const char *name, int px, int small_px, int x, int y, int maxw)
{
    int tw = 0, th = 0;
    size_of(lb, name, px, true, &tw, &th);
    const char *mid = name + strlen(name) / 2, *cut = NULL;
    for (const char *p = name; *p; p++)
        if (*p == ' ' && (!cut || labs(p - mid) < labs(cut - mid)))
            cut = p;
    if (tw <= maxw || !cut) {
        put(lb, name, px, x, y, KM_LABEL_CENTER, k_text, true);
        return;
    }
    char first[128], a[160], b[160];
    snprintf(first, sizeof first, "%.*s", (int)(cut - name), name);
    int w1 = 0, w2 = 0;
    size_of(lb, first, px, true, &w1, &th);
    size_of(lb, cut + 1, px, true, &w2, NULL);
    if ((w1 > maxw || w2 > maxw) && small_px < px) { /* still too wide: the chart's small size */
        px = small_px;
        size_of(lb, first, px, true, NULL, &th);
    }
    put(lb, ellipsize(lb, first, px, true, maxw, a, sizeof a), px, x, y, KM_LABEL_CENTER, k_text, true);
    put(lb, ellipsize(lb, cut + 1, px, true, maxw, b, sizeof b), px, x, y + th, KM_LABEL_CENTER, k_text, true);
}

static void view_labels(const labeller *lb, const km_scene *s, const km_layout *L, int i)
{
    const km_chart_view *e = &L->v[i];
    const km_view *v = &s->atlas->views[e->view];
    km_rect cell = e->cell;
    int cx = cell.x + cell.w / 2;
    /* A close-up shows one side: say which.  The label keeps to its cell
     * (close-ups sit side by side): on two lines, smaller, or cut if it must. */
    char label[160];
    snprintf(label, sizeof label, "%s%s", v->label ? v->label : v->id,
             e->side == KM_SIDE_LEFT ? ", left" : e->side == KM_SIDE_RIGHT ? ", right" : "");
    view_name(lb, label, L->label_px, L->small_px, cx, e->label_y, cell.w);
    /* Front: the patient faces us, so their right is on our left. */
    bool back = view_is_back(v);
    /* Each label is centred under its side of the centre line as it is
     * shown (a zoomed view may show one side only). */
    float mid = v->width * 0.5f * e->xf.scale + e->xf.ox;
    float c0 = (float)cell.x, c1 = (float)(cell.x + cell.w), gap = 2 * L->u;
    mid = fmaxf(c0, fminf(c1, mid));
    if (e->side_y < 0 || km_layout_view_is_detail(v))
        ; /* a close-up shows one side, named in its label: no side labels (also exported alone) */
    else if (mid - c0 > gap)
        side_label(lb, back ? "left" : "right", L->small_px, (int)((c0 + mid) * 0.5f), e->side_y,
                   (int)(mid - c0 - L->u));
    if (e->side_y >= 0 && !km_layout_view_is_detail(v) && c1 - mid > gap)
        side_label(lb, back ? "right" : "left", L->small_px, (int)((mid + c1) * 0.5f), e->side_y,
                   (int)(c1 - mid - L->u));
    char num[16];
    for (int k = 0; k < s->pin_count && s->pins; k++) {
        const km_pin *p = &s->pins[k];
        if (p->view != e->view)
            continue;
        /* A document numbers its pins for the report's legend ("1 · 7/10");
         * the window shows each pin's pain level on it. */
        if (L->content.pin_count > 0)
            snprintf(num, sizeof num, "%d", k + 1);
        else
            snprintf(num, sizeof num, "%d", p->intensity < 0 ? 0 : (p->intensity > 10 ? 10 : p->intensity));
        float fx = p->at.x * e->xf.scale + e->xf.ox, fy = p->at.y * e->xf.scale + e->xf.oy;
        if (!(fx >= cell.x && fx < cell.x + cell.w && fy >= cell.y && fy < cell.y + cell.h))
            continue; /* off the view, or not a number */
        int th = 0;
        size_of(lb, num, L->small_px, true, NULL, &th);
        put(lb, num, L->small_px, (int)fx, (int)fy - th / 2, KM_LABEL_CENTER, k_text_white, true);
    }
}

void km_chart_labels(const km_scene *s, const km_layout *L, const km_text_ops *t, void *ctx)
{
    const labeller lb = {t, ctx};
    const int margin = L->margin, width = L->out.w;
    if (s->title)
        put(&lb, s->title, fit_px(&lb, s->title, L->title_px, true, width - 2 * margin), margin, L->title_y,
            KM_LABEL_LEFT, k_text, true);
    if (s->notes && *s->notes && L->notes_lines > 0)
        wrap(&lb, s->notes, L->small_px, false, margin, L->notes_y, width - 2 * margin, L->line_h, k_text,
             L->notes_lines, true);
    for (int i = 0; i < L->nviews; i++) {
        view_labels(&lb, s, L, i);
        x_letters(&lb, s, L, i);
    }
    legend_labels(&lb, s, L);
    report_labels(&lb, s, L);
    if (s->footer)
        put(&lb, s->footer, fit_px(&lb, s->footer, L->small_px, false, width - 2 * margin), margin, L->footer_y,
            KM_LABEL_LEFT, k_text_soft, false);
}
