/*
 * drawing.c - the pain drawing on a grid of cells, and its measures (see
 * drawing.h for what each figure means).
 *
 * Strokes are painted into a byte per cell, in drawing order, so an eraser
 * stroke simply writes zeros over what came before.  Shapes (the outline,
 * an area) are walked row by row with km_poly_row, which answers "is this
 * cell centre inside" exactly as km_poly_contains does, in O(log n) per
 * cell; a cell is in a shape when its centre is.  Nothing here is drawn on
 * screen: the same grid ranks the candidate muscles (app) and measures the
 * drawing (summary, marks file, handout).
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "drawing.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

km_vec2 km_drawing_cell_centre(int cx, int cy)
{
    return (km_vec2){((float)cx + 0.5f) * KM_DRAWING_CELL, ((float)cy + 0.5f) * KM_DRAWING_CELL};
}

/* Paint (val 1) or erase (val 0) one round-capped segment. */
static void paint_capsule(km_drawing_grid *g, km_vec2 a, km_vec2 b, float r, uint8_t val)
{
    const float c = KM_DRAWING_CELL;
    int x0 = (int)floorf((fminf(a.x, b.x) - r) / c), x1 = (int)ceilf((fmaxf(a.x, b.x) + r) / c);
    int y0 = (int)floorf((fminf(a.y, b.y) - r) / c), y1 = (int)ceilf((fmaxf(a.y, b.y) + r) / c);
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 >= g->w ? g->w - 1 : x1;
    y1 = y1 >= g->h ? g->h - 1 : y1;
    float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    for (int gy = y0; gy <= y1; gy++)
        for (int gx = x0; gx <= x1; gx++) {
            km_vec2 p = km_drawing_cell_centre(gx, gy);
            float t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            float ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
            if (ex * ex + ey * ey <= r * r)
                g->cells[gy * g->w + gx] = val;
        }
}

bool km_drawing_grid_init(km_drawing_grid *g, const km_atlas *a, int view, const km_stroke *strokes, int n)
{
    const km_view *v = &a->views[view];
    memset(g, 0, sizeof *g);
    g->view = view;
    g->w = (int)ceilf(v->width / KM_DRAWING_CELL) + 1;
    g->h = (int)ceilf(v->height / KM_DRAWING_CELL) + 1;
    g->cells = km_calloc((size_t)g->w * (size_t)g->h, 1);
    if (!g->cells) {
        g->w = g->h = 0;
        return false;
    }
    for (int i = 0; i < n; i++) {
        if (strokes[i].view != view)
            continue;
        for (int j = 0; j < strokes[i].count; j++)
            paint_capsule(g, strokes[i].pts[j > 0 ? j - 1 : 0], strokes[i].pts[j], strokes[i].radius,
                          strokes[i].erase ? 0 : 1);
    }
    for (int k = 0; k < g->w * g->h; k++)
        g->painted += g->cells[k];
    return true;
}

void km_drawing_grid_release(km_drawing_grid *g)
{
    free(g->cells);
    memset(g, 0, sizeof *g);
}

/* Scratch for km_poly_row: two arrays of the largest polygon's size. */
typedef struct row_scratch {
    double *xs;
    int *near;
    int cap;
} row_scratch;

static bool scratch_fit(row_scratch *s, int n)
{
    if (n <= s->cap)
        return true;
    double *xs = km_realloc(s->xs, (size_t)n * sizeof *xs);
    if (xs)
        s->xs = xs;
    int *near = km_realloc(s->near, (size_t)n * sizeof *near);
    if (near)
        s->near = near;
    if (!xs || !near)
        return false;
    s->cap = n;
    return true;
}

