/*
 * text.c - fonts and text through SDL_ttf.
 *
 * The font file is found once (a path given by the user, else fontconfig's
 * best match for "DejaVu Sans" / "sans"), and each pixel size, regular or
 * bold, is opened the first time it is asked for and kept in a small cache,
 * because a chart uses a handful of sizes that change only when the output
 * size changes.  Bold is a separate cached TTF_Font with TTF_STYLE_BOLD set
 * (changing the style of a shared instance would flush its glyph cache); when
 * the family's bold face sits next to the file it is used instead.
 *
 * Threads: a km_font is used by one thread at a time (the window's, or the
 * export worker's own handle: host.c), but SDL_ttf keeps one FreeType
 * library for all fonts, and FreeType wants faces opened and closed under
 * a lock when one library serves several threads; font_lock is that lock.
 */
#include "text.h"

#include "../core/fileio.h"

#define KM_FONT_MAX_BYTES (64u << 20) /* a CJK font is ~20 MB */

#include <SDL_ttf.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Cached (size, weight) instances.  Each holds a FreeType size and
 * SDL_ttf's glyph cache, so the count bounds the memory text can take
 * however often the window is resized; a chart plus the app's panel use
 * fewer than this at any one size. */
#define KM_FONT_SLOTS 12

typedef struct km_font_slot {
    int px;
    bool bold;
    TTF_Font *font;
    unsigned long used; /* last use, for least-recently-used eviction */
} km_font_slot;

struct km_font {
    char *file;
    char *bold_file; /* the family's bold face next to file, NULL if none */
    km_font_slot slots[KM_FONT_SLOTS];
    unsigned long clock; /* counts look-ups, stamps km_font_slot.used */
    bool ttf_init;  /* we called TTF_Init and owe a TTF_Quit */
};

/* ---- finding and opening ----------------------------------------------- */

static pthread_mutex_t font_lock = PTHREAD_MUTEX_INITIALIZER; /* FT_New_Face / FT_Done_Face (see the top) */

static TTF_Font *open_locked(const char *file, int px)
{
    pthread_mutex_lock(&font_lock);
    TTF_Font *t = TTF_OpenFont(file, px);
    pthread_mutex_unlock(&font_lock);
    return t;
}

static void close_locked(TTF_Font *t)
{
    pthread_mutex_lock(&font_lock);
    TTF_CloseFont(t);
    pthread_mutex_unlock(&font_lock);
}

static bool fc_match(const char *name, char *out, size_t outlen)
{
    bool ok = false;
    FcPattern *pat = FcNameParse((const FcChar8 *)name);
    if (!pat)
        return false;
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res = FcResultNoMatch;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    if (m) {
        FcChar8 *file = NULL;
        if (FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch && file &&
            access((const char *)file, R_OK) == 0) {
            snprintf(out, outlen, "%s", (const char *)file);
            ok = true;
        }
        FcPatternDestroy(m);
    }
    FcPatternDestroy(pat);
    return ok;
}

bool km_font_find(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
    if (path && *path) {
        if (access(path, R_OK) != 0) {
            snprintf(err, errlen, "%s: cannot read font file: %s", path, strerror(errno));
            return false;
        }
        /* SDL_ttf opens it itself: check first that it opens without
         * blocking (not a FIFO) as a regular file of sane size */
        if (!km_file_check_regular(path, KM_FONT_MAX_BYTES, err, errlen))
            return false;
        snprintf(out, outlen, "%s", path);
        return true;
    }
    if (!FcInit()) {
        snprintf(err, errlen, "fontconfig: initialisation failed; name a font file with --font");
        return false;
    }
    /* knotmap uses fontconfig for this one question, so its caches are
     * released right after (nothing stays allocated for the process). */
    bool found = fc_match("DejaVu Sans", out, outlen) || fc_match("sans", out, outlen);
    FcFini();
    if (found)
        return true;
    snprintf(err, errlen, "fontconfig: no readable match for \"DejaVu Sans\" or \"sans\"; "
                          "install fonts-dejavu-core or name a font file with --font");
    return false;
}

/* A real bold face drawn by the type designer looks better than SDL_ttf's
 * synthetic emboldening; the common families ship it as NAME-Bold.ttf
 * beside NAME.ttf (DejaVu, Liberation, Noto). */
