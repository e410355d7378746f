/*
 * host.h - what the host does for the app: the app (src/app) only asks
 * (want_export, want_save_marks); these routines carry the requests out and
 * report back.  The window's loop, `knotmap export` and the tests all call
 * these, so there is one export path and one save path, and a test that
 * exercises them exercises the program's own code.
 */
#ifndef KM_HOST_H
#define KM_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "../app/app.h"
#include "../handout/make.h"
#include "export.h"
#include "text.h"

/* The line at the foot of every exported chart: program version, data
 * version, date and time. */
void km_host_footer(const km_atlas *a, char *out, size_t n);

/* "Clinic name · contact" for an export's footer (either may be NULL or
 * empty; "" for neither). */
void km_host_clinic_line(const char *name, const char *contact, char *out, size_t n);

/* Export a chart to path: the scene as given, with the atlas's title when
 * it has none and the footer above.  0, or -1 with "PATH: reason" in err
 * and no file left behind (km_export_png). */
int km_host_export_scene(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                         size_t errlen);

/* The app's export request: the chart it shows (no hover) as a new
 * timestamped PNG in its export folder, the outcome reported with
 * km_app_export_done.  o may be NULL (the default size).  Clears
 * want_export.  True if a file was written. */
bool km_host_export(km_app *app, km_font *font, const km_export_opts *o);

/* The app's save-marks request: its drawing, pins and selection as a new
 * timestamped marks file in its export folder, the outcome reported with
 * km_app_marks_saved.  Clears want_save_marks.  True if a file was written. */
bool km_host_save_marks(km_app *app);

/* A handout (km_handout_make) with today's date and the clinic's logo
 * read from clinic_logo (NULL or "" for none); req's date and logo are
 * filled in here.  0; -2 when the logo cannot be used ("clinic_logo:
 * PATH: reason" in err); -1 with the reason in err. */
int km_host_make_handout(km_handout_request *req, const char *clinic_logo, km_bytes *pdf, char *err, size_t errlen);

/* The app's handout request (want_handout): the handout of the chart it
 * shows (selection, drawing, the drawing's candidates, the clinic's
 * settings) saved as a new timestamped PDF in its export folder, or sent
 * to its printer (kiosk: kiosk_printer; else printer, else the system's
 * default) without waiting for the job; the outcome reported with
 * km_app_handout_done.  Clears want_handout.  True if done. */
bool km_host_handout(km_app *app);

/* The kiosk's hand-off request: the picture and the marks saved as
 * knotmap-handoff-CODE.png and .json in the export folder under a new
 * random code (never an existing one), reported with km_app_handoff_done.
 * Clears want_handoff.  True if both files were written. */
bool km_host_handoff(km_app *app, km_font *font);

/* Open the drawing saved under a hand-off code (`knotmap run --code`, as
 * typed: "k7p-4qx" is fine): in Mark pain with its candidates, or, when the
 * patient only tapped in Where, in Explore with the muscles shown then.  A code that is not one, or
 * that has no drawing in the export folder, says so in the status line.
 * True if opened. */
bool km_host_open_code(km_app *app, const char *typed);

/* The hand-offs waiting in the app's export folder, newest first, into
 * app->inbox (at most KM_HANDOFF_INBOX).  Clears want_inbox. */
void km_host_list_handoffs(km_app *app);


/* Read a marks file into the app (`knotmap run --marks FILE`); a problem
 * goes to the status line, naming the file and the place.  True if opened. */
bool km_host_load_marks(km_app *app, const char *path);

/* ---- the window's worker: the slow requests off the input thread ---- */

/* One background job at a time (export, hand-off, handout), each from a
 * copy of what it needs taken from the app when it starts, so the app
 * goes on taking input; the outcome comes back as a KM_IN_TASK_DONE
 * input. */
typedef struct km_host_worker km_host_worker;
/* Called on the worker's thread when a job has finished (the window
 * pushes an SDL event so its loop wakes up). */
typedef void (*km_host_wake_fn)(void *ctx);

/* A worker that draws with its own handle on font's file (NULL: no
 * words, as in the tests).  NULL when out of memory. */
km_host_worker *km_host_worker_create(km_font *font, km_host_wake_fn wake, void *ctx);
/* Waits for a running job first (quitting leaves nothing half-done). */
void km_host_worker_free(km_host_worker *w);
/* A job is running or its outcome has not been collected. */
bool km_host_worker_busy(const km_host_worker *w);
/* The finished job's outcome as the app's input (text lent until the next
 * job starts); false while it runs or when there is none. */
bool km_host_worker_result(km_host_worker *w, km_input *in);
/* Block until the running job has finished (none: returns at once). */
void km_host_worker_wait(km_host_worker *w);
/* Tests: a job held waits before it starts, until released. */
void km_host_worker_hold(km_host_worker *w, bool hold);
/* km_host_serve, with export, hand-off and handout given to w (when it
 * is free; else they wait, still asked for) instead of done at once. */
void km_host_serve_background(km_app *app, km_font *font, km_host_worker *w);

/* What the host does once the app is set up: the PIN lockout kept across
 * restarts is read back. */
void km_host_start(km_app *app);
/* Whatever the app asked for (export, save marks, handout, keep the PIN
 * lockout, the retention sweep), one after the other. */
void km_host_serve(km_app *app, km_font *font);

#endif
