/*
 * canvas.c - exact-area anti-aliased rasteriser and paints.
 *
 * Every shape becomes a list of line segments in canvas pixels.  Each
 * segment adds its signed area contribution to the cells of the
 * accumulation buffer `cover` it crosses (the approach of font-rs and
 * stb_truetype's v2 rasteriser); a running sum along each row then gives
 * the exact fraction of every pixel covered, with the sign of the winding.
 * Coverage is |sum| clamped to 1, i.e. nonzero winding, so contours of one
 * fill that overlap with the same orientation (stroke quads, joins) merge
 * instead of cancelling.
 *
 * Cost follows the shape, not the canvas: segments are clipped to the clip
 * rectangle (left/right parts are clamped onto its edge, which keeps their
 * winding effect exact for the pixels inside), the touched box is tracked,
 * and only that box is summed, painted and zeroed again.  So `cover` is all
 * zero between calls and nothing is allocated per shape.
 */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE (Linux) next to POSIX */
#include "canvas.h"

#include "../core/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define KM_TWO_PI 6.283185307179586

/* ---- accumulation ------------------------------------------------------ */

/* One fill in progress: the canvas and the box its segments touched. */
typedef struct km_acc {
    km_canvas *c;
    double minx, maxx, miny, maxy;
    bool any;
} km_acc;

static void acc_begin(km_acc *a, km_canvas *c)
{
    a->c = c;
    a->any = false;
    a->minx = a->miny = 1e30;
    a->maxx = a->maxy = -1e30;
}

/* Compares, not fmin/fmax/floor/ceil: without SSE4.1 those are libm
 * calls, and these run for every edge and every row it crosses.  Inputs
 * are finite and inside the canvas (clipped), so int conversion is safe. */
static inline double dmin(double a, double b)
{
    return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
    return a > b ? a : b;
}

static inline int ifloor(double v)
{
    int i = (int)v;
    return i > v ? i - 1 : i;
}

static inline int iceil(double v)
{
    int i = (int)v;
    return i < v ? i + 1 : i;
}

static void acc_track(km_acc *a, double x0, double y0, double x1, double y1)
{
    a->any = true;
    a->minx = dmin(a->minx, dmin(x0, x1));
    a->maxx = dmax(a->maxx, dmax(x0, x1));
    a->miny = dmin(a->miny, dmin(y0, y1));
    a->maxy = dmax(a->maxy, dmax(y0, y1));
}

/* Cells of the cover are written in 64-cell blocks; a block no edge
 * touched holds only zeros, so the resolve can step over it (see there). */
#define KM_BLOCK_SHIFT 6

static inline void touch(km_canvas *c, int y, int xa, int xb)
{
    uint64_t *t = c->touched + (size_t)y * c->touch_words;
    for (int b = xa >> KM_BLOCK_SHIFT; b <= xb >> KM_BLOCK_SHIFT; b++)
        t[b >> 6] |= (uint64_t)1 << (b & 63);
}

static inline bool touched(const uint64_t *t, int x)
{
    int b = x >> KM_BLOCK_SHIFT;
    return (t[b >> 6] >> (b & 63)) & 1;
}

/* Add a segment already inside the clip box (font-rs's draw_line). */
static void acc_raw(km_acc *a, double x0, double y0, double x1, double y1)
{
    if (y0 == y1)
        return;
    acc_track(a, x0, y0, x1, y1);
    float *cov = a->c->cover;
    const int stride = a->c->w + 2;
    const int by0 = a->c->band_y, by1 = by0 + a->c->h; /* the rows held */
    double dir = 1.0;
    if (y0 > y1) {
        double t = x0;
        x0 = x1;
        x1 = t;
        t = y0;
        y0 = y1;
        y1 = t;
        dir = -1.0;
    }
    const double dxdy = (x1 - x0) / (y1 - y0);
    double x = x0;
    const int ystart = ifloor(y0);
    const int yend = iceil(y1);
    if (yend <= by0 || ystart >= by1)
        return; /* nothing in the band (tracked all the same: the box is the picture's) */
    for (int y = ystart; y < yend; y++) {
        double dy = dmin(y + 1.0, y1) - dmax((double)y, y0);
        double xnext = x + dxdy * dy;
        if (y < by0) { /* above the band: step x exactly as if drawing */
            x = xnext;
            continue;
        }
        if (y >= by1)
            break;
        float *row = cov + (size_t)(y - by0) * stride;
        double d = dy * dir;
        double xa = x < xnext ? x : xnext;
        double xb = x < xnext ? xnext : x;
        int xai = ifloor(xa);
        double xafl = xai;
        int xbi = iceil(xb);
        double xbcl = xbi;
        touch(a->c, y - by0, xai, xbi > xai + 1 ? xbi : xai + 1);
        if (xbi <= xai + 1) {
            double xmf = 0.5 * (x + xnext) - xafl;
            row[xai] += (float)(d - d * xmf);
            row[xai + 1] += (float)(d * xmf);
        } else {
            double s = 1.0 / (xb - xa);
            double xaf = xa - xafl;
            double a0 = 0.5 * s * (1.0 - xaf) * (1.0 - xaf);
            double xbf = xb - xbcl + 1.0;
            double am = 0.5 * s * xbf * xbf;
            row[xai] += (float)(d * a0);
            if (xbi == xai + 2) {
                row[xai + 1] += (float)(d * (1.0 - a0 - am));
            } else {
                double a1 = s * (1.5 - xaf);
                row[xai + 1] += (float)(d * (a1 - a0));
                for (int xi = xai + 2; xi < xbi - 1; xi++)
                    row[xi] += (float)(d * s);
                double a2 = a1 + (xbi - xai - 3) * s;
                row[xbi - 1] += (float)(d * (1.0 - a2 - am));
            }
            row[xbi] += (float)(d * am);
        }
        x = xnext;
    }
}

