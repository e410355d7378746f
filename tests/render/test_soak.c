/*
 * test_soak.c - the soak test: a long stream of random inputs through the
 * application state (src/app/app.h) and the software renderer, the way the
 * platform loop sends them: taps (anywhere and on the UI's own buttons),
 * drags, pinches, wheel, keys, hovers, mode switches and other actions,
 * marks with undo and redo, elapsed time long enough for the kiosk's idle
 * wipe, window resizes, and now and then a draw of the whole screen and an
 * export into a temporary folder.  The point is what a million of them do:
 * no sanitizer report (run it in the KNOTMAP_SANITIZE build) and flat memory.
 *
 * Memory is measured twice: the resident set (/proc/self/statm) and the
 * live heap (the allocator's own count: ASan's, else glibc's mallinfo2),
 * once after warm-up (10% of the run) and once at the end.  The live heap
 * is the leak detector (a bound of SOAK_HEAP_KB, default 1024 KiB); RSS is
 * reported and bounded loosely (SOAK_RSS_KB, default 32 MiB, 320 MiB under
 * ASan, whose quarantine holds freed blocks and grows RSS by design).
 *
 * SOAK_ITERATIONS (default 2000: well under a minute under ASan) sets the length;
 * the README's million-input run is
 *   SOAK_ITERATIONS=1000000 build-asan/tests/test_soak
 * SOAK_SEED picks the random stream (printed, so a failure can be replayed).
 */
#include <SDL.h>
#include <dirent.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/pinhash.h"
#include "core/atlas.h"
#include "draw/host.h"
#include "draw/render.h"
#include "draw/text.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_ASAN 1
#endif
#endif
#ifdef SOAK_ASAN
/* from <sanitizer/allocator_interface.h>, which GCC does not install */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

/* ---- the random stream ----------------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
    /* xorshift64*: small, fast, and the same stream on every machine */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}
static int rnd_in(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }
static float rnd_f(float lo, float hi) { return lo + (hi - lo) * (float)(rnd() & 0xffffff) / (float)0xffffff; }

/* ---- memory ------------------------------------------------------------ */

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &res) != 2)
        res = -1;
    fclose(f);
    return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

static long heap_kb(void)
{
#ifdef SOAK_ASAN
    return (long)(__sanitizer_get_current_allocated_bytes() / 1024);
#else
    struct mallinfo2 mi = mallinfo2();
    return (long)((mi.uordblks + mi.hblkhd) / 1024);
#endif
}

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    return v && *v ? atol(v) : dflt;
}

/* ---- the host: what the platform loop does, minus the window ---------- */

typedef struct soak {
    km_atlas *atlas;
    km_font *font; /* NULL when no font is installed */
    km_app app;
    uint64_t now;
    SDL_Surface *surf;
    SDL_Renderer *r;
    km_renderer *kr;
    char dir[256];
    long draws, exports, export_failures, resizes, slivers;
} soak;

static int text_w(void *ctx, const char *t, int px, bool bold)
{
    soak *s = ctx; /* NULL: no font, half the size per character */
    if (!s || !s->font)
        return (int)strlen(t) * px / 2;
    int w = 0, h = 0;
    km_text_size(s->font, t, px, bold, &w, &h);
    return w;
}

static int wrap_h(void *ctx, const char *t, int px, bool bold, int w)
{
    soak *s = ctx;
    if (!s || !s->font)
        return ((int)strlen(t) * px / 2 / (w > 0 ? w : 1) + 1) * px * 5 / 4;
    return km_text_draw_wrapped(NULL, s->font, t, px, 0, 0, w, (SDL_Color){0, 0, 0, 255}, bold);
}

static void quiet_log(void *ctx, const char *line) { (void)ctx, (void)line; }

static void in(soak *s, km_input e)
{
    e.time_ms = s->now;
    km_app_input(&s->app, &e);
}

/* A surface and software renderer the size of the window (recreated on
 * resize, as a window's renderer would be resized). */
