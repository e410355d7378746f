/*
 * make.c - a handout from what a chart shows (see make.h).
 */
#include "make.h"

#include <stdio.h>
#include <string.h>

#include "../chart/layout.h"
#include "../core/drawing.h"
#include "../vector/chart_cairo.h"

/* Pixels the chart is laid out at across the handout's box: line widths
 * and words in the proportions of a 1600-pixel export. */
#define KM_HANDOUT_CHART_PX 1600

static void chart_cb(void *ctx, cairo_t *cr, double w, double h)
{
    km_chart_cairo_box(cr, ctx, w, h, KM_HANDOUT_CHART_PX);
}

/* One muscle's chart: that muscle alone (with the patient's drawing),
 * each view that shows it framed close up (km_layout_focus), no key (the
 * caption under it says what the marks mean). */
static void muscle_cb(void *ctx, cairo_t *cr, double w, double h, const km_scene_sel *sel)
{
    const km_scene *page_one = ctx;
    km_scene s = *page_one;
    s.sel[0] = *sel;
    s.sel_count = 1;
    s.area_count = 0;
    s.legend = false;
    s.view = -1;
    km_view_xform xf[KM_CHART_MAX_VIEWS];
    int shown = 0, last = -1;
    for (int v = 0; v < KM_CHART_MAX_VIEWS; v++)
        xf[v] = (km_view_xform){1, 0, 0};
    for (int v = 0; v < s.atlas->view_count && v < KM_CHART_MAX_VIEWS; v++)
        if (km_layout_focus(&s, v, 0.12f, 3.0f, &xf[v]))
            shown++, last = v;
    if (shown == 1)
        s.view = last; /* one view marks it: that view alone, larger */
    s.xforms = xf;
    km_chart_cairo_box(cr, &s, w, h, KM_HANDOUT_CHART_PX);
}

/* The drawing's top candidates as the muscles to explain (distinct
 * muscle and side), when nothing was selected. */
static void top_candidates(km_scene *s, const km_candidates *c)
{
    for (int i = 0; c && i < c->count && s->sel_count < KM_HANDOUT_TOP; i++) {
        bool dup = false;
        for (int k = 0; k < s->sel_count; k++)
            dup |= s->sel[k].muscle == c->items[i].muscle && s->sel[k].side == c->items[i].side;
        if (!dup) {
            s->sel[s->sel_count] = (km_scene_sel){c->items[i].muscle, c->items[i].side, s->sel_count};
            s->sel_count++;
        }
    }
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

int km_handout_make(const km_handout_request *r, km_bytes *out, char *err, size_t errlen)
{
    if (!r || !r->scene || !r->scene->atlas) {
        snprintf(err, errlen, "handout: nothing to show (no atlas)");
        return -1;
    }
    km_scene s = *r->scene;
    s.title = s.footer = s.clinic = NULL; /* the page has its own */
    s.hover_muscle = -1;
    s.marks_on_top = true; /* on paper, the patient's own drawing is what they look for first */
    if (s.sel_count == 0)
        top_candidates(&s, r->ranked);
    km_drawing_summary sum;
    memset(&sum, 0, sizeof sum);
    bool drawn = s.stroke_count > 0 || s.pin_count > 0;
    bool have_sum = drawn && km_drawing_summarise(s.atlas, s.strokes, s.stroke_count, s.pins, s.pin_count, &sum);
    /* Warning signs of the places pointed at or drawn over (the atlas's
     * red flags), first thing on page one. */
    int flags[32];
    int nflags = km_drawing_red_flags(s.atlas, s.areas, s.area_count, have_sum ? &sum : NULL, flags,
                                      (int)(sizeof flags / sizeof flags[0]));
    km_handout h = {
        .atlas = s.atlas, .muscles = s.sel, .muscle_count = s.sel_count,
        .candidates = r->ranked ? r->ranked->items : NULL, .candidate_count = r->ranked ? r->ranked->count : 0,
        .summary = have_sum ? &sum : NULL, .title = or_null(r->title), .notes = or_null(r->notes), .date = r->date,
        .clinic_name = or_null(r->clinic_name), .clinic_contact = or_null(r->clinic_contact),
        .clinic_logo = r->clinic_logo, .paper = r->paper, .draw_chart = chart_cb, .draw_muscle = muscle_cb, .chart_ctx = &s,
        .red_flags = flags, .red_flag_count = nflags, .stretch_photos = r->stretch_photos,
    };
    int pages = km_handout_pdf(&h, out, err, errlen);
    if (have_sum)
        km_drawing_summary_release(&sum);
    return pages;
}
