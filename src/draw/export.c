/*
 * export.c - a scene as a PNG, PDF or SVG file, with no display.
 *
 * PDF and SVG are the same chart drawn as vectors by cairo (src/vector,
 * the same paint.c as the window), through the same writer as the PNG.
 * The picture is drawn by the same km_render_draw as the window, on a
 * software renderer over an ARGB8888 surface.  Every file is written through
 * core/fileio.h: an unnamed file in the destination folder (O_TMPFILE, or a
 * locked mkstemp file where that is missing), flushed to disk, then given
 * its name by linkat, which fails on an existing name, so a symlink
 * planted there is never followed and a kill -9 at any point leaves no
 * partial picture.  --force replaces the name with a rename (a symlink
 * there is replaced, not followed).  Files are 0600 unless the caller
 * widens them (export_mode).
 */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <png.h>
#include <setjmp.h>
#include <zlib.h> /* Z_RLE */

#include "../core/fileio.h"
#include "../vector/chart_cairo.h"
#include "render.h"
#include <SDL.h>
#include <strings.h>

#define KM_EXPORT_DEFAULT_W 2000
#define KM_EXPORT_DEFAULT_H 1400

/* Folder part of path ("." if none). */
static void dir_of(const char *path, char *out, size_t outlen)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, outlen, ".");
    else if (slash == path)
        snprintf(out, outlen, "/");
    else
        snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

/* Draw the scene onto a fresh white ARGB surface. */
static SDL_Surface *draw_surface(const km_scene *s, km_font *font, int w, int h, char *why, size_t whylen)
{
    km_render_use_huge_pages(); /* before the surface, the largest buffer */
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf) {
        snprintf(why, whylen, "cannot create a %dx%d image: %s", w, h, SDL_GetError());
        return NULL;
    }
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(surf);
    if (!r) {
        snprintf(why, whylen, "cannot create a software renderer: %s", SDL_GetError());
        SDL_FreeSurface(surf);
        return NULL;
    }
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    char rerr[256] = "";
    km_renderer *kr = km_renderer_create(r, font, rerr, sizeof rerr);
    km_renderer_set_one_shot(kr, true);
    if (surf->pitch == w * 4) /* always, for 32-bit pixels; else through a texture */
        km_renderer_set_direct(kr, surf->pixels, w, h);
    int rc = kr ? km_render_draw(kr, s, (SDL_Rect){0, 0, w, h}, rerr, sizeof rerr) : -1;
    km_renderer_destroy(kr);
    SDL_RenderPresent(r);
    SDL_DestroyRenderer(r);
    if (rc != 0) {
        snprintf(why, whylen, "%s", rerr);
        SDL_FreeSurface(surf);
        return NULL;
    }
    return surf;
}

/* ---- PNG encoder ---------------------------------------------------------
 *
 * libpng, told what a chart is.  IMG_SavePNG uses libpng's defaults: a copy
 * of the image converted to RGBA, every row tried with all five filters,
 * deflate at level 6; that was about 85% of an A4 export.  A chart is
 * mostly flat paper and flat fills, so each row gets the one fixed Up
 * filter (a row like the one above becomes zeros) and zlib's fast
 * run-length strategy at level 2, which compress it close to the default
 * size in a fraction of the time.  The chart is drawn on opaque paper, so
 * RGB is written (a quarter less data; the alpha held only SDL's blend
 * rounding).  Output goes to the file descriptor with write(2) through
 * libpng's write callback, so a full disk is seen at the write that fails,
 * with its errno.
 */

typedef struct km_png_out {
    km_out *out;   /* the file (fileio.h); its err is the first failed write's errno */
    char msg[128]; /* libpng's own error, if it raised one */
} km_png_out;

static void png_write_cb(png_structp png, png_bytep data, size_t n)
{
    km_png_out *o = png_get_io_ptr(png);
    if (!km_out_write(o->out, data, n))
        png_error(png, "write failed");
}

static void png_flush_cb(png_structp png) { (void)png; }

