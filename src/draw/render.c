/*
 * render.c - the one draw routine: a km_scene onto any SDL_Renderer.
 *
 * A frame is laid out (title, one cell per view, side labels, legend,
 * footer) from the output size and the scene's switches, then drawn in two
 * layers:
 *
 *   body     paper, skin-toned silhouettes, the superficial muscles filled
 *            in two close muted rose tints with a soft shaded band along
 *            their borders and darker thin outlines (skin shows only where
 *            no muscle covers), and light landmark lines.  It depends only on the atlas, the output size,
 *            the view transforms, show_deep and the layout switches (see
 *            km_body_key), so it is rasterised once, kept as bare pixels
 *            and reused while those stay the same.
 *   overlay  everything the user changes: pain areas (hatched) and the pain
 *            drawing, selected muscles washed in their palette colour with
 *            a strong edge, their spillover zones stippled, essential zones
 *            solid (all kept inside the silhouette, short of its line) and
 *            trigger points as bold X marks with a white halo,
 *            pins, legend swatches.  Drawn each frame on a copy of the body.
 *
 * The canvas is drawn straight into a locked streaming texture (or, for an
 * export, into the target surface itself: km_renderer_set_direct), copied
 * unblended since it is opaque, and the text (SDL_ttf, through a cache of
 * rendered lines) is drawn on top.  Frame-sized buffers ask for huge pages
 * (km_render_use_huge_pages): their first-touch page faults were the
 * largest cost of a first frame on the target machine.  Meaning is carried by pattern as
 * well as colour (solid / dots / hatch / X), and the palette is Okabe-Ito
 * with two of Paul Tol's colours, so the chart survives colour blindness
 * and greyscale printing.
 */
#include "render.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../raster/canvas.h"

#define KM_RENDER_MAX_VIEWS 8

/* ---- palette and style ------------------------------------------------- */

static const SDL_Color k_palette[KM_SCENE_MAX_SELECTED] = {
    {213, 94, 0, 255},   /* vermillion (Okabe-Ito) */
    {0, 114, 178, 255},  /* blue */
    {0, 158, 115, 255},  /* bluish green */
    {204, 121, 167, 255}, /* reddish purple */
    {230, 159, 0, 255},  /* orange */
    {86, 180, 233, 255}, /* sky blue */
    {51, 34, 136, 255},  /* indigo (Tol muted) */
    {153, 153, 51, 255}, /* olive (Tol muted) */
};

static const km_rgba k_paper = {255, 255, 255, 255};
static const km_rgba k_skin = {246, 226, 210, 255};
static const km_rgba k_skin_edge = {120, 86, 68, 255};
/* Superficial muscles: two close, muted rose tints alternate so that
 * neighbours part, light enough that every overlay (palette zones, dots,
 * hatch, X marks) stays dominant in colour and in greyscale. */
static const km_rgba k_muscle_fill[2] = {{240, 213, 201, 255}, {236, 206, 193, 255}};
static const km_rgba k_muscle_band = {170, 104, 88, 34}; /* soft shade along each muscle's border */
static const km_rgba k_muscle_line = {160, 104, 90, 165};
static const km_rgba k_deep_line = {110, 130, 170, 130};
static const km_rgba k_landmark = {150, 120, 105, 110};
static const km_rgba k_pain = {136, 34, 85, 255}; /* wine (Tol): the patient's own marks */
static const km_rgba k_ink = {25, 25, 25, 255};
static const km_rgba k_white = {255, 255, 255, 255};
static const km_rgba k_hover = {60, 60, 60, 40};
static const km_rgba k_frame = {150, 150, 150, 255};
static const SDL_Color k_text = {34, 34, 34, 255};
static const SDL_Color k_text_soft = {100, 100, 100, 255};

SDL_Color km_render_palette(int slot)
{
    if (slot < 0)
        slot = 0;
    return k_palette[slot % KM_SCENE_MAX_SELECTED];
}

static km_rgba rgba_of(SDL_Color c, uint8_t a)
{
    km_rgba k = {c.r, c.g, c.b, a};
    return k;
}

/* ---- layout ------------------------------------------------------------ */

/* Where everything goes, in canvas pixels (the canvas covers the rect). */
typedef struct km_layout {
    int w, h;
    float u; /* base unit: 1% of the shorter side */
    int title_px, label_px, small_px;
    int nviews;
    int views[KM_RENDER_MAX_VIEWS];
    SDL_Rect cell[KM_RENDER_MAX_VIEWS]; /* clip box of each view */
    km_xform xf[KM_RENDER_MAX_VIEWS];   /* view units -> canvas pixels */
    float fit[KM_RENDER_MAX_VIEWS];     /* fitted (zoom 1) scale */
    int title_y, label_y, side_y, footer_y;
    SDL_Rect legend; /* w == 0: no legend */
    int legend_cols, legend_rows; /* grid of legend entries */
} km_layout;

static int imax(int a, int b)
{
    return a > b ? a : b;
}

enum { KM_LEG_TP, KM_LEG_ESS, KM_LEG_SPILL, KM_LEG_PAIN, KM_LEG_FIXED };

static int legend_row(const km_layout *L)
{
    return (int)(L->small_px * 2.0f);
}

static int legend_head(const km_layout *L)
{
    return (int)(L->label_px * 1.7f);
}

/* Landscape outputs get the legend to the right, portrait ones below. */
static bool legend_is_below(const km_scene *s, int w, int h)
{
    return s->legend && w < h * 1.1f;
}

static bool view_is_back(const km_view *v)
{
    return v->id && strncmp(v->id, "back", 4) == 0;
}

/*
 * The views share one scale so they compare at the same size, sit side by
 * side with a gap, and are centred together with the legend (to their
 * right on landscape outputs, below them on portrait ones).  View labels
 * hug the top of the figures and the side labels their feet.
 */
