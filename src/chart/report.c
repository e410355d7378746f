/*
 * report.c - the clinician's export's report (see report.h): red flags,
 * the ranked candidates with their coverage, the pin legend.  Every figure
 * is core's (core/drawing.c: the drawing measured, its red flags and its
 * ranking, as the handout and the Mark pain list have them; core/lookup.c
 * for a tapped area); here they are only picked and worded.
 */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/drawing.h"
#include "../core/lookup.h"
#include "paint.h"

/* The muscle's colour slot on the chart, -1 if the scene does not draw it. */
static int slot_of(const km_scene *s, int muscle, km_side side)
{
    for (int k = 0; k < s->sel_count && k < KM_SCENE_MAX_SELECTED; k++)
        if (s->sel[k].muscle == muscle && (s->sel[k].side == side || side == KM_SIDE_MIDLINE))
            return s->sel[k].color;
    return -1;
}

void km_report_compute(const km_scene *s, km_report *r)
{
    memset(r, 0, sizeof *r);
    if (!s || !s->atlas || !s->footer)
        return; /* not a document: the window shows all this in its panel */
    const km_atlas *a = s->atlas;
    const bool drawn = (s->strokes && s->stroke_count > 0) || (s->pins && s->pin_count > 0);
    km_drawing_summary sum;
    memset(&sum, 0, sizeof sum);
    bool have_sum = drawn && km_drawing_summarise(a, s->strokes, s->strokes ? s->stroke_count : 0, s->pins,
                                                  s->pins ? s->pin_count : 0, &sum);
    r->flag_count = km_drawing_red_flags(a, s->areas, s->area_count, have_sum ? &sum : NULL, r->flags,
                                         KM_REPORT_MAX_FLAGS);
    if (have_sum)
        km_drawing_summary_release(&sum);

    km_candidates c;
    km_candidates_init(&c);
    bool ranked = false;
    if (drawn) {
        ranked = km_drawing_rank(a, s->strokes, s->strokes ? s->stroke_count : 0, s->pins, s->pins ? s->pin_count : 0,
                                 &c);
        r->of_drawing = true;
    } else if (s->area_count > 0) {
        ranked = km_lookup_area_set(a, s->areas, s->area_count, &c);
    }
    for (int i = 0; ranked && i < c.count && r->ranked_count < KM_REPORT_MAX_RANKED; i++) {
        const km_candidate *k = &c.items[i];
        r->ranked[r->ranked_count++] =
            (km_report_item){k->muscle, k->side, k->zone, k->coverage, slot_of(s, k->muscle, k->side)};
    }
    km_candidates_release(&c);
    r->pin_count = s->pins ? (s->pin_count < KM_REPORT_MAX_PINS ? s->pin_count : KM_REPORT_MAX_PINS) : 0;
    r->on = (s->notes && *s->notes) || r->flag_count > 0 || r->ranked_count > 0 || r->pin_count > 0;
}

const char *km_report_flag_heading(void)
{
    return KM_RED_FLAG_HEADING;
}

const char *km_report_rank_heading(const km_report *r)
{
    return r->of_drawing ? "Muscles that may cause this pain, most likely first, with the share of the drawing each covers"
                         : "Muscles that refer pain to the area marked, most likely first, with the share of it each covers";
}

const char *km_report_rank_rule(void)
{
    return "Order: main pain zone first, then by how much of the place each covers (pins weighted by pain level).";
}

const char *km_report_item_text(const km_scene *s, const km_report_item *it, int rank, char *buf, size_t n)
{
    const km_muscle *mu = &s->atlas->muscles[it->muscle];
    char side[24] = "", letter[32] = "";
    if (mu->bilateral && it->side != KM_SIDE_MIDLINE)
        snprintf(side, sizeof side, " (%s)", km_side_name(it->side));
    if (it->slot >= 0)
        snprintf(letter, sizeof letter, ", %c on the chart", km_paint_slot_letter(it->slot));
    int pct = (int)lround(it->coverage * 100);
    snprintf(buf, n, "%d. %s%s%s: covers %d%% (%s zone)", rank + 1, mu->name, side, letter, pct,
             it->zone == KM_ZONE_ESSENTIAL ? "main" : "spillover");
    return buf;
}

const char *km_report_pins_text(const km_scene *s, const km_report *r, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "Pins (number on the chart \xC2\xB7 pain out of 10):");
    for (int i = 0; i < r->pin_count && used < n; i++) {
        int v = s->pins[i].intensity < 0 ? 0 : s->pins[i].intensity > 10 ? 10 : s->pins[i].intensity;
        /* no-break spaces: an entry is never split across two lines */
        used += (size_t)snprintf(buf + used, n - used, "%s%d\xC2\xA0\xC2\xB7\xC2\xA0%d/10", i ? "   " : " ", i + 1, v);
    }
    return buf;
}
