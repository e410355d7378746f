/*
 * test_export_faults.c - an export from the running program that fails
 * must be reported in the app (an error in the status line naming the path
 * and the reason), leave nothing behind, and leave the program working:
 * the next input is handled and the next export, to a good folder, works.
 *
 * The export is the program's own: km_host_export (src/draw/host.c), the
 * routine the window's loop calls when the app asks for an export.
 * Saving marks and the handout go through the same host (km_host_serve).
 * Faults: a missing export folder, and a full disk simulated in-process
 * with RLIMIT_FSIZE (SIGXFSZ ignored, so write() fails with EFBIG) - no
 * mount needed; tests/cli/test_export_faults.sh covers real tmpfs mounts.
 */
#include <SDL.h>
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/app.h"
#include "core/atlas.h"
#include "draw/host.h"
#include "km_test_app.h"

typedef struct fx {
    km_atlas *atlas;
    km_app app;
    char dir[256];
} fx;

static int setup(void **state)
{
    static fx f;
    memset(&f, 0, sizeof f);
    char path[1024];
    const char *tests = getenv("KM_TESTS_DIR");
    snprintf(path, sizeof path, "%s/data/lookup.json", tests ? tests : "tests");
    km_diag d;
    km_diag_init(&d);
    f.atlas = km_atlas_load(path, &d);
    km_diag_release(&d);
    if (!f.atlas)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f.dir, sizeof f.dir, "%s/km-expfault-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f.dir))
        return -1;
    km_app_settings s = km_test_settings(KM_MODE_EXPLORE);
    s.log_level = KM_LOG_INFO;
    snprintf(s.export_dir, sizeof s.export_dir, "%s", f.dir);
    km_app_init(&f.app, f.atlas, &s, 1000);
    km_app_set_measure(&f.app, km_test_measure());
    km_input in = {.kind = KM_IN_RESIZE, .time_ms = 1000, .w = 1280, .h = 800, .scale = 1};
    km_app_input(&f.app, &in);
    km_app_action(&f.app, KM_ACT_SELECT, km_atlas_muscle_index(f.atlas, "alpha"), KM_SIDE_RIGHT);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    char cmd[512];
    km_app_release(&f->app);
    km_atlas_free(f->atlas);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    return 0;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* Export picture, as the desktop asks for it: the button opens the dialog
 * (title and notes), its Export button asks the host. */
static void ask_export(km_app *app)
{
    km_app_action(app, KM_ACT_EXPORT, 0, 0);
    assert_true(app->export_open);
    assert_false(app->want_export);
    km_app_action(app, KM_ACT_EXPORT_GO, 0, 0);
    assert_false(app->export_open);
}

/* What the window's loop does when the app asks for an export (a small
 * picture: this is about the path, not the pixels). */
static void platform_export(km_app *app)
{
    assert_true(app->want_export);
    km_export_opts eo = {900, 1300, false, 0, KM_EXPORT_PNG};
    km_host_export(app, NULL, &eo);
    assert_false(app->want_export);
}

/* After a failed export the program still works: input is handled and an
 * export to the good folder succeeds. */
static void still_works(fx *f)
{
    km_app_action(&f->app, KM_ACT_CLEAR, 0, 0);
    assert_int_equal(f->app.sel_count, 0);
    km_app_action(&f->app, KM_ACT_SELECT, km_atlas_muscle_index(f->atlas, "beta"), KM_SIDE_RIGHT);
    assert_int_equal(f->app.sel_count, 1);
    snprintf(f->app.set.export_dir, sizeof f->app.set.export_dir, "%s", f->dir);
    int before = count_entries(f->dir);
    ask_export(&f->app);
    platform_export(&f->app);
    assert_false(f->app.status_error);
    assert_int_equal(count_entries(f->dir), before + 1);
}

static void test_missing_folder(void **state)
{
    fx *f = *state;
    char missing[400];
    snprintf(missing, sizeof missing, "%s/gone/away", f->dir);
    snprintf(f->app.set.export_dir, sizeof f->app.set.export_dir, "%s", missing);
    ask_export(&f->app);
    platform_export(&f->app);
    assert_true(f->app.status_error);
    if (!strstr(f->app.status, missing))
        fail_msg("status does not name the folder %s: %s", missing, f->app.status);
    assert_int_equal(count_entries(f->dir), 0);
    still_works(f);
}

static void test_full_disk(void **state)
{
    fx *f = *state;
    char sub[400];
    snprintf(sub, sizeof sub, "%s/full", f->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(f->app.set.export_dir, sizeof f->app.set.export_dir, "%s", sub);

    /* A 2 KiB file size limit: far less than the picture needs. */
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = 2048;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ask_export(&f->app);
    platform_export(&f->app);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);

    if (!f->app.status_error)
        fail_msg("an export that could not be written was reported as: %s", f->app.status);
    assert_non_null(strstr(f->app.status, sub));
    assert_int_equal(count_entries(sub), 0); /* no partial file, no temporary file */
    still_works(f);
}

/* Save marks is a request the host carries out (km_host_serve, as the
 * window's loop does): a new marks file in the export folder that the
 * program opens again (km_host_load_marks, as `knotmap run --marks`); into
 * a missing folder it fails with the folder named and no file. */
static void test_save_marks_request(void **state)
{
    fx *f = *state;
    km_app *app = &f->app;
    assert_true(km_history_pin(&app->marks, 0, (km_vec2){500, 900}, 7));
    km_app_action(app, KM_ACT_SAVE_MARKS, 0, 0);
    assert_true(app->want_save_marks);
    assert_int_equal(count_entries(f->dir), 0); /* the app itself writes nothing */
    km_host_serve(app, NULL);
    assert_false(app->want_save_marks);
    assert_false(app->status_error);
    assert_int_equal(count_entries(f->dir), 1);
    const char *path = strstr(app->status, f->dir);
    assert_non_null(path);
    assert_non_null(strstr(path, "/knotmap-marks-"));
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", path);

    km_app other;
    km_app_init(&other, f->atlas, &app->set, 1000);
    assert_true(km_host_load_marks(&other, saved));
    int np;
    const km_pin *p = km_history_pins(&other.marks, &np);
    assert_int_equal(np, 1);
    assert_int_equal(p[0].intensity, 7);
    assert_int_equal(other.sel_count, 1); /* the selection travels with the marks */
    km_app_release(&other);

    char missing[400];
    snprintf(missing, sizeof missing, "%s/no-such-folder", f->dir);
    snprintf(app->set.export_dir, sizeof app->set.export_dir, "%s", missing);
    km_app_action(app, KM_ACT_SAVE_MARKS, 0, 0);
    km_host_serve(app, NULL);
    assert_true(app->status_error);
    assert_non_null(strstr(app->status, missing));
    assert_int_equal(count_entries(f->dir), 1);
}

/* Save handout is a request the host carries out too: a new PDF in the
 * export folder (the app writes nothing itself); a clinic logo that is
 * not an image is named in the status line and nothing is written; a
 * kiosk saves no handout and prints only when kiosk_printer is set. */
static void test_handout_request(void **state)
{
    fx *f = *state;
    km_app *app = &f->app;
    assert_true(km_history_pin(&app->marks, 0, (km_vec2){500, 900}, 7));
    km_app_action(app, KM_ACT_HANDOUT, KM_HANDOUT_SAVE, 0);
    assert_int_equal(app->want_handout, KM_HANDOUT_SAVE);
    assert_int_equal(count_entries(f->dir), 0);
    km_host_serve(app, NULL);
    assert_int_equal(app->want_handout, KM_HANDOUT_NONE);
    if (app->status_error)
        fail_msg("handout: %s", app->status);
    assert_int_equal(count_entries(f->dir), 1);
    const char *path = strstr(app->status, f->dir);
    assert_non_null(path);
    assert_non_null(strstr(path, "/knotmap-handout-"));
    FILE *pdf = fopen(path, "rb");
    assert_non_null(pdf);
    char head[6] = "";
    assert_int_equal(fread(head, 1, 5, pdf), 5);
    fclose(pdf);
    assert_memory_equal(head, "%PDF-", 5);

    char bad[400];
    snprintf(bad, sizeof bad, "%s/logo.png", f->dir);
    FILE *b = fopen(bad, "w");
    assert_non_null(b);
    fputs("not a picture\n", b);
    fclose(b);
    snprintf(app->set.clinic_logo, sizeof app->set.clinic_logo, "%s", bad);
    km_app_action(app, KM_ACT_HANDOUT, KM_HANDOUT_SAVE, 0);
    km_host_serve(app, NULL);
    assert_true(app->status_error);
    assert_non_null(strstr(app->status, bad));
    assert_int_equal(count_entries(f->dir), 2); /* the first handout and the bad logo */

    app->set.kiosk = true;
    km_app_action(app, KM_ACT_HANDOUT, KM_HANDOUT_SAVE, 0);
    assert_int_equal(app->want_handout, KM_HANDOUT_NONE);
    km_app_action(app, KM_ACT_HANDOUT, KM_HANDOUT_PRINT, 0);
    assert_int_equal(app->want_handout, KM_HANDOUT_NONE);
    assert_false(km_app_can_print(app));
    snprintf(app->set.kiosk_printer, sizeof app->set.kiosk_printer, "front-desk");
    assert_true(km_app_can_print(app));
    km_app_action(app, KM_ACT_HANDOUT, KM_HANDOUT_PRINT, 0);
    assert_int_equal(app->want_handout, KM_HANDOUT_PRINT);
    app->want_handout = KM_HANDOUT_NONE; /* printing itself is tests/handout/test_print.c's */
}


/* ---- the window's worker ------------------------------------------------ */

static SDL_atomic_t wakes;
static void count_wake(void *ctx)
{
    (void)ctx;
    SDL_AtomicAdd(&wakes, 1);
}

/* The window's export goes to the worker (km_host_serve_background, as
 * the window's loop calls it): while the job runs (held here, so it is
 * surely running - nothing is timed) the app takes input and refuses a
 * second export; the outcome comes back through wake and
 * km_host_worker_result as the app's input, with the file written. */
static void test_worker_keeps_input(void **state)
{
    fx *f = *state;
    km_app *app = &f->app;
    SDL_AtomicSet(&wakes, 0);
    km_host_worker *w = km_host_worker_create(NULL, count_wake, NULL);
    assert_non_null(w);
    km_host_worker_hold(w, true);
    ask_export(app);
    km_host_serve_background(app, NULL, w);
    assert_false(app->want_export);
    assert_true(km_host_worker_busy(w));
    assert_int_equal(app->task, KM_TASK_EXPORT);
    assert_string_equal(app->status, ""); /* the Export button says "Saving..." (ui.c) */

    /* input while the export runs */
    km_app_action(app, KM_ACT_CLEAR, 0, 0);
    km_app_action(app, KM_ACT_SELECT, km_atlas_muscle_index(f->atlas, "beta"), KM_SIDE_LEFT);
    assert_int_equal(app->sel_count, 1);
    km_app_action(app, KM_ACT_EXPORT, 0, 0); /* one at a time */
    assert_false(app->export_open);
    assert_false(app->want_export);
    km_input in;
    assert_false(km_host_worker_result(w, &in));
    km_host_serve_background(app, NULL, w);
    assert_int_equal(count_entries(f->dir), 0);
    assert_int_equal(SDL_AtomicGet(&wakes), 0);

    km_host_worker_hold(w, false);
    km_host_worker_wait(w);
    assert_int_equal(SDL_AtomicGet(&wakes), 1);
    assert_true(km_host_worker_result(w, &in));
    assert_int_equal(in.kind, KM_IN_TASK_DONE);
    assert_true(in.ok);
    km_app_input(app, &in);
    assert_false(km_host_worker_busy(w));
    assert_int_equal(app->task, KM_TASK_NONE);
    assert_false(app->status_error);
    assert_non_null(strstr(app->status, f->dir));
    assert_int_equal(count_entries(f->dir), 1);
    assert_int_equal(app->sel_count, 1); /* what was chosen meanwhile stays */

    /* a failure comes back the same way, naming the folder */
    char missing[400];
    snprintf(missing, sizeof missing, "%s/gone", f->dir);
    snprintf(app->set.export_dir, sizeof app->set.export_dir, "%s", missing);
    ask_export(app);
    km_host_serve_background(app, NULL, w);
    km_host_worker_wait(w);
    assert_true(km_host_worker_result(w, &in));
    km_app_input(app, &in);
    assert_true(app->status_error);
    assert_non_null(strstr(app->status, missing));

    /* quitting waits for a running export, which completes */
    snprintf(app->set.export_dir, sizeof app->set.export_dir, "%s", f->dir);
    km_host_worker_hold(w, true);
    ask_export(app);
    km_host_serve_background(app, NULL, w);
    assert_true(km_host_worker_busy(w));
    km_host_worker_free(w);
    assert_int_equal(count_entries(f->dir), 2);
}

/* The hand-off and the handout go to the worker too, from a copy: the
 * drawing changed while they run is not what they save. */
static void test_worker_handoff_copies(void **state)
{
    fx *f = *state;
    km_app *app = &f->app;
    app->set.kiosk = true;
    km_host_worker *w = km_host_worker_create(NULL, NULL, NULL);
    assert_non_null(w);
    assert_true(km_history_pin(&app->marks, 0, (km_vec2){500, 900}, 7));
    km_host_worker_hold(w, true);
    km_app_action(app, KM_ACT_HANDOFF, 0, 0);
    assert_true(app->want_handoff);
    km_host_serve_background(app, NULL, w);
    assert_int_equal(app->task, KM_TASK_HANDOFF);
    assert_true(km_history_pin(&app->marks, 0, (km_vec2){600, 950}, 3)); /* after the request */
    km_host_worker_hold(w, false);
    km_host_worker_wait(w);
    km_input in;
    assert_true(km_host_worker_result(w, &in));
    km_app_input(app, &in);
    assert_true(in.ok);
    assert_int_equal((int)strlen(app->handoff_code), KM_HANDOFF_LEN);
    assert_int_equal(count_entries(f->dir), 2); /* the picture and the marks */
    char name[64], path[600];
    km_handoff_name(app->handoff_code, "json", name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    km_app other;
    km_app_init(&other, f->atlas, &app->set, 1000);
    assert_true(km_host_load_marks(&other, path));
    int np;
    km_history_pins(&other.marks, &np);
    assert_int_equal(np, 1); /* the pin added after the request is not in it */
    km_app_release(&other);
    km_host_worker_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_marks_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handout_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worker_keeps_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worker_handoff_copies, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
