/*
 * lookup.h - "where does it hurt": which muscles refer pain to a point, to
 * a named area, or to a freehand drawing.
 *
 * Ranking (the contract the command line and the app share), one rule a
 * clinician can follow: muscles whose ESSENTIAL zone reaches the place come
 * first and spillover-only muscles after them (for an area or a drawing the
 * essential zone must cover at least 3% of it to count, so an edge that
 * grazes a broad area does not; a smaller essential overlap counts as
 * spillover); within each band, common and local muscles come before rare
 * and distant ones: the score is 0.4 x the muscle's frequency + 0.4 x its
 * locality + 0.2 x its coverage, so how common a muscle is and how near its
 * trigger points lie weigh twice what the fraction of the place its zones
 * cover does.  Locality is 1 when a trigger point of that muscle and side
 * lies within 5% of the view's height of the place (its weighted centre on
 * each view) and falls to 0 at 40% (a trigger point on another view of the
 * same size counts by its height, plus 10% of the height for lying on the
 * other face of the body); coverage is the essential coverage plus half the
 * spillover coverage (in the spillover band, all of it; 1 for a point).
 * Ties break by muscle id, then side (right before left), so results are
 * stable.  Scores lie in [0, 1]: essential ones in [0.5, 1], spillover ones
 * in [0, 0.45].  One entry per muscle and side.
 */
#ifndef KM_LOOKUP_H
#define KM_LOOKUP_H

#include "atlas.h"

typedef struct km_candidate {
    int muscle;        /* index into atlas->muscles */
    km_side side;
    km_zone_kind zone; /* best zone kind reaching the place */
    double score;      /* [0, 1] */
    double coverage;   /* fraction of the place covered (1 for a point) */
} km_candidate;

typedef struct km_candidates {
    km_candidate *items; /* owned */
    int count;
    int cap;
} km_candidates;

void km_candidates_init(km_candidates *c);
void km_candidates_release(km_candidates *c);

/* Candidates for a single point on a view.  Returns false only on
 * allocation failure.  Clears c first. */
bool km_lookup_point(const km_atlas *a, int view, km_vec2 p, km_candidates *c);
/* Candidates for an area instance (index into atlas->areas), scored by how
 * much of the area each zone covers.  On a close-up (detail) view an area
 * instance of one side counts only that side's zones. */
bool km_lookup_area(const km_atlas *a, int area, km_candidates *c);
/* The same for several area instances taken together (e.g. every view's
 * instance of "temple" on the patient's right). */
bool km_lookup_area_set(const km_atlas *a, const int *areas, int n, km_candidates *c);

/* Candidates for a weighted set of sample points on one or more views, such
 * as a rasterised pain drawing: each sample carries a weight (e.g. pin
 * intensity / 10).  Coverage is the weighted fraction of samples inside the
 * candidate's zones. */
typedef struct km_sample {
    int view;
    km_vec2 p;
    float weight;
} km_sample;
bool km_lookup_samples(const km_atlas *a, const km_sample *s, int n, km_candidates *c);

/* km_lookup_point for a point on a close-up (detail) view, where both
 * sides share the canvas: only the zones of `side` count (KM_SIDE_MIDLINE:
 * every side, as km_lookup_point). */
bool km_lookup_point_side(const km_atlas *a, int view, km_vec2 p, km_side side, km_candidates *c);

/* The narrowest area instance containing a point on a view, or -1. */
int km_lookup_area_at(const km_atlas *a, int view, km_vec2 p);
/* The same on a close-up showing one side: only that side's instances and
 * midline ones (KM_SIDE_MIDLINE: any, as km_lookup_area_at). */
int km_lookup_area_at_side(const km_atlas *a, int view, km_vec2 p, km_side side);
/* The topmost muscle instance (index into muscle->shapes via out params)
 * containing a point; deep muscles only if include_deep.  Returns the
 * muscle index or -1. */
int km_lookup_muscle_at(const km_atlas *a, int view, km_vec2 p, bool include_deep, km_side *side_out);

#endif