static char *bold_sibling(const char *file)
{
    const char *dot = strrchr(file, '.');
    const char *slash = strrchr(file, '/');
    if (!dot || (slash && dot < slash))
        return NULL;
    size_t stem = (size_t)(dot - file), n = strlen(file) + 8;
    char *b = malloc(n);
    if (!b)
        return NULL;
    snprintf(b, n, "%.*s-Bold%s", (int)stem, file, dot);
    if (access(b, R_OK) != 0) {
        free(b);
        return NULL;
    }
    return b;
}

void km_font_files(const km_font *f, const char **file, const char **bold_file)
{
    *file = f ? f->file : NULL;
    *bold_file = f ? f->bold_file : NULL;
}

km_font *km_font_open(const char *file, char *err, size_t errlen)
{
    if (!file || !*file) {
        snprintf(err, errlen, "(no font file): a font file path is required");
        return NULL;
    }
    km_font *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "%s: out of memory", file);
        return NULL;
    }
    f->file = strdup(file);
    if (!f->file) {
        free(f);
        snprintf(err, errlen, "%s: out of memory", file);
        return NULL;
    }
    if (!TTF_WasInit()) {
        if (TTF_Init() != 0) {
            snprintf(err, errlen, "%s: SDL_ttf initialisation failed: %s", file, TTF_GetError());
            km_font_close(f);
            return NULL;
        }
        f->ttf_init = true;
    }
    if (!km_file_check_regular(file, KM_FONT_MAX_BYTES, err, errlen)) {
        km_font_close(f);
        return NULL;
    }
    /* Open one size now so a broken file is reported here, not at draw. */
    TTF_Font *probe = open_locked(file, 16);
    if (!probe) {
        snprintf(err, errlen, "%s: cannot open font: %s", file, TTF_GetError());
        km_font_close(f);
        return NULL;
    }
    f->slots[0].px = 16;
    f->slots[0].bold = false;
    f->slots[0].font = probe;
    f->bold_file = bold_sibling(file);
    return f;
}

void km_font_close(km_font *f)
{
    if (!f)
        return;
    for (int i = 0; i < KM_FONT_SLOTS; i++)
        if (f->slots[i].font)
            close_locked(f->slots[i].font);
    if (f->ttf_init)
        TTF_Quit();
    free(f->file);
    free(f->bold_file);
    free(f);
}

/* The cached instance for a size and weight, opened on first use. */
static TTF_Font *font_get(km_font *f, int px, bool bold)
{
    if (!f)
        return NULL;
    if (px < 4)
        px = 4;
    if (px > 400)
        px = 400;
    int free_slot = -1, oldest = 0;
    f->clock++;
    for (int i = 0; i < KM_FONT_SLOTS; i++) {
        if (f->slots[i].font && f->slots[i].px == px && f->slots[i].bold == bold) {
            f->slots[i].used = f->clock;
            return f->slots[i].font;
        }
        if (!f->slots[i].font && free_slot < 0)
            free_slot = i;
        if (f->slots[i].used < f->slots[oldest].used)
            oldest = i;
    }
    TTF_Font *t = NULL;
    if (bold && f->bold_file)
        t = open_locked(f->bold_file, px);
    if (!t) {
        t = open_locked(f->file, px);
        if (!t)
            return NULL;
        if (bold)
            TTF_SetFontStyle(t, TTF_STYLE_BOLD); /* synthetic: no bold face found */
    }
    if (free_slot < 0) {
        free_slot = oldest;
        close_locked(f->slots[free_slot].font);
    }
    f->slots[free_slot].px = px;
    f->slots[free_slot].bold = bold;
    f->slots[free_slot].font = t;
    f->slots[free_slot].used = f->clock;
    return t;
}

/* ---- drawing ----------------------------------------------------------- */

void km_text_size(km_font *f, const char *utf8, int px, bool bold, int *w, int *h)
{
    int tw = 0, th = 0;
    TTF_Font *t = font_get(f, px, bold);
    if (t) {
        th = TTF_FontHeight(t);
        if (utf8 && *utf8)
            TTF_SizeUTF8(t, utf8, &tw, NULL);
    }
    if (w)
        *w = tw;
    if (h)
        *h = th;
}