static void layout_compute(km_layout *L, const km_scene *s, int w, int h)
{
    memset(L, 0, sizeof *L);
    const km_atlas *a = s->atlas;
    L->w = w;
    L->h = h;
    L->u = (w < h ? w : h) / 100.0f;
    L->title_px = imax((int)(L->u * 3.0f), 11);
    L->label_px = imax((int)(L->u * 2.4f), 10);
    L->small_px = imax((int)(L->u * 1.9f), 9);

    if (s->view >= 0 && s->view < a->view_count) {
        L->nviews = 1;
        L->views[0] = s->view;
    } else {
        L->nviews = a->view_count < KM_RENDER_MAX_VIEWS ? a->view_count : KM_RENDER_MAX_VIEWS;
        for (int i = 0; i < L->nviews; i++)
            L->views[i] = i;
    }

    const int m = (int)(2 * L->u) + 2;
    int x0 = m, x1 = w - m, y0 = m, y1 = h - m;
    if (s->title) {
        L->title_y = y0;
        y0 += (int)(L->title_px * 1.6f);
    }
    if (s->footer) {
        y1 -= (int)(L->small_px * 1.5f);
        L->footer_y = y1 + (int)(L->small_px * 0.3f);
    }
    const int label_band = (int)(L->label_px * 1.6f);
    const int side_band = (int)(L->small_px * 2.7f); /* room for a label on two lines */
    bool legend_below = legend_is_below(s, w, h);
    bool legend_right = s->legend && !legend_below;
    int lw = legend_right ? imax((int)(w * 0.22f), 120) : 0;
    int lh = 0;
    const int items = KM_LEG_FIXED + (s->sel_count < KM_SCENE_MAX_SELECTED ? s->sel_count : KM_SCENE_MAX_SELECTED);
    L->legend_cols = 1;
    L->legend_rows = items;
    if (legend_below) {
        /* Below the views: as many columns as fit, rows for every entry. */
        int cols = (x1 - x0) / (L->small_px * 16);
        L->legend_cols = cols < 1 ? 1 : (cols > 3 ? 3 : cols);
        L->legend_rows = (items + L->legend_cols - 1) / L->legend_cols;
        lh = legend_head(L) + L->legend_rows * legend_row(L);
    }

    float gap = 5 * L->u, sumw = 0, maxh = 1;
    for (int i = 0; i < L->nviews; i++) {
        const km_view *v = &a->views[L->views[i]];
        sumw += v->width > 0 ? v->width : 1;
        if (v->height > maxh)
            maxh = v->height;
    }
    float availw = (float)(x1 - x0 - (lw ? lw + 2 * m : 0)) - gap * (L->nviews - 1);
    float availh = (float)(y1 - y0 - label_band - side_band - (lh ? lh + m : 0));
    float sc = fminf(availw / sumw, availh / maxh);
    if (!(sc > 0))
        sc = 0.001f;
    float groupw = sumw * sc + gap * (L->nviews - 1), grouph = maxh * sc;
    float contentw = groupw + (lw ? lw + 2 * m : 0);
    float contenth = label_band + grouph + side_band + (lh ? lh + m : 0);
    float cx = x0 + ((x1 - x0) - contentw) * 0.5f;
    float top = y0 + ((y1 - y0) - contenth) * 0.5f;
    L->label_y = (int)top;
    float fig_y0 = top + label_band, fig_y1 = fig_y0 + grouph;
    L->side_y = (int)(fig_y1 + L->small_px * 0.5f);
    if (lw)
        L->legend = (SDL_Rect){(int)(cx + groupw + 2 * m), L->label_y, lw, (int)(fig_y1 - L->label_y)};
    else if (lh)
        L->legend = (SDL_Rect){x0, (int)(fig_y1 + side_band + m), x1 - x0, lh};
    if (L->legend.w && L->legend.x + L->legend.w > w - m)
        L->legend.w = w - m - L->legend.x;

    for (int i = 0; i < L->nviews; i++) {
        const km_view *v = &a->views[L->views[i]];
        float vw = (v->width > 0 ? v->width : 1) * sc;
        float vh = v->height * sc;
        int cy0 = (int)(fig_y0 - L->u), cy1 = (int)(fig_y1 + L->u);
        L->cell[i] = (SDL_Rect){(int)floorf(cx - gap * 0.4f), cy0, (int)ceilf(vw + gap * 0.8f), cy1 - cy0};
        km_view_xform vx = {1, 0, 0};
        if (s->xforms) {
            vx = s->xforms[L->views[i]];
            if (!(vx.zoom > 0) || !isfinite(vx.zoom))
                vx.zoom = 1;
            if (!isfinite(vx.pan_x) || !isfinite(vx.pan_y))
                vx.pan_x = vx.pan_y = 0;
        }
        float k = sc * vx.zoom;
        float ccx = cx + vw * 0.5f, ccy = fig_y0 + (grouph - vh) * 0.5f + vh * 0.5f;
        L->fit[i] = sc;
        L->xf[i].scale = k;
        L->xf[i].ox = ccx + (vx.pan_x - v->width * 0.5f) * k;
        L->xf[i].oy = ccy + (vx.pan_y - v->height * 0.5f) * k;
        cx += vw + gap;
    }
}

/* ---- renderer object --------------------------------------------------- */

/* Rendered text kept between frames, so a steady frame creates no
 * textures: the chart's labels change only with the layout. */
#define KM_TEXT_CACHE 96
#define KM_TEXT_CACHE_LEN 160

typedef struct km_text_entry {
    char str[KM_TEXT_CACHE_LEN];
    int px;
    bool bold;
    SDL_Color color;
    SDL_Texture *tex; /* NULL: slot unused */
    int w, h;
    unsigned long used; /* frame stamp, for least-recently-used eviction */
} km_text_entry;

/* What the cached body depends on. */
typedef struct km_body_key {
    const km_atlas *atlas;
    int w, h, view;
    bool deep, legend, title, footer;
    int sel_count; /* the legend below the views grows with the selection */
    km_view_xform xf[KM_RENDER_MAX_VIEWS];
} km_body_key;

