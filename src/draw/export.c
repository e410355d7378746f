/*
 * export.c - a scene as a PNG file, with no display.
 *
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

int km_export_png(const km_scene *s, km_font *font, const char *path, const km_export_opts *o, char *err,
                  size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "(no path): an output file name is required");
        return -1;
    }
    int w = o && o->width > 0 ? o->width : KM_EXPORT_DEFAULT_W;
    int h = o && o->height > 0 ? o->height : KM_EXPORT_DEFAULT_H;
    bool force = o && o->force;
    char dir[4096];
    dir_of(path, dir, sizeof dir);

    /* Cheap checks first, so the usual mistakes do not cost a render. */
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

    char why[512] = "";
    SDL_Surface *surf = draw_surface(s, font, w, h, why, sizeof why);
    if (!surf) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }

    char tmp[4200];
    int rc = -1;
    snprintf(tmp, sizeof tmp, "%s/.knotmap-export-%ld-XXXXXX", dir, (long)getpid());
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot write in folder %s: %s", path, dir, strerror(errno));
        SDL_FreeSurface(surf);
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
        SDL_FreeSurface(surf);
        return -1;
    }
    /* Flushed to the disk before the rename/link that makes it visible, so
     * that never exposes a file whose content is still in flight. */
    bool written = png_write(fd, surf->pixels, surf->w, surf->h, surf->pitch, why, sizeof why);
    int flush_errno = written && fsync(fd) != 0 ? errno : 0;
    int close_errno = close(fd) != 0 ? errno : 0;
    if (!written) {
        snprintf(err, errlen, "%s: cannot write PNG: %s", path, why);
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
    SDL_FreeSurface(surf);
    return rc;
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