/* Split a y-clipped segment where it crosses x = xc. */
static bool split_x(double x0, double y0, double x1, double y1, double xc, double *ym)
{
    if ((x0 < xc && x1 > xc) || (x0 > xc && x1 < xc)) {
        *ym = y0 + (y1 - y0) * (xc - x0) / (x1 - x0);
        return true;
    }
    return false;
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* Clamp the parts of a segment left/right of the clip box onto its edges:
 * for pixels inside, a segment left of the box winds exactly like one on
 * the left edge. */
static void acc_clip_x(km_acc *a, double x0, double y0, double x1, double y1)
{
    const double cx0 = a->c->clip_x0, cx1 = a->c->clip_x1;
    double ym;
    if (split_x(x0, y0, x1, y1, cx0, &ym)) {
        acc_clip_x(a, x0, y0, cx0, ym);
        acc_clip_x(a, cx0, ym, x1, y1);
        return;
    }
    if (split_x(x0, y0, x1, y1, cx1, &ym)) {
        acc_clip_x(a, x0, y0, cx1, ym);
        acc_clip_x(a, cx1, ym, x1, y1);
        return;
    }
    acc_raw(a, clampd(x0, cx0, cx1), y0, clampd(x1, cx0, cx1), y1);
}

/* Add one edge in canvas pixels; rows outside the clip box contribute
 * nothing to rows inside, so they are cut away. */
static void acc_line(km_acc *a, double x0, double y0, double x1, double y1)
{
    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1))
        return;
    const double cy0 = a->c->clip_y0, cy1 = a->c->clip_y1;
    if ((y0 <= cy0 && y1 <= cy0) || (y0 >= cy1 && y1 >= cy1) || y0 == y1)
        return;
    /* No row of the band (km_canvas_band): nothing to add, and nothing to
     * track, since the box only bounds what the resolve reads in the band. */
    const double by0 = a->c->band_y, by1 = a->c->band_y + a->c->h;
    if ((y0 <= by0 && y1 <= by0) || (y0 >= by1 && y1 >= by1))
        return;
    double dxdy = (x1 - x0) / (y1 - y0);
    if (y0 < cy0) {
        x0 += (cy0 - y0) * dxdy;
        y0 = cy0;
    } else if (y0 > cy1) {
        x0 += (cy1 - y0) * dxdy;
        y0 = cy1;
    }
    if (y1 < cy0) {
        x1 += (cy0 - y1) * dxdy;
        y1 = cy0;
    } else if (y1 > cy1) {
        x1 += (cy1 - y1) * dxdy;
        y1 = cy1;
    }
    if (!isfinite(x0) || !isfinite(x1))
        return;
    acc_clip_x(a, x0, y0, x1, y1);
}

/* ---- paints ------------------------------------------------------------ */

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

int km_paint_line_angles(km_paint_kind kind, float angles[2])
{
    switch (kind) {
    case KM_PAINT_LINES_H:
        return angles[0] = 0, 1;
    case KM_PAINT_LINES_V:
        return angles[0] = 90, 1;
    case KM_PAINT_LINES_DOWN:
        return angles[0] = 45, 1;
    case KM_PAINT_GRID:
        return angles[0] = 0, angles[1] = 90, 2;
    case KM_PAINT_GRID_DIAG:
        return angles[0] = 45, angles[1] = 135, 2;
    default:
        return 0;
    }
}

/* Opacity of the paint's pattern at a pixel centre (0..1). */
static float paint_mask(const km_paint *p, float px, float py)
{
    switch (p->kind) {
    case KM_PAINT_STIPPLE: {
        /* Dots on a staggered (hexagonal) grid: rows s*sqrt(3)/2 apart,
         * odd rows shifted by half a period, so the dots never line up
         * into stripes and the zone reads as dotted even in greyscale. */
        float s = p->spacing > 2.0f ? p->spacing : 2.0f;
        float rowh = s * 0.8660254f;
        int j0 = (int)floorf(py / rowh);
        float best = 1e30f;
        for (int j = j0; j <= j0 + 1; j++) {
            float off = (j & 1) ? s * 0.5f : 0.0f;
            float cx = roundf((px - off) / s) * s + off;
            float dx = px - cx, dy = py - j * rowh;
            float dd = dx * dx + dy * dy;
            if (dd < best)
                best = dd;
        }
        return clampf(p->size + 0.5f - sqrtf(best), 0.0f, 1.0f);
    }
    case KM_PAINT_HATCH: {
        float s = p->spacing > 2.0f ? p->spacing : 2.0f;
        float u = (px + py) * 0.70710678f;
        float m = fmodf(u, s);
        if (m < 0)
            m += s;
        return clampf(p->size + 0.5f - fabsf(m - s * 0.5f), 0.0f, 1.0f);
    }
    case KM_PAINT_LINES_H:
    case KM_PAINT_LINES_V:
    case KM_PAINT_LINES_DOWN:
    case KM_PAINT_GRID:
    case KM_PAINT_GRID_DIAG: {
        /* Lines through the points whose distance along the normal
         * (-sin a, cos a) is (k + 1/2) * s: the same phase as cairo's
         * (chart_cairo.c), so the PNG and the PDF match line for line. */
        float s = p->spacing > 2.0f ? p->spacing : 2.0f, ang[2], best = 0.0f;
        int n = km_paint_line_angles(p->kind, ang);
        for (int k = 0; k < n; k++) {
            float a = ang[k] * 0.017453293f, m = fmodf(-px * sinf(a) + py * cosf(a), s);
            if (m < 0)
                m += s;
            best = fmaxf(best, clampf(p->size + 0.5f - fabsf(m - s * 0.5f), 0.0f, 1.0f));
        }
        return best;
    }
    case KM_PAINT_SOLID:
    default:
        return 1.0f;
    }
}

