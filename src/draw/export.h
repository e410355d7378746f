/*
 * export.h - write a scene as a PNG (or PDF or SVG: km_export_file) with no display: a software renderer on
 * an RGBA surface, the same km_render_draw as the window, then IMG_SavePNG
 * into a temporary file in the destination folder that is renamed into
 * place, so a failure never leaves a partial file.
 */
#ifndef KM_EXPORT_H
#define KM_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/scene.h"
#include "text.h"

/* What an export writes: AUTO follows the file name's extension (.png,
 * .pdf, .svg; anything else is a PNG). */
typedef enum km_export_format { KM_EXPORT_AUTO = 0, KM_EXPORT_PNG, KM_EXPORT_PDF, KM_EXPORT_SVG } km_export_format;

typedef struct km_export_opts {
    int width, height; /* pixels; 0 means the default 2000x1400 (a PDF page is that at 300 dpi) */
    bool force;        /* overwrite an existing file */
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

/* A document made in memory (the handout's PDF) written to path by the
 * same writer: atomic, no overwrite unless force.  what names the format
 * in messages ("PDF").  0, or -1 with "PATH: reason" in err. */
int km_export_bytes(const char *path, const unsigned char *data, size_t len, bool force, const char *what, char *err,
                    size_t errlen);

/* A unique timestamped file name "PREFIX-YYYYmmdd-HHMMSS[-N]EXT" in dir
 * that does not exist yet (e.g. prefix "knotmap", ext ".png").  Returns
 * false if dir is not usable. */
bool km_export_unique_path(const char *dir, const char *prefix, const char *ext, char *out, size_t outlen, char *err,
                           size_t errlen);

#endif
