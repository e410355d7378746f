/*
 * chart_cairo.c - cairo as a km_painter, and the chart written as PDF or
 * SVG (see chart_cairo.h).
 *
 * Every operation of painter.h becomes paths: a solid fill is one path
 * filled with nonzero winding; a stipple or hatch fill clips to the shape
 * and lays the pattern's dots or lines over the clip's box, at the very
 * phase the rasteriser uses (dots on the staggered grid of canvas.c's
 * paint_mask, hatch lines where (x + y) / sqrt 2 = (k + 1/2) * spacing), so
 * the two outputs match dot for dot; the lined paints of the compared
 * muscles' slots likewise, at km_paint_line_angles's directions and the
 * rasteriser's phase.  A batch is one path stroked once
 * (one stroke is painted as one shape, so overlaps do not darken).  The
 * erasable layer is kept as its lines and turned into geometry when it is
 * painted: each added line as capsules (their nonzero union), clipped out
 * by every eraser that came after it, in a group laid on at the paint's
 * alpha - no masks and no compositing operators, which PDF and SVG
 * viewers would otherwise get as a bitmap fallback.  Fills kept to the
 * body are gathered in a group while they follow each other and the group
 * is laid on through one clip to the silhouette (the file holds the
 * outline once a run, not once a fill); the rasteriser stops them short
 * of the outline's line, so here the line is drawn again over them (the
 * painter's edge operation).  Shapes outside the clip are left out, so a
 * close-up does not carry the whole figure.
 *
 * Words are set by labels.c through cairo's own text (fontconfig and
 * FreeType), so a PDF carries real, searchable text in an embedded,
 * subset font.
 */
#include "chart_cairo.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../chart/labels.h"
#include "../chart/layout.h"
#include "../chart/paint.h"
#include "../chart/painter.h"

#define KM_PI 3.14159265358979323846
#define KM_SQRT2 1.41421356237309504880

/* One line of the erasable layer, as given (the atlas or the marks own
 * the points, which outlive the painting). */
typedef struct layer_line {
    const km_vec2 *pts;
    int n;
    km_xform xf;
    float width;
    bool erase;
} layer_line;

#define KM_LAYER_MAX_LINES 4096

typedef struct cairo_painter {
    km_painter base;
    cairo_t *cr;
    bool clipped;              /* a clip() is in force (one cairo_save) */
    const km_poly *body;       /* the silhouette the open group of fills goes through, or NULL */
    int body_n;
    km_xform body_xf;
    double batch_w;            /* width of the open batch's strokes */
    cairo_path_t *layer_batch; /* the layer's batch (muscle shading), or NULL */
    double layer_batch_w;
    layer_line lines[KM_LAYER_MAX_LINES]; /* the layer's lines, in order */
    int nlines;
    const km_poly *keep; /* the layer is kept inside these polygons */
    int keep_n;
    km_xform keep_xf;
} cairo_painter;

static cairo_painter *cpp(km_painter *p)
{
    return (cairo_painter *)p;
}

static void set_rgba(cairo_t *cr, km_rgba c)
{
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0);
}

/* ---- paths -------------------------------------------------------------- */

static bool finite_pt(km_vec2 v)
{
    return isfinite(v.x) && isfinite(v.y);
}

/* One contour or polyline in layout pixels; non-finite points skipped, a
 * single point kept as a zero-length line so round caps make it a dot. */
/* Points closer than this (layout pixels) to the last one kept are left
 * out: the atlas's smoothed outlines are dense, and every point is
 * printed and compressed into the file (half of a PDF's making). */
#define KM_VECTOR_MIN_STEP 1.0

