/*
 * export.c - a scene as a PNG, PDF or SVG file, with no display.
 *
 * PDF and SVG are the same chart drawn as vectors by cairo (src/vector,
 * the same paint.c and labels.c); they share the writer below.
 * The picture is drawn by the same km_render_draw as the window, on a
 * software renderer over an ARGB8888 surface.  It is saved as a temporary
 * file in the destination folder (same filesystem, so the final step is
 * atomic) by knotmap's own PNG encoder (below: why not IMG_SavePNG),
 * flushed to disk, and only then put in place: link(2) when the
 * destination must not be overwritten (it fails with EEXIST instead of
 * racing with another writer; on filesystems without hard links the name
 * is reserved with O_EXCL first), rename(2) when it may.  Whatever fails, the
 * temporary file is removed, so there is never a partial PNG.
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
    int fd;
    int err;       /* errno of the first failed write, 0 while all is well */
    char msg[128]; /* libpng's own error, if it raised one */
} km_png_out;

static bool out_write(km_png_out *o, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n > 0 && !o->err) {
        ssize_t k = write(o->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            o->err = k < 0 ? errno : ENOSPC;
            break;
        }
        p += k;
        n -= (size_t)k;
    }
    return !o->err;
}

static void png_write_cb(png_structp png, png_bytep data, size_t n)
{
    if (!out_write(png_get_io_ptr(png), data, n))
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

/* Write ARGB8888 pixels as an RGB PNG to fd (alpha dropped).  On failure, *why says what. */
static bool png_write(int fd, const uint32_t *px, int w, int h, int pitch, char *why, size_t whylen)
{
    km_png_out o = {fd, 0, ""};
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
        snprintf(why, whylen, "%s", o.err ? strerror(o.err) : o.msg[0] ? o.msg : "out of memory");
    if (png)
        png_destroy_write_struct(&png, info ? &info : NULL);
    free(row);
    return ok;
}

/* Put tmp at path unless path exists, atomically.  link(2) fails with
 * EEXIST if it does; filesystems without hard links (FAT on a USB stick)
 * get the name reserved with O_EXCL instead, then tmp renamed over it. */
static int place_exclusive(const char *tmp, const char *path, char *err, size_t errlen)
{
    if (link(tmp, path) == 0)
        return 0;
    int e = errno;
    if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS || e == EMLINK) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0) {
            e = errno;
        } else {
            close(fd);
            if (rename(tmp, path) == 0)
                return 0;
            e = errno;
            unlink(path); /* our empty placeholder */
        }
    }
    if (e == EEXIST)
        snprintf(err, errlen, "%s: file exists (use --force to overwrite)", path);
    else
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(e));
    return -1;
}

/* The cheap checks, before anything is drawn: the folder exists and the
 * file does not (unless it may be overwritten).  dir receives the folder. */
static int export_check(const char *path, bool force, char *dir, size_t dirlen, char *err, size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "(no path): an output file name is required");
        return -1;
    }
    dir_of(path, dir, dirlen);
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(err, errlen, "%s: folder %s: %s", path, dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: %s is not a folder", path, dir);
        return -1;
    }
    if (!force && lstat(path, &st) == 0) {
        snprintf(err, errlen, "%s: file exists (use --force to overwrite)", path);
        return -1;
    }
    return 0;
}

/* Writes a file's content to fd; false with the reason in why. */
typedef bool (*export_writer)(int fd, void *ctx, char *why, size_t whylen);

/* The one writer of every export: the content goes to a temporary file in
 * dir, is flushed to disk, then put in place (see the top of this file).
 * what names the format in messages ("PNG", "PDF"). */
static int export_write(const char *path, const char *dir, bool force, const char *what, export_writer write_fn,
                        void *ctx, char *err, size_t errlen)
{
    char tmp[4200], why[512] = "";
    int rc = -1;
    snprintf(tmp, sizeof tmp, "%s/.knotmap-export-%ld-XXXXXX", dir, (long)getpid());
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write in folder %s: %s", path, dir, strerror(errno));
        return -1;
    }
    /* mkstemp makes the file private (0600); give the picture the mode any
     * new file would get, since it is meant to be shared. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        snprintf(err, errlen, "%s: cannot set permissions: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    /* Flushed to the disk before the rename/link that makes it visible, so
     * that never exposes a file whose content is still in flight. */
    bool written = write_fn(fd, ctx, why, sizeof why);
    int flush_errno = written && fsync(fd) != 0 ? errno : 0;
    int close_errno = close(fd) != 0 ? errno : 0;
    if (!written) {
        snprintf(err, errlen, "%s: cannot write %s: %s", path, what, why);
    } else if (flush_errno || close_errno) {
        snprintf(err, errlen, "%s: cannot flush to disk: %s", path, strerror(flush_errno ? flush_errno : close_errno));
    } else if (force) {
        if (rename(tmp, path) == 0)
            rc = 0;
        else
            snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
    } else {
        rc = place_exclusive(tmp, path, err, errlen);
    }
    if (rc != 0 || !force)
        unlink(tmp); /* after link() both names exist; after rename() tmp is gone */
    return rc;
}

