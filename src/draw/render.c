/*
 * render.c - the one draw routine: a km_scene onto any SDL_Renderer.
 *
 * What the chart looks like is decided in src/chart, with no SDL: where
 * every view sits (layout.c) and the pixels of body, muscles, zones, marks
 * and key swatches (paint.c).  This file only brings those pixels to an
 * SDL_Renderer and writes the words on top:
 *
 *   body     painted once (km_paint_body, without the deep layer) and
 *            kept as bare pixels while its key (atlas, size, each view's
 *            cell and transform as laid out) stays the same; with the deep
 *            layer shown, a second copy is that body plus the deep
 *            layer's outlines (km_paint_deep), so the deep-layer toggle
 *            paints only those outlines once, then only copies;
 *   overlay  painted each frame on a copy of the body (km_paint_overlay,
 *            km_paint_legend).
 *
 * The canvas is drawn straight into a locked streaming texture (or, for an
 * export, into the target surface itself: km_renderer_set_direct), copied
 * unblended since it is opaque, and the text (SDL_ttf, through a cache of
 * rendered lines) is drawn on top.  Frame-sized buffers ask for huge pages
 * (km_render_use_huge_pages): their first-touch page faults were the
 * largest cost of a first frame on the target machine.
 */
#include "render.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../chart/labels.h"
#include "../chart/layout.h"
#include "../chart/paint.h"
#include "../raster/canvas.h"


/* ---- colours ----------------------------------------------------------- */

SDL_Color km_render_palette(int slot)
{
    km_rgba c = km_paint_palette(slot);
    return (SDL_Color){c.r, c.g, c.b, c.a};
}


/* ---- renderer object --------------------------------------------------- */

/* What the cached body depends on: the atlas, the canvas size and where
 * the layout put each view (zoom and pan included). */
typedef struct km_body_key {
    const km_atlas *atlas;
    int w, h;
    int nviews;
    struct {
        int view;
        km_side side; /* a close-up's side: its picture is mirrored for the left */
        km_rect cell;
        km_xform xf;
    } v[KM_CHART_MAX_VIEWS];
} km_body_key;

struct km_renderer {
    SDL_Renderer *r;
    km_font *font;
    uint32_t *body;  /* cached static layer without the deep layer: pixels only, frame-sized (NULL when one_shot) */
    uint32_t *deep;  /* the same body with the deep layer's outlines, made at the first need (NULL until then) */
    bool deep_valid; /* deep holds body + the deep layer for the current key */
    uint8_t *sil;    /* the views' silhouette coverage, drawn with the body: overlays keep to it */
    km_canvas frame; /* scratch buffers; draws body + overlay into the locked texture */
    uint32_t *own_px; /* frame pixels when the texture cannot be drawn in directly */
    SDL_Texture *tex;
    int tex_w, tex_h;
    bool one_shot;   /* draws once (an export): no body copy kept */
    uint32_t *direct; /* the target surface's pixels (km_renderer_set_direct), or NULL */
    int direct_w, direct_h;
    bool body_valid;
    km_body_key key;
    km_text_cache *text; /* the chart's words, rendered once (NULL: no font, or out of memory) */
};

/* SDL's own frame-sized buffers (the software renderer's textures, the
 * export's surface) get the same huge-page advice as the canvas's: SDL's
 * allocator is wrapped, once, by functions that call the very same
 * malloc/calloc/realloc/free and only add the advice, so a block from
 * before the wrap is still freed by the function that matches it. */
static SDL_malloc_func g_sdl_malloc;
static SDL_calloc_func g_sdl_calloc;
static SDL_realloc_func g_sdl_realloc;
static SDL_free_func g_sdl_free;

static void *huge_malloc(size_t n)
{
    void *p = g_sdl_malloc(n);
    km_canvas_advise_huge(p, n);
    return p;
}

static void *huge_calloc(size_t n, size_t size)
{
    void *p = g_sdl_calloc(n, size);
    km_canvas_advise_huge(p, n * size);
    return p;
}

static void *huge_realloc(void *p, size_t n)
{
    return g_sdl_realloc(p, n);
}

static void huge_free(void *p)
{
    g_sdl_free(p);
}

void km_render_use_huge_pages(void)
{
    SDL_malloc_func m;
    SDL_calloc_func c;
    SDL_realloc_func r;
    SDL_free_func f;
    SDL_GetMemoryFunctions(&m, &c, &r, &f);
    if (m == huge_malloc)
        return;
    g_sdl_malloc = m;
    g_sdl_calloc = c;
    g_sdl_realloc = r;
    g_sdl_free = f;
    SDL_SetMemoryFunctions(huge_malloc, huge_calloc, huge_realloc, huge_free);
}

km_renderer *km_renderer_create(SDL_Renderer *r, km_font *font, char *err, size_t errlen)
{
    km_render_use_huge_pages();
    if (!r) {
        snprintf(err, errlen, "renderer: no SDL_Renderer given");
        return NULL;
    }
    km_renderer *kr = SDL_calloc(1, sizeof *kr);
    if (!kr) {
        snprintf(err, errlen, "renderer: out of memory");
        return NULL;
    }
    kr->r = r;
    kr->font = font;
    kr->text = font ? km_text_cache_new(r, font, 96) : NULL; /* without it, the words are drawn each time */
    return kr;
}

