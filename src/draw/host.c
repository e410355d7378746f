/*
 * host.c - the app's requests carried out (see host.h).  The app stays
 * state only: the clock, the file system and the PNG writer are here.
 */
#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <cairo.h>

#include "../app/marks.h"
#include "../app/pinlock.h"
#include "../app/retention.h"
#include "../core/check.h"
#include "../handout/make.h"
#include "../handout/print.h"
#include "image.h"

#ifndef KM_VERSION
#define KM_VERSION "dev"
#endif

void km_host_footer(const km_atlas *a, char *out, size_t n)
{
    char date[32];
    time_t now = time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tmv);
    snprintf(out, n, "knotmap %s  \xC2\xB7  data %s  \xC2\xB7  %s", KM_VERSION,
             a && a->data_version ? a->data_version : "?", date);
}

void km_host_clinic_line(const char *name, const char *contact, char *out, size_t n)
{
    name = name ? name : "";
    contact = contact ? contact : "";
    snprintf(out, n, "%s%s%s", name, name[0] && contact[0] ? "  \xC2\xB7  " : "", contact);
}

/* The scene as an export shows it: the atlas's title unless one is given,
 * and the footer (version, data version, date) in footer's storage. */
static km_scene export_scene(const km_scene *s, char *footer, size_t n)
{
    KM_ASSERT(s && s->atlas);
    km_scene sc = *s;
    char line[1024];
    km_host_footer(s->atlas, footer, n);
    /* The clinic's own name first, when it has one. */
    snprintf(line, sizeof line, "%s%s%s", s->clinic && *s->clinic ? s->clinic : "",
             s->clinic && *s->clinic ? "  \xC2\xB7  " : "", footer);
    snprintf(footer, n, "%s", line);
    if (!sc.title)
        sc.title = s->atlas->title;
    sc.footer = footer;
    return sc;
}

int km_host_export_scene(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                         size_t errlen)
{
    char footer[1024];
    km_scene sc = export_scene(s, footer, sizeof footer);
    return km_export_file(&sc, font, path, o, err, errlen);
}

/* ---- the slow requests: a snapshot, then the work -----------------------
 *
 * Export, hand-off and handout are the requests that take a while (the
 * picture drawn and written, fsync included; the handout laid out).  Each
 * is done in two steps: job_take copies from the app what it needs (the
 * scene with its strokes, pins and zoom, the settings, the title and
 * notes, the drawing's ranking) on the thread that owns the app, and
 * job_run does the work from that copy alone, with a font of its own, so
 * it may run on another thread while the app goes on (km_host_worker, for
 * the window) or at once (km_host_export and friends, for the command line
 * and the tests): the same code either way.  Only the atlas is borrowed:
 * the window keeps it (no reload) while a job runs.
 */

typedef struct km_host_job {
    km_task task;
    int handout_what;      /* KM_HANDOUT_SAVE or _PRINT */
    km_scene scene;        /* its borrowed parts point into the copies below */
    km_stroke *strokes;    /* owned, their points in pts */
    km_vec2 *pts;
    km_pin *pins;
    km_view_xform xf[KM_APP_MAX_VIEWS];
    km_scene_sel marks_sel[KM_SCENE_MAX_SELECTED]; /* hand-off: what the patient looked at */
    int marks_nsel;
    km_candidates ranked;  /* handout: the drawing's candidates */
    bool has_ranked;
    km_app_settings set;
    km_export_opts eo;
    char title[KM_APP_FIELD_MAX], notes[KM_APP_FIELD_MAX];
    char clinic[2 * KM_TEXT_SETTING_MAX + 8];
    char footer[1024];
    bool ok;                         /* the outcome ... */
    char msg[KM_PATH_MAX + 320];     /* ... the path, code or job, or the reason */
} km_host_job;

static void job_free(km_host_job *j)
{
    if (!j)
        return;
    free(j->strokes);
    free(j->pts);
    free(j->pins);
    km_candidates_release(&j->ranked);
    free(j);
}

/* What the request needs, copied from the app (every pointer the scene
 * borrows from it included: the job must not read the app again).  NULL
 * when out of memory. */
