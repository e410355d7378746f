/*
 * illustration.h - a stretch's drawing (atlas.h km_stretch_illustration)
 * painted through any km_painter, so the window (the rasteriser) and the
 * handout (cairo) show the same picture.
 */
#ifndef KM_CHART_ILLUSTRATION_H
#define KM_CHART_ILLUSTRATION_H

#include "../core/atlas.h"
#include "painter.h"

/* The muscle tint a caller uses when it has no colour of its own. */
extern const km_rgba km_illustration_tint;

/* The 100 x 100 drawing fitted (square, centred, with a small margin) to
 * box in painter pixels and kept inside it: props in light grey, then the
 * figure part by part (a darker outline, then skin; "stretched" parts and
 * circles in tint), then the arrow of the pull in a strong accent colour.
 * Paints only; clears nothing. */
void km_paint_illustration(km_painter *p, const km_stretch_illustration *ill, km_rect box, km_rgba tint);

/* Where a point of the 100 x 100 box lands in box (the same mapping). */
km_xform km_illustration_xform(km_rect box);

#endif