/* Source-over of a straight-alpha colour with opacity a (0..1).  Most
 * pixels are either fully covered by an opaque paint or land on an opaque
 * pixel, so those two cases skip the general formula. */
static inline void blend(uint32_t *dst, km_rgba c, float a)
{
    if (a <= 0.0f)
        return;
    if (a >= 0.999f) {
        *dst = 0xff000000u | ((uint32_t)c.r << 16) | ((uint32_t)c.g << 8) | c.b;
        return;
    }
    uint32_t v = *dst;
    float dr = (float)((v >> 16) & 0xff), dg = (float)((v >> 8) & 0xff), db = (float)(v & 0xff);
    if ((v >> 24) == 0xff) {
        float k = 1.0f - a;
        *dst = 0xff000000u | ((uint32_t)(c.r * a + dr * k + 0.5f) << 16) |
               ((uint32_t)(c.g * a + dg * k + 0.5f) << 8) | (uint32_t)(c.b * a + db * k + 0.5f);
        return;
    }
    float da = (float)(v >> 24) / 255.0f;
    float oa = a + da * (1.0f - a);
    if (oa <= 0.0f)
        return;
    float k = da * (1.0f - a);
    float r = (c.r * a + dr * k) / oa;
    float g = (c.g * a + dg * k) / oa;
    float b = (c.b * a + db * k) / oa;
    uint32_t A = (uint32_t)(oa * 255.0f + 0.5f);
    *dst = (A << 24) | ((uint32_t)(r + 0.5f) << 16) | ((uint32_t)(g + 0.5f) << 8) | (uint32_t)(b + 0.5f);
}

/* ---- resolve ----------------------------------------------------------- */

typedef enum km_resolve_mode {
    KM_RESOLVE_PAINT,      /* composite the paint */
    KM_RESOLVE_MASK_ADD,   /* mask = max(mask, coverage) */
    KM_RESOLVE_MASK_ERASE, /* mask *= 1 - coverage */
    KM_RESOLVE_MASK_KEEP,  /* mask *= coverage */
} km_resolve_mode;

/* |winding| clamped to 1 (nonzero rule); a compare, not fminf, which is a
 * libm call here. */
static inline float coverage(float sum)
{
    float cov = fabsf(sum);
    return cov > 1.0f ? 1.0f : cov;
}

/* The pixels of one row inside the clip box, [x, hi): running sum of the
 * cells, coverage, then the mode's use of it; cells are zeroed as they
 * are read.  One loop per mode, and solid paints skip the pattern lookup,
 * because this loop runs for every pixel of every shape's box (the body's
 * line batches span a whole figure).  Returns the running sum. */
static float resolve_span(float *row, uint32_t *out, uint8_t *mrow, int x, int hi, float sum, const km_paint *paint,
                          float base_a, float py, km_resolve_mode mode)
{
    switch (mode) {
    case KM_RESOLVE_PAINT:
        if (paint->kind == KM_PAINT_SOLID) {
            const km_rgba col = paint->color;
            const uint32_t opaque = 0xff000000u | ((uint32_t)col.r << 16) | ((uint32_t)col.g << 8) | col.b;
            for (; x < hi; x++) {
                sum += row[x];
                row[x] = 0.0f;
                float cov = coverage(sum);
                float k = cov * base_a; /* the pattern's opacity is 1 */
                if (k >= 0.999f)
                    out[x] = opaque; /* blend's first case, inline: shape interiors */
                else if (cov >= 1.0f / 512.0f)
                    blend(&out[x], col, k);
            }
        } else {
            for (; x < hi; x++) {
                sum += row[x];
                row[x] = 0.0f;
                float cov = coverage(sum);
                if (cov >= 1.0f / 512.0f)
                    blend(&out[x], paint->color, cov * paint_mask(paint, x + 0.5f, py) * base_a);
            }
        }
        break;
    case KM_RESOLVE_MASK_ADD:
        for (; x < hi; x++) {
            sum += row[x];
            row[x] = 0.0f;
            float cov = coverage(sum);
            uint8_t v = (uint8_t)(cov * 255.0f + 0.5f);
            if (cov >= 1.0f / 512.0f && v > mrow[x])
                mrow[x] = v;
        }
        break;
    case KM_RESOLVE_MASK_ERASE:
        for (; x < hi; x++) {
            sum += row[x];
            row[x] = 0.0f;
            float cov = coverage(sum);
            if (cov >= 1.0f / 512.0f)
                mrow[x] = (uint8_t)(mrow[x] * (1.0f - cov) + 0.5f);
        }
        break;
    case KM_RESOLVE_MASK_KEEP:
        for (; x < hi; x++) {
            sum += row[x];
            row[x] = 0.0f;
            float cov = coverage(sum);
            mrow[x] = (uint8_t)(mrow[x] * cov + 0.5f);
        }
        break;
    }
    return sum;
}

/* Sum the touched box row by row, use the coverage, zero the cells.  Cells
 * left of the clip box only carry winding into it; right of it they are
 * only zeroed. */