struct km_renderer {
    SDL_Renderer *r;
    km_font *font;
    uint32_t *body;  /* cached static layer: pixels only, frame-sized (NULL when one_shot) */
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
    km_text_entry text[KM_TEXT_CACHE];
    unsigned long frame_no;
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
        kr->body_valid = false;
}

void km_renderer_destroy(km_renderer *kr)
{
    if (!kr)
        return;
    SDL_free(kr->body);
    SDL_free(kr->sil);
    SDL_free(kr->own_px);
    km_canvas_release(&kr->frame);
    if (kr->tex)
        SDL_DestroyTexture(kr->tex);
    for (int i = 0; i < KM_TEXT_CACHE; i++)
        if (kr->text[i].tex)
            SDL_DestroyTexture(kr->text[i].tex);
    SDL_free(kr);
}

static void key_of(km_body_key *k, const km_scene *s, int w, int h)
{
    memset(k, 0, sizeof *k);
    k->atlas = s->atlas;
    k->w = w;
    k->h = h;
    k->view = s->view;
    k->deep = s->show_deep;
    k->legend = s->legend;
    k->title = s->title != NULL;
    k->footer = s->footer != NULL;
    k->sel_count = legend_is_below(s, w, h) ? s->sel_count : 0;
    int n = s->atlas->view_count < KM_RENDER_MAX_VIEWS ? s->atlas->view_count : KM_RENDER_MAX_VIEWS;
    for (int i = 0; i < n; i++) {
        km_view_xform x = {1, 0, 0};
        if (s->xforms)
            x = s->xforms[i];
        k->xf[i] = x;
    }
}

static bool key_equal(const km_body_key *a, const km_body_key *b)
{
    if (a->atlas != b->atlas || a->w != b->w || a->h != b->h || a->view != b->view || a->deep != b->deep ||
        a->legend != b->legend || a->title != b->title || a->footer != b->footer ||
        a->sel_count != b->sel_count)
        return false;
    for (int i = 0; i < KM_RENDER_MAX_VIEWS; i++)
        if (a->xf[i].zoom != b->xf[i].zoom || a->xf[i].pan_x != b->xf[i].pan_x ||
            a->xf[i].pan_y != b->xf[i].pan_y)
            return false;
    return true;
}

/* ---- body layer -------------------------------------------------------- */

static void clip_cell(km_canvas *c, SDL_Rect r)
{
    km_canvas_clip(c, r.x, r.y, r.w, r.h);
}

/* The silhouette's line, in canvas pixels, for the unit u. */
static float outline_width(float u)
{
    return fmaxf(0.22f * u, 1.1f);
}

/* Fill p, kept inside the view's silhouette (zones and muscles may be
 * drawn a little past the skin at the arms and hands).  sil is the
 * silhouettes' coverage, rasterised once with the body (draw_silhouettes),
 * so a zone costs a fill, not a pass over the figure's outline. */
static void fill_in_body(km_canvas *c, const uint8_t *sil, const km_view *v, const km_poly *p, km_xform xf,
                         km_paint paint)
{
    if (sil && v->outline_count > 0)
        km_canvas_fill_within(c, p, 1, sil, xf, paint);
    else
        km_canvas_fill(c, p, 1, xf, paint);
}

/* Every view's silhouette coverage into sil (canvas-sized), through the
 * mask: overlays are kept to it each frame.  The outline's own line is
 * left out, so zones and pain marks stop at its inner edge and the figure
 * keeps its contour where they meet it, at no cost per frame. */
static void draw_silhouettes(km_canvas *c, const km_scene *s, const km_layout *L, uint8_t *sil)
{
    if (!sil)
        return;
    km_canvas_mask_clear(c);
    for (int i = 0; i < L->nviews; i++) {
        const km_view *v = &s->atlas->views[L->views[i]];
        const km_xform xf = L->xf[i];
        const float u = L->u * (xf.scale / L->fit[i] > 1 ? sqrtf(xf.scale / L->fit[i]) : 1.0f);
        clip_cell(c, L->cell[i]);
        km_canvas_mask_fill(c, v->outline, v->outline_count, xf);
        for (int o = 0; o < v->outline_count; o++) {
            const km_poly *p = &v->outline[o];
            if (p->count < 2)
                continue;
            km_canvas_mask_line(c, p->pts, p->count, xf, outline_width(u), true);
            km_vec2 close[2] = {p->pts[p->count - 1], p->pts[0]};
            km_canvas_mask_line(c, close, 2, xf, outline_width(u), true);
        }
    }
    km_canvas_clip_reset(c);
    memcpy(sil, c->mask, (size_t)c->w * c->h);
}

/* The superficial muscles in their tint; skin shows only where none
 * covers (tendons, bony points, hands, feet, face). */
static void draw_muscle_fills(km_canvas *c, const uint8_t *sil, const km_atlas *a, const km_view *v, int view,
                              km_xform xf)
{
    for (int m = 0; m < a->muscle_count; m++) {
        const km_muscle *mu = &a->muscles[m];
        if (mu->layer != KM_LAYER_SUPERFICIAL)
            continue;
        for (int k = 0; k < mu->shape_count; k++)
            if (mu->shapes[k].view == view)
                fill_in_body(c, sil, v, &mu->shapes[k].poly, xf,
                             (km_paint){KM_PAINT_SOLID, k_muscle_fill[m & 1], 0, 0});
    }
}

/* A wide faint band along each superficial muscle's border (under the
 * outlines) shades the bellies so they read as rounded, as on a printed
 * chart.  Drawn through the mask, as one union kept inside the skin: the
 * bands of neighbours do not darken each other and none spills onto the
 * paper.  Body layer only, so the cell-sized mask passes cost nothing per
 * frame. */
