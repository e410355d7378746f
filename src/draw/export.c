/*
 * export.c - a scene as a PNG file, with no display.
 *
 * The picture is drawn by the same km_render_draw as the window, on a
 * software renderer over an ARGB8888 surface.  The PNG is written through
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
#include "render.h"
#include <SDL.h>

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

/* Render and write the picture into a new unnamed file in dir; the caller
 * names it (km_out_commit*).  0, or -1 with "what: reason" in err. */
static int export_write(const km_scene *s, km_font *font, const char *what, const char *dir,
                        const km_export_opts *o, km_out *out, char *err, size_t errlen)
{
    int w = o && o->width > 0 ? o->width : KM_EXPORT_DEFAULT_W;
    int h = o && o->height > 0 ? o->height : KM_EXPORT_DEFAULT_H;
    char why[512] = "";
    SDL_Surface *surf = draw_surface(s, font, w, h, why, sizeof why);
    if (!surf) {
        snprintf(err, errlen, "%s: %s", what, why);
        return -1;
    }
    char oerr[1200];
    int rc = km_out_begin(out, dir, o ? o->mode : 0, oerr, sizeof oerr);
    if (rc != 0)
        snprintf(err, errlen, "%s: cannot write in folder %s", what, oerr);
    else if (!png_write(out, surf->pixels, surf->w, surf->h, surf->pitch, why, sizeof why)) {
        snprintf(err, errlen, "%s: cannot write PNG: %s", what, why);
        km_out_abort(out);
        rc = -1;
    }
    SDL_FreeSurface(surf);
    return rc;
}

int km_export_png(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                  size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "(no path): an output file name is required");
        return -1;
    }
    bool force = o && o->force;
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    struct stat st;
    if (check_dir(path, dir, err, errlen) != 0)
        return -1;
    if (!*name) {
        snprintf(err, errlen, "%s: expected a file name after the folder", path);
        return -1;
    }
    if (!force && lstat(path, &st) == 0) {
        snprintf(err, errlen, "%s: file exists (use --force to overwrite)", path);
        return -1;
    }
    km_out out;
    if (export_write(s, font, path, dir, o, &out, err, errlen) != 0)
        return -1;
    char cerr[1200];
    if (km_out_commit(&out, name, force, cerr, sizeof cerr) == 0)
        return 0;
    if (strstr(cerr, "file exists"))
        snprintf(err, errlen, "%s: file exists (use --force to overwrite)", path);
    else
        snprintf(err, errlen, "%s: cannot create: %s", path, strchr(cerr, ':') ? strchr(cerr, ':') + 2 : cerr);
    return -1;
}

int km_export_png_new(const km_scene *s, km_font *font, const char *dir, const km_export_opts *o, char *path_out,
                      size_t pathlen, char *err, size_t errlen)
{
    if (!dir || !*dir)
        dir = ".";
    if (check_dir(dir, dir, err, errlen) != 0)
        return -1;
    km_out out;
    if (export_write(s, font, dir, dir, o, &out, err, errlen) != 0)
        return -1;
    return km_out_commit_unique(&out, "knotmap", "png", path_out, pathlen, err, errlen);
}