static void acc_resolve(km_acc *a, const km_paint *paint, km_resolve_mode mode)
{
    km_canvas *c = a->c;
    if (!a->any)
        return;
    const int stride = c->w + 2;
    int y0 = (int)floor(a->miny), y1 = (int)ceil(a->maxy);
    int x0 = (int)floor(a->minx), x1 = (int)ceil(a->maxx) + 1;
    if (y0 < c->band_y)
        y0 = c->band_y;
    if (y1 > c->band_y + c->h)
        y1 = c->band_y + c->h;
    if (x0 < 0)
        x0 = 0;
    if (x1 > c->w + 1)
        x1 = c->w + 1;
    const int end = x1 + 1; /* cells [x0, end) */
    const int lo = c->clip_x0 < x0 ? x0 : (c->clip_x0 > end ? end : c->clip_x0);
    const int hi = c->clip_x1 < lo ? lo : (c->clip_x1 > end ? end : c->clip_x1);
    const float base_a = paint ? paint->color.a / 255.0f : 1.0f;
    const int blk = 1 << KM_BLOCK_SHIFT;
    for (int y = y0; y < y1; y++) {
        const size_t r = (size_t)(y - c->band_y); /* the row held */
        float *row = c->cover + r * stride;
        uint64_t *t = c->touched + r * c->touch_words;
        uint32_t *out = c->px ? c->px + r * c->w : NULL;
        uint8_t *mrow = c->mask + r * c->w;
        float sum = 0.0f;
        for (int x = x0, be; x < lo; x = be) {
            be = ((x >> KM_BLOCK_SHIFT) + 1) * blk;
            be = be < lo ? be : lo;
            if (touched(t, x))
                for (int k = x; k < be; k++) {
                    sum += row[k];
                    row[k] = 0.0f;
                }
        }
        /* An untouched block holds zeros, so the running sum stays what it
         * is across it; if that is below the painting threshold, no pixel
         * of the block is painted, and skipping it changes nothing.  (The
         * mask-keeping mode scales every pixel, so it sees them all.) */
        for (int x = lo, be; x < hi; x = be) {
            be = ((x >> KM_BLOCK_SHIFT) + 1) * blk;
            be = be < hi ? be : hi;
            if (mode == KM_RESOLVE_MASK_KEEP || touched(t, x) || coverage(sum) >= 1.0f / 512.0f)
                sum = resolve_span(row, out, mrow, x, be, sum, paint, base_a, y + 0.5f, mode);
        }
        for (int x = hi; x < end; x++)
            row[x] = 0.0f;
        memset(t, 0, (size_t)c->touch_words * sizeof *t);
    }
}

/* ---- canvas ------------------------------------------------------------ */

/* The clip's rows that the canvas holds: [band_lo, band_hi), picture rows. */
static inline int band_lo(const km_canvas *c)
{
    return c->clip_y0 > c->band_y ? c->clip_y0 : c->band_y;
}

static inline int band_hi(const km_canvas *c)
{
    int e = c->band_y + c->h;
    return c->clip_y1 < e ? c->clip_y1 : e;
}

