/*
 * test_fileio.c - the attacks on knotmap's files (issue 11), each against
 * the real writers and readers:
 *   * a symlink planted at the name a save will use is never followed (the
 *     victim file is untouched), for marks saves and km_out in both modes;
 *   * two saves in the same second get two files;
 *   * a FIFO, a folder, a device and an oversized file are refused at once
 *     with a located one-line message, for the atlas, marks and config;
 *   * a writer that dies mid-file leaves nothing: O_TMPFILE never has a
 *     name; the mkstemp fallback's file is removed by the next writer;
 *   * a file that changes while being read is read again (identity with
 *     nanosecond mtime).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/config.h"
#include "app/app.h"
#include "app/marks.h"
#include "app/retention.h"
#include "core/atlas.h"
#include "core/fileio.h"
#include "km_test.h"

static char dir[256];
static km_atlas *atlas;

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/km-fileio-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    km_out_force_fallback(false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
    (void)state;
    atlas = km_test_load_fixture("lookup.json");
    return atlas ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    km_atlas_free(atlas);
    return 0;
}

static int entries(const char *d)
{
    DIR *dp = opendir(d);
    int n = 0;
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (dp)
        closedir(dp);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* ---- output ------------------------------------------------------------ */

/* The names a save in this second and the next will try, each a symlink
 * to a victim file; the save must make a new file and leave the victim. */
static void plant_symlinks(const char *stem, const char *ext, const char *victim)
{
    for (int dt = 0; dt <= 1; dt++) {
        time_t t = time(NULL) + dt;
        struct tm tmv;
        localtime_r(&t, &tmv);
        char stamp[32], link[512];
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
        snprintf(link, sizeof link, "%s/%s-%s.%s", dir, stem, stamp, ext);
        unlink(link);
        assert_int_equal(symlink(victim, link), 0);
        snprintf(link, sizeof link, "%s/%s-%s.%s.tmp", dir, stem, stamp, ext); /* the old writer's name */
        unlink(link);
        assert_int_equal(symlink(victim, link), 0);
    }
}

static void test_marks_save_does_not_follow_symlink(void **state)
{
    (void)state;
    char victim[300], path[512], err[512];
    snprintf(victim, sizeof victim, "%s/victim.txt", dir);
    write_text(victim, "precious\n");
    plant_symlinks("knotmap-marks", "json", victim);
    km_scene_sel sel = {0, KM_SIDE_RIGHT, 0};
    km_marks_view v = {NULL, 0, NULL, 0, &sel, 1};
    assert_int_equal(km_marks_save_new(dir, 0, atlas, &v, path, sizeof path, err, sizeof err), 0);
    assert_string_equal(slurp(victim), "precious\n");
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_non_null(strstr(slurp(path), "knotmap-marks"));
}

static void test_out_symlink_not_followed_both_modes(void **state)
{
    (void)state;
    for (int fallback = 0; fallback <= 1; fallback++) {
        km_out_force_fallback(fallback);
        char victim[300], link[300], err[512];
        snprintf(victim, sizeof victim, "%s/victim%d.txt", dir, fallback);
        snprintf(link, sizeof link, "%s/target%d.json", dir, fallback);
        write_text(victim, "precious\n");
        assert_int_equal(symlink(victim, link), 0);
        km_out o;
        assert_int_equal(km_out_begin(&o, dir, 0, err, sizeof err), 0);
        assert_true(o.unnamed == !fallback);
        assert_true(km_out_write(&o, "evil", 4));
        char name[64];
        snprintf(name, sizeof name, "target%d.json", fallback);
        assert_int_equal(km_out_commit(&o, name, false, err, sizeof err), -1); /* exists: refused */
        assert_non_null(strstr(err, "exists"));
        assert_string_equal(slurp(victim), "precious\n");
        /* --force replaces the link itself, never writes through it */
        assert_int_equal(km_out_begin(&o, dir, 0, err, sizeof err), 0);
        assert_true(km_out_write(&o, "new", 3));
        assert_int_equal(km_out_commit(&o, name, true, err, sizeof err), 0);
        assert_string_equal(slurp(victim), "precious\n");
        struct stat st;
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_string_equal(slurp(link), "new");
    }
    /* nothing but the victims and the two targets */
    assert_int_equal(entries(dir), 4);
    km_out_force_fallback(false);
}

