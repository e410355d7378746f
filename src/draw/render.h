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
 * The chart fills the whole rect (white paper): title, one cell per view
 * with its label above and "Patient's right/left" below, the legend to the
 * right (landscape) or below (portrait), footer.  All views share one
 * scale.  A view's transform (km_view_xform) is applied as
 *   screen = cell centre + (p - view size / 2 + pan) * fit * zoom
 * and the result is reported in km_view_place.
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
 * and a copy.  NULL goes back to the texture. */
void km_renderer_set_direct(km_renderer *kr, uint32_t *px, int w, int h);
/* Forget cached rasters (after an atlas reload). */
void km_renderer_invalidate(km_renderer *kr);

/* Where each view landed in the last draw, for hit-testing: screen pixel
 * (sx, sy) maps to view point ((sx - ox)/scale, (sy - oy)/scale). */
typedef struct km_view_place {
    int view;
    SDL_Rect rect;         /* screen rectangle the view occupies (drawing is clipped to it) */
    float scale, ox, oy;   /* view units -> screen pixels */
} km_view_place;

/* Draw the scene into rect of the renderer's current target.  Returns 0,
 * or -1 with a message in err.  places (may be NULL) receives up to
 * max_places view placements; *nplaces their count. */
int km_render_draw(km_renderer *kr, const km_scene *s, SDL_Rect rect, km_view_place *places,
                   int max_places, int *nplaces, char *err, size_t errlen);

/* A transform for one view that frames what the scene marks on it (the
 * selected muscles' shapes, zones and trigger points, the pain areas) with
 * a margin (fraction of the box, e.g. 0.15), zoomed at most max_zoom, for
 * a close-up chart of one region.  False (out untouched) if nothing is
 * marked on that view. */
bool km_render_focus(const km_scene *s, int view, float margin, float max_zoom, km_view_xform *out);

/* Colour of palette slot i (for legends drawn elsewhere, e.g. the panel). */
SDL_Color km_render_palette(int slot);

#endif
