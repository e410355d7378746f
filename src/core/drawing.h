/*
 * drawing.h - the patient's pain drawing as a grid, and its measures.
 *
 * A pain drawing (freehand strokes, eraser strokes, pins with an intensity)
 * is measured the way digital pain-drawing research measures one: how much
 * of the body it covers (pain extent) and how many body regions it touches.
 * Everything is counted on one grid per view of KM_DRAWING_CELL view units
 * (10: a tenth of a palm's width on the 1000 x 2000 body views, well below
 * a fingertip), a cell being "in" a shape when its centre is:
 *
 *   - strokes are painted in the order they were drawn, each segment a
 *     capsule of the stroke's radius; an eraser stroke clears the cells it
 *     covers, so paint erased later does not count;
 *   - the body surface of a view is the cells inside its outline (any of its
 *     contours);
 *   - a view's extent is marked body cells / body cells; the drawing's
 *     extent over all body views ("kind": "body") is the same sum over
 *     them; close-up views have their own extent and are not added in (they
 *     show the same skin again, larger);
 *   - an area instance (one id, side and view) is touched when marked cells
 *     fall inside it or a pin stands in it; its share is its marked cells /
 *     its cells, its highest pin the largest intensity of the pins in it;
 *   - the number of regions counts distinct (area id, side) pairs touched on
 *     any view, so the front and back of "shoulder: right" count once;
 *   - pins count on their own: their number, mean and highest intensity.
 *     A pin marks a point, not skin: it adds no cells to the extent.
 *
 * Platform-free: the unit tests link this alone.
 */
#ifndef KM_DRAWING_H
#define KM_DRAWING_H

#include <stdbool.h>
#include <stdint.h>

#include "atlas.h"
#include "lookup.h"
#include "scene.h"

#define KM_DRAWING_CELL 10.0f /* view units per grid cell */

/* One view's cells, painted by the strokes; owned. */
typedef struct km_drawing_grid {
    int view;
    int w, h;       /* cells across and down */
    uint8_t *cells; /* w * h, 1 = painted */
    int painted;    /* cells set */
} km_drawing_grid;

/* Paint the strokes that belong to view into a new grid (in order, eraser
 * strokes clearing).  False on allocation failure (grid left empty). */
bool km_drawing_grid_init(km_drawing_grid *g, const km_atlas *a, int view, const km_stroke *strokes, int n);
void km_drawing_grid_release(km_drawing_grid *g);
/* Centre of cell (cx, cy) in view units. */
km_vec2 km_drawing_cell_centre(int cx, int cy);

/* One area instance the drawing touches. */
typedef struct km_drawing_area {
    int area;        /* index into atlas->areas */
    int cells;       /* the area's cells */
    int marked;      /* of which marked */
    double share;    /* marked / cells */
    int max_pin;     /* highest intensity of a pin in it, -1 for none */
} km_drawing_area;

typedef struct km_drawing_view {
    int body_cells;   /* cells inside the outline */
    int marked_cells; /* of which marked */
    double extent;    /* marked / body, 0 when the view has no body cells */
} km_drawing_view;

typedef struct km_drawing_summary {
    km_drawing_view *views; /* owned, atlas->view_count entries */
    int view_count;
    double extent;          /* over the body views */
    km_drawing_area *areas; /* owned, touched areas in atlas order */
    int area_count;
    int regions;            /* distinct (area id, side) touched */
    int pin_count;
    double pin_mean;        /* 0 when no pins */
    int pin_max;            /* -1 when no pins */
} km_drawing_summary;

/* Measure a drawing against the atlas.  False on allocation failure (then
 * the summary is released and empty). */
bool km_drawing_summarise(const km_atlas *a, const km_stroke *strokes, int ns, const km_pin *pins, int np,
                          km_drawing_summary *out);
void km_drawing_summary_release(km_drawing_summary *s);

/* The words that head the red flags wherever they are shown (the
 * handout, the clinician's export). */
#define KM_RED_FLAG_HEADING "See a clinician now if any of this applies"

/* The red flags (indices into a->red_flags, data order, each once; at
 * most max) of what the patient pointed at and drew: the area instances
 * given (a tapped area) and those the drawing touches (sum, may be NULL).
 * The handout and the clinician's export both ask here.  Returns how many. */
int km_drawing_red_flags(const km_atlas *a, const int *areas, int na, const km_drawing_summary *sum, int *out,
                         int max);

/* The drawing's candidate muscles, ranked as the Mark pain list shows them:
 * samples on the grid above (a cell per painted cell, weight 1) and a disc
 * of samples round each pin (radius 30, weight intensity / 10, 0.05 for a
 * 0), looked up together (km_lookup_samples), then ordered main zone
 * first, then by the coverage shown (whole percent), then by score, then
 * muscle and side.  So the order never contradicts the percentages.  Clears
 * out first; nothing drawn ranks nothing.  False on allocation failure. */
bool km_drawing_rank(const km_atlas *a, const km_stroke *strokes, int ns, const km_pin *pins, int np,
                     km_candidates *out);

/* The summary as the JSON object written into a marks file ("summary") and
 * printed by `knotmap summary --json`; shares rounded to 4 decimals.  A new
 * reference (json_t *), or NULL when out of memory. */
struct json_t;
struct json_t *km_drawing_summary_json(const km_atlas *a, const km_drawing_summary *s);

#endif
