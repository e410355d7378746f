/*
 * test_handoff.c - the kiosk's "Send to my clinician" and the clinician's
 * `knotmap run --code`, through the program's own host routines.
 *
 * A kiosk patient drops a pin and presses Send: the app only asks
 * (want_handoff); km_host_serve saves knotmap-handoff-CODE.png and .json in
 * the export folder and the app shows the code, never a path.  A second
 * app, the clinician's, opens the code as typed ("k7p-4qx" style) in Mark
 * pain with the pin and its candidates; an unknown code and a malformed one
 * say so plainly.
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
#include <unistd.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/handoff.h"
#include "draw/host.h"
#include "km_test.h"
#include "km_test_app.h"

static char dir[] = "/tmp/km-handoff-XXXXXX";
static char logbuf[16384];

static void capture(void *ctx, const char *line)
{
    (void)ctx;
    strncat(logbuf, line, sizeof logbuf - strlen(logbuf) - 2);
    strcat(logbuf, "\n");
}

static void start(km_app *app, const km_atlas *a, bool kiosk)
{
    km_app_settings s = km_test_settings(KM_MODE_MARK);
    s.kiosk = kiosk;
    s.log_level = KM_LOG_INFO;
    snprintf(s.export_dir, sizeof s.export_dir, "%s", dir);
    km_app_init(app, a, &s, 1000);
    km_app_set_log(app, capture, NULL);
    if (kiosk) { /* the first touch dismisses the attract screen */
        km_app_input(app, &(km_input){.kind = KM_IN_DOWN, .pointer = 1, .touch = true, .x = 900, .y = 400, .time_ms = 1000});
        km_app_input(app, &(km_input){.kind = KM_IN_UP, .pointer = 1, .touch = true, .x = 900, .y = 400, .time_ms = 1050});
    }
}

static void test_codes(void **state)
{
    (void)state;
    char code[KM_HANDOFF_LEN + 1], shown[KM_HANDOFF_LEN + 2];
    const uint8_t rnd[KM_HANDOFF_LEN] = {0, 1, 2, 200, 250, 255};
    km_handoff_code(rnd, code);
    assert_int_equal(strlen(code), KM_HANDOFF_LEN);
    for (int i = 0; i < KM_HANDOFF_LEN; i++)
        assert_non_null(strchr(KM_HANDOFF_ALPHABET, code[i]));
    km_handoff_show("K7P4QX", shown);
    assert_string_equal(shown, "K7P-4QX");
    assert_true(km_handoff_parse("k7p-4qx", code));
    assert_string_equal(code, "K7P4QX");
    assert_false(km_handoff_parse("K7P-4Q", code));   /* too short */
    assert_false(km_handoff_parse("K0P-4QX", code));  /* 0 is not in the alphabet (looks like O) */
    assert_false(km_handoff_parse("K7P-4QXA", code)); /* too long */
}

