/*
 * handout.h - the take-home handout: a print-ready PDF through cairo.
 *
 * Page one: the title, the clinic, the chart (drawn by a callback into the
 * box the layout gives it, so the same chart code serves every output),
 * the muscles found, the pain drawing measured, the clinician's notes and
 * the warning signs; then, for each muscle, in the atlas's patient words:
 * what it is, what you may feel, what you can do, when to see a clinician,
 * and its stretches as cards (steps, hold time, repetitions, cautions) that
 * never split across a page.  Every page has a footer with the date, the
 * data version and the page number.
 *
 * The PDF is made in memory (km_handout_pdf), so the caller writes it with
 * the same atomic, no-overwrite writer as every other file.  Text is set
 * with cairo's fontconfig/FreeType fonts (DejaVu Sans), embedded and
 * subset by cairo; lines are broken at spaces to the column's width.
 *
 * No SDL here: the chart comes in through draw_chart.
 */
#ifndef KM_HANDOUT_H
#define KM_HANDOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/atlas.h"
#include "../core/drawing.h"
#include "../core/lookup.h"
#include "../core/scene.h"

typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;

typedef enum km_paper { KM_PAPER_A4 = 0, KM_PAPER_LETTER = 1 } km_paper;

/* "a4" / "letter"; false for anything else. */
bool km_paper_parse(const char *s, km_paper *out);

typedef struct km_handout {
    const km_atlas *atlas;
    /* The muscles to explain, in order (the selection, or the top
     * candidates); side says which side the stretches are for. */
    const km_scene_sel *muscles;
    int muscle_count;
    /* The ranked list shown on page one (may be empty). */
    const km_candidate *candidates;
    int candidate_count;
    const km_drawing_summary *summary; /* NULL without a pain drawing */
    const char *title;                 /* NULL: "Your pain map" */
    const char *notes;                 /* clinician's notes, NULL for none */
    const char *date;                  /* printed in the header and footer */
    const char *clinic_name;           /* NULL for none */
    const char *clinic_contact;        /* NULL for none */
    cairo_surface_t *clinic_logo;      /* an image surface, top right of page one; NULL for none */
    km_paper paper;
    /* Warning signs that apply (indices into atlas->red_flags), shown in a
     * red box at the top of page one. */
    const int *red_flags;
    int red_flag_count;
    /* The clinic's photos of its stretches, one per stretch in atlas order
     * (NULL entries, or NULL for none): on the card under the drawing. */
    struct _cairo_surface *const *stretch_photos;
    /* Draws the chart into the rectangle (0, 0)-(w, h) of cr (points);
     * NULL for none. */
    void (*draw_chart)(void *ctx, cairo_t *cr, double w, double h);
    /* Draws one muscle's own chart (its trigger points and where they
     * send pain, close up) into (0, 0)-(w, h), at the top of its section;
     * NULL for none.  Same ctx. */
    void (*draw_muscle)(void *ctx, cairo_t *cr, double w, double h, const km_scene_sel *muscle);
    void *chart_ctx;
} km_handout;

/* A growing byte buffer the PDF is written into; owned by the caller. */
typedef struct km_bytes {
    unsigned char *data;
    size_t len, cap;
} km_bytes;
void km_bytes_release(km_bytes *b);

/* Lay out and render the handout as PDF into out.  Returns the number of
 * pages, or -1 with a reason in err. */
int km_handout_pdf(const km_handout *h, km_bytes *out, char *err, size_t errlen);

#endif
