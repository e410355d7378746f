/*
 * painter_canvas.c - the rasteriser (src/raster) as a km_painter: each
 * operation is the one km_canvas call paint.c made before painters
 * existed, in the same order, so the window and the PNG keep their
 * pixels.  The silhouettes are rasterised once into sil (the line left
 * out), and fill_in_body fills through that coverage, so zones stop at
 * the outline's inner edge and edge has nothing to do.
 */
#include "painter.h"

#include <string.h>

static km_canvas *cv(km_painter *p)
{
    return ((km_canvas_painter *)p)->c;
}

static void cp_clear(km_painter *p, km_rgba color)
{
    km_canvas_clear(cv(p), color);
}

static void cp_clip(km_painter *p, km_rect r)
{
    km_canvas_clip(cv(p), r.x, r.y, r.w, r.h);
}

static void cp_unclip(km_painter *p)
{
    km_canvas_clip_reset(cv(p));
}

static void cp_sil_begin(km_painter *p)
{
    if (((km_canvas_painter *)p)->sil)
        km_canvas_mask_clear(cv(p));
}

static void cp_sil_add(km_painter *p, const km_poly *outline, int n, km_xform xf, float line_w)
{
    km_canvas *c = cv(p);
    if (!((km_canvas_painter *)p)->sil)
        return;
    km_canvas_mask_fill(c, outline, n, xf);
    for (int o = 0; o < n; o++) {
        const km_poly *q = &outline[o];
        if (q->count < 2)
            continue;
        km_canvas_mask_line(c, q->pts, q->count, xf, line_w, true);
        km_vec2 close[2] = {q->pts[q->count - 1], q->pts[0]};
        km_canvas_mask_line(c, close, 2, xf, line_w, true);
    }
}

static void cp_sil_end(km_painter *p)
{
    km_canvas_painter *cp = (km_canvas_painter *)p;
    if (cp->sil)
        memcpy(cp->sil, cp->c->mask, (size_t)cp->c->w * cp->c->h);
}

static void cp_edge(km_painter *p, const km_poly *outline, int n, km_xform xf, float line_w, km_rgba color)
{
    /* The overlay stopped short of the line (sil leaves it out). */
    (void)p, (void)outline, (void)n, (void)xf, (void)line_w, (void)color;
}

static void cp_fill(km_painter *p, const km_poly *polys, int n, km_xform xf, km_paint paint)
{
    km_canvas_fill(cv(p), polys, n, xf, paint);
}

static void cp_fill_in_body(km_painter *p, const km_poly *outline, int n_outline, const km_poly *poly, km_xform xf,
                            km_paint paint)
{
    (void)outline;
    km_canvas_painter *cp = (km_canvas_painter *)p;
    if (cp->sil && n_outline > 0)
        km_canvas_fill_within(cp->c, poly, 1, cp->sil, xf, paint);
    else
        km_canvas_fill(cp->c, poly, 1, xf, paint);
}

static void cp_stroke(km_painter *p, const km_vec2 *pts, int n, bool closed, km_xform xf, float width,
                      km_rgba color)
{
    km_canvas_stroke_line(cv(p), pts, n, closed, xf, width, color);
}

static void cp_disc(km_painter *p, km_vec2 at, km_xform xf, float radius, km_rgba color)
{
    km_canvas_disc(cv(p), at, xf, radius, color);
}

static void cp_cross(km_painter *p, km_vec2 at, km_xform xf, float half, float width, km_rgba color)
{
    km_canvas_cross(cv(p), at, xf, half, width, color);
}

static void cp_batch_begin(km_painter *p)
{
    km_canvas_batch_begin(cv(p));
}

static void cp_batch_stroke(km_painter *p, const km_vec2 *pts, int n, bool closed, km_xform xf, float width)
{
    km_canvas_batch_stroke(cv(p), pts, n, closed, xf, width);
}

static void cp_batch_end(km_painter *p, km_paint paint)
{
    km_canvas_batch_end(cv(p), paint);
}

static void cp_layer_begin(km_painter *p)
{
    km_canvas_mask_clear(cv(p));
}

static void cp_layer_batch_end(km_painter *p)
{
    km_canvas_batch_end_mask(cv(p));
}

static void cp_layer_line(km_painter *p, const km_vec2 *pts, int n, km_xform xf, float width, bool erase)
{
    km_canvas_mask_line(cv(p), pts, n, xf, width, erase);
}

static void cp_layer_keep_inside(km_painter *p, const km_poly *polys, int n, km_xform xf)
{
    km_canvas_mask_keep_inside(cv(p), polys, n, xf);
}

static void cp_layer_paint(km_painter *p, km_paint paint)
{
    km_canvas_mask_paint(cv(p), paint);
}

static const km_painter_ops k_canvas_ops = {
    .clear = cp_clear,
    .clip = cp_clip,
    .unclip = cp_unclip,
    .sil_begin = cp_sil_begin,
    .sil_add = cp_sil_add,
    .sil_end = cp_sil_end,
    .edge = cp_edge,
    .fill = cp_fill,
    .fill_in_body = cp_fill_in_body,
    .stroke = cp_stroke,
    .disc = cp_disc,
    .cross = cp_cross,
    .batch_begin = cp_batch_begin,
    .batch_stroke = cp_batch_stroke,
    .batch_end = cp_batch_end,
    .layer_begin = cp_layer_begin,
    .layer_batch_end = cp_layer_batch_end,
    .layer_line = cp_layer_line,
    .layer_keep_inside = cp_layer_keep_inside,
    .layer_paint = cp_layer_paint,
};

void km_canvas_painter_init(km_canvas_painter *cp, km_canvas *c, uint8_t *sil)
{
    cp->base.ops = &k_canvas_ops;
    cp->c = c;
    cp->sil = sil;
}
