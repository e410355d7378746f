/*
 * spatial.c - the per-view grid of zone references (see spatial.h).
 *
 * Building: for each zone, every edge marks the cells it can reach (its
 * bounding box widened by km_seg_reach, the tolerance of the on-edge test,
 * and by CELL_EPS against rounding in the cell index); those cells get a
 * reference that needs a polygon test.  Every other cell of the zone's box
 * is wholly inside or wholly outside the zone - no edge comes near it - so
 * one even-odd test at its centre decides it: inside cells get a `full`
 * reference, outside cells none.  The references are then sorted by cell
 * into one array (counting sort), so a cell is a contiguous slice.
 *
 * Cost: a few hundred thousand simple operations for the bundled atlas;
 * memory: one int per cell plus 8 bytes per reference.
 */
#include "spatial.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "atlas.h"

#define GRID_CELLS_MAX 128 /* cells along the longer side of a view */
#define CELL_EPS 0.01f     /* widening of a cell, far above float rounding at canvas scale */
#define BANDS_PER_ROW 4    /* edge bands are this much finer than grid rows: fewer edges per line */

enum { CELL_UNSEEN = 0, CELL_EDGE = 1 };

typedef struct ref_at {
    int cell;
    km_zone_ref ref;
} ref_at;

typedef struct ref_list {
    ref_at *v;
    int n, cap;
} ref_list;

typedef struct int_list {
    int *v;
    int n, cap;
} int_list;

static bool int_push(int_list *l, int x)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4096;
        int *v = km_realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = x;
    return true;
}

/* Band building state: (zone, row) offsets and the edges. */
typedef struct band_build {
    int_list ptr, edges;
} band_build;

