/*
 * lookup.c - rank the muscles that may cause pain at a point, in an area,
 * or under a freehand drawing.
 *
 * Everything reduces to weighted sample points: a point is one sample, an
 * area is a grid of samples inside its outline, a drawing is the samples
 * its strokes cover.  For each muscle instance (muscle, side) we add up the
 * weight of the samples inside its essential zones and inside its spillover
 * zones; the ranking rule is in lookup.h.
 *
 * Speed.  The atlas carries a grid of zone references per view (spatial.h),
 * so a sample is tested only against the zones that reach its cell, and not
 * at all against a zone that wholly covers the cell.  Sums are kept per
 * (muscle, side, kind) and added in sample order, so they are bit for bit
 * those of testing every zone for every sample (the brute-force path, still
 * used for an atlas without an index).  Area samples come from one sorted
 * list of edge crossings per grid row (km_poly_row) instead of a full
 * polygon test per sample.
 */
#include "lookup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "spatial.h"

#define AREA_SAMPLES_TARGET 256 /* grid samples aimed for inside an area: 0.4% coverage resolution, finer than the 0.5% floor */
#define AREA_SAMPLES_MAX 2048
#define MIN_COVERAGE 0.005 /* a zone grazing less than this of a place does not count */
/* An essential zone must cover this much of an area or a drawing to put its
 * muscle in the essential band: a zone whose edge merely grazes a broad area
 * (2% of the medial scapular border, say) must not outrank a muscle whose
 * spillover covers half of it.  Below this the essential coverage counts
 * with the spillover coverage in the spillover band. */
#define ESSENTIAL_MIN_COVERAGE 0.03

void km_candidates_init(km_candidates *c) { memset(c, 0, sizeof *c); }

void km_candidates_release(km_candidates *c)
{
    free(c->items);
    memset(c, 0, sizeof *c);
}

static bool candidates_push(km_candidates *c, km_candidate cand)
{
    if (c->count == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        km_candidate *items = km_realloc(c->items, (size_t)cap * sizeof *items);
        if (!items)
            return false;
        c->items = items;
        c->cap = cap;
    }
    c->items[c->count++] = cand;
    return true;
}

/* Weights of the score inside a band (lookup.h): how common the muscle is
 * and how near its trigger points lie weigh twice what the coverage of the
 * place does, so a common, local muscle leads a rare or distant one whose
 * zone happens to cover more of the place. */
#define W_FREQUENCY 0.4
#define W_LOCALITY 0.4
#define W_COVERAGE 0.2
/* Locality falls from 1 to 0 as the nearest trigger point lies from 5% to
 * 40% of the view's height away from the place (on a 2000-unit body view:
 * within a hand's breadth of the place, to about the distance from the
 * neck to the hand). */
#define LOCAL_NEAR 0.05
#define LOCAL_FAR 0.40
/* A trigger point drawn on another view of the same size (the back of the
 * figure when the place is on the front) counts by its height alone, plus
 * this much of the view's height for lying on the other face of the body. */
#define OTHER_VIEW_PENALTY 0.10

/* Essential candidates score in [0.5, 1], spillover-only in [0, 0.45]:
 * every essential candidate outranks every spillover one. */
static double score_of(km_zone_kind kind, double frequency, double locality, double coverage)
{
    double s = W_FREQUENCY * frequency + W_LOCALITY * locality + W_COVERAGE * coverage;
    return kind == KM_ZONE_ESSENTIAL ? 0.5 + 0.5 * s : 0.45 * s;
}

/* Where the place is: the weighted centre of its samples on each view. */
#define PLACE_VIEWS 16
typedef struct place {
    double w[PLACE_VIEWS], x[PLACE_VIEWS], y[PLACE_VIEWS];
    double total;
} place;

static void place_add(place *pl, int view, km_vec2 p, double w)
{
    if (view < 0 || view >= PLACE_VIEWS || !(w > 0))
        return;
    pl->w[view] += w;
    pl->x[view] += w * p.x;
    pl->y[view] += w * p.y;
    pl->total += w;
}

/* How near the trigger points of (muscle, side) lie to the place, in [0, 1]:
 * per view of the place, from the nearest trigger point on that view (or on
 * another view of the same size, by height, see OTHER_VIEW_PENALTY), weighted
 * by the place's weight on each view.  A muscle with no trigger point on any
 * comparable view is distant (0). */