void km_renderer_set_one_shot(km_renderer *kr, bool one_shot)
{
    if (!kr || kr->one_shot == one_shot)
        return;
    kr->one_shot = one_shot;
    km_canvas_release(&kr->frame); /* buffers are remade to suit at the next draw */
}

void km_renderer_set_direct(km_renderer *kr, uint32_t *px, int w, int h)
{
    if (!kr)
        return;
    kr->direct = px;
    kr->direct_w = px ? w : 0;
    kr->direct_h = px ? h : 0;
}

void km_renderer_invalidate(km_renderer *kr)
{
    if (kr)
        kr->body_valid = kr->deep_valid = false;
}

void km_renderer_destroy(km_renderer *kr)
{
    if (!kr)
        return;
    SDL_free(kr->body);
    SDL_free(kr->deep);
    SDL_free(kr->sil);
    SDL_free(kr->own_px);
    km_canvas_release(&kr->frame);
    if (kr->tex)
        SDL_DestroyTexture(kr->tex);
    km_text_cache_free(kr->text);
    SDL_free(kr);
}

static void key_of(km_body_key *k, const km_scene *s, const km_layout *L)
{
    memset(k, 0, sizeof *k); /* padding too: keys are compared with memcmp */
    k->atlas = s->atlas;
    k->w = L->out.w;
    k->h = L->out.h;
    k->nviews = L->nviews;
    for (int i = 0; i < L->nviews; i++) {
        k->v[i].view = L->v[i].view;
        k->v[i].side = L->v[i].side;
        k->v[i].cell = L->v[i].cell;
        k->v[i].xf = L->v[i].xf;
    }
}

/* ---- text -------------------------------------------------------------- */

/* The chart's words are placed by src/chart/labels.c; here they are set
 * with SDL_ttf through the cache, offset to the chart's place. */
typedef struct text_ctx {
    km_renderer *kr;
    SDL_Rect rect;
} text_ctx;

static void text_measure(void *ctx, const char *utf8, int px, bool bold, int *w, int *h)
{
    km_text_size(((text_ctx *)ctx)->kr->font, utf8, px, bold, w, h);
}

static void text_put(void *ctx, const char *utf8, int px, int x, int y, km_label_align align, km_rgba c, bool bold)
{
    text_ctx *t = ctx;
    km_align al = align == KM_LABEL_CENTER ? KM_ALIGN_CENTER : align == KM_LABEL_RIGHT ? KM_ALIGN_RIGHT : KM_ALIGN_LEFT;
    SDL_Color col = {c.r, c.g, c.b, c.a};
    if (t->kr->text)
        km_text_cache_draw(t->kr->text, utf8, px, t->rect.x + x, t->rect.y + y, al, col, bold);
    else
        km_text_draw(t->kr->r, t->kr->font, utf8, px, t->rect.x + x, t->rect.y + y, al, col, bold);
}

static void draw_texts(km_renderer *kr, const km_scene *s, const km_layout *L, SDL_Rect rect)
{
    static const km_text_ops ops = {text_measure, text_put};
    if (!kr->font)
        return;
    text_ctx t = {kr, rect};
    km_chart_labels(s, L, &ops, &t);
}

/* ---- the draw routine -------------------------------------------------- */

static bool ensure_canvases(km_renderer *kr, int w, int h)
{
    if (kr->frame.cover && kr->frame.w == w && kr->frame.rows_cap == h)
        return true;
    SDL_free(kr->body);
    SDL_free(kr->deep);
    SDL_free(kr->sil);
    SDL_free(kr->own_px);
    kr->body = kr->deep = NULL;
    kr->sil = NULL;
    kr->own_px = NULL;
    km_canvas_release(&kr->frame);
    kr->body_valid = kr->deep_valid = false;
    if (!km_canvas_init_scratch(&kr->frame, w, h))
        return false;
    kr->sil = SDL_malloc((size_t)w * h);
    if (!kr->sil)
        return false;
    if (kr->one_shot)
        return true;
    kr->body = SDL_malloc((size_t)w * h * sizeof *kr->body);
    return kr->body != NULL;
}

/* The canvas is opaque (paper first, everything composited onto it), so
 * the texture is copied, not blended: same pixels, less work. */
