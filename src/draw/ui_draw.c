/*
 * ui_draw.c - draws the km_ui_item list that app/ui.c laid out.  All
 * decisions about what is where were made there; this file owns only the
 * look: one colour table, how each button style is painted, and text that
 * keeps to its room (ellipsized, never shrunk), each line optionally
 * recorded for the text-fit test (ui_draw.h).
 */
#include "ui_draw.h"

#include <string.h>

#include "../chart/illustration.h"
#include "../chart/painter.h"
#include "render.h"

/* What one draw call is doing: the renderer, the font, the recorder. */
typedef struct dc {
    SDL_Renderer *r;
    km_font *f;
    km_text_cache *tc; /* lines kept between frames (NULL: drawn each time) */
    km_ui_record *rec;
    km_rect clip;   /* the clip in effect */
    bool overlay;   /* the item being drawn is part of an overlay */
} dc;

/* One line of text, through the cache when there is one. */
static void put_text(const dc *d, const char *t, int px, int x, int y, km_align align, SDL_Color c, bool bold)
{
    if (d->tc)
        km_text_cache_draw(d->tc, t, px, x, y, align, c, bold);
    else
        km_text_draw(d->r, d->f, t, px, x, y, align, c, bold);
}

/* A calm clinical palette: navy chrome, white panel, one blue accent. */
static const SDL_Color k_colors[KM_C_COUNT] = {
    [KM_C_BG] = {244, 246, 248, 255},     [KM_C_TOPBAR] = {24, 50, 82, 255},
    [KM_C_PANEL] = {255, 255, 255, 255},  [KM_C_CARD] = {236, 242, 248, 255},
    [KM_C_TEXT] = {27, 39, 51, 255},      [KM_C_MUTED] = {84, 99, 115, 255},
    [KM_C_HEADING] = {16, 38, 63, 255},   [KM_C_ACCENT] = {21, 101, 192, 255},
    [KM_C_ON_ACCENT] = {255, 255, 255, 255}, [KM_C_ERROR] = {179, 38, 30, 255},
    [KM_C_OK] = {46, 125, 50, 255},       [KM_C_SCRIM] = {16, 24, 32, 150},
    [KM_C_BORDER] = {197, 206, 216, 255}, [KM_C_ESSENTIAL] = {200, 60, 40, 255},
};

/* An opaque colour is written, not blended: the software renderer fills a
 * panel-sized rectangle several times faster that way. */
