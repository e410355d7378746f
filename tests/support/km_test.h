/*
 * km_test.h - what the C tests share: loading an atlas that CTest points at
 * through the environment (KM_DATA_DIR for the bundled atlas, KM_TESTS_DIR
 * for the fixtures in tests/data), never through the current directory,
 * with every problem printed so a failing load says why.
 */
#ifndef KM_TEST_H
#define KM_TEST_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* cmocka group setup and teardown for tests of the bundled atlas, which
 * they keep in *slot. */
static inline int km_test_bundled_setup(km_atlas **slot)
{
    *slot = km_test_load_bundled();
    return *slot ? 0 : -1;
}
static inline int km_test_bundled_teardown(km_atlas **slot)
{
    km_atlas_free(*slot);
    *slot = NULL;
    return 0;
}

/* A fixture from tests/data, e.g. "lookup.json". */
static inline km_atlas *km_test_load_fixture(const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "data/%s", name);
    return km_test_load("KM_TESTS_DIR", "tests", rel);
}

static inline int km_test_cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the files in KM_TESTS_DIR/rel (not starting with '.'),
 * sorted, each malloc'd; at most max.  Returns how many, or -1 if the
 * folder cannot be read. */
static inline int km_test_list(const char *rel, char **names, int max)
{
    char path[4096];
    const char *dir = getenv("KM_TESTS_DIR");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests", rel);
    DIR *dh = opendir(path);
    if (!dh)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) && n < max)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(dh);
    qsort(names, (size_t)n, sizeof *names, km_test_cmp_name);
    return n;
}

/* Read a whole file into a malloc'd buffer (NUL-terminated); NULL if it
 * cannot be read. */
static inline char *km_test_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            char *b = realloc(buf, ncap + 1);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

#endif