/* Calls visit(cx, cy, ctx) for each cell of the grid whose centre is inside p. */
static bool each_cell_in(const km_poly *p, int gw, int gh, row_scratch *s,
                         void (*visit)(int cx, int cy, void *ctx), void *ctx)
{
    if (p->count < 3)
        return true;
    if (!scratch_fit(s, p->count))
        return false;
    int y0 = (int)floorf(p->box.y0 / KM_DRAWING_CELL), y1 = (int)ceilf(p->box.y1 / KM_DRAWING_CELL);
    int x0 = (int)floorf(p->box.x0 / KM_DRAWING_CELL), x1 = (int)ceilf(p->box.x1 / KM_DRAWING_CELL);
    y0 = y0 < 0 ? 0 : y0;
    x0 = x0 < 0 ? 0 : x0;
    y1 = y1 >= gh ? gh - 1 : y1;
    x1 = x1 >= gw ? gw - 1 : x1;
    for (int cy = y0; cy <= y1; cy++) {
        km_poly_row r;
        km_poly_row_init(&r, p, km_drawing_cell_centre(0, cy).y, s->xs, s->near);
        for (int cx = x0; cx <= x1; cx++)
            if (km_poly_row_contains(&r, km_drawing_cell_centre(cx, cy).x))
                visit(cx, cy, ctx);
    }
    return true;
}

/* ---- body surface -------------------------------------------------- */

typedef struct body_ctx {
    uint8_t *inside; /* w * h: 1 once a cell is counted as body */
    const km_drawing_grid *g;
    km_drawing_view *out;
} body_ctx;

static void visit_body(int cx, int cy, void *ctx)
{
    body_ctx *b = ctx;
    size_t k = (size_t)cy * (size_t)b->g->w + (size_t)cx;
    if (b->inside[k])
        return; /* already counted from another contour */
    b->inside[k] = 1;
    b->out->body_cells++;
    b->out->marked_cells += b->g->cells[k];
}

static bool measure_body(const km_view *v, const km_drawing_grid *g, row_scratch *s, km_drawing_view *out)
{
    uint8_t *inside = km_calloc((size_t)g->w * (size_t)g->h, 1);
    if (!inside)
        return false;
    body_ctx b = {inside, g, out};
    bool ok = true;
    for (int i = 0; ok && i < v->outline_count; i++)
        ok = each_cell_in(&v->outline[i], g->w, g->h, s, visit_body, &b);
    free(inside);
    out->extent = out->body_cells ? (double)out->marked_cells / out->body_cells : 0;
    return ok;
}

/* ---- areas --------------------------------------------------------- */

typedef struct area_ctx {
    const km_drawing_grid *g;
    km_drawing_area *out;
} area_ctx;

static void visit_area(int cx, int cy, void *ctx)
{
    area_ctx *c = ctx;
    c->out->cells++;
    c->out->marked += c->g->cells[(size_t)cy * (size_t)c->g->w + (size_t)cx];
}

static bool measure_area(const km_atlas *a, int area, const km_drawing_grid *g, const km_pin *pins, int np,
                         row_scratch *s, km_drawing_area *out)
{
    const km_area *ar = &a->areas[area];
    *out = (km_drawing_area){.area = area, .max_pin = -1};
    if (!each_cell_in(&ar->poly, g->w, g->h, s, visit_area, &(area_ctx){g, out}))
        return false;
    out->share = out->cells ? (double)out->marked / out->cells : 0;
    for (int i = 0; i < np; i++)
        if (pins[i].view == ar->view && pins[i].intensity > out->max_pin && km_poly_contains(&ar->poly, pins[i].at))
            out->max_pin = pins[i].intensity;
    return true;
}

/* Distinct (id, side) pairs among the touched areas. */
static int count_regions(const km_atlas *a, const km_drawing_area *areas, int n)
{
    int regions = 0;
    for (int i = 0; i < n; i++) {
        const km_area *ai = &a->areas[areas[i].area];
        bool seen = false;
        for (int j = 0; j < i && !seen; j++) {
            const km_area *aj = &a->areas[areas[j].area];
            seen = aj->side == ai->side && strcmp(aj->id, ai->id) == 0;
        }
        regions += !seen;
    }
    return regions;
}

/* ---- the summary --------------------------------------------------- */

