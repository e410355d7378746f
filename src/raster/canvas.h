/*
 * canvas.h - an anti-aliased polygon rasteriser on a plain RGBA buffer.
 *
 * SDL_Renderer draws no anti-aliased polygons, so knotmap rasterises its
 * shapes itself (exact-area coverage, nonzero winding) into a km_canvas,
 * and the drawing layer uploads the canvas to any SDL_Renderer as one
 * texture.  Window and export therefore get identical pixels.  No SDL here.
 *
 * Pixels are premultiplied-free RGBA8 stored as uint32_t 0xAARRGGBB
 * (SDL_PIXELFORMAT_ARGB8888 on every platform), composited with "source
 * over".
 */
#ifndef KM_CANVAS_H
#define KM_CANVAS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/geom.h"

typedef struct km_rgba {
    uint8_t r, g, b, a;
} km_rgba;

typedef struct km_canvas {
    uint32_t *px; /* owned, w*h, 0xAARRGGBB */
    int w, h;
    float *cover; /* owned scratch accumulation buffer, (w+2)*h */
} km_canvas;

/* Maps view units to canvas pixels: px = x*scale + ox. */
typedef struct km_xform {
    float scale, ox, oy;
} km_xform;

typedef enum km_paint_kind {
    KM_PAINT_SOLID,   /* flat colour */
    KM_PAINT_STIPPLE, /* round dots on a staggered grid (spillover zones) */
    KM_PAINT_HATCH,   /* diagonal lines (pain areas, marks) */
} km_paint_kind;

typedef struct km_paint {
    km_paint_kind kind;
    km_rgba color;
    float spacing; /* stipple/hatch period in canvas pixels */
    float size;    /* dot radius / line half-width in canvas pixels */
} km_paint;

bool km_canvas_init(km_canvas *c, int w, int h);
void km_canvas_release(km_canvas *c);
void km_canvas_clear(km_canvas *c, km_rgba color);
bool km_canvas_copy(km_canvas *dst, const km_canvas *src); /* same size */

/* Fill polygon(s) (nonzero winding over all contours together). */
void km_canvas_fill(km_canvas *c, const km_poly *polys, int n, km_xform xf, km_paint paint);
/* Stroke a closed polygon or a polyline with a line of the given width in
 * canvas pixels, round joins and caps. */
void km_canvas_stroke_poly(km_canvas *c, const km_poly *p, km_xform xf, float width, km_rgba color);
void km_canvas_stroke_line(km_canvas *c, const km_vec2 *pts, int n, bool closed, km_xform xf,
                           float width, km_rgba color);
/* Filled disc and an X mark centred on a point (canvas pixels for sizes). */
void km_canvas_disc(km_canvas *c, km_vec2 center, km_xform xf, float radius, km_rgba color);
void km_canvas_cross(km_canvas *c, km_vec2 center, km_xform xf, float half, float width, km_rgba color);

#endif
