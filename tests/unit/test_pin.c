/*
 * test_pin.c - the administrator PIN and the configuration file's guards
 * (issue 11):
 *   * the hash is salted yescrypt in crypt format: the same PIN hashes
 *     differently twice, both verify, a wrong PIN does not;
 *   * PINs of 4 to 12 digits, nothing else;
 *   * the lockout: 3 wrong PINs lock for 30 s, then 60, ... up to 15 min;
 *     a right PIN forgets it; the lock survives a "restart" through the
 *     state file, and a clock set back cannot stretch it;
 *   * the configuration refuses admin_pin_sha256 (with the way to migrate),
 *     a duplicated key, a file others may write, an unbalanced quote;
 *   * the kiosk's log redaction keeps no patient data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/config.h"
#include "app/logpriv.h"
#include "app/pinhash.h"
#include "app/pinlock.h"

static void test_hash_salted_and_verified(void **state)
{
    (void)state;
    char a[KM_PIN_HASH_MAX], b[KM_PIN_HASH_MAX], err[256];
    assert_true(km_pin_hash("2468", a, sizeof a, err, sizeof err));
    assert_true(km_pin_hash("2468", b, sizeof b, err, sizeof err));
    assert_memory_equal(a, "$y$", 3);
    assert_string_not_equal(a, b); /* a fresh salt each time */
    assert_true(km_pin_hash_valid(a));
    assert_true(km_pin_verify("2468", a));
    assert_true(km_pin_verify("2468", b));
    assert_false(km_pin_verify("2469", a));
    assert_false(km_pin_verify("24680", a));
    assert_false(km_pin_verify("", a));
    /* the old unsalted SHA-256 of 2468 is not a hash we accept */
    assert_false(km_pin_hash_valid("a1fb4e703a9ef1fa4936801721ff285a97ac85330856674412e054892afe6972"));
    /* 12 digits work end to end (8 was the old pad's silent maximum) */
    assert_true(km_pin_hash("123456789012", a, sizeof a, err, sizeof err));
    assert_true(km_pin_verify("123456789012", a));
    assert_false(km_pin_verify("12345678", a));
}

static void test_pin_length_and_digits(void **state)
{
    (void)state;
    assert_false(km_pin_valid("123"));
    assert_true(km_pin_valid("1234"));
    assert_true(km_pin_valid("123456789012"));
    assert_false(km_pin_valid("1234567890123"));
    assert_false(km_pin_valid("12a4"));
    assert_false(km_pin_valid(" 1234"));
    assert_false(km_pin_valid(NULL));
    char out[KM_PIN_HASH_MAX], err[256];
    assert_false(km_pin_hash("12", out, sizeof out, err, sizeof err));
    assert_non_null(strstr(err, "4 to 12 digits"));
}

static void test_lockout_doubles_to_fifteen_minutes(void **state)
{
    (void)state;
    km_pinlock l;
    km_pinlock_init(&l);
    uint64_t t = 1000;
    int expect[] = {30, 60, 120, 240, 480, 900, 900};
    for (int round = 0; round < 7; round++) {
        assert_int_equal(km_pinlock_remaining(&l, t), 0);
        assert_int_equal(km_pinlock_wrong(&l, t), 0);
        assert_int_equal(km_pinlock_tries_left(&l), 2);
        assert_int_equal(km_pinlock_wrong(&l, t), 0);
        assert_int_equal(km_pinlock_tries_left(&l), 1);
        assert_int_equal(km_pinlock_wrong(&l, t), expect[round]);
        assert_int_equal(km_pinlock_remaining(&l, t), expect[round]);
        assert_int_equal(km_pinlock_wrong(&l, t + 1), 0); /* nothing counts while locked */
        assert_int_equal(km_pinlock_remaining(&l, t + (uint64_t)expect[round] * 1000 - 1), 1);
        t += (uint64_t)expect[round] * 1000;
    }
    km_pinlock_right(&l);
    assert_int_equal(km_pinlock_wrong(&l, t), 0);
    assert_int_equal(km_pinlock_wrong(&l, t), 0);
    assert_int_equal(km_pinlock_wrong(&l, t), 30); /* a right PIN starts over */
}

