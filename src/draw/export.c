/*
 * export.c - a scene as a PNG, PDF or SVG file, with no display.
 *
 * PDF and SVG are the same chart drawn as vectors by cairo (src/vector,
 * the same paint.c as the window), through the same writer as the PNG.
 * The picture is drawn by the same km_render_draw as the window, on a
 * software renderer over an ARGB8888 surface, band by band: the surface
 * and the rasteriser's buffers hold a band of rows (about 12 MB in all),
 * each band is drawn whole (chart and words) and encoded by knotmap's own
 * PNG encoder (below) as it is finished, so an export's memory does not
 * grow with its size.  Every file is written through
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
#include <zlib.h> /* crc32 */

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
 * bytes, a few deflate copies at distance 1 (258 bytes each) in constant
 * time per copy; a pixel that changes like the one before it is a copy at
 * distance 3; other bytes are literals.  These symbols are gathered in
 * blocks of KM_PNG_BLOCK and each block gets its own Huffman codes (deflate's
 * "dynamic" blocks), so the files are as small as zlib's run-length mode
 * made them (0.68 MB at 3840x2160) while zlib no longer looks at every
 * byte: it was a third of an export.  The same pass keeps the zlib
 * stream's Adler-32 (a run costs one multiplication); zlib is used for the
 * chunks' CRCs only.  The chart is drawn on opaque paper, so RGB is written
 * (a quarter less data).  Chunks are written with write(2) as they fill,
 * so a full disk is seen at the write that fails, with its errno; rows
 * arrive band by band, so the picture is never whole in memory.
 * tests/render/test_export.c decodes what is written (libpng, through
 * SDL_image) and compares it pixel for pixel.
 */

#define KM_PNG_IDAT 65536 /* bytes of compressed data per IDAT chunk, about */
#define KM_ADLER 65521u
#define KM_PNG_BLOCK 32768  /* symbols per deflate block: its codes fit what it holds */
#define KM_TOK_COPY 0x10000u

typedef struct km_png {
    km_out *out;      /* the file (core/fileio.h); its err: the first failed write's errno */
    const char *fail; /* what else went wrong, or NULL */
    int w, h, rows;   /* size; rows written so far */
    uint32_t *prev;   /* the row above (ARGB), zeros above the first */
    uint32_t s1, s2;  /* Adler-32 of the filtered bytes so far */
    uint64_t bits;    /* deflate's bit stream, least significant bit first */
    int nbits;
    long zeros;         /* zero bytes waiting to be coded */
    bool last_zero;     /* the last byte coded was a zero (a match may copy it) */
    unsigned char *buf; /* compressed data waiting for its chunk (KM_PNG_IDAT and a little) */
    size_t len;
    uint32_t *tok;      /* the block being gathered: literals, and copies as */
    int ntok;           /* KM_TOK_COPY | length << 4 | distance code */
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
    return km_out_write(p->out, data, n);
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
        return !p->out->err;
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
    if (p->len >= KM_PNG_IDAT)
        flush_idat(p, false);
}

/* ---- Huffman codes for a block ---- */

/* Code lengths for freq[0..n) (a symbol with frequency 0 gets none), at
 * most maxbits long, as a complete code: at least two symbols get one
 * (deflate's decoders refuse an incomplete code).  Plain Huffman; while
 * the longest is too long, the frequencies are halved and it is built
 * again. */
