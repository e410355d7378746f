/*
 * check.c - where a failed KM_ASSERT ends up (see check.h).
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

static km_assert_handler g_handler;

void km_assert_set_handler(km_assert_handler h) { g_handler = h; }

_Noreturn void km_assert_fail(const char *cond, const char *file, int line, const char *func)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s:%d: %s: assertion failed: %s", file, line, func, cond);
    if (g_handler)
        g_handler(msg); /* a test's handler longjmps out and never comes back */
    fprintf(stderr, "knotmap: %s\n", msg);
    fflush(stderr);
    abort();
}
