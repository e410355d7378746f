/*
 * test_soak_regress.c - the crashes and sanitizer reports the soak test
 * (test_soak.c) found, each reduced to the few inputs that reproduce it, so
 * they stay fixed and do not hide behind the soak's first abort.  Under the
 * KNOTMAP_SANITIZE build each fails loudly while its bug is there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"
#include "core/atlas.h"
#include "core/lookup.h"
#include "km_test.h"

static int text_w(void *ctx, const char *t, int px, bool bold)
{
    (void)ctx, (void)bold;
    return (int)strlen(t) * px / 2;
}
static int wrap_h(void *ctx, const char *t, int px, bool bold, int w)
{
    return (text_w(ctx, t, px, bold) / (w > 0 ? w : 1) + 1) * px * 5 / 4;
}
static void quiet_log(void *ctx, const char *line) { (void)ctx, (void)line; }

/* Regression (found by this soak under UBSan): a point lookup that finds
 * nothing used to hand qsort a NULL array (src/core/lookup.c
 * candidates_sort), undefined behaviour even for zero items. */
static void test_lookup_nothing_there(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("lookup.json");
    assert_non_null(a);
    km_candidates c;
    km_candidates_init(&c);
    assert_true(km_lookup_point(a, 0, (km_vec2){-5000, -5000}, &c));
    assert_int_equal(c.count, 0);
    km_candidates_release(&c);
    km_atlas_free(a);
}

/* Regression (found by this soak under UBSan): a pinch whose second finger
 * lands in the diagram but outside every view marks both fingers as on the
 * diagram (src/app/app.c pinch_begin) while that finger's view stays -1;
 * lift the first finger and move the second, and pointer_move reads
 * app->xf[-1] (src/app/app.c pointer_move, fixed); the app must keep going. */
static void test_pinch_off_view_then_drag(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("lookup.json");
    assert_non_null(a);
    static km_app app;
    km_app_settings set;
    memset(&set, 0, sizeof set);
    set.idle_timeout_s = 90;
    set.countdown_s = 10;
    set.log_level = KM_LOG_INFO;
    snprintf(set.export_dir, sizeof set.export_dir, "/tmp");
    km_app_init(&app, a, &set, 1000);
    km_app_set_log(&app, quiet_log, NULL);
    km_app_set_measure(&app, (km_measure){NULL, text_w, wrap_h});
    km_input e = {.kind = KM_IN_RESIZE, .time_ms = 1000, .w = 1600, .h = 1000, .scale = 1};
    km_app_input(&app, &e);
    km_app_layout(&app);
    km_rect dg = app.diagram;
    assert_true(dg.w > 100 && dg.h > 100);
    /* A finger on the first view, the other on the key: paper, no view. */
    km_layout L;
    km_app_chart(&app, &L);
    assert_true(L.nviews > 0 && L.legend.w > 0);
    km_vec2 mid = km_layout_to_screen(&L, 0, (km_vec2){L.v[0].w * 0.5f, L.v[0].h * 0.5f});
    float vx = mid.x, gx = (float)L.legend.x + 4, y = mid.y;
    assert_true(km_layout_hit(&L, vx, y, NULL) == 0 && km_layout_hit(&L, gx, y, NULL) < 0);
    uint64_t t = 1100;
    km_input seq[] = {
        {.kind = KM_IN_DOWN, .time_ms = t, .pointer = 1, .touch = true, .x = vx, .y = y},
        {.kind = KM_IN_DOWN, .time_ms = t + 10, .pointer = 2, .touch = true, .x = gx, .y = y},
        {.kind = KM_IN_MOVE, .time_ms = t + 30, .pointer = 2, .touch = true, .x = gx + 40, .y = y},
        {.kind = KM_IN_UP, .time_ms = t + 50, .pointer = 1, .touch = true, .x = vx, .y = y},
        {.kind = KM_IN_MOVE, .time_ms = t + 70, .pointer = 2, .touch = true, .x = gx + 80, .y = y + 30},
        {.kind = KM_IN_UP, .time_ms = t + 90, .pointer = 2, .touch = true, .x = gx + 80, .y = y + 30},
    };
    for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++)
        km_app_input(&app, &seq[i]);
    assert_false(app.ptr[0].down || app.ptr[1].down);
    km_app_release(&app);
    km_atlas_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_lookup_nothing_there),
                                       cmocka_unit_test(test_pinch_off_view_then_drag)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
