/*
 * paint.h - the chart painted onto a km_canvas, or through any km_painter
 * (painter.h): body, muscles, zones, marks and the key's swatches.  No windowing library here, no text (text is the
 * renderer's, drawn on top through the font it has).
 *
 * The picture comes in two layers.  The body (paper, skin-toned
 * silhouettes, superficial muscles in two muted rose tints with a shaded
 * border band and thin outlines, landmark lines) depends only on the atlas,
 * the layout and show_deep, so a renderer may keep it between frames; the
 * overlay (pain areas and drawing, selected muscles, zones, trigger points,
 * pins, hover) and the key's swatches are painted over it every frame.
 *
 * The layout must have been computed for an output whose top-left corner
 * is the canvas's (out.x == out.y == 0): layout pixels are canvas pixels.
 */
#ifndef KM_CHART_PAINT_H
#define KM_CHART_PAINT_H

#include <stdint.h>

#include "../core/scene.h"
#include "../raster/canvas.h"
#include "layout.h"
#include "painter.h"

/* Colour of palette slot i (each compared muscle has its own). */
km_rgba km_paint_palette(int slot);
/* Palette slot i's pattern (solid for slot 0, then lines at angles and
 * grids) in color, sized for the unit u: painted over a compared muscle's
 * zones and its key swatch, so slots differ by more than colour. */
km_paint km_paint_slot_pattern(int slot, km_rgba color, float u);
/* Slot i's letter ('A', 'B', ...), set beside its trigger points and in
 * the key when several muscles are shown. */
char km_paint_slot_letter(int slot);
/* A pain pin's colour for its intensity (0-10): light, middle or strong. */
km_rgba km_paint_pin_color(int intensity);

/* The body layer over the whole canvas; sil (c->w * c->h bytes, may be
 * NULL) receives the silhouettes' coverage, which the overlay keeps to. */
void km_paint_body(km_canvas *c, uint8_t *sil, const km_scene *s, const km_layout *L);
/* Only the deep layer's outlines, over a body painted without them: the
 * body with s->show_deep is exactly the body without it plus this. */
void km_paint_deep(km_canvas *c, const km_scene *s, const km_layout *L);
/* Everything the user changes, over the body; sil as km_paint_body left it. */
void km_paint_overlay(km_canvas *c, const uint8_t *sil, const km_scene *s, const km_layout *L);
/* The key's swatches (its words are text, drawn by the renderer). */
void km_paint_legend(km_canvas *c, const km_scene *s, const km_layout *L);
/* All three: the chart without its text.  sil as for km_paint_body. */
void km_paint_chart(km_canvas *c, uint8_t *sil, const km_scene *s, const km_layout *L);

/* The same, through any painter (painter.h): the rasteriser above, or
 * cairo for PDF and SVG.  What the chart looks like is decided here once. */
void km_paint_body_with(km_painter *p, const km_scene *s, const km_layout *L);
void km_paint_deep_with(km_painter *p, const km_scene *s, const km_layout *L);
void km_paint_overlay_with(km_painter *p, const km_scene *s, const km_layout *L);
void km_paint_legend_with(km_painter *p, const km_scene *s, const km_layout *L);
void km_paint_chart_with(km_painter *p, const km_scene *s, const km_layout *L);

/* Where the key's entries go, shared with the text that names them. */
enum { KM_LEG_TP, KM_LEG_ESS, KM_LEG_SPILL, KM_LEG_PAIN, KM_LEG_PIN_LOW, KM_LEG_PIN_MID, KM_LEG_PIN_HIGH, KM_LEG_FIXED };
typedef struct km_legend_geom {
    int row_h, sw, col_w, head_h;
} km_legend_geom;
km_legend_geom km_paint_legend_geom(const km_layout *L);
/* Top-left of key entry n: down the first column, then the next. */
void km_paint_legend_slot(const km_layout *L, const km_legend_geom *g, int n, int *x, int *y);

#endif