static km_host_job *job_take(const km_app *app, km_task task, int handout_what, const km_export_opts *o)
{
    km_host_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    km_candidates_init(&j->ranked);
    j->task = task;
    j->handout_what = handout_what;
    j->set = app->set;
    j->eo = o ? *o : (km_export_opts){0};
    if (!j->eo.mode)
        j->eo.mode = app->set.export_mode;
    km_scene *s = &j->scene;
    km_app_export_scene(app, s); /* hover left out, the title and notes typed */
    size_t npts = 0, nst = s->stroke_count > 0 ? (size_t)s->stroke_count : 0;
    size_t npin = s->pin_count > 0 ? (size_t)s->pin_count : 0;
    for (size_t i = 0; i < nst; i++)
        npts += s->strokes[i].count > 0 ? (size_t)s->strokes[i].count : 0;
    j->strokes = nst ? calloc(nst, sizeof *j->strokes) : NULL;
    j->pts = npts ? calloc(npts, sizeof *j->pts) : NULL;
    j->pins = npin ? calloc(npin, sizeof *j->pins) : NULL;
    if ((nst && !j->strokes) || (npts && !j->pts) || (npin && !j->pins)) {
        job_free(j);
        return NULL;
    }
    km_vec2 *p = j->pts;
    for (int i = 0; i < s->stroke_count; i++) {
        j->strokes[i] = s->strokes[i];
        if (s->strokes[i].count > 0)
            memcpy(p, s->strokes[i].pts, (size_t)s->strokes[i].count * sizeof *p);
        else
            j->strokes[i].count = 0;
        j->strokes[i].pts = p;
        p += j->strokes[i].count;
    }
    if (npin)
        memcpy(j->pins, s->pins, npin * sizeof *j->pins);
    s->strokes = j->strokes;
    s->pins = j->pins;
    if (s->xforms) {
        memcpy(j->xf, s->xforms, sizeof j->xf);
        s->xforms = j->xf;
    }
    /* The title and notes typed in the window (health data: held here
     * only while the job runs). */
    snprintf(j->title, sizeof j->title, "%s", s->title ? s->title : "");
    snprintf(j->notes, sizeof j->notes, "%s", s->notes ? s->notes : "");
    s->title = j->title[0] ? j->title : NULL;
    s->notes = j->notes[0] ? j->notes : NULL;
    s->footer = NULL;
    s->clinic = NULL;
    if (task == KM_TASK_EXPORT) {
        km_host_clinic_line(app->set.clinic_name, app->set.clinic_contact, j->clinic, sizeof j->clinic);
        s->clinic = j->clinic;
    }
    /* What the patient looked at goes with a hand-off's drawing: the
     * selection, or after a tap in "Where does it hurt?" the muscles shown
     * for it. */
    const km_scene_sel *sel = app->sel;
    int nsel = app->sel_count;
    if (nsel == 0 && app->where_set)
        sel = app->where_shown.s, nsel = app->where_shown.n;
    j->marks_nsel = nsel < KM_SCENE_MAX_SELECTED ? nsel : KM_SCENE_MAX_SELECTED;
    memcpy(j->marks_sel, sel, (size_t)j->marks_nsel * sizeof *sel);
    if (task == KM_TASK_HANDOUT && (s->stroke_count > 0 || s->pin_count > 0)) {
        if (app->drawn.count > 0) {
            j->ranked.items = malloc((size_t)app->drawn.count * sizeof *j->ranked.items);
            if (!j->ranked.items) {
                job_free(j);
                return NULL;
            }
            memcpy(j->ranked.items, app->drawn.items, (size_t)app->drawn.count * sizeof *j->ranked.items);
            j->ranked.count = j->ranked.cap = app->drawn.count;
        }
        j->has_ranked = true;
    }
    return j;
}

static void job_export(km_host_job *j, km_font *font)
{
    km_scene sc = export_scene(&j->scene, j->footer, sizeof j->footer);
    char path[KM_PATH_MAX + 64];
    /* a new name claimed when the picture is complete (core/fileio.h) */
    j->ok = km_export_png_new(&sc, font, j->set.export_dir, &j->eo, path, sizeof path, j->msg, sizeof j->msg) == 0;
    if (j->ok)
        snprintf(j->msg, sizeof j->msg, "%s", path);
}

static bool new_code(const char *dir, char code[KM_HANDOFF_LEN + 1]);

