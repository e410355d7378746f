/*
 * test_report.c - the window's Export carries the clinician's report: the
 * app in Mark pain with a drawing over the chest asks for an export, the
 * host writes it (km_host_export, the window's own routine), and the PNG
 * has the red flags' box (its bar's colour, #B21C1C); the same app with
 * one muscle selected and nothing drawn exports no box.  A report drawn
 * band by band (an export's way) is the same picture as in one band.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/marks.h"
#include "draw/export.h"
#include "draw/host.h"
#include "draw/text.h"
#include "km_test.h"

static km_atlas *atlas;
static km_font *font;
static char dir[256];

static const char k_chest[] =
    "{\"format\": \"knotmap-marks\", \"version\": 1,"
    " \"strokes\": [{\"view\": \"front\", \"radius\": 30, \"erase\": false, \"points\": [[430, 420], [470, 440], [520, 450]]}],"
    " \"pins\": [{\"view\": \"front\", \"at\": [470, 440], \"intensity\": 7}]}";

/* Pixels of exactly the red box's bar in the newest PNG of the folder
 * (then removed), or -1 if there is none. */
static long red_pixels_of_export(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char path[512] = "";
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".png"))
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    closedir(d);
    if (!path[0])
        return -1;
    SDL_Surface *img = IMG_Load(path);
    assert_non_null(img);
    SDL_Surface *argb = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(img);
    assert_non_null(argb);
    long n = 0;
    for (int y = 0; y < argb->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)argb->pixels + (size_t)y * argb->pitch);
        for (int x = 0; x < argb->w; x++)
            n += (row[x] & 0xffffffu) == 0xB21C1Cu;
    }
    SDL_FreeSurface(argb);
    remove(path);
    return n;
}

static void start(km_app *app)
{
    km_app_settings s;
    memset(&s, 0, sizeof s);
    s.start_mode = KM_MODE_EXPLORE;
    s.log_level = KM_LOG_ERROR;
    s.idle_timeout_s = 90;
    s.countdown_s = 10;
    snprintf(s.export_dir, sizeof s.export_dir, "%s", dir);
    km_app_init(app, atlas, &s, 1000);
    km_app_input(app, &(km_input){.kind = KM_IN_RESIZE, .w = 1600, .h = 1000, .scale = 1, .time_ms = 1000});
}

/* The chest drawing above, loaded into m (released by the caller). */
static void load_chest(km_marks *m)
{
    km_marks_init(m);
    km_diag d;
    km_diag_init(&d);
    assert_int_equal(km_marks_load_buffer("chest.json", k_chest, sizeof k_chest - 1, atlas, m, &d), 0);
    km_diag_release(&d);
}

static void test_window_export_carries_the_report(void **state)
{
    (void)state;
    km_app *app = calloc(1, sizeof *app);
    assert_non_null(app);
    start(app);
    km_marks m;
    load_chest(&m);
    assert_true(km_app_open_marks(app, &m, "chest.json"));
    km_export_opts o = {1600, 1000, false, 0, KM_EXPORT_PNG};
    assert_true(km_host_export(app, font, &o));
    long red = red_pixels_of_export();
    print_message("the window's export of a chest drawing: %ld red-box pixels\n", red);
    assert_true(red > 200);
    km_app_release(app);

    /* one muscle, nothing drawn: nothing to report */
    memset(app, 0, sizeof *app);
    start(app);
    km_app_action(app, KM_ACT_SELECT, km_atlas_muscle_index(atlas, "upper_trapezius"), KM_SIDE_RIGHT);
    assert_true(km_host_export(app, font, &o));
    assert_int_equal(red_pixels_of_export(), 0);
    km_app_release(app);
    free(app);
    km_marks_release(&m);
}

/* Band by band (the export's way: the report made once, kept for every
 * band) and in one band: the same pixels. */
static void test_report_banded_as_whole(void **state)
{
    (void)state;
    km_marks m;
    load_chest(&m);
    km_scene s;
    km_scene_init(&s, atlas);
    s.strokes = m.strokes, s.stroke_count = m.stroke_count, s.pins = m.pins, s.pin_count = m.pin_count;
    s.title = "Banded";
    s.notes = "A notes line.";
    SDL_Surface *img[2];
    for (int k = 0; k < 2; k++) {
        char path[512], err[512] = "";
        snprintf(path, sizeof path, "%s/band-%d.png", dir, k);
        if (k == 1)
            setenv("KM_EXPORT_BAND_ROWS", "37", 1);
        km_export_opts o = {900, 700, true, 0, KM_EXPORT_PNG};
        int rc = km_host_export_scene(&s, font, path, &o, err, sizeof err);
        unsetenv("KM_EXPORT_BAND_ROWS");
        if (rc != 0)
            fail_msg("%s", err);
        SDL_Surface *raw = IMG_Load(path);
        assert_non_null(raw);
        img[k] = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(raw);
        remove(path);
    }
    long differ = 0;
    for (int y = 0; y < img[0]->h; y++)
        differ += memcmp((uint8_t *)img[0]->pixels + (size_t)y * img[0]->pitch,
                         (uint8_t *)img[1]->pixels + (size_t)y * img[1]->pitch, (size_t)img[0]->w * 4) != 0;
    assert_int_equal(differ, 0);
    SDL_FreeSurface(img[0]);
    SDL_FreeSurface(img[1]);
    km_marks_release(&m);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/km-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    atlas = km_test_load_bundled();
    char file[512], err[512];
    if (!atlas || !km_font_find(NULL, file, sizeof file, err, sizeof err) || !(font = km_font_open(file, err, sizeof err)))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    km_font_close(font);
    km_atlas_free(atlas);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_export_carries_the_report),
        cmocka_unit_test(test_report_banded_as_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