static void draw_muscle_bands(km_canvas *c, const km_atlas *a, const km_view *v, int view, km_xform xf, float width)
{
    km_canvas_mask_clear(c);
    km_canvas_batch_begin(c);
    for (int m = 0; m < a->muscle_count; m++) {
        const km_muscle *mu = &a->muscles[m];
        for (int k = 0; mu->layer == KM_LAYER_SUPERFICIAL && k < mu->shape_count; k++) {
            const km_poly *p = &mu->shapes[k].poly;
            if (mu->shapes[k].view == view)
                km_canvas_batch_stroke(c, p->pts, p->count, true, xf, width);
        }
    }
    km_canvas_batch_end_mask(c);
    if (v->outline_count > 0)
        km_canvas_mask_keep_inside(c, v->outline, v->outline_count, xf);
    km_canvas_mask_paint(c, (km_paint){KM_PAINT_SOLID, k_muscle_band, 0, 0});
}

static void draw_body_view(km_canvas *c, const uint8_t *sil, const km_scene *s, const km_layout *L, int i)
{
    const km_atlas *a = s->atlas;
    const km_view *v = &a->views[L->views[i]];
    const km_xform xf = L->xf[i];
    const float u = L->u * (xf.scale / L->fit[i] > 1 ? sqrtf(xf.scale / L->fit[i]) : 1.0f);
    clip_cell(c, L->cell[i]);

    km_paint skin = {KM_PAINT_SOLID, k_skin, 0, 0};
    km_canvas_fill(c, v->outline, v->outline_count, xf, skin);
    draw_muscle_fills(c, sil, a, v, L->views[i], xf);

    /* One batch per line style: a single resolve over the figure instead
     * of one per shape (the body is redrawn on every zoom step). */
    km_canvas_batch_begin(c);
    for (int l = 0; l < v->landmark_count; l++) {
        const km_line *ln = &v->landmarks[l];
        km_canvas_batch_stroke(c, ln->pts, ln->count, ln->closed, xf, fmaxf(0.16f * u, 0.8f));
    }
    km_canvas_batch_end(c, (km_paint){KM_PAINT_SOLID, k_landmark, 0, 0});
    draw_muscle_bands(c, a, v, L->views[i], xf, fmaxf(0.75f * u, 3.0f));
    for (int layer = s->show_deep ? 1 : 0; layer >= 0; layer--) {
        km_canvas_batch_begin(c);
        for (int m = 0; m < a->muscle_count; m++) {
            const km_muscle *mu = &a->muscles[m];
            if ((int)mu->layer != layer)
                continue;
            for (int k = 0; k < mu->shape_count; k++) {
                const km_poly *p = &mu->shapes[k].poly;
                if (mu->shapes[k].view == L->views[i])
                    km_canvas_batch_stroke(c, p->pts, p->count, true, xf, fmaxf(0.14f * u, 0.7f));
            }
        }
        km_canvas_batch_end(c, (km_paint){KM_PAINT_SOLID, layer ? k_deep_line : k_muscle_line, 0, 0});
    }
    for (int o = 0; o < v->outline_count; o++)
        km_canvas_stroke_poly(c, &v->outline[o], xf, outline_width(u), k_skin_edge);
    km_canvas_clip_reset(c);
    if (xf.scale > L->fit[i] * 1.001f) {
        /* A close-up is cut at its cell: a thin frame makes that read as
         * an inset rather than a figure sliced off. */
        SDL_Rect r = L->cell[i];
        km_vec2 fr[4] = {{r.x + 0.5f, r.y + 0.5f}, {r.x + r.w - 0.5f, r.y + 0.5f},
                         {r.x + r.w - 0.5f, r.y + r.h - 0.5f}, {r.x + 0.5f, r.y + r.h - 0.5f}};
        km_canvas_stroke_line(c, fr, 4, true, (km_xform){1, 0, 0}, fmaxf(0.12f * L->u, 1.0f), k_frame);
    }
}

static void draw_body(km_canvas *c, uint8_t *sil, const km_scene *s, const km_layout *L)
{
    km_canvas_clear(c, k_paper);
    draw_silhouettes(c, s, L, sil);
    for (int i = 0; i < L->nviews; i++)
        draw_body_view(c, sil, s, L, i);
}

/* ---- overlay layer ----------------------------------------------------- */

static bool side_matches(km_side shape, km_side want)
{
    return shape == want || shape == KM_SIDE_MIDLINE || want == KM_SIDE_MIDLINE;
}

static km_paint stipple_paint(km_rgba col, float u)
{
    km_paint p = {KM_PAINT_STIPPLE, col, fmaxf(0.8f * u, 3.5f), fmaxf(0.21f * u, 0.9f)};
    return p;
}

static km_paint hatch_paint(km_rgba col, float u)
{
    km_paint p = {KM_PAINT_HATCH, col, fmaxf(0.9f * u, 3.5f), fmaxf(0.12f * u, 0.5f)};
    return p;
}

/* Bold X with a white halo, so it reads on skin, on a solid zone or on
 * dots alike.  Halos go down first for every mark (pass 0), then the ink
 * (pass 1), so a halo never cuts into a neighbouring X. */
static void draw_x(km_canvas *c, km_vec2 at, km_xform xf, float u, int pass)
{
    float half = fmaxf(0.8f * u, 4.0f), wid = fmaxf(0.34f * u, 1.8f);
    if (pass == 0)
        km_canvas_cross(c, at, xf, half + fmaxf(0.22f * u, 1.0f), wid + fmaxf(0.36f * u, 1.6f), k_white);
    else
        km_canvas_cross(c, at, xf, half, wid, k_ink);
}

