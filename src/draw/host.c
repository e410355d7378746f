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

bool km_host_export(km_app *app, km_font *font, const km_export_opts *o)
{
    KM_ASSERT(app);
    app->want_export = false;
    char path[KM_PATH_MAX + 64], err[KM_PATH_MAX + 256], footer[1024];
    if (!app->atlas) {
        km_app_export_done(app, false, "no atlas is loaded");
        return false;
    }
    km_export_opts eo = o ? *o : (km_export_opts){0};
    if (!eo.mode)
        eo.mode = app->set.export_mode;
    km_scene s;
    km_app_scene(app, &s);
    s.hover_muscle = -1; /* the mouse is not part of the picture */
    char clinic[2 * KM_TEXT_SETTING_MAX + 8];
    km_host_clinic_line(app->set.clinic_name, app->set.clinic_contact, clinic, sizeof clinic);
    s.clinic = clinic;
    km_scene sc = export_scene(&s, footer, sizeof footer);
    /* a new name claimed when the picture is complete (core/fileio.h) */
    bool ok = km_export_png_new(&sc, font, app->set.export_dir, &eo, path, sizeof path, err, sizeof err) == 0;
    km_app_export_done(app, ok, ok ? path : err);
    return ok;
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

/* Make the handout of what the app shows into pdf; false with why. */
static bool make_handout(km_app *app, km_bytes *pdf, char *err, size_t errlen)
{
    km_scene s;
    km_app_scene(app, &s);
    bool drawn = s.stroke_count > 0 || s.pin_count > 0;
    km_handout_request req = {.scene = &s, .ranked = drawn ? &app->drawn : NULL,
                              .clinic_name = app->set.clinic_name, .clinic_contact = app->set.clinic_contact,
                              .paper = KM_PAPER_A4};
    return km_host_make_handout(&req, app->set.clinic_logo, pdf, err, errlen) == 0;
}

bool km_host_handout(km_app *app)
{
    KM_ASSERT(app);
    int what = app->want_handout;
    app->want_handout = KM_HANDOUT_NONE;
    char path[KM_PATH_MAX + 64], err[KM_PATH_MAX + 256], done[KM_PATH_MAX + 128];
    km_bytes pdf = {0};
    bool ok = false;
    if (!app->atlas)
        snprintf(err, sizeof err, "no atlas is loaded");
    else if (!make_handout(app, &pdf, err, sizeof err))
        ;
    else if (what == KM_HANDOUT_PRINT) {
        const char *printer = app->set.kiosk ? app->set.kiosk_printer : app->set.printer;
        int job = km_print_pdf(printer[0] ? printer : NULL, "knotmap handout", pdf.data, pdf.len, err, sizeof err);
        if ((ok = job > 0))
            snprintf(done, sizeof done, "sent to %s (job %d)", printer[0] ? printer : "the default printer", job);
    } else {
        /* a new name claimed when the file is complete (core/fileio.h) */
        ok = km_export_bytes_new(app->set.export_dir, "knotmap-handout", "pdf", pdf.data, pdf.len, app->set.export_mode,
                                 "PDF", path, sizeof path, err, sizeof err) == 0;
        snprintf(done, sizeof done, "saved to %s", path);
    }
    km_bytes_release(&pdf);
    km_app_handout_done(app, ok, ok ? done : err);
    return ok;
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
    char code[KM_HANDOFF_LEN + 1], name[64], png[KM_PATH_MAX + 64], json[KM_PATH_MAX + 64];
    char err[KM_PATH_MAX + 256], footer[256];
    if (!app->atlas) {
        km_app_handoff_done(app, false, "no atlas is loaded");
        return false;
    }
    if (!new_code(app->set.export_dir, code)) {
        km_app_handoff_done(app, false, "no free code in export_dir (or it cannot be read)");
        return false;
    }
    km_handoff_name(code, "png", name, sizeof name);
    snprintf(png, sizeof png, "%s/%s", app->set.export_dir, name);
    km_handoff_name(code, "json", name, sizeof name);
    snprintf(json, sizeof json, "%s/%s", app->set.export_dir, name);
    km_scene s;
    km_app_scene(app, &s);
    s.hover_muscle = -1;
    km_scene sc = export_scene(&s, footer, sizeof footer);
    km_export_opts eo = {0};
    eo.mode = app->set.export_mode;
    /* the picture first: its name is claimed without replacing anything */
    if (km_export_png(&sc, font, png, &eo, err, sizeof err) != 0) {
        km_app_handoff_done(app, false, err);
        return false;
    }
    int ns, np;
    const km_stroke *st = km_history_strokes(&app->marks, &ns);
    const km_pin *pins = km_history_pins(&app->marks, &np);
    /* What the patient looked at goes with the drawing: the selection, or
     * after a tap in "Where does it hurt?" the muscles shown for it. */
    const km_scene_sel *sel = app->sel;
    int nsel = app->sel_count;
    if (nsel == 0 && app->where_set)
        sel = app->where_shown.s, nsel = app->where_shown.n;
    if (km_marks_save(json, app->atlas, st, ns, pins, np, sel, nsel, err, sizeof err) != 0) {
        remove(png); /* half a hand-off is no hand-off */
        km_app_handoff_done(app, false, err);
        return false;
    }
    km_app_handoff_done(app, true, code);
    return true;
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

void km_host_serve(km_app *app, km_font *font)
{
    if (app->want_save_pinlock)
        save_pinlock(app);
    if (app->want_sweep)
        sweep(app);
    if (app->want_export)
        km_host_export(app, font, NULL);
    if (app->want_save_marks)
        km_host_save_marks(app);
    if (app->want_handoff)
        km_host_handoff(app, font);
    if (app->want_inbox)
        km_host_list_handoffs(app);
    if (app->open_code >= 0) {
        int i = app->open_code;
        app->open_code = -1;
        if (i < app->inbox_count)
            km_host_open_code(app, app->inbox[i].code);
    }
    if (app->want_handout)
        km_host_handout(app);
}
