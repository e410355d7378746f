/*
 * km_test.h - what the C tests share: loading an atlas that CTest points at
 * through the environment (KM_DATA_DIR for the bundled atlas, KM_TESTS_DIR
 * for the fixtures in tests/data), never through the current directory,
 * with every problem printed so a failing load says why.
 */
#ifndef KM_TEST_H
#define KM_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "core/atlas.h"

/* Load getenv(env)/rel (fallback_dir/rel when env is unset); NULL if it
 * does not load, after printing each problem on stderr. */
static inline km_atlas *km_test_load(const char *env, const char *fallback_dir, const char *rel)
{
    char path[4096];
    const char *dir = getenv(env);
    snprintf(path, sizeof path, "%s/%s", dir ? dir : fallback_dir, rel);
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load(path, &d);
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "%s\n", d.items[i].text);
    km_diag_release(&d);
    return a;
}

/* The bundled atlas, data/knotmap.json. */
static inline km_atlas *km_test_load_bundled(void) { return km_test_load("KM_DATA_DIR", "data", "knotmap.json"); }

/* A fixture from tests/data, e.g. "lookup.json". */
static inline km_atlas *km_test_load_fixture(const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "data/%s", name);
    return km_test_load("KM_TESTS_DIR", "tests", rel);
}

#endif