static bool ref_push(ref_list *l, int cell, int muscle, int zone, int side_kind, bool full)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 1024;
        ref_at *v = km_realloc(l->v, (size_t)cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    ref_at r = {cell, {muscle, (unsigned short)zone, full ? 1 : 0, (unsigned char)side_kind}};
    l->v[l->n++] = r;
    return true;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* floor for the finite, canvas-sized values here, without a library call. */
static int floor_int(float v)
{
    int i = (int)v;
    return i - (v < (float)i);
}

static int col_of(const km_view_grid *g, float x) { return clampi(floor_int(x / g->cw), 0, g->nx - 1); }
static int row_of(const km_view_grid *g, float y) { return clampi(floor_int(y / g->ch), 0, g->ny - 1); }

/* km_seg_reach with its common case inline (any segment longer than 1e-2
 * reaches 1.1e-2 at most, see geom.c), plus the cell widening. */
static float edge_reach(km_vec2 a, km_vec2 c)
{
    float dx = c.x - a.x, dy = c.y - a.y;
    return (dx * dx + dy * dy >= 2e-4f ? 1.1e-2f : km_seg_reach(a, c)) + CELL_EPS;
}

/* An edge's box widened by its reach (computed once per zone, used by the
 * cell marking and the bands). */
typedef struct edge_box {
    float x0, y0, x1, y1;
} edge_box;

static void edge_boxes(const km_poly *poly, edge_box *eb)
{
    for (int i = 0, j = poly->count - 1; i < poly->count; j = i++) {
        km_vec2 a = poly->pts[j], c = poly->pts[i];
        float r = edge_reach(a, c);
        eb[i] = (edge_box){(a.x < c.x ? a.x : c.x) - r, (a.y < c.y ? a.y : c.y) - r, (a.x < c.x ? c.x : a.x) + r,
                           (a.y < c.y ? c.y : a.y) + r};
    }
}

/* Crossings of the horizontal line y with the polygon's edges, sorted. */
static int crossings(const km_poly *p, float y, double *xs)
{
    int n = 0;
    for (int i = 0, j = p->count - 1; i < p->count; j = i++) {
        km_vec2 a = p->pts[j], b = p->pts[i];
        if ((b.y > y) != (a.y > y))
            xs[n++] = (double)b.x + ((double)y - b.y) * ((double)a.x - b.x) / ((double)a.y - b.y);
    }
    for (int i = 1; i < n; i++) /* insertion sort: a line crosses a zone a few times */
        for (int k = i; k > 0 && xs[k - 1] > xs[k]; k--) {
            double t = xs[k];
            xs[k] = xs[k - 1];
            xs[k - 1] = t;
        }
    return n;
}

/* Adds the references of one zone; cls (nx*ny bytes) and xs (the zone's
 * point count) are scratch. */
/* Buckets the zone's edges by grid row (rows cy0..cy1) into bb; the
 * zone's entry says where its rows start. */
/* Band of y (bands of height bh), clamped to [lo, hi]. */
static int band_of(float y, float bh, int lo, int hi) { return clampi(floor_int(y / bh), lo, hi); }

static bool band_zone(const km_view_grid *g, const km_poly *poly, const edge_box *eb, band_build *bb,
                      km_zone_bands *zb)
{
    float bh = g->ch / BANDS_PER_ROW;
    int hi_band = g->ny * BANDS_PER_ROW - 1;
    int cy0 = band_of(poly->box.y0 - CELL_EPS, bh, 0, hi_band), cy1 = band_of(poly->box.y1 + CELL_EPS, bh, 0, hi_band);
    int rows = cy1 - cy0 + 1, count[GRID_CELLS_MAX * BANDS_PER_ROW + 1] = {0};
    zb->row0 = cy0;
    zb->rows = rows;
    zb->first = bb->ptr.n - 1; /* ptr holds the running end offset */
    zb->ch = bh;
    /* Two passes over the edges (count per row, then place), each edge in
     * the rows its y span widened by its reach touches. */
    for (int pass = 0; pass < 2; pass++) {
        int base = bb->edges.n;
        if (pass == 1) {
            for (int r = 0; r < rows; r++) {
                count[r + 1] += count[r];
                if (!int_push(&bb->ptr, base + count[r + 1]))
                    return false;
            }
            while (bb->edges.cap < base + count[rows]) /* room for this zone's entries */
                if (!int_push(&bb->edges, -1))
                    return false;
            bb->edges.n = base + count[rows];
            /* count[r] is now the start of row r within this zone's edges */
        }
        for (int i = 0; i < poly->count; i++) {
            int r0 = band_of(eb[i].y0, bh, cy0, cy1) - cy0;
            int r1 = band_of(eb[i].y1, bh, cy0, cy1) - cy0;
            for (int y = r0; y <= r1; y++) {
                if (pass == 0)
                    count[y + 1]++;
                else
                    bb->edges.v[base + count[y]++] = i;
            }
        }
    }
    return true;
}

static bool index_zone(const km_view_grid *g, int mi, int zi, const km_zone *zn, const edge_box *eb,
                       ref_list *out, unsigned char *cls, double *xs)
{
    const km_poly *poly = &zn->poly;
    int side_kind = (int)zn->side * 2 + (int)zn->kind;
    km_box b = poly->box;
    int cx0 = col_of(g, b.x0 - CELL_EPS), cx1 = col_of(g, b.x1 + CELL_EPS);
    int cy0 = row_of(g, b.y0 - CELL_EPS), cy1 = row_of(g, b.y1 + CELL_EPS);
    int w = cx1 - cx0 + 1;
    memset(cls, CELL_UNSEEN, (size_t)w * (size_t)(cy1 - cy0 + 1));
    for (int i = 0; i < poly->count; i++) {
        int ex0 = clampi(col_of(g, eb[i].x0), cx0, cx1), ex1 = clampi(col_of(g, eb[i].x1), cx0, cx1);
        int ey0 = clampi(row_of(g, eb[i].y0), cy0, cy1), ey1 = clampi(row_of(g, eb[i].y1), cy0, cy1);
        for (int y = ey0; y <= ey1; y++)
            memset(cls + (size_t)(y - cy0) * (size_t)w + (ex0 - cx0), CELL_EDGE, (size_t)(ex1 - ex0 + 1));
    }
    for (int y = cy0; y <= cy1; y++) {
        const unsigned char *row = cls + (size_t)(y - cy0) * (size_t)w;
        float yc = ((float)y + 0.5f) * g->ch;
        int nx = -1; /* crossings computed only for rows that need them */
        for (int x = cx0; x <= cx1; x++) {
            bool full = false;
            if (row[x - cx0] != CELL_EDGE) {
                if (nx < 0)
                    nx = crossings(poly, yc, xs);
                double xc = ((double)x + 0.5) * g->cw;
                int right = 0;
                for (int k = 0; k < nx; k++)
                    right += xc < xs[k];
                if (right % 2 == 0)
                    continue; /* wholly outside */
                km_box cell = {(float)x * g->cw - CELL_EPS, (float)y * g->ch - CELL_EPS,
                               (float)(x + 1) * g->cw + CELL_EPS, (float)(y + 1) * g->ch + CELL_EPS};
                full = cell.x0 >= b.x0 && cell.x1 <= b.x1 && cell.y0 >= b.y0 && cell.y1 <= b.y1;
            }
            if (!ref_push(out, y * g->nx + x, mi, zi, side_kind, full))
                return false;
        }
    }
    return true;
}

/* Sorts the references by cell into g->start / g->refs. */
static bool pack(km_view_grid *g, const ref_list *l)
{
    int cells = g->nx * g->ny;
    g->start = km_calloc((size_t)cells + 1, sizeof *g->start);
    g->refs = km_malloc((size_t)(l->n ? l->n : 1) * sizeof *g->refs);
    if (!g->start || !g->refs)
        return false;
    for (int i = 0; i < l->n; i++)
        g->start[l->v[i].cell + 1]++;
    for (int c = 0; c < cells; c++)
        g->start[c + 1] += g->start[c];
    int *fill = km_malloc((size_t)cells * sizeof *fill);
    if (!fill)
        return false;
    memcpy(fill, g->start, (size_t)cells * sizeof *fill);
    for (int i = 0; i < l->n; i++)
        g->refs[fill[l->v[i].cell]++] = l->v[i].ref;
    free(fill);
    return true;
}

static bool build_view(km_view_grid *g, const km_atlas *a, int view, unsigned char *cls, double *xs,
                       edge_box *eb, km_spatial *s, band_build *bb, ref_list *l)
{
    const km_view *v = &a->views[view];
    float cell = fmaxf(v->width, v->height) / GRID_CELLS_MAX;
    g->width = v->width;
    g->height = v->height;
    g->cw = g->ch = cell;
    g->nx = clampi((int)ceilf(v->width / cell), 1, GRID_CELLS_MAX);
    g->ny = clampi((int)ceilf(v->height / cell), 1, GRID_CELLS_MAX);
    l->n = 0; /* one list for every view: its pages are touched once (fresh pages are dear here) */
    bool ok = true;
    for (int mi = 0; mi < a->muscle_count && ok; mi++) {
        const km_muscle *m = &a->muscles[mi];
        for (int zi = 0; zi < m->zone_count && ok; zi++)
            if (m->zones[zi].view == view && m->zones[zi].poly.count >= 3) {
                const km_poly *p = &m->zones[zi].poly;
                edge_boxes(p, eb);
                ok = index_zone(g, mi, zi, &m->zones[zi], eb, l, cls, xs) &&
                     band_zone(g, p, eb, bb, &s->bands[s->zone_base[mi] + zi]);
            }
    }
    ok = ok && pack(g, l);
    return ok;
}

km_spatial *km_spatial_build(const km_atlas *a)
{
    km_spatial *s = km_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    int most = 3;
    for (int mi = 0; mi < a->muscle_count; mi++)
        for (int zi = 0; zi < a->muscles[mi].zone_count; zi++)
            if (a->muscles[mi].zones[zi].poly.count > most)
                most = a->muscles[mi].zones[zi].poly.count;
    s->views = km_calloc((size_t)(a->view_count ? a->view_count : 1), sizeof *s->views);
    s->zone_base = km_malloc((size_t)(a->muscle_count + 1) * sizeof *s->zone_base);
    unsigned char *cls = km_malloc((size_t)GRID_CELLS_MAX * GRID_CELLS_MAX);
    double *xs = km_malloc((size_t)most * sizeof *xs);
    edge_box *eb = km_malloc((size_t)most * sizeof *eb);
    band_build bb = {{0}, {0}};
    ref_list refs = {0};
    bool ok = s->views && s->zone_base && cls && xs && eb && int_push(&bb.ptr, 0);
    if (s->views)
        s->view_count = a->view_count;
    s->max_zone_points = most;
    if (ok) {
        int zones = 0;
        for (int mi = 0; mi < a->muscle_count; mi++) {
            s->zone_base[mi] = zones;
            zones += a->muscles[mi].zone_count;
        }
        s->zone_base[a->muscle_count] = zones;
        s->bands = km_calloc((size_t)(zones ? zones : 1), sizeof *s->bands);
        ok = s->bands != NULL;
    }
    for (int v = 0; v < a->view_count && ok; v++)
        ok = build_view(&s->views[v], a, v, cls, xs, eb, s, &bb, &refs);
    s->band_ptr = bb.ptr.v;
    s->band_edges = bb.edges.v;
    free(cls);
    free(xs);
    free(eb);
    free(refs.v);
    if (!ok) {
        km_spatial_free(s);
        return NULL;
    }
    return s;
}

void km_spatial_free(km_spatial *s)
{
    if (!s)
        return;
    for (int v = 0; s->views && v < s->view_count; v++) {
        free(s->views[v].start);
        free(s->views[v].refs);
    }
    free(s->views);
    free(s->zone_base);
    free(s->bands);
    free(s->band_ptr);
    free(s->band_edges);
    free(s);
}

const int *km_spatial_zone_edges(const km_spatial *s, int m, int z, float y, int *n)
{
    *n = 0;
    const km_zone_bands *b = &s->bands[s->zone_base[m] + z];
    if (!(y >= 0) || b->rows <= 0)
        return NULL;
    int row = (int)(y / b->ch) - b->row0;
    if (row < 0 || row >= b->rows)
        return NULL;
    int at = b->first + row;
    *n = s->band_ptr[at + 1] - s->band_ptr[at];
    return s->band_edges + s->band_ptr[at];
}

const km_zone_ref *km_spatial_cell(const km_spatial *s, int view, km_vec2 p, int *n)
{
    *n = 0;
    if (!s || view < 0 || view >= s->view_count)
        return NULL;
    const km_view_grid *g = &s->views[view];
    if (!g->start || !(p.x >= 0 && p.x <= g->width && p.y >= 0 && p.y <= g->height))
        return NULL; /* every zone lies on its canvas: nothing out here */
    int cx = (int)(p.x / g->cw), cy = (int)(p.y / g->ch); /* p >= 0 here: truncation is floor */
    int c = (cy < g->ny ? cy : g->ny - 1) * g->nx + (cx < g->nx ? cx : g->nx - 1);
    *n = g->start[c + 1] - g->start[c];
    return g->refs + g->start[c];
}