static void set_color(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawBlendMode(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

static void fill_rect(SDL_Renderer *r, km_rect k, SDL_Color c)
{
    SDL_Rect s = {k.x, k.y, k.w, k.h};
    set_color(r, c);
    SDL_RenderFillRect(r, &s);
}

/* A rectangle with its corners cut by a radius-sized staircase: cheap
 * rounded corners with plain SDL_RenderFillRect. */
static void round_rect(SDL_Renderer *r, km_rect k, int rad, SDL_Color c)
{
    if (rad * 2 > k.h)
        rad = k.h / 2;
    if (rad * 2 > k.w)
        rad = k.w / 2;
    set_color(r, c);
    SDL_Rect mid = {k.x, k.y + rad, k.w, k.h - 2 * rad};
    SDL_RenderFillRect(r, &mid);
    for (int i = 0; i < rad; i++) {
        float dy = (float)(rad - i) - 0.5f;
        int inset = rad - (int)(SDL_sqrtf((float)(rad * rad) - dy * dy) + 0.5f);
        SDL_Rect top = {k.x + inset, k.y + i, k.w - 2 * inset, 1};
        SDL_Rect bot = {k.x + inset, k.y + k.h - 1 - i, k.w - 2 * inset, 1};
        SDL_RenderFillRect(r, &top);
        SDL_RenderFillRect(r, &bot);
    }
}

static void outlined(SDL_Renderer *r, km_rect k, int rad, int bw, SDL_Color border, SDL_Color inside)
{
    round_rect(r, k, rad, border);
    round_rect(r, (km_rect){k.x + bw, k.y + bw, k.w - 2 * bw, k.h - 2 * bw}, rad > bw ? rad - bw : 0, inside);
}

static void record(dc *d, km_rect box, km_rect room, bool ellipsized, const char *text)
{
    if (!d->rec || d->rec->n >= d->rec->cap)
        return;
    d->rec->boxes[d->rec->n++] = (km_text_box){box, room, d->clip, d->overlay, ellipsized, text};
}

/* The longest prefix of t (whole UTF-8 characters) that fits w with "…"
 * after it, into buf.  t itself when it fits. */
static const char *fit_line(km_font *f, const char *t, int px, bool bold, int w, char *buf, size_t n, bool *cut)
{
    int tw = 0, th = 0;
    km_text_size(f, t, px, bold, &tw, &th);
    *cut = false;
    if (tw <= w || !t[0])
        return t;
    size_t len = strlen(t);
    if (len + 4 > n)
        len = n - 4;
    size_t lo = 0, hi = len; /* bytes of t kept: the largest that fits */
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        while (mid > lo && (t[mid] & 0xC0) == 0x80)
            mid--; /* a character boundary */
        if (mid == lo) {
            hi = lo;
            break;
        }
        memcpy(buf, t, mid);
        memcpy(buf + mid, "\xE2\x80\xA6", 4);
        km_text_size(f, buf, px, bold, &tw, &th);
        if (tw <= w)
            lo = mid;
        else
            hi = mid - 1;
    }
    while (lo > 0 && (t[lo] & 0xC0) == 0x80)
        lo--;
    while (lo > 0 && t[lo - 1] == ' ')
        lo--;
    memcpy(buf, t, lo);
    memcpy(buf + lo, "\xE2\x80\xA6", 4);
    *cut = true;
    return buf;
}

/* One line in room: aligned, ellipsized to fit, with its top at y. */
static void line_in(dc *d, const char *t, int px, bool bold, km_rect room, int y, km_align align, SDL_Color c)
{
    char buf[512];
    bool cut;
    const char *s = fit_line(d->f, t, px, bold, room.w, buf, sizeof buf, &cut);
    int tw = 0, th = 0;
    km_text_size(d->f, s, px, bold, &tw, &th);
    int x = align == KM_ALIGN_CENTER ? room.x + room.w / 2 : align == KM_ALIGN_RIGHT ? room.x + room.w : room.x;
    put_text(d, s, px, x, y, align, c, bold);
    int x0 = align == KM_ALIGN_CENTER ? x - tw / 2 : align == KM_ALIGN_RIGHT ? x - tw : x;
    record(d, (km_rect){x0, y, tw, th}, room, cut, t);
}

static void label(dc *d, const km_ui_item *it, km_rect k, SDL_Color c)
{
    int tw = 0, th = 0;
    km_text_size(d->f, it->text, it->px, it->bold, &tw, &th);
    int y = k.y + (k.h - th) / 2;
    line_in(d, it->text, it->px, it->bold, k, y, it->align == 1 ? KM_ALIGN_CENTER : KM_ALIGN_LEFT, c);
}

static void row_button(dc *d, const km_ui_item *it, float u)
{
    SDL_Renderer *r = d->r;
    km_font *f = d->f;
    km_rect k = it->r;
    int rad = (int)(8 * u), pad = (int)(16 * u);
    SDL_Color bg = it->active ? (SDL_Color){221, 234, 250, 255} : k_colors[KM_C_CARD];
    round_rect(r, k, rad, bg);
    int x = k.x + pad;
    if (it->swatch >= 0) {
        SDL_Color sc = km_render_palette(it->swatch);
        sc.a = 255;
        round_rect(r, (km_rect){k.x + (int)(8 * u), k.y + (int)(10 * u), (int)(10 * u), k.h - (int)(20 * u)},
                   (int)(4 * u), sc);
    }
    x += (int)(10 * u); /* rows with and without a swatch line up */
    int tw = 0, th = 0, sh = 0;
    int spx = it->px * 5 / 6;
    km_text_size(f, it->text, it->px, true, &tw, &th);
    if (it->sub)
        km_text_size(f, it->sub, spx, false, &tw, &sh);
    /* a chevron says "opens"; the text keeps clear of it */
    int cw = 0, ch = 0;
    km_text_size(f, "›", it->px * 3 / 2, false, &cw, &ch);
    km_rect room = {x, k.y, k.x + k.w - pad - cw - (int)(8 * u) - x, k.h};
    int y = k.y + (k.h - th - sh) / 2;
    line_in(d, it->text, it->px, true, room, y, KM_ALIGN_LEFT, k_colors[KM_C_TEXT]);
    if (it->sub)
        line_in(d, it->sub, spx, false, room, y + th, KM_ALIGN_LEFT, k_colors[KM_C_MUTED]);
    put_text(d, "›", it->px * 3 / 2, k.x + k.w - pad, k.y + (k.h - it->px * 2) / 2, KM_ALIGN_RIGHT,
             k_colors[KM_C_MUTED], false);
}

static void draw_button(dc *d, const km_ui_item *it, float u)
{
    SDL_Renderer *r = d->r;
    km_rect k = it->r;
    int rad = (int)(10 * u), bw = SDL_max(1, (int)(1.5f * u));
    SDL_Color text = k_colors[KM_C_TEXT];
    switch (it->style) {
    case KM_BTN_GHOST: return;
    case KM_BTN_ROW: row_button(d, it, u); return;
    case KM_BTN_PRIMARY:
        round_rect(r, k, rad, it->enabled ? k_colors[KM_C_ACCENT] : k_colors[KM_C_BORDER]);
        text = k_colors[KM_C_ON_ACCENT];
        break;
    case KM_BTN_TAB:
        if (it->active) {
            round_rect(r, k, rad, k_colors[KM_C_ACCENT]);
            text = k_colors[KM_C_ON_ACCENT];
        } else {
            outlined(r, k, rad, bw, k_colors[KM_C_BORDER], (SDL_Color){248, 250, 252, 255});
        }
        break;
    case KM_BTN_KEY: round_rect(r, k, rad, k_colors[KM_C_CARD]); break;
    default: outlined(r, k, rad, bw, k_colors[KM_C_BORDER], k_colors[KM_C_PANEL]); break;
    }
    if (!it->enabled)
        text = (SDL_Color){150, 160, 170, 255};
    label(d, it, (km_rect){k.x + (int)(8 * u), k.y, k.w - (int)(16 * u), k.h}, text);
}

static void draw_wrap(dc *d, const km_ui_item *it)
{
    SDL_Color c = k_colors[it->color];
    if (it->align == 1) { /* centred: one line if it fits, else wrapped from the left */
        int tw = 0, th = 0;
        km_text_size(d->f, it->text, it->px, it->bold, &tw, &th);
        if (tw <= it->r.w) {
            line_in(d, it->text, it->px, it->bold, it->r, it->r.y, KM_ALIGN_CENTER, c);
            return;
        }
    }
    int h = d->tc ? km_text_cache_draw_wrapped(d->tc, it->text, it->px, it->r.x, it->r.y, it->r.w, c, it->bold)
                  : km_text_draw_wrapped(d->r, d->f, it->text, it->px, it->r.x, it->r.y, it->r.w, c, it->bold);
    int ww = km_text_wrapped_widest(d->f, it->text, it->px, it->r.w, it->bold);
    record(d, (km_rect){it->r.x, it->r.y, ww > it->r.w ? ww : it->r.w, h}, it->r, false, it->text);
}

/* A text field: a white box outlined (in the accent, thicker, when it has
 * the caret), the text on one line, its end kept in view as it grows
 * (the start scrolls out to the left, clipped at the padding), the grey
 * hint while empty, and the caret after the text.  The caret does not
 * blink: a blinking caret would wake an idle window twice a second. */
static void draw_field(dc *d, const km_ui_item *it, float u)
{
    SDL_Renderer *r = d->r;
    km_rect k = it->r;
    int rad = (int)(8 * u), bw = it->active ? SDL_max(2, (int)(2 * u + 0.5f)) : SDL_max(1, (int)(1.5f * u));
    outlined(r, k, rad, bw, it->active ? k_colors[KM_C_ACCENT] : k_colors[KM_C_BORDER], k_colors[KM_C_PANEL]);
    int pad = (int)(14 * u), cw = SDL_max(2, (int)(2 * u + 0.5f));
    km_rect in = {k.x + pad, k.y + bw, k.w - 2 * pad, k.h - 2 * bw};
    bool empty = !it->text || !it->text[0];
    int tw = 0, th = 0;
    km_text_size(d->f, empty ? "Ag" : it->text, it->px, false, &tw, &th);
    int y = k.y + (k.h - th) / 2, x = in.x;
    if (empty) {
        if (it->sub)
            line_in(d, it->sub, it->px, false, (km_rect){in.x + cw + 2, in.y, in.w - cw - 2, in.h}, y, KM_ALIGN_LEFT,
                    (SDL_Color){130, 142, 156, 255});
        tw = 0;
    } else {
        if (tw + cw + 2 > in.w)
            x = in.x + in.w - cw - 2 - tw; /* the end, where the caret is, stays in view */
        SDL_Rect clip = {in.x, in.y, in.w, in.h};
        SDL_RenderSetClipRect(r, &clip);
        put_text(d, it->text, it->px, x, y, KM_ALIGN_LEFT, k_colors[KM_C_TEXT], false);
        if (d->clip.w > 0)
            SDL_RenderSetClipRect(r, &(SDL_Rect){d->clip.x, d->clip.y, d->clip.w, d->clip.h});
        else
            SDL_RenderSetClipRect(r, NULL);
        /* what shows of it; scrolled counts as cut short, like an ellipsis */
        int x0 = x < in.x ? in.x : x;
        record(d, (km_rect){x0, y, x + tw - x0, th}, in, x < in.x, it->text);
    }
    if (it->active)
        fill_rect(r, (km_rect){x + tw + 1, y + th / 10, cw, th - th / 5}, k_colors[KM_C_ACCENT]);
}

/* A ring of progress: a light track, and the part done in colour, from
 * twelve o'clock clockwise, as one triangle list. */
static void draw_ring(SDL_Renderer *r, const km_ui_item *it)
{
    enum { SEG = 72 };
    float cx = it->r.x + it->r.w * 0.5f, cy = it->r.y + it->r.h * 0.5f;
    float ro = it->r.w * 0.5f, ri = ro * 0.8f;
    int done = it->arg < 0 ? 0 : it->arg > 1000 ? 1000 : it->arg;
    SDL_Vertex v[SEG * 6];
    int n = 0;
    for (int s = 0; s < SEG; s++) {
        float a0 = (float)s / SEG * 6.2831853f - 1.5707963f, a1 = (float)(s + 1) / SEG * 6.2831853f - 1.5707963f;
        SDL_Color c = s * 1000 < done * SEG ? k_colors[it->color] : k_colors[KM_C_BORDER];
        SDL_FPoint p0 = {cx + ro * SDL_cosf(a0), cy + ro * SDL_sinf(a0)}, p1 = {cx + ro * SDL_cosf(a1), cy + ro * SDL_sinf(a1)};
        SDL_FPoint q0 = {cx + ri * SDL_cosf(a0), cy + ri * SDL_sinf(a0)}, q1 = {cx + ri * SDL_cosf(a1), cy + ri * SDL_sinf(a1)};
        SDL_FPoint tri[6] = {p0, p1, q0, q0, p1, q1};
        for (int k = 0; k < 6; k++)
            v[n++] = (SDL_Vertex){tri[k], c, {0, 0}};
    }
    SDL_RenderGeometry(r, NULL, v, n, NULL, 0);
}

/* A stretch's drawing, painted by the same routine as the handout's (the
 * rasteriser as painter) into a small texture and copied into the card.
 * Painted afresh for each frame that shows it: a 150-pixel square costs a
 * fraction of a millisecond, frames come only when something changes, and
 * no texture outlives the renderer that made it. */
static SDL_Texture *drawing_texture(SDL_Renderer *r, const km_stretch_illustration *ill, int size)
{
    km_canvas c;
    if (!km_canvas_init(&c, size, size))
        return NULL;
    km_canvas_clear(&c, (km_rgba){255, 255, 255, 255});
    km_canvas_painter cp;
    km_canvas_painter_init(&cp, &c, NULL);
    km_paint_illustration(&cp.base, ill, (km_rect){0, 0, size, size}, km_illustration_tint);
    SDL_Texture *tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, size, size);
    if (tex)
        SDL_UpdateTexture(tex, NULL, c.px, size * 4);
    km_canvas_release(&c);
    return tex;
}