static void test_two_saves_same_second_two_files(void **state)
{
    (void)state;
    char a[512], b[512], c[512], err[512];
    km_marks_view v = {NULL, 0, NULL, 0, NULL, 0};
    time_t t0 = time(NULL);
    assert_int_equal(km_marks_save_new(dir, 0, atlas, &v, a, sizeof a, err, sizeof err), 0);
    assert_int_equal(km_marks_save_new(dir, 0, atlas, &v, b, sizeof b, err, sizeof err), 0);
    km_out_force_fallback(true);
    assert_int_equal(km_marks_save_new(dir, 0, atlas, &v, c, sizeof c, err, sizeof err), 0);
    km_out_force_fallback(false);
    if (time(NULL) == t0) { /* the same second: the names differ by the counter */
        assert_string_not_equal(a, b);
        assert_string_not_equal(b, c);
    }
    assert_int_equal(entries(dir), 3);
}

/* The older entry point, km_marks_save(PATH): it used to write PATH.tmp
 * with fopen("w"), through a symlink planted there. */
static void test_marks_save_path_symlinks(void **state)
{
    (void)state;
    char victim[300], link[300], path[300], err[512];
    snprintf(victim, sizeof victim, "%s/victim.txt", dir);
    snprintf(path, sizeof path, "%s/m.json", dir);
    snprintf(link, sizeof link, "%s/m.json.tmp", dir);
    write_text(victim, "precious\n");
    assert_int_equal(symlink(victim, link), 0);
    assert_int_equal(km_marks_save(path, atlas, NULL, 0, NULL, 0, NULL, 0, err, sizeof err), 0);
    assert_string_equal(slurp(victim), "precious\n");
    unlink(path);
    assert_int_equal(symlink(victim, path), 0); /* at the name itself: replaced, not followed */
    assert_int_equal(km_marks_save(path, atlas, NULL, 0, NULL, 0, NULL, 0, err, sizeof err), 0);
    assert_string_equal(slurp(victim), "precious\n");
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
}

static void test_export_mode_given(void **state)
{
    (void)state;
    char path[512], err[512];
    km_marks_view v = {NULL, 0, NULL, 0, NULL, 0};
    assert_int_equal(km_marks_save_new(dir, 0640, atlas, &v, path, sizeof path, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
}

/* A writer killed in the middle of a file (fork, write, _exit without
 * commit: what kill -9 does) leaves no name behind in O_TMPFILE mode; in
 * the fallback its file is removed by the next writer. */
static void test_dead_writer_leaves_nothing(void **state)
{
    (void)state;
    for (int fallback = 0; fallback <= 1; fallback++) {
        km_out_force_fallback(fallback);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            km_out o;
            char err[256];
            if (km_out_begin(&o, dir, 0, err, sizeof err) == 0)
                km_out_write(&o, "half a picture", 14);
            raise(SIGKILL);
            _exit(0);
        }
        int st;
        waitpid(pid, &st, 0);
        assert_true(WIFSIGNALED(st));
        if (!fallback)
            assert_int_equal(entries(dir), 0);
        km_out o;
        char err[256];
        assert_int_equal(km_out_begin(&o, dir, 0, err, sizeof err), 0); /* cleans the dead one's file */
        km_out_abort(&o);
        assert_int_equal(entries(dir), 0);
    }
    km_out_force_fallback(false);
}

/* ---- input ------------------------------------------------------------- */

/* Every reader, on one bad input: refused quickly, one line naming it. */
static void expect_refused(const char *path, const char *why, km_diag_code code)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load(path, &d);
    assert_null(a);
    km_marks m;
    assert_int_equal(km_marks_load(path, atlas, &m, &d), -1);
    km_config c;
    km_config_init(&c);
    assert_int_equal(km_config_load(&c, path, false, &d), -1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    assert_true(ms < 500);
    assert_int_equal(d.count, 3);
    for (int i = 0; i < d.count; i++) {
        assert_int_equal(d.items[i].code, code);
        assert_non_null(strstr(d.items[i].text, path));
        assert_non_null(strstr(d.items[i].text, why));
        assert_null(strchr(d.items[i].text, '\n'));
    }
    km_diag_release(&d);
}

static void test_fifo_refused_without_blocking(void **state)
{
    (void)state;
    char fifo[300];
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(10); /* a blocking open would hang here: fail instead */
    expect_refused(fifo, "FIFO", KM_E_IO);
    char err[512];
    assert_false(km_file_check_regular(fifo, 1 << 20, err, sizeof err)); /* the font's check */
    assert_non_null(strstr(err, "FIFO"));
    alarm(0);
}

static void test_folder_and_device_refused(void **state)
{
    (void)state;
    expect_refused(dir, "a folder", KM_E_IO);
    expect_refused("/dev/zero", "a device", KM_E_IO);
}

static void test_oversized_refused_by_fstat(void **state)
{
    (void)state;
    char big[300];
    snprintf(big, sizeof big, "%s/sparse.json", dir);
    int fd = open(big, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 2LL << 30), 0); /* 2 GB, sparse */
    close(fd);
    expect_refused(big, "at most", KM_E_LIMIT);
}

