/*
 * geom.h - plane geometry for the atlas: points, boxes and closed polygons.
 *
 * Every shape in the atlas (body outline, muscle, referral zone, body area)
 * is a closed contour written with few control points and, optionally,
 * smoothed into a denser polygon once at load time.  After loading, a shape
 * is only ever a km_poly: a plain array of points with its bounding box, so
 * lookup, drawing and tests all work on the same thing.
 *
 * Conventions: coordinates are in view units (the view's canvas), y grows
 * downwards, polygons are closed implicitly (last point joins the first).
 * Platform-free: the unit tests link this alone.
 */
#ifndef KM_GEOM_H
#define KM_GEOM_H

#include <stdbool.h>
#include <stddef.h>

typedef struct km_vec2 {
    float x, y;
} km_vec2;

/* Axis-aligned box; x0 <= x1 and y0 <= y1 for a non-empty box. */
typedef struct km_box {
    float x0, y0, x1, y1;
} km_box;

/* A closed polygon that owns its points (free with km_poly_release). */
typedef struct km_poly {
    km_vec2 *pts; /* owned, count entries */
    int count;    /* number of points, >= 3 for a valid polygon */
    km_box box;   /* bounding box, kept up to date by the km_poly_* calls */
} km_poly;

/* An open or closed polyline used for landmark lines (clavicle, spine...). */
typedef struct km_line {
    km_vec2 *pts; /* owned */
    int count;
    bool closed;
} km_line;

/* Points per span used when smoothing a contour (Catmull-Rom). */
#define KM_SMOOTH_STEPS 8

bool km_box_contains(km_box b, km_vec2 p);
bool km_box_overlaps(km_box a, km_box b);
km_box km_box_union(km_box a, km_box b);

/* Copy n points into a new polygon.  Returns false on allocation failure. */
bool km_poly_init(km_poly *out, const km_vec2 *pts, int n);
/* Closed centripetal Catmull-Rom spline through n control points, steps
 * points per span.  Returns false on allocation failure. */
bool km_poly_init_smooth(km_poly *out, const km_vec2 *ctrl, int n, int steps);
/* Open/closed Catmull-Rom polyline for landmark lines. */
bool km_line_init_smooth(km_line *out, const km_vec2 *ctrl, int n, bool closed, bool smooth, int steps);
bool km_poly_copy(km_poly *out, const km_poly *src);
void km_poly_release(km_poly *p);
void km_line_release(km_line *l);

/* Recompute the bounding box after the points changed. */
void km_poly_update_box(km_poly *p);
/* Mirror about the vertical line x = width/2 (x' = width - x) and reverse
 * the point order so the winding stays the same. */
void km_poly_mirror(km_poly *p, float width);
void km_line_mirror(km_line *l, float width);

/* Even-odd point in polygon; points on an edge count as inside. */
bool km_poly_contains(const km_poly *p, km_vec2 pt);
/* How far from the segment a-b km_poly_contains may still count a point as
 * lying on it (its edge test has a tolerance); a point farther than this
 * from the segment's bounding box never is.  Used by spatial indexes to
 * decide conservatively which grid cells an edge may touch. */
float km_seg_reach(km_vec2 a, km_vec2 b);

/* km_poly_contains for many points on one horizontal line y, exactly the
 * same answers, in O(log n + few) per point instead of O(n): init collects
 * the edge crossings of the line (sorted) and the edges near it once.
 * xs and near are caller scratch of p->count entries each. */
typedef struct km_poly_row {
    const km_poly *p;
    float y;
    double *xs; /* crossing abscissae, sorted */
    int nx;
    int *near; /* edges (index of their end point) the line passes within reach of */
    int nnear;
    int at; /* crossings <= the last x asked: a cursor, as points usually come left to right */
} km_poly_row;
void km_poly_row_init(km_poly_row *r, const km_poly *p, float y, double *xs, int *near);
/* The same from a subset of the edges (edge i joins point i-1 to point i):
 * the answers are the same as long as the subset holds every edge whose
 * y span, widened by km_seg_reach, includes y. */
void km_poly_row_init_edges(km_poly_row *r, const km_poly *p, float y, const int *edges, int n, double *xs,
                            int *near);
bool km_poly_row_contains(km_poly_row *r, float x);

/* Unsigned area (shoelace). */
double km_poly_area(const km_poly *p);
/* Area centroid; falls back to the vertex mean for degenerate polygons. */
km_vec2 km_poly_centroid(const km_poly *p);
/* A point guaranteed to lie inside the polygon (centroid if inside, else a
 * point found by scanning), for labels and for tests. */
km_vec2 km_poly_interior_point(const km_poly *p);

#endif