static void job_handoff(km_host_job *j, km_font *font)
{
    char code[KM_HANDOFF_LEN + 1], name[64], png[KM_PATH_MAX + 64], json[KM_PATH_MAX + 64];
    if (!new_code(j->set.export_dir, code)) {
        snprintf(j->msg, sizeof j->msg, "no free code in export_dir (or it cannot be read)");
        return;
    }
    km_handoff_name(code, "png", name, sizeof name);
    snprintf(png, sizeof png, "%s/%s", j->set.export_dir, name);
    km_handoff_name(code, "json", name, sizeof name);
    snprintf(json, sizeof json, "%s/%s", j->set.export_dir, name);
    km_scene sc = export_scene(&j->scene, j->footer, sizeof j->footer);
    /* the picture first: its name is claimed without replacing anything */
    if (km_export_png(&sc, font, png, &j->eo, j->msg, sizeof j->msg) != 0)
        return;
    if (km_marks_save(json, sc.atlas, j->scene.strokes, j->scene.stroke_count, j->scene.pins, j->scene.pin_count,
                      j->marks_sel, j->marks_nsel, j->msg, sizeof j->msg) != 0) {
        remove(png); /* half a hand-off is no hand-off */
        return;
    }
    j->ok = true;
    snprintf(j->msg, sizeof j->msg, "%s", code);
}

static void job_handout(km_host_job *j)
{
    km_handout_request req = {.scene = &j->scene, .ranked = j->has_ranked ? &j->ranked : NULL,
                              .title = j->scene.title, .notes = j->scene.notes,
                              .clinic_name = j->set.clinic_name, .clinic_contact = j->set.clinic_contact,
                              .paper = KM_PAPER_A4};
    km_bytes pdf = {0};
    char path[KM_PATH_MAX + 64];
    if (km_host_make_handout(&req, j->set.clinic_logo, &pdf, j->msg, sizeof j->msg) != 0) {
        km_bytes_release(&pdf);
        return;
    }
    if (j->handout_what == KM_HANDOUT_PRINT) {
        const char *printer = j->set.kiosk ? j->set.kiosk_printer : j->set.printer;
        int job = km_print_pdf(printer[0] ? printer : NULL, "knotmap handout", pdf.data, pdf.len, j->msg,
                               sizeof j->msg);
        if ((j->ok = job > 0))
            snprintf(j->msg, sizeof j->msg, "sent to %s (job %d)", printer[0] ? printer : "the default printer", job);
    } else {
        /* a new name claimed when the file is complete (core/fileio.h) */
        j->ok = km_export_bytes_new(j->set.export_dir, "knotmap-handout", "pdf", pdf.data, pdf.len,
                                    j->set.export_mode, "PDF", path, sizeof path, j->msg, sizeof j->msg) == 0;
        if (j->ok)
            snprintf(j->msg, sizeof j->msg, "saved to %s", path);
    }
    km_bytes_release(&pdf);
}

/* The work, from the copy alone (any thread). */
static void job_run(km_host_job *j, km_font *font)
{
    j->ok = false;
    j->msg[0] = '\0';
    switch (j->task) {
    case KM_TASK_EXPORT: job_export(j, font); break;
    case KM_TASK_HANDOFF: job_handoff(j, font); break;
    case KM_TASK_HANDOUT: job_handout(j); break;
    default: snprintf(j->msg, sizeof j->msg, "nothing to do"); break;
    }
}

/* The outcome as the app's own input (KM_IN_TASK_DONE); text borrowed from j. */
static void job_input(const km_host_job *j, km_task task, km_input *in)
{
    memset(in, 0, sizeof *in);
    in->kind = KM_IN_TASK_DONE;
    in->task = task;
    in->ok = j && j->ok;
    in->text = j ? j->msg : "out of memory";
}

/* A slow request done at once: taken, run, reported. */
static bool serve_now(km_app *app, km_font *font, km_task task, int handout_what, const km_export_opts *o)
{
    km_host_job *j = job_take(app, task, handout_what, o);
    if (j)
        job_run(j, font);
    km_input in;
    job_input(j, task, &in);
    in.time_ms = app->now_ms;
    app->task = task; /* the report goes through the app's input, as from the worker */
    km_app_input(app, &in);
    bool ok = in.ok;
    job_free(j);
    return ok;
}

