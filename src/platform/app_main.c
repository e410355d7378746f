/*
 * app_main.c - the window and kiosk loop: the only place where SDL events
 * and the application meet.
 *
 * Shape of the loop (the microui/lite habit): wait for an event or for the
 * app's next deadline (SDL_WaitEventTimeout, so an idle program sleeps),
 * translate each SDL event ONCE into a km_input (mouse and finger through
 * the same path; SDL's synthetic mouse-from-touch and touch-from-mouse
 * events are switched off by hints, so a touch never counts twice), let the
 * app update, and draw only when the app says something changed.  Drawing
 * reads the app: the diagram through km_render_draw, the rest by walking
 * the app's item list (ui_draw.c).
 *
 * Slow requests (export, "Send to my clinician", the handout) run on a
 * worker thread (km_host_worker, src/draw/host.c) from a copy of what they
 * need: the loop keeps handling input, and the outcome comes back as an
 * SDL event that becomes the app's own KM_IN_TASK_DONE input.  Typing (the
 * export dialog's title and notes) arrives through SDL's text input, on
 * only while the dialog is open, as KM_IN_TEXT.
 *
 * Kiosk: fullscreen desktop, cursor hidden until a real mouse moves, the
 * screen saver off; Escape, Alt+F4, Ctrl+Q and closing the window reach the
 * app, which ignores them.  The data file is checked for changes about once
 * a second while the program is awake and reloaded when valid; an invalid
 * edit keeps the last good atlas and shows the problem.
 */
#include "app_main.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/app.h"
#include "app/config.h"
#include "core/atlas.h"
#include "datafile.h"
#include "draw/host.h"
#include "draw/image.h"
#include "core/fileio.h"
#include "draw/render.h"
#include "draw/text.h"
#include "draw/ui_draw.h"
#include "record.h"

typedef struct km_host {
    /* Pictures the app shows, read here (SDL2_image) and lent to it: the
     * clinic's logo, and the atlas's stretch photos, one slot per stretch. */
    km_image logo;
    km_image *photo_imgs;
    km_app_picture *photos;
    int photo_count;
    SDL_Window *win;
    SDL_Renderer *r;
    km_font *font;
    km_text_cache *ui_text; /* the panel's and buttons' lines, rendered once (NULL: each frame) */
    km_renderer *kr;
    km_atlas *atlas;       /* owned: the last good atlas */
    char data_path[KM_PATH_MAX];
    km_file_id data_id;    /* the version last loaded (device, inode, size, mtime in ns) */
    uint64_t last_check_ms;
    bool hot_reload;
    bool kiosk, cursor_shown;
    float px_ratio;        /* drawable pixels per window coordinate */
    double start_ms;       /* monotonic time km_app_main began, for the first-frame log */
    bool presented;        /* a frame has reached the screen */
    char renderer_name[32]; /* SDL's name of the renderer in use, for the log */
    km_app app;
    km_recorder rec;  /* --record */
    km_replay replay; /* --replay */
    km_host_worker *worker; /* export, hand-off and handout off the input thread (host.h) */
    Uint32 job_event;       /* the SDL event type the worker's wake pushes */
    bool text_input;        /* SDL's text input is on (the export dialog is open) */
} km_host;

static double monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void log_stderr(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "knotmap: %s\n", line);
    fflush(stderr);
}

/* ---- text measurement for the layout ------------------------------- */

/* ---- settings ------------------------------------------------------ */

static int load_settings(const km_app_options *o, km_config *cfg)
{
    km_diag d;
    km_diag_init(&d);
    int rc = km_config_load_layers(cfg, o->config_path, &o->set, &d); /* the command line wins over the file */
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "knotmap: %s\n", d.items[i].text);
    km_diag_release(&d);
    if (rc != 0)
        return -1;
    km_config_default_export_dir(cfg);
    return 0;
}

/* ---- the atlas and hot reload -------------------------------------- */

/* Reload watches the file's whole identity (core/fileio.h): device, inode,
 * size and the modification time to the nanosecond, so an edit finished
 * in the same second as a half-written version seen earlier, or a file
 * replaced by one of the same size, is still noticed. */

