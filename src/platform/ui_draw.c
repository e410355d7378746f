/*
 * ui_draw.c - draws the km_ui_item list that app/ui.c laid out.  All
 * decisions about what is where were made there; this file owns only the
 * look: one colour table, and how each button style is painted.
 */
#include <string.h>

#include "draw/render.h"
#include "platform_ui.h"

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

static void set_color(SDL_Renderer *r, SDL_Color c) { SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a); }

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

static void label(SDL_Renderer *r, km_font *f, const km_ui_item *it, km_rect k, SDL_Color c)
{
    int tw = 0, th = 0;
    km_text_size(f, it->text, it->px, it->bold, &tw, &th);
    int y = k.y + (k.h - th) / 2;
    if (it->align == 1)
        km_text_draw(r, f, it->text, it->px, k.x + k.w / 2, y, KM_ALIGN_CENTER, c, it->bold);
    else
        km_text_draw(r, f, it->text, it->px, k.x, y, KM_ALIGN_LEFT, c, it->bold);
}

static void row_button(SDL_Renderer *r, km_font *f, const km_ui_item *it, float u)
{
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
    int y = k.y + (k.h - th - sh) / 2;
    km_text_draw(r, f, it->text, it->px, x, y, KM_ALIGN_LEFT, k_colors[KM_C_TEXT], true);
    if (it->sub)
        km_text_draw(r, f, it->sub, spx, x, y + th, KM_ALIGN_LEFT, k_colors[KM_C_MUTED], false);
    /* a chevron says "opens" */
    km_text_draw(r, f, "›", it->px * 3 / 2, k.x + k.w - pad, k.y + (k.h - it->px * 2) / 2, KM_ALIGN_RIGHT,
                 k_colors[KM_C_MUTED], false);
}

static void draw_button(SDL_Renderer *r, km_font *f, const km_ui_item *it, float u)
{
    km_rect k = it->r;
    int rad = (int)(10 * u), bw = SDL_max(1, (int)(1.5f * u));
    SDL_Color text = k_colors[KM_C_TEXT];
    switch (it->style) {
    case KM_BTN_GHOST: return;
    case KM_BTN_ROW: row_button(r, f, it, u); return;
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
    label(r, f, it, (km_rect){k.x + (int)(8 * u), k.y, k.w - (int)(16 * u), k.h}, text);
}

static void draw_wrap(SDL_Renderer *r, km_font *f, const km_ui_item *it)
{
    SDL_Color c = k_colors[it->color];
    if (it->align == 1) { /* centred: one line if it fits, else wrapped from the left */
        int tw = 0, th = 0;
        km_text_size(f, it->text, it->px, it->bold, &tw, &th);
        if (tw <= it->r.w) {
            km_text_draw(r, f, it->text, it->px, it->r.x + it->r.w / 2, it->r.y, KM_ALIGN_CENTER, c, it->bold);
            return;
        }
    }
    km_text_draw_wrapped(r, f, it->text, it->px, it->r.x, it->r.y, it->r.w, c, it->bold);
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

void km_ui_draw(SDL_Renderer *r, km_font *font, const km_app *app)
{
    float u = app->ui;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    for (int i = 0; i < app->item_count; i++) {
        const km_ui_item *it = &app->items[i];
        switch (it->kind) {
        case KM_UI_FILL: fill_rect(r, it->r, k_colors[it->color]); break;
        case KM_UI_CLIP:
            if (it->r.w > 0) {
                SDL_Rect c = {it->r.x, it->r.y, it->r.w, it->r.h};
                SDL_RenderSetClipRect(r, &c);
            } else
                SDL_RenderSetClipRect(r, NULL);
            break;
        case KM_UI_TEXT: {
            int x = it->align == 1 ? it->r.x + it->r.w / 2 : it->align == 2 ? it->r.x + it->r.w : it->r.x;
            km_text_draw(r, font, it->text, it->px, x, it->r.y,
                         it->align == 1 ? KM_ALIGN_CENTER : it->align == 2 ? KM_ALIGN_RIGHT : KM_ALIGN_LEFT,
                         k_colors[it->color], it->bold);
            break;
        }
        case KM_UI_WRAP: draw_wrap(r, font, it); break;
        case KM_UI_BUTTON: draw_button(r, font, it, u); break;
        case KM_UI_SWATCH: fill_rect(r, it->r, km_render_palette(it->arg)); break;
        case KM_UI_RING: draw_ring(r, it); break;
        }
    }
    SDL_RenderSetClipRect(r, NULL);
}
