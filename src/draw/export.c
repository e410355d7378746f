/*
 * export.c - a scene as a PNG, PDF or SVG file, with no display.
 *
 * PDF and SVG are the same chart drawn as vectors by cairo (src/vector,
 * the same paint.c as the window), through the same writer as the PNG.
 * The picture is drawn by the same km_render_draw as the window, on a
 * software renderer over an ARGB8888 surface, band by band: the surface
 * and the rasteriser's buffers hold a band of rows (about 12 MB in all),
 * each band is drawn whole (chart and words) and handed to libpng (below)
 * as it is finished, so an export's memory does not grow with its size.  Every file is written through
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

/* ---- PNG encoder ---------------------------------------------------------
 *
 * libpng (Debian's libpng16), told what a chart is.  Its defaults (what
 * IMG_SavePNG uses) try all five filters on every row at deflate level 6,
 * which was most of an export.  A chart is flat paper and flat fills, so
 * every row gets the one fixed Up filter (a row like the one above becomes
 * zeros: about 98% of the bytes of a 3840x2160 chart) and zlib's run-length
 * strategy (Z_RLE, distance-1 matches only) at level 1, which compresses
 * those runs to about the size of the default settings in a fraction of
 * the time.  The chart is drawn on opaque paper, so RGB is written (a
 * quarter less data).  Rows arrive band by band (draw_and_encode below), so
 * the picture is never whole in memory; libpng keeps only the row above.
 * Its output goes through the write callback to km_out (core/fileio.h), so
 * a full disk is seen at the write that fails, with its errno.  Errors
 * inside libpng longjmp back to the setjmp of the routine that called it
 * (png_begin, png_rows, png_end each set their own: a jmp_buf is only good
 * while its frame lives).  tests/render/test_export.c decodes what is
 * written and compares it pixel for pixel.
 */

#define KM_PNG_ZBUF (256 * 1024) /* deflate output gathered per IDAT chunk */

typedef struct km_png {
    km_out *out;        /* the file (core/fileio.h); its err: the first failed write's errno */
    png_structp png;    /* NULL until png_begin got that far */
    png_infop info;
    unsigned char *row; /* one RGB row, w * 3 bytes */
    char msg[160];      /* libpng's own complaint, or what else went wrong */
    int w, h, rows;     /* size; rows written so far */
} km_png;

static void png_write_cb(png_structp png, png_bytep data, size_t n)
{
    km_png *p = png_get_io_ptr(png);
    if (!km_out_write(p->out, data, n))
        png_error(png, "write failed"); /* the reason is p->out->err */
}

static void png_flush_cb(png_structp png)
{
    (void)png; /* km_out_commit flushes the file to disk before naming it */
}

/* Keep libpng's message and leave for the setjmp: libpng's own handler
 * would print it on stderr first. */
