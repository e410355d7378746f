/*
 * report.c - the clinician's export's report (see report.h): red flags,
 * the ranked candidates with their coverage, the pin legend.  Every figure
 * is core's (core/drawing.c: the drawing measured, its red flags and its
 * ranking, as the handout and the Mark pain list have them; core/lookup.c
 * for a tapped area); here they are only picked and worded.
 */
#include "report.h"

#include <math.h>
#include <stdint.h>
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

/* FNV-1a over n bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *t)
{
    return t ? fnv(h, t, strlen(t) + 1) : fnv(h, "", 1);
}

/* What the report reads of an atlas, hashed (names, red flags, the zones'
 * and areas' places), so that an atlas read again at the same address with
 * other content (the window reloads its data file) is not taken for the
 * one before. */
static uint64_t atlas_key(uint64_t h, const km_atlas *a)
{
    h = fnv(h, &a, sizeof a);
    h = fnv(h, &a->muscle_count, sizeof a->muscle_count);
    h = fnv(h, &a->area_count, sizeof a->area_count);
    h = fnv(h, &a->red_flag_count, sizeof a->red_flag_count);
    for (int f = 0; f < a->red_flag_count; f++) {
        h = fnv_str(h, a->red_flags[f].text);
        for (int k = 0; k < a->red_flags[f].area_count; k++)
            h = fnv_str(h, a->red_flags[f].areas[k]);
    }
    for (int m = 0; m < a->muscle_count; m++) {
        const km_muscle *mu = &a->muscles[m];
        h = fnv_str(h, mu->name);
        for (int z = 0; z < mu->zone_count; z++) {
            const km_zone *zn = &mu->zones[z];
            h = fnv(h, &zn->view, sizeof zn->view);
            h = fnv(h, &zn->kind, sizeof zn->kind);
            h = fnv(h, &zn->side, sizeof zn->side);
            h = fnv(h, &zn->area, sizeof zn->area);
        }
    }
    for (int i = 0; i < a->area_count; i++)
        h = fnv(h, &a->areas[i].area, sizeof a->areas[i].area);
    return h;
}

/* Everything km_report_compute reads of a scene, hashed. */
static uint64_t scene_key(const km_scene *s)
{
    uint64_t h = 14695981039346656037ull;
    const bool notes = s->notes && *s->notes;
    h = atlas_key(h, s->atlas);
    h = fnv(h, &notes, sizeof notes);
    h = fnv(h, &s->area_count, sizeof s->area_count);
    h = fnv(h, s->areas, sizeof s->areas[0] * (size_t)(s->area_count > 0 ? s->area_count : 0));
    h = fnv(h, &s->sel_count, sizeof s->sel_count);
    for (int k = 0; k < s->sel_count && k < KM_SCENE_MAX_SELECTED; k++)
        h = fnv(h, &s->sel[k], sizeof s->sel[k]);
    int ns = s->strokes ? s->stroke_count : 0, np = s->pins ? s->pin_count : 0;
    h = fnv(h, &ns, sizeof ns);
    for (int i = 0; i < ns; i++) {
        const km_stroke *st = &s->strokes[i];
        h = fnv(h, &st->view, sizeof st->view);
        h = fnv(h, &st->radius, sizeof st->radius);
        h = fnv(h, &st->erase, sizeof st->erase);
        h = fnv(h, &st->count, sizeof st->count);
        if (st->pts && st->count > 0)
            h = fnv(h, st->pts, sizeof st->pts[0] * (size_t)st->count);
    }
    h = fnv(h, &np, sizeof np);
    if (np > 0)
        h = fnv(h, s->pins, sizeof s->pins[0] * (size_t)np);
    return h;
}

static void compute(const km_scene *s, km_report *r);

void km_report_compute(const km_scene *s, km_report *r)
{
    memset(r, 0, sizeof *r);
    if (!s || !s->atlas || !s->footer)
        return; /* not a document: the window shows all this in its panel */
    /* An export draws its picture band by band, laying the same scene out
     * for each band: the ranking (some 10 ms for a drawing) is made once.
     * Per thread, keyed by all it reads. */
    static _Thread_local struct {
        bool valid;
        uint64_t key;
        km_report r;
    } memo;
    uint64_t key = scene_key(s);
    if (memo.valid && memo.key == key) {
        *r = memo.r;
        return;
    }
    compute(s, r);
    memo.valid = true, memo.key = key, memo.r = *r;
}

static void compute(const km_scene *s, km_report *r)
{
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
                         : "Muscles that refer pain to the area marked, most likely first";
}

/* The rule the order follows, as the window's list words it: a drawing's
 * candidates by coverage (so the percentages shown never contradict the
 * order); an area's by lookup's score (core/lookup.h), which weighs how
 * common and how near a muscle is above coverage, so no percentage is
 * shown for them. */
const char *km_report_rank_rule(const km_report *r)
{
    return r->of_drawing ? "Order: main pain zone first, then by how much of the drawing it covers (pins count by their "
                           "pain level)."
                         : "Order: main pain zone first, then the muscles that most often send pain to this spot.";
}

const char *km_report_item_text(const km_scene *s, const km_report_item *it, int rank, bool of_drawing, char *buf,
                                size_t n)
{
    const km_muscle *mu = &s->atlas->muscles[it->muscle];
    char side[24] = "", letter[32] = "";
    if (mu->bilateral && it->side != KM_SIDE_MIDLINE)
        snprintf(side, sizeof side, " (%s)", km_side_name(it->side));
    if (it->slot >= 0)
        snprintf(letter, sizeof letter, ", %c on the chart", km_paint_slot_letter(it->slot));
    const char *zone = it->zone == KM_ZONE_ESSENTIAL ? "main" : "spillover";
    if (of_drawing)
        snprintf(buf, n, "%d. %s%s%s: covers %d%% (%s zone)", rank + 1, mu->name, side, letter,
                 (int)lround(it->coverage * 100), zone);
    else
        snprintf(buf, n, "%d. %s%s%s: %s pain zone", rank + 1, mu->name, side, letter, zone);
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