static double locality_of(const km_atlas *a, const km_muscle *m, km_side side, const place *pl)
{
    if (!(pl->total > 0))
        return 0;
    double acc = 0;
    for (int v = 0; v < PLACE_VIEWS && v < a->view_count; v++) {
        if (!(pl->w[v] > 0))
            continue;
        const km_view *vw = &a->views[v];
        double cx = pl->x[v] / pl->w[v], cy = pl->y[v] / pl->w[v];
        double best = INFINITY;
        for (int t = 0; t < m->tp_count; t++) {
            const km_trigger_point *tp = &m->tps[t];
            if (tp->side != side)
                continue;
            double d;
            if (tp->view == v) {
                d = hypot(tp->at.x - cx, tp->at.y - cy);
            } else {
                const km_view *tv = &a->views[tp->view];
                if (tv->width != vw->width || tv->height != vw->height)
                    continue;
                d = fabs(tp->at.y - cy) + OTHER_VIEW_PENALTY * vw->height;
            }
            if (d < best)
                best = d;
        }
        double near = LOCAL_NEAR * vw->height, far = LOCAL_FAR * vw->height;
        double loc = best <= near ? 1.0 : best >= far ? 0.0 : (far - best) / (far - near);
        acc += pl->w[v] * loc;
    }
    return acc / pl->total;
}

static const km_atlas *sort_atlas; /* qsort has no context argument */

static int candidate_cmp(const void *pa, const void *pb)
{
    const km_candidate *a = pa, *b = pb;
    if (a->zone != b->zone)
        return a->zone == KM_ZONE_ESSENTIAL ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    int c = strcmp(sort_atlas->muscles[a->muscle].id, sort_atlas->muscles[b->muscle].id);
    if (c)
        return c;
    return (int)a->side - (int)b->side; /* right (1) before left (2) */
}

static void candidates_sort(const km_atlas *a, km_candidates *c)
{
    sort_atlas = a;
    if (c->count > 1) /* qsort(NULL, 0) is undefined behaviour (UBSan: nonnull argument) */
        qsort(c->items, (size_t)c->count, sizeof *c->items, candidate_cmp);
    sort_atlas = NULL;
}

/* Weight of the samples inside any zone of this muscle instance of the
 * given kind. */
static double covered_weight(const km_muscle *m, km_side side, km_zone_kind kind, const km_sample *s,
                             const km_side *sides, int n, km_box sample_box)
{
    double w = 0;
    bool any = false;
    for (int z = 0; z < m->zone_count; z++) {
        const km_zone *zn = &m->zones[z];
        if (zn->side == side && zn->kind == kind && km_box_overlaps(zn->poly.box, sample_box))
            any = true;
    }
    if (!any)
        return 0;
    for (int i = 0; i < n; i++) {
        if (sides && sides[i] != KM_SIDE_MIDLINE && sides[i] != side)
            continue; /* a close-up sample of the other side */
        for (int z = 0; z < m->zone_count; z++) {
            const km_zone *zn = &m->zones[z];
            if (zn->side != side || zn->kind != kind || zn->view != s[i].view)
                continue;
            if (km_poly_contains(&zn->poly, s[i].p)) {
                w += s[i].weight;
                break;
            }
        }
    }
    return w;
}

static const km_side all_sides[] = {KM_SIDE_MIDLINE, KM_SIDE_RIGHT, KM_SIDE_LEFT};

/* Turns the covered weights of each (muscle, side) into candidates; cover(m,
 * side, kind) gives the covered weight.  Shared by both paths so the rules
 * cannot drift apart. */
typedef double (*cover_fn)(const void *ctx, int m, km_side side, km_zone_kind kind);