static void pictures_release(km_host *h)
{
    km_image_free_photos(h->photo_imgs, h->photo_count);
    free(h->photos);
    h->photo_imgs = NULL;
    h->photos = NULL;
    h->photo_count = 0;
    h->app.photos = NULL;
}

/* Read the pictures the app shows (after the atlas changed): a photo that
 * cannot be read is left out (`knotmap check` names it). */
static void pictures_load(km_host *h)
{
    pictures_release(h);
    h->photo_imgs = km_image_load_photos(h->atlas);
    if (h->photo_imgs) {
        int n = h->atlas->stretch_count;
        h->photos = calloc((size_t)n, sizeof *h->photos);
        h->photo_count = n;
        for (int i = 0; h->photos && i < n; i++)
            h->photos[i] = (km_app_picture){h->photo_imgs[i].px, h->photo_imgs[i].w, h->photo_imgs[i].h};
        h->app.photos = h->photos;
    }
    h->app.logo = (km_app_picture){h->logo.px, h->logo.w, h->logo.h};
}

/* Load the data file; on failure keep what we have and say why (on
 * stderr through km_data_load, and on screen). */
static void load_atlas(km_host *h, bool first)
{
    km_diag d;
    km_diag_init(&d);
    km_file_id before, after;
    bool known = km_file_id_of(h->data_path, &before);
    km_atlas *a = km_data_load(h->data_path, &d);
    /* Changed while it was being read: remember no version, so the next
     * check reads it again. */
    if (known && km_file_id_of(h->data_path, &after) && km_file_id_equal(&before, &after))
        h->data_id = before;
    else
        memset(&h->data_id, 0, sizeof h->data_id);
    if (a) {
        km_atlas *old = h->atlas;
        h->atlas = a;
        if (!first) {
            km_app_set_atlas(&h->app, a);
            pictures_load(h);
            km_renderer_invalidate(h->kr);
            km_app_log(&h->app, KM_LOG_INFO, "reload path=%s muscles=%d", h->data_path, a->muscle_count);
            km_app_status(&h->app, false, "The muscle atlas was reloaded.");
        }
        km_atlas_free(old);
    } else {
        if (!first)
            km_app_status(&h->app, true, "The edited data file has %d problem(s); still showing the last good version. %s",
                          d.count, d.count ? d.items[0].text : "");
    }
    km_diag_release(&d);
}

static void check_reload(km_host *h, uint64_t now)
{
    if (!h->hot_reload || now - h->last_check_ms < 1000)
        return;
    h->last_check_ms = now;
    km_file_id now_id;
    if (km_file_id_of(h->data_path, &now_id) && !km_file_id_equal(&now_id, &h->data_id))
        load_atlas(h, false);
}

/* ---- SDL events -> km_input ---------------------------------------- */

static km_key map_key(SDL_Keycode k, int *digit)
{
    if (k >= SDLK_0 && k <= SDLK_9)
        return *digit = k - SDLK_0, KM_KEY_DIGIT;
    if (k >= SDLK_KP_1 && k <= SDLK_KP_9)
        return *digit = k - SDLK_KP_1 + 1, KM_KEY_DIGIT;
    switch (k) {
    case SDLK_KP_0: *digit = 0; return KM_KEY_DIGIT;
    case SDLK_ESCAPE: return KM_KEY_ESCAPE;
    case SDLK_F4: return KM_KEY_F4;
    case SDLK_q: return KM_KEY_Q;
    case SDLK_w: return KM_KEY_W;
    case SDLK_z: return KM_KEY_Z;
    case SDLK_y: return KM_KEY_Y;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: return KM_KEY_ENTER;
    case SDLK_BACKSPACE: return KM_KEY_BACKSPACE;
    case SDLK_TAB: return KM_KEY_TAB;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS: return KM_KEY_PLUS;
    case SDLK_MINUS:
    case SDLK_KP_MINUS: return KM_KEY_MINUS;
    default: return KM_KEY_OTHER;
    }
}