void km_canvas_advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (!p || n < 2 * huge)
        return;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + n) & ~(huge - 1);
    if (b > a)
        (void)madvise((void *)a, (size_t)(b - a), MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

/* Zeroed and, when large, on huge pages: calloc leaves a large block's
 * pages untouched, so the advice is in place before the first fault. */
static void *big_calloc(size_t n, size_t size)
{
    void *p = km_calloc(n, size);
    if (p)
        km_canvas_advise_huge(p, n * size);
    return p;
}

bool km_canvas_init_scratch(km_canvas *c, int w, int h)
{
    memset(c, 0, sizeof *c);
    if (w <= 0 || h <= 0 || w > 16384 || h > 16384)
        return false;
    c->px_borrowed = true;
    /* calloc: untouched pages of these large buffers stay unmapped, which
     * matters for the mask (used only by the pain drawing). */
    c->cover = big_calloc((size_t)(w + 2) * h, sizeof *c->cover);
    c->mask = big_calloc((size_t)w * h, 1);
    c->touch_words = ((w + 2 + (1 << KM_BLOCK_SHIFT) - 1) >> KM_BLOCK_SHIFT) / 64 + 1;
    c->touched = km_calloc((size_t)c->touch_words * h, sizeof *c->touched);
    if (!c->cover || !c->mask || !c->touched) {
        km_canvas_release(c);
        return false;
    }
    c->w = w;
    c->h = h;
    c->rows_cap = h;
    c->band_y = 0;
    c->pic_h = h;
    km_canvas_clip_reset(c);
    return true;
}

void km_canvas_band(km_canvas *c, int y, int rows, int pic_h)
{
    if (!c->cover || rows < 1 || rows > c->rows_cap || y < 0 || pic_h < y + rows)
        return;
    c->band_y = y;
    c->h = rows;
    c->pic_h = pic_h;
    km_canvas_clip_reset(c);
}

void km_canvas_bind(km_canvas *c, uint32_t *px)
{
    if (c && c->px_borrowed)
        c->px = px;
}

bool km_canvas_init(km_canvas *c, int w, int h)
{
    if (!km_canvas_init_scratch(c, w, h))
        return false;
    c->px_borrowed = false;
    c->px = big_calloc((size_t)w * h, sizeof *c->px);
    if (!c->px) {
        km_canvas_release(c);
        return false;
    }
    return true;
}

void km_canvas_release(km_canvas *c)
{
    if (!c->px_borrowed)
        free(c->px);
    free(c->cover);
    free(c->mask);
    free(c->touched);
    memset(c, 0, sizeof *c);
}

static uint32_t pack(km_rgba k)
{
    return ((uint32_t)k.a << 24) | ((uint32_t)k.r << 16) | ((uint32_t)k.g << 8) | k.b;
}

void km_canvas_clear(km_canvas *c, km_rgba color)
{
    if (!c->px)
        return;
    /* One row by hand, the rest copied from it (memcpy is vectorised). */
    uint32_t v = pack(color);
    for (int x = 0; x < c->w; x++)
        c->px[x] = v;
    for (int y = 1; y < c->h; y++)
        memcpy(c->px + (size_t)y * c->w, c->px, (size_t)c->w * sizeof *c->px);
}

bool km_canvas_copy(km_canvas *dst, const km_canvas *src)
{
    if (!dst->px || !src->px || dst->w != src->w || dst->h != src->h)
        return false;
    memcpy(dst->px, src->px, (size_t)src->w * src->h * sizeof *src->px);
    return true;
}

void km_canvas_clip(km_canvas *c, int x, int y, int w, int h)
{
    int x1 = x + w, y1 = y + h;
    c->clip_x0 = x < 0 ? 0 : (x > c->w ? c->w : x);
    c->clip_y0 = y < 0 ? 0 : (y > c->pic_h ? c->pic_h : y);
    c->clip_x1 = x1 < c->clip_x0 ? c->clip_x0 : (x1 > c->w ? c->w : x1);
    c->clip_y1 = y1 < c->clip_y0 ? c->clip_y0 : (y1 > c->pic_h ? c->pic_h : y1);
}

void km_canvas_clip_reset(km_canvas *c)
{
    c->clip_x0 = c->clip_y0 = 0;
    c->clip_x1 = c->w;
    c->clip_y1 = c->pic_h;
}

km_rgba km_canvas_get(const km_canvas *c, int x, int y)
{
    km_rgba k = {0, 0, 0, 0};
    if (!c->px || x < 0 || y < c->band_y || x >= c->w || y >= c->band_y + c->h)
        return k;
    uint32_t v = c->px[(size_t)(y - c->band_y) * c->w + x];
    k.a = (uint8_t)(v >> 24);
    k.r = (uint8_t)(v >> 16);
    k.g = (uint8_t)(v >> 8);
    k.b = (uint8_t)v;
    return k;
}

/* ---- shapes ------------------------------------------------------------ */

static void xf_apply(km_xform xf, km_vec2 p, double *x, double *y)
{
    *x = (double)p.x * xf.scale + xf.ox;
    *y = (double)p.y * xf.scale + xf.oy;
}

static bool finite2(km_vec2 p)
{
    return isfinite(p.x) && isfinite(p.y);
}

/* One closed contour; non-finite points are dropped (their neighbours are
 * joined) so a bad point cannot poison the whole fill. */
static void acc_contour(km_acc *a, const km_vec2 *pts, int n, km_xform xf)
{
    double fx = 0, fy = 0, px = 0, py = 0;
    bool have = false;
    for (int i = 0; i < n; i++) {
        if (!finite2(pts[i]))
            continue;
        double x, y;
        xf_apply(xf, pts[i], &x, &y);
        if (!have) {
            fx = x;
            fy = y;
            have = true;
        } else {
            acc_line(a, px, py, x, y);
        }
        px = x;
        py = y;
    }
    if (have)
        acc_line(a, px, py, fx, fy);
}

static bool paint_visible(const km_paint *p)
{
    return p->color.a > 0;
}

void km_canvas_fill(km_canvas *c, const km_poly *polys, int n, km_xform xf, km_paint paint)
{
    if (!c || !c->px || !polys || !paint_visible(&paint))
        return;
    km_acc a;
    acc_begin(&a, c);
    for (int i = 0; i < n; i++)
        if (polys[i].pts && polys[i].count >= 3)
            acc_contour(&a, polys[i].pts, polys[i].count, xf);
    acc_resolve(&a, &paint, KM_RESOLVE_PAINT);
}

void km_canvas_fill_pts(km_canvas *c, const km_vec2 *pts, int n, km_xform xf, km_paint paint)
{
    if (!c || !c->px || !pts || n < 3 || !paint_visible(&paint))
        return;
    km_acc a;
    acc_begin(&a, c);
    acc_contour(&a, pts, n, xf);
    acc_resolve(&a, &paint, KM_RESOLVE_PAINT);
}

/* A closed contour of canvas-pixel points, oriented with positive signed
 * area so every piece of a stroke winds the same way. */
static void acc_oriented(km_acc *a, const double *xs, const double *ys, int n)
{
    double area = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        area += xs[i] * ys[j] - xs[j] * ys[i];
    }
    for (int i = 0; i < n; i++) {
        int k = area >= 0 ? i : n - 1 - i;
        int l = area >= 0 ? (i + 1) % n : (2 * n - 2 - i) % n;
        acc_line(a, xs[k], ys[k], xs[l], ys[l]);
    }
}

/* Can a shape spanning [y - r, y + r] (a pixel to spare) reach the rows
 * the canvas holds?  Shapes that cannot are not even built: an export
 * paints every band with the whole chart's geometry. */
static inline bool near_band(const km_canvas *c, double y, double r)
{
    return y + r + 1.0 > c->band_y && y - r - 1.0 < c->band_y + c->h;
}

static void acc_disc(km_acc *a, double cx, double cy, double r)
{
    if (!(r > 0) || !isfinite(cx) || !isfinite(cy) || !near_band(a->c, cy, r))
        return;
    int n = (int)(r * 2.0);
    n = n < 8 ? 8 : (n > 96 ? 96 : n);
    /* Step round the circle by rotating (cos, sin) instead of calling
     * them per vertex: joins make discs the most common shape. */
    const double cs = cos(KM_TWO_PI / n), sn = sin(KM_TWO_PI / n);
    double ux = 1.0, uy = 0.0;
    double px = cx + r, py = cy;
    for (int i = 1; i <= n; i++) {
        double t = ux * cs - uy * sn;
        uy = ux * sn + uy * cs;
        ux = t;
        double x = i == n ? cx + r : cx + r * ux, y = i == n ? cy : cy + r * uy;
        acc_line(a, px, py, x, y); /* increasing angle: positive area */
        px = x;
        py = y;
    }
}

