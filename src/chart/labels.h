/*
 * labels.h - the chart's words and where they go: the title, each view's
 * name, "Patient's right / left" under each half of a body view, the
 * pins' numbers, the key's words and the footer.  Placed once, here, from
 * the layout; written by whoever can set text (the window's renderer
 * through its font library, cairo as real PDF/SVG text) through two
 * callbacks, so every output puts the same words in the same places.  No
 * windowing library here.
 */
#ifndef KM_CHART_LABELS_H
#define KM_CHART_LABELS_H

#include <stdbool.h>

#include "../core/scene.h"
#include "../raster/canvas.h"
#include "layout.h"

typedef enum km_label_align { KM_LABEL_LEFT, KM_LABEL_CENTER, KM_LABEL_RIGHT } km_label_align;

typedef struct km_text_ops {
    /* Size of one line at px (font size in layout pixels); w or h may be NULL. */
    void (*measure)(void *ctx, const char *utf8, int px, bool bold, int *w, int *h);
    /* One line with the top of its line box at y, aligned on x. */
    void (*draw)(void *ctx, const char *utf8, int px, int x, int y, km_label_align align, km_rgba color,
                 bool bold);
} km_text_ops;

/* Every word of the chart laid out as L says (layout pixels). */
void km_chart_labels(const km_scene *s, const km_layout *L, const km_text_ops *t, void *ctx);

#endif