bool km_host_export(km_app *app, km_font *font, const km_export_opts *o)
{
    KM_ASSERT(app);
    app->want_export = false;
    if (!app->atlas) {
        km_app_export_done(app, false, "no atlas is loaded");
        return false;
    }
    return serve_now(app, font, KM_TASK_EXPORT, 0, o);
}

bool km_host_save_marks(km_app *app)
{
    KM_ASSERT(app);
    app->want_save_marks = false;
    char path[KM_PATH_MAX + 64], err[KM_PATH_MAX + 256];
    if (!app->atlas) {
        km_app_marks_saved(app, false, "no atlas is loaded");
        return false;
    }
    int ns, np;
    const km_stroke *st = km_history_strokes(&app->marks, &ns);
    const km_pin *pins = km_history_pins(&app->marks, &np);
    km_marks_view v = {st, ns, pins, np, app->sel, app->sel_count};
    /* a new unique name, never an existing file or a symlink (fileio.h) */
    bool ok = km_marks_save_new(app->set.export_dir, app->set.export_mode, app->atlas, &v, path, sizeof path, err,
                                sizeof err) == 0;
    km_app_marks_saved(app, ok, ok ? path : err);
    return ok;
}

/* The stretches' photos (the clinic's own, "photo" in the data file) as
 * cairo surfaces, one slot per stretch (NULL: none, or a picture that
 * cannot be read: `knotmap check` names those; a handout goes without). */
typedef struct photos {
    km_image *img;
    cairo_surface_t **surf;
} photos;

static void photos_load(photos *ph, const km_atlas *a)
{
    ph->img = km_image_load_photos(a);
    ph->surf = ph->img ? calloc((size_t)a->stretch_count, sizeof *ph->surf) : NULL;
    for (int i = 0; ph->surf && i < a->stretch_count; i++)
        if (ph->img[i].px)
            ph->surf[i] = cairo_image_surface_create_for_data((unsigned char *)ph->img[i].px, CAIRO_FORMAT_ARGB32,
                                                              ph->img[i].w, ph->img[i].h, ph->img[i].w * 4);
}

static void photos_release(photos *ph, const km_atlas *a)
{
    for (int i = 0; ph->surf && i < a->stretch_count; i++)
        if (ph->surf[i])
            cairo_surface_destroy(ph->surf[i]);
    free(ph->surf);
    km_image_free_photos(ph->img, a->stretch_count);
}

int km_host_make_handout(km_handout_request *req, const char *clinic_logo, km_bytes *pdf, char *err, size_t errlen)
{
    km_image logo = {0};
    cairo_surface_t *surf = NULL;
    if (clinic_logo && clinic_logo[0]) {
        char why[KM_PATH_MAX + 128];
        if (km_image_load(clinic_logo, &logo, why, sizeof why) != 0) {
            snprintf(err, errlen, "clinic_logo: %s", why);
            return -2;
        }
        surf = cairo_image_surface_create_for_data((unsigned char *)logo.px, CAIRO_FORMAT_ARGB32, logo.w, logo.h,
                                                   logo.w * 4);
    }
    const km_atlas *a = req->scene->atlas;
    photos ph = {0};
    photos_load(&ph, a);
    char date[32];
    time_t now = time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(date, sizeof date, "%Y-%m-%d", &tmv);
    req->date = date;
    req->clinic_logo = surf;
    req->stretch_photos = ph.surf;
    int pages = km_handout_make(req, pdf, err, errlen);
    req->date = NULL;
    req->clinic_logo = NULL;
    req->stretch_photos = NULL;
    photos_release(&ph, a);
    if (surf)
        cairo_surface_destroy(surf);
    km_image_release(&logo);
    return pages > 0 ? 0 : -1;
}

bool km_host_handout(km_app *app)
{
    KM_ASSERT(app);
    int what = app->want_handout;
    app->want_handout = KM_HANDOUT_NONE;
    if (!app->atlas) {
        km_app_handout_done(app, false, "no atlas is loaded");
        return false;
    }
    return serve_now(app, NULL, KM_TASK_HANDOUT, what, NULL);
}

