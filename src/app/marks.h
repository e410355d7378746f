/*
 * marks.h - the patient's pain marks: freehand strokes (paint or eraser) and
 * pins with an intensity, with undo/redo, and their small JSON file.
 *
 * km_mark_history owns every stroke and pin ever made since the last reset,
 * in order, plus a list of snapshots (one per action).  A snapshot is just
 * four indices, so the visible marks are always a contiguous run of each
 * array, which the scene borrows without copying: undo and redo move
 * between snapshots, a new action drops the redo tail, "clear all" is an
 * action too (so it can be undone).
 *
 * The marks file ("knotmap-marks", version 1) also carries the selected
 * muscles, so `knotmap export --marks FILE` reproduces what was on screen:
 *   {"format": "knotmap-marks", "version": 1, "data_version": "...",
 *    "selected": [{"muscle": "upper_trapezius", "side": "left"}],
 *    "strokes": [{"view": "back", "radius": 14, "erase": false,
 *                 "points": [[x, y], ...]}],
 *    "pins": [{"view": "front", "at": [x, y], "intensity": 7}]}
 * Coordinates are view units; views and muscles are named by id.
 */
#ifndef KM_MARKS_H
#define KM_MARKS_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/atlas.h"
#include "../core/diag.h"
#include "../core/scene.h"

#define KM_MARKS_MAX_STROKES 2000
#define KM_MARKS_MAX_POINTS 8000 /* per stroke */
#define KM_MARKS_MAX_PINS 500
/* Limits that keep any accepted marks file under 1 s and 200 MB to load and
 * export (docs/data-format.md names them). */
#define KM_MARKS_MAX_TOTAL_POINTS 30000 /* points in all strokes together (a minute of drawing is ~4000) */
#define KM_MARKS_MAX_RADIUS 100.0        /* brush radius, view units */
#define KM_MARKS_MAX_FILE_BYTES (8u << 20)

/* Which part of the history arrays is visible after one action. */
typedef struct km_mark_snapshot {
    int s_base, s_end; /* strokes[s_base, s_end) */
    int p_base, p_end; /* pins[p_base, p_end) */
} km_mark_snapshot;

typedef struct km_mark_history {
    km_stroke *strokes; /* owned, each owns its pts */
    int stroke_total, stroke_cap;
    km_pin *pins; /* owned */
    int pin_total, pin_cap;
    km_mark_snapshot *snaps; /* owned; snaps[i] is the state after action i */
    int applied;             /* actions in effect (undo moves this down) */
    int snap_total, snap_cap;
    bool drawing; /* the last stroke is still being drawn */
    long point_total; /* points in all strokes held (KM_MARKS_MAX_TOTAL_POINTS) */
} km_mark_history;

void km_history_init(km_mark_history *h);
void km_history_release(km_mark_history *h);
void km_history_reset(km_mark_history *h); /* forget everything */

km_mark_snapshot km_history_now(const km_mark_history *h);
const km_stroke *km_history_strokes(const km_mark_history *h, int *count);
const km_pin *km_history_pins(const km_mark_history *h, int *count);

/* Start a stroke at p; false when full or out of memory. */
bool km_history_stroke_begin(km_mark_history *h, int view, float radius, bool erase, km_vec2 p);
/* Add a point to the stroke being drawn (ignored when none). */
bool km_history_stroke_add(km_mark_history *h, km_vec2 p);
void km_history_stroke_end(km_mark_history *h);
/* Drop the stroke being drawn (a second finger turned it into a pinch). */
void km_history_stroke_cancel(km_mark_history *h);
bool km_history_pin(km_mark_history *h, int view, km_vec2 at, int intensity);
/* Change the intensity of visible pin i (0..10), or remove it (intensity
 * -1), as one undoable action; false when i is no visible pin or the
 * history is full. */
bool km_history_pin_edit(km_mark_history *h, int i, int intensity);
/* Hide every visible mark, as one undoable action; false if nothing shown. */
bool km_history_clear(km_mark_history *h);
bool km_history_undo(km_mark_history *h);
bool km_history_redo(km_mark_history *h);
bool km_history_can_undo(const km_mark_history *h);
bool km_history_can_redo(const km_mark_history *h);

/* A marks file's content, owned. */
typedef struct km_marks {
    km_stroke *strokes; /* each owns pts */
    int stroke_count;
    km_pin *pins;
    int pin_count;
    km_scene_sel sel[KM_SCENE_MAX_SELECTED];
    int sel_count;
} km_marks;

void km_marks_init(km_marks *m);
void km_marks_release(km_marks *m);
/* Read and check a marks file against the atlas.  Returns 0, or -1 with
 * every problem in d (file and JSON pointer named). */
int km_marks_load(const char *path, const km_atlas *a, km_marks *m, km_diag *d);
int km_marks_load_buffer(const char *name, const char *buf, size_t len, const km_atlas *a, km_marks *m,
                         km_diag *d);
/* Write marks and selection to path, replacing it (written unnamed in its
 * folder, then renamed into place; a symlink at path is replaced, not followed).
 * Returns 0, or -1 with "PATH: reason" in err. */
int km_marks_save(const char *path, const km_atlas *a, const km_stroke *strokes, int ns, const km_pin *pins,
                  int np, const km_scene_sel *sel, int nsel, char *err, size_t errlen);
/* The marks to save, borrowed. */
typedef struct km_marks_view {
    const km_stroke *strokes;
    int ns;
    const km_pin *pins;
    int np;
    const km_scene_sel *sel;
    int nsel;
} km_marks_view;

/* Save into a new file "knotmap-marks-YYYYmmdd-HHMMSS[-N].json" in dir,
 * never overwriting or following a symlink; mode 0 = 0600.  The path goes
 * to path_out.  Returns 0, or -1 with "PATH: reason" in err. */
int km_marks_save_new(const char *dir, unsigned mode, const km_atlas *a, const km_marks_view *v, char *path_out,
                      size_t pathlen, char *err, size_t errlen);
/* Replace the history with the marks (each mark one undoable action). */
bool km_history_load(km_mark_history *h, const km_marks *m);

#endif
