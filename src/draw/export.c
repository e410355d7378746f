/*
 * export.c - a scene as a PNG file, with no display.
 *
 * The picture is drawn by the same km_render_draw as the window, on a
 * software renderer over an ARGB8888 surface, band by band: the surface
 * and the rasteriser's buffers hold a band of rows (about 12 MB in all),
 * each band is drawn whole (chart and words) and encoded, so an export's
 * memory does not grow with its size and no buffer is ever first-touched
 * twice.  It is written as a temporary file in the destination folder
 * (same filesystem, so the final step is atomic) by knotmap's own PNG
 * encoder (below: why not IMG_SavePNG or libpng), flushed to disk, and
 * only then put in place: link(2) when the
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
#include <zlib.h>

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

/* ---- PNG encoder ---------------------------------------------------------
 *
 * knotmap's own, because a chart is simple to encode and the general route
 * cost a third of an export or more: IMG_SavePNG (libpng's defaults) copies
 * the image to RGBA and tries all five filters on every row at deflate
 * level 6; libpng tuned to one filter still converted each row in one
 * pass, filtered it in another, and zlib then looked at every byte.
 *
 * Each row is written with the Up filter (each byte minus the one above),
 * which turns a chart's flat paper and flat fills into zeros: 98% of the
 * bytes of a 3840x2160 chart.  One pass per row compares the ARGB pixels of
 * this row and the row above; a run of unchanged pixels is a run of zero
 * bytes, coded as a few deflate matches at distance 1 (258 bytes each) in
 * constant time per match, and a changed pixel gives three bytes, coded as
 * literals (zeros among them join the runs).  The codes are deflate's
 * fixed Huffman codes, in one block: no tables to build or send.  That
 * makes the file about a quarter bigger than zlib's run-length mode with
 * its per-block codes (0.85 MB instead of 0.68 MB at 3840x2160) and the
 * encoding several times faster.  The same pass keeps the zlib stream's
 * Adler-32 (a run costs one multiplication).  The chart is drawn on opaque
 * paper, so RGB is written (a quarter less data).  Chunks are written with
 * write(2) as they fill, so a full disk is seen at the write that fails,
 * with its errno; rows arrive band by band, so the picture is never whole
 * in memory.  tests/render/test_export.c decodes what is written.
 */

#define KM_PNG_IDAT 65536 /* bytes of compressed data per IDAT chunk, about */
#define KM_ADLER 65521u

typedef struct km_png {
    int fd;
    int err;          /* errno of the first failed write, 0 while all is well */
    const char *fail; /* what else went wrong, or NULL */
    int w, h, rows;   /* size; rows written so far */
    uint32_t *prev;   /* the row above (ARGB), zeros above the first */
    uint32_t s1, s2;  /* Adler-32 of the filtered bytes so far */
    uint64_t bits;    /* deflate's bit stream, least significant bit first */
    int nbits;
    long zeros;         /* zero bytes waiting to be coded */
    bool last_zero;     /* the last byte coded was a zero (a match may copy it) */
    unsigned char *buf; /* compressed data waiting for its chunk: KM_PNG_IDAT and */
    size_t len;         /* room for a row's worst (4 w + 1024 bytes more) */
} km_png;

/* Deflate's fixed codes (RFC 1951, 3.2.6), bit-reversed for an LSB-first
 * stream, and the length symbols with their extra bits. */
static uint16_t g_lit_code[286];
static uint8_t g_lit_bits[286];
static uint16_t g_len_sym[259];
static uint8_t g_len_xbits[259];
static uint16_t g_len_xval[259];

static uint16_t reverse_bits(unsigned v, int n)
{
    unsigned r = 0;
    for (int i = 0; i < n; i++, v >>= 1)
        r = (r << 1) | (v & 1);
    return (uint16_t)r;
}

static void deflate_tables(void)
{
    if (g_lit_bits[0])
        return;
    for (int i = 0; i < 286; i++) {
        int code, n;
        if (i < 144)
            code = 0x30 + i, n = 8;
        else if (i < 256)
            code = 0x190 + (i - 144), n = 9;
        else if (i < 280)
            code = i - 256, n = 7;
        else
            code = 0xc0 + (i - 280), n = 8;
        g_lit_code[i] = reverse_bits((unsigned)code, n);
        g_lit_bits[i] = (uint8_t)n;
    }
    static const uint16_t base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const uint8_t extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    for (int k = 0; k < 29; k++)
        for (int l = base[k]; l < base[k] + (1 << extra[k]) && l <= 258; l++) {
            g_len_sym[l] = (uint16_t)(257 + k); /* 258 ends on symbol 285, as deflate wants */
            g_len_xbits[l] = extra[k];
            g_len_xval[l] = (uint16_t)(l - base[k]);
        }
}