static bool rank(const km_atlas *a, int n, double total, const place *pl, cover_fn cover, const void *ctx,
                 km_candidates *c)
{
    for (int mi = 0; mi < a->muscle_count; mi++) {
        const km_muscle *m = &a->muscles[mi];
        for (int si = 0; si < 3; si++) {
            double ce = cover(ctx, mi, all_sides[si], KM_ZONE_ESSENTIAL) / total;
            double cs = cover(ctx, mi, all_sides[si], KM_ZONE_SPILLOVER) / total;
            if (ce < MIN_COVERAGE && cs < MIN_COVERAGE && !(n == 1 && (ce > 0 || cs > 0)))
                continue;
            /* A single point is inside a zone or not; a place is covered in part. */
            bool essential = n == 1 ? ce > 0 : ce >= ESSENTIAL_MIN_COVERAGE;
            km_candidate cand = {mi, all_sides[si], KM_ZONE_SPILLOVER, 0, fmin(1.0, ce + cs)};
            double credit = cand.coverage; /* what the score grows with */
            if (essential) {
                cand.zone = KM_ZONE_ESSENTIAL;
                cand.coverage = ce;
                credit = n == 1 ? 1.0 : fmin(1.0, ce + 0.5 * cs); /* spillover around it adds half */
            }
            cand.score = score_of(cand.zone, m->frequency, locality_of(a, m, all_sides[si], pl), credit);
            if (!candidates_push(c, cand))
                return false;
        }
    }
    candidates_sort(a, c);
    return true;
}

typedef struct brute_ctx {
    const km_atlas *a;
    const km_sample *s;
    const km_side *sides;
    int n;
    km_box box;
} brute_ctx;

static double brute_cover(const void *ctx, int m, km_side side, km_zone_kind kind)
{
    const brute_ctx *b = ctx;
    return covered_weight(&b->a->muscles[m], side, kind, b->s, b->sides, b->n, b->box);
}

/* Slot of (muscle, side, kind) in the per-lookup sums. */
static int slot_of(int m, km_side side, km_zone_kind kind) { return (m * 3 + (int)side) * 2 + (int)kind; }

typedef struct grid_ctx {
    const km_atlas *a;
    const double *sum;
    km_box box;
} grid_ctx;

/* Whether some zone of (m, side, kind) has its box overlapping the samples'
 * box: the brute-force path counts nothing otherwise. */
static bool any_zone_near(const km_muscle *m, km_side side, km_zone_kind kind, km_box box)
{
    for (int z = 0; z < m->zone_count; z++) {
        const km_zone *zn = &m->zones[z];
        if (zn->side == side && zn->kind == kind && km_box_overlaps(zn->poly.box, box))
            return true;
    }
    return false;
}

static double grid_cover(const void *ctx, int m, km_side side, km_zone_kind kind)
{
    const grid_ctx *g = ctx;
    double w = g->sum[slot_of(m, side, kind)];
    /* Only a sample of weight <= 0 (outside the box) can be counted here
     * and not by brute force; keep the two identical even then. */
    if (w != 0 && !any_zone_near(&g->a->muscles[m], side, kind, g->box))
        return 0;
    return w;
}

/* A zone prepared for the current line of samples: its km_poly_row lives
 * at off in the scratch pools. */
typedef struct prepared {
    int run;      /* run the entry belongs to (stamp) */
    int nx, nnear;
    int off;
    int at;       /* the row's crossing cursor (samples come left to right) */
} prepared;

/* Scratch for grid_sums: the cells of the samples and, per zone, its line
 * prepared for the current run of samples. */
typedef struct run_scratch {
    const km_zone_ref **refs; /* per sample: its cell's references */
    int *nrefs;
    prepared *prep; /* per zone (km_spatial.zone_base[m] + z) */
    double *xs;     /* pools for the prepared lines */
    int *near;
    int pool_len, pool_cap;
} run_scratch;

/* Makes room for one more line of up to `need` crossings. */
static bool pool_reserve(run_scratch *rs, int need)
{
    if (rs->pool_len + need <= rs->pool_cap)
        return true;
    int cap = rs->pool_cap * 2 > rs->pool_len + need ? rs->pool_cap * 2 : rs->pool_len + need;
    double *xs = km_realloc(rs->xs, (size_t)cap * sizeof *xs);
    if (!xs)
        return false;
    rs->xs = xs;
    int *near = km_realloc(rs->near, (size_t)cap * sizeof *near);
    if (!near)
        return false;
    rs->near = near;
    rs->pool_cap = cap;
    return true;
}

/* Whether the zone of reference r contains sample k of run `run`, all of
 * whose samples lie on one line: the zone's line is prepared once per run
 * (km_poly_row, from the few edges of its grid row) and answers every
 * sample of the run, instead of one full polygon test per sample. */
