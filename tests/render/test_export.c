/*
 * test_export.c - PNG export: written and reloadable at the right size,
 * never overwrites without force, and a failure leaves no file behind.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/atlas.h"
#include "core/scene.h"
#include "draw/export.h"
#include "draw/text.h"
#include "km_test.h"

static const char k_fixture[] =
    "{\"format\": \"knotmap-atlas\", \"version\": 1, \"data_version\": \"t\", \"title\": \"T\","
    " \"views\": [{\"id\": \"front\", \"label\": \"Front\", \"width\": 1000, \"height\": 2000,"
    "   \"outline\": [{\"points\": [[100,100],[900,100],[900,1900],[100,1900]]}]}],"
    " \"stretches\": [], \"muscles\": [], \"areas\": []}";

typedef struct fx {
    char dir[256];
    km_atlas *atlas;
    km_font *font; /* NULL when no font is installed: pictures without text */
    km_scene scene;
} fx;

static int setup(void **state)
{
    static fx f;
    memset(&f, 0, sizeof f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f.dir, sizeof f.dir, "%s/km-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f.dir))
        return -1;
    km_diag d;
    km_diag_init(&d);
    f.atlas = km_atlas_load_buffer("fixture", k_fixture, sizeof k_fixture - 1, &d);
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "%s\n", d.items[i].text);
    km_diag_release(&d);
    if (!f.atlas)
        return -1;
    char file[512], err[512];
    if (km_font_find(NULL, file, sizeof file, err, sizeof err))
        f.font = km_font_open(file, err, sizeof err);
    km_scene_init(&f.scene, f.atlas);
    f.scene.title = "Export test";
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    char cmd[512];
    chmod(f->dir, 0755);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    km_font_close(f->font);
    km_atlas_free(f->atlas);
    return 0;
}