SDL_Texture *km_text_texture(SDL_Renderer *r, km_font *f, const char *utf8, int px, SDL_Color color, bool bold,
                             int *w, int *h)
{
    TTF_Font *t = font_get(f, px, bold);
    if (!r || !t || !utf8 || !*utf8)
        return NULL;
    SDL_Surface *s = TTF_RenderUTF8_Blended(t, utf8, color);
    if (!s)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(r, s);
    if (w)
        *w = s->w;
    if (h)
        *h = s->h;
    SDL_FreeSurface(s);
    if (tex)
        SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    return tex;
}

int km_text_draw(SDL_Renderer *r, km_font *f, const char *utf8, int px, int x, int y, km_align align,
                 SDL_Color color, bool bold)
{
    int w = 0, h = 0;
    SDL_Texture *tex = km_text_texture(r, f, utf8, px, color, bold, &w, &h);
    if (!tex)
        return 0;
    if (align == KM_ALIGN_CENTER)
        x -= w / 2;
    else if (align == KM_ALIGN_RIGHT)
        x -= w;
    SDL_Rect dst = {x, y, w, h};
    SDL_RenderCopy(r, tex, NULL, &dst);
    SDL_DestroyTexture(tex);
    return w;
}

/* Width of utf8[0..n) in the font. */
static int span_width(TTF_Font *t, const char *s, size_t n, char *buf, size_t buflen)
{
    if (n >= buflen)
        n = buflen - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    int w = 0;
    TTF_SizeUTF8(t, buf, &w, NULL);
    return w;
}

/* A line of one word wider than w (a file path, say) is cut where it
 * fits: after the last '/' or '-' that fits, else at the last whole
 * UTF-8 character that fits (at least one). */
static const char *cut_long_word(TTF_Font *t, const char *p, const char *end, int w, char *buf, size_t buflen)
{
    if (span_width(t, p, (size_t)(end - p), buf, buflen) <= w)
        return end;
    const char *fit = NULL, *mark = NULL;
    for (const char *q = p + 1; q <= end; q++) {
        if (q < end && ((unsigned char)*q & 0xC0) == 0x80)
            continue; /* inside a character */
        if (span_width(t, p, (size_t)(q - p), buf, buflen) > w)
            break;
        fit = q;
        if (q[-1] == '/' || q[-1] == '-')
            mark = q;
    }
    if (mark)
        return mark;
    if (fit)
        return fit;
    const char *q = p + 1; /* not even one character fits: one anyway */
    while (q < end && ((unsigned char)*q & 0xC0) == 0x80)
        q++;
    return q;
}

/* The wrapping itself: draws when r is given, returns the height, the
 * widest line in *widest. */
static int wrap_walk(SDL_Renderer *r, km_text_cache *tc, km_font *f, const char *utf8, int px, int x, int y, int w,
                     SDL_Color color, bool bold, int *widest)
{
    TTF_Font *t = font_get(f, px, bold);
    *widest = 0;
    if (!t || !utf8)
        return 0;
    const int lh = TTF_FontLineSkip(t);
    char line[1024];
    int used = 0;
    const char *p = utf8;
    while (*p) {
        /* Greedy: extend the line word by word while it fits. */
        const char *end = p, *best = NULL;
        int acc = 0; /* the width of p..end, summed word by word (one measure of the whole line
                      * where the sum comes within an em of w: kerning stays out of the way) */
        while (*end && *end != '\n') {
            const char *we = end;
            while (*we == ' ')
                we++;
            while (*we && *we != ' ' && *we != '\n')
                we++;
            int next = acc + span_width(t, end, (size_t)(we - end), line, sizeof line);
            if (next > w - px)
                next = span_width(t, p, (size_t)(we - p), line, sizeof line);
            if (next > w && best)
                break;
            acc = next;
            best = we;
            end = we;
            if ((size_t)(end - p) >= sizeof line - 1)
                break;
        }
        if (!best)
            best = end;
        best = cut_long_word(t, p, best, w, line, sizeof line);
        size_t n = (size_t)(best - p);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        int lw = 0;
        TTF_SizeUTF8(t, line, &lw, NULL);
        if (lw > *widest)
            *widest = lw;
        if (tc && n)
            km_text_cache_draw(tc, line, px, x, y + used, KM_ALIGN_LEFT, color, bold);
        else if (r && n)
            km_text_draw(r, f, line, px, x, y + used, KM_ALIGN_LEFT, color, bold);
        used += lh;
        p = best;
        while (*p == ' ')
            p++;
        if (*p == '\n')
            p++;
    }
    return used;
}

