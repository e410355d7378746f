/*
 * datafile.c - finding and loading the data file (see datafile.h).
 */
#include "datafile.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int file_exists(const char *p) { return access(p, R_OK) == 0; }

/* The bundled atlas: beside an installed binary (../share/knotmap), the
 * source tree for a build-tree binary, then the configured install dir. */
static const char *bundled(char *buf, size_t cap)
{
    const char *env = getenv("KNOTMAP_DATA");
    if (env && *env) {
        snprintf(buf, cap, "%s", env);
        return buf;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(buf, cap, "%s/../share/knotmap/knotmap.json", exe);
            if (file_exists(buf))
                return buf;
        }
    }
#ifdef KM_SOURCE_DATA_DIR
    snprintf(buf, cap, "%s/knotmap.json", KM_SOURCE_DATA_DIR);
    if (file_exists(buf))
        return buf;
#endif
#ifdef KM_INSTALL_DATA_DIR
    snprintf(buf, cap, "%s/knotmap.json", KM_INSTALL_DATA_DIR);
#else
    snprintf(buf, cap, "knotmap.json");
#endif
    return buf;
}

const char *km_data_resolve(const char *explicit_path, const char *configured, char *buf, size_t cap)
{
    if (explicit_path && *explicit_path)
        snprintf(buf, cap, "%s", explicit_path);
    else if (configured && *configured)
        snprintf(buf, cap, "%s", configured);
    else
        bundled(buf, cap);
    return buf;
}

km_atlas *km_data_load(const char *path, km_diag *d)
{
    return km_data_load_ex(path, true, d);
}

km_atlas *km_data_load_ex(const char *path, bool index, km_diag *d)
{
    km_atlas *a = index ? km_atlas_load(path, d) : km_atlas_load_no_index(path, d);
    if (a)
        return a;
    for (int i = 0; i < d->count; i++)
        fprintf(stderr, "%s\n", d->items[i].text);
    if (d->dropped)
        fprintf(stderr, "%s: error: %d more problems not shown\n", path, d->dropped);
    if (d->count == 0)
        fprintf(stderr, "%s: error: could not be loaded\n", path);
    return NULL;
}