static void test_read_error_is_io(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    char *buf;
    size_t len;
    /* a folder opened O_RDONLY fails at read (EISDIR) - but fstat refuses it
     * first; a read error proper comes from /proc/self/mem at offset 0 */
    assert_int_equal(km_file_read("/proc/self/mem", 1 << 20, "test file", 0, &buf, &len, NULL, &d), -1);
    assert_int_equal(d.items[0].code, KM_E_IO);
    assert_non_null(strstr(d.items[0].text, "cannot read: "));
    km_diag_release(&d);
}

static void test_identity_has_nanoseconds(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/a.json", dir);
    write_text(path, "{}");
    km_file_id a, b;
    assert_true(km_file_id_of(path, &a));
    struct timespec ts[2] = {{0, UTIME_OMIT}, {(time_t)a.mtime_s, (a.mtime_ns + 1) % 1000000000}};
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
    assert_true(km_file_id_of(path, &b));
    assert_false(km_file_id_equal(&a, &b)); /* same second, same size: still a change */
    char *buf;
    size_t len;
    km_file_id r;
    km_diag d;
    km_diag_init(&d);
    assert_int_equal(km_file_read(path, 100, "test", 0, &buf, &len, &r, &d), 0);
    assert_true(km_file_id_equal(&r, &b));
    assert_int_equal(len, 2);
    free(buf);
    km_diag_release(&d);
}

/* export_retention_days: knotmap's own older files go, nothing else. */
static void make_aged(const char *name, int days_old)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    write_text(path, "x");
    struct timespec ts[2] = {{time(NULL) - days_old * 86400L, 0}, {time(NULL) - days_old * 86400L, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static bool exists(const char *name)
{
    char path[400];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

static void test_retention_deletes_only_old_own_files(void **state)
{
    (void)state;
    make_aged("knotmap-20200101-101010.png", 30);
    make_aged("knotmap-marks-20200101-101010.json", 8);
    make_aged("knotmap-20260101-101010.png", 2);
    make_aged("holiday.png", 30);
    make_aged("victim.txt", 30);
    char link[400], victim[400];
    snprintf(link, sizeof link, "%s/knotmap-link.png", dir);
    snprintf(victim, sizeof victim, "%s/victim.txt", dir);
    assert_int_equal(symlink(victim, link), 0);
    assert_int_equal(km_retention_sweep(dir, 7, time(NULL)), 2);
    assert_false(exists("knotmap-20200101-101010.png"));
    assert_false(exists("knotmap-marks-20200101-101010.json"));
    assert_true(exists("knotmap-20260101-101010.png"));
    assert_true(exists("holiday.png"));
    assert_true(exists("knotmap-link.png"));
    assert_true(exists("victim.txt"));
    assert_int_equal(km_retention_sweep(dir, 0, time(NULL)), 0); /* 0 = keep */
    /* A kiosk keeps 7 days unless told otherwise; the desktop keeps all. */
    km_config c;
    km_config_init(&c);
    km_app_settings set;
    c.kiosk = 1;
    km_app_settings_from_config(&set, &c);
    assert_int_equal(set.retention_days, 7);
    assert_int_equal(set.export_mode, 0600);
    c.kiosk = 0;
    km_app_settings_from_config(&set, &c);
    assert_int_equal(set.retention_days, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_marks_save_does_not_follow_symlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_symlink_not_followed_both_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_saves_same_second_two_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_mode_given, setup, teardown),
        cmocka_unit_test_setup_teardown(test_marks_save_path_symlinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_writer_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_refused_without_blocking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_and_device_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_refused_by_fstat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_error_is_io, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_has_nanoseconds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention_deletes_only_old_own_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