static void make_target(soak *s)
{
    char err[256] = "";
    km_renderer_destroy(s->kr);
    if (s->r)
        SDL_DestroyRenderer(s->r);
    SDL_FreeSurface(s->surf);
    s->surf = SDL_CreateRGBSurfaceWithFormat(0, s->app.win_w, s->app.win_h, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(s->surf);
    s->r = SDL_CreateSoftwareRenderer(s->surf);
    assert_non_null(s->r);
    s->kr = km_renderer_create(s->r, s->font, err, sizeof err);
    if (!s->kr)
        fail_msg("km_renderer_create: %s", err);
}

static void draw(soak *s)
{
    km_app *app = &s->app;
    km_app_layout(app);
    SDL_SetRenderDrawColor(s->r, 244, 246, 248, 255);
    SDL_RenderClear(s->r);
    km_scene sc;
    km_app_scene(app, &sc);
    char err[256] = "";
    SDL_Rect d = {app->diagram.x, app->diagram.y, app->diagram.w, app->diagram.h};
    /* A small window leaves the diagram a sliver; the renderer takes 16
     * pixels and up (render.h), the platform logs the refusal and goes on. */
    if (d.w < 16 || d.h < 16)
        s->slivers++;
    else if (km_render_draw(s->kr, &sc, d, err, sizeof err) != 0)
        fail_msg("km_render_draw at %dx%d: %s", d.w, d.h, err);
    SDL_RenderPresent(s->r);
    km_app_drawn(app);
    s->draws++;
}

static void remove_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[600];
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
}

/* What the window's loop does after want_export and want_save_marks: the
 * program's own km_host_export / km_host_save_marks, with a small picture
 * (the soak is about the path, not the pixels). */
static void serve(soak *s)
{
    km_app *app = &s->app;
    if (app->want_export) {
        km_export_opts eo = {rnd_in(200, 700), rnd_in(200, 700), false, 0, KM_EXPORT_PNG};
        if (km_host_export(app, s->font, &eo))
            s->exports++;
        else
            s->export_failures++;
    }
    if (app->want_save_marks)
        km_host_save_marks(app);
}

/* ---- the inputs --------------------------------------------------------- */

static void random_point(const soak *s, float *x, float *y)
{
    const km_app *app = &s->app;
    /* Mostly on a placed view (where the interesting things are), else
     * anywhere in the window, sometimes a little outside it. */
    km_layout L;
    km_app_chart(app, &L);
    if (L.nviews > 0 && rnd() % 3 != 0) {
        const km_chart_view *p = &L.v[rnd() % (uint32_t)L.nviews];
        *x = (float)p->cell.x + rnd_f(0, (float)p->cell.w);
        *y = (float)p->cell.y + rnd_f(0, (float)p->cell.h);
    } else {
        *x = rnd_f(-20, (float)app->win_w + 20);
        *y = rnd_f(-20, (float)app->win_h + 20);
    }
}

static void tap(soak *s, float x, float y)
{
    int finger = rnd_in(0, 3);
    in(s, (km_input){.kind = KM_IN_DOWN, .pointer = finger, .touch = finger != 0, .x = x, .y = y});
    s->now += (uint64_t)rnd_in(20, 200);
    in(s, (km_input){.kind = KM_IN_UP, .pointer = finger, .touch = finger != 0, .x = x, .y = y});
    s->now += (uint64_t)rnd_in(10, 600);
}

/* Tap one of the UI's own buttons: the realistic way to reach every action. */
static void tap_button(soak *s)
{
    km_app_layout(&s->app);
    int n = s->app.item_count;
    for (int tries = 0; tries < 8 && n > 0; tries++) {
        const km_ui_item *it = &s->app.items[rnd() % (uint32_t)n];
        if (it->kind == KM_UI_BUTTON && it->enabled) {
            tap(s, (float)it->r.x + (float)it->r.w / 2, (float)it->r.y + (float)it->r.h / 2);
            return;
        }
    }
    float x, y;
    random_point(s, &x, &y);
    tap(s, x, y);
}