static void png_error_cb(png_structp png, png_const_charp msg)
{
    km_png_out *o = png_get_error_ptr(png);
    if (!o->msg[0])
        snprintf(o->msg, sizeof o->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warning_cb(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* ARGB8888 row to RGB bytes. */
static void png_rgb_row(unsigned char *out, const uint32_t *row, int w)
{
    for (int x = 0; x < w; x++) {
        uint32_t v = row[x];
        *out++ = (unsigned char)(v >> 16);
        *out++ = (unsigned char)(v >> 8);
        *out++ = (unsigned char)v;
    }
}

/* Write ARGB8888 pixels as an RGB PNG to out (alpha dropped).  On failure, *why says what. */
static bool png_write(km_out *out, const uint32_t *px, int w, int h, int pitch, char *why, size_t whylen)
{
    km_png_out o = {out, ""};
    unsigned char *row = malloc((size_t)w * 3);
    png_structp png = row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, &o, png_error_cb, png_warning_cb) : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    volatile bool ok = false;
    if (info && setjmp(png_jmpbuf(png)) == 0) {
        png_set_write_fn(png, &o, png_write_cb, png_flush_cb);
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
        png_set_compression_level(png, 2);
        png_set_compression_strategy(png, Z_RLE);
        png_write_info(png, info);
        for (int y = 0; y < h; y++) {
            png_rgb_row(row, (const uint32_t *)((const unsigned char *)px + (size_t)y * pitch), w);
            png_write_row(png, row);
        }
        png_write_end(png, NULL);
        ok = true;
    }
    if (!ok)
        snprintf(why, whylen, "%s", out->err ? strerror(out->err) : o.msg[0] ? o.msg : "out of memory");
    if (png)
        png_destroy_write_struct(&png, info ? &info : NULL);
    free(row);
    return ok;
}

/* Checks that cost nothing, before a render: the folder is there. */
static int check_dir(const char *path, const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(err, errlen, "%s: folder %s: %s", path, dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: %s is not a folder", path, dir);
        return -1;
    }
    return 0;
}

/* Writes a file's content to out; false with the reason in why. */
typedef bool (*export_content)(km_out *out, void *ctx, char *why, size_t whylen);

/* The content into a new unnamed file in dir (mode 0 = 0600); the caller
 * names it (km_out_commit*).  0, or -1 with "what: reason" in err. */
static int export_write(const char *what, const char *dir, unsigned mode, const char *format, export_content fn,
                        void *ctx, km_out *out, char *err, size_t errlen)
{
    char oerr[1200], why[512] = "";
    if (km_out_begin(out, dir, mode, oerr, sizeof oerr) != 0) {
        snprintf(err, errlen, "%s: cannot write in folder %s", what, oerr);
        return -1;
    }
    if (!fn(out, ctx, why, sizeof why)) {
        snprintf(err, errlen, "%s: cannot write %s: %s", what, format, why);
        km_out_abort(out);
        return -1;
    }
    return 0;
}

/* Name a written file path (atomically; an existing name only with force). */
static int export_commit(km_out *out, const char *path, const char *name, bool force, char *err, size_t errlen)
{
    char cerr[1200];
    if (km_out_commit(out, name, force, cerr, sizeof cerr) == 0)
        return 0;
    if (strstr(cerr, "file exists"))
        snprintf(err, errlen, "%s: file exists (use --force to overwrite)", path);
    else
        snprintf(err, errlen, "%s: cannot create: %s", path, strchr(cerr, ':') ? strchr(cerr, ':') + 2 : cerr);
    return -1;
}

/* The cheap checks, before anything is drawn: a file name, its folder
 * there, the file not there (unless it may be replaced).  dir and *name
 * receive the folder and the file's name. */
static int export_check(const char *path, bool force, char *dir, size_t dirlen, const char **name, char *err,
                        size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "(no path): an output file name is required");
        return -1;
    }
    dir_of(path, dir, dirlen);
    *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    struct stat st;
    if (check_dir(path, dir, err, errlen) != 0)
        return -1;
    if (!**name) {
        snprintf(err, errlen, "%s: expected a file name after the folder", path);
        return -1;
    }
    if (!force && lstat(path, &st) == 0) {
        snprintf(err, errlen, "%s: file exists (use --force to overwrite)", path);
        return -1;
    }
    return 0;
}

/* ---- the PNG ------------------------------------------------------- */

typedef struct png_job {
    const km_scene *s;
    km_font *font;
    int w, h;
} png_job;

static bool png_content(km_out *out, void *ctx, char *why, size_t whylen)
{
    const png_job *j = ctx;
    SDL_Surface *surf = draw_surface(j->s, j->font, j->w, j->h, why, whylen);
    if (!surf)
        return false;
    bool ok = png_write(out, surf->pixels, surf->w, surf->h, surf->pitch, why, whylen);
    SDL_FreeSurface(surf);
    return ok;
}

static png_job png_job_of(const km_scene *s, km_font *font, const km_export_opts *o)
{
    return (png_job){s, font, o && o->width > 0 ? o->width : KM_EXPORT_DEFAULT_W,
                     o && o->height > 0 ? o->height : KM_EXPORT_DEFAULT_H};
}

int km_export_png(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                  size_t errlen)
{
    bool force = o && o->force;
    char dir[4096];
    const char *name;
    if (export_check(path, force, dir, sizeof dir, &name, err, errlen) != 0)
        return -1;
    png_job j = png_job_of(s, font, o);
    km_out out;
    if (export_write(path, dir, o ? o->mode : 0, "PNG", png_content, &j, &out, err, errlen) != 0)
        return -1;
    return export_commit(&out, path, name, force, err, errlen);
}