static void draw_pain(km_canvas *c, const uint8_t *sil, const km_scene *s, const km_layout *L, int i, float u)
{
    const km_atlas *a = s->atlas;
    const int view = L->views[i];
    for (int k = 0; k < s->area_count; k++) {
        int ai = s->areas[k];
        if (ai < 0 || ai >= a->area_count || a->areas[ai].view != view)
            continue;
        fill_in_body(c, sil, &a->views[view], &a->areas[ai].poly, L->xf[i], hatch_paint(k_pain, u));
        km_rgba edge = k_pain;
        edge.a = 160;
        km_canvas_stroke_poly(c, &a->areas[ai].poly, L->xf[i], fmaxf(0.12f * u, 0.7f), edge);
    }
    bool any = false;
    for (int k = 0; k < s->stroke_count && s->strokes; k++)
        if (s->strokes[k].view == view && s->strokes[k].count > 0)
            any = true;
    if (!any)
        return;
    km_canvas_mask_clear(c);
    for (int k = 0; k < s->stroke_count; k++) {
        const km_stroke *st = &s->strokes[k];
        if (st->view != view || !st->pts)
            continue;
        km_canvas_mask_line(c, st->pts, st->count, L->xf[i], 2.0f * st->radius * L->xf[i].scale, st->erase);
    }
    /* Pain is felt in the body: a stroke that strays onto the paper is
     * trimmed to the silhouette. */
    const km_view *v = &a->views[view];
    if (v->outline_count > 0)
        km_canvas_mask_keep_inside(c, v->outline, v->outline_count, L->xf[i]);
    km_rgba wash = k_pain;
    wash.a = 70;
    km_canvas_mask_paint(c, (km_paint){KM_PAINT_SOLID, wash, 0, 0});
    km_canvas_mask_paint(c, hatch_paint(k_pain, u));
}

static void draw_selection(km_canvas *c, const uint8_t *sil, const km_scene *s, const km_layout *L, int i,
                           float u)
{
    const km_atlas *a = s->atlas;
    const int view = L->views[i];
    const km_view *v = &a->views[view];
    const km_xform xf = L->xf[i];
    /* Muscles first, then all spillover, then all essential zones, then
     * every X on top, so no muscle hides another's trigger points. */
    for (int pass = 0; pass < 5; pass++) {
        for (int k = 0; k < s->sel_count && k < KM_SCENE_MAX_SELECTED; k++) {
            const km_scene_sel *sel = &s->sel[k];
            if (sel->muscle < 0 || sel->muscle >= a->muscle_count)
                continue;
            const km_muscle *mu = &a->muscles[sel->muscle];
            SDL_Color pc = km_render_palette(sel->color);
            if (pass == 0) {
                for (int j = 0; j < mu->shape_count; j++) {
                    const km_shape *sh = &mu->shapes[j];
                    if (sh->view != view || !side_matches(sh->side, sel->side))
                        continue;
                    /* A clear wash (far lighter than the solid zone, so
                     * a zone over its own muscle still reads) and a
                     * strong edge: the muscle itself is obvious. */
                    fill_in_body(c, sil, v, &sh->poly, xf, (km_paint){KM_PAINT_SOLID, rgba_of(pc, 80), 0, 0});
                    km_canvas_stroke_poly(c, &sh->poly, xf, fmaxf(0.32f * u, 1.6f), rgba_of(pc, 255));
                }
            } else if (pass == 1 || pass == 2) {
                km_zone_kind want = pass == 1 ? KM_ZONE_SPILLOVER : KM_ZONE_ESSENTIAL;
                for (int j = 0; j < mu->zone_count; j++) {
                    const km_zone *z = &mu->zones[j];
                    if (z->view != view || z->kind != want || !side_matches(z->side, sel->side))
                        continue;
                    if (want == KM_ZONE_SPILLOVER)
                        fill_in_body(c, sil, v, &z->poly, xf, stipple_paint(rgba_of(pc, 255), u));
                    else
                        fill_in_body(c, sil, v, &z->poly, xf, (km_paint){KM_PAINT_SOLID, rgba_of(pc, 225), 0, 0});
                }
            } else {
                for (int j = 0; j < mu->tp_count; j++) {
                    const km_trigger_point *tp = &mu->tps[j];
                    if (tp->view == view && side_matches(tp->side, sel->side))
                        draw_x(c, tp->at, xf, u, pass - 3);
                }
            }
        }
    }
}

static void draw_hover(km_canvas *c, const uint8_t *sil, const km_scene *s, const km_layout *L, int i,
                       float u)
{
    const km_atlas *a = s->atlas;
    if (s->hover_muscle < 0 || s->hover_muscle >= a->muscle_count)
        return;
    const km_muscle *mu = &a->muscles[s->hover_muscle];
    for (int j = 0; j < mu->shape_count; j++) {
        const km_shape *sh = &mu->shapes[j];
        if (sh->view != L->views[i] || !side_matches(sh->side, s->hover_side))
            continue;
        fill_in_body(c, sil, &a->views[L->views[i]], &sh->poly, L->xf[i], (km_paint){KM_PAINT_SOLID, k_hover, 0, 0});
        km_canvas_stroke_poly(c, &sh->poly, L->xf[i], fmaxf(0.25f * u, 1.0f), (km_rgba){60, 60, 60, 200});
    }
}

static void draw_pins(km_canvas *c, const km_scene *s, const km_layout *L, int i, float u)
{
    for (int k = 0; k < s->pin_count && s->pins; k++) {
        const km_pin *p = &s->pins[k];
        if (p->view != L->views[i])
            continue;
        km_canvas_disc(c, p->at, L->xf[i], fmaxf(1.25f * u, 6), k_white);
        km_canvas_disc(c, p->at, L->xf[i], fmaxf(1.05f * u, 5), k_pain);
    }
}

static void box_add(km_box *b, bool *any, km_box o)
{
    if (!(isfinite(o.x0) && isfinite(o.y0) && isfinite(o.x1) && isfinite(o.y1)) || o.x1 < o.x0 || o.y1 < o.y0)
        return;
    *b = *any ? km_box_union(*b, o) : o;
    *any = true;
}

