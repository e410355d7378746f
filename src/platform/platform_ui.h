/*
 * platform_ui.h - draw the app's item list (buttons, text, panels,
 * overlays) with SDL_Render calls and the text functions of draw/text.h.
 */
#ifndef KM_PLATFORM_UI_H
#define KM_PLATFORM_UI_H

#include <SDL.h>

#include "app/app.h"
#include "draw/text.h"

/* Reads the app only. */
void km_ui_draw(SDL_Renderer *r, km_font *font, const km_app *app);

#endif
