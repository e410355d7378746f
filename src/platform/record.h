/*
 * record.h - input recording and replay: `knotmap --record FILE` writes
 * every input event (mouse buttons and motion, finger down/move/up with
 * their ids, wheel, keys) with its time; `knotmap --replay FILE` feeds a
 * recording back into SDL's own event queue at the same pace, so replayed
 * input goes through exactly the translation live input does
 * (app_main.c's translate).  Used for end-to-end tests of real touch
 * gestures under Xvfb, which has no touchscreen, and for bug reports.
 *
 * The file is text, one event a line, "MS KIND FIELDS", MS counted from
 * the first frame; "#" starts a comment:
 *   120 mousedown X Y BUTTON        window coordinates (logical pixels)
 *   135 mousemove X Y BUTTONS       BUTTONS: SDL's button mask
 *   150 mouseup X Y BUTTON
 *   160 wheel X Y DY                DY: notches, > 0 away from the user
 *   200 fingerdown ID X Y           X, Y: 0..1 of the window; ID: the finger
 *   216 fingermove ID X Y
 *   230 fingerup ID X Y
 *   300 key SYM MOD                 SDL key symbol and modifier mask (numbers)
 * A finger's up may be missing: a touchscreen that lost it.
 */
#ifndef KM_RECORD_H
#define KM_RECORD_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct km_recorder {
    FILE *f;     /* NULL: not recording */
    uint64_t t0; /* SDL ticks of the first frame */
} km_recorder;

/* Open FILE for writing (replaced); false with the reason in err. */
bool km_record_open(km_recorder *r, const char *path, uint64_t t0, char *err, size_t errlen);
/* Write one event if it is input; flushed, so a crash keeps it. */
void km_record_event(km_recorder *r, const SDL_Event *e, uint64_t now);
void km_record_close(km_recorder *r);

typedef struct km_replay_event {
    uint64_t t;
    SDL_Event e;
} km_replay_event;

typedef struct km_replay {
    km_replay_event *ev; /* owned */
    int n, next;
    uint64_t t0;
    uint32_t window; /* SDL window id the events are for */
    uint64_t late_ms; /* how late the last km_replay_push_due pushed its first event (a busy loop) */
} km_replay;

/* Read a recording; false with "FILE:LINE: reason" in err. */
bool km_replay_load(km_replay *rp, const char *path, char *err, size_t errlen);
/* Start the clock (t0: SDL ticks of the first frame) for window id. */
void km_replay_start(km_replay *rp, uint64_t t0, uint32_t window);
/* Push every event due by now into SDL's queue; milliseconds until the
 * next one, or -1 when the recording is over. */
int km_replay_push_due(km_replay *rp, uint64_t now);
void km_replay_free(km_replay *rp);

#endif
