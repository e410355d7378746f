/*
 * test_alloc_fail.c - SQLite's allocation-failure loop on the loader: load
 * an atlas with the Nth allocation failing, for N = 0, 1, 2, ... until the
 * load succeeds.  Every failing load must return NULL with a clean "out of
 * memory" problem reported (never a crash, never a half-built atlas); the
 * sanitizer build (KNOTMAP_SANITIZE) runs the same loop under LeakSanitizer,
 * which fails the test if any of those paths leaks.
 *
 * KM_ALLOC_STRIDE=K tries every Kth N for the bundled atlas (default 1:
 * every N); the fixtures are always tried at every N.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/alloc.h"
#include "core/atlas.h"

/* Returns the number of allocations the successful load needed. */
static long fail_every_n(const char *path, long stride)
{
    km_diag d;
    km_diag_init(&d);
    long n = 0;
    for (;; n += stride) {
        km_alloc_fail_after(n);
        km_atlas *a = km_atlas_load(path, &d);
        km_alloc_fail_after(-1);
        if (a) {
            km_atlas_free(a);
            break;
        }
        /* The failure is reported, and reported as what it is. */
        if (d.count == 0 && d.dropped == 0)
            fail_msg("%s: load failed at allocation %ld with no problem reported", path, n);
        if (d.count > 0 && !km_diag_has(&d, KM_E_NOMEM))
            fail_msg("%s: allocation %ld failed but the report was: %s", path, n, d.items[0].text);
        km_diag_clear(&d);
        if (n > 10000000)
            fail_msg("%s: never succeeded", path);
    }
    km_diag_release(&d);
    return n;
}

static void path_of(char *buf, size_t cap, const char *env, const char *rel)
{
    snprintf(buf, cap, "%s/%s", getenv(env) ? getenv(env) : ".", rel);
}

static void test_minimal_fixture(void **state)
{
    (void)state;
    char p[4096];
    path_of(p, sizeof p, "KM_TESTS_DIR", "data/good-minimal.json");
    long n = fail_every_n(p, 1);
    assert_true(n > 10); /* it really allocates, so the loop really ran */
}

static void test_lookup_fixture(void **state)
{
    (void)state;
    char p[4096];
    path_of(p, sizeof p, "KM_TESTS_DIR", "data/lookup.json");
    assert_true(fail_every_n(p, 1) > 10);
}

static void test_bundled_atlas(void **state)
{
    (void)state;
    char p[4096];
    path_of(p, sizeof p, "KM_DATA_DIR", "knotmap.json");
    long stride = getenv("KM_ALLOC_STRIDE") ? atol(getenv("KM_ALLOC_STRIDE")) : 1;
    if (stride < 1)
        stride = 1;
    long n = fail_every_n(p, stride);
    printf("bundled atlas: loaded after %ld injected failures (every %ld)\n", n / stride, stride);
    assert_true(n > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_fixture),
        cmocka_unit_test(test_lookup_fixture),
        cmocka_unit_test(test_bundled_atlas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