int km_export_png_new(const km_scene *s, km_font *font, const char *dir, const km_export_opts *o, char *path_out,
                      size_t pathlen, char *err, size_t errlen)
{
    if (!dir || !*dir)
        dir = ".";
    if (check_dir(dir, dir, err, errlen) != 0)
        return -1;
    png_job j = png_job_of(s, font, o);
    km_out out;
    if (export_write(dir, dir, o ? o->mode : 0, "PNG", png_content, &j, &out, err, errlen) != 0)
        return -1;
    return km_out_commit_unique(&out, "knotmap", "png", path_out, pathlen, err, errlen);
}

/* ---- vector files and bytes made elsewhere -------------------------- */

typedef struct vector_job {
    const km_scene *s;
    km_vector_format fmt;
    int w, h;
    km_vector_font font; /* the PNG's font files */
} vector_job;

static int out_sink(void *closure, const unsigned char *data, size_t n)
{
    km_out *o = closure;
    return km_out_write(o, data, n) ? 0 : (o->err ? o->err : EIO);
}

static bool vector_content(km_out *out, void *ctx, char *why, size_t whylen)
{
    const vector_job *j = ctx;
    return km_chart_vector_write(j->s, j->fmt, j->w, j->h, &j->font, out_sink, out, why, whylen) == 0;
}

bool km_export_format_parse(const char *name, km_export_format *out)
{
    static const char *names[] = {"png", "pdf", "svg"};
    static const km_export_format fmts[] = {KM_EXPORT_PNG, KM_EXPORT_PDF, KM_EXPORT_SVG};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name && strcasecmp(name, names[i]) == 0) {
            *out = fmts[i];
            return true;
        }
    return false;
}

km_export_format km_export_format_of(const char *path, km_export_format asked)
{
    if (asked != KM_EXPORT_AUTO)
        return asked;
    const char *dot = path ? strrchr(path, '.') : NULL;
    km_export_format f = KM_EXPORT_PNG;
    if (dot && !strchr(dot, '/') && km_export_format_parse(dot + 1, &f))
        return f;
    return KM_EXPORT_PNG;
}

int km_export_file(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                   size_t errlen)
{
    km_export_format f = km_export_format_of(path, o ? o->format : KM_EXPORT_AUTO);
    if (f == KM_EXPORT_PNG)
        return km_export_png(s, font, path, o, err, errlen);
    bool force = o && o->force;
    char dir[4096];
    const char *name;
    if (export_check(path, force, dir, sizeof dir, &name, err, errlen) != 0)
        return -1;
    png_job size = png_job_of(s, font, o);
    vector_job j = {s, f == KM_EXPORT_PDF ? KM_VECTOR_PDF : KM_VECTOR_SVG, size.w, size.h, {NULL, NULL}};
    km_font_files(font, &j.font.file, &j.font.bold_file);
    km_out out;
    if (export_write(path, dir, o ? o->mode : 0, f == KM_EXPORT_PDF ? "PDF" : "SVG", vector_content, &j, &out, err,
                     errlen) != 0)
        return -1;
    return export_commit(&out, path, name, force, err, errlen);
}

typedef struct bytes_job {
    const unsigned char *data;
    size_t len;
} bytes_job;

static bool bytes_content(km_out *out, void *ctx, char *why, size_t whylen)
{
    const bytes_job *j = ctx;
    if (km_out_write(out, j->data, j->len))
        return true;
    snprintf(why, whylen, "%s", strerror(out->err ? out->err : EIO));
    return false;
}

int km_export_bytes(const char *path, const unsigned char *data, size_t len, bool force, const char *what, char *err,
                    size_t errlen)
{
    char dir[4096];
    const char *name;
    if (export_check(path, force, dir, sizeof dir, &name, err, errlen) != 0)
        return -1;
    bytes_job j = {data, len};
    km_out out;
    if (export_write(path, dir, 0, what, bytes_content, &j, &out, err, errlen) != 0)
        return -1;
    return export_commit(&out, path, name, force, err, errlen);
}

int km_export_bytes_new(const char *dir, const char *stem, const char *ext, const unsigned char *data, size_t len,
                        unsigned mode, const char *what, char *path_out, size_t pathlen, char *err, size_t errlen)
{
    if (!dir || !*dir)
        dir = ".";
    if (check_dir(dir, dir, err, errlen) != 0)
        return -1;
    bytes_job j = {data, len};
    km_out out;
    if (export_write(dir, dir, mode, what, bytes_content, &j, &out, err, errlen) != 0)
        return -1;
    return km_out_commit_unique(&out, stem, ext, path_out, pathlen, err, errlen);
}
