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
        cmocka_unit_test_setup_teardown(test_png_written_and_reloadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_overwrite_without_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_folder, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    SDL_Quit();
    return rc;
}