static bool out_write(km_png *p, const void *data, size_t n)
{
    const unsigned char *b = data;
    while (n > 0 && !p->err) {
        ssize_t k = write(p->fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            p->err = k < 0 ? errno : ENOSPC;
            break;
        }
        b += k;
        n -= (size_t)k;
    }
    return !p->err;
}

static void be32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* One chunk: length, type, data, CRC of type and data. */
static bool png_chunk(km_png *p, const char *type, const unsigned char *data, uint32_t n)
{
    unsigned char head[8], tail[4];
    be32(head, n);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, head + 4, 4);
    if (n)
        crc = crc32(crc, data, n);
    be32(tail, (uint32_t)crc);
    return out_write(p, head, 8) && (n == 0 || out_write(p, data, n)) && out_write(p, tail, 4);
}

/* The compressed bytes so far as an IDAT chunk, when there are enough
 * (or any, when all is set). */
static bool flush_idat(km_png *p, bool all)
{
    if (p->len < (all ? 1 : KM_PNG_IDAT))
        return !p->err;
    bool ok = png_chunk(p, "IDAT", p->buf, (uint32_t)p->len);
    p->len = 0;
    return ok;
}

/* Append n bits (n <= 32) to the stream. */
static inline void put_bits(km_png *p, uint32_t v, int n)
{
    p->bits |= (uint64_t)v << p->nbits;
    p->nbits += n;
    while (p->nbits >= 8) {
        p->buf[p->len++] = (unsigned char)p->bits;
        p->bits >>= 8;
        p->nbits -= 8;
    }
}

static inline void put_literal(km_png *p, unsigned b)
{
    put_bits(p, g_lit_code[b], g_lit_bits[b]);
    p->last_zero = b == 0;
}

/* n zero bytes: a literal zero if the byte before is not one, then
 * copies of the byte before (distance 1, code 0 in five bits). */
static void put_zeros(km_png *p, long n)
{
    if (n > 0 && !p->last_zero) {
        put_literal(p, 0);
        n--;
    }
    while (n >= 3) {
        int l = n > 258 ? 258 : (int)n;
        if (n - l > 0 && n - l < 3)
            l = (int)n - 3; /* leave a whole match for the rest */
        int sym = g_len_sym[l];
        put_bits(p, g_lit_code[sym], g_lit_bits[sym]);
        put_bits(p, g_len_xval[l], g_len_xbits[l]);
        put_bits(p, 0, 5);
        n -= l;
        if (p->len >= KM_PNG_IDAT)
            flush_idat(p, false);
    }
    while (n-- > 0)
        put_literal(p, 0);
}

/* n bytes (a multiple of 3) that repeat the three before them: copies at
 * distance 3 (code 2 in five bits).  Zeros waiting are coded first, so
 * the three bytes before are the pixel repeated. */
static void put_repeats(km_png *p, long n)
{
    if (p->zeros) {
        put_zeros(p, p->zeros);
        p->zeros = 0;
    }
    while (n > 0) {
        int l = n > 258 ? 258 : (int)n; /* 258 = 86 pixels: the rest stays whole pixels */
        int sym = g_len_sym[l];
        put_bits(p, g_lit_code[sym], g_lit_bits[sym]);
        put_bits(p, g_len_xval[l], g_len_xbits[l]);
        put_bits(p, 0x08, 5); /* distance code 2 (distance 3), bit-reversed */
        n -= l;
        p->last_zero = false; /* a copied pixel is not all zeros */
        if (p->len >= KM_PNG_IDAT)
            flush_idat(p, false);
    }
}

/* A non-zero byte of a changed pixel (zeros wait to join a run). */
static inline void put_byte(km_png *p, unsigned char b)
{
    if (b == 0) {
        p->zeros++;
        return;
    }
    if (p->zeros) {
        put_zeros(p, p->zeros);
        p->zeros = 0;
    }
    put_literal(p, b);
}

static bool png_begin(km_png *p, int fd, int w, int h)
{
    memset(p, 0, sizeof *p);
    deflate_tables();
    p->fd = fd;
    p->w = w;
    p->h = h;
    p->s1 = 1;
    p->prev = calloc((size_t)w, sizeof *p->prev);
    p->buf = malloc(KM_PNG_IDAT + (size_t)w * 4 + 1024); /* a row's literals: 3 w + 1 of 9 bits at most */
    if (!p->prev || !p->buf) {
        p->fail = "out of memory";
        return false;
    }
    static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    unsigned char ihdr[13];
    be32(ihdr, (uint32_t)w);
    be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;  /* bits per channel */
    ihdr[9] = 2;  /* colour type: RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering (each row names its filter) */
    ihdr[12] = 0; /* not interlaced */
    p->buf[0] = 0x78; /* zlib: deflate, 32 KB window */
    p->buf[1] = 0x01; /* no dictionary, "fastest", and 0x7801 is a multiple of 31 */
    p->len = 2;
    put_bits(p, 1, 1); /* the last block (the only one) */
    put_bits(p, 1, 2); /* with the fixed codes */
    return out_write(p, sig, sizeof sig) && png_chunk(p, "IHDR", ihdr, sizeof ihdr);
}

