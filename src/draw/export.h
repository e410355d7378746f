/*
 * export.h - write a scene as a PNG with no display: a software renderer on
 * an RGBA surface one band of rows high, the same km_render_draw as the
 * window for each band, and knotmap's own PNG encoder writing the rows as
 * they come into a temporary file in the destination folder that is
 * renamed into place, so a failure never leaves a partial file.  Memory
 * stays about 12 MB above the atlas whatever the size (the environment
 * variable KM_EXPORT_BAND_ROWS sets the rows per band, for tests).
 */
#ifndef KM_EXPORT_H
#define KM_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/scene.h"
#include "text.h"

typedef struct km_export_opts {
    int width, height; /* pixels; 0 means the default 2000x1400 */
    bool force;        /* overwrite an existing file */
} km_export_opts;

/* Returns 0 on success; on failure -1 with "PATH: reason" in err and no
 * file left behind. */
int km_export_png(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                  size_t errlen);

/* A unique timestamped file name "PREFIX-YYYYmmdd-HHMMSS[-N]EXT" in dir
 * that does not exist yet (e.g. prefix "knotmap", ext ".png").  Returns
 * false if dir is not usable. */
bool km_export_unique_path(const char *dir, const char *prefix, const char *ext, char *out, size_t outlen, char *err,
                           size_t errlen);

#endif
