/*
 * km_test_app.h - what the app's tests share: a text measure with no font
 * (half the font size a character, lines 5/4 of the size), and settings
 * with the defaults those tests start from.
 */
#ifndef KM_TEST_APP_H
#define KM_TEST_APP_H

#include <string.h>

#include "app/app.h"

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

#endif
