/*
 * reach.c - the muscles within a finger's reach of a tap (see reach.h).
 *
 * Distances are measured to the smoothed polygons the chart paints, after a
 * bounding-box test, so a tap costs a few microseconds on the bundled
 * atlas.
 */
#include "reach.h"

#include <math.h>
#include <stdlib.h>

#include "../core/geom.h"

static float seg_dist(km_vec2 p, km_vec2 a, km_vec2 b)
{
    float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    float t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypotf(a.x + t * dx - p.x, a.y + t * dy - p.y);
}

/* Distance from p to the polygon's outline. */
static float edge_dist(const km_poly *poly, km_vec2 p)
{
    float best = INFINITY;
    for (int i = 0; i < poly->count; i++) {
        float d = seg_dist(p, poly->pts[i], poly->pts[(i + 1) % poly->count]);
        if (d < best)
            best = d;
    }
    return best;
}

static bool near_box(km_box b, km_vec2 p, float r)
{
    return p.x >= b.x0 - r && p.x <= b.x1 + r && p.y >= b.y0 - r && p.y <= b.y1 + r;
}

/* The patient's order: see reach.h. */
static int before(const km_reach *a, const km_reach *b, bool deep_only)
{
    if (!deep_only && a->deep != b->deep)
        return a->deep ? 1 : -1;
    if (a->inside != b->inside)
        return a->inside ? -1 : 1;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    if (a->depth != b->depth)
        return a->depth < b->depth ? -1 : 1; /* inside both: the narrower one */
    return a->muscle != b->muscle ? a->muscle - b->muscle : (int)a->side - (int)b->side;
}

static void insert(km_reach *out, int *n, int max, km_reach r, bool deep_only)
{
    for (int i = 0; i < *n; i++)
        if (out[i].muscle == r.muscle && out[i].side == r.side) {
            if (before(&r, &out[i], deep_only) >= 0)
                return;
            for (int j = i; j + 1 < *n; j++) /* take the old entry out, re-insert below */
                out[j] = out[j + 1];
            (*n)--;
            break;
        }
    int at = *n;
    while (at > 0 && before(&r, &out[at - 1], deep_only) < 0)
        at--;
    if (at >= max)
        return;
    if (*n == max)
        (*n)--;
    for (int j = *n; j > at; j--)
        out[j] = out[j - 1];
    out[at] = r;
    (*n)++;
}

int km_reach_find(const km_atlas *a, int view, km_vec2 p, float radius, bool include_deep, bool deep_only,
                  km_reach *out, int max)
{
    int n = 0;
    if (!a || max <= 0)
        return 0;
    for (int mi = 0; mi < a->muscle_count; mi++) {
        const km_muscle *m = &a->muscles[mi];
        bool deep = m->layer == KM_LAYER_DEEP;
        if ((deep && !include_deep) || (deep_only && !deep))
            continue;
        for (int k = 0; k < m->shape_count; k++) {
            const km_shape *sh = &m->shapes[k];
            if (sh->view != view || !near_box(sh->poly.box, p, radius))
                continue;
            bool inside = km_poly_contains(&sh->poly, p);
            float d = edge_dist(&sh->poly, p);
            if (!inside && d > radius)
                continue;
            km_reach r = {mi, sh->side, deep, inside, inside ? 0 : d, inside ? d : 0};
            insert(out, &n, max, r, deep_only);
        }
    }
    return n;
}

int km_reach_pick(const km_reach *r, int n, float radius)
{
    if (n <= 0)
        return -1;
    if (n == 1)
        return 0;
    /* The one shape under the finger's centre is what the patient sees
     * there, unless the finger sits right on its border with another. */
    if (r[0].inside && !r[1].inside && (r[0].depth >= radius * 0.25f || r[1].dist >= radius * 0.25f))
        return 0;
    return -1;
}