static int run_contains(const km_atlas *a, const km_zone_ref *r, const km_sample *sk, int run, run_scratch *rs)
{
    const km_spatial *sp = a->spatial;
    const km_zone *zn = &a->muscles[r->muscle].zones[r->zone];
    prepared *pr = &rs->prep[sp->zone_base[r->muscle] + r->zone];
    km_poly_row row;
    if (pr->run != run) {
        int ne;
        const int *edges = km_spatial_zone_edges(sp, r->muscle, r->zone, sk->p.y, &ne);
        if (!pool_reserve(rs, edges ? ne : zn->poly.count))
            return -1;
        if (edges)
            km_poly_row_init_edges(&row, &zn->poly, sk->p.y, edges, ne, rs->xs + rs->pool_len,
                                   rs->near + rs->pool_len);
        else
            km_poly_row_init(&row, &zn->poly, sk->p.y, rs->xs + rs->pool_len, rs->near + rs->pool_len);
        *pr = (prepared){run, row.nx, row.nnear, rs->pool_len, 0};
        rs->pool_len += edges ? ne : zn->poly.count;
    } else {
        row = (km_poly_row){&zn->poly, sk->p.y, rs->xs + pr->off, pr->nx, rs->near + pr->off, pr->nnear, pr->at};
    }
    bool in = km_poly_row_contains(&row, sk->p.x);
    pr->at = row.at;
    return in ? 1 : 0;
}

/* Adds each sample's weight to every (muscle, side, kind) whose zones
 * contain it, once per sample, in sample order; stamp[] remembers the last
 * sample counted. */
static bool grid_sums(const km_atlas *a, const km_sample *s, const km_side *sides, int n, double *sum, int *stamp,
                      run_scratch *rs)
{
    for (int k = 0; k < n; k++)
        rs->refs[k] = km_spatial_cell(a->spatial, s[k].view, s[k].p, &rs->nrefs[k]);
    for (int i = 0, j, run = 1; i < n; i = j, run++) {
        for (j = i + 1; j < n && s[j].view == s[i].view && s[j].p.y == s[i].p.y;)
            j++;
        bool line = j - i >= 4; /* a line of samples: prepare its zones once */
        rs->pool_len = 0;
        for (int k = i; k < j; k++) {
            const km_zone_ref *r = rs->refs[k];
            for (int q = 0; q < rs->nrefs[k]; q++) {
                int slot = r[q].muscle * 6 + r[q].side_kind; /* = slot_of(muscle, side, kind) */
                if (stamp[slot] == k + 1)
                    continue;
                if (sides && sides[k] != KM_SIDE_MIDLINE && (int)sides[k] != r[q].side_kind / 2)
                    continue; /* a close-up sample of the other side */
                int in = r[q].full ? 1
                         : line    ? run_contains(a, &r[q], &s[k], run, rs)
                                   : km_poly_contains(&a->muscles[r[q].muscle].zones[r[q].zone].poly, s[k].p);
                if (in < 0)
                    return false;
                if (in) {
                    sum[slot] += s[k].weight;
                    stamp[slot] = k + 1;
                }
            }
        }
    }
    return true;
}

/* km_box_union(*b, {p, p}) inline (it runs once per sample): a NaN never
 * wins over a number, as there. */
static void box_add(km_box *b, km_vec2 p)
{
    if (p.x < b->x0 || b->x0 != b->x0)
        b->x0 = p.x;
    if (p.y < b->y0 || b->y0 != b->y0)
        b->y0 = p.y;
    if (p.x > b->x1 || b->x1 != b->x1)
        b->x1 = p.x;
    if (p.y > b->y1 || b->y1 != b->y1)
        b->y1 = p.y;
}

/* km_lookup_samples where sides[i] (if sides is not NULL) names the only
 * side whose zones count for sample i (KM_SIDE_MIDLINE: every side): a
 * close-up view draws both sides on one canvas and shows one of them. */