static float ui_scale(km_host *h, int dw)
{
    int ww, wh;
    SDL_GetWindowSize(h->win, &ww, &wh);
    h->px_ratio = ww > 0 ? (float)dw / (float)ww : 1;
    float ddpi = 0;
    int disp = SDL_GetWindowDisplayIndex(h->win);
    if (disp < 0 || SDL_GetDisplayDPI(disp, &ddpi, NULL, NULL) != 0)
        ddpi = 0;
    return km_ui_scale(ww, wh, ddpi) * h->px_ratio;
}

static bool resize_input(km_host *h, km_input *in)
{
    int dw, dh;
    if (SDL_GetRendererOutputSize(h->r, &dw, &dh) != 0)
        return false;
    in->kind = KM_IN_RESIZE;
    in->w = dw;
    in->h = dh;
    in->scale = ui_scale(h, dw);
    return true;
}

/* Translate one SDL event; false when it means nothing to the app. */
static bool translate(km_host *h, const SDL_Event *e, km_input *in)
{
    memset(in, 0, sizeof *in);
    in->time_ms = SDL_GetTicks64();
    int dw = 0, dh = 0;
    if (h->job_event && e->type == h->job_event) { /* the worker finished: its outcome */
        uint64_t t = in->time_ms;
        bool got = km_host_worker_result(h->worker, in);
        in->time_ms = t;
        return got;
    }
    switch (e->type) {
    case SDL_TEXTINPUT:
        in->kind = KM_IN_TEXT;
        in->text = e->text.text; /* lent for the call: translate's caller hands it on at once */
        return true;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
            return false;
        in->kind = e->type == SDL_MOUSEBUTTONDOWN ? KM_IN_DOWN : KM_IN_UP;
        in->x = e->button.x * h->px_ratio;
        in->y = e->button.y * h->px_ratio;
        return true;
    case SDL_MOUSEMOTION:
        if (e->motion.which == SDL_TOUCH_MOUSEID)
            return false;
        if (h->kiosk && !h->cursor_shown) {
            SDL_ShowCursor(SDL_ENABLE); /* a mouse is in use: show where it is */
            h->cursor_shown = true;
        }
        in->kind = (e->motion.state & SDL_BUTTON_LMASK) ? KM_IN_MOVE : KM_IN_HOVER;
        in->x = e->motion.x * h->px_ratio;
        in->y = e->motion.y * h->px_ratio;
        return true;
    case SDL_MOUSEWHEEL: {
        if (e->wheel.which == SDL_TOUCH_MOUSEID)
            return false;
        int mx, my;
        SDL_GetMouseState(&mx, &my);
#if SDL_VERSION_ATLEAST(2, 26, 0)
        mx = e->wheel.mouseX, my = e->wheel.mouseY; /* where the wheel turned (also in a replay) */
#endif
        in->kind = KM_IN_WHEEL;
        in->x = mx * h->px_ratio;
        in->y = my * h->px_ratio;
        in->wheel = e->wheel.preciseY * (e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -1.0f : 1.0f);
        return in->wheel != 0;
    }
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
        if (SDL_GetRendererOutputSize(h->r, &dw, &dh) != 0)
            return false;
        if (h->kiosk && h->cursor_shown) {
            SDL_ShowCursor(SDL_DISABLE);
            h->cursor_shown = false;
        }
        in->kind = e->type == SDL_FINGERDOWN ? KM_IN_DOWN : e->type == SDL_FINGERUP ? KM_IN_UP : KM_IN_MOVE;
        in->pointer = (int)(e->tfinger.fingerId & 0x3fffffff) + 1; /* 0 is the mouse */
        in->touch = true;
        in->x = e->tfinger.x * (float)dw;
        in->y = e->tfinger.y * (float)dh;
        return true;
    case SDL_KEYDOWN: {
        SDL_Keymod mod = (SDL_Keymod)e->key.keysym.mod;
        in->kind = KM_IN_KEY;
        in->key = map_key(e->key.keysym.sym, &in->digit);
        in->ctrl = (mod & KMOD_CTRL) != 0;
        in->alt = (mod & KMOD_ALT) != 0;
        in->shift = (mod & KMOD_SHIFT) != 0;
        return true;
    }
    case SDL_QUIT: in->kind = KM_IN_CLOSE; return true;
    case SDL_WINDOWEVENT:
        switch (e->window.event) {
        case SDL_WINDOWEVENT_CLOSE: in->kind = KM_IN_CLOSE; return true;
        case SDL_WINDOWEVENT_LEAVE: in->kind = KM_IN_LEAVE; return true;
        case SDL_WINDOWEVENT_SIZE_CHANGED:
        case SDL_WINDOWEVENT_DISPLAY_CHANGED: return resize_input(h, in);
        case SDL_WINDOWEVENT_EXPOSED: h->app.redraw = true; return false;
        default: return false;
        }
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        km_renderer_invalidate(h->kr);
        h->app.redraw = true;
        return false;
    default: return false;
    }
}