static void huff_lengths(const uint32_t *freq_in, int n, int maxbits, uint8_t *len)
{
    uint32_t freq[320];
    int used = 0;
    for (int i = 0; i < n; i++)
        used += (freq[i] = freq_in[i]) > 0;
    for (int i = 0; used < 2 && i < n; i++)
        if (!freq[i]) {
            freq[i] = 1;
            used++;
        }
    for (;;) {
        /* Nodes: leaves 0..n-1, internal n..; two sorted queues. */
        int order[320], parent[640], leaves = 0;
        uint64_t w[640];
        for (int i = 0; i < n; i++)
            if (freq[i])
                order[leaves++] = i;
        for (int i = 1; i < leaves; i++) /* insertion sort by frequency (n <= 286) */
            for (int j = i; j > 0 && freq[order[j]] < freq[order[j - 1]]; j--) {
                int t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
        for (int i = 0; i < n; i++)
            w[i] = freq[i];
        int li = 0, qi = n, qn = n; /* next leaf, next internal to use, next internal to make */
        for (int k = 0; k < leaves - 1; k++) {
            int pick[2];
            for (int m = 0; m < 2; m++) {
                if (li < leaves && (qi >= qn || w[order[li]] <= w[qi]))
                    pick[m] = order[li++];
                else
                    pick[m] = qi++;
            }
            w[qn] = w[pick[0]] + w[pick[1]];
            parent[pick[0]] = parent[pick[1]] = qn;
            qn++;
        }
        int root = qn - 1, longest = 0, depth[640];
        depth[root] = 0;
        for (int k = root - 1; k >= n; k--)
            depth[k] = depth[parent[k]] + 1;
        for (int i = 0; i < n; i++) {
            len[i] = freq[i] ? (uint8_t)(depth[parent[i]] + 1) : 0;
            longest = len[i] > longest ? len[i] : longest;
        }
        if (longest <= maxbits)
            return;
        for (int i = 0; i < n; i++)
            if (freq[i])
                freq[i] = (freq[i] >> 1) | 1;
    }
}

/* Canonical codes for the lengths (RFC 1951, 3.2.2), bit-reversed. */
static void huff_codes(const uint8_t *len, int n, uint16_t *code)
{
    int count[16] = {0}, next[16];
    for (int i = 0; i < n; i++)
        count[len[i]]++;
    count[0] = 0;
    int c = 0;
    for (int b = 1; b < 16; b++) {
        c = (c + count[b - 1]) << 1;
        next[b] = c;
    }
    for (int i = 0; i < n; i++)
        code[i] = len[i] ? reverse_bits((unsigned)next[len[i]]++, len[i]) : 0;
}

/* The block gathered so far, with codes made for it (final: the last). */
static void emit_block(km_png *p, bool final)
{
    uint32_t lf[286] = {0}, df[30] = {0};
    for (int i = 0; i < p->ntok; i++) {
        uint32_t t = p->tok[i];
        if (t & KM_TOK_COPY) {
            lf[g_len_sym[(t >> 4) & 0x1ff]]++;
            df[t & 15]++;
        } else {
            lf[t]++;
        }
    }
    lf[256] = 1;
    uint8_t ll[286 + 30], *dl = ll + 286;
    uint16_t lc[286], dc[30];
    huff_lengths(lf, 286, 15, ll);
    huff_lengths(df, 30, 15, dl);
    int hlit = 286, hdist = 30;
    while (hlit > 257 && !ll[hlit - 1])
        hlit--;
    while (hdist > 1 && !dl[hdist - 1])
        hdist--;
    /* The lengths, run-length coded with the code-length alphabet:
     * 0-15 a length, 16 the one before 3-6 times, 17/18 zeros. */
    uint8_t seq[286 + 30];
    memcpy(seq, ll, (size_t)hlit);
    memcpy(seq + hlit, dl, (size_t)hdist);
    const int total = hlit + hdist;
    uint8_t sym[320], xv[320];
    int ns = 0;
    uint32_t cf[19] = {0};
    for (int i = 0; i < total;) {
        int l = seq[i], run = 1;
        while (i + run < total && seq[i + run] == l)
            run++;
        i += run;
        if (l == 0) {
            while (run >= 11) {
                int r = run > 138 ? 138 : run;
                sym[ns] = 18, xv[ns++] = (uint8_t)(r - 11);
                run -= r;
            }
            if (run >= 3) {
                sym[ns] = 17, xv[ns++] = (uint8_t)(run - 3);
                run = 0;
            }
        } else {
            sym[ns] = (uint8_t)l, xv[ns++] = 0;
            run--;
            while (run >= 3) {
                int r = run > 6 ? 6 : run;
                sym[ns] = 16, xv[ns++] = (uint8_t)(r - 3);
                run -= r;
            }
        }
        while (run-- > 0)
            sym[ns] = (uint8_t)l, xv[ns++] = 0;
    }
    for (int i = 0; i < ns; i++)
        cf[sym[i]]++;
    uint8_t cl[19];
    uint16_t cc[19];
    huff_lengths(cf, 19, 7, cl);
    huff_codes(cl, 19, cc);
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    int hclen = 19;
    while (hclen > 4 && !cl[order[hclen - 1]])
        hclen--;
    huff_codes(ll, 286, lc);
    huff_codes(dl, 30, dc);

    put_bits(p, final ? 1 : 0, 1);
    put_bits(p, 2, 2); /* dynamic codes */
    put_bits(p, (uint32_t)(hlit - 257), 5);
    put_bits(p, (uint32_t)(hdist - 1), 5);
    put_bits(p, (uint32_t)(hclen - 4), 4);
    for (int i = 0; i < hclen; i++)
        put_bits(p, cl[order[i]], 3);
    static const uint8_t xbits[19] = {[16] = 2, [17] = 3, [18] = 7};
    for (int i = 0; i < ns; i++) {
        put_bits(p, cc[sym[i]], cl[sym[i]]);
        if (xbits[sym[i]])
            put_bits(p, xv[i], xbits[sym[i]]);
    }
    for (int i = 0; i < p->ntok; i++) {
        uint32_t t = p->tok[i];
        if (t & KM_TOK_COPY) {
            int l = (int)((t >> 4) & 0x1ff), s = g_len_sym[l];
            put_bits(p, lc[s], ll[s]);
            if (g_len_xbits[l])
                put_bits(p, g_len_xval[l], g_len_xbits[l]);
            put_bits(p, dc[t & 15], dl[t & 15]);
        } else {
            put_bits(p, lc[t], ll[t]);
        }
    }
    put_bits(p, lc[256], ll[256]); /* end of block */
    p->ntok = 0;
}

static inline void push_token(km_png *p, uint32_t t)
{
    p->tok[p->ntok++] = t;
    if (p->ntok == KM_PNG_BLOCK)
        emit_block(p, false);
}

static inline void put_literal(km_png *p, unsigned b)
{
    push_token(p, b);
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
        push_token(p, KM_TOK_COPY | (uint32_t)l << 4 | 0); /* distance 1: code 0 */
        n -= l;
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
        push_token(p, KM_TOK_COPY | (uint32_t)l << 4 | 2); /* distance 3: code 2 */
        n -= l;
        p->last_zero = false; /* a copied pixel is not all zeros */
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

static bool png_begin(km_png *p, km_out *out, int w, int h)
{
    memset(p, 0, sizeof *p);
    deflate_tables();
    p->out = out;
    p->w = w;
    p->h = h;
    p->s1 = 1;
    p->prev = calloc((size_t)w, sizeof *p->prev);
    p->buf = malloc(KM_PNG_IDAT + 64);
    p->tok = malloc(KM_PNG_BLOCK * sizeof *p->tok);
    if (!p->prev || !p->buf || !p->tok) {
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
    emit_block(p, true);
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
    free(p->tok);
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
            snprintf(why, whylen, "%s", png->out->err ? strerror(png->out->err) : png->fail ? png->fail : "cannot encode");
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
        snprintf(why, whylen, "%s", out->err ? strerror(out->err) : png.fail ? png.fail : "cannot encode");
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