/* Number of entries in a folder other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_png_written_and_reloadable(void **state)
{
    fx *f = *state;
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/chart.png", f->dir);
    km_export_opts o = {640, 480, false, 0, KM_EXPORT_PNG};
    assert_int_equal(km_export_png(&f->scene, f->font, path, &o, err, sizeof err), 0);
    SDL_Surface *img = IMG_Load(path);
    assert_non_null(img);
    assert_int_equal(img->w, 640);
    assert_int_equal(img->h, 480);
    SDL_FreeSurface(img);
    /* The default size. */
    snprintf(path, sizeof path, "%s/default.png", f->dir);
    assert_int_equal(km_export_png(&f->scene, f->font, path, NULL, err, sizeof err), 0);
    img = IMG_Load(path);
    assert_non_null(img);
    assert_int_equal(img->w, 2000);
    assert_int_equal(img->h, 1400);
    SDL_FreeSurface(img);
    assert_int_equal(count_entries(f->dir), 2); /* no temporary file left */
    /* A picture of a patient is private by default (0600) ... */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* ... and export_mode widens it on purpose. */
    snprintf(path, sizeof path, "%s/shared.png", f->dir);
    km_export_opts shared = {200, 200, false, 0644, KM_EXPORT_PNG};
    assert_int_equal(km_export_png(&f->scene, f->font, path, &shared, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
}

/* Export path with its rows per band forced (KM_EXPORT_BAND_ROWS), decoded. */
static SDL_Surface *export_banded(fx *f, const km_scene *s, const char *rows, const char *name)
{
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    setenv("KM_EXPORT_BAND_ROWS", rows, 1);
    km_export_opts o = {700, 500, true, 0, KM_EXPORT_PNG};
    int rc = km_export_png(s, f->font, path, &o, err, sizeof err);
    unsetenv("KM_EXPORT_BAND_ROWS");
    if (rc != 0)
        fail_msg("%s", err);
    SDL_Surface *img = IMG_Load(path);
    assert_non_null(img);
    SDL_Surface *argb = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(img);
    assert_non_null(argb);
    remove(path);
    return argb;
}

/* An export is drawn and encoded band by band; in bands of 17 rows (the
 * title, labels and key's words cut across several) it must be the very
 * picture drawn in one band, pixel for pixel. */
static void test_bands_equal_whole(void **state)
{
    fx *f = *state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    km_scene s;
    km_scene_init(&s, a);
    s.title = "Bands: the same picture";
    s.footer = "footer line";
    s.sel[s.sel_count++] = (km_scene_sel){km_atlas_muscle_index(a, "upper_trapezius"), KM_SIDE_RIGHT, 0};
    s.sel[s.sel_count++] = (km_scene_sel){km_atlas_muscle_index(a, "infraspinatus"), KM_SIDE_LEFT, 1};
    assert_true(s.sel[0].muscle >= 0 && s.sel[1].muscle >= 0);
    SDL_Surface *whole = export_banded(f, &s, "100000", "whole.png");
    SDL_Surface *bands = export_banded(f, &s, "17", "bands.png");
    long differ = 0;
    for (int y = 0; y < whole->h; y++)
        differ += memcmp((char *)whole->pixels + (size_t)y * whole->pitch,
                         (char *)bands->pixels + (size_t)y * bands->pitch, (size_t)whole->w * 4) != 0;
    SDL_FreeSurface(whole);
    SDL_FreeSurface(bands);
    km_atlas_free(a);
    assert_int_equal(differ, 0); /* rows that differ */
}

/* knotmap's own PNG writer at awkward sizes (the smallest, a row narrower
 * than a deflate copy, heights that are no multiple of a band): what it
 * writes decodes (libpng checks every CRC and the zlib checksum) to the
 * size asked for, and to the same pixels in bands of 16 rows (the fewest
 * allowed) as in one band. */
static void test_png_awkward_sizes(void **state)
{
    fx *f = *state;
    static const int sizes[][2] = {{16, 16}, {17, 301}, {1201, 19}, {97, 1403}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        char path[512], err[512] = "";
        snprintf(path, sizeof path, "%s/odd.png", f->dir);
        km_export_opts o = {sizes[i][0], sizes[i][1], true, 0, KM_EXPORT_PNG};
        SDL_Surface *img[2];
        for (int k = 0; k < 2; k++) {
            setenv("KM_EXPORT_BAND_ROWS", k ? "16" : "100000", 1);
            int rc = km_export_png(&f->scene, f->font, path, &o, err, sizeof err);
            unsetenv("KM_EXPORT_BAND_ROWS");
            if (rc != 0)
                fail_msg("%dx%d: %s", sizes[i][0], sizes[i][1], err);
            SDL_Surface *raw = IMG_Load(path);
            if (!raw)
                fail_msg("%dx%d: does not decode: %s", sizes[i][0], sizes[i][1], IMG_GetError());
            img[k] = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
            SDL_FreeSurface(raw);
            assert_non_null(img[k]);
            assert_int_equal(img[k]->w, sizes[i][0]);
            assert_int_equal(img[k]->h, sizes[i][1]);
        }
        for (int y = 0; y < img[0]->h; y++)
            assert_memory_equal((char *)img[0]->pixels + (size_t)y * img[0]->pitch,
                                (char *)img[1]->pixels + (size_t)y * img[1]->pitch, (size_t)img[0]->w * 4);
        SDL_FreeSurface(img[0]);
        SDL_FreeSurface(img[1]);
        remove(path);
    }
}

static void test_no_overwrite_without_force(void **state)
{
    fx *f = *state;
    char path[512], err[512] = "", buf[64] = "";
    snprintf(path, sizeof path, "%s/taken.png", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("precious", fp);
    fclose(fp);
    km_export_opts o = {320, 240, false, 0, KM_EXPORT_PNG};
    assert_int_equal(km_export_png(&f->scene, f->font, path, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "exists"));
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "precious");
    assert_int_equal(count_entries(f->dir), 1);
    /* With force it is replaced by a real PNG. */
    o.force = true;
    assert_int_equal(km_export_png(&f->scene, f->font, path, &o, err, sizeof err), 0);
    SDL_Surface *img = IMG_Load(path);
    assert_non_null(img);
    assert_int_equal(img->w, 320);
    SDL_FreeSurface(img);
    assert_int_equal(count_entries(f->dir), 1);
}

static void test_missing_folder(void **state)
{
    fx *f = *state;
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/no/such/folder/out.png", f->dir);
    assert_int_equal(km_export_png(&f->scene, f->font, path, NULL, err, sizeof err), -1);
    assert_true(strncmp(err, path, strlen(path)) == 0);
    assert_int_equal(count_entries(f->dir), 0);
}

static void test_read_only_folder(void **state)
{
    fx *f = *state;
    char sub[512], path[600], probe[600], err[512] = "";
    snprintf(sub, sizeof sub, "%s/ro", f->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(chmod(sub, 0555), 0);
    /* Root (or a filesystem ignoring modes) can still write: then this
     * case cannot be tested here. */
    snprintf(probe, sizeof probe, "%s/probe", sub);
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
        close(fd);
        unlink(probe);
        chmod(sub, 0755);
        skip();
    }
    snprintf(path, sizeof path, "%s/out.png", sub);
    km_export_opts o = {200, 200, false, 0, KM_EXPORT_PNG};
    assert_int_equal(km_export_png(&f->scene, f->font, path, &o, err, sizeof err), -1);
    assert_true(strncmp(err, path, strlen(path)) == 0);
    assert_int_equal(count_entries(sub), 0);
    chmod(sub, 0755);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bands_equal_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_png_awkward_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_png_written_and_reloadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_overwrite_without_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_folder, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    SDL_Quit();
    return rc;
}
