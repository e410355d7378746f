/*
 * geom.c - points, boxes and polygons: smoothing, mirroring, containment,
 * area.  Everything here is plain arithmetic on km_vec2 arrays; shapes are
 * prepared once at load time so lookups and drawing only read them.
 */
#include "geom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

bool km_box_contains(km_box b, km_vec2 p)
{
    return p.x >= b.x0 && p.x <= b.x1 && p.y >= b.y0 && p.y <= b.y1;
}

bool km_box_overlaps(km_box a, km_box b)
{
    return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

/* fminf/fmaxf without the library call: a NaN never wins over a number. */
static float min_num(float a, float b) { return (b < a || a != a) ? b : a; }
static float max_num(float a, float b) { return (b > a || a != a) ? b : a; }

km_box km_box_union(km_box a, km_box b)
{
    km_box u = {min_num(a.x0, b.x0), min_num(a.y0, b.y0), max_num(a.x1, b.x1), max_num(a.y1, b.y1)};
    return u;
}

void km_poly_update_box(km_poly *p)
{
    km_box b = {0, 0, 0, 0};
    if (p->count > 0) {
        b.x0 = b.x1 = p->pts[0].x;
        b.y0 = b.y1 = p->pts[0].y;
    }
    /* fminf/fmaxf spelt out (they are library calls): a NaN never wins
     * over a number, as with them. */
    for (int i = 1; i < p->count; i++) {
        float x = p->pts[i].x, y = p->pts[i].y;
        if (x < b.x0 || b.x0 != b.x0)
            b.x0 = x;
        if (x > b.x1 || b.x1 != b.x1)
            b.x1 = x;
        if (y < b.y0 || b.y0 != b.y0)
            b.y0 = y;
        if (y > b.y1 || b.y1 != b.y1)
            b.y1 = y;
    }
    p->box = b;
}

bool km_poly_init(km_poly *out, const km_vec2 *pts, int n)
{
    memset(out, 0, sizeof *out);
    if (n <= 0)
        return true;
    out->pts = km_malloc((size_t)n * sizeof *out->pts);
    if (!out->pts)
        return false;
    memcpy(out->pts, pts, (size_t)n * sizeof *pts);
    out->count = n;
    km_poly_update_box(out);
    return true;
}

bool km_poly_copy(km_poly *out, const km_poly *src) { return km_poly_init(out, src->pts, src->count); }

void km_poly_release(km_poly *p)
{
    free(p->pts);
    memset(p, 0, sizeof *p);
}

void km_line_release(km_line *l)
{
    free(l->pts);
    memset(l, 0, sizeof *l);
}

/* Knot spacing of the centripetal Catmull-Rom parameterisation (alpha 0.5):
 * it never forms cusps or self-loops within a span, which matters for
 * outlines drawn with few control points. */
static float knot_step(km_vec2 a, km_vec2 b)
{
    float d = hypotf(b.x - a.x, b.y - a.y);
    float s = sqrtf(d);
    return s < 1e-4f ? 1e-4f : s;
}

static km_vec2 lerp_t(km_vec2 a, km_vec2 b, float ta, float tb, float t)
{
    float u = (tb - t) / (tb - ta), v = (t - ta) / (tb - ta);
    km_vec2 r = {a.x * u + b.x * v, a.y * u + b.y * v};
    return r;
}

/* Point at t in [0,1) on the span p1..p2 (Barry-Goldman pyramid). */
static km_vec2 catmull_rom(km_vec2 p0, km_vec2 p1, km_vec2 p2, km_vec2 p3, float f)
{
    float t0 = 0, t1 = t0 + knot_step(p0, p1), t2 = t1 + knot_step(p1, p2), t3 = t2 + knot_step(p2, p3);
    float t = t1 + (t2 - t1) * f;
    km_vec2 a1 = lerp_t(p0, p1, t0, t1, t), a2 = lerp_t(p1, p2, t1, t2, t), a3 = lerp_t(p2, p3, t2, t3, t);
    km_vec2 b1 = lerp_t(a1, a2, t0, t2, t), b2 = lerp_t(a2, a3, t1, t3, t);
    return lerp_t(b1, b2, t1, t2, t);
}

/* Sample the spline through ctrl into out (capacity checked by caller).
 * closed: wrap around; open: the end points are repeated as phantoms. */
static int sample_spline(const km_vec2 *ctrl, int n, bool closed, int steps, km_vec2 *out)
{
    int spans = closed ? n : n - 1, k = 0;
    for (int i = 0; i < spans; i++) {
        km_vec2 p1 = ctrl[i], p2 = ctrl[(i + 1) % n];
        km_vec2 p0 = closed ? ctrl[(i + n - 1) % n] : (i > 0 ? ctrl[i - 1] : p1);
        km_vec2 p3 = closed ? ctrl[(i + 2) % n] : (i + 2 < n ? ctrl[i + 2] : p2);
        for (int s = 0; s < steps; s++)
            out[k++] = catmull_rom(p0, p1, p2, p3, (float)s / (float)steps);
    }
    if (!closed)
        out[k++] = ctrl[n - 1];
    return k;
}

bool km_poly_init_smooth(km_poly *out, const km_vec2 *ctrl, int n, int steps)
{
    memset(out, 0, sizeof *out);
    if (n < 3 || steps <= 1)
        return km_poly_init(out, ctrl, n);
    out->pts = km_malloc((size_t)n * (size_t)steps * sizeof *out->pts);
    if (!out->pts)
        return false;
    out->count = sample_spline(ctrl, n, true, steps, out->pts);
    km_poly_update_box(out);
    return true;
}

bool km_line_init_smooth(km_line *out, const km_vec2 *ctrl, int n, bool closed, bool smooth, int steps)
{
    memset(out, 0, sizeof *out);
    out->closed = closed;
    if (n <= 0)
        return true;
    bool spline = smooth && n >= (closed ? 3 : 3) && steps > 1;
    size_t cap = spline ? (size_t)n * (size_t)steps + 1 : (size_t)n;
    out->pts = km_malloc(cap * sizeof *out->pts);
    if (!out->pts)
        return false;
    if (spline) {
        out->count = sample_spline(ctrl, n, closed, steps, out->pts);
    } else {
        memcpy(out->pts, ctrl, (size_t)n * sizeof *ctrl);
        out->count = n;
    }
    return true;
}

static void reverse_mirror(km_vec2 *pts, int n, float width)
{
    for (int i = 0; i < n; i++)
        pts[i].x = width - pts[i].x;
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        km_vec2 t = pts[i];
        pts[i] = pts[j];
        pts[j] = t;
    }
}

