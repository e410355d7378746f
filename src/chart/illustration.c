/*
 * illustration.c - paints a stretch's figure (see illustration.h).
 *
 * The data is a handful of thick round-capped polylines and discs, so the
 * drawing is a handful of painter strokes: each part twice (a wider line
 * in the outline colour, then the line in skin or tint), in the order the
 * data gives them, so the author decides what lies in front.  Widths are
 * box units scaled with the box, except that the outline and the arrow
 * keep a floor in pixels so they still read at 120 x 120.
 */
#include "illustration.h"

#include <math.h>

const km_rgba km_illustration_tint = {214, 94, 74, 255};

/* The chart's skin and outline (paint.c), so the figure matches the body views. */
static const km_rgba k_skin = {246, 226, 210, 255};
static const km_rgba k_edge = {120, 86, 68, 255};
static const km_rgba k_prop = {178, 178, 178, 255};
static const km_rgba k_arrow = {0, 104, 180, 255}; /* strong blue: apart from any muscle tint */
static const km_rgba k_halo = {255, 255, 255, 255};

#define KM_ILL_MARGIN 0.04f /* of the box's side, on each side */

km_xform km_illustration_xform(km_rect box)
{
    float side = (float)(box.w < box.h ? box.w : box.h);
    float inner = side * (1 - 2 * KM_ILL_MARGIN);
    km_xform xf = {inner / 100.0f, 0, 0};
    xf.ox = (float)box.x + ((float)box.w - inner) / 2;
    xf.oy = (float)box.y + ((float)box.h - inner) / 2;
    return xf;
}

static float outline_px(km_xform xf) { return fmaxf(1.0f, 0.9f * xf.scale); }

static km_rgba fill_of(km_ill_role role, km_rgba tint) { return role == KM_ILL_STRETCHED ? tint : k_skin; }

static void paint_arrow(km_painter *p, km_vec2 a, km_vec2 b, km_xform xf)
{
    float dx = b.x - a.x, dy = b.y - a.y, len = sqrtf(dx * dx + dy * dy);
    if (!(len > 0))
        return;
    float ux = dx / len, uy = dy / len;
    float w = fmaxf(2.0f, 2.2f * xf.scale);  /* shaft, pixels */
    float head = fmaxf(7.0f, 6.5f * xf.scale) / xf.scale; /* head length, box units */
    if (head > len * 0.7f)
        head = len * 0.7f;
    km_vec2 base = {b.x - ux * head, b.y - uy * head};
    float half = head * 0.6f;
    km_vec2 tri[3] = {b, {base.x - uy * half, base.y + ux * half}, {base.x + uy * half, base.y - ux * half}};
    km_vec2 shaft[2] = {a, {base.x + ux * head * 0.2f, base.y + uy * head * 0.2f}};
    float halo = fmaxf(1.5f, 0.8f * xf.scale);
    p->ops->stroke(p, shaft, 2, false, xf, w + 2 * halo, k_halo);
    p->ops->stroke(p, tri, 3, true, xf, 2 * halo, k_halo);
    p->ops->stroke(p, shaft, 2, false, xf, w, k_arrow);
    km_poly poly = {tri, 3, {0, 0, 0, 0}};
    p->ops->fill(p, &poly, 1, xf, (km_paint){KM_PAINT_SOLID, k_arrow, 0, 0});
    p->ops->stroke(p, tri, 3, true, xf, 1.0f, k_arrow);
}

void km_paint_illustration(km_painter *p, const km_stretch_illustration *ill, km_rect box, km_rgba tint)
{
    if (!p || !ill || box.w <= 0 || box.h <= 0)
        return;
    km_xform xf = km_illustration_xform(box);
    float edge = outline_px(xf);
    p->ops->clip(p, box);
    for (int i = 0; i < ill->prop_count; i++) {
        const km_ill_stroke *s = &ill->props[i];
        p->ops->stroke(p, s->pts, s->n, false, xf, s->width * xf.scale, k_prop);
    }
    for (int i = 0; i < ill->part_count; i++) {
        const km_ill_stroke *s = &ill->parts[i];
        p->ops->stroke(p, s->pts, s->n, false, xf, s->width * xf.scale + 2 * edge, k_edge);
        p->ops->stroke(p, s->pts, s->n, false, xf, s->width * xf.scale, fill_of(s->role, tint));
    }
    for (int i = 0; i < ill->circle_count; i++) {
        const km_ill_circle *c = &ill->circles[i];
        p->ops->disc(p, c->at, xf, c->r * xf.scale + edge, k_edge);
        p->ops->disc(p, c->at, xf, c->r * xf.scale, fill_of(c->role, tint));
    }
    paint_arrow(p, ill->arrow_from, ill->arrow_to, xf);
    p->ops->unclip(p);
}