static void add_line(cairo_t *cr, const km_vec2 *pts, int n, bool closed, km_xform xf)
{
    int drawn = 0, last = n - 1;
    while (last > 0 && !finite_pt(pts[last]))
        last--;
    double lx = 0, ly = 0;
    for (int i = 0; i < n; i++) {
        if (!finite_pt(pts[i]))
            continue;
        double x = pts[i].x * xf.scale + xf.ox, y = pts[i].y * xf.scale + xf.oy;
        if (drawn > 0 && i != last && (x - lx) * (x - lx) + (y - ly) * (y - ly) < KM_VECTOR_MIN_STEP * KM_VECTOR_MIN_STEP)
            continue;
        if (drawn++ == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
        lx = x, ly = y;
    }
    if (drawn == 1) {
        double x, y;
        cairo_get_current_point(cr, &x, &y);
        cairo_line_to(cr, x, y);
    }
    if (closed && drawn > 2)
        cairo_close_path(cr);
}

static void add_polys(cairo_t *cr, const km_poly *polys, int n, km_xform xf)
{
    for (int i = 0; i < n; i++)
        if (polys[i].pts && polys[i].count >= 3)
            add_line(cr, polys[i].pts, polys[i].count, true, xf);
}

static void round_line(cairo_t *cr, double width)
{
    cairo_set_line_width(cr, width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
}

/* ---- culling --------------------------------------------------------------
 *
 * A PDF or SVG keeps every path drawn, clipped or not: a close-up would
 * carry the whole figure.  Shapes whose box (in view units, grown by pad
 * pixels) misses the clip are left out. */

static bool box_visible(cairo_t *cr, km_box b, km_xform xf, double pad)
{
    double x0, y0, x1, y1;
    cairo_clip_extents(cr, &x0, &y0, &x1, &y1);
    double bx0 = b.x0 * xf.scale + xf.ox - pad, bx1 = b.x1 * xf.scale + xf.ox + pad;
    double by0 = b.y0 * xf.scale + xf.oy - pad, by1 = b.y1 * xf.scale + xf.oy + pad;
    return !(bx1 < x0 || bx0 > x1 || by1 < y0 || by0 > y1);
}

static km_box pts_box(const km_vec2 *pts, int n)
{
    km_box b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (int i = 0; i < n; i++)
        if (finite_pt(pts[i])) {
            b.x0 = fminf(b.x0, pts[i].x), b.x1 = fmaxf(b.x1, pts[i].x);
            b.y0 = fminf(b.y0, pts[i].y), b.y1 = fmaxf(b.y1, pts[i].y);
        }
    return b;
}

static bool polys_visible(cairo_t *cr, const km_poly *polys, int n, km_xform xf)
{
    for (int i = 0; i < n; i++)
        if (polys[i].pts && box_visible(cr, pts_box(polys[i].pts, polys[i].count), xf, 1))
            return true;
    return false;
}

/* ---- patterns ------------------------------------------------------------ */

/* The dots or lines of a patterned paint over the box (x0, y0)-(x1, y1),
 * drawn in the paint's colour; the caller has clipped to the shape. */
static void pattern_over(cairo_t *cr, km_paint paint, double x0, double y0, double x1, double y1)
{
    double s = paint.spacing > 2.0f ? paint.spacing : 2.0f;
    set_rgba(cr, paint.color);
    cairo_new_path(cr);
    if (paint.kind == KM_PAINT_STIPPLE) {
        double rowh = s * 0.8660254;
        for (int j = (int)floor(y0 / rowh) - 1; j <= (int)ceil(y1 / rowh) + 1; j++) {
            double off = (j & 1) ? s * 0.5 : 0.0;
            for (int i = (int)floor((x0 - off) / s) - 1; i <= (int)ceil((x1 - off) / s) + 1; i++) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, i * s + off, j * rowh, paint.size, 0, 2 * KM_PI);
            }
        }
        cairo_fill(cr);
    } else if (km_paint_line_angles(paint.kind, (float[2]){0, 0}) > 0) {
        /* Lines whose distance along the normal (-sin a, cos a) is
         * (k + 1/2) * s, as the rasteriser's paint_mask, over the box. */
        float ang[2];
        int nfam = km_paint_line_angles(paint.kind, ang);
        for (int fam = 0; fam < nfam; fam++) {
            double a = ang[fam] * KM_PI / 180.0, ca = cos(a), sa = sin(a);
            double cx[4] = {x0, x1, x1, x0}, cy[4] = {y0, y0, y1, y1}, d0 = INFINITY, d1 = -INFINITY;
            for (int i = 0; i < 4; i++) {
                double d = -cx[i] * sa + cy[i] * ca;
                d0 = fmin(d0, d), d1 = fmax(d1, d);
            }
            double reach = (x1 - x0) + (y1 - y0) + 2, mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
            double along = mx * ca + my * sa; /* the box's centre along the lines */
            for (int k = (int)floor(d0 / s) - 1; k <= (int)ceil(d1 / s) + 1; k++) {
                double d = (k + 0.5) * s; /* the point along*(ca, sa) + d*(-sa, ca) */
                double px = along * ca - d * sa, py = along * sa + d * ca;
                cairo_move_to(cr, px - ca * reach, py - sa * reach);
                cairo_line_to(cr, px + ca * reach, py + sa * reach);
            }
        }
        cairo_set_line_width(cr, 2.0 * paint.size);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_stroke(cr);
    } else {
        /* Lines x + y = c with c = sqrt 2 * (k + 1/2) * s, across the box. */
        double step = s * KM_SQRT2;
        for (int k = (int)floor((x0 + y0) / step) - 1; k <= (int)ceil((x1 + y1) / step) + 1; k++) {
            double c = (k + 0.5) * step;
            cairo_move_to(cr, c - (y0 - 1), y0 - 1);
            cairo_line_to(cr, c - (y1 + 1), y1 + 1);
        }
        cairo_set_line_width(cr, 2.0 * paint.size);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_stroke(cr);
    }
}