void km_poly_mirror(km_poly *p, float width)
{
    reverse_mirror(p->pts, p->count, width);
    km_poly_update_box(p);
}

void km_line_mirror(km_line *l, float width) { reverse_mirror(l->pts, l->count, width); }

/* Is p on the segment a-b (within a small tolerance relative to its length)? */
static bool on_segment(km_vec2 a, km_vec2 b, km_vec2 p)
{
    double dx = (double)b.x - a.x, dy = (double)b.y - a.y;
    double px = (double)p.x - a.x, py = (double)p.y - a.y;
    double cross = dx * py - dy * px;
    double len2 = dx * dx + dy * dy;
    if (len2 == 0)
        return px == 0 && py == 0;
    if (cross * cross > 1e-8 * len2 * (len2 > 1 ? 1 : len2) + 1e-12)
        return false;
    double dot = dx * px + dy * py;
    return dot >= 0 && dot <= len2;
}

/* Could on_segment(a, b, p) hold?  A cheap screen: p within the reach of
 * the segment's box.  Segments longer than 1e-2 (float length^2 >= 2e-4,
 * safely above the double 1e-4 of km_seg_reach) reach 1.1e-2 at most. */
static bool may_touch(km_vec2 a, km_vec2 b, km_vec2 p)
{
    const float r = 1.1e-2f;
    float xlo = a.x < b.x ? a.x : b.x, xhi = a.x < b.x ? b.x : a.x;
    float ylo = a.y < b.y ? a.y : b.y, yhi = a.y < b.y ? b.y : a.y;
    if (p.x >= xlo - r && p.x <= xhi + r && p.y >= ylo - r && p.y <= yhi + r)
        return true;
    float dx = b.x - a.x, dy = b.y - a.y;
    if (dx * dx + dy * dy >= 2e-4f)
        return false;
    float rr = km_seg_reach(a, b);
    return p.x >= xlo - rr && p.x <= xhi + rr && p.y >= ylo - rr && p.y <= yhi + rr;
}

