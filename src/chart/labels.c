/*
 * labels.c - the chart's words placed from the layout (see labels.h);
 * moved out of the window's renderer so that the PDF and SVG export set the
 * same words in the same places as the window and the PNG.  Sizes come
 * from the layout (title_px, label_px, small_px); a line that does not
 * fit its room shrinks a little rather than run off (to 60% for the title
 * and footer, 70% for a muscle's name in the key).
 */
#include "labels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paint.h"

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

static void legend_labels(const labeller *lb, const km_scene *s, const km_layout *L)
{
    if (!L->legend.w)
        return;
    static const char *fixed[KM_LEG_FIXED] = {"Trigger point",       "Essential pain zone", "Spillover pain zone",
                                               "Your pain area",      "Pin: pain 0-3",       "Pin: pain 4-6",
                                               "Pin: pain 7-10"};
    km_legend_geom g = km_paint_legend_geom(L);
    int kinds[KM_LEG_FIXED], nf = km_layout_legend_fixed(s, kinds);
    if (nf + s->sel_count == 0)
        return; /* nothing on the chart to explain */
    put(lb, "Key", L->label_px, L->legend.x, L->legend.y, KM_LABEL_LEFT, k_text, true);
    char buf[256];
    for (int n = 0; n < nf + s->sel_count; n++) {
        int x, y;
        km_paint_legend_slot(L, &g, n, &x, &y);
        const char *t = n < nf ? fixed[kinds[n]] : buf;
        if (n >= nf) {
            const km_scene_sel *sel = &s->sel[n - nf];
            const km_muscle *mu = sel->muscle >= 0 && sel->muscle < s->atlas->muscle_count
                                      ? &s->atlas->muscles[sel->muscle]
                                      : NULL;
            if (!mu)
                continue;
            if (sel->side == KM_SIDE_MIDLINE || !mu->bilateral)
                snprintf(buf, sizeof buf, "%s", mu->name);
            else
                snprintf(buf, sizeof buf, "%s (%s)", mu->name, km_side_name(sel->side));
        }
        /* A long muscle name keeps its size and is cut with "…" at the
         * key's edge (the full name is in the list beside the chart). */
        bool bold = n >= nf;
        int px = L->small_px, th = 0, avail = g.col_w - g.sw - (int)(2 * L->u);
        char cut[256];
        t = ellipsize(lb, t, px, bold, avail, cut, sizeof cut);
        size_of(lb, t, px, bold, NULL, &th);
        put(lb, t, px, x + g.sw + (int)L->u, y + (g.row_h - th) / 2, KM_LABEL_LEFT, k_text, bold);
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
    if (e->side_y < 0)
        ; /* a close-up has no side labels */
    else if (mid - c0 > gap)
        side_label(lb, back ? "left" : "right", L->small_px, (int)((c0 + mid) * 0.5f), e->side_y,
                   (int)(mid - c0 - L->u));
    if (e->side_y >= 0 && c1 - mid > gap)
        side_label(lb, back ? "right" : "left", L->small_px, (int)((mid + c1) * 0.5f), e->side_y,
                   (int)(c1 - mid - L->u));
    char num[16];
    for (int k = 0; k < s->pin_count && s->pins; k++) {
        const km_pin *p = &s->pins[k];
        if (p->view != e->view)
            continue;
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
    for (int i = 0; i < L->nviews; i++)
        view_labels(&lb, s, L, i);
    legend_labels(&lb, s, L);
    if (s->footer)
        put(&lb, s->footer, fit_px(&lb, s->footer, L->small_px, false, width - 2 * margin), margin, L->footer_y,
            KM_LABEL_LEFT, k_text_soft, false);
}
