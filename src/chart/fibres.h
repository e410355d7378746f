/*
 * fibres.h - the faint fibre-direction lines inside a muscle, as segments.
 *
 * A painter has no clip to a muscle, and need not have one: the lines are
 * cut to the shape here, in plain geometry (no window, no painter), so the
 * window, the PNG, the PDF and the SVG draw the same segments.  A line is
 * intersected with the shape's polygon (the smoothed outline the fill
 * uses), the inside spans are kept and each is pulled in from the edge a
 * little, so no line touches the muscle's border.
 *
 * Parallel fibres are lines at the shape's angle, one through its centroid
 * and the others at the spacing either side.  A fan's fibres are rays from
 * the point they converge on (the tendon), spaced by angle so that they lie
 * the spacing apart at the shape's far edge; as rays crowd towards the
 * tendon every other one stops, then every other of the rest, so the lines
 * never pack closer than about half the spacing (the way an illustrator
 * draws converging fibres).
 */
#ifndef KM_CHART_FIBRES_H
#define KM_CHART_FIBRES_H

#include "../core/atlas.h"
#include "../core/geom.h"

/* The most crossings of one line with a polygon that km_line_spans
 * follows; a line with more (no real muscle has them) gives no span. */
#define KM_FIBRE_MAX_CROSSINGS 64
/* The most lines (or rays) laid across one shape: past it the spacing
 * widens, so a shape blown up by zoom costs no more. */
#define KM_FIBRE_MAX_LINES 160

typedef struct km_fibre_seg {
    km_vec2 p[2]; /* from, to: a two-point polyline for the painter */
} km_fibre_seg;

/* The spans of the line o + t*d (d of unit length) that lie inside p, by
 * the even-odd rule: pairs (t0, t1), t0 < t1, in out (2 * max floats),
 * in order along the line.  Each span is shortened by inset at both ends,
 * and dropped if then shorter than min_len.  Returns the number of spans
 * (at most max; 0 when the line misses p or crosses it more than
 * KM_FIBRE_MAX_CROSSINGS times). */
int km_line_spans(const km_poly *p, km_vec2 o, km_vec2 d, float inset, float min_len, float *out, int max);

/* The fibre segments of one shape, the lines spacing apart (view units,
 * before the data's own factor f->spacing), inset from the shape's edge
 * by inset; segments shorter than 2 * inset are left out.  Writes at most
 * max segments to out and returns how many (0 for KM_FIBRES_NONE). */
int km_fibres_segments(const km_poly *p, const km_fibres *f, float spacing, float inset, km_fibre_seg *out,
                       int max);

#endif