static bool png_writer(int fd, void *ctx, char *why, size_t whylen)
{
    SDL_Surface *surf = ctx;
    return png_write(fd, surf->pixels, surf->w, surf->h, surf->pitch, why, whylen);
}

int km_export_png(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                  size_t errlen)
{
    int w = o && o->width > 0 ? o->width : KM_EXPORT_DEFAULT_W;
    int h = o && o->height > 0 ? o->height : KM_EXPORT_DEFAULT_H;
    bool force = o && o->force;
    char dir[4096];
    /* Cheap checks first, so the usual mistakes do not cost a render. */
    if (export_check(path, force, dir, sizeof dir, err, errlen) != 0)
        return -1;
    char why[512] = "";
    SDL_Surface *surf = draw_surface(s, font, w, h, why, sizeof why);
    if (!surf) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    int rc = export_write(path, dir, force, "PNG", png_writer, surf, err, errlen);
    SDL_FreeSurface(surf);
    return rc;
}

/* ---- vector files ----------------------------------------------------------
 *
 * PDF and SVG are drawn by cairo (src/vector) straight into the temporary
 * file as they are made, through the same writer as the PNG. */

typedef struct vector_job {
    const km_scene *s;
    km_vector_format fmt;
    int w, h;
    km_vector_font font; /* the PNG's font files */
} vector_job;

static int fd_sink(void *closure, const unsigned char *data, size_t n)
{
    km_png_out *o = closure;
    return out_write(o, data, n) ? 0 : o->err;
}

static bool vector_writer(int fd, void *ctx, char *why, size_t whylen)
{
    const vector_job *j = ctx;
    km_png_out o = {fd, 0, ""};
    return km_chart_vector_write(j->s, j->fmt, j->w, j->h, &j->font, fd_sink, &o, why, whylen) == 0;
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
    vector_job j = {s, f == KM_EXPORT_PDF ? KM_VECTOR_PDF : KM_VECTOR_SVG,
                    o && o->width > 0 ? o->width : KM_EXPORT_DEFAULT_W,
                    o && o->height > 0 ? o->height : KM_EXPORT_DEFAULT_H, {NULL, NULL}};
    km_font_files(font, &j.font.file, &j.font.bold_file);
    bool force = o && o->force;
    char dir[4096];
    if (export_check(path, force, dir, sizeof dir, err, errlen) != 0)
        return -1;
    return export_write(path, dir, force, f == KM_EXPORT_PDF ? "PDF" : "SVG", vector_writer, &j, err, errlen);
}

typedef struct bytes_job {
    const unsigned char *data;
    size_t len;
} bytes_job;

static bool bytes_writer(int fd, void *ctx, char *why, size_t whylen)
{
    const bytes_job *j = ctx;
    km_png_out o = {fd, 0, ""};
    if (out_write(&o, j->data, j->len))
        return true;
    snprintf(why, whylen, "%s", strerror(o.err));
    return false;
}

int km_export_bytes(const char *path, const unsigned char *data, size_t len, bool force, const char *what, char *err,
                    size_t errlen)
{
    char dir[4096];
    if (export_check(path, force, dir, sizeof dir, err, errlen) != 0)
        return -1;
    bytes_job j = {data, len};
    return export_write(path, dir, force, what, bytes_writer, &j, err, errlen);
}

bool km_export_unique_path(const char *dir, const char *prefix, const char *ext, char *out, size_t outlen, char *err,
                           size_t errlen)
{
    struct stat st;
    if (!dir || !*dir)
        dir = ".";
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a folder", dir);
        return false;
    }
    if (access(dir, W_OK) != 0) {
        snprintf(err, errlen, "%s: folder is not writable: %s", dir, strerror(errno));
        return false;
    }
    time_t now = time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
    const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
    for (int n = 1; n < 1000; n++) {
        int len = n == 1 ? snprintf(out, outlen, "%s%s%s-%s%s", dir, sep, prefix, stamp, ext)
                         : snprintf(out, outlen, "%s%s%s-%s-%d%s", dir, sep, prefix, stamp, n, ext);
        if (len < 0 || (size_t)len >= outlen) {
            snprintf(err, errlen, "%s: path too long", dir);
            return false;
        }
        if (lstat(out, &st) != 0 && errno == ENOENT)
            return true;
    }
    snprintf(err, errlen, "%s: no free file name for %s", dir, stamp);
    return false;
}
