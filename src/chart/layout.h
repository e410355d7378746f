/*
 * layout.h - where everything of the chart sits for one output: the one
 * place that decides it.
 *
 * Given the atlas's views, the scene's switches (which views, title,
 * footer, legend, how many muscles in the key, each view's zoom and pan)
 * and an output rectangle, km_layout_compute places the title and the
 * notes, one cell per view with its label, the side labels, the key (its
 * entries' lines), an export's report (report.h: its red box, its list)
 * and the footer, and gives every view its transform from view units to
 * output pixels.  Drawing (the
 * renderer, the export, the reference-image tests) paints through it, and
 * the application hit-tests through it before any frame is drawn, so there
 * is no second copy of the placement formula anywhere.  Platform-free: no
 * windowing or font library here.
 *
 * Views come in two kinds.  Full-body views share one scale (they compare
 * at the same size) and fill the space; close-up "detail" views (head,
 * hand, sole) get smaller cells beside the bodies or below them (whichever
 * leaves the bodies larger), each scaled to fit its own cell.  Every
 * view's transform is
 *
 *   screen = centre of its fitted box + (p - view size / 2 + pan) * fit * zoom
 *
 * with fit the scale at zoom 1, and its inverse is km_layout_to_view.
 */
#ifndef KM_CHART_LAYOUT_H
#define KM_CHART_LAYOUT_H

#include <stdbool.h>

#include "../core/atlas.h"
#include "../core/geom.h"
#include "../core/scene.h"
#include "../raster/canvas.h"
#include "report.h"

#define KM_CHART_MAX_VIEWS 12
/* Entries in the key: its 7 fixed kinds and the compared muscles. */
#define KM_LEGEND_MAX (7 + KM_SCENE_MAX_SELECTED)
/* Paragraphs of a report (report.h): a heading and the flags, a heading,
 * the ranked muscles and their rule, the pins. */
#define KM_REPORT_MAX_PARAS 20

/* A rectangle in pixels. */
typedef struct km_rect {
    int x, y, w, h;
} km_rect;

/* What the layout needs to know of one view: its size and its kind. */
typedef struct km_layout_item {
    float width, height; /* view units */
    bool detail;         /* a close-up view: its own scale, smaller cell */
    km_view_xform xf;    /* zoom and pan (zoom 1, pan 0: fitted) */
} km_layout_item;

/* Where one view landed. */
typedef struct km_chart_view {
    int view;         /* index in the atlas (or in the items given) */
    bool detail;
    km_side side;     /* a close-up: the side it shows (its left is its picture mirrored); else MIDLINE */
    km_rect cell;     /* the view's box in output pixels; drawing is clipped to it */
    km_xform xf;      /* view units -> output pixels, zoom and pan included */
    float fit;        /* the scale at zoom 1 */
    float cx, cy;     /* output point where the view's centre sits at zoom 1, pan 0 */
    int label_y;      /* top of the view's label line */
    int side_y;       /* top of the "Patient's right/left" band (body views) */
    float w, h;       /* the view's size in view units */
} km_chart_view;

typedef struct km_layout {
    km_rect out;      /* the output rectangle: every coordinate below is absolute */
    float u;          /* base unit: 1% of the shorter side */
    int title_px, label_px, small_px;
    int margin;
    int nviews;
    km_chart_view v[KM_CHART_MAX_VIEWS];
    int title_y, footer_y;      /* absolute tops of those lines (when present) */
    km_rect legend;             /* w == 0: no key */
    int legend_cols, legend_rows;
    int legend_row_h, legend_head_h; /* a one-line entry's height, the "Key" heading's */
    int line_h;                      /* one line of small text (a wrapped entry's next line) */
    unsigned char legend_lines[KM_LEGEND_MAX]; /* lines each key entry's words take (they wrap, never shrink) */
    int notes_y, notes_lines;        /* the notes line(s) under the title (notes_lines 0: none) */
    km_rect report;                  /* the report (report.h); w == 0: none */
    km_rect report_flags;            /* its red box round the red flags; h == 0: none */
    km_rect report_list;             /* the ranking, then the pin legend */
    int report_pins_y;               /* top of the pin legend */
    int report_pad, report_bar, report_gap; /* the red box's padding and bar, the gap between parts */
    km_report content;               /* what the report says (km_layout_compute fills it) */
} km_layout;

/* One paragraph of the report, for the layout to make room for. */
typedef enum km_report_part { KM_PART_FLAG_HEAD, KM_PART_FLAG, KM_PART_RANK_HEAD, KM_PART_RANK, KM_PART_RULE, KM_PART_PINS } km_report_part;
typedef struct km_layout_para {
    const char *text;
    km_report_part part;
} km_layout_para;