/* n rows of ARGB8888 pixels (pitch bytes apart), the next of the picture:
 * filtered, checksummed and coded in one pass. */
static bool png_rows(km_png *p, const uint32_t *px, int n, int pitch)
{
    const int w = p->w;
    for (int r = 0; r < n; r++) {
        const uint32_t *cur = (const uint32_t *)((const unsigned char *)px + (size_t)r * pitch);
        const uint32_t *up = r > 0 ? (const uint32_t *)((const unsigned char *)cur - pitch) : p->prev;
        /* Adler-32 in 64 bits, reduced once a row (a row of 16384 pixels
         * cannot overflow them). */
        uint64_t s1 = p->s1, s2 = p->s2;
        put_byte(p, 2); /* filter Up */
        s1 += 2;
        s2 += s1;
        uint32_t last = 0; /* the last changed pixel's three bytes, 0 after a run of zeros */
        long reps = 0;     /* pixels since that repeat it, not coded yet */
        for (int x = 0; x < w;) {
            if (cur[x] == up[x]) { /* a run of unchanged pixels: zeros */
                int x0 = x;
                while (x < w && cur[x] == up[x])
                    x++;
                long k = (long)(x - x0) * 3;
                if (reps) {
                    put_repeats(p, reps * 3);
                    reps = 0;
                }
                last = 0;
                p->zeros += k;
                s2 += (uint64_t)k * s1;
                continue;
            }
            uint32_t a = cur[x], b = up[x];
            unsigned char d[3] = {(unsigned char)((a >> 16) - (b >> 16)), (unsigned char)((a >> 8) - (b >> 8)),
                                  (unsigned char)(a - b)};
            uint32_t packed = (uint32_t)d[0] << 16 | (uint32_t)d[1] << 8 | d[2];
            for (int k = 0; k < 3; k++) {
                s1 += d[k];
                s2 += s1;
            }
            x++;
            if (packed != 0 && packed == last) { /* the same change as the pixel before: a copy */
                reps++;
                continue;
            }
            if (reps) {
                put_repeats(p, reps * 3);
                reps = 0;
            }
            for (int k = 0; k < 3; k++)
                put_byte(p, d[k]);
            last = packed;
        }
        if (reps)
            put_repeats(p, reps * 3);
        p->s1 = (uint32_t)(s1 % KM_ADLER);
        p->s2 = (uint32_t)(s2 % KM_ADLER);
        if (!flush_idat(p, false))
            return false;
    }
    /* The band's last row is the next band's row above. */
    if (n > 0)
        memcpy(p->prev, (const unsigned char *)px + (size_t)(n - 1) * pitch, (size_t)w * sizeof *p->prev);
    p->rows += n;
    return true;
}

static bool png_end(km_png *p)
{
    if (p->rows != p->h)
        return false;
    put_zeros(p, p->zeros);
    p->zeros = 0;
    put_bits(p, g_lit_code[256], g_lit_bits[256]); /* end of block */
    if (p->nbits > 0)
        put_bits(p, 0, 8 - p->nbits); /* to a whole byte */
    unsigned char adler[4];
    be32(adler, (p->s2 << 16) | p->s1);
    memcpy(p->buf + p->len, adler, 4);
    p->len += 4;
    return flush_idat(p, true) && png_chunk(p, "IEND", NULL, 0);
}

static void png_release(km_png *p)
{
    free(p->prev);
    free(p->buf);
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
            snprintf(why, whylen, "%s", png->err ? strerror(png->err) : png->fail ? png->fail : "cannot encode");
            ok = false;
        }
    }
    km_renderer_destroy(kr);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
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
    /* Drawn and encoded band by band into the temporary file, flushed to
     * the disk before the rename/link that makes it visible, so that never
     * exposes a file whose content is still in flight. */
    km_png png;
    bool begun = png_begin(&png, fd, w, h);
    bool drawn = begun && draw_and_encode(s, font, w, h, &png, why, sizeof why);
    bool written = drawn && png_end(&png);
    if (!begun || (drawn && !written))
        snprintf(why, sizeof why, "%s", png.err ? strerror(png.err) : png.fail ? png.fail : "cannot encode");
    png_release(&png);
    int flush_errno = written && fsync(fd) != 0 ? errno : 0;
    int close_errno = close(fd) != 0 ? errno : 0;
    if (!begun || (drawn && !written)) {
        snprintf(err, errlen, "%s: cannot write PNG: %s", path, why);
    } else if (!drawn) {
        /* A drawing failure, or the encoder's (a write) seen mid-way. */
        snprintf(err, errlen, png.err ? "%s: cannot write PNG: %s" : "%s: %s", path, why);
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