static void draw_drawing(SDL_Renderer *r, const km_app *app, const km_ui_item *it)
{
    if (!app->atlas || it->arg < 0 || it->arg >= app->atlas->stretch_count ||
        !app->atlas->stretches[it->arg].illustration || it->r.w <= 0)
        return;
    SDL_Texture *tex = drawing_texture(r, app->atlas->stretches[it->arg].illustration, it->r.w);
    if (tex) {
        SDL_RenderCopy(r, tex, NULL, &(SDL_Rect){it->r.x, it->r.y, it->r.w, it->r.h});
        SDL_DestroyTexture(tex);
    }
}

/* A picture the host read (the clinic's logo, a stretch's photo), copied
 * into its rect for the frame that shows it. */
static void draw_picture(SDL_Renderer *r, const km_app *app, const km_ui_item *it)
{
    const km_app_picture *pic = it->arg < 0 ? &app->logo
                                : app->photos && app->atlas && it->arg < app->atlas->stretch_count ? &app->photos[it->arg]
                                                                                                  : NULL;
    if (!pic || !pic->px || pic->w <= 0 || pic->h <= 0)
        return;
    SDL_Texture *tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, pic->w, pic->h);
    if (!tex)
        return;
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    SDL_UpdateTexture(tex, NULL, pic->px, pic->w * 4);
    SDL_RenderCopy(r, tex, NULL, &(SDL_Rect){it->r.x, it->r.y, it->r.w, it->r.h});
    SDL_DestroyTexture(tex);
}

