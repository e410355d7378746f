/*
 * spatial.h - a per-view uniform grid over the referral zones, built once
 * when the atlas loads, so a lookup tests only the few zones whose outline
 * can reach its grid cell instead of every zone of every muscle.
 *
 * Each cell lists references to the zones that may contain some point of
 * the cell.  A reference marked `full` means the whole cell lies inside the
 * zone (no edge of the zone comes within reach of the cell), so a point in
 * that cell is inside without a polygon test; otherwise the caller runs
 * km_poly_contains.  Cells no zone reaches have no references.  The answers
 * are exactly those of testing every zone with km_poly_contains.
 */
#ifndef KM_SPATIAL_H
#define KM_SPATIAL_H

#include <stdbool.h>

#include "geom.h"

struct km_atlas;

typedef struct km_zone_ref {
    int muscle;           /* index into atlas->muscles */
    unsigned short zone;  /* index into that muscle's zones */
    unsigned char full;   /* 1: the cell lies wholly inside the zone */
    unsigned char side_kind; /* zone's side * 2 + kind, so sums need not read the zone */
} km_zone_ref;

typedef struct km_view_grid {
    int nx, ny;         /* cells across and down */
    float cw, ch;       /* cell size in view units */
    float width, height;
    int *start;         /* nx*ny + 1 offsets into refs (CSR) */
    km_zone_ref *refs;  /* owned */
} km_view_grid;

/* A zone's edges bucketed by grid row, so a horizontal line through the
 * zone needs to look at a few edges only (km_poly_row_init_edges). */
typedef struct km_zone_bands {
    int row0, rows; /* bands (a fraction of a grid row) the zone spans */
    int first;      /* its first entry in km_spatial.band_ptr */
    float ch;       /* band height on the zone's view */
} km_zone_bands;

typedef struct km_spatial {
    km_view_grid *views; /* one per atlas view, owned */
    int view_count;
    int max_zone_points; /* largest zone polygon, for callers' scratch */
    int *zone_base;      /* per muscle: index of its first zone in bands */
    km_zone_bands *bands; /* per zone (zone_base[m] + z) */
    int *band_ptr;        /* CSR offsets into band_edges, one run per (zone, row) */
    int *band_edges;      /* edge indices (edge i ends at point i) */
} km_spatial;

/* Builds the index of a complete, valid atlas.  NULL on allocation failure. */
km_spatial *km_spatial_build(const struct km_atlas *a);
void km_spatial_free(km_spatial *s);

/* The edges of zone z of muscle m that a horizontal line at y may cross or
 * pass within reach of; NULL (use every edge) when y is off the zone. */
const int *km_spatial_zone_edges(const km_spatial *s, int m, int z, float y, int *n);

/* The references of the cell holding p on view (NULL, *n = 0 when p lies
 * off the view's canvas, where no zone can contain it). */
const km_zone_ref *km_spatial_cell(const km_spatial *s, int view, km_vec2 p, int *n);

#endif
