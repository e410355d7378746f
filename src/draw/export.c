/*
 * export.c - a scene as a PNG file, with no display.
 *
 * The picture is drawn by the same km_render_draw as the window, on a
 * software renderer over an ARGB8888 surface.  It is saved as a temporary
 * file in the destination folder (same filesystem, so the final step is
 * atomic), flushed to disk, and only then put in place: link(2) when the
 * destination must not be overwritten (it fails with EEXIST instead of
 * racing with another writer; on filesystems without hard links the name
 * is reserved with O_EXCL first), rename(2) when it may.  Whatever fails, the
 * temporary file is removed, so there is never a partial PNG.
 */
#include "export.h"

#include <SDL_image.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "render.h"

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
    int rc = kr ? km_render_draw(kr, s, (SDL_Rect){0, 0, w, h}, NULL, 0, NULL, rerr, sizeof rerr) : -1;
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

/* Flush a written file's data to the disk, so the rename/link that makes
 * it visible never exposes a file whose content is still in flight. */
static bool fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
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
    close(fd);
    if (IMG_SavePNG(surf, tmp) != 0) {
        snprintf(err, errlen, "%s: cannot write PNG: %s", path, IMG_GetError());
    } else if (!fsync_path(tmp)) {
        snprintf(err, errlen, "%s: cannot flush to disk: %s", path, strerror(errno));
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

bool km_export_unique_path(const char *dir, char *out, size_t outlen, char *err, size_t errlen)
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
        int len = n == 1 ? snprintf(out, outlen, "%s%sknotmap-%s.png", dir, sep, stamp)
                         : snprintf(out, outlen, "%s%sknotmap-%s-%d.png", dir, sep, stamp, n);
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