static void drag(soak *s)
{
    int finger = rnd_in(0, 2);
    float x, y;
    random_point(s, &x, &y);
    in(s, (km_input){.kind = KM_IN_DOWN, .pointer = finger, .touch = finger != 0, .x = x, .y = y});
    int steps = rnd_in(1, 30);
    for (int i = 0; i < steps; i++) {
        s->now += 16;
        x += rnd_f(-40, 40);
        y += rnd_f(-40, 40);
        in(s, (km_input){.kind = KM_IN_MOVE, .pointer = finger, .touch = finger != 0, .x = x, .y = y});
    }
    if (rnd() % 16 != 0) /* now and then the finger never lifts: the next down must cope */
        in(s, (km_input){.kind = KM_IN_UP, .pointer = finger, .touch = finger != 0, .x = x, .y = y});
}

static void pinch(soak *s)
{
    float x, y;
    random_point(s, &x, &y);
    float d = rnd_f(10, 200), k = rnd_f(0.2f, 4.0f);
    in(s, (km_input){.kind = KM_IN_DOWN, .pointer = 1, .touch = true, .x = x - d, .y = y});
    s->now += 10;
    in(s, (km_input){.kind = KM_IN_DOWN, .pointer = 2, .touch = true, .x = x + d, .y = y});
    for (int i = 1; i <= 8; i++) {
        s->now += 16;
        float di = d * (1 + (k - 1) * (float)i / 8);
        in(s, (km_input){.kind = KM_IN_MOVE, .pointer = 1, .touch = true, .x = x - di, .y = y + (float)i});
        in(s, (km_input){.kind = KM_IN_MOVE, .pointer = 2, .touch = true, .x = x + di, .y = y - (float)i});
    }
    in(s, (km_input){.kind = KM_IN_UP, .pointer = rnd_in(1, 2), .touch = true, .x = x, .y = y});
    in(s, (km_input){.kind = KM_IN_UP, .pointer = 1, .touch = true, .x = x, .y = y});
    in(s, (km_input){.kind = KM_IN_UP, .pointer = 2, .touch = true, .x = x, .y = y});
}

static void key(soak *s)
{
    km_input e = {.kind = KM_IN_KEY, .key = (km_key)rnd_in(KM_KEY_OTHER, KM_KEY_MINUS), .digit = rnd_in(0, 9)};
    e.ctrl = rnd() % 3 == 0;
    e.alt = rnd() % 8 == 0;
    e.shift = rnd() % 8 == 0;
    in(s, e);
}

/* An action with arguments in the range its buttons give. */
static void action(soak *s)
{
    km_app *app = &s->app;
    int nm = app->atlas ? app->atlas->muscle_count : 0;
    km_action a = (km_action)rnd_in(KM_ACT_MODE, KM_ACT_PIN_CANCEL); /* QUIT: windowed only */
    int arg = 0, arg2 = 0;
    switch (a) {
    case KM_ACT_MODE: arg = rnd_in(0, KM_MODE_COUNT - 1); break;
    case KM_ACT_SELECT:
        if (nm == 0)
            return;
        arg = rnd_in(0, nm - 1);
        arg2 = rnd_in(0, 2);
        break;
    case KM_ACT_UNSELECT:
    case KM_ACT_FOCUS:
        if (app->sel_count == 0)
            return;
        arg = rnd_in(0, app->sel_count - 1);
        break;
    case KM_ACT_SIDE: arg = rnd_in(0, 2); break;
    case KM_ACT_TOOL: arg = rnd_in(KM_TOOL_BRUSH, KM_TOOL_PIN); break;
    case KM_ACT_BRUSH: arg = rnd_in(0, 2); break;
    case KM_ACT_INTENSITY: arg = rnd() % 2 ? 1 : -1; break;
    case KM_ACT_TIMER:
        if (!app->atlas || app->atlas->stretch_count == 0)
            return;
        arg = rnd_in(0, app->atlas->stretch_count - 1);
        break;
    case KM_ACT_PIN_DIGIT: arg = rnd_in(0, 9); break;
    case KM_ACT_EXPORT:
    case KM_ACT_SAVE_MARKS:
        if (rnd() % 8 != 0) /* writing files is the slow part: keep it a few per thousand */
            return;
        break;
    default: break;
    }
    km_app_action(app, a, arg, arg2);
    if (a == KM_ACT_EXPORT && app->export_open) /* the desktop's dialog: export with no title */
        km_app_action(app, KM_ACT_EXPORT_GO, 0, 0);
}