static bool lookup_samples_sided(const km_atlas *a, const km_sample *s, const km_side *sides, int n, km_candidates *c)
{
    c->count = 0;
    double total = 0;
    km_box box = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    place pl;
    memset(&pl, 0, sizeof pl);
    for (int i = 0; i < n; i++) {
        if (s[i].weight <= 0)
            continue;
        total += s[i].weight;
        box_add(&box, s[i].p);
        place_add(&pl, s[i].view, s[i].p, s[i].weight);
    }
    if (total <= 0)
        return true;
    if (!a->spatial) {
        brute_ctx b = {a, s, sides, n, box};
        return rank(a, n, total, &pl, brute_cover, &b, c);
    }
    size_t slots = (size_t)a->muscle_count * 6 + 1;
    size_t zones = (size_t)a->spatial->zone_base[a->muscle_count] + 1;
    double *sum = km_calloc(slots, sizeof *sum);
    int *stamp = km_calloc(slots, sizeof *stamp);
    run_scratch rs = {km_malloc((size_t)n * sizeof *rs.refs), km_malloc((size_t)n * sizeof *rs.nrefs),
                      km_calloc(zones, sizeof *rs.prep), NULL, NULL, 0, 0};
    bool ok = sum && stamp && rs.refs && rs.nrefs && rs.prep && grid_sums(a, s, sides, n, sum, stamp, &rs);
    if (ok) {
        grid_ctx g = {a, sum, box};
        ok = rank(a, n, total, &pl, grid_cover, &g, c);
    }
    free(sum);
    free(stamp);
    free(rs.xs);
    free(rs.near);
    free((void *)rs.refs);
    free(rs.nrefs);
    free(rs.prep);
    return ok;
}

bool km_lookup_samples(const km_atlas *a, const km_sample *s, int n, km_candidates *c)
{
    return lookup_samples_sided(a, s, NULL, n, c);
}

/* One point: the zones of its cell decide, with no per-muscle pass.  The
 * result equals km_lookup_samples with one sample of weight 1: every
 * (muscle, side) with a zone there, coverage 1, best kind. */
bool km_lookup_point(const km_atlas *a, int view, km_vec2 p, km_candidates *c)
{
    return km_lookup_point_side(a, view, p, KM_SIDE_MIDLINE, c);
}

bool km_lookup_point_side(const km_atlas *a, int view, km_vec2 p, km_side side, km_candidates *c)
{
    if (!a->spatial) {
        km_sample s = {view, p, 1.0f};
        return lookup_samples_sided(a, &s, &side, 1, c);
    }
    c->count = 0;
    int nr;
    const km_zone_ref *r = km_spatial_cell(a->spatial, view, p, &nr);
    for (int k = 0; k < nr; k++) {
        const km_zone *zn = &a->muscles[r[k].muscle].zones[r[k].zone];
        if (side != KM_SIDE_MIDLINE && zn->side != side)
            continue;
        int found = -1;
        for (int i = 0; i < c->count && found < 0; i++)
            if (c->items[i].muscle == r[k].muscle && c->items[i].side == zn->side)
                found = i;
        if (found >= 0 && (c->items[found].zone == KM_ZONE_ESSENTIAL || zn->kind == KM_ZONE_SPILLOVER))
            continue; /* nothing this zone could add */
        if (!r[k].full && !km_poly_contains(&zn->poly, p))
            continue;
        if (found >= 0) {
            c->items[found].zone = KM_ZONE_ESSENTIAL;
            continue;
        }
        km_candidate cand = {r[k].muscle, zn->side, zn->kind, 0, 1.0};
        if (!candidates_push(c, cand))
            return false;
    }
    place pl;
    memset(&pl, 0, sizeof pl);
    place_add(&pl, view, p, 1.0);
    for (int i = 0; i < c->count; i++) {
        const km_muscle *m = &a->muscles[c->items[i].muscle];
        c->items[i].score = score_of(c->items[i].zone, m->frequency, locality_of(a, m, c->items[i].side, &pl), 1.0);
    }
    candidates_sort(a, c);
    return true;
}

/* Fill out with grid samples inside the area instance; returns the count.
 * xs and near are scratch of ar->poly.count entries (see km_poly_row). */