/* The worker's wake (on its thread): an event, so a waiting loop wakes. */
static void job_wake(void *ctx)
{
    km_host *h = ctx;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = h->job_event;
    SDL_PushEvent(&e);
}

/* SDL's text input on while the export dialog is open, off otherwise (so a
 * key never also types, and no input method pops up elsewhere). */
static void follow_text_input(km_host *h)
{
    bool want = h->app.export_open;
    if (want == h->text_input)
        return;
    h->text_input = want;
    if (want)
        SDL_StartTextInput();
    else
        SDL_StopTextInput();
}

/* ---- drawing and export -------------------------------------------- */

/* Reads the app (laid out beforehand) and writes nothing back: the app
 * knows where the views are from the same layout (km_app_chart). */
static void draw(km_host *h)
{
    km_app *app = &h->app;
    double t0 = monotonic_ms();
    SDL_SetRenderDrawBlendMode(h->r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(h->r, 244, 246, 248, 255);
    SDL_RenderClear(h->r);
    if (app->atlas) {
        km_scene s;
        km_app_scene(app, &s);
        char err[256];
        SDL_Rect d = {app->diagram.x, app->diagram.y, app->diagram.w, app->diagram.h};
        if (km_render_draw(h->kr, &s, d, err, sizeof err) != 0)
            km_app_log(app, KM_LOG_ERROR, "draw failed: %s", err);
    }
    double t1 = monotonic_ms();
    km_ui_draw(h->r, h->font, h->ui_text, app);
    double t2 = monotonic_ms();
    SDL_RenderPresent(h->r);
    /* where a frame's time goes, for the responsiveness notes */
    km_app_log(app, KM_LOG_DEBUG, "frame-ms chart=%.1f ui=%.1f present=%.1f", t1 - t0, t2 - t1, monotonic_ms() - t2);
    if (!h->presented) { /* start-up cost, for the benchmark and for staff */
        h->presented = true;
        km_app_log(app, KM_LOG_INFO, "first-frame ms=%.1f", monotonic_ms() - h->start_ms);
    }
    km_app_drawn(app);
}

/* ---- set-up and the loop ------------------------------------------- */

/* Hints that must be in place before SDL_Init.
 *
 * libdecor: SDL 2.26 on Wayland asks the compositor for server-side
 * decorations; a kiosk compositor such as cage (without -d) answers
 * "client-side", SDL then hands the window to libdecor and destroys its
 * xdg_toplevel, and libdecor with no plugin installed never creates a new
 * one, so every frame goes to a surface the compositor never maps: a black
 * screen.  A fullscreen kiosk needs no decorations, so the kiosk turns
 * libdecor off whatever the environment says; a desktop window only by
 * default (SDL_VIDEO_WAYLAND_ALLOW_LIBDECOR=1 brings title bars back on a
 * desktop that has a libdecor plugin). */
static void set_early_hints(bool kiosk)
{
    SDL_SetHintWithPriority(SDL_HINT_VIDEO_WAYLAND_ALLOW_LIBDECOR, "0",
                            kiosk ? SDL_HINT_OVERRIDE : SDL_HINT_DEFAULT);
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0"); /* a touch is a finger, never also a mouse */
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0"); /* and a mouse is never also a finger */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
    /* SIGTERM/SIGINT end the process (systemctl stop, Ctrl+C in a terminal)
     * instead of becoming a close request that a kiosk would ignore. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
}

/* The renderer, chosen on purpose for the video driver SDL opened.
 *
 * The chart is rasterised on the CPU (exact-area anti-aliasing), so on X11
 * the software renderer straight onto the window's framebuffer is best: a
 * GPU renderer only adds a texture upload, and without a GPU it loads
 * Mesa's software OpenGL (~250 ms and ~100 MB more at start).  SDL 2.26's
 * Wayland driver has no window framebuffer of its own (only one emulated
 * through an OpenGL texture), so there the software renderer cannot work
 * and SDL would silently fall back to whatever GL it finds; we ask for
 * OpenGL ES 2 directly (a kiosk PC's GPU, or llvmpipe without one) and say
 * so in the log.  SDL_RENDER_DRIVER in the environment still overrides. */
static void set_render_hints(void)
{
    const char *video = SDL_GetCurrentVideoDriver();
    bool wayland = video && strcmp(video, "wayland") == 0;
    SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, wayland ? "opengles2" : "software", SDL_HINT_DEFAULT);
    SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
}

/* The window's icon: assets/knotmap.svg beside the data (an install's
 * share/knotmap/assets/, or the source tree's assets/ next to data/), read
 * with SDL2_image.  None is no error: the desktop's default stays. */
static void set_window_icon(km_host *h)
{
    char dir[KM_PATH_MAX], path[KM_PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s", h->data_path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    static const char *const rel[] = {"assets/knotmap.svg", "../assets/knotmap.svg"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, rel[i]);
        SDL_Surface *icon = IMG_Load(path);
        if (icon) {
            SDL_SetWindowIcon(h->win, icon);
            SDL_FreeSurface(icon);
            return;
        }
    }
}

static int open_window(km_host *h, const km_config *cfg, bool fullscreen)
{
    km_render_use_huge_pages(); /* before SDL allocates anything: frame-sized buffers fault in cheaply */
    set_early_hints(h->kiosk);
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "knotmap: cannot open the display: %s\n", SDL_GetError());
        return -1;
    }
    set_render_hints();
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_RESIZABLE;
    if (fullscreen)
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    int w = cfg->window_w > 0 ? cfg->window_w : 1280, hh = cfg->window_h > 0 ? cfg->window_h : 800;
    int pos = SDL_WINDOWPOS_CENTERED;
    SDL_DisplayMode dm;
    if (fullscreen && SDL_GetDesktopDisplayMode(0, &dm) == 0) {
        /* Start at the screen's size too: with no window manager (a bare X
         * server) the fullscreen request alone may not resize the window. */
        w = dm.w;
        hh = dm.h;
        pos = 0;
    }
    h->win = SDL_CreateWindow("knotmap", pos, pos, w, hh, flags);
    if (!h->win) {
        fprintf(stderr, "knotmap: cannot open a window: %s\n", SDL_GetError());
        return -1;
    }
    SDL_SetWindowMinimumSize(h->win, 640, 480);
    set_window_icon(h);
    h->r = SDL_CreateRenderer(h->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!h->r)
        h->r = SDL_CreateRenderer(h->win, -1, SDL_RENDERER_SOFTWARE);
    if (!h->r) {
        fprintf(stderr, "knotmap: cannot draw in the window: %s\n", SDL_GetError());
        return -1;
    }
    SDL_RendererInfo ri;
    snprintf(h->renderer_name, sizeof h->renderer_name, "%s",
             SDL_GetRendererInfo(h->r, &ri) == 0 && ri.name ? ri.name : "unknown");
    if (h->kiosk) {
        SDL_DisableScreenSaver();
        SDL_ShowCursor(SDL_DISABLE);
    }
    return 0;
}

