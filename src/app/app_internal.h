/*
 * app_internal.h - what app.c and ui.c share and nobody else needs.
 */
#ifndef KM_APP_INTERNAL_H
#define KM_APP_INTERNAL_H

#include "app.h"

/* True when any view is zoomed or panned (the reset button's state). */
bool km_app_is_zoomed(const km_app *app);

/* Split the window into top bar, diagram, toolbar and panel for its
 * current size (done at once on a resize, so the chart is known before
 * the next layout or frame). */
void km_app_regions(km_app *app);

#endif
