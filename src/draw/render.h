/*
 * render.h - the one draw routine: a km_scene onto any SDL_Renderer.
 *
 * The window passes its own renderer; the export passes a software renderer
 * on an RGBA surface.  Drawing only reads the scene.  The renderer keeps a
 * cache in a km_renderer owned by the caller: the rasterised static body
 * (silhouettes, muscle outlines, landmarks) per output size, view
 * transforms and show_deep, the canvas texture and rendered text lines, so
 * an unchanged body is not rasterised again on the next frame.
 *
 * Where things sit is the chart's layout (src/chart/layout.h): the caller
 * that needs to know where a view landed (the app's hit tests) computes the
 * same km_layout for the same scene and rect, before or after drawing.
 */
#ifndef KM_RENDER_H
#define KM_RENDER_H

#include <SDL.h>

#include "../core/scene.h"
#include "text.h"

typedef struct km_renderer km_renderer;

/* Let SDL's large buffers (textures, surfaces, window framebuffers) live on
 * transparent huge pages, as the canvas's do: first touches of 4 KB pages
 * were the largest cost of a first frame and of an export on the target
 * machine (see canvas.h).  Wraps SDL's allocator around the same functions;
 * idempotent; km_renderer_create calls it, so call it earlier only to cover
 * buffers made before the first renderer. */
void km_render_use_huge_pages(void);

/* Create for one SDL_Renderer; font may be NULL (then no text is drawn).
 * Returns NULL on failure with a message in err. */
km_renderer *km_renderer_create(SDL_Renderer *r, km_font *font, char *err, size_t errlen);
void km_renderer_destroy(km_renderer *kr);
/* For a renderer that draws one frame and is destroyed (an export): keep
 * no copy of the body, which would only cost a frame-sized buffer. */
void km_renderer_set_one_shot(km_renderer *kr, bool one_shot);
/* Draw the chart's pixels straight into px instead of through a texture:
 * px must be the w x h packed ARGB8888 pixels of the surface the renderer
 * draws on (an export's), and the draw rect that whole surface; the text
 * still goes through the renderer, on top.  Saves a frame-sized texture
 * and a copy.  NULL goes back to the texture.  A surface shorter than the
 * chart holds a band of it: km_render_draw with rect {0, -y, W, H} draws
 * rows y .. y+h-1 of the W x H chart, words included, with band-sized
 * buffers, the same pixels as the whole (an export, band by band). */
void km_renderer_set_direct(km_renderer *kr, uint32_t *px, int w, int h);
/* Forget cached rasters (after an atlas reload). */
void km_renderer_invalidate(km_renderer *kr);

/* Draw the scene into rect of the renderer's current target, laid out by
 * km_layout_compute(scene, rect).  Returns 0, or -1 with a message in err. */
int km_render_draw(km_renderer *kr, const km_scene *s, SDL_Rect rect, char *err, size_t errlen);

/* Colour of palette slot i (for legends drawn elsewhere, e.g. the panel). */
SDL_Color km_render_palette(int slot);

#endif