/* Switches of the chart besides the views. */
typedef struct km_layout_opts {
    bool title, footer, legend;
    int legend_items; /* entries in the key (4 fixed + the selected muscles) */
    /* Each key entry's words (NULL: a short one-line entry), for wrapping;
     * entries from legend_bold_from on are set bold (the muscles). */
    const char *legend_text[KM_LEGEND_MAX];
    int legend_bold_from;
    const char *notes;                    /* the notes line, NULL for none */
    km_layout_para report[KM_REPORT_MAX_PARAS]; /* the report's paragraphs, in order */
    int report_paras;
} km_layout_opts;

/* Words of key entry n of a scene into buf (the fixed entries' names, then
 * each muscle's name with its side, and its slot's letter when several
 * are compared): what the key says and what the layout makes room for. */
const char *km_layout_legend_text(const km_scene *s, int n, char *buf, size_t len);

/* The report's paragraphs for a scene whose report is r, their words kept
 * in store; how many.  The layout makes room for them, labels.c sets them. */
int km_layout_report_paras(const km_scene *s, const km_report *r, km_layout_para *out, int max, char *store,
                           size_t store_n);

/* How many lines the words take at px (bold or not) in avail pixels when
 * broken at spaces, from an estimate of each character's width that is
 * never short for the fonts the chart uses (DejaVu Sans and narrower): the
 * room a wrapped text gets, before any font is at hand. */
int km_layout_est_lines(const char *t, int px, bool bold, int avail);
/* The estimated width of one line of t (as above). */
int km_layout_est_width(const char *t, int px, bool bold);
/* One line's height at px, in the layout's terms. */
int km_layout_line_h(int px);
/* Height and top-left of key entry n (wrapped entries are taller). */
int km_layout_legend_entry_h(const km_layout *L, int n);

/* Lay out n items (any mix of body and detail views) in out.  Views that
 * do not fit in KM_CHART_MAX_VIEWS are left out. */
void km_layout_items(km_layout *L, const km_layout_item *items, int n, const km_layout_opts *o, km_rect out);

/* The chart of a scene in out: the scene's view (or every view of its
 * atlas that km_scene_view_shown keeps: the body views and the close-ups
 * that carry something), its zoom and pan, title, footer and key. */
void km_layout_compute(km_layout *L, const km_scene *s, km_rect out);

/* Is this view a close-up (kind "detail" in the data), not a full body? */
bool km_layout_view_is_detail(const km_view *v);

/* The key's fixed entries a scene needs, in order, as 0 trigger point,
 * 1 essential zone, 2 spillover zone (with a muscle shown), 3 your pain
 * area (with marks or a tapped area), 4-6 the pins' pain levels (with
 * pins): kinds (may be NULL) gets them; returns how many.  The key lists
 * only what the chart shows. */
int km_layout_legend_fixed(const km_scene *s, int kinds[7]);

/* Index in L->v of the view shown at output point (x, y), with the view
 * point under it in *p; -1 if none (outside every cell or off the view's
 * canvas). */
int km_layout_hit(const km_layout *L, float x, float y, km_vec2 *p);
/* Index in L->v of atlas view `view`, or -1 if not shown. */
int km_layout_find(const km_layout *L, int view);
/* View point -> output point and back, for entry i of L->v. */
km_vec2 km_layout_to_screen(const km_layout *L, int i, km_vec2 p);
km_vec2 km_layout_to_view(const km_layout *L, int i, km_vec2 screen);

/* Zoom and pan, as the layout will place them.  New zoom (clamped to
 * 1..max_zoom) about output point (x, y) of entry i: the view point under
 * it stays there.  Returns the new transform; nothing is changed. */
km_view_xform km_layout_zoom_at(const km_layout *L, int i, km_view_xform cur, float x, float y, float factor,
                                float max_zoom);
/* cur moved by (dx, dy) output pixels, clamped like km_layout_clamp. */
km_view_xform km_layout_pan_by(const km_layout *L, int i, km_view_xform cur, float dx, float dy);
/* Keep a zoomed view covering its box: |pan| <= half size * (1 - 1/zoom). */
km_view_xform km_layout_clamp(float width, float height, km_view_xform x);

/* A transform for one view that frames what the scene marks on it (the
 * selected muscles' shapes, zones and trigger points, the pain areas) with
 * a margin (fraction of the box, e.g. 0.15), zoomed at most max_zoom, for
 * a close-up chart of one region.  False (out untouched) if nothing is
 * marked on that view. */
bool km_layout_focus(const km_scene *s, int view, float margin, float max_zoom, km_view_xform *out);

#endif