static void resize(soak *s)
{
    static const int sizes[][2] = {{1600, 1000}, {1280, 800}, {1024, 768}, {800, 1280}, {640, 480}, {1920, 1080}};
    int w, h;
    if (rnd() % 4 == 0) {
        w = rnd_in(200, 1400);
        h = rnd_in(150, 1000);
    } else {
        int k = rnd_in(0, (int)(sizeof sizes / sizeof sizes[0]) - 1);
        w = sizes[k][0];
        h = sizes[k][1];
    }
    in(s, (km_input){.kind = KM_IN_RESIZE, .w = w, .h = h, .scale = rnd() % 4 == 0 ? 2.0f : 1.0f});
    km_app_layout(&s->app);
    make_target(s);
    s->resizes++;
}

static void step(soak *s)
{
    float x, y;
    uint32_t r = rnd() % 100;
    if (r < 22) {
        random_point(s, &x, &y);
        tap(s, x, y);
    } else if (r < 40) {
        tap_button(s);
    } else if (r < 55) {
        drag(s);
    } else if (r < 60) {
        pinch(s);
    } else if (r < 64) {
        random_point(s, &x, &y);
        in(s, (km_input){.kind = KM_IN_WHEEL, .x = x, .y = y, .wheel = rnd_f(-3, 3)});
    } else if (r < 70) {
        random_point(s, &x, &y);
        in(s, (km_input){.kind = KM_IN_HOVER, .x = x, .y = y});
        if (rnd() % 4 == 0)
            in(s, (km_input){.kind = KM_IN_LEAVE});
    } else if (r < 75) {
        key(s);
    } else if (r < 88) {
        action(s);
    } else if (r < 98) {
        /* Time passes: mostly frames, sometimes long enough for the idle
         * countdown and the wipe (timeout 20 s + countdown 3 s). */
        uint64_t dt = rnd() % 10 == 0 ? (uint64_t)rnd_in(5000, 30000) : (uint64_t)rnd_in(1, 1500);
        s->now += dt;
        km_app_tick(&s->app, s->now);
    } else if (r < 99) {
        resize(s);
    } else {
        km_app_action(&s->app, KM_ACT_UNDO, 0, 0);
        km_app_action(&s->app, KM_ACT_REDO, 0, 0);
    }
    serve(s);
    s->app.want_quit = false; /* the soak outlives every quit request */
}

/* The same state for both measurements: the window back at 1280x800 (its
 * surface and the renderer's per-size caches are most of the heap), no
 * fingers down, no export files, the patient wiped, one frame drawn. */
static void checkpoint(soak *s)
{
    for (int id = 0; id <= 3; id++)
        in(s, (km_input){.kind = KM_IN_UP, .pointer = id, .touch = id != 0});
    km_app_wipe(&s->app, "soak checkpoint");
    in(s, (km_input){.kind = KM_IN_RESIZE, .w = 1280, .h = 800, .scale = 1});
    km_app_layout(&s->app);
    make_target(s);
    draw(s);
    remove_files(s->dir);
}

/* ---- the test ----------------------------------------------------------- */

