/*
 * km_test_app.h - what the app's tests share: a text measure with no font
 * (half the font size a character, lines 5/4 of the size), and settings
 * with the defaults those tests start from.
 */
#ifndef KM_TEST_APP_H
#define KM_TEST_APP_H

#include <string.h>

#include "app/app.h"
#include "chart/layout.h"

static inline int km_test_fake_w(void *ctx, const char *t, int px, bool bold)
{
    (void)ctx, (void)bold;
    return (int)strlen(t) * px / 2;
}

static inline int km_test_fake_wrap(void *ctx, const char *t, int px, bool bold, int w)
{
    return (km_test_fake_w(ctx, t, px, bold) / (w > 0 ? w : 1) + 1) * px * 5 / 4;
}

/* The measure above, for km_app_set_measure. */
static inline km_measure km_test_measure(void) { return (km_measure){NULL, km_test_fake_w, km_test_fake_wrap}; }

/* Settings: a 90 s idle time, a 10 s countdown, start_mode, errors only in
 * the log; everything else off or empty. */
static inline km_app_settings km_test_settings(km_mode start_mode)
{
    km_app_settings s;
    memset(&s, 0, sizeof s);
    s.idle_timeout_s = 90;
    s.countdown_s = 10;
    s.start_mode = start_mode;
    s.log_level = KM_LOG_ERROR;
    return s;
}

/* Where view point p of atlas view `view` is on the app's screen now (the
 * app's own layout); -1, -1 when the view is not shown. */
static inline km_vec2 km_test_screen_of(km_app *app, int view, km_vec2 p)
{
    km_app_layout(app);
    km_layout L;
    km_app_chart(app, &L);
    int i = km_layout_find(&L, view);
    return i >= 0 ? km_layout_to_screen(&L, i, p) : (km_vec2){-1, -1};
}

/* A finger's tap (down, and up 80 ms later) at screen point s at time t. */
static inline void km_test_tap(km_app *app, km_vec2 s, uint64_t t)
{
    km_input down = {.kind = KM_IN_DOWN, .pointer = 1, .touch = true, .x = s.x, .y = s.y, .time_ms = t};
    km_input up = down;
    up.kind = KM_IN_UP;
    up.time_ms = t + 80;
    km_app_input(app, &down);
    km_app_input(app, &up);
}

#endif