bool km_poly_contains(const km_poly *p, km_vec2 pt)
{
    if (p->count < 3 || !km_box_contains(p->box, pt))
        return false;
    /* Inside by the even-odd rule, or on an edge.  The parity pass is cheap;
     * the on-edge test only runs, screened, when parity says outside. */
    bool inside = false;
    for (int i = 0, j = p->count - 1; i < p->count; j = i++) {
        km_vec2 a = p->pts[j], b = p->pts[i];
        if ((b.y > pt.y) != (a.y > pt.y)) {
            double x = (double)b.x + ((double)pt.y - b.y) * ((double)a.x - b.x) / ((double)a.y - b.y);
            if ((double)pt.x < x)
                inside = !inside;
        }
    }
    if (inside)
        return true;
    for (int i = 0, j = p->count - 1; i < p->count; j = i++)
        if (may_touch(p->pts[j], p->pts[i], pt) && on_segment(p->pts[j], p->pts[i], pt))
            return true;
    return false;
}

float km_seg_reach(km_vec2 a, km_vec2 b)
{
    /* on_segment accepts cross^2 <= 1e-8 len2 min(len2, 1) + 1e-12, i.e. a
     * distance^2 up to 1e-8 min(len2, 1) + 1e-12 / len2.  For any segment
     * longer than 1e-2 that is below 2e-8 (distance 1.5e-4): one constant
     * bound with a floor well above float rounding at canvas scale, and the
     * square root only for the rare tiny segment. */
    double dx = (double)b.x - a.x, dy = (double)b.y - a.y;
    double len2 = dx * dx + dy * dy;
    if (len2 >= 1e-4)
        return 1.1e-2f;
    if (len2 == 0)
        return 1.1e-2f;
    double d2 = 1e-8 * len2 + 1e-12 / len2;
    return (float)(sqrt(d2) * 1.5 + 1.1e-2);
}

/* Adds edge i (from point i-1) to the row if the line crosses it or passes
 * within its reach. */
static void row_add_edge(km_poly_row *r, int i)
{
    const km_poly *p = r->p;
    float y = r->y;
    km_vec2 a = p->pts[i ? i - 1 : p->count - 1], b = p->pts[i];
    if ((b.y > y) != (a.y > y)) /* the same crossing rule and formula as km_poly_contains */
        r->xs[r->nx++] = (double)b.x + ((double)y - b.y) * ((double)a.x - b.x) / ((double)a.y - b.y);
    float lo = a.y < b.y ? a.y : b.y, hi = a.y < b.y ? b.y : a.y;
    if (y >= lo - 1.1e-2f && y <= hi + 1.1e-2f) {
        r->near[r->nnear++] = i;
    } else {
        float dx = b.x - a.x, dy = b.y - a.y, reach; /* a tiny segment reaches further */
        if (dx * dx + dy * dy < 2e-4f && y >= lo - (reach = km_seg_reach(a, b)) && y <= hi + reach)
            r->near[r->nnear++] = i;
    }
}

static void row_start(km_poly_row *r, const km_poly *p, float y, double *xs, int *near)
{
    r->p = p;
    r->y = y;
    r->xs = xs;
    r->near = near;
    r->nx = r->nnear = r->at = 0;
}

static void row_sort(km_poly_row *r)
{
    double *xs = r->xs;
    for (int i = 1; i < r->nx; i++) /* insertion sort: a line crosses a contour a few times */
        for (int k = i; k > 0 && xs[k - 1] > xs[k]; k--) {
            double t = xs[k];
            xs[k] = xs[k - 1];
            xs[k - 1] = t;
        }
}

void km_poly_row_init(km_poly_row *r, const km_poly *p, float y, double *xs, int *near)
{
    row_start(r, p, y, xs, near);
    if (p->count < 3 || y < p->box.y0 || y > p->box.y1)
        return;
    for (int i = 0; i < p->count; i++)
        row_add_edge(r, i);
    row_sort(r);
}

void km_poly_row_init_edges(km_poly_row *r, const km_poly *p, float y, const int *edges, int n, double *xs,
                            int *near)
{
    row_start(r, p, y, xs, near);
    if (p->count < 3 || y < p->box.y0 || y > p->box.y1)
        return;
    for (int k = 0; k < n; k++)
        row_add_edge(r, edges[k]);
    row_sort(r);
}