/* A fresh code whose files do not exist yet; false if none was found. */
static bool new_code(const char *dir, char code[KM_HANDOFF_LEN + 1])
{
    for (int attempt = 0; attempt < 16; attempt++) {
        uint8_t rnd[KM_HANDOFF_LEN];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
            for (int i = 0; i < KM_HANDOFF_LEN; i++) /* no getrandom: the clock, still unique enough */
                rnd[i] = (uint8_t)((unsigned long)time(NULL) >> (i * 5)) ^ (uint8_t)(attempt * 37 + i);
        km_handoff_code(rnd, code);
        char name[64], path[KM_PATH_MAX + 64];
        struct stat st;
        bool taken = false;
        for (int k = 0; k < 2 && !taken; k++) {
            km_handoff_name(code, k ? "json" : "png", name, sizeof name);
            snprintf(path, sizeof path, "%s/%s", dir, name);
            taken = lstat(path, &st) == 0 || errno != ENOENT;
        }
        if (!taken)
            return true;
    }
    return false;
}

bool km_host_handoff(km_app *app, km_font *font)
{
    KM_ASSERT(app);
    app->want_handoff = false;
    if (!app->atlas) {
        km_app_handoff_done(app, false, "no atlas is loaded");
        return false;
    }
    return serve_now(app, font, KM_TASK_HANDOFF, 0, NULL);
}

