/*
 * reach.h - what a finger may have meant: the muscles within a finger's
 * radius of a tap, nearest first.
 *
 * A fingertip covers about 48 px; the median muscle on a 1080p screen is
 * about 10 px wide, so "the shape under the exact pixel" misses or picks a
 * neighbour.  km_reach_find lists every muscle instance whose shape comes
 * within the radius, and km_reach_pick decides whether one of them is
 * plainly meant (see there) or a "Which one did you mean?"
 * choice is needed.
 */
#ifndef KM_REACH_H
#define KM_REACH_H

#include <stdbool.h>

#include "../core/atlas.h"

#define KM_REACH_MAX 5

typedef struct km_reach {
    int muscle;   /* index into atlas->muscles */
    km_side side;
    bool deep;    /* on the deep layer */
    bool inside;  /* the tap is inside its shape */
    float dist;   /* view units from the tap to the shape (0 inside) */
    float depth;  /* inside: view units from the tap to the shape's edge */
} km_reach;

/* Muscle instances on a view within radius (view units) of p, at most max,
 * in the order a patient means them: superficial before deep (unless
 * deep_only), then those containing the point, then nearest, then the
 * narrower shape.  Deep muscles only when include_deep. */
int km_reach_find(const km_atlas *a, int view, km_vec2 p, float radius, bool include_deep, bool deep_only,
                  km_reach *out, int max);

/* The index in r[0..n) a tap plainly means, or -1 when the patient should
 * choose (n == 0 also gives -1): the only muscle within reach, or the one
 * shape under the finger's centre unless the tap sits on its border with
 * another (both within a quarter radius).  Between shapes, or where
 * shapes overlap, the patient chooses. */
int km_reach_pick(const km_reach *r, int n, float radius);

#endif
