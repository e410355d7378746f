/*
 * export.h - write a scene as a PNG (or PDF or SVG: km_export_file) with no
 * display: a software renderer on an RGBA surface one band of rows high,
 * the same km_render_draw as the window for each band, and libpng (one Up
 * filter, zlib's run-length strategy) writing the rows as they come into
 * an unnamed file in the
 * destination folder that gets its name only when complete
 * (core/fileio.h), so a failure or a kill never leaves a partial file and
 * a symlink at the name is never followed.  Memory stays about 12 MB
 * above the atlas whatever the size (the environment variable
 * KM_EXPORT_BAND_ROWS sets the rows per band, for tests).
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

/* What an export writes: AUTO follows the file name's extension (.png,
 * .pdf, .svg; anything else is a PNG). */
typedef enum km_export_format { KM_EXPORT_AUTO = 0, KM_EXPORT_PNG, KM_EXPORT_PDF, KM_EXPORT_SVG } km_export_format;

typedef struct km_export_opts {
    int width, height; /* pixels; 0 means the default 2000x1400 */
    bool force;        /* overwrite an existing file */
    unsigned mode;     /* permissions of the file; 0 = 0600 (export_mode widens) */
    km_export_format format;
} km_export_opts;

/* "png", "pdf", "svg" (any case); false for anything else. */
bool km_export_format_parse(const char *name, km_export_format *out);
/* The format a file gets: asked, or by path's extension when AUTO. */
km_export_format km_export_format_of(const char *path, km_export_format asked);

/* The scene as a file in the format km_export_format_of says: PNG through
 * km_export_png, PDF or SVG as vectors through cairo (the same chart,
 * paths and text), with the same atomic, no-overwrite writer. */
int km_export_file(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                   size_t errlen);

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

/* A document made in memory (the handout's PDF) written to path by the
 * same writer: atomic, private (0600), no overwrite unless force.  what
 * names the format in messages ("PDF").  0, or -1 with "PATH: reason". */
int km_export_bytes(const char *path, const unsigned char *data, size_t len, bool force, const char *what, char *err,
                    size_t errlen);

/* The same into a new file "STEM-YYYYmmdd-HHMMSS[-N].EXT" in dir (ext
 * without its dot), the name claimed when the file is complete; mode 0 =
 * 0600.  The path goes to path_out.  0, or -1 with the reason in err. */
int km_export_bytes_new(const char *dir, const char *stem, const char *ext, const unsigned char *data, size_t len,
                        unsigned mode, const char *what, char *path_out, size_t pathlen, char *err, size_t errlen);

#endif
