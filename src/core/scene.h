/*
 * scene.h - what to draw: the read-only description the renderer takes.
 *
 * The renderer never reads the application state directly; the app (or the
 * command line's export) fills a km_scene and hands it over.  So the window,
 * the export button and `knotmap export` draw the same picture from the
 * same description.  Platform-free.
 */
#ifndef KM_SCENE_H
#define KM_SCENE_H

#include <stdbool.h>
#include <stdint.h>

#include "atlas.h"

#define KM_SCENE_MAX_SELECTED 8 /* muscles compared at once */
#define KM_SCENE_MAX_AREAS 64

/* A selected muscle instance; colour slot picks its highlight colour from
 * the renderer's palette, so each compared muscle has its own. */
typedef struct km_scene_sel {
    int muscle;
    km_side side;
    int color; /* palette slot 0..KM_SCENE_MAX_SELECTED-1 */
} km_scene_sel;

/* Freehand pain drawing and pins (issue: mark pain).  Strokes are stored
 * as polylines in view units with a brush radius. */
typedef struct km_stroke {
    int view;
    float radius;  /* view units */
    bool erase;    /* eraser stroke: removes paint under it */
    km_vec2 *pts;  /* owned by whoever owns the scene's marks */
    int count;
} km_stroke;

typedef struct km_pin {
    int view;
    km_vec2 at;
    int intensity; /* 0..10 */
} km_pin;

/* Per-view zoom and pan: view point (x, y) is shown at the fitted
 * position scaled by zoom around the view's centre plus pan (view units). */
typedef struct km_view_xform {
    float zoom; /* 1 = fitted */
    float pan_x, pan_y;
} km_view_xform;

typedef struct km_scene {
    const km_atlas *atlas;
    int view; /* index of the single view to draw, or -1 for all side by side */
    km_scene_sel sel[KM_SCENE_MAX_SELECTED];
    int sel_count;
    int areas[KM_SCENE_MAX_AREAS]; /* area instances shaded as the patient's pain */
    int area_count;
    const km_stroke *strokes; /* borrowed */
    int stroke_count;
    const km_pin *pins; /* borrowed */
    int pin_count;
    bool show_deep;      /* draw the deep layer outlines too */
    int hover_muscle;    /* -1 for none */
    km_side hover_side;
    const km_view_xform *xforms; /* per view, NULL for all fitted */
    const char *title;   /* NULL for none */
    const char *notes;  /* a notes line typed by the clinician; NULL for none */
    const char *footer;  /* NULL for none (date, data version ...) */
    const char *clinic;  /* the clinic's name and contact, put before an export's footer; NULL for none */
    bool legend;         /* draw the legend */
    /* The window: room kept for this many key entries even while fewer
     * are shown, so the first muscle selected (or drawn) does not shrink
     * and move the figures under the finger.  0: room for what is shown. */
    int legend_reserve;
    /* The same for close-ups: cells kept for this many (empty while none
     * is shown), so one opening does not move the figures either. */
    int detail_reserve;
    /* Close-up ("detail") views: with view == -1 a close-up is drawn only
     * when the scene puts something on it (km_scene_view_carries) or its
     * bit is set here (the app opened it: a tap on the head, a hand, a
     * foot).  Bit i is atlas view i. */
    uint32_t open_details;
    km_side detail_side; /* the side close-ups show when nothing on them decides; MIDLINE = right */
    bool marks_on_top;   /* the patient's pain marks over the zones, not under them (the handout) */
} km_scene;

/* A scene with nothing selected: all views, legend on. */
void km_scene_init(km_scene *s, const km_atlas *a);

/* Does the scene put anything on this view: a selected muscle's shape,
 * trigger point or zone (for its side), a pain area, a stroke or a pin? */
bool km_scene_view_carries(const km_scene *s, int view);
/* Is the view drawn when the scene shows all views: every body view, and
 * the close-ups that carry something or were opened. */
bool km_scene_view_shown(const km_scene *s, int view);
/* The side a close-up shows: the first selected bilateral muscle on it,
 * else the first pain area on it with a side, else detail_side (right when
 * MIDLINE).  A close-up shows one side at a time: its left is its picture
 * mirrored, where the loader put the left instances.  MIDLINE for a body
 * view (it shows both). */
km_side km_scene_view_side(const km_scene *s, int view);

#endif