static void ui_draw(SDL_Renderer *r, km_font *font, km_text_cache *tc, const km_app *app, km_ui_record *rec)
{
    float u = app->ui;
    dc d = {r, font, tc, rec, {0, 0, 0, 0}, false};
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    for (int i = 0; i < app->item_count; i++) {
        const km_ui_item *it = &app->items[i];
        d.overlay = it->overlay;
        /* A drawing, picture or paragraph scrolled out of the panel's clip
         * is not made at all (the stretch cards sit screens below). */
        if ((it->kind == KM_UI_DRAWING || it->kind == KM_UI_PICTURE || it->kind == KM_UI_WRAP) && d.clip.w > 0 &&
            (it->r.y >= d.clip.y + d.clip.h || (it->kind != KM_UI_WRAP && it->r.y + it->r.h <= d.clip.y)))
            continue;
        switch (it->kind) {
        case KM_UI_FILL: fill_rect(r, it->r, k_colors[it->color]); break;
        case KM_UI_CLIP:
            d.clip = it->r;
            if (it->r.w > 0) {
                SDL_Rect c = {it->r.x, it->r.y, it->r.w, it->r.h};
                SDL_RenderSetClipRect(r, &c);
            } else
                SDL_RenderSetClipRect(r, NULL);
            break;
        case KM_UI_TEXT:
            line_in(&d, it->text, it->px, it->bold, it->r, it->r.y,
                    it->align == 1 ? KM_ALIGN_CENTER : it->align == 2 ? KM_ALIGN_RIGHT : KM_ALIGN_LEFT,
                    k_colors[it->color]);
            break;
        case KM_UI_WRAP: draw_wrap(&d, it); break;
        case KM_UI_BUTTON: draw_button(&d, it, u); break;
        case KM_UI_SWATCH: fill_rect(r, it->r, km_render_palette(it->arg)); break;
        case KM_UI_RING: draw_ring(r, it); break;
        case KM_UI_DRAWING: draw_drawing(r, app, it); break;
        case KM_UI_PICTURE: draw_picture(r, app, it); break;
        case KM_UI_FIELD: draw_field(&d, it, u); break;
        }
    }
    SDL_RenderSetClipRect(r, NULL);
}