bool km_poly_row_contains(km_poly_row *r, float x)
{
    const km_poly *p = r->p;
    km_vec2 pt = {x, r->y};
    if (p->count < 3 || !km_box_contains(p->box, pt))
        return false;
    /* lo = crossings with !(x < xs[k]), i.e. those not right of the point;
     * walked from the last answer's cursor. */
    int lo = r->at;
    while (lo > 0 && (double)pt.x < r->xs[lo - 1])
        lo--;
    while (lo < r->nx && !((double)pt.x < r->xs[lo]))
        lo++;
    r->at = lo;
    if ((r->nx - lo) % 2 == 1)
        return true;
    /* Outside by parity: still inside if on an edge (km_poly_contains's rule). */
    for (int k = 0; k < r->nnear; k++) {
        int i = r->near[k], j = i ? i - 1 : p->count - 1;
        if (may_touch(p->pts[j], p->pts[i], pt) && on_segment(p->pts[j], p->pts[i], pt))
            return true;
    }
    return false;
}

static double signed_area(const km_poly *p)
{
    double s = 0;
    for (int i = 0, j = p->count - 1; i < p->count; j = i++)
        s += (double)p->pts[j].x * p->pts[i].y - (double)p->pts[i].x * p->pts[j].y;
    return s / 2;
}

double km_poly_area(const km_poly *p) { return p->count < 3 ? 0 : fabs(signed_area(p)); }

km_vec2 km_poly_centroid(const km_poly *p)
{
    km_vec2 c = {0, 0};
    if (p->count == 0)
        return c;
    double a = p->count >= 3 ? signed_area(p) : 0;
    if (fabs(a) < 1e-9) {
        double sx = 0, sy = 0;
        for (int i = 0; i < p->count; i++) {
            sx += p->pts[i].x;
            sy += p->pts[i].y;
        }
        c.x = (float)(sx / p->count);
        c.y = (float)(sy / p->count);
        return c;
    }
    double cx = 0, cy = 0;
    for (int i = 0, j = p->count - 1; i < p->count; j = i++) {
        double f = (double)p->pts[j].x * p->pts[i].y - (double)p->pts[i].x * p->pts[j].y;
        cx += ((double)p->pts[j].x + p->pts[i].x) * f;
        cy += ((double)p->pts[j].y + p->pts[i].y) * f;
    }
    c.x = (float)(cx / (6 * a));
    c.y = (float)(cy / (6 * a));
    return c;
}

/* Widest inside run of the horizontal line at y; returns its midpoint
 * through *x, false if the line misses the polygon. */
static bool widest_run(const km_poly *p, float y, float *x)
{
    enum { MAXX = 256 };
    float xs[MAXX];
    int n = 0;
    for (int i = 0, j = p->count - 1; i < p->count && n < MAXX; j = i++) {
        km_vec2 a = p->pts[j], b = p->pts[i];
        if ((b.y > y) != (a.y > y))
            xs[n++] = b.x + (y - b.y) * (a.x - b.x) / (a.y - b.y);
    }
    for (int i = 1; i < n; i++) /* insertion sort: n is small */
        for (int k = i; k > 0 && xs[k - 1] > xs[k]; k--) {
            float t = xs[k];
            xs[k] = xs[k - 1];
            xs[k - 1] = t;
        }
    float best = -1;
    for (int i = 0; i + 1 < n; i += 2)
        if (xs[i + 1] - xs[i] > best) {
            best = xs[i + 1] - xs[i];
            *x = (xs[i] + xs[i + 1]) / 2;
        }
    return best >= 0;
}

km_vec2 km_poly_interior_point(const km_poly *p)
{
    km_vec2 c = km_poly_centroid(p);
    if (p->count < 3 || km_poly_contains(p, c))
        return c;
    /* Scan lines from the centroid outwards; the first with an inside run wins. */
    float h = p->box.y1 - p->box.y0;
    for (int k = 0; k <= 64; k++) {
        float off = h * (float)k / 128.0f;
        float ys[2] = {c.y + off, c.y - off};
        for (int s = 0; s < 2; s++) {
            km_vec2 q = {0, ys[s]};
            if (ys[s] <= p->box.y0 || ys[s] >= p->box.y1)
                continue;
            if (widest_run(p, ys[s], &q.x))
                return q;
        }
    }
    return c;
}