static void acc_quad(km_acc *a, double x0, double y0, double x1, double y1, double hw)
{
    if (!near_band(a->c, 0.5 * (y0 + y1), 0.5 * fabs(y1 - y0) + hw))
        return;
    double dx = x1 - x0, dy = y1 - y0;
    double len = sqrt(dx * dx + dy * dy);
    if (!(len > 1e-9) || !isfinite(len))
        return;
    double nx = -dy / len * hw, ny = dx / len * hw;
    double xs[4] = {x0 + nx, x1 + nx, x1 - nx, x0 - nx};
    double ys[4] = {y0 + ny, y1 + ny, y1 - ny, y0 - ny};
    acc_oriented(a, xs, ys, 4);
}

/* Is a round join needed at b between segments a-b and b-c?  The wedge a
 * missing join leaves is about hw^2 * turn / 2 pixels; on smoothed curves
 * the turns are tiny and the joins invisible, so they are skipped. */
static bool join_needed(double ax, double ay, double bx, double by, double cx, double cy, double hw)
{
    double ux = bx - ax, uy = by - ay, vx = cx - bx, vy = cy - by;
    double lu = sqrt(ux * ux + uy * uy), lv = sqrt(vx * vx + vy * vy);
    if (!(lu > 1e-9) || !(lv > 1e-9))
        return true;
    double cross = fabs(ux * vy - uy * vx) / (lu * lv), dot = (ux * vx + uy * vy) / (lu * lv);
    double turn = atan2(cross, dot);
    return hw * hw * turn > 0.04;
}

/* Segments as quads plus round joins and caps, all wound the same way. */
static void acc_polyline(km_acc *a, const km_vec2 *pts, int n, bool closed, km_xform xf, double hw)
{
    /* Non-finite points are dropped; their neighbours are joined. */
    double fx = 0, fy = 0, f2x = 0, f2y = 0; /* first two points, for the closing joins */
    double p2x = 0, p2y = 0, p1x = 0, p1y = 0;  /* the two previous points */
    int seen = 0;
    for (int i = 0; i < n; i++) {
        if (!finite2(pts[i]))
            continue;
        double x, y;
        xf_apply(xf, pts[i], &x, &y);
        if (seen >= 1)
            acc_quad(a, p1x, p1y, x, y, hw);
        if (seen >= 2 && near_band(a->c, p1y, hw) && join_needed(p2x, p2y, p1x, p1y, x, y, hw))
            acc_disc(a, p1x, p1y, hw);
        if (seen == 0) {
            fx = x;
            fy = y;
        } else if (seen == 1) {
            f2x = x;
            f2y = y;
        }
        p2x = p1x;
        p2y = p1y;
        p1x = x;
        p1y = y;
        seen++;
    }
    if (seen == 0)
        return;
    if (seen == 1) {
        acc_disc(a, p1x, p1y, hw); /* a dot */
        return;
    }
    if (closed) {
        acc_quad(a, p1x, p1y, fx, fy, hw);
        if (near_band(a->c, p1y, hw) && join_needed(p2x, p2y, p1x, p1y, fx, fy, hw))
            acc_disc(a, p1x, p1y, hw);
        if (near_band(a->c, fy, hw) && join_needed(p1x, p1y, fx, fy, f2x, f2y, hw))
            acc_disc(a, fx, fy, hw);
    } else {
        acc_disc(a, fx, fy, hw); /* round caps */
        acc_disc(a, p1x, p1y, hw);
    }
}

void km_canvas_stroke_line(km_canvas *c, const km_vec2 *pts, int n, bool closed, km_xform xf,
                           float width, km_rgba color)
{
    if (!c || !c->px || !pts || n < 1 || !(width > 0) || color.a == 0)
        return;
    km_acc a;
    acc_begin(&a, c);
    acc_polyline(&a, pts, n, closed, xf, width * 0.5);
    km_paint p = {KM_PAINT_SOLID, color, 0, 0};
    acc_resolve(&a, &p, KM_RESOLVE_PAINT);
}

void km_canvas_stroke_poly(km_canvas *c, const km_poly *p, km_xform xf, float width, km_rgba color)
{
    if (p)
        km_canvas_stroke_line(c, p->pts, p->count, true, xf, width, color);
}

void km_canvas_disc(km_canvas *c, km_vec2 center, km_xform xf, float radius, km_rgba color)
{
    if (!c || !c->px || !finite2(center) || color.a == 0)
        return;
    double x, y;
    xf_apply(xf, center, &x, &y);
    km_acc a;
    acc_begin(&a, c);
    acc_disc(&a, x, y, radius);
    km_paint p = {KM_PAINT_SOLID, color, 0, 0};
    acc_resolve(&a, &p, KM_RESOLVE_PAINT);
}

void km_canvas_cross(km_canvas *c, km_vec2 center, km_xform xf, float half, float width, km_rgba color)
{
    if (!c || !c->px || !finite2(center) || color.a == 0 || !(half > 0) || !(width > 0))
        return;
    double x, y;
    xf_apply(xf, center, &x, &y);
    km_acc a;
    acc_begin(&a, c);
    acc_quad(&a, x - half, y - half, x + half, y + half, width * 0.5);
    acc_quad(&a, x - half, y + half, x + half, y - half, width * 0.5);
    km_paint p = {KM_PAINT_SOLID, color, 0, 0};
    acc_resolve(&a, &p, KM_RESOLVE_PAINT);
}

