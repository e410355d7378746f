/*
 * canvas.h - an anti-aliased polygon rasteriser on a plain RGBA buffer.
 *
 * The platform's 2D renderer draws no anti-aliased polygons, so knotmap rasterises its
 * shapes itself (exact-area coverage, nonzero winding) into a km_canvas,
 * and the drawing layer uploads the canvas to any renderer as one
 * texture.  Window and export therefore get identical pixels.  Platform-free.
 *
 * A canvas may hold a horizontal band of a taller picture
 * (km_canvas_band), with the same pixels in those rows.
 *
 * Pixels are straight (not premultiplied) RGBA8 stored as uint32_t
 * 0xAARRGGBB (the renderer's ARGB8888 format on every platform), composited with
 * "source over".  Every drawing call is clipped to the canvas's clip
 * rectangle (the whole canvas unless set), so coordinates far outside,
 * huge or not finite are safe: non-finite points are skipped.
 */
#ifndef KM_CANVAS_H
#define KM_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/geom.h"

typedef struct km_rgba {
    uint8_t r, g, b, a;
} km_rgba;

typedef struct km_canvas {
    uint32_t *px; /* w*h, 0xAARRGGBB; owned, or the caller's (px_borrowed) */
    int w, h;
    float *cover;  /* owned scratch accumulation buffer, (w+2)*h, kept all zero between calls */
    uint8_t *mask; /* owned scratch coverage mask, w*h, for erasable layers (pain drawing) */
    uint64_t *touched; /* owned: per row, one bit per 64 cells of cover written since the last resolve */
    int touch_words;   /* uint64_t words per row of touched */
    int clip_x0, clip_y0, clip_x1, clip_y1; /* drawing limited to [x0,x1) x [y0,y1), picture coordinates */
    int band_y;   /* picture row held in row 0 (0 unless banded, km_canvas_band) */
    int pic_h;    /* the picture's height, which clips keep within (h unless banded) */
    int rows_cap; /* rows the buffers were made for */
    double batch_box[4]; /* box touched by the open batch (x0, y0, x1, y1) */
    bool batch_any;      /* the open batch touched something */
    bool px_borrowed;    /* px is bound by the caller (km_canvas_bind), never freed here */
} km_canvas;

/* Maps view units to canvas pixels: px = x*scale + ox, py = y*scale + oy. */
typedef struct km_xform {
    float scale, ox, oy;
} km_xform;

typedef enum km_paint_kind {
    KM_PAINT_SOLID,   /* flat colour */
    KM_PAINT_STIPPLE, /* round dots on a staggered grid (spillover zones) */
    KM_PAINT_HATCH,   /* diagonal lines (pain areas, marks) */
    /* Lines for the compared muscles' patterns (paint.c's slots): */
    KM_PAINT_LINES_H,    /* horizontal lines */
    KM_PAINT_LINES_V,    /* vertical lines */
    KM_PAINT_LINES_DOWN, /* diagonal lines the other way from HATCH ("\") */
    KM_PAINT_GRID,       /* horizontal and vertical lines */
    KM_PAINT_GRID_DIAG,  /* both diagonals */
} km_paint_kind;

/* The directions of a lined paint's lines (degrees from the x axis towards
 * y; one or two), shared by the rasteriser and cairo so they draw the same
 * lines: n (0 for a paint that is not lines) and angles[0..n-1]. */
int km_paint_line_angles(km_paint_kind kind, float angles[2]);

typedef struct km_paint {
    km_paint_kind kind;
    km_rgba color;
    float spacing; /* stipple/hatch period in canvas pixels */
    float size;    /* dot radius / line half-width in canvas pixels */
} km_paint;

bool km_canvas_init(km_canvas *c, int w, int h);
void km_canvas_release(km_canvas *c);
/* A canvas that draws into pixels it does not own, e.g. a locked streaming
 * texture, so a frame is not drawn in one buffer and then copied to
 * another: init_scratch allocates only the scratch buffers; km_canvas_bind
 * gives it w*h packed pixels to draw into (NULL unbinds; drawing without
 * pixels does nothing).  Release leaves bound pixels alone. */