static int open_font(km_host *h, const km_config *cfg)
{
    char file[KM_PATH_MAX], err[KM_PATH_MAX + 256];
    if (!km_font_find(cfg->font_file[0] ? cfg->font_file : NULL, file, sizeof file, err, sizeof err) ||
        !(h->font = km_font_open(file, err, sizeof err))) {
        fprintf(stderr, "knotmap: no usable font: %s\n", err);
        return -1;
    }
    h->kr = km_renderer_create(h->r, h->font, err, sizeof err);
    h->ui_text = km_text_cache_new(h->r, h->font, 512);
    if (!h->kr) {
        fprintf(stderr, "knotmap: %s\n", err);
        return -1;
    }
    return 0;
}

static void close_host(km_host *h)
{
    if (km_host_worker_busy(h->worker))
        km_app_log(&h->app, KM_LOG_INFO, "exit-waits task=%d", (int)h->app.task);
    km_host_worker_free(h->worker); /* waits for a running export: nothing half-done */
    h->worker = NULL;
    pictures_release(h);
    km_image_release(&h->logo);
    km_record_close(&h->rec);
    km_replay_free(&h->replay);
    km_app_release(&h->app);
    if (h->kr)
        km_renderer_destroy(h->kr);
    km_text_cache_free(h->ui_text);
    if (h->font)
        km_font_close(h->font);
    km_atlas_free(h->atlas);
    if (h->r)
        SDL_DestroyRenderer(h->r);
    if (h->win)
        SDL_DestroyWindow(h->win);
    SDL_Quit();
}

