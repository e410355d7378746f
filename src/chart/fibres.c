/*
 * fibres.c - fibre lines cut to a muscle's shape (see fibres.h).
 *
 * Everything here is computed when the body layer is painted, which the
 * window caches per layout: a whole body view is a few thousand line and
 * edge tests, well under a millisecond, and nothing is stored in the atlas
 * or allocated (the spacing depends on the size the chart is drawn at, so
 * segments made at load would be right for one size only).
 */
#include "fibres.h"

#include <math.h>

#define KM_PI 3.14159265358979323846

int km_line_spans(const km_poly *p, km_vec2 o, km_vec2 d, float inset, float min_len, float *out, int max)
{
    if (!p || !p->pts || p->count < 3 || !out || max <= 0)
        return 0;
    const double nx = -d.y, ny = d.x; /* the line's normal: which side a point is on */
    double ts[KM_FIBRE_MAX_CROSSINGS];
    int n = 0;
    km_vec2 prev = p->pts[p->count - 1];
    double hp = (prev.x - o.x) * nx + (prev.y - o.y) * ny;
    for (int i = 0; i < p->count; i++) {
        km_vec2 cur = p->pts[i];
        double hc = (cur.x - o.x) * nx + (cur.y - o.y) * ny;
        /* Half-open: a vertex exactly on the line counts as below it, so
         * every crossing is counted once and their number is even. */
        if ((hp > 0) != (hc > 0)) {
            if (n == KM_FIBRE_MAX_CROSSINGS)
                return 0;
            double f = hp / (hp - hc);
            double x = prev.x + (cur.x - prev.x) * f, y = prev.y + (cur.y - prev.y) * f;
            ts[n++] = (x - o.x) * d.x + (y - o.y) * d.y;
        }
        prev = cur;
        hp = hc;
    }
    for (int i = 1; i < n; i++) { /* few crossings: insertion sort */
        double t = ts[i];
        int j = i - 1;
        for (; j >= 0 && ts[j] > t; j--)
            ts[j + 1] = ts[j];
        ts[j + 1] = t;
    }
    int spans = 0;
    for (int k = 0; k + 1 < n && spans < max; k += 2) {
        double a = ts[k] + inset, b = ts[k + 1] - inset;
        if (b - a >= min_len && b > a) {
            out[2 * spans] = (float)a;
            out[2 * spans + 1] = (float)b;
            spans++;
        }
    }
    return spans;
}

/* Appends the spans of one line as segments; returns the new count. */
static int add_line(const km_poly *p, km_vec2 o, km_vec2 d, float inset, float min_len, float t_from,
                    km_fibre_seg *out, int n, int max)
{
    float sp[8];
    int k = km_line_spans(p, o, d, inset, min_len, sp, 4);
    for (int i = 0; i < k && n < max; i++) {
        float t0 = sp[2 * i] > t_from ? sp[2 * i] : t_from, t1 = sp[2 * i + 1];
        if (t1 - t0 < min_len)
            continue;
        out[n++] = (km_fibre_seg){{{o.x + d.x * t0, o.y + d.y * t0}, {o.x + d.x * t1, o.y + d.y * t1}}};
    }
    return n;
}

static int parallel(const km_poly *p, float angle, float s, float inset, float min_len, km_fibre_seg *out, int max)
{
    const double a = angle * KM_PI / 180.0;
    const km_vec2 d = {(float)cos(a), (float)sin(a)}, nrm = {-d.y, d.x};
    const km_vec2 c = km_poly_centroid(p);
    float lo = 0, hi = 0;
    for (int i = 0; i < p->count; i++) {
        float h = (p->pts[i].x - c.x) * nrm.x + (p->pts[i].y - c.y) * nrm.y;
        lo = h < lo ? h : lo;
        hi = h > hi ? h : hi;
    }
    /* The first and last lines keep the inset from the shape's sides too
     * (a line along an edge would be inside it only by rounding). */
    lo += inset;
    hi -= inset;
    while ((hi - lo) / s + 1 > KM_FIBRE_MAX_LINES)
        s *= 2;
    int n = 0;
    for (int k = (int)ceilf(lo / s); k <= (int)floorf(hi / s) && n < max; k++) {
        km_vec2 o = {c.x + nrm.x * s * (float)k, c.y + nrm.y * s * (float)k};
        n = add_line(p, o, d, inset, min_len, -INFINITY, out, n, max);
    }
    return n;
}

/* How many times 2 divides k (k = 0: as often as it matters). */
static int level_of(int k)
{
    if (k == 0)
        return 20;
    unsigned u = (unsigned)(k < 0 ? -k : k);
    int l = 0;
    while (!(u & 1u) && l < 20) {
        u >>= 1;
        l++;
    }
    return l;
}

static int fan(const km_poly *p, km_vec2 focus, float s, float inset, float min_len, km_fibre_seg *out, int max)
{
    const km_vec2 c = km_poly_centroid(p);
    double base = atan2(c.y - focus.y, c.x - focus.x);
    if (fabsf(c.x - focus.x) + fabsf(c.y - focus.y) < 1e-6f)
        base = KM_PI / 2;
    double lo = 0, hi = 0, r_max = 0;
    for (int i = 0; i < p->count; i++) {
        double dx = p->pts[i].x - focus.x, dy = p->pts[i].y - focus.y;
        double r = sqrt(dx * dx + dy * dy), a = atan2(dy, dx) - base;
        while (a > KM_PI)
            a -= 2 * KM_PI;
        while (a <= -KM_PI)
            a += 2 * KM_PI;
        r_max = r > r_max ? r : r_max;
        lo = a < lo ? a : lo;
        hi = a > hi ? a : hi;
    }
    if (!(r_max > 1e-6))
        return 0;
    const bool inside = km_poly_contains(p, focus);
    if (inside) { /* the fibres radiate all round */
        lo = -KM_PI;
        hi = KM_PI;
    }
    double step = s / r_max; /* the spacing at the far edge */
    while ((hi - lo) / step + 1 > KM_FIBRE_MAX_LINES)
        step *= 2;
    int k0 = (int)ceil(lo / step), k1 = (int)floor(hi / step);
    if (inside && (k1 - k0 + 1) * step > 2 * KM_PI - 1e-9)
        k1--; /* -pi and pi are one ray */
    int n = 0;
    for (int k = k0; k <= k1 && n < max; k++) {
        double a = base + step * k;
        km_vec2 d = {(float)cos(a), (float)sin(a)};
        /* Rays a spacing apart at r_max are half of it apart at r_max / 2:
         * there the odd ones stop, at r_max / 4 the next half, ... */
        float from = (float)(0.5 * r_max / (double)(1u << level_of(k)));
        n = add_line(p, focus, d, inset, min_len, from, out, n, max);
    }
    return n;
}

int km_fibres_segments(const km_poly *p, const km_fibres *f, float spacing, float inset, km_fibre_seg *out,
                       int max)
{
    if (!p || !p->pts || p->count < 3 || !f || !out || max <= 0 || !(spacing > 0) || !isfinite(spacing))
        return 0;
    float s = spacing * (f->spacing > 0 ? f->spacing : 1.0f);
    float min_len = fmaxf(2.0f * inset, 0.6f * s);
    switch (f->kind) {
    case KM_FIBRES_PARALLEL: return parallel(p, f->angle, s, inset, min_len, out, max);
    case KM_FIBRES_FAN: return fan(p, f->toward, s, inset, min_len, out, max);
    case KM_FIBRES_NONE: break;
    }
    return 0;
}