/* Fill the current path with paint (and consume it). */
static void fill_path(cairo_t *cr, km_paint paint)
{
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    if (paint.kind == KM_PAINT_SOLID) {
        set_rgba(cr, paint.color);
        cairo_fill(cr);
        return;
    }
    cairo_save(cr);
    cairo_clip(cr);
    double x0, y0, x1, y1;
    cairo_clip_extents(cr, &x0, &y0, &x1, &y1);
    pattern_over(cr, paint, x0, y0, x1, y1);
    cairo_restore(cr);
}

/* ---- the painter ---------------------------------------------------------- */


/* Fills kept to a body are gathered in a group while they follow each
 * other (the muscles of a figure, a selection's zones) and the group is
 * laid on through one clip to the silhouette when something else comes:
 * a PDF or SVG then holds the outline once per run, not once per fill
 * (cairo's SVG writes a new clip path for every clipped operation). */
static void body_unclip(cairo_painter *cp)
{
    if (!cp->body)
        return;
    cairo_t *cr = cp->cr;
    cairo_pop_group_to_source(cr);
    cairo_save(cr);
    cairo_new_path(cr);
    add_polys(cr, cp->body, cp->body_n, cp->body_xf);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_clip(cr);
    cairo_paint(cr);
    cairo_restore(cr);
    cp->body = NULL;
}

static void body_clip(cairo_painter *cp, const km_poly *outline, int n, km_xform xf)
{
    if (cp->body == outline && memcmp(&cp->body_xf, &xf, sizeof xf) == 0)
        return;
    body_unclip(cp);
    cairo_push_group(cp->cr);
    cp->body = outline;
    cp->body_n = n;
    cp->body_xf = xf;
}

static void cr_unclip(km_painter *p)
{
    body_unclip(cpp(p));
    if (cpp(p)->clipped)
        cairo_restore(cpp(p)->cr);
    cpp(p)->clipped = false;
}

static void cr_clear(km_painter *p, km_rgba color)
{
    body_unclip(cpp(p));
    set_rgba(cpp(p)->cr, color);
    cairo_paint(cpp(p)->cr);
}

static void cr_clip(km_painter *p, km_rect r)
{
    cairo_t *cr = cpp(p)->cr;
    cr_unclip(p);
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_clip(cr);
    cpp(p)->clipped = true;
}

static void cr_sil_begin(km_painter *p)
{
    (void)p; /* fills are clipped to the outline they are given */
}

static void cr_sil_add(km_painter *p, const km_poly *outline, int n, km_xform xf, float line_w)
{
    (void)p, (void)outline, (void)n, (void)xf, (void)line_w;
}

static void cr_sil_end(km_painter *p)
{
    (void)p;
}

static void cr_edge(km_painter *p, const km_poly *outline, int n, km_xform xf, float line_w, km_rgba color)
{
    cairo_t *cr = cpp(p)->cr;
    body_unclip(cpp(p));
    cairo_new_path(cr);
    add_polys(cr, outline, n, xf);
    round_line(cr, line_w);
    set_rgba(cr, color);
    cairo_stroke(cr);
}

static void cr_fill(km_painter *p, const km_poly *polys, int n, km_xform xf, km_paint paint)
{
    if (paint.color.a == 0)
        return;
    body_unclip(cpp(p));
    if (!polys_visible(cpp(p)->cr, polys, n, xf))
        return;
    cairo_new_path(cpp(p)->cr);
    add_polys(cpp(p)->cr, polys, n, xf);
    fill_path(cpp(p)->cr, paint);
}