static int area_samples(const km_atlas *a, const km_area *ar, km_sample *out, km_side *sides, int max, double *xs,
                        int *near)
{
    /* On a close-up both sides share the canvas: the area's side decides. */
    km_side side = a->views[ar->view].kind == KM_VIEW_DETAIL ? ar->side : KM_SIDE_MIDLINE;
    km_box b = ar->poly.box;
    double area = ar->area > 0 ? ar->area : (double)(b.x1 - b.x0) * (b.y1 - b.y0);
    float step = (float)sqrt(area / AREA_SAMPLES_TARGET);
    if (!(step > 0.25f))
        step = 0.25f;
    int n = 0;
    for (float y = b.y0 + step / 2; y < b.y1 && n < max; y += step) {
        km_poly_row row;
        km_poly_row_init(&row, &ar->poly, y, xs, near);
        for (float x = b.x0 + step / 2; x < b.x1 && n < max; x += step) {
            if (km_poly_row_contains(&row, x)) {
                km_sample smp = {ar->view, {x, y}, 1.0f};
                sides[n] = side;
                out[n++] = smp;
            }
        }
    }
    if (n == 0 && max > 0) { /* a sliver thinner than the grid: use its interior point */
        km_sample smp = {ar->view, ar->centroid, 1.0f};
        sides[n] = side;
        out[n++] = smp;
    }
    return n;
}

bool km_lookup_area_set(const km_atlas *a, const int *areas, int n, km_candidates *c)
{
    c->count = 0;
    int most = 3;
    for (int i = 0; i < n; i++)
        if (areas[i] >= 0 && areas[i] < a->area_count && a->areas[areas[i]].poly.count > most)
            most = a->areas[areas[i]].poly.count;
    km_sample *s = km_malloc(AREA_SAMPLES_MAX * sizeof *s);
    km_side *sides = km_malloc(AREA_SAMPLES_MAX * sizeof *sides);
    double *xs = km_malloc((size_t)most * sizeof *xs);
    int *near = km_malloc((size_t)most * sizeof *near);
    if (!s || !sides || !xs || !near) {
        free(s);
        free(sides);
        free(xs);
        free(near);
        return false;
    }
    int total = 0;
    for (int i = 0; i < n; i++) {
        if (areas[i] < 0 || areas[i] >= a->area_count)
            continue;
        int room = AREA_SAMPLES_MAX - total;
        int per = room / (n - i); /* share what is left fairly between the rest */
        total += area_samples(a, &a->areas[areas[i]], s + total, sides + total, per, xs, near);
    }
    free(xs);
    free(near);
    if (total == 1) { /* keep the coverage rule: never the single-point shortcut */
        sides[total] = sides[0];
        s[total++] = s[0];
    }
    bool ok = lookup_samples_sided(a, s, sides, total, c);
    free(s);
    free(sides);
    return ok;
}

bool km_lookup_area(const km_atlas *a, int area, km_candidates *c)
{
    return km_lookup_area_set(a, &area, 1, c);
}

int km_lookup_area_at(const km_atlas *a, int view, km_vec2 p)
{
    return km_lookup_area_at_side(a, view, p, KM_SIDE_MIDLINE);
}

int km_lookup_area_at_side(const km_atlas *a, int view, km_vec2 p, km_side side)
{
    int best = -1;
    for (int i = 0; i < a->area_count; i++) {
        const km_area *ar = &a->areas[i];
        if (ar->view != view || !km_poly_contains(&ar->poly, p))
            continue;
        if (side != KM_SIDE_MIDLINE && ar->side != KM_SIDE_MIDLINE && ar->side != side)
            continue; /* a close-up shows one side: the other's mirrored instance is not there */
        if (best < 0 || ar->area < a->areas[best].area)
            best = i;
    }
    return best;
}

int km_lookup_muscle_at(const km_atlas *a, int view, km_vec2 p, bool include_deep, km_side *side_out)
{
    int best = -1;
    double best_area = 0;
    km_side best_side = KM_SIDE_MIDLINE;
    for (int mi = 0; mi < a->muscle_count; mi++) {
        const km_muscle *m = &a->muscles[mi];
        if (m->layer == KM_LAYER_DEEP && !include_deep)
            continue;
        for (int k = 0; k < m->shape_count; k++) {
            const km_shape *sh = &m->shapes[k];
            if (sh->view != view || !km_poly_contains(&sh->poly, p))
                continue;
            double ar = km_poly_area(&sh->poly);
            if (best < 0 || ar < best_area) { /* the narrowest shape under the finger wins */
                best = mi;
                best_area = ar;
                best_side = sh->side;
            }
        }
    }
    if (side_out)
        *side_out = best_side;
    return best;
}