/* Unit normal of the segment a->b (zero if it has no length). */
static void seg_normal(double ax, double ay, double bx, double by, double *nx, double *ny)
{
    double dx = bx - ax, dy = by - ay, len = sqrt(dx * dx + dy * dy);
    if (!(len > 1e-9)) {
        *nx = *ny = 0;
        return;
    }
    *nx = -dy / len;
    *ny = dx / len;
}

/* Offset of vertex i of a (transformed) polyline by half-width hw along
 * the mitred normal, the miter limited to 2 hw. */
static void vertex_offset(const km_vec2 *pts, int n, bool closed, km_xform xf, double hw, int i, double *ox,
                          double *oy)
{
    double x, y, px, py, qx, qy, n1x = 0, n1y = 0, n2x = 0, n2y = 0;
    xf_apply(xf, pts[i], &x, &y);
    int ip = i > 0 ? i - 1 : (closed ? n - 1 : -1), in = i < n - 1 ? i + 1 : (closed ? 0 : -1);
    if (ip >= 0) {
        xf_apply(xf, pts[ip], &px, &py);
        seg_normal(px, py, x, y, &n1x, &n1y);
    }
    if (in >= 0) {
        xf_apply(xf, pts[in], &qx, &qy);
        seg_normal(x, y, qx, qy, &n2x, &n2y);
    }
    if (n1x == 0 && n1y == 0) {
        n1x = n2x;
        n1y = n2y;
    }
    if (n2x == 0 && n2y == 0) {
        n2x = n1x;
        n2y = n1y;
    }
    double mx = n1x + n2x, my = n1y + n2y, ml = sqrt(mx * mx + my * my);
    if (!(ml > 1e-6)) {
        *ox = n1x * hw;
        *oy = n1y * hw;
        return;
    }
    mx /= ml;
    my /= ml;
    double cosh = mx * n2x + my * n2y;
    double k = hw / (cosh > 0.5 ? cosh : 0.5);
    *ox = mx * k;
    *oy = my * k;
}

/* A thin stroke as its outline: the path offset to both sides, joined into
 * one contour (open line) or two opposite rings (closed), mitred at the
 * vertices.  About half the edges of quads plus joins, and no joins to
 * draw; for lines a pixel or two wide the mitre is indistinguishable from
 * a round join.  Paths with a non-finite point take the general route. */
static void acc_thin_stroke(km_acc *a, const km_vec2 *pts, int n, bool closed, km_xform xf, double hw)
{
    for (int i = 0; i < n; i++)
        if (!finite2(pts[i])) {
            acc_polyline(a, pts, n, closed, xf, hw);
            return;
        }
    if (n < 2 || (closed && n < 3)) {
        acc_polyline(a, pts, n, closed, xf, hw);
        return;
    }
    double fx = 0, fy = 0, lx = 0, ly = 0;
    /* Left side forward. */
    for (int i = 0; i < n; i++) {
        double x, y, ox, oy;
        xf_apply(xf, pts[i], &x, &y);
        vertex_offset(pts, n, closed, xf, hw, i, &ox, &oy);
        x += ox;
        y += oy;
        if (i == 0) {
            fx = x;
            fy = y;
        } else {
            acc_line(a, lx, ly, x, y);
        }
        lx = x;
        ly = y;
    }
    if (closed) {
        acc_line(a, lx, ly, fx, fy); /* outer ring closed; the inner ring follows */
    }
    /* Right side backward: for an open line it continues the same contour. */
    bool first = closed;
    double gx = 0, gy = 0;
    for (int i = n - 1; i >= 0; i--) {
        double x, y, ox, oy;
        xf_apply(xf, pts[i], &x, &y);
        vertex_offset(pts, n, closed, xf, hw, i, &ox, &oy);
        x -= ox;
        y -= oy;
        if (first) {
            gx = x;
            gy = y;
            first = false;
        } else {
            acc_line(a, lx, ly, x, y);
        }
        lx = x;
        ly = y;
    }
    if (closed)
        acc_line(a, lx, ly, gx, gy);
    else
        acc_line(a, lx, ly, fx, fy);
}

/* ---- batches ----------------------------------------------------------- */

void km_canvas_batch_begin(km_canvas *c)
{
    c->batch_any = false;
    c->batch_box[0] = c->batch_box[1] = 1e30;
    c->batch_box[2] = c->batch_box[3] = -1e30;
}

void km_canvas_batch_stroke(km_canvas *c, const km_vec2 *pts, int n, bool closed, km_xform xf, float width)
{
    if (!c || !c->px || !pts || n < 1 || !(width > 0))
        return;
    km_acc a;
    acc_begin(&a, c);
    if (width <= 3.0f)
        acc_thin_stroke(&a, pts, n, closed, xf, width * 0.5);
    else
        acc_polyline(&a, pts, n, closed, xf, width * 0.5);
    if (!a.any)
        return;
    c->batch_any = true;
    c->batch_box[0] = fmin(c->batch_box[0], a.minx);
    c->batch_box[1] = fmin(c->batch_box[1], a.miny);
    c->batch_box[2] = fmax(c->batch_box[2], a.maxx);
    c->batch_box[3] = fmax(c->batch_box[3], a.maxy);
}

void km_canvas_batch_end(km_canvas *c, km_paint paint)
{
    if (!c || !c->px)
        return;
    km_acc a;
    acc_begin(&a, c);
    a.any = c->batch_any;
    a.minx = c->batch_box[0];
    a.miny = c->batch_box[1];
    a.maxx = c->batch_box[2];
    a.maxy = c->batch_box[3];
    acc_resolve(&a, &paint, KM_RESOLVE_PAINT); /* also zeroes the cells when the paint is invisible */
    c->batch_any = false;
}

/* ---- erasable mask ----------------------------------------------------- */

