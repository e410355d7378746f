/*
 * test_host.c - the requests the app leaves to the host (src/draw/host.c)
 * that are not pictures: the kiosk's PIN lockout kept across a restart of
 * the program, and the export folder's retention sweep.
 *
 * The app only asks (want_save_pinlock, want_sweep); km_host_serve does the
 * file work and km_host_start reads the lockout back, exactly as the
 * window's loop does.  Three wrong PINs lock the admin gesture; a second
 * app started on the same state file is still locked; the right PIN (after
 * the lock) clears it for the next start too.
 */
#include <SDL.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <utime.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/pinhash.h"
#include "app/pinlock.h"
#include "draw/host.h"
#include "km_test.h"
#include "km_test_app.h"

static char dir[] = "/tmp/km-host-XXXXXX";
static char pin_hash[KM_PIN_HASH_MAX];

static void start_app(km_app *app, const km_atlas *a, uint64_t now, int retention_days)
{
    km_app_settings s = km_test_settings(KM_MODE_WHERE);
    s.kiosk = true;
    s.retention_days = retention_days;
    snprintf(s.export_dir, sizeof s.export_dir, "%s/exports", dir);
    snprintf(s.pin_hash, sizeof s.pin_hash, "%s", pin_hash);
    snprintf(s.pin_state_file, sizeof s.pin_state_file, "%s/state/pinlock", dir);
    km_app_init(app, a, &s, now);
    km_host_start(app);
}

static void enter_pin(km_app *app, const char *pin)
{
    app->pin_open = true; /* as the held corner opens it */
    for (const char *p = pin; *p; p++)
        km_app_action(app, KM_ACT_PIN_DIGIT, *p - '0', 0);
    km_app_action(app, KM_ACT_PIN_OK, 0, 0);
    km_host_serve(app, NULL);
}

static void test_lockout_survives_restart(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("lookup.json");
    assert_non_null(a);
    km_app app;
    start_app(&app, a, 1000, 0);
    assert_int_equal(km_pinlock_remaining(&app.pinlock, 1000), 0);
    for (int i = 0; i < 3; i++)
        enter_pin(&app, "1111");
    assert_false(app.want_save_pinlock); /* the host carried it out */
    int locked = km_pinlock_remaining(&app.pinlock, app.now_ms);
    assert_true(locked >= 29 && locked <= 30);
    km_app_release(&app);

    /* the program restarts (a new monotonic clock): still locked */
    km_app again;
    start_app(&again, a, 50, 0);
    locked = km_pinlock_remaining(&again.pinlock, 50);
    assert_true(locked >= 25 && locked <= 30);
    km_app_release(&again);
    km_atlas_free(a);
}

static void test_retention_sweep_is_done_by_the_host(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("lookup.json");
    assert_non_null(a);
    char path[256], other[256];
    snprintf(path, sizeof path, "%s/exports/knotmap-20200101-000000.png", dir);
    snprintf(other, sizeof other, "%s/exports/holiday.png", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    f = fopen(other, "w");
    assert_non_null(f);
    fclose(f);
    struct utimbuf old = {time(NULL) - 30 * 86400, time(NULL) - 30 * 86400};
    assert_int_equal(utime(path, &old), 0);
    assert_int_equal(utime(other, &old), 0);

    km_app app;
    start_app(&app, a, 1000, 7);
    km_app_tick(&app, 1001);
    assert_true(app.want_sweep); /* the app only asks */
    assert_int_equal(access(path, F_OK), 0);
    km_host_serve(&app, NULL);
    assert_false(app.want_sweep);
    assert_int_equal(access(path, F_OK), -1);   /* knotmap's own old file: gone */
    assert_int_equal(access(other, F_OK), 0);   /* someone else's: kept */
    km_app_tick(&app, 2000);
    assert_false(app.want_sweep); /* next time in a day */
    km_app_release(&app);
    km_atlas_free(a);
}

/* The program's own Save marks button, twice at once: two files, 0600. */
static void test_save_marks_twice(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("lookup.json");
    assert_non_null(a);
    km_app app;
    start_app(&app, a, 1000, 0);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/exports", dir);
    int before = 0;
    DIR *dp = opendir(sub);
    for (struct dirent *e; (e = readdir(dp));)
        before += strncmp(e->d_name, "knotmap-marks-", 14) == 0;
    closedir(dp);
    for (int i = 0; i < 2; i++) {
        km_app_action(&app, KM_ACT_SAVE_MARKS, 0, 0);
        assert_true(app.want_save_marks);
        km_host_serve(&app, NULL);
        assert_false(app.want_save_marks);
        assert_false(app.status_error);
    }
    int n = 0;
    dp = opendir(sub);
    for (struct dirent *e; (e = readdir(dp));) {
        if (strncmp(e->d_name, "knotmap-marks-", 14) != 0)
            continue;
        char p[600];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", sub, e->d_name);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        n++;
    }
    closedir(dp);
    assert_int_equal(n - before, 2);
    km_app_release(&app);
    km_atlas_free(a);
}

static int setup(void **state)
{
    (void)state;
    char err[256], sub[128];
    if (!mkdtemp(dir) || !km_pin_hash("2468", pin_hash, sizeof pin_hash, err, sizeof err))
        return -1;
    snprintf(sub, sizeof sub, "%s/exports", dir);
    if (mkdir(sub, 0700) != 0)
        return -1;
    snprintf(sub, sizeof sub, "%s/state", dir);
    return mkdir(sub, 0700);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lockout_survives_restart),
        cmocka_unit_test(test_retention_sweep_is_done_by_the_host),
        cmocka_unit_test(test_save_marks_twice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