static bool ensure_texture(km_renderer *kr, int w, int h)
{
    if (kr->tex && kr->tex_w == w && kr->tex_h == h)
        return true;
    if (kr->tex)
        SDL_DestroyTexture(kr->tex);
    kr->tex = SDL_CreateTexture(kr->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (kr->tex)
        SDL_SetTextureBlendMode(kr->tex, SDL_BLENDMODE_NONE);
    kr->tex_w = kr->tex ? w : 0;
    kr->tex_h = kr->tex ? h : 0;
    return kr->tex != NULL;
}

/* Pixels to draw the frame in: the streaming texture itself when its rows
 * are packed (a software renderer's texture is plain memory, so this saves
 * a frame-sized buffer and a copy), else a buffer of our own that is
 * uploaded afterwards.  *locked says which. */
static uint32_t *frame_pixels(km_renderer *kr, int w, int h, bool *locked)
{
    void *px = NULL;
    int pitch = 0;
    *locked = false;
    if (SDL_LockTexture(kr->tex, NULL, &px, &pitch) == 0) {
        if (pitch == w * 4 && ((uintptr_t)px & 3) == 0) {
            *locked = true;
            return px;
        }
        SDL_UnlockTexture(kr->tex);
    }
    if (!kr->own_px)
        kr->own_px = SDL_malloc((size_t)w * h * sizeof *kr->own_px);
    return kr->own_px;
}

int km_render_draw(km_renderer *kr, const km_scene *s, SDL_Rect rect, char *err, size_t errlen)
{
    if (!kr || !s || !s->atlas || s->atlas->view_count < 1) {
        snprintf(err, errlen, "render: nothing to draw (no atlas or no views)");
        return -1;
    }
    if (rect.w < 16 || rect.h < 16 || rect.w > 16384 || rect.h > 16384) {
        snprintf(err, errlen, "render: output size %dx%d is outside 16..16384", rect.w, rect.h);
        return -1;
    }
    /* Laid out on the canvas (origin 0, 0); the app lays out the same
     * chart at the rect's place in the window for its hit tests. */
    km_layout L;
    km_layout_compute(&L, s, (km_rect){0, 0, rect.w, rect.h});
    /* Straight into the target when it is ours to write (see
     * km_renderer_set_direct): drawing queued on it runs first.  A target
     * shorter than the chart, with rect.y = -y, takes the band of rows
     * from y down (an export drawn band by band). */
    const bool direct = kr->direct && rect.x == 0 && rect.w == kr->direct_w && rect.y <= 0 &&
                        -rect.y < rect.h && SDL_RenderFlush(kr->r) == 0;
    const int band_y = direct ? -rect.y : 0;
    const int rows = direct && band_y + kr->direct_h < rect.h ? kr->direct_h : rect.h - band_y;
    const bool banded = rows != rect.h;
    if (!ensure_canvases(kr, rect.w, direct ? kr->direct_h : rect.h)) {
        snprintf(err, errlen, "render: out of memory for a %dx%d canvas", rect.w, rect.h);
        return -1;
    }
    if (!direct && !ensure_texture(kr, rect.w, rect.h)) {
        snprintf(err, errlen, "render: cannot create a %dx%d texture: %s", rect.w, rect.h, SDL_GetError());
        return -1;
    }
    bool locked = false;
    uint32_t *px = direct ? kr->direct : frame_pixels(kr, rect.w, rect.h, &locked);
    if (!px) {
        snprintf(err, errlen, "render: out of memory for a %dx%d canvas", rect.w, rect.h);
        return -1;
    }
    km_canvas_bind(&kr->frame, px);
    km_canvas_band(&kr->frame, band_y, rows, rect.h);
    km_body_key key;
    key_of(&key, s, &L);
    const size_t bytes = (size_t)rect.w * rect.h * sizeof *px;
    if (banded || !kr->body) {
        km_paint_body(&kr->frame, kr->sil, s, &L); /* an export: drawn once, deep layer and all */
    } else {
        if (kr->body_valid && memcmp(&key, &kr->key, sizeof key) == 0) {
            memcpy(px, s->show_deep && kr->deep_valid ? kr->deep : kr->body, bytes);
        } else {
            /* The body is drawn in the frame without the deep layer, then
             * kept aside for the next frames. */
            km_scene bare = *s;
            bare.show_deep = false;
            km_paint_body(&kr->frame, kr->sil, &bare, &L);
            memcpy(kr->body, px, bytes);
            memcpy(&kr->key, &key, sizeof key);
            kr->body_valid = true;
            kr->deep_valid = false;
        }
        if (s->show_deep && !kr->deep_valid) {
            km_paint_deep(&kr->frame, s, &L); /* over the bare body: exactly the body with it */
            if (!kr->deep)
                kr->deep = SDL_malloc(bytes);
            if (kr->deep) {
                memcpy(kr->deep, px, bytes);
                kr->deep_valid = true;
            }
        }
    }
    km_paint_overlay(&kr->frame, kr->sil, s, &L);
    km_paint_legend(&kr->frame, s, &L);
    km_canvas_bind(&kr->frame, NULL);

    int rc = 0;
    if (direct)
        ; /* the pixels are already in place */
    else if (locked)
        SDL_UnlockTexture(kr->tex);
    else
        rc = SDL_UpdateTexture(kr->tex, NULL, px, rect.w * 4);
    if (rc != 0 || (!direct && SDL_RenderCopy(kr->r, kr->tex, NULL, &rect) != 0)) {
        snprintf(err, errlen, "render: cannot draw the chart: %s", SDL_GetError());
        return -1;
    }
    draw_texts(kr, s, &L, rect);
    return 0;
}
