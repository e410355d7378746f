/*
 * host.c - the app's requests carried out (see host.h).  The app stays
 * state only: the clock, the file system and the PNG writer are here.
 */
#include "host.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cairo.h>

#include "../app/marks.h"
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

int km_host_export_scene(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                         size_t errlen)
{
    KM_ASSERT(s && s->atlas);
    km_scene sc = *s;
    char footer[256], line[1024];
    km_host_footer(s->atlas, footer, sizeof footer);
    /* The clinic's own name first, when it has one. */
    snprintf(line, sizeof line, "%s%s%s", s->clinic && *s->clinic ? s->clinic : "",
             s->clinic && *s->clinic ? "  \xC2\xB7  " : "", footer);
    if (!sc.title)
        sc.title = s->atlas->title;
    sc.footer = line;
    return km_export_file(&sc, font, path, o, err, errlen);
}

bool km_host_export(km_app *app, km_font *font, const km_export_opts *o)
{
    KM_ASSERT(app);
    app->want_export = false;
    char path[KM_PATH_MAX + 64], err[KM_PATH_MAX + 256];
    if (!app->atlas) {
        km_app_export_done(app, false, "no atlas is loaded");
        return false;
    }
    if (!km_export_unique_path(app->set.export_dir, "knotmap", ".png", path, sizeof path, err, sizeof err)) {
        km_app_export_done(app, false, err);
        return false;
    }
    km_scene s;
    km_app_scene(app, &s);
    s.hover_muscle = -1; /* the mouse is not part of the picture */
    char clinic[2 * KM_TEXT_SETTING_MAX + 8];
    km_host_clinic_line(app->set.clinic_name, app->set.clinic_contact, clinic, sizeof clinic);
    s.clinic = clinic;
    bool ok = km_host_export_scene(&s, font, path, o, err, sizeof err) == 0;
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
    if (!km_export_unique_path(app->set.export_dir, "knotmap-marks", ".json", path, sizeof path, err, sizeof err)) {
        km_app_marks_saved(app, false, err);
        return false;
    }
    int ns, np;
    const km_stroke *st = km_history_strokes(&app->marks, &ns);
    const km_pin *pins = km_history_pins(&app->marks, &np);
    bool ok = km_marks_save(path, app->atlas, st, ns, pins, np, app->sel, app->sel_count, err, sizeof err) == 0;
    km_app_marks_saved(app, ok, ok ? path : err);
    return ok;
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
    char date[32];
    time_t now = time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(date, sizeof date, "%Y-%m-%d", &tmv);
    req->date = date;
    req->clinic_logo = surf;
    int pages = km_handout_make(req, pdf, err, errlen);
    req->date = NULL;
    req->clinic_logo = NULL;
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
    } else if (km_export_unique_path(app->set.export_dir, "knotmap-handout", ".pdf", path, sizeof path, err,
                                     sizeof err)) {
        ok = km_export_bytes(path, pdf.data, pdf.len, false, "PDF", err, sizeof err) == 0;
        snprintf(done, sizeof done, "saved to %s", path);
    }
    km_bytes_release(&pdf);
    km_app_handout_done(app, ok, ok ? done : err);
    return ok;
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

void km_host_serve(km_app *app, km_font *font)
{
    if (app->want_export)
        km_host_export(app, font, NULL);
    if (app->want_save_marks)
        km_host_save_marks(app);
    if (app->want_handout)
        km_host_handout(app);
}