static void run_loop(km_host *h, int exit_after_ms)
{
    km_app *app = &h->app;
    uint64_t start = SDL_GetTicks64();
    h->rec.t0 = start;
    km_replay_start(&h->replay, start, SDL_GetWindowID(h->win));
    while (!app->want_quit) {
        int timeout = km_app_next_wake(app);
        int next = km_replay_push_due(&h->replay, SDL_GetTicks64()); /* a replay's events due by now */
        if (next >= 0 && (timeout < 0 || next < timeout))
            timeout = next;
        if (exit_after_ms > 0) {
            int64_t left = (int64_t)start + exit_after_ms - (int64_t)SDL_GetTicks64();
            if (left <= 0)
                break;
            if (timeout < 0 || left < timeout)
                timeout = (int)left;
        }
        if (km_app_needs_redraw(app))
            timeout = 0;
        SDL_Event e;
        bool got = timeout < 0 ? SDL_WaitEvent(&e) == 1 : SDL_WaitEventTimeout(&e, timeout) == 1;
        double t_busy = monotonic_ms(); /* the loop's work from here to the next wait: a stall for input */
        /* A replayed event pushed late (the loop was busy when it was due)
         * was made by the user then: its wait counts. */
        double late = (double)h->replay.late_ms;
        double t_input = 0; /* when the first press or release of this batch arrived */
        while (got) {
            km_input in;
            km_record_event(&h->rec, &e, SDL_GetTicks64());
            if (translate(h, &e, &in)) {
                if (!t_input && (in.kind == KM_IN_DOWN || in.kind == KM_IN_UP || in.kind == KM_IN_KEY))
                    t_input = monotonic_ms() - late;
                km_app_input(app, &in);
            }
            got = SDL_PollEvent(&e) == 1;
        }
        uint64_t now = SDL_GetTicks64();
        km_app_tick(app, now);
        if (!km_host_worker_busy(h->worker))
            check_reload(h, now); /* a running job reads the atlas: it stays until the job is done */
        /* export, hand-off, handout to the worker; save marks, PIN lockout, retention */
        km_host_serve_background(app, h->font, h->worker);
        follow_text_input(h);
        if (km_app_needs_redraw(app)) {
            km_app_layout(app); /* update ... */
            draw(h);            /* ... then draw */
            if (t_input) /* responsiveness, for bench notes: a press to the frame it changed */
                km_app_log(app, KM_LOG_DEBUG, "input-to-present ms=%.1f", monotonic_ms() - t_input);
        }
        double busy = monotonic_ms() - t_busy;
        if (busy > 16) /* the loop could not take input for this long (bench notes) */
            km_app_log(app, KM_LOG_DEBUG, "loop-stall ms=%.1f task=%d", busy, (int)app->task);
    }
    if (app->want_quit)
        km_app_log(app, KM_LOG_INFO, "exit");
}

