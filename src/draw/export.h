/*
 * export.h - write a scene as a PNG with no display: a software renderer on
 * an RGBA surface, the same km_render_draw as the window, then libpng into
 * an unnamed file in the destination folder that gets its name only when
 * complete (core/fileio.h), so a failure or a kill never leaves a partial
 * file and a symlink at the name is never followed.
 */
#ifndef KM_EXPORT_H
#define KM_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/scene.h"
#include "text.h"

/* The longest --title (bytes): a 130 KB title took 900 MB to lay out.
 * Named in docs/data-format.md. */
#define KM_EXPORT_MAX_TITLE 200

typedef struct km_export_opts {
    int width, height; /* pixels; 0 means the default 2000x1400 */
    bool force;        /* overwrite an existing file */
    unsigned mode;     /* permissions of the file; 0 = 0600 (export_mode widens) */
} km_export_opts;

/* Returns 0 on success; on failure -1 with "PATH: reason" in err and no
 * file left behind. */
int km_export_png(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                  size_t errlen);

/* Write into a new file "knotmap-YYYYmmdd-HHMMSS[-N].png" in dir, the
 * name claimed atomically when the picture is complete (two exports in
 * the same second get two files).  The path goes to path_out.  Returns 0,
 * or -1 with the reason in err. */
int km_export_png_new(const km_scene *s, km_font *font, const char *dir, const km_export_opts *o, char *path_out,
                      size_t pathlen, char *err, size_t errlen);

#endif
