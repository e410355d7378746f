/*
 * layout.c - the chart's layout and the view <-> screen transform (see
 * layout.h).
 *
 * The frame is built from the outside in: margins, the title line on top,
 * the footer line at the bottom, the key to the right (landscape) or below
 * (portrait), and what is left holds the figures.  Body views sit in one
 * row at one common scale, a gap apart; detail views, if any, take a strip
 * beside that row (landscape) or under it (portrait), cut into a small grid
 * of cells, each view fitted to its own cell.  The whole group (figures,
 * strip, key) is centred.  Everything is computed relative to the output's
 * top-left corner and shifted at the end, so the same chart placed anywhere
 * has the same pixels.  The arithmetic for body views is the renderer's
 * original (integer truncations included): moving it here changed no pixel.
 */
#include "layout.h"

#include <math.h>
#include <string.h>

#include "../core/check.h"


static int imax(int a, int b) { return a > b ? a : b; }

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

/* The frame around the figures: margins, title, footer, bands. */
typedef struct frame {
    int x0, x1, y0, y1;
    int label_band, side_band;
    bool legend_below;
    int lw, lh; /* key's width (right of the figures) or height (below them) */
} frame;

static void frame_compute(km_layout *L, frame *f, const km_layout_opts *o, int w, int h)
{
    L->u = (w < h ? w : h) / 100.0f;
    L->title_px = imax((int)(L->u * 3.0f), 11);
    L->label_px = imax((int)(L->u * 2.4f), 10);
    L->small_px = imax((int)(L->u * 1.9f), 9);
    const int m = L->margin = (int)(2 * L->u) + 2;
    f->x0 = m, f->x1 = w - m, f->y0 = m, f->y1 = h - m;
    if (o->title) {
        L->title_y = f->y0;
        f->y0 += (int)(L->title_px * 1.6f);
    }
    if (o->footer) {
        f->y1 -= (int)(L->small_px * 1.5f);
        L->footer_y = f->y1 + (int)(L->small_px * 0.3f);
    }
    f->label_band = (int)(L->label_px * 1.6f);
    f->side_band = (int)(L->small_px * 2.7f); /* room for a label on two lines */
    f->legend_below = o->legend && w < h * 1.1f;
    f->lw = o->legend && !f->legend_below ? imax((int)(w * 0.22f), 120) : 0;
    f->lh = 0;
    L->legend_cols = 1;
    L->legend_rows = o->legend_items;
    L->legend_row_h = (int)(L->small_px * 2.0f);
    L->legend_head_h = (int)(L->label_px * 1.7f);
    if (f->legend_below) {
        /* Below the figures: as many columns as fit, rows for every entry. */
        int cols = (f->x1 - f->x0) / (L->small_px * 16);
        L->legend_cols = cols < 1 ? 1 : (cols > 3 ? 3 : cols);
        L->legend_rows = (o->legend_items + L->legend_cols - 1) / L->legend_cols;
        f->lh = L->legend_head_h + L->legend_rows * L->legend_row_h;
    }
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

void km_layout_items(km_layout *L, const km_layout_item *items, int n, const km_layout_opts *o, km_rect out)
{
    KM_ASSERT(L && o && (items || n == 0));
    memset(L, 0, sizeof *L);
    L->out = out;
    const int w = out.w, h = out.h;
    frame f;
    frame_compute(L, &f, o, w, h);
    const int m = L->margin;

    int body[KM_CHART_MAX_VIEWS], det[KM_CHART_MAX_VIEWS], nb = 0, nd = 0;
    for (int i = 0; i < n && nb + nd < KM_CHART_MAX_VIEWS; i++) {
        if (items[i].detail)
            det[nd++] = i;
        else
            body[nb++] = i;
    }
    /* Detail views take a strip beside the bodies on a landscape output,
     * under them on a portrait one; with no body view, all the room. */
    const bool portrait = w < h * 1.1f;
    const float gap = 5 * L->u;
    float availw = (float)(f.x1 - f.x0 - (f.lw ? f.lw + 2 * m : 0));
    float availh = (float)(f.y1 - f.y0 - f.label_band - f.side_band - (f.lh ? f.lh + m : 0));
    float strip_w = 0, strip_h = 0;
    if (nd > 0 && nb > 0) {
        if (portrait)
            strip_h = availh * 0.26f;
        else
            strip_w = availw * (nd > 3 ? 0.34f : 0.24f);
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
    } else {
        groupw = availw; /* details alone fill the figure area */
        grouph = availh;
    }
    float stripw_used = strip_w > 0 ? strip_w + gap : 0;
    float contentw = groupw + stripw_used + (f.lw ? f.lw + 2 * m : 0);
    float contenth = f.label_band + grouph + f.side_band + (strip_h > 0 ? strip_h + m : 0) + (f.lh ? f.lh + m : 0);
    float cx = f.x0 + ((f.x1 - f.x0) - contentw) * 0.5f;
    float top = f.y0 + ((f.y1 - f.y0) - contenth) * 0.5f;
    const int label_y = (int)top;
    float fig_y0 = top + f.label_band, fig_y1 = fig_y0 + grouph;
    const int side_y = (int)(fig_y1 + L->small_px * 0.5f);
    float below = fig_y1 + f.side_band; /* under the bodies and their side labels */
    if (f.lw)
        L->legend = (km_rect){(int)(cx + groupw + stripw_used + 2 * m), label_y, f.lw, (int)(fig_y1 - label_y)};
    else if (f.lh)
        L->legend = (km_rect){f.x0, (int)(below + (strip_h > 0 ? strip_h + m : 0) + m), f.x1 - f.x0, f.lh};
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
        place_details(L, &f, items, det, nd, cx, top, groupw, f.label_band + grouph + f.side_band, !portrait);
    else if (strip_w > 0)
        place_details(L, &f, items, det, nd, cx + groupw + gap, top, strip_w, below - top, true);
    else
        place_details(L, &f, items, det, nd, (float)f.x0, below + m * 0.5f, (float)(f.x1 - f.x0), strip_h, false);

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
    if (L->legend.w)
        L->legend.x += out.x, L->legend.y += out.y;
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
    int sel = s->sel_count < KM_SCENE_MAX_SELECTED ? s->sel_count : KM_SCENE_MAX_SELECTED;
    km_layout_opts o = {s->title != NULL, s->footer != NULL, s->legend, km_layout_legend_fixed(s, NULL) + sel};
    km_layout_items(L, items, n, &o, out);
    /* Items were numbered in order: map them back to atlas views. */
    for (int i = 0; i < L->nviews; i++) {
        L->v[i].view = of[L->v[i].view];
        L->v[i].side = km_scene_view_side(s, L->v[i].view);
    }
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