int km_text_draw_wrapped(SDL_Renderer *r, km_font *f, const char *utf8, int px, int x, int y, int w,
                         SDL_Color color, bool bold)
{
    int widest;
    return wrap_walk(r, NULL, f, utf8, px, x, y, w, color, bold, &widest);
}

int km_text_wrapped_widest(km_font *f, const char *utf8, int px, int w, bool bold)
{
    int widest;
    wrap_walk(NULL, NULL, f, utf8, px, 0, 0, w, (SDL_Color){0, 0, 0, 255}, bold, &widest);
    return widest;
}

/* ---- rendered lines kept between frames ---------------------------------- */

#define KM_TEXT_CACHE_LEN 160 /* longer lines are drawn each time */

typedef struct km_text_entry {
    char str[KM_TEXT_CACHE_LEN];
    int px;
    bool bold;
    SDL_Color color;
    SDL_Texture *tex; /* NULL: slot unused */
    int w, h;
    unsigned long used; /* last use, for least-recently-used eviction */
} km_text_entry;

struct km_text_cache {
    SDL_Renderer *r;
    km_font *f;
    int n;
    unsigned long clock;
    km_text_entry e[];
};

km_text_cache *km_text_cache_new(SDL_Renderer *r, km_font *f, int slots)
{
    if (!r || slots < 1)
        return NULL;
    km_text_cache *c = SDL_calloc(1, sizeof *c + (size_t)slots * sizeof c->e[0]);
    if (c)
        c->r = r, c->f = f, c->n = slots;
    return c;
}

void km_text_cache_free(km_text_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        if (c->e[i].tex)
            SDL_DestroyTexture(c->e[i].tex);
    SDL_free(c);
}

static bool same_color(SDL_Color a, SDL_Color b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }

int km_text_cache_draw(km_text_cache *c, const char *utf8, int px, int x, int y, km_align align, SDL_Color color,
                       bool bold)
{
    if (!c || !c->f || !utf8 || !*utf8)
        return 0;
    if (strlen(utf8) >= KM_TEXT_CACHE_LEN)
        return km_text_draw(c->r, c->f, utf8, px, x, y, align, color, bold);
    km_text_entry *hit = NULL, *victim = &c->e[0];
    for (int i = 0; i < c->n && !hit; i++) {
        km_text_entry *e = &c->e[i];
        if (e->tex && e->px == px && e->bold == bold && same_color(e->color, color) && strcmp(e->str, utf8) == 0)
            hit = e;
        else if (!e->tex || (victim->tex && e->used < victim->used))
            victim = e;
    }
    if (!hit) {
        int w = 0, h = 0;
        SDL_Texture *tex = km_text_texture(c->r, c->f, utf8, px, color, bold, &w, &h);
        if (!tex)
            return 0;
        if (victim->tex)
            SDL_DestroyTexture(victim->tex);
        hit = victim;
        snprintf(hit->str, sizeof hit->str, "%s", utf8);
        hit->px = px, hit->bold = bold, hit->color = color;
        hit->tex = tex, hit->w = w, hit->h = h;
    }
    hit->used = ++c->clock;
    if (align == KM_ALIGN_CENTER)
        x -= hit->w / 2;
    else if (align == KM_ALIGN_RIGHT)
        x -= hit->w;
    SDL_Rect dst = {x, y, hit->w, hit->h};
    SDL_RenderCopy(c->r, hit->tex, NULL, &dst);
    return hit->w;
}

int km_text_cache_draw_wrapped(km_text_cache *c, const char *utf8, int px, int x, int y, int w, SDL_Color color,
                               bool bold)
{
    int widest;
    return c ? wrap_walk(c->r, c, c->f, utf8, px, x, y, w, color, bold, &widest) : 0;
}