int km_app_main(const km_app_options *o)
{
    double t0 = monotonic_ms();
    km_config cfg;
    if (load_settings(o, &cfg) != 0)
        return 2; /* a refused setting: as on the command line */
    km_host h;
    memset(&h, 0, sizeof h);
    h.start_ms = t0;
    h.kiosk = cfg.kiosk == 1;
    h.hot_reload = cfg.hot_reload != 0;
    /* --data, else the configuration's data_file, else the bundled atlas
     * (the command line's --data is already laid over data_file) */
    km_data_resolve(NULL, cfg.data_file, h.data_path, sizeof h.data_path);
    km_app_settings set;
    km_app_settings_from_config(&set, &cfg);
    km_app_init(&h.app, NULL, &set, 0);
    km_app_set_log(&h.app, log_stderr, NULL);
    if (open_window(&h, &cfg, h.kiosk && !o->windowed) != 0 || open_font(&h, &cfg) != 0) {
        close_host(&h);
        return 1;
    }
    load_atlas(&h, true);
    km_app_init(&h.app, h.atlas, &set, SDL_GetTicks64());
    if (set.clinic_logo[0]) {
        char err[KM_PATH_MAX + 128];
        if (km_image_load(set.clinic_logo, &h.logo, err, sizeof err) != 0)
            fprintf(stderr, "knotmap: clinic_logo: %s\n", err);
    }
    pictures_load(&h);
    km_app_set_log(&h.app, log_stderr, NULL);
    km_host_start(&h.app);
    km_app_set_measure(&h.app, km_ui_measure(h.font));
    if (!h.atlas)
        km_app_status(&h.app, true, "Could not load the muscle atlas from %s. Fix the file; it is checked again "
                                    "every second.", h.data_path);
    if (o->marks_path && h.atlas)
        km_host_load_marks(&h.app, o->marks_path); /* reports its own problems on screen */
    if (o->code && h.atlas)
        km_host_open_code(&h.app, o->code); /* an unknown code says so on screen */
    km_input in;
    if (resize_input(&h, &in))
        km_app_input(&h.app, &in);
    km_app_log(&h.app, KM_LOG_INFO, "start kiosk=%s mode=%s data=%s export_dir=%s", h.kiosk ? "yes" : "no",
               km_mode_name(h.app.mode), h.data_path, set.export_dir);
    km_app_log(&h.app, KM_LOG_INFO, "renderer=%s video=%s", h.renderer_name, SDL_GetCurrentVideoDriver());
    char err[KM_PATH_MAX + 256];
    if (o->record_path && !km_record_open(&h.rec, o->record_path, SDL_GetTicks64(), err, sizeof err)) {
        fprintf(stderr, "knotmap: --record: %s\n", err);
        close_host(&h);
        return 1;
    }
    if (o->replay_path && !km_replay_load(&h.replay, o->replay_path, err, sizeof err)) {
        fprintf(stderr, "knotmap: --replay: %s\n", err);
        close_host(&h);
        return 2;
    }
    if (o->replay_path)
        km_app_log(&h.app, KM_LOG_INFO, "replay events=%d", h.replay.n);
    h.job_event = SDL_RegisterEvents(1);
    if (h.job_event != (Uint32)-1)
        h.worker = km_host_worker_create(h.font, job_wake, &h);
    if (!h.worker) /* the requests are then done in the loop, as before */
        km_app_log(&h.app, KM_LOG_WARN, "worker-failed reason=no background worker");
    SDL_StopTextInput(); /* on only while the export dialog is open */
    run_loop(&h, o->exit_after_ms);
    close_host(&h);
    return 0;
}
