/*
 * datafile.h - which data file, and loading it: one routine for every
 * command (check, list, lookup, export, the window and its hot reload), so
 * the file is found the same way and its problems are reported the same
 * way everywhere.
 */
#ifndef KM_DATAFILE_H
#define KM_DATAFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/atlas.h"
#include "core/diag.h"

/* The data file to read: explicit (--data) if given, else configured (the
 * configuration's data_file, "" or NULL for none), else the bundled atlas:
 * $KNOTMAP_DATA, ../share/knotmap/knotmap.json beside the binary, the
 * source tree's data/knotmap.json, the install prefix's.  Written to buf. */
const char *km_data_resolve(const char *explicit_path, const char *configured, char *buf, size_t cap);

/* Load path; on failure print every problem on stderr, one line each,
 * naming the file (and "N more problems not shown"), and leave them in d
 * (initialised by the caller) for the caller's own display.  NULL then. */
km_atlas *km_data_load(const char *path, km_diag *d);
/* The same; index false skips the lookup index (km_atlas_load_no_index),
 * for a command that looks nothing up. */
km_atlas *km_data_load_ex(const char *path, bool index, km_diag *d);

#endif