static void png_error_cb(png_structp png, png_const_charp msg)
{
    km_png *p = png_get_error_ptr(png);
    if (p && !p->msg[0])
        snprintf(p->msg, sizeof p->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warning_cb(png_structp png, png_const_charp msg)
{
    (void)png, (void)msg; /* nothing a chart's writer can get wrong is a warning */
}

/* The reason an encode failed: the write's errno first, then libpng's word. */
static const char *png_why(const km_png *p)
{
    return p->out->err ? strerror(p->out->err) : p->msg[0] ? p->msg : "cannot encode";
}

static bool png_begin(km_png *p, km_out *out, int w, int h)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->w = w;
    p->h = h;
    p->row = malloc((size_t)w * 3);
    p->png = p->row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, p, png_error_cb, png_warning_cb) : NULL;
    p->info = p->png ? png_create_info_struct(p->png) : NULL;
    if (!p->info) {
        snprintf(p->msg, sizeof p->msg, "out of memory");
        return false;
    }
    if (setjmp(png_jmpbuf(p->png)))
        return false;
    png_set_write_fn(p->png, p, png_write_cb, png_flush_cb);
    png_set_IHDR(p->png, p->info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(p->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_strategy(p->png, Z_RLE);
    png_set_compression_level(p->png, 1);
    png_set_compression_buffer_size(p->png, KM_PNG_ZBUF);
    png_write_info(p->png, p->info);
    return true;
}

/* n rows of ARGB8888 pixels (pitch bytes apart), the next of the picture,
 * as RGB rows to libpng (which filters and compresses them as they come). */
static bool png_rows(km_png *p, const uint32_t *px, int n, int pitch)
{
    if (setjmp(png_jmpbuf(p->png)))
        return false;
    for (int r = 0; r < n; r++) {
        const uint32_t *src = (const uint32_t *)((const unsigned char *)px + (size_t)r * pitch);
        unsigned char *o = p->row;
        for (int x = 0; x < p->w; x++) {
            uint32_t v = src[x];
            *o++ = (unsigned char)(v >> 16);
            *o++ = (unsigned char)(v >> 8);
            *o++ = (unsigned char)v;
        }
        png_write_row(p->png, p->row);
    }
    p->rows += n;
    return true;
}

static bool png_end(km_png *p)
{
    if (p->rows != p->h) {
        snprintf(p->msg, sizeof p->msg, "%d of %d rows drawn", p->rows, p->h);
        return false;
    }
    if (setjmp(png_jmpbuf(p->png)))
        return false;
    png_write_end(p->png, NULL);
    return true;
}

static void png_release(km_png *p)
{
    if (p->png)
        png_destroy_write_struct(&p->png, p->info ? &p->info : NULL);
    free(p->row);
}

/* ---- drawing, band by band ---------------------------------------------- */

/* Rows per band: the band's buffers (its surface, the rasteriser's cover
 * and mask, the silhouette: about 10 bytes a pixel) kept to about 12 MB,
 * so an export's memory does not grow with the picture (3840x2160: five
 * bands of 312 rows).  KM_EXPORT_BAND_ROWS overrides it (tests). */
static int band_rows(int w, int h)
{
    const char *e = getenv("KM_EXPORT_BAND_ROWS");
    long rows = e && *e ? strtol(e, NULL, 10) : (12L << 20) / (10L * w);
    if (rows < 16)
        rows = 16;
    return rows > h ? h : (int)rows;
}

/* Draw the scene w x h, band by band, onto a white ARGB surface of one
 * band's height, with the same km_render_draw as the window, and hand
 * each band's rows to the encoder.  False with *why on failure. */
static bool draw_and_encode(const km_scene *s, km_font *font, int w, int h, km_png *png, char *why, size_t whylen)
{
    const int rows = band_rows(w, h);
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, rows, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf) {
        snprintf(why, whylen, "cannot create a %dx%d image: %s", w, rows, SDL_GetError());
        return false;
    }
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(surf);
    if (!r) {
        snprintf(why, whylen, "cannot create a software renderer: %s", SDL_GetError());
        SDL_FreeSurface(surf);
        return false;
    }
    char rerr[256] = "";
    km_renderer *kr = km_renderer_create(r, font, rerr, sizeof rerr);
    bool ok = kr != NULL && surf->pitch == w * 4; /* always, for 32-bit pixels */
    if (kr) {
        km_renderer_set_one_shot(kr, true);
        km_renderer_set_direct(kr, surf->pixels, w, rows);
    } else {
        snprintf(why, whylen, "%s", rerr);
    }
    /* No clear first: the chart paints every pixel of the band (paper
     * first) before the words go on top. */
    for (int y = 0; ok && y < h; y += rows) {
        if (km_render_draw(kr, s, (SDL_Rect){0, -y, w, h}, rerr, sizeof rerr) != 0) {
            snprintf(why, whylen, "%s", rerr);
            ok = false;
            break;
        }
        SDL_RenderPresent(r); /* the words, queued on the renderer, are drawn now */
        if (!png_rows(png, surf->pixels, h - y < rows ? h - y : rows, surf->pitch)) {
            snprintf(why, whylen, "%s", png_why(png));
            ok = false;
        }
    }
    km_renderer_destroy(kr);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
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
    km_png png;
    bool ok = png_begin(&png, out, j->w, j->h) && draw_and_encode(j->s, j->font, j->w, j->h, &png, why, whylen) &&
              png_end(&png);
    if (!ok && !why[0])
        snprintf(why, whylen, "%s", png_why(&png));
    png_release(&png);
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
