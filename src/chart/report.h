/*
 * report.h - what the clinician's export carries besides the chart: the
 * notes line, the red flags of the places pointed at or drawn over, the
 * drawing's candidate muscles ranked with how much of the drawing each
 * covers (or the tapped area's, in lookup's order), and the pin legend
 * ("1 · 7/10").
 *
 * A scene with a footer is a document (an export: `knotmap export`, the
 * window's Export, the kiosk's hand-off picture all set one; the window's
 * own chart and the handout's boxes do not), and a document's chart
 * carries its report.  The figures come from core: red flags and the
 * drawing's ranking from core/drawing.c (the handout asks the same
 * routines), an area's ranking from core/lookup.c.  The layout reserves the
 * report's room (layout.c, from an estimate of its words that is never
 * short), labels.c sets its words and paint.c its red box.  No windowing
 * library, no fonts here.
 */
#ifndef KM_CHART_REPORT_H
#define KM_CHART_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/scene.h"

#define KM_REPORT_MAX_FLAGS 8
#define KM_REPORT_MAX_RANKED 6
#define KM_REPORT_MAX_PINS 40

/* One candidate muscle in the report. */
typedef struct km_report_item {
    int muscle;
    km_side side;
    km_zone_kind zone;
    double coverage; /* share of the drawing (or area) its zones cover */
    int slot;        /* its colour slot on the chart, -1 if it is not drawn */
} km_report_item;

typedef struct km_report {
    bool on;                        /* a document with something to report */
    int flags[KM_REPORT_MAX_FLAGS]; /* indices into atlas->red_flags */
    int flag_count;
    km_report_item ranked[KM_REPORT_MAX_RANKED];
    int ranked_count;
    bool of_drawing; /* ranked from the pain drawing (else from the tapped area) */
    int pin_count;   /* pins in the legend (at most KM_REPORT_MAX_PINS) */
} km_report;

/* The report of a scene: empty (on false) unless the scene is a document
 * (footer set) with notes, red flags, a ranking or pins. */
void km_report_compute(const km_scene *s, km_report *r);

/* The report's words, in the order they are set: the line that heads the
 * red flags, each flag, the ranking's heading, each ranked muscle, the
 * rule the order follows, the pins' heading and the pin legend (every pin
 * as "N · I/10", kept together on a line).  Each writes into buf. */
const char *km_report_flag_heading(void);
const char *km_report_rank_heading(const km_report *r);
const char *km_report_rank_rule(const km_report *r);
/* "1. Pectoralis major (right), B on the chart: covers 40% (main zone)";
 * without the share for an area's candidates (their order is not by it). */
const char *km_report_item_text(const km_scene *s, const km_report_item *it, int rank, bool of_drawing, char *buf,
                                size_t n);
const char *km_report_pins_text(const km_scene *s, const km_report *r, char *buf, size_t n);

#endif