static bool summarise_view(const km_atlas *a, int view, const km_stroke *strokes, int ns, const km_pin *pins,
                           int np, row_scratch *s, km_drawing_summary *out)
{
    km_drawing_grid g;
    if (!km_drawing_grid_init(&g, a, view, strokes, ns))
        return false;
    bool ok = measure_body(&a->views[view], &g, s, &out->views[view]);
    for (int i = 0; ok && i < a->area_count; i++) {
        if (a->areas[i].view != view)
            continue;
        km_drawing_area da;
        ok = measure_area(a, i, &g, pins, np, s, &da);
        if (ok && (da.marked > 0 || da.max_pin >= 0))
            out->areas[out->area_count++] = da;
    }
    km_drawing_grid_release(&g);
    return ok;
}

bool km_drawing_summarise(const km_atlas *a, const km_stroke *strokes, int ns, const km_pin *pins, int np,
                          km_drawing_summary *out)
{
    memset(out, 0, sizeof *out);
    out->pin_max = -1;
    out->views = km_calloc((size_t)(a->view_count > 0 ? a->view_count : 1), sizeof *out->views);
    out->areas = km_calloc((size_t)(a->area_count > 0 ? a->area_count : 1), sizeof *out->areas);
    row_scratch s = {0};
    bool ok = out->views && out->areas;
    if (ok)
        out->view_count = a->view_count;
    long body = 0, marked = 0;
    for (int v = 0; ok && v < a->view_count; v++) {
        ok = summarise_view(a, v, strokes, ns, pins, np, &s, out);
        if (ok && a->views[v].kind == KM_VIEW_BODY) {
            body += out->views[v].body_cells;
            marked += out->views[v].marked_cells;
        }
    }
    free(s.xs);
    free(s.near);
    if (!ok) {
        km_drawing_summary_release(out);
        return false;
    }
    out->extent = body ? (double)marked / (double)body : 0;
    out->regions = count_regions(a, out->areas, out->area_count);
    long sum = 0;
    for (int i = 0; i < np; i++) {
        sum += pins[i].intensity;
        out->pin_max = pins[i].intensity > out->pin_max ? pins[i].intensity : out->pin_max;
    }
    out->pin_count = np;
    out->pin_mean = np ? (double)sum / np : 0;
    return true;
}

void km_drawing_summary_release(km_drawing_summary *s)
{
    free(s->views);
    free(s->areas);
    memset(s, 0, sizeof *s);
    s->pin_max = -1;
}

/* ---- red flags and ranking ------------------------------------------ */

int km_drawing_red_flags(const km_atlas *a, const int *areas, int na, const km_drawing_summary *sum, int *out,
                         int max)
{
    int n = (na > 0 ? na : 0) + (sum ? sum->area_count : 0);
    if (!a || n == 0 || max <= 0)
        return 0;
    int *all = km_calloc((size_t)n, sizeof *all);
    if (!all)
        return 0;
    int k = 0;
    for (int i = 0; i < na; i++)
        all[k++] = areas[i];
    for (int i = 0; sum && i < sum->area_count; i++)
        all[k++] = sum->areas[i].area;
    int count = km_atlas_red_flags(a, all, k, out, max);
    free(all);
    return count;
}

typedef struct samples {
    km_sample *s;
    int n, cap;
} samples;

static bool add_sample(samples *ss, int view, float x, float y, float w)
{
    if (ss->n >= ss->cap) {
        int cap = ss->cap ? ss->cap * 2 : 4096;
        km_sample *s = km_realloc(ss->s, (size_t)cap * sizeof *s);
        if (!s)
            return false;
        ss->s = s;
        ss->cap = cap;
    }
    ss->s[ss->n++] = (km_sample){view, {x, y}, w};
    return true;
}

