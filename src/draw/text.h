/*
 * text.h - fonts and text on an SDL_Renderer, through SDL_ttf, with the font
 * file found by fontconfig (a system sans such as DejaVu Sans) unless the
 * user names one with --font.
 */
#ifndef KM_TEXT_H
#define KM_TEXT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct km_font km_font;

/* Find a font file: path if given, else fontconfig's match for "sans".
 * Writes the chosen file to out.  Returns false with a reason in err. */
bool km_font_find(const char *path, char *out, size_t outlen, char *err, size_t errlen);
/* Open the font file (TTF_Init is done here if needed).  Sizes are opened
 * lazily and cached.  NULL with a reason in err on failure. */
km_font *km_font_open(const char *file, char *err, size_t errlen);
void km_font_close(km_font *f);
/* The files f draws with: the regular one and its family's bold next to it
 * (NULL if none: bold is synthesised); both NULL when f is NULL. */
void km_font_files(const km_font *f, const char **file, const char **bold_file);

typedef enum km_align { KM_ALIGN_LEFT, KM_ALIGN_CENTER, KM_ALIGN_RIGHT } km_align;

/* Draw one line of UTF-8 text with its top at y; returns the width drawn. */
int km_text_draw(SDL_Renderer *r, km_font *f, const char *utf8, int px, int x, int y, km_align align,
                 SDL_Color color, bool bold);
/* Render one line into a new texture for r (the caller destroys it, or
 * keeps it in a cache); NULL if there is nothing to draw.  w and h receive
 * its size. */
SDL_Texture *km_text_texture(SDL_Renderer *r, km_font *f, const char *utf8, int px, SDL_Color color, bool bold,
                             int *w, int *h);
/* Size of a line of text. */
void km_text_size(km_font *f, const char *utf8, int px, bool bold, int *w, int *h);
/* Draw wrapped text inside width w starting at (x, y); returns the height
 * used.  If r is NULL, only measures. */
int km_text_draw_wrapped(SDL_Renderer *r, km_font *f, const char *utf8, int px, int x, int y, int w,
                         SDL_Color color, bool bold);
/* The widest line km_text_draw_wrapped would draw for width w (more than
 * w only when not even one character fits). */
int km_text_wrapped_widest(km_font *f, const char *utf8, int px, int w, bool bold);

/* Lines rendered once and kept, for one renderer and font: a steady frame
 * then creates no textures (the chart's words, the app's panel).  The
 * least recently drawn of `slots` lines gives way; lines of 160 bytes or
 * more are drawn each time.  Free it before its renderer is destroyed. */
typedef struct km_text_cache km_text_cache;
km_text_cache *km_text_cache_new(SDL_Renderer *r, km_font *f, int slots);
void km_text_cache_free(km_text_cache *c);
/* km_text_draw and km_text_draw_wrapped through the cache. */
int km_text_cache_draw(km_text_cache *c, const char *utf8, int px, int x, int y, km_align align, SDL_Color color,
                       bool bold);
int km_text_cache_draw_wrapped(km_text_cache *c, const char *utf8, int px, int x, int y, int w, SDL_Color color,
                               bool bold);

#endif
