/*
 * test_print.c - printing a handout through a private CUPS scheduler.
 *
 * setup starts Debian's cupsd on a configuration folder and socket of its
 * own (nothing of the machine's CUPS is used or changed) with one printer,
 * "knotmap-file", whose device is a file and whose PPD passes PDF through
 * unchanged (tests/data/cups/knotmap-file.ppd).  The test prints a handout
 * with km_print_pdf, waits for the job to complete, and checks that the
 * file the printer produced is that PDF, byte for byte; a printer that does
 * not exist is an error that names it.  Then the program's own command,
 * `knotmap handout --print knotmap-file --out FILE`, is run the same way,
 * and the window's Print handout request is carried out by the host.
 * cupsd needs root here: the test is skipped (saying why) when not root
 * or when cupsd is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "draw/host.h"
#include "handout/handout.h"
#include "handout/print.h"
#include "km_test.h"

static char dir[] = "/tmp/km-cups-XXXXXX";
static pid_t cupsd_pid = -1;
static const char *skip_reason;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int start_cupsd(void)
{
    char path[256], text[2048], sock[256];
    snprintf(sock, sizeof sock, "%s/cups.sock", dir);
    const char *sub[] = {"spool", "cache", "state", "log", "tmp", "out", "conf", "conf/ppd"};
    for (size_t i = 0; i < sizeof sub / sizeof *sub; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, sub[i]);
        if (mkdir(path, 0755) != 0)
            return -1;
    }
    snprintf(path, sizeof path, "%s/tmp", dir);
    chmod(path, 01777);
    chmod(dir, 0755);
    snprintf(text, sizeof text,
             "Listen %s\nLogLevel warn\nBrowsing No\nDefaultAuthType None\nWebInterface No\n"
             "<Location />\n Order allow,deny\n Allow all\n</Location>\n"
             "<Location /admin>\n Order allow,deny\n Allow all\n</Location>\n"
             "<Policy default>\n <Limit All>\n  Order deny,allow\n </Limit>\n</Policy>\n",
             sock);
    snprintf(path, sizeof path, "%s/cupsd.conf", dir);
    write_file(path, text);
    snprintf(text, sizeof text,
             "ServerRoot %s/conf\nRequestRoot %s/spool\nCacheDir %s/cache\nStateDir %s/state\nTempDir %s/tmp\n"
             /* this cupsd wants a value for Printcap (an empty one stops it): the test's own file */
             "ServerBin /usr/lib/cups\nDataDir /usr/share/cups\nFileDevice Yes\nPrintcap %s/printcap\n"
             "ErrorLog %s/log/error_log\nAccessLog %s/log/access_log\nPageLog %s/log/page_log\n",
             dir, dir, dir, dir, dir, dir, dir, dir, dir);
    snprintf(path, sizeof path, "%s/cups-files.conf", dir);
    write_file(path, text);

    cupsd_pid = fork();
    if (cupsd_pid == 0) {
        char c[256], s[256];
        snprintf(c, sizeof c, "%s/cupsd.conf", dir);
        snprintf(s, sizeof s, "%s/cups-files.conf", dir);
        execl("/usr/sbin/cupsd", "cupsd", "-f", "-c", c, "-s", s, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && access(sock, F_OK) != 0; i++)
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    if (access(sock, F_OK) != 0)
        return -1;
    setenv("CUPS_SERVER", sock, 1);
    char cmd[1024];
    const char *tests = getenv("KM_TESTS_DIR");
    snprintf(cmd, sizeof cmd,
             "lpadmin -h '%s' -p knotmap-file -v 'file://%s/out/handout.pdf' -E -P '%s/data/cups/knotmap-file.ppd'"
             " 2>/dev/null",
             sock, dir, tests ? tests : "tests");
    return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        skip_reason = "cupsd on a private socket needs root here";
        return 0;
    }
    if (access("/usr/sbin/cupsd", X_OK) != 0 || system("command -v lpadmin >/dev/null") != 0) {
        skip_reason = "cupsd and lpadmin are not installed (sh tools/dev.sh deps installs them)";
        return 0;
    }
    if (!mkdtemp(dir))
        return -1;
    return start_cupsd();
}