/* One view's samples: the painted cells, then a disc per pin. */
static bool view_samples(const km_atlas *a, int view, const km_stroke *st, int ns, const km_pin *pins, int np,
                         samples *ss)
{
    const float g = KM_DRAWING_CELL;
    bool any = false;
    for (int i = 0; i < ns; i++)
        any |= st[i].view == view;
    if (any) {
        km_drawing_grid grid;
        if (!km_drawing_grid_init(&grid, a, view, st, ns))
            return false;
        bool ok = true;
        for (int k = 0; ok && k < grid.w * grid.h; k++)
            if (grid.cells[k]) {
                km_vec2 c = km_drawing_cell_centre(k % grid.w, k / grid.w);
                ok = add_sample(ss, view, c.x, c.y, 1);
            }
        km_drawing_grid_release(&grid);
        if (!ok)
            return false;
    }
    for (int i = 0; i < np; i++) {
        if (pins[i].view != view)
            continue;
        float w = (pins[i].intensity > 0 ? pins[i].intensity : 0.5f) / 10.0f, r = 30;
        for (float dy = -r; dy <= r; dy += g)
            for (float dx = -r; dx <= r; dx += g)
                if (dx * dx + dy * dy <= r * r && !add_sample(ss, view, pins[i].at.x + dx, pins[i].at.y + dy, w))
                    return false;
    }
    return true;
}

static int by_coverage(const void *pa, const void *pb)
{
    const km_candidate *a = pa, *b = pb;
    if (a->zone != b->zone)
        return a->zone == KM_ZONE_ESSENTIAL ? -1 : 1;
    long ca = lround(a->coverage * 100), cb = lround(b->coverage * 100); /* as shown: whole percent */
    if (ca != cb)
        return ca > cb ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->muscle != b->muscle ? a->muscle - b->muscle : (int)a->side - (int)b->side;
}

bool km_drawing_rank(const km_atlas *a, const km_stroke *strokes, int ns, const km_pin *pins, int np,
                     km_candidates *out)
{
    out->count = 0;
    samples ss = {0};
    bool ok = true;
    for (int v = 0; ok && a && v < a->view_count; v++)
        ok = view_samples(a, v, strokes, strokes ? ns : 0, pins, pins ? np : 0, &ss);
    if (ok && ss.n > 0) {
        ok = km_lookup_samples(a, ss.s, ss.n, out);
        if (ok && out->count > 1)
            qsort(out->items, (size_t)out->count, sizeof out->items[0], by_coverage);
    }
    if (ss.s) /* the patient's drawing: no copy of it is left behind */
        explicit_bzero(ss.s, (size_t)ss.n * sizeof *ss.s);
    free(ss.s);
    return ok;
}

/* ---- as JSON ------------------------------------------------------- */

static double round4(double x) { return round(x * 10000) / 10000; }

static json_t *pin_or_null(int intensity) { return intensity >= 0 ? json_integer(intensity) : json_null(); }

json_t *km_drawing_summary_json(const km_atlas *a, const km_drawing_summary *s)
{
    json_t *views = json_array(), *areas = json_array();
    json_t *root = json_pack("{s:f, s:f, s:o, s:o, s:i, s:{s:i, s:f, s:o}}", "cell", (double)KM_DRAWING_CELL,
                             "extent", round4(s->extent), "views", views, "areas", areas, "regions", s->regions,
                             "pins", "count", s->pin_count, "mean", round4(s->pin_mean), "max",
                             pin_or_null(s->pin_max));
    if (!root)
        return NULL;
    for (int v = 0; v < s->view_count; v++)
        json_array_append_new(views, json_pack("{s:s, s:s, s:f, s:i, s:i}", "id", a->views[v].id, "kind",
                                               a->views[v].kind == KM_VIEW_DETAIL ? "detail" : "body", "extent",
                                               round4(s->views[v].extent), "body_cells", s->views[v].body_cells,
                                               "marked_cells", s->views[v].marked_cells));
    for (int i = 0; i < s->area_count; i++) {
        const km_drawing_area *da = &s->areas[i];
        const km_area *ar = &a->areas[da->area];
        json_array_append_new(areas, json_pack("{s:s, s:s, s:s, s:s, s:f, s:o}", "id", ar->id, "label", ar->label,
                                               "side", km_side_name(ar->side), "view", a->views[ar->view].id,
                                               "share", round4(da->share), "max_pin", pin_or_null(da->max_pin)));
    }
    return root;
}