static void cr_fill_in_body(km_painter *p, const km_poly *outline, int n_outline, const km_poly *poly, km_xform xf,
                            km_paint paint)
{
    cairo_t *cr = cpp(p)->cr;
    if (paint.color.a == 0 || !polys_visible(cr, poly, 1, xf))
        return;
    if (n_outline > 0)
        body_clip(cpp(p), outline, n_outline, xf);
    else
        body_unclip(cpp(p));
    cairo_new_path(cr);
    add_polys(cr, poly, 1, xf);
    fill_path(cr, paint);
}

static void cr_stroke(km_painter *p, const km_vec2 *pts, int n, bool closed, km_xform xf, float width,
                      km_rgba color)
{
    cairo_t *cr = cpp(p)->cr;
    if (!pts || n < 1 || !(width > 0) || color.a == 0)
        return;
    body_unclip(cpp(p));
    if (!box_visible(cr, pts_box(pts, n), xf, width))
        return;
    cairo_new_path(cr);
    add_line(cr, pts, n, closed, xf);
    round_line(cr, width);
    set_rgba(cr, color);
    cairo_stroke(cr);
}

static void cr_disc(km_painter *p, km_vec2 at, km_xform xf, float radius, km_rgba color)
{
    cairo_t *cr = cpp(p)->cr;
    if (!finite_pt(at) || color.a == 0)
        return;
    body_unclip(cpp(p));
    cairo_new_path(cr);
    cairo_arc(cr, at.x * xf.scale + xf.ox, at.y * xf.scale + xf.oy, radius, 0, 2 * KM_PI);
    set_rgba(cr, color);
    cairo_fill(cr);
}