bool km_host_open_code(km_app *app, const char *typed)
{
    KM_ASSERT(app && typed);
    char code[KM_HANDOFF_LEN + 1], name[64], path[KM_PATH_MAX + 64];
    if (!km_handoff_parse(typed, code)) {
        km_app_log(app, KM_LOG_WARN, "handoff-open-failed reason=not-a-code");
        km_app_status(app, true, "\"%s\" is not a patient code. A code has 6 letters and digits, like K7P-4QX.",
                      typed);
        return false;
    }
    char shown[KM_HANDOFF_LEN + 2];
    km_handoff_show(code, shown);
    km_handoff_name(code, "json", name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", app->set.export_dir, name);
    struct stat st;
    if (stat(path, &st) != 0) {
        km_app_log(app, KM_LOG_WARN, "handoff-open-failed code=%s reason=no-such-code", code);
        km_app_status(app, true, "There is no patient drawing with the code %s in %s. Check the code with the "
                      "patient.", shown, app->set.export_dir);
        return false;
    }
    if (!km_host_load_marks(app, path)) /* in Mark pain with a drawing, else Explore with the muscles */
        return false;
    km_app_log(app, KM_LOG_INFO, "handoff-open code=%s", code);
    km_app_status(app, false, "Patient drawing %s opened.", shown);
    return true;
}

void km_host_list_handoffs(km_app *app)
{
    KM_ASSERT(app);
    app->want_inbox = false;
    app->inbox_count = 0;
    time_t mt[KM_HANDOFF_INBOX];
    DIR *d = opendir(app->set.export_dir);
    if (!d) {
        km_app_log(app, KM_LOG_WARN, "handoff-list-failed reason=cannot-read-export_dir path=%s", app->set.export_dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char code[KM_HANDOFF_LEN + 1], name[64], path[KM_PATH_MAX + 64];
        if (strncmp(e->d_name, "knotmap-handoff-", 16) != 0 || strlen(e->d_name) != 16 + KM_HANDOFF_LEN + 5 ||
            strcmp(e->d_name + 16 + KM_HANDOFF_LEN, ".json") != 0)
            continue;
        snprintf(name, sizeof name, "%.*s", KM_HANDOFF_LEN, e->d_name + 16);
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", app->set.export_dir, e->d_name);
        if (!km_handoff_parse(name, code) || stat(path, &st) != 0)
            continue;
        /* insert by modification time, newest first */
        int at = app->inbox_count;
        while (at > 0 && mt[at - 1] < st.st_mtime)
            at--;
        if (at >= KM_HANDOFF_INBOX)
            continue;
        int n = app->inbox_count < KM_HANDOFF_INBOX ? app->inbox_count + 1 : KM_HANDOFF_INBOX;
        for (int j = n - 1; j > at; j--)
            app->inbox[j] = app->inbox[j - 1], mt[j] = mt[j - 1];
        struct tm tmv;
        localtime_r(&st.st_mtime, &tmv);
        snprintf(app->inbox[at].code, sizeof app->inbox[at].code, "%s", code);
        strftime(app->inbox[at].when, sizeof app->inbox[at].when, "%Y-%m-%d %H:%M", &tmv);
        mt[at] = st.st_mtime;
        app->inbox_count = n;
    }
    closedir(d);
    app->layout_dirty = true;
}

bool km_host_load_marks(km_app *app, const char *path)
{
    KM_ASSERT(app && path);
    if (!app->atlas)
        return false;
    km_marks m;
    km_diag d;
    km_diag_init(&d);
    bool ok = km_marks_load(path, app->atlas, &m, &d) == 0;
    if (ok)
        ok = km_app_open_marks(app, &m, path);
    else
        km_app_status(app, true, "%s", d.count ? d.items[0].text : "could not load the marks");
    km_marks_release(&m);
    km_diag_release(&d);
    return ok;
}

void km_host_start(km_app *app)
{
    KM_ASSERT(app);
    if (app->set.pin_state_file[0])
        km_pinlock_load(&app->pinlock, app->set.pin_state_file, app->now_ms, (int64_t)time(NULL));
}

/* The PIN lockout into its state file, so a restart does not reset it. */
static void save_pinlock(km_app *app)
{
    app->want_save_pinlock = false;
    char err[KM_PATH_MAX + 128];
    if (km_pinlock_save(&app->pinlock, app->set.pin_state_file, app->now_ms, (int64_t)time(NULL), err, sizeof err) !=
        0)
        km_app_log(app, KM_LOG_WARN, "pinlock-save-failed reason=%s", err);
}

/* export_retention_days: knotmap's own older files out of the export folder. */
static void sweep(km_app *app)
{
    app->want_sweep = false;
    int n = km_retention_sweep(app->set.export_dir, app->set.retention_days, time(NULL));
    if (n < 0)
        km_app_log(app, KM_LOG_WARN, "retention-failed reason=cannot-read-export_dir path=%s", app->set.export_dir);
    else if (n > 0)
        km_app_log(app, KM_LOG_INFO, "retention deleted=%d days=%d", n, app->set.retention_days);
}

/* ---- the window's worker -------------------------------------------------
 *
 * One job at a time on an SDL thread, so the window's loop goes on
 * handling input while a picture is drawn, encoded and flushed to disk.
 * The job is the copy job_take made; the worker opens its own handle on
 * the window's font file (text.c opens and closes faces under a lock), so
 * the two threads share nothing but the atlas, which the window keeps
 * while a job runs.  When the job ends, wake tells the window's loop
 * (which pushes an SDL event, so a waiting loop wakes up), and the loop
 * collects the outcome as the app's own input (km_host_worker_result).
 */
struct km_host_worker {
    char font_file[KM_PATH_MAX];     /* "" for none (tests) */
    km_host_wake_fn wake;
    void *wake_ctx;
    SDL_Thread *thread;              /* the job's thread, NULL when none runs or waits to be collected */
    km_host_job *job;                /* the running job, or the last one (its message lent to the input) */
    SDL_atomic_t done;               /* the running job has finished */
    SDL_mutex *lock;                 /* guards held */
    SDL_cond *cond;
    bool held;                       /* tests: a job waits before it starts */
};

km_host_worker *km_host_worker_create(km_font *font, km_host_wake_fn wake, void *ctx)
{
    km_host_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    const char *file = NULL, *bold = NULL;
    km_font_files(font, &file, &bold);
    snprintf(w->font_file, sizeof w->font_file, "%s", file ? file : "");
    w->wake = wake;
    w->wake_ctx = ctx;
    w->lock = SDL_CreateMutex();
    w->cond = SDL_CreateCond();
    if (!w->lock || !w->cond) {
        km_host_worker_free(w);
        return NULL;
    }
    return w;
}

static int worker_main(void *arg)
{
    km_host_worker *w = arg;
    SDL_LockMutex(w->lock);
    while (w->held)
        SDL_CondWait(w->cond, w->lock);
    SDL_UnlockMutex(w->lock);
    km_font *font = NULL;
    char err[KM_PATH_MAX + 256];
    if (w->font_file[0] && w->job->task != KM_TASK_HANDOUT && !(font = km_font_open(w->font_file, err, sizeof err))) {
        w->job->ok = false;
        snprintf(w->job->msg, sizeof w->job->msg, "%s", err);
    } else {
        job_run(w->job, font);
    }
    km_font_close(font);
    SDL_AtomicSet(&w->done, 1);
    if (w->wake)
        w->wake(w->wake_ctx);
    return 0;
}

bool km_host_worker_busy(const km_host_worker *w)
{
    return w && w->thread != NULL;
}

void km_host_worker_wait(km_host_worker *w)
{
    if (!w || !w->thread)
        return;
    km_host_worker_hold(w, false);
    while (!SDL_AtomicGet(&w->done))
        SDL_Delay(2);
}

bool km_host_worker_result(km_host_worker *w, km_input *in)
{
    if (!w || !w->thread || !SDL_AtomicGet(&w->done))
        return false;
    SDL_WaitThread(w->thread, NULL);
    w->thread = NULL;
    job_input(w->job, w->job->task, in);
    return true;
}

void km_host_worker_hold(km_host_worker *w, bool hold)
{
    if (!w)
        return;
    SDL_LockMutex(w->lock);
    w->held = hold;
    SDL_CondBroadcast(w->cond);
    SDL_UnlockMutex(w->lock);
}

void km_host_worker_free(km_host_worker *w)
{
    if (!w)
        return;
    if (w->thread) { /* quitting waits for the job: nothing is left half-written */
        km_host_worker_wait(w);
        SDL_WaitThread(w->thread, NULL);
    }
    job_free(w->job);
    if (w->cond)
        SDL_DestroyCond(w->cond);
    if (w->lock)
        SDL_DestroyMutex(w->lock);
    free(w);
}

/* A slow request handed to the worker; done at once when no thread can be
 * made. */
static void worker_start(km_app *app, km_font *font, km_host_worker *w, km_task task, int handout_what)
{
    km_host_job *j = job_take(app, task, handout_what, NULL);
    if (!j) {
        km_input in;
        job_input(NULL, task, &in);
        in.time_ms = app->now_ms;
        app->task = task;
        km_app_input(app, &in);
        return;
    }
    job_free(w->job);
    w->job = j;
    SDL_AtomicSet(&w->done, 0);
    w->thread = SDL_CreateThread(worker_main, "knotmap-export", w);
    if (!w->thread) {
        km_app_log(app, KM_LOG_WARN, "worker-failed reason=%s", SDL_GetError());
        w->job = NULL;
        job_run(j, font);
        km_input in;
        job_input(j, task, &in);
        in.time_ms = app->now_ms;
        app->task = task;
        km_app_input(app, &in);
        job_free(j);
        return;
    }
    km_app_task_started(app, task);
}

/* Whatever the app asked for; the slow requests to w when given (and
 * free: one at a time), else at once. */
static void serve(km_app *app, km_font *font, km_host_worker *w)
{
    if (app->want_save_pinlock)
        save_pinlock(app);
    if (app->want_sweep)
        sweep(app);
    if (w && !km_host_worker_busy(w) && app->atlas) {
        if (app->want_export) {
            app->want_export = false;
            worker_start(app, font, w, KM_TASK_EXPORT, 0);
        } else if (app->want_handoff) {
            app->want_handoff = false;
            worker_start(app, font, w, KM_TASK_HANDOFF, 0);
        } else if (app->want_handout) {
            int what = app->want_handout;
            app->want_handout = KM_HANDOUT_NONE;
            worker_start(app, font, w, KM_TASK_HANDOUT, what);
        }
    }
    if (!w) {
        if (app->want_export)
            km_host_export(app, font, NULL);
        if (app->want_handoff)
            km_host_handoff(app, font);
    }
    if (app->want_save_marks)
        km_host_save_marks(app);
    if (app->want_inbox)
        km_host_list_handoffs(app);
    if (app->open_code >= 0) {
        int i = app->open_code;
        app->open_code = -1;
        if (i < app->inbox_count)
            km_host_open_code(app, app->inbox[i].code);
    }
    if (!w && app->want_handout)
        km_host_handout(app);
}

void km_host_serve(km_app *app, km_font *font)
{
    serve(app, font, NULL);
}

void km_host_serve_background(km_app *app, km_font *font, km_host_worker *w)
{
    serve(app, font, w);
}