static void draw_overlay(km_canvas *c, const uint8_t *sil, const km_scene *s, const km_layout *L)
{
    for (int i = 0; i < L->nviews; i++) {
        float zoom = L->xf[i].scale / L->fit[i];
        float u = L->u * (zoom > 1 ? sqrtf(zoom) : 1.0f);
        clip_cell(c, L->cell[i]);
        draw_pain(c, sil, s, L, i, u);
        draw_hover(c, sil, s, L, i, u);
        draw_selection(c, sil, s, L, i, u);
        draw_pins(c, s, L, i, u);
        km_canvas_clip_reset(c);
    }
}

/* Draw a line of text through the renderer's cache; returns its width. */
static int text(km_renderer *kr, const char *str, int px, int x, int y, km_align align, SDL_Color color,
                bool bold)
{
    if (!kr->font || !str || !*str)
        return 0;
    if (strlen(str) >= KM_TEXT_CACHE_LEN)
        return km_text_draw(kr->r, kr->font, str, px, x, y, align, color, bold);
    km_text_entry *hit = NULL, *victim = &kr->text[0];
    for (int i = 0; i < KM_TEXT_CACHE && !hit; i++) {
        km_text_entry *e = &kr->text[i];
        if (e->tex && e->px == px && e->bold == bold && e->color.r == color.r && e->color.g == color.g &&
            e->color.b == color.b && e->color.a == color.a && strcmp(e->str, str) == 0)
            hit = e;
        else if (!e->tex || (victim->tex && e->used < victim->used))
            victim = e;
    }
    if (!hit) {
        int w = 0, h = 0;
        SDL_Texture *tex = km_text_texture(kr->r, kr->font, str, px, color, bold, &w, &h);
        if (!tex)
            return 0;
        if (victim->tex)
            SDL_DestroyTexture(victim->tex);
        hit = victim;
        snprintf(hit->str, sizeof hit->str, "%s", str);
        hit->px = px;
        hit->bold = bold;
        hit->color = color;
        hit->tex = tex;
        hit->w = w;
        hit->h = h;
    }
    hit->used = kr->frame_no;
    if (align == KM_ALIGN_CENTER)
        x -= hit->w / 2;
    else if (align == KM_ALIGN_RIGHT)
        x -= hit->w;
    SDL_Rect dst = {x, y, hit->w, hit->h};
    SDL_RenderCopy(kr->r, hit->tex, NULL, &dst);
    return hit->w;
}

/* ---- legend ------------------------------------------------------------ */

typedef struct km_legend_geom {
    int row_h, sw, col_w, head_h;
} km_legend_geom;

static km_legend_geom legend_geom(const km_layout *L)
{
    km_legend_geom g;
    g.row_h = legend_row(L);
    g.sw = (int)(L->small_px * 1.4f);
    g.head_h = legend_head(L);
    g.col_w = L->legend.w / (L->legend_cols > 0 ? L->legend_cols : 1);
    return g;
}

/* Top-left of legend entry n: down the first column, then the next. */
static void legend_slot(const km_layout *L, const km_legend_geom *g, int n, int *x, int *y)
{
    int rows = L->legend_rows > 0 ? L->legend_rows : 1;
    *x = L->legend.x + (n / rows) * g->col_w;
    *y = L->legend.y + g->head_h + (n % rows) * g->row_h;
}

static void legend_swatch(km_canvas *c, int x, int y, int sw, km_paint p)
{
    km_vec2 box[4] = {{(float)x, (float)y}, {(float)(x + sw), (float)y}, {(float)(x + sw), (float)(y + sw)},
                      {(float)x, (float)(y + sw)}};
    km_xform id = {1, 0, 0};
    km_canvas_fill_pts(c, box, 4, id, (km_paint){KM_PAINT_SOLID, k_skin, 0, 0});
    km_canvas_fill_pts(c, box, 4, id, p);
    km_canvas_stroke_line(c, box, 4, true, id, 1.0f, k_skin_edge);
}

static void draw_legend_swatches(km_canvas *c, const km_scene *s, const km_layout *L)
{
    if (!L->legend.w)
        return;
    km_legend_geom g = legend_geom(L);
    /* One muscle: the pattern swatches in its colour.  Several: neutral
     * grey, since the pattern says the kind and the colour the muscle. */
    km_rgba ref = s->sel_count == 1 ? rgba_of(km_render_palette(s->sel[0].color), 255) : (km_rgba){110, 110, 110, 255};
    km_xform id = {1, 0, 0};
    for (int n = 0; n < KM_LEG_FIXED + s->sel_count; n++) {
        int x, y;
        legend_slot(L, &g, n, &x, &y);
        y += (g.row_h - g.sw) / 2;
        switch (n) {
        case KM_LEG_TP: {
            legend_swatch(c, x, y, g.sw, (km_paint){KM_PAINT_SOLID, k_skin, 0, 0});
            km_vec2 ctr = {x + g.sw * 0.5f, y + g.sw * 0.5f};
            draw_x(c, ctr, id, g.sw / 2.6f, 0);
            draw_x(c, ctr, id, g.sw / 2.6f, 1);
            break;
        }
        case KM_LEG_ESS:
            legend_swatch(c, x, y, g.sw, (km_paint){KM_PAINT_SOLID, (km_rgba){ref.r, ref.g, ref.b, 225}, 0, 0});
            break;
        case KM_LEG_SPILL:
            legend_swatch(c, x, y, g.sw, stipple_paint(ref, L->u));
            break;
        case KM_LEG_PAIN:
            legend_swatch(c, x, y, g.sw, hatch_paint(k_pain, L->u));
            break;
        default: {
            SDL_Color pc = km_render_palette(s->sel[n - KM_LEG_FIXED].color);
            legend_swatch(c, x, y, g.sw, (km_paint){KM_PAINT_SOLID, rgba_of(pc, 225), 0, 0});
            break;
        }
        }
    }
}