bool km_canvas_init_scratch(km_canvas *c, int w, int h);
void km_canvas_bind(km_canvas *c, uint32_t *px);
/* Hold only a band of a taller picture: rows [y, y + rows) of a w x pic_h
 * picture, in the canvas's rows 0 .. rows-1 (rows at most the height the
 * canvas was made with; h becomes rows).  Every call still takes picture
 * coordinates (transforms, clips, km_canvas_get) and touches only the
 * band, and each row comes out bit for bit as on a whole canvas: an edge
 * that starts above the band is stepped row by row to it exactly as it
 * would be drawn, not cut at the band's top.  So a large picture (an
 * export) is painted band by band with band-sized buffers, and the mask
 * and silhouette buffers of paint.c (c->w * c->h) are band-sized too.
 * km_canvas_band(c, 0, h, h) is the whole canvas again. */
void km_canvas_band(km_canvas *c, int y, int rows, int pic_h);
void km_canvas_clear(km_canvas *c, km_rgba color);
bool km_canvas_copy(km_canvas *dst, const km_canvas *src); /* same size; pixels only */
/* Ask the kernel to back the 2 MB-aligned interior of a large, not yet
 * touched allocation with transparent huge pages (Linux; elsewhere, or for
 * less than 4 MB, nothing).  In a virtual machine the first touch of each
 * 4 KB page of a frame-sized buffer was measured at ~300 ms per 35 MB (an
 * A4 canvas); with huge pages ~5 ms.  Harmless if refused. */
void km_canvas_advise_huge(void *p, size_t n);

/* Limit drawing to a rectangle (clamped to the canvas); reset with
 * km_canvas_clip_reset. */
void km_canvas_clip(km_canvas *c, int x, int y, int w, int h);
void km_canvas_clip_reset(km_canvas *c);

/* Fill polygon(s) (nonzero winding over all contours together). */
void km_canvas_fill(km_canvas *c, const km_poly *polys, int n, km_xform xf, km_paint paint);
/* Fill one contour given as points (same rules as km_canvas_fill). */
void km_canvas_fill_pts(km_canvas *c, const km_vec2 *pts, int n, km_xform xf, km_paint paint);
/* Stroke a closed polygon or a polyline with a line of the given width in
 * canvas pixels, round joins and caps. */
void km_canvas_stroke_poly(km_canvas *c, const km_poly *p, km_xform xf, float width, km_rgba color);
void km_canvas_stroke_line(km_canvas *c, const km_vec2 *pts, int n, bool closed, km_xform xf,
                           float width, km_rgba color);
/* Filled disc and an X mark centred on a point (canvas pixels for sizes). */
void km_canvas_disc(km_canvas *c, km_vec2 center, km_xform xf, float radius, km_rgba color);
void km_canvas_cross(km_canvas *c, km_vec2 center, km_xform xf, float half, float width, km_rgba color);

/* A batch: many strokes accumulated and painted once, as their union.
 * Much cheaper than one call per stroke when they share a paint (all the
 * muscle outlines of a figure), and overlaps do not darken. */
void km_canvas_batch_begin(km_canvas *c);
void km_canvas_batch_stroke(km_canvas *c, const km_vec2 *pts, int n, bool closed, km_xform xf, float width);
void km_canvas_batch_end(km_canvas *c, km_paint paint);

/* An erasable coverage layer (the pain drawing): clear the mask, add or
 * erase round-capped lines in order, then paint the canvas through it. */
void km_canvas_mask_clear(km_canvas *c);
/* End an open batch (km_canvas_batch_begin/_stroke) into the mask instead
 * of the pixels: many strokes, one resolve, then keep/paint as usual. */
void km_canvas_batch_end_mask(km_canvas *c);
void km_canvas_mask_line(km_canvas *c, const km_vec2 *pts, int n, km_xform xf, float width, bool erase);
/* Keep the mask only inside the polygons (the body silhouette). */
void km_canvas_mask_keep_inside(km_canvas *c, const km_poly *polys, int n, km_xform xf);
void km_canvas_mask_paint(km_canvas *c, km_paint paint);
/* Add polygon coverage to the mask (nonzero winding), e.g. to rasterise a
 * silhouette once and keep it (copy c->mask) for km_canvas_fill_within. */
void km_canvas_mask_fill(km_canvas *c, const km_poly *polys, int n, km_xform xf);
/* Fill polygon(s) scaled by a coverage buffer of the canvas's size (0..255
 * per pixel; a referral zone kept to the body silhouette).  Uses the mask
 * as scratch over the shapes' box only, so it costs about what a fill
 * does; whatever the mask held there before is lost. */
void km_canvas_fill_within(km_canvas *c, const km_poly *polys, int n, const uint8_t *within, km_xform xf,
                           km_paint paint);

/* The pixel at (x, y) as straight RGBA (transparent black outside), for tests. */
km_rgba km_canvas_get(const km_canvas *c, int x, int y);

#endif
