/*
 * ui_draw.h - draw the app's item list (buttons, text, panels, overlays)
 * with SDL_Render calls and the text functions of text.h.
 *
 * Every line of text drawn can be recorded with the box it took and the
 * room it was given, so a test can walk every screen at every size and
 * fail on text that is clipped, overflows its room or overlaps other text
 * (tests/render/test_textfit.c).  Single lines that do not fit their room
 * are ellipsized at their size, never shrunk; the full text is always
 * reachable elsewhere (a row's muscle opens with its full name as the
 * heading).
 */
#ifndef KM_UI_DRAW_H
#define KM_UI_DRAW_H

#include <SDL.h>

#include "../app/app.h"
#include "text.h"

/* One line (or wrapped paragraph) of text as drawn. */
typedef struct km_text_box {
    km_rect box;      /* where its pixels went */
    km_rect room;     /* the space it was given */
    km_rect clip;     /* the clip in effect (w == 0: the window) */
    bool overlay;     /* part of a modal overlay (drawn over the rest) */
    bool ellipsized;  /* shortened with "…" to fit */
    const char *text; /* borrowed from the app's items: valid until its next layout */
} km_text_box;

typedef struct km_ui_record {
    km_text_box *boxes; /* caller's storage */
    int cap, n;
} km_ui_record;

/* The app's text measurer for this font (km_app_set_measure). */
km_measure km_ui_measure(km_font *f);
/* Pixels per logical pixel for a window of ww x wh logical pixels on a
 * display of ddpi dots per inch (0: unknown): dense panels by their
 * density, a big low-density screen (a 4K TV, read from further away) by
 * its size; from 1 to 3. */
float km_ui_scale(int ww, int wh, float ddpi);

/* Reads the app only.  tc (may be NULL) keeps rendered lines between
 * frames: a frame whose words have not changed renders none. */
void km_ui_draw(SDL_Renderer *r, km_font *font, km_text_cache *tc, const km_app *app);
/* The same, recording every text drawn into rec (may be NULL). */
void km_ui_draw_record(SDL_Renderer *r, km_font *font, const km_app *app, km_ui_record *rec);

#endif