void km_canvas_mask_clear(km_canvas *c)
{
    if (c && c->mask)
        memset(c->mask, 0, (size_t)c->w * c->h);
}

void km_canvas_batch_end_mask(km_canvas *c)
{
    if (!c || !c->mask)
        return;
    km_acc a;
    acc_begin(&a, c);
    a.any = c->batch_any;
    a.minx = c->batch_box[0];
    a.miny = c->batch_box[1];
    a.maxx = c->batch_box[2];
    a.maxy = c->batch_box[3];
    acc_resolve(&a, NULL, KM_RESOLVE_MASK_ADD);
    c->batch_any = false;
}

void km_canvas_mask_line(km_canvas *c, const km_vec2 *pts, int n, km_xform xf, float width, bool erase)
{
    if (!c || !c->mask || !pts || n < 1 || !(width > 0))
        return;
    km_acc a;
    acc_begin(&a, c);
    acc_polyline(&a, pts, n, false, xf, width * 0.5);
    acc_resolve(&a, NULL, erase ? KM_RESOLVE_MASK_ERASE : KM_RESOLVE_MASK_ADD);
}

void km_canvas_mask_keep_inside(km_canvas *c, const km_poly *polys, int n, km_xform xf)
{
    if (!c || !c->mask || !polys)
        return;
    km_acc a;
    acc_begin(&a, c);
    for (int i = 0; i < n; i++)
        if (polys[i].pts && polys[i].count >= 3)
            acc_contour(&a, polys[i].pts, polys[i].count, xf);
    /* Outside the shapes' box nothing is kept; inside, the resolve scales
     * the mask by the exact coverage. */
    int bx0 = a.any ? (int)floor(a.minx) : c->clip_x1, bx1 = a.any ? (int)ceil(a.maxx) + 1 : c->clip_x1;
    int by0 = a.any ? (int)floor(a.miny) : c->clip_y1, by1 = a.any ? (int)ceil(a.maxy) : c->clip_y1;
    for (int y = band_lo(c), ye = band_hi(c); y < ye; y++) {
        uint8_t *m = c->mask + (size_t)(y - c->band_y) * c->w;
        for (int x = c->clip_x0; x < c->clip_x1; x++)
            if (y < by0 || y >= by1 || x < bx0 || x > bx1)
                m[x] = 0;
    }
    acc_resolve(&a, NULL, KM_RESOLVE_MASK_KEEP);
}

void km_canvas_mask_paint(km_canvas *c, km_paint paint)
{
    if (!c || !c->mask || !c->px || paint.color.a == 0)
        return;
    const float base_a = paint.color.a / 255.0f;
    for (int y = band_lo(c), ye = band_hi(c); y < ye; y++) {
        const uint8_t *m = c->mask + (size_t)(y - c->band_y) * c->w;
        uint32_t *out = c->px + (size_t)(y - c->band_y) * c->w;
        for (int x = c->clip_x0; x < c->clip_x1; x++) {
            if (!m[x])
                continue;
            float k = m[x] / 255.0f * paint_mask(&paint, x + 0.5f, y + 0.5f);
            blend(&out[x], paint.color, k * base_a);
        }
    }
}

void km_canvas_mask_fill(km_canvas *c, const km_poly *polys, int n, km_xform xf)
{
    if (!c || !c->mask || !polys)
        return;
    km_acc a;
    acc_begin(&a, c);
    for (int i = 0; i < n; i++)
        if (polys[i].pts && polys[i].count >= 3)
            acc_contour(&a, polys[i].pts, polys[i].count, xf);
    acc_resolve(&a, NULL, KM_RESOLVE_MASK_ADD);
}

void km_canvas_fill_within(km_canvas *c, const km_poly *polys, int n, const uint8_t *within, km_xform xf,
                           km_paint paint)
{
    if (!c || !c->px || !c->mask || !polys || !within || !paint_visible(&paint))
        return;
    km_acc a;
    acc_begin(&a, c);
    for (int i = 0; i < n; i++)
        if (polys[i].pts && polys[i].count >= 3)
            acc_contour(&a, polys[i].pts, polys[i].count, xf);
    if (!a.any)
        return;
    /* The box the resolve below writes in (see acc_resolve), within the clip. */
    int x0 = ifloor(a.minx), x1 = iceil(a.maxx) + 2, y0 = ifloor(a.miny), y1 = iceil(a.maxy);
    x0 = x0 < c->clip_x0 ? c->clip_x0 : x0;
    x1 = x1 > c->clip_x1 ? c->clip_x1 : x1;
    y0 = y0 < band_lo(c) ? band_lo(c) : y0;
    y1 = y1 > band_hi(c) ? band_hi(c) : y1;
    for (int y = y0; y < y1 && x0 < x1; y++)
        memset(c->mask + (size_t)(y - c->band_y) * c->w + x0, 0, (size_t)(x1 - x0));
    acc_resolve(&a, NULL, KM_RESOLVE_MASK_ADD); /* also zeroes the cells when the box is empty */
    const float base_a = paint.color.a / (255.0f * 255.0f * 255.0f);
    for (int y = y0; y < y1; y++) {
        const size_t r = (size_t)(y - c->band_y);
        const uint8_t *m = c->mask + r * c->w, *w = within + r * c->w;
        uint32_t *out = c->px + r * c->w;
        for (int x = x0; x < x1; x++) {
            if (!m[x] || !w[x])
                continue;
            float k = (float)(m[x] * w[x]) * base_a;
            if (paint.kind != KM_PAINT_SOLID)
                k *= paint_mask(&paint, x + 0.5f, y + 0.5f);
            blend(&out[x], paint.color, k);
        }
    }
}