/* Two bars, butt-ended, stroked as one shape (as the rasteriser's quads). */
static void cr_cross(km_painter *p, km_vec2 at, km_xform xf, float half, float width, km_rgba color)
{
    cairo_t *cr = cpp(p)->cr;
    if (!finite_pt(at) || color.a == 0 || !(half > 0) || !(width > 0))
        return;
    double x = at.x * xf.scale + xf.ox, y = at.y * xf.scale + xf.oy;
    body_unclip(cpp(p));
    cairo_new_path(cr);
    cairo_move_to(cr, x - half, y - half);
    cairo_line_to(cr, x + half, y + half);
    cairo_move_to(cr, x - half, y + half);
    cairo_line_to(cr, x + half, y - half);
    cairo_set_line_width(cr, width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    set_rgba(cr, color);
    cairo_stroke(cr);
}

static void cr_batch_begin(km_painter *p)
{
    body_unclip(cpp(p));
    cairo_new_path(cpp(p)->cr);
    cpp(p)->batch_w = 1.0;
}

static void cr_batch_stroke(km_painter *p, const km_vec2 *pts, int n, bool closed, km_xform xf, float width)
{
    if (!pts || n < 1 || !box_visible(cpp(p)->cr, pts_box(pts, n), xf, width))
        return;
    add_line(cpp(p)->cr, pts, n, closed, xf);
    cpp(p)->batch_w = width; /* paint.c strokes a batch at one width */
}

static void cr_batch_end(km_painter *p, km_paint paint)
{
    cairo_t *cr = cpp(p)->cr;
    round_line(cr, cpp(p)->batch_w);
    set_rgba(cr, paint.color);
    cairo_stroke(cr);
}

static void layer_drop(cairo_painter *cp)
{
    if (cp->layer_batch)
        cairo_path_destroy(cp->layer_batch);
    cp->layer_batch = NULL;
    cp->nlines = 0;
    cp->keep_n = 0;
}

static void cr_layer_begin(km_painter *p)
{
    body_unclip(cpp(p));
    layer_drop(cpp(p));
}

static void cr_layer_batch_end(km_painter *p)
{
    cairo_painter *cp = cpp(p);
    if (cp->layer_batch)
        cairo_path_destroy(cp->layer_batch);
    cp->layer_batch = cairo_copy_path(cp->cr);
    cp->layer_batch_w = cp->batch_w;
    cairo_new_path(cp->cr);
}

static void cr_layer_line(km_painter *p, const km_vec2 *pts, int n, km_xform xf, float width, bool erase)
{
    cairo_painter *cp = cpp(p);
    if (!pts || n < 1 || !(width > 0) || cp->nlines >= KM_LAYER_MAX_LINES)
        return;
    cp->lines[cp->nlines++] = (layer_line){pts, n, xf, width, erase};
}

static void cr_layer_keep_inside(km_painter *p, const km_poly *polys, int n, km_xform xf)
{
    cpp(p)->keep = polys;
    cpp(p)->keep_n = n;
    cpp(p)->keep_xf = xf;
}

/* A round-capped line as the area it covers: one capsule per segment, all
 * turning the same way, so a nonzero fill (or clip) is their union. */
static void add_capsule(cairo_t *cr, double ax, double ay, double bx, double by, double r)
{
    double dx = bx - ax, dy = by - ay, len = sqrt(dx * dx + dy * dy);
    cairo_new_sub_path(cr);
    if (!(len > 1e-9)) {
        cairo_arc_negative(cr, ax, ay, r, 0, -2 * KM_PI);
        cairo_close_path(cr);
        return;
    }
    double nx = -dy / len, ny = dx / len, t = atan2(ny, nx);
    cairo_move_to(cr, ax + nx * r, ay + ny * r);
    cairo_line_to(cr, bx + nx * r, by + ny * r);
    cairo_arc_negative(cr, bx, by, r, t, t - KM_PI);
    cairo_line_to(cr, ax - nx * r, ay - ny * r);
    cairo_arc_negative(cr, ax, ay, r, t - KM_PI, t - 2 * KM_PI);
    cairo_close_path(cr);
}

/* Calls fn on each segment of the line in pixels (a lone point as one). */
static void each_segment(const layer_line *l, void (*fn)(cairo_t *, double, double, double, double, double),
                         cairo_t *cr)
{
    double px = 0, py = 0;
    int have = 0;
    for (int i = 0; i < l->n; i++) {
        if (!finite_pt(l->pts[i]))
            continue;
        double x = l->pts[i].x * l->xf.scale + l->xf.ox, y = l->pts[i].y * l->xf.scale + l->xf.oy;
        if (have || l->n == 1)
            fn(cr, have ? px : x, have ? py : y, x, y, l->width * 0.5);
        px = x, py = y, have = 1;
    }
}

/* Clip out one eraser segment: the box around it with the capsule as a
 * hole (even-odd), so nested clips take out the union of every eraser. */
static void clip_out_capsule(cairo_t *cr, double ax, double ay, double bx, double by, double r)
{
    double x0, y0, x1, y1;
    cairo_clip_extents(cr, &x0, &y0, &x1, &y1);
    cairo_new_path(cr);
    cairo_rectangle(cr, x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2);
    add_capsule(cr, ax, ay, bx, by, r);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_clip(cr);
}

/* The layer's lines as geometry: each added line, less the erasers that
 * come after it, filled with paint (opaque; the caller applies alpha). */
static void paint_lines(cairo_painter *cp, km_paint paint)
{
    cairo_t *cr = cp->cr;
    for (int k = 0; k < cp->nlines; k++) {
        if (cp->lines[k].erase)
            continue;
        cairo_save(cr);
        for (int e = k + 1; e < cp->nlines; e++)
            if (cp->lines[e].erase)
                each_segment(&cp->lines[e], clip_out_capsule, cr);
        cairo_new_path(cr);
        each_segment(&cp->lines[k], add_capsule, cr);
        fill_path(cr, paint);
        cairo_restore(cr);
    }
}

static void cr_layer_paint(km_painter *p, km_paint paint)
{
    cairo_painter *cp = cpp(p);
    cairo_t *cr = cp->cr;
    if (paint.color.a == 0 || (!cp->layer_batch && cp->nlines == 0))
        return;
    body_unclip(cp);
    cairo_save(cr);
    cairo_new_path(cr);
    if (cp->keep_n > 0) {
        add_polys(cr, cp->keep, cp->keep_n, cp->keep_xf);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        cairo_clip(cr);
    }
    if (cp->layer_batch) {
        /* One stroke is one shape: the union, at the paint's alpha. */
        cairo_append_path(cr, cp->layer_batch);
        round_line(cr, cp->layer_batch_w);
        set_rgba(cr, paint.color);
        cairo_stroke(cr);
    }
    if (cp->nlines > 0) {
        /* Drawn opaque in a group, then laid on at the paint's alpha, so
         * lines that overlap do not darken each other. */
        double alpha = paint.color.a / 255.0;
        paint.color.a = 255;
        cairo_push_group(cr);
        paint_lines(cp, paint);
        cairo_pop_group_to_source(cr);
        cairo_paint_with_alpha(cr, alpha);
    }
    cairo_restore(cr);
}

static const km_painter_ops k_cairo_ops = {
    .clear = cr_clear,
    .clip = cr_clip,
    .unclip = cr_unclip,
    .sil_begin = cr_sil_begin,
    .sil_add = cr_sil_add,
    .sil_end = cr_sil_end,
    .edge = cr_edge,
    .fill = cr_fill,
    .fill_in_body = cr_fill_in_body,
    .stroke = cr_stroke,
    .disc = cr_disc,
    .cross = cr_cross,
    .batch_begin = cr_batch_begin,
    .batch_stroke = cr_batch_stroke,
    .batch_end = cr_batch_end,
    .layer_begin = cr_layer_begin,
    .layer_batch_end = cr_layer_batch_end,
    .layer_line = cr_layer_line,
    .layer_keep_inside = cr_layer_keep_inside,
    .layer_paint = cr_layer_paint,
};

/* ---- text ------------------------------------------------------------------
 *
 * The words are set in the font files the PNG uses (km_vector_font: the
 * fontconfig match or --font, and the family's bold file next to it, else
 * a bold synthesised from the regular one, as the window does), or in the
 * KM_VECTOR_FONT family when none is given (the handout's chart, in the
 * handout's own type). */

typedef struct text_ctx {
    cairo_t *cr;
    cairo_font_face_t *face[2]; /* regular, bold; NULL: the KM_VECTOR_FONT family */
} text_ctx;

static cairo_font_face_t *face_for_file(const char *file, bool synth_bold)
{
    FcPattern *pat = FcPatternCreate();
    if (!pat)
        return NULL;
    FcPatternAddString(pat, FC_FILE, (const FcChar8 *)file);
    FcPatternAddInteger(pat, FC_INDEX, 0);
    cairo_font_face_t *f = cairo_ft_font_face_create_for_pattern(pat);
    FcPatternDestroy(pat);
    if (cairo_font_face_status(f) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(f);
        return NULL;
    }
    if (synth_bold)
        cairo_ft_font_face_set_synthesize(f, CAIRO_FT_SYNTHESIZE_BOLD);
    return f;
}

static void text_ctx_init(text_ctx *t, cairo_t *cr, const km_vector_font *font)
{
    memset(t, 0, sizeof *t);
    t->cr = cr;
    if (!font || !font->file || !font->file[0])
        return;
    t->face[0] = face_for_file(font->file, false);
    bool own_bold = font->bold_file && font->bold_file[0];
    t->face[1] = face_for_file(own_bold ? font->bold_file : font->file, !own_bold);
    if (!t->face[0] || !t->face[1]) { /* unreadable: the family, rather than no words */
        for (int i = 0; i < 2; i++)
            if (t->face[i])
                cairo_font_face_destroy(t->face[i]);
        t->face[0] = t->face[1] = NULL;
    }
}

static void text_ctx_release(text_ctx *t)
{
    for (int i = 0; i < 2; i++)
        if (t->face[i])
            cairo_font_face_destroy(t->face[i]);
}

static void set_font(const text_ctx *t, int px, bool bold)
{
    if (t->face[bold])
        cairo_set_font_face(t->cr, t->face[bold]);
    else
        cairo_select_font_face(t->cr, KM_VECTOR_FONT, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(t->cr, px);
}

static void text_measure(void *ctx, const char *utf8, int px, bool bold, int *w, int *h)
{
    const text_ctx *t = ctx;
    set_font(t, px, bold);
    cairo_text_extents_t te;
    cairo_font_extents_t fe;
    cairo_text_extents(t->cr, utf8, &te);
    cairo_font_extents(t->cr, &fe);
    if (w)
        *w = (int)lround(te.x_advance);
    if (h)
        *h = (int)ceil(fe.ascent + fe.descent);
}

static void text_draw(void *ctx, const char *utf8, int px, int x, int y, km_label_align align, km_rgba color,
                      bool bold)
{
    const text_ctx *t = ctx;
    cairo_t *cr = t->cr;
    set_font(t, px, bold);
    cairo_text_extents_t te;
    cairo_font_extents_t fe;
    cairo_text_extents(cr, utf8, &te);
    cairo_font_extents(cr, &fe);
    double tx = x;
    if (align == KM_LABEL_CENTER)
        tx -= te.x_advance / 2;
    else if (align == KM_LABEL_RIGHT)
        tx -= te.x_advance;
    set_rgba(cr, color);
    cairo_move_to(cr, tx, y + fe.ascent);
    cairo_show_text(cr, utf8);
    cairo_new_path(cr);
}

/* ---- the chart ----------------------------------------------------------- */

km_painter *km_cairo_painter_create(cairo_t *cr)
{
    cairo_painter *cp = calloc(1, sizeof *cp); /* the layer's lines make it large */
    if (!cp)
        return NULL;
    cp->base.ops = &k_cairo_ops;
    cp->cr = cr;
    return &cp->base;
}

void km_cairo_painter_destroy(km_painter *p)
{
    if (!p)
        return;
    cr_unclip(p);
    layer_drop(cpp(p));
    free(p);
}

/* The chart's shapes (no words) for the layout L. */
static void paint_shapes(cairo_t *cr, const km_scene *s, const km_layout *L)
{
    km_painter *p = km_cairo_painter_create(cr);
    if (!p)
        return;
    km_paint_chart_with(p, s, L);
    km_cairo_painter_destroy(p);
}

void km_chart_cairo_paint(cairo_t *cr, const km_scene *s, int w, int h)
{
    km_layout L;
    km_layout_compute(&L, s, (km_rect){0, 0, w, h});
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_clip(cr);
    paint_shapes(cr, s, &L);
    cairo_restore(cr);
}

void km_chart_cairo_draw(cairo_t *cr, const km_scene *s, int w, int h, const km_vector_font *font)
{
    static const km_text_ops text_ops = {text_measure, text_draw};
    text_ctx t;
    text_ctx_init(&t, cr, font);
    km_layout L;
    km_layout_compute(&L, s, (km_rect){0, 0, w, h});
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_clip(cr);
    paint_shapes(cr, s, &L);
    km_chart_labels(s, &L, &text_ops, &t);
    cairo_restore(cr);
    text_ctx_release(&t);
}

void km_chart_cairo_box(cairo_t *cr, const km_scene *s, double bw, double bh, int px_w)
{
    if (!(bw > 0) || !(bh > 0) || px_w < 16)
        return;
    double k = px_w / bw;
    int px_h = (int)lround(bh * k);
    cairo_save(cr);
    cairo_scale(cr, 1.0 / k, 1.0 / k);
    km_chart_cairo_draw(cr, s, px_w, px_h < 16 ? 16 : px_h, NULL);
    cairo_restore(cr);
}

typedef struct sink_ctx {
    km_vector_sink sink;
    void *closure;
    int err;
} sink_ctx;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n)
{
    sink_ctx *c = closure;
    if (c->err)
        return CAIRO_STATUS_WRITE_ERROR;
    c->err = c->sink(c->closure, data, n);
    return c->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int km_chart_vector_write(const km_scene *s, km_vector_format fmt, int w, int h, const km_vector_font *font,
                          km_vector_sink sink, void *closure, char *err, size_t errlen)
{
    sink_ctx sc = {sink, closure, 0};
    cairo_surface_t *surf;
    double k = 1.0;
    if (fmt == KM_VECTOR_PDF) {
        k = 72.0 / 300.0; /* a pixel of the export is 1/300 inch: 2480x3508 is an A4 page */
        surf = cairo_pdf_surface_create_for_stream(sink_write, &sc, w * k, h * k);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "knotmap");
        if (s->title)
            cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, s->title);
    } else {
        surf = cairo_svg_surface_create_for_stream(sink_write, &sc, w, h);
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PX);
    }
    cairo_t *cr = cairo_create(surf);
    cairo_scale(cr, k, k);
    km_chart_cairo_draw(cr, s, w, h, font);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (st == CAIRO_STATUS_SUCCESS && !sc.err)
        return 0;
    if (sc.err)
        snprintf(err, errlen, "%s", strerror(sc.err));
    else
        snprintf(err, errlen, "cairo: %s", cairo_status_to_string(st));
    return -1;
}