void km_ui_draw_record(SDL_Renderer *r, km_font *font, const km_app *app, km_ui_record *rec)
{
    ui_draw(r, font, NULL, app, rec);
}

void km_ui_draw(SDL_Renderer *r, km_font *font, km_text_cache *tc, const km_app *app) { ui_draw(r, font, tc, app, NULL); }

static int measure_w(void *ctx, const char *t, int px, bool bold)
{
    int w = 0, h = 0;
    km_text_size(ctx, t, px, bold, &w, &h);
    return w;
}

static int measure_wrap(void *ctx, const char *t, int px, bool bold, int w)
{
    return km_text_draw_wrapped(NULL, ctx, t, px, 0, 0, w, (SDL_Color){0, 0, 0, 255}, bold);
}

km_measure km_ui_measure(km_font *f) { return (km_measure){f, measure_w, measure_wrap}; }

float km_ui_scale(int ww, int wh, float ddpi)
{
    float dpi_scale = ddpi > 130 && ddpi < 600 ? ddpi / 110.0f : 1; /* dense laptop or tablet panels */
    float size_scale = SDL_min((float)ww / 1600.0f, (float)wh / 1000.0f);
    float s = SDL_max(dpi_scale, size_scale);
    return SDL_max(1.0f, SDL_min(s, 3.0f));
}
