/*
 * chart_cairo.h - the chart as vectors: the same paint.c and labels.c that
 * the window and the PNG use, carried out by cairo (a km_painter whose
 * fills, strokes and patterns are paths, and real text), onto any cairo
 * context: a PDF or SVG file (km_chart_vector_write), or a box of the
 * handout's page (km_chart_cairo_box).  No windowing library here.
 */
#ifndef KM_VECTOR_CHART_CAIRO_H
#define KM_VECTOR_CHART_CAIRO_H

#include <stddef.h>

#include "../core/scene.h"

typedef struct _cairo cairo_t;

/* The family the chart's words are set in (fontconfig finds it; cairo
 * embeds and subsets it in a PDF). */
#define KM_VECTOR_FONT "DejaVu Sans"

typedef enum km_vector_format { KM_VECTOR_PDF, KM_VECTOR_SVG } km_vector_format;

/* The font files the words are set in: the PNG's (file, and its family's
 * bold file or NULL to synthesise bold); NULL or no file: KM_VECTOR_FONT. */
typedef struct km_vector_font {
    const char *file, *bold_file;
} km_vector_font;

/* The chart laid out for a w x h pixel output, drawn onto cr whose user
 * space is those pixels (as the PNG of that size would show it). */
void km_chart_cairo_draw(cairo_t *cr, const km_scene *s, int w, int h, const km_vector_font *font);

/* The same without its words: the shapes only, for comparing with the
 * rasteriser's km_paint_chart pixel for pixel (tests). */
void km_chart_cairo_paint(cairo_t *cr, const km_scene *s, int w, int h);

/* cairo as a painter (../chart/painter.h) drawing on cr in its user
 * space; NULL when out of memory.  Destroy ends any clip it holds. */
typedef struct km_painter km_painter;
km_painter *km_cairo_painter_create(cairo_t *cr);
void km_cairo_painter_destroy(km_painter *p);

/* The chart fitted to a box of bw x bh units of cr from its origin (a
 * handout's points): laid out as a px_w pixels wide output of the box's
 * shape, then scaled to the box, so lines and words keep the proportions
 * of an export of that width. */
void km_chart_cairo_box(cairo_t *cr, const km_scene *s, double bw, double bh, int px_w);

/* Sink for the bytes of a vector file: 0 on success, else an errno. */
typedef int (*km_vector_sink)(void *closure, const unsigned char *data, size_t n);

/* The chart of a w x h pixel export as PDF (a page of w x h at 300 dpi, so
 * 2480x3508 is A4, as for the PNG) or
 * SVG (w x h px), written through sink.  0, or -1 with the reason in err
 * (a failing sink's errno as strerror). */
int km_chart_vector_write(const km_scene *s, km_vector_format fmt, int w, int h, const km_vector_font *font,
                          km_vector_sink sink, void *closure, char *err, size_t errlen);

#endif