static void test_soak(void **state)
{
    (void)state;
    static soak s;
    memset(&s, 0, sizeof s);
    long iterations = env_long("SOAK_ITERATIONS", 2000);
    if (iterations < 10)
        iterations = 10;
    rng_state = (uint64_t)env_long("SOAK_SEED", 20261125);
    if (rng_state == 0)
        rng_state = 1;
    printf("soak: %ld iterations, seed %lld\n", iterations, (long long)env_long("SOAK_SEED", 20261125));

    char path[1024], file[512], err[512];
    const char *data = getenv("KM_DATA_DIR");
    snprintf(path, sizeof path, "%s/knotmap.json", data ? data : "data");
    km_diag d;
    km_diag_init(&d);
    s.atlas = km_atlas_load(path, &d);
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "%s\n", d.items[i].text);
    km_diag_release(&d);
    assert_non_null(s.atlas);
    if (km_font_find(NULL, file, sizeof file, err, sizeof err))
        s.font = km_font_open(file, err, sizeof err);

    const char *tmp = getenv("TMPDIR");
    snprintf(s.dir, sizeof s.dir, "%s/km-soak-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(s.dir));

    km_app_settings set;
    memset(&set, 0, sizeof set);
    set.kiosk = true; /* idle countdown and wipe; the PIN pad */
    set.idle_timeout_s = 20;
    set.countdown_s = 3;
    set.start_mode = KM_MODE_EXPLORE;
    set.log_level = KM_LOG_DEBUG;
    {
        char e[128];
        km_pin_hash("2468", set.pin_hash, sizeof set.pin_hash, e, sizeof e);
    }
    snprintf(set.export_dir, sizeof set.export_dir, "%s", s.dir);
    s.now = 1000;
    km_app_init(&s.app, s.atlas, &set, s.now);
    km_app_set_log(&s.app, quiet_log, NULL);
    km_app_set_measure(&s.app, (km_measure){&s, text_w, wrap_h});
    in(&s, (km_input){.kind = KM_IN_RESIZE, .w = 1280, .h = 800, .scale = 1});
    km_app_layout(&s.app);
    make_target(&s);
    draw(&s);

    long warm = iterations / 10, rss0 = 0, heap0 = 0;
    time_t t0 = time(NULL);
    for (long i = 0; i < iterations; i++) {
        step(&s);
        /* Draw about every 25 inputs (as often as a person's inputs would
         * reach the screen at 60 Hz is far more; the cache makes most of
         * those cheap and the soak is after the state changes). */
        if (i % 25 == 0 && km_app_needs_redraw(&s.app))
            draw(&s);
        if (i % 2000 == 1999)
            remove_files(s.dir);
        if (i == warm) {
            checkpoint(&s);
            rss0 = rss_kb();
            heap0 = heap_kb();
        }
    }
    checkpoint(&s);
    long rss1 = rss_kb(), heap1 = heap_kb();
    printf("soak: %ld iterations in %ld s: %ld draws (%ld with the diagram under 16 px), %ld exports (%ld failed), "
           "%ld resizes\n",
           iterations, (long)(time(NULL) - t0), s.draws, s.slivers, s.exports, s.export_failures, s.resizes);
    printf("soak: RSS %ld KiB at 10%% -> %ld KiB at the end (%+ld KiB); live heap %ld KiB -> %ld KiB (%+ld KiB)\n",
           rss0, rss1, rss1 - rss0, heap0, heap1, heap1 - heap0);

    km_app_release(&s.app);
    km_renderer_destroy(s.kr);
    SDL_DestroyRenderer(s.r);
    SDL_FreeSurface(s.surf);
    km_font_close(s.font);
    km_atlas_free(s.atlas);
    rmdir(s.dir);

#ifdef SOAK_ASAN
    long rss_bound = env_long("SOAK_RSS_KB", 320 * 1024);
#else
    long rss_bound = env_long("SOAK_RSS_KB", 32 * 1024);
#endif
    long heap_bound = env_long("SOAK_HEAP_KB", 1024);
    if (heap1 - heap0 > heap_bound)
        fail_msg("live heap grew by %ld KiB after warm-up (bound %ld KiB)", heap1 - heap0, heap_bound);
    if (rss1 - rss0 > rss_bound)
        fail_msg("RSS grew by %ld KiB after warm-up (bound %ld KiB)", rss1 - rss0, rss_bound);
    assert_true(s.draws > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_soak)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