static int teardown(void **state)
{
    (void)state;
    if (cupsd_pid > 0) {
        kill(cupsd_pid, SIGTERM);
        waitpid(cupsd_pid, NULL, 0);
    }
    if (strstr(dir, "XXXXXX"))
        return 0;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_print_to_file_printer(void **state)
{
    (void)state;
    if (skip_reason) {
        printf("skipped: %s\n", skip_reason);
        skip();
    }
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    km_scene_sel sel = {.muscle = km_atlas_muscle_index(a, "upper_trapezius"), .side = KM_SIDE_RIGHT};
    km_handout h = {.atlas = a, .muscles = &sel, .muscle_count = 1, .date = "2026-11-25"};
    km_bytes pdf = {0};
    char err[512];
    assert_true(km_handout_pdf(&h, &pdf, err, sizeof err) > 0);

    int job = km_print_pdf("knotmap-file", "knotmap handout", pdf.data, pdf.len, err, sizeof err);
    if (job <= 0)
        fail_msg("print failed: %s", err);
    int st = km_print_wait("knotmap-file", job, 20000, err, sizeof err);
    if (st != 1)
        fail_msg("job %d did not complete: %d %s", job, st, err);

    char path[256];
    snprintf(path, sizeof path, "%s/out/handout.pdf", dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *got = malloc(pdf.len + 1);
    assert_non_null(got);
    size_t n = fread(got, 1, pdf.len + 1, f);
    fclose(f);
    assert_int_equal(n, pdf.len);
    assert_memory_equal(got, pdf.data, pdf.len);
    assert_memory_equal(got, "%PDF-", 5);
    free(got);
    km_bytes_release(&pdf);
    km_atlas_free(a);
}

static void test_unknown_printer_is_named(void **state)
{
    (void)state;
    if (skip_reason) {
        printf("skipped: %s\n", skip_reason);
        skip();
    }
    char err[512];
    unsigned char doc[] = "%PDF-1.4\n";
    assert_int_equal(km_print_pdf("no-such-printer", "t", doc, sizeof doc - 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "no-such-printer"));
}

/* Read a whole file (malloc'd); NULL if it cannot be read. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0, k;
    unsigned char *b = malloc(cap);
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0)
        if ((n += k) == cap)
            b = realloc(b, cap *= 2);
    fclose(f);
    *len = n;
    return b;
}

/* `knotmap handout --print knotmap-file --out FILE`: the program's own
 * command saves the handout and prints it; the job completes and the
 * printer's file is the saved PDF, byte for byte.  A printer that does
 * not exist fails the command (exit 1) with its name in the message. */
static void test_cli_handout_print(void **state)
{
    (void)state;
    if (skip_reason) {
        printf("skipped: %s\n", skip_reason);
        skip();
    }
    const char *knotmap = getenv("KNOTMAP");
    assert_non_null(knotmap);
    char cmd[2048], saved[256], printed[256], out[256];
    snprintf(saved, sizeof saved, "%s/saved.pdf", dir);
    snprintf(printed, sizeof printed, "%s/out/handout.pdf", dir);
    snprintf(out, sizeof out, "%s/cli.out", dir);
    unlink(printed);
    snprintf(cmd, sizeof cmd,
             "'%s' handout --select upper_trapezius --notes 'Printed from the command line.' --print knotmap-file"
             " --out '%s' >'%s' 2>&1",
             knotmap, saved, out);
    int rc = system(cmd);
    size_t n_out = 0, n_saved = 0, n_printed = 0;
    unsigned char *said = slurp(out, &n_out);
    if (rc != 0)
        fail_msg("%s: exit %d: %.*s", cmd, rc, (int)n_out, said ? (const char *)said : "");
    assert_non_null(strstr((const char *)said, "printed job "));
    free(said);
    unsigned char *a = slurp(saved, &n_saved), *b = slurp(printed, &n_printed);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(n_saved > 1000);
    assert_int_equal(n_printed, n_saved);
    assert_memory_equal(a, b, n_saved);
    free(a);
    free(b);

    snprintf(cmd, sizeof cmd, "'%s' handout --select upper_trapezius --print no-such-printer >'%s' 2>&1", knotmap, out);
    rc = system(cmd);
    assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
    said = slurp(out, &n_out);
    assert_non_null(said);
    said[n_out ? n_out - 1 : 0] = 0;
    assert_non_null(strstr((const char *)said, "no-such-printer"));
    free(said);
}

/* The window's Print handout: the app asks (KM_ACT_HANDOUT), the host
 * (km_host_serve, as the window's loop) makes the handout and queues it on
 * the `printer` setting's printer; the status line names the job, which
 * completes, and the printer's file is a handout. */
static void test_window_print_request(void **state)
{
    (void)state;
    if (skip_reason) {
        printf("skipped: %s\n", skip_reason);
        skip();
    }
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    km_app_settings set;
    memset(&set, 0, sizeof set);
    set.idle_timeout_s = 90, set.countdown_s = 10, set.start_mode = KM_MODE_MARK, set.log_level = KM_LOG_WARN;
    snprintf(set.printer, sizeof set.printer, "knotmap-file");
    snprintf(set.clinic_name, sizeof set.clinic_name, "Riverside Physiotherapy");
    km_app *app = calloc(1, sizeof *app);
    assert_non_null(app);
    km_app_init(app, a, &set, 1000);
    assert_true(km_history_pin(&app->marks, km_atlas_view_index(a, "back"), (km_vec2){600, 340}, 7));
    char printed[256];
    snprintf(printed, sizeof printed, "%s/out/handout.pdf", dir);
    unlink(printed);
    km_app_action(app, KM_ACT_HANDOUT, KM_HANDOUT_PRINT, 0);
    km_host_serve(app, NULL);
    if (app->status_error)
        fail_msg("print request: %s", app->status);
    const char *j = strstr(app->status, "(job ");
    assert_non_null(j);
    assert_non_null(strstr(app->status, "knotmap-file"));
    char err[512];
    int st = km_print_wait("knotmap-file", atoi(j + 5), 20000, err, sizeof err);
    if (st != 1)
        fail_msg("job did not complete: %d %s", st, err);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext '%s' - | grep -q 'Riverside Physiotherapy'", printed);
    assert_int_equal(system(cmd), 0);
    km_app_release(app);
    free(app);
    km_atlas_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_to_file_printer),
        cmocka_unit_test(test_unknown_printer_is_named),
        cmocka_unit_test(test_cli_handout_print),
        cmocka_unit_test(test_window_print_request),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