static void test_send_and_open(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("lookup.json");
    assert_non_null(a);
    char file[512], err[512];
    km_font *font = km_font_find(NULL, file, sizeof file, err, sizeof err) ? km_font_open(file, err, sizeof err) : NULL;
    int back = km_atlas_view_index(a, "back");

    km_app kiosk;
    start(&kiosk, a, true);
    assert_true(km_history_pin(&kiosk.marks, back, (km_vec2){700, 150}, 7));
    km_app_action(&kiosk, KM_ACT_HANDOFF, 0, 0);
    assert_true(kiosk.want_handoff);
    km_host_serve(&kiosk, font);
    assert_false(kiosk.want_handoff);
    assert_int_equal(strlen(kiosk.handoff_code), KM_HANDOFF_LEN);
    char line[64];
    snprintf(line, sizeof line, "handoff code=%s", kiosk.handoff_code);
    assert_non_null(strstr(logbuf, line));
    /* The patient sees the code, large, and nothing of the folder. */
    km_app_layout(&kiosk);
    char shown[KM_HANDOFF_LEN + 2];
    km_handoff_show(kiosk.handoff_code, shown);
    bool code_shown = false;
    for (int i = 0; i < kiosk.item_count; i++) {
        const km_ui_item *it = &kiosk.items[i];
        code_shown |= it->text && strcmp(it->text, shown) == 0 && it->px >= 48;
        assert_true(!it->text || !strstr(it->text, dir));
    }
    assert_true(code_shown);
    char png[600], json[600], name[64];
    km_handoff_name(kiosk.handoff_code, "png", name, sizeof name);
    snprintf(png, sizeof png, "%s/%s", dir, name);
    km_handoff_name(kiosk.handoff_code, "json", name, sizeof name);
    snprintf(json, sizeof json, "%s/%s", dir, name);
    assert_int_equal(access(png, R_OK), 0);
    assert_int_equal(access(json, R_OK), 0);

    /* The clinician types the code in lower case with its dash. */
    km_app desk;
    start(&desk, a, false);
    desk.mode = KM_MODE_EXPLORE;
    char typed[16];
    snprintf(typed, sizeof typed, "%.3s-%.3s", kiosk.handoff_code, kiosk.handoff_code + 3);
    for (char *p = typed; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    assert_true(km_host_open_code(&desk, typed));
    assert_int_equal(desk.mode, KM_MODE_MARK);
    int np;
    const km_pin *pins = km_history_pins(&desk.marks, &np);
    assert_int_equal(np, 1);
    assert_int_equal(pins[0].intensity, 7);
    assert_true(desk.drawn.count > 0); /* its candidates */
    /* "Open patient drawing" lists it, newest first, and opens it. */
    km_app list;
    start(&list, a, false);
    list.mode = KM_MODE_EXPLORE;
    km_app_action(&list, KM_ACT_PATIENTS, 1, 0);
    assert_true(list.inbox_open);
    km_host_serve(&list, font);
    assert_int_equal(list.inbox_count, 1);
    assert_string_equal(list.inbox[0].code, kiosk.handoff_code);
    km_app_action(&list, KM_ACT_OPEN_CODE, 0, 0);
    km_host_serve(&list, font);
    assert_false(list.inbox_open);
    assert_int_equal(list.mode, KM_MODE_MARK);
    km_history_pins(&list.marks, &np);
    assert_int_equal(np, 1);
    km_app_release(&list);
    /* A patient who only tapped in "Where does it hurt?": the muscles shown
     * for the spot go with the code. */
    km_app where;
    start(&where, a, true);
    km_app_action(&where, KM_ACT_MODE, KM_MODE_WHERE, 0);
    km_layout L;
    km_app_layout(&where);
    km_app_chart(&where, &L);
    km_vec2 p = km_layout_to_screen(&L, km_layout_find(&L, back), (km_vec2){700, 150});
    km_app_input(&where, &(km_input){.kind = KM_IN_DOWN, .pointer = 2, .touch = true, .x = p.x, .y = p.y, .time_ms = 5000});
    km_app_input(&where, &(km_input){.kind = KM_IN_UP, .pointer = 2, .touch = true, .x = p.x, .y = p.y, .time_ms = 5050});
    assert_true(where.where_set && where.where_shown.n > 0);
    km_app_action(&where, KM_ACT_HANDOFF, 0, 0);
    km_host_serve(&where, font);
    assert_int_equal(strlen(where.handoff_code), KM_HANDOFF_LEN);
    km_app seen;
    start(&seen, a, false);
    assert_true(km_host_open_code(&seen, where.handoff_code));
    assert_int_equal(seen.sel_count, where.where_shown.n);
    assert_int_equal(seen.mode, KM_MODE_EXPLORE);
    assert_int_equal(seen.sel[0].muscle, where.where_shown.s[0].muscle);
    km_app_release(&seen);
    km_app_release(&where);
    /* An unknown code, and something that is not a code. */
    assert_false(km_host_open_code(&desk, "AAA-AAA"));
    assert_non_null(strstr(desk.status, "no patient drawing with the code AAA-AAA"));
    assert_false(km_host_open_code(&desk, "hello"));
    assert_non_null(strstr(desk.status, "is not a patient code"));
    km_app_release(&desk);
    km_app_release(&kiosk);
    km_font_close(font);
    km_atlas_free(a);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
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
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_send_and_open),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
