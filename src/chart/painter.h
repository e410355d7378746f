/*
 * painter.h - what the chart is painted with: a small backend interface.
 *
 * paint.c decides what the chart looks like (colours, widths, order); a
 * painter only knows how to put shapes somewhere.  Two painters exist:
 * the rasteriser (painter_canvas.c: a km_canvas, for the window and the
 * PNG, pixel for pixel what paint.c drew before it had painters) and
 * cairo (src/vector/chart_cairo.c: PDF and SVG as paths).  Coordinates
 * are layout pixels; a km_xform maps view units to them.
 *
 * The operations are the few the chart needs:
 *
 *   clear, clip/unclip     paper, and drawing kept to a view's cell
 *   fill                   polygon(s), nonzero winding, with a km_paint
 *                          (solid, stipple dots, hatch lines, lines in
 *                          a direction or grids: canvas.h's kinds)
 *   fill_in_body           the same, kept inside a view's silhouette
 *                          (the outline given) and short of its line
 *   stroke, disc, cross    a polyline, a filled disc, an X
 *   batch_*                strokes of one width painted once, as their
 *                          union (overlaps do not darken)
 *   layer_*                an erasable coverage layer (pain drawing,
 *                          muscle shading): lines added or erased in
 *                          order, or a batch; kept inside polygons;
 *                          then painted through once or more
 *   sil_add, edge          silhouettes: sil_add tells the painter a
 *                          view's outline before anything is kept to it
 *                          (the rasteriser rasterises it once, short of
 *                          the line); edge is called after a view's
 *                          overlay with the outline's line, for a painter
 *                          whose fills reach under it (cairo draws it
 *                          again; the rasteriser needs nothing)
 *
 * Between batch_begin and batch_end (or layer_batch_end) only
 * batch_stroke is called.
 */
#ifndef KM_CHART_PAINTER_H
#define KM_CHART_PAINTER_H

#include <stdbool.h>

#include "../core/geom.h"
#include "../raster/canvas.h"
#include "layout.h"

typedef struct km_painter km_painter;

typedef struct km_painter_ops {
    void (*clear)(km_painter *p, km_rgba color);
    void (*clip)(km_painter *p, km_rect r);
    void (*unclip)(km_painter *p);
    void (*sil_begin)(km_painter *p);
    void (*sil_add)(km_painter *p, const km_poly *outline, int n, km_xform xf, float line_w);
    void (*sil_end)(km_painter *p);
    void (*edge)(km_painter *p, const km_poly *outline, int n, km_xform xf, float line_w, km_rgba color);
    void (*fill)(km_painter *p, const km_poly *polys, int n, km_xform xf, km_paint paint);
    void (*fill_in_body)(km_painter *p, const km_poly *outline, int n_outline, const km_poly *poly, km_xform xf,
                         km_paint paint);
    void (*stroke)(km_painter *p, const km_vec2 *pts, int n, bool closed, km_xform xf, float width,
                   km_rgba color);
    void (*disc)(km_painter *p, km_vec2 at, km_xform xf, float radius, km_rgba color);
    void (*cross)(km_painter *p, km_vec2 at, km_xform xf, float half, float width, km_rgba color);
    void (*batch_begin)(km_painter *p);
    void (*batch_stroke)(km_painter *p, const km_vec2 *pts, int n, bool closed, km_xform xf, float width);
    void (*batch_end)(km_painter *p, km_paint paint);
    void (*layer_begin)(km_painter *p);
    void (*layer_batch_end)(km_painter *p); /* an open batch goes into the layer */
    void (*layer_line)(km_painter *p, const km_vec2 *pts, int n, km_xform xf, float width, bool erase);
    void (*layer_keep_inside)(km_painter *p, const km_poly *polys, int n, km_xform xf);
    void (*layer_paint)(km_painter *p, km_paint paint);
} km_painter_ops;

struct km_painter {
    const km_painter_ops *ops;
};

/* The rasteriser as a painter: draws on c; sil (c->w * c->h bytes, or
 * NULL) is the silhouettes' coverage, written by sil_* and read by
 * fill_in_body. */
typedef struct km_canvas_painter {
    km_painter base;
    km_canvas *c;
    uint8_t *sil;
} km_canvas_painter;

void km_canvas_painter_init(km_canvas_painter *cp, km_canvas *c, uint8_t *sil);

#endif