static void test_lockout_survives_restart(void **state)
{
    (void)state;
    char dir[] = "/tmp/km-pinlock-XXXXXX", path[256], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/state/knotmap/pinlock", dir);
    km_pinlock l, r;
    km_pinlock_init(&l);
    for (int i = 0; i < 3; i++)
        km_pinlock_wrong(&l, 5000);
    km_pinlock_wrong(&l, 5000); /* locked: 30 s */
    assert_int_equal(km_pinlock_save(&l, path, 5000, 1700000000, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* The program restarts 10 s later, with its monotonic clock back at 0. */
    km_pinlock_load(&r, path, 0, 1700000010);
    assert_int_equal(km_pinlock_remaining(&r, 0), 20);
    assert_int_equal(r.lockouts, 1);
    /* The clock set back a day cannot make the lock longer than 15 min. */
    km_pinlock_load(&r, path, 0, 1700000000 - 86400);
    assert_int_equal(km_pinlock_remaining(&r, 0), KM_PINLOCK_MAX_S);
    /* A missing or garbled file is no lock. */
    unlink(path);
    km_pinlock_load(&r, path, 0, 1700000010);
    assert_int_equal(km_pinlock_remaining(&r, 0), 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_config_refuses_old_key_duplicates_and_quotes(void **state)
{
    (void)state;
    km_config c;
    km_config_init(&c);
    km_diag d;
    km_diag_init(&d);
    const char *text = "admin_pin_sha256 = a1fb4e703a9ef1fa4936801721ff285a97ac85330856674412e054892afe6972\n"
                       "idle_timeout = 60\n"
                       "export_dir = \"\n"
                       "idle_timeout = 10\n";
    assert_int_equal(km_config_parse(&c, "k.conf", text, &d), -1);
    assert_int_equal(d.count, 3);
    assert_non_null(strstr(d.items[0].text, "k.conf:1"));
    assert_non_null(strstr(d.items[0].text, "admin_pin_sha256"));
    assert_non_null(strstr(d.items[0].text, "knotmap hash-pin"));
    assert_non_null(strstr(d.items[1].text, "k.conf:3"));
    assert_non_null(strstr(d.items[1].text, "export_dir"));
    assert_non_null(strstr(d.items[2].text, "k.conf:4"));
    assert_non_null(strstr(d.items[2].text, "idle_timeout"));
    assert_non_null(strstr(d.items[2].text, "line 2"));
    assert_int_equal(c.idle_timeout, 60); /* the second one changed nothing */
    assert_string_equal(c.export_dir, "");
    km_diag_release(&d);
}

static void test_config_new_keys(void **state)
{
    (void)state;
    char hash[KM_PIN_HASH_MAX], err[256], text[600];
    assert_true(km_pin_hash("9753", hash, sizeof hash, err, sizeof err));
    snprintf(text, sizeof text, "admin_pin_hash = %s\nexport_mode = 0640\nexport_retention_days = 30\n", hash);
    km_config c;
    km_config_init(&c);
    km_diag d;
    km_diag_init(&d);
    assert_int_equal(km_config_parse(&c, "k.conf", text, &d), 0);
    assert_string_equal(c.admin_pin_hash, hash);
    assert_int_equal(c.export_mode, 0640);
    assert_int_equal(c.export_retention_days, 30);
    const char *bad = "export_mode = 0400\nexport_retention_days = -1\nadmin_pin_hash = $1$abc$def\n";
    assert_int_equal(km_config_parse(&c, "k.conf", bad, &d), -1);
    assert_int_equal(d.count, 3);
    km_diag_release(&d);
}

static void test_config_writable_by_others_refused(void **state)
{
    (void)state;
    char path[] = "/tmp/km-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "kiosk = true\n", 13), 13);
    close(fd);
    km_config c;
    km_diag d;
    km_diag_init(&d);
    for (int mode = 0; mode < 3; mode++) {
        mode_t m = mode == 0 ? 0600 : mode == 1 ? 0620 : 0646;
        assert_int_equal(chmod(path, m), 0);
        km_config_init(&c);
        km_diag_clear(&d);
        int rc = km_config_load(&c, path, true, &d);
        if (mode == 0) {
            assert_int_equal(rc, 0);
            assert_int_equal(c.kiosk, 1);
        } else {
            assert_int_equal(rc, -1);
            assert_int_equal(c.kiosk, -1); /* nothing taken from it */
            assert_non_null(strstr(d.items[0].text, path));
            assert_non_null(strstr(d.items[0].text, "chmod go-w"));
        }
    }
    km_diag_release(&d);
    unlink(path);
}

static void test_log_redaction(void **state)
{
    (void)state;
    struct {
        const char *in, *out;
    } cases[] = {
        {"mark pin view=back x=470 y=649 intensity=5", "mark pin"},
        {"where view=back x=470 y=649 area=interscapular candidates=3 top=rhomboids", "where"},
        {"select muscle=upper_trapezius side=left view=back", "select"},
        {"timer start stretch=levator_scapulae seconds=30", "timer start seconds=30"},
        {"kiosk-ignored key=escape", "kiosk-ignored key=escape"},
        {"admin-locked seconds=30", "admin-locked seconds=30"},
        {"export path=/srv/x/knotmap-20260101-101010.png", "export path=/srv/x/knotmap-20260101-101010.png"},
        {"mode where-it-hurts", "mode where-it-hurts"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char line[256];
        snprintf(line, sizeof line, "%s", cases[i].in);
        km_log_redact(line);
        assert_string_equal(line, cases[i].out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_salted_and_verified),
        cmocka_unit_test(test_pin_length_and_digits),
        cmocka_unit_test(test_lockout_doubles_to_fifteen_minutes),
        cmocka_unit_test(test_lockout_survives_restart),
        cmocka_unit_test(test_config_refuses_old_key_duplicates_and_quotes),
        cmocka_unit_test(test_config_new_keys),
        cmocka_unit_test(test_config_writable_by_others_refused),
        cmocka_unit_test(test_log_redaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
