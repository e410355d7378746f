/*
 * make.h - a handout made from what a chart shows: the one routine the
 * command line (`knotmap handout`) and the benchmark call, and the window's
 * "Save handout" / "Print handout" can call with the app's own scene and
 * ranking.  It picks the muscles (the selection, else the drawing's best
 * candidates), measures the drawing (core/drawing.c), and lays the
 * handout out (handout.c) with the chart drawn as vectors into its box
 * (src/vector).  No SDL here.
 */
#ifndef KM_HANDOUT_MAKE_H
#define KM_HANDOUT_MAKE_H

#include "handout.h"

/* Muscles explained when none is selected: the drawing's best few. */
#define KM_HANDOUT_TOP 3

typedef struct km_handout_request {
    const km_scene *scene;       /* selection, strokes, pins, areas (its title and footer are not used) */
    const km_candidates *ranked; /* the drawing's candidates, best first; NULL for none */
    const char *title, *notes;   /* NULL: "Your pain map", no notes */
    const char *date;            /* printed on every page */
    const char *clinic_name, *clinic_contact; /* NULL or "" for none */
    cairo_surface_t *clinic_logo;             /* NULL for none */
    cairo_surface_t *const *stretch_photos;   /* per stretch (atlas order), NULL entries or NULL for none */
    km_paper paper;
} km_handout_request;

/* The handout as PDF into out (owned by the caller).  Returns the number
 * of pages, or -1 with a reason in err. */
int km_handout_make(const km_handout_request *r, km_bytes *out, char *err, size_t errlen);

#endif