static void draw_legend_text(km_renderer *kr, const km_scene *s, const km_layout *L, SDL_Rect rect)
{
    km_font *f = kr->font;
    if (!L->legend.w || !f)
        return;
    static const char *fixed[KM_LEG_FIXED] = {"Trigger point", "Essential pain zone", "Spillover pain zone",
                                               "Your pain area"};
    km_legend_geom g = legend_geom(L);
    text(kr, "Key", L->label_px, rect.x + L->legend.x, rect.y + L->legend.y, KM_ALIGN_LEFT, k_text,
                 true);
    char buf[256];
    for (int n = 0; n < KM_LEG_FIXED + s->sel_count; n++) {
        int x, y;
        legend_slot(L, &g, n, &x, &y);
        const char *t = n < KM_LEG_FIXED ? fixed[n] : buf;
        if (n >= KM_LEG_FIXED) {
            const km_scene_sel *sel = &s->sel[n - KM_LEG_FIXED];
            const km_muscle *mu = sel->muscle >= 0 && sel->muscle < s->atlas->muscle_count
                                      ? &s->atlas->muscles[sel->muscle]
                                      : NULL;
            if (!mu)
                continue;
            if (sel->side == KM_SIDE_MIDLINE || !mu->bilateral)
                snprintf(buf, sizeof buf, "%s", mu->name);
            else
                snprintf(buf, sizeof buf, "%s (%s)", mu->name, km_side_name(sel->side));
        }
        /* A long muscle name shrinks (to 70%) rather than run off the key. */
        bool bold = n >= KM_LEG_FIXED;
        int px = L->small_px, tw = 0, th = 0, avail = g.col_w - g.sw - (int)(2 * L->u);
        km_text_size(f, t, px, bold, &tw, &th);
        if (tw > avail && avail > 0) {
            int shrunk = px * avail / tw;
            px = shrunk < px * 7 / 10 ? px * 7 / 10 : shrunk;
            km_text_size(f, t, px, bold, NULL, &th);
        }
        text(kr, t, px, rect.x + x + g.sw + (int)L->u, rect.y + y + (g.row_h - th) / 2, KM_ALIGN_LEFT, k_text,
             bold);
    }
}

/* ---- text -------------------------------------------------------------- */

/* The size at which a line fits in avail pixels: px, or smaller down to
 * 60% (beyond that it is better cut by the edge than unreadable). */
static int fit_px(km_font *f, const char *t, int px, bool bold, int avail)
{
    int tw = 0;
    km_text_size(f, t, px, bold, &tw, NULL);
    if (tw <= avail || tw <= 0 || avail <= 0)
        return px;
    int k = px * avail / tw;
    return k < px * 6 / 10 ? px * 6 / 10 : k;
}

/* "Patient's right" centred at x, on two lines when the half view is too
 * narrow for one. */
static void side_label(km_renderer *kr, const char *side, int px, int x, int y, int maxw)
{
    char one[32];
    snprintf(one, sizeof one, "Patient's %s", side);
    int tw = 0, th = 0;
    km_text_size(kr->font, "Patient's right", px, false, &tw, &th); /* the longer: both sides break alike */
    if (tw <= maxw) {
        text(kr, one, px, x, y, KM_ALIGN_CENTER, k_text_soft, false);
        return;
    }
    text(kr, "Patient's", px, x, y, KM_ALIGN_CENTER, k_text_soft, false);
    text(kr, side, px, x, y + th, KM_ALIGN_CENTER, k_text_soft, false);
}

static void draw_texts(km_renderer *kr, const km_scene *s, const km_layout *L, SDL_Rect rect)
{
    km_font *f = kr->font;
    if (!f)
        return;
    const km_atlas *a = s->atlas;
    const int margin = (int)(2 * L->u) + 2;
    if (s->title)
        text(kr, s->title, fit_px(f, s->title, L->title_px, true, rect.w - 2 * margin), rect.x + margin,
             rect.y + L->title_y, KM_ALIGN_LEFT, k_text, true);
    for (int i = 0; i < L->nviews; i++) {
        const km_view *v = &a->views[L->views[i]];
        SDL_Rect cell = L->cell[i];
        int cx = rect.x + cell.x + cell.w / 2;
        text(kr, v->label ? v->label : v->id, L->label_px, cx, rect.y + L->label_y, KM_ALIGN_CENTER,
                     k_text, true);
        /* Front: the patient faces us, so their right is on our left. */
        bool back = view_is_back(v);
        /* Each label is centred under its side of the centre line as it
         * is shown (a zoomed view may show one side only). */
        float mid = v->width * 0.5f * L->xf[i].scale + L->xf[i].ox;
        float c0 = (float)cell.x, c1 = (float)(cell.x + cell.w), gap = 2 * L->u;
        mid = fmaxf(c0, fminf(c1, mid));
        if (mid - c0 > gap)
            side_label(kr, back ? "left" : "right", L->small_px, rect.x + (int)((c0 + mid) * 0.5f),
                       rect.y + L->side_y, (int)(mid - c0 - L->u));
        if (c1 - mid > gap)
            side_label(kr, back ? "right" : "left", L->small_px, rect.x + (int)((mid + c1) * 0.5f),
                       rect.y + L->side_y, (int)(c1 - mid - L->u));
        char num[16];
        for (int k = 0; k < s->pin_count && s->pins; k++) {
            const km_pin *p = &s->pins[k];
            if (p->view != L->views[i])
                continue;
            snprintf(num, sizeof num, "%d", p->intensity < 0 ? 0 : (p->intensity > 10 ? 10 : p->intensity));
            float fx = p->at.x * L->xf[i].scale + L->xf[i].ox, fy = p->at.y * L->xf[i].scale + L->xf[i].oy;
            if (!(fx >= cell.x && fx < cell.x + cell.w && fy >= cell.y && fy < cell.y + cell.h))
                continue; /* off the view, or not a number */
            int px = (int)fx, py = (int)fy;
            int th = 0;
            km_text_size(f, num, L->small_px, true, NULL, &th);
            text(kr, num, L->small_px, rect.x + px, rect.y + py - th / 2, KM_ALIGN_CENTER,
                         (SDL_Color){255, 255, 255, 255}, true);
        }
    }
    draw_legend_text(kr, s, L, rect);
    if (s->footer)
        text(kr, s->footer, fit_px(f, s->footer, L->small_px, false, rect.w - 2 * margin), rect.x + margin,
             rect.y + L->footer_y, KM_ALIGN_LEFT, k_text_soft, false);
}

/* ---- focus ------------------------------------------------------------- */

bool km_render_focus(const km_scene *s, int view, float margin, float max_zoom, km_view_xform *out)
{
    if (!s || !s->atlas || view < 0 || view >= s->atlas->view_count || !out)
        return false;
    const km_atlas *a = s->atlas;
    km_box b = {0, 0, 0, 0};
    bool any = false;
    for (int k = 0; k < s->sel_count && k < KM_SCENE_MAX_SELECTED; k++) {
        const km_scene_sel *sel = &s->sel[k];
        if (sel->muscle < 0 || sel->muscle >= a->muscle_count)
            continue;
        const km_muscle *mu = &a->muscles[sel->muscle];
        for (int j = 0; j < mu->shape_count; j++)
            if (mu->shapes[j].view == view && side_matches(mu->shapes[j].side, sel->side))
                box_add(&b, &any, mu->shapes[j].poly.box);
        for (int j = 0; j < mu->zone_count; j++)
            if (mu->zones[j].view == view && side_matches(mu->zones[j].side, sel->side))
                box_add(&b, &any, mu->zones[j].poly.box);
        for (int j = 0; j < mu->tp_count; j++)
            if (mu->tps[j].view == view && side_matches(mu->tps[j].side, sel->side))
                box_add(&b, &any, (km_box){mu->tps[j].at.x, mu->tps[j].at.y, mu->tps[j].at.x, mu->tps[j].at.y});
    }
    for (int k = 0; k < s->area_count; k++)
        if (s->areas[k] >= 0 && s->areas[k] < a->area_count && a->areas[s->areas[k]].view == view)
            box_add(&b, &any, a->areas[s->areas[k]].poly.box);
    if (!any)
        return false;
    const km_view *v = &a->views[view];
    float m = margin > 0 ? margin : 0;
    float bw = (b.x1 - b.x0) * (1 + 2 * m), bh = (b.y1 - b.y0) * (1 + 2 * m);
    float z = fminf(v->width / fmaxf(bw, 1e-3f), v->height / fmaxf(bh, 1e-3f));
    z = fminf(z, max_zoom > 1 ? max_zoom : 1);
    if (!(z > 1))
        z = 1;
    /* Centre the box, but never show paper beyond the view's edges. */
    float px = v->width * 0.5f - (b.x0 + b.x1) * 0.5f, py = v->height * 0.5f - (b.y0 + b.y1) * 0.5f;
    float mx = v->width * 0.5f * (1 - 1 / z), my = v->height * 0.5f * (1 - 1 / z);
    out->zoom = z;
    out->pan_x = fmaxf(-mx, fminf(mx, px));
    out->pan_y = fmaxf(-my, fminf(my, py));
    return true;
}

/* ---- the draw routine -------------------------------------------------- */

static bool ensure_canvases(km_renderer *kr, int w, int h)
{
    if (kr->frame.cover && kr->frame.w == w && kr->frame.h == h)
        return true;
    SDL_free(kr->body);
    SDL_free(kr->sil);
    SDL_free(kr->own_px);
    kr->body = NULL;
    kr->sil = NULL;
    kr->own_px = NULL;
    km_canvas_release(&kr->frame);
    kr->body_valid = false;
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

int km_render_draw(km_renderer *kr, const km_scene *s, SDL_Rect rect, km_view_place *places, int max_places,
                   int *nplaces, char *err, size_t errlen)
{
    if (nplaces)
        *nplaces = 0;
    if (!kr || !s || !s->atlas || s->atlas->view_count < 1) {
        snprintf(err, errlen, "render: nothing to draw (no atlas or no views)");
        return -1;
    }
    if (rect.w < 16 || rect.h < 16 || rect.w > 16384 || rect.h > 16384) {
        snprintf(err, errlen, "render: output size %dx%d is outside 16..16384", rect.w, rect.h);
        return -1;
    }
    kr->frame_no++;
    km_layout L;
    layout_compute(&L, s, rect.w, rect.h);
    if (places) {
        int n = 0;
        for (int i = 0; i < L.nviews && n < max_places; i++, n++) {
            places[n].view = L.views[i];
            places[n].rect = (SDL_Rect){rect.x + L.cell[i].x, rect.y + L.cell[i].y, L.cell[i].w, L.cell[i].h};
            places[n].scale = L.xf[i].scale;
            places[n].ox = L.xf[i].ox + rect.x;
            places[n].oy = L.xf[i].oy + rect.y;
        }
        if (nplaces)
            *nplaces = n;
    }
    if (!ensure_canvases(kr, rect.w, rect.h)) {
        snprintf(err, errlen, "render: out of memory for a %dx%d canvas", rect.w, rect.h);
        return -1;
    }
    /* Straight into the target when it is ours to write (see
     * km_renderer_set_direct): drawing queued on it runs first. */
    const bool direct = kr->direct && rect.x == 0 && rect.y == 0 && rect.w == kr->direct_w &&
                        rect.h == kr->direct_h && SDL_RenderFlush(kr->r) == 0;
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
    km_body_key key;
    key_of(&key, s, rect.w, rect.h);
    const size_t bytes = (size_t)rect.w * rect.h * sizeof *px;
    if (kr->body && kr->body_valid && key_equal(&key, &kr->key)) {
        memcpy(px, kr->body, bytes);
    } else {
        /* The body is drawn in the frame, then kept aside for the next. */
        draw_body(&kr->frame, kr->sil, s, &L);
        if (kr->body) {
            memcpy(kr->body, px, bytes);
            kr->key = key;
            kr->body_valid = true;
        }
    }
    draw_overlay(&kr->frame, kr->sil, s, &L);
    draw_legend_swatches(&kr->frame, s, &L);
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
