/*
 * test_reference.c - reference-image tests of the chart, in the manner of
 * SDL's own render tests (testautomation_render.c, SDL_test_compare.c).
 *
 * Each case is a scene (bare front and back, one muscle, three compared,
 * marks and pins, portrait, zoomed, deep layer with hover, close-up views)
 * laid out and painted by src/chart exactly as the window and the export
 * do (km_layout_compute, then km_paint_chart on a km_canvas), with no SDL
 * and no text, so glyph rendering cannot make them flaky.  The pixels are
 * compared with tests/reference/NAME.png:
 *
 *   a pixel differs when any of R, G, B is off by more than KM_REF_TOLERANCE;
 *   a case fails when more than KM_REF_MAX_DIFF pixels differ.
 *
 * The tolerance absorbs the last-bit rounding a different compiler or
 * optimisation level may give the rasteriser's float maths (the sanitizer
 * build, -O0); a zone, a mark or a view that moves changes hundreds of
 * pixels by far more.  On a failure the test writes NAME-actual.png and
 * NAME-compare.png (actual | expected | difference, side by side; in the
 * difference, pixels over the tolerance are red, within it faded grey) into
 * KM_REF_OUT_DIR and says how many pixels differ, where the first is and
 * by how much.
 *
 * References are written only on request, never silently:
 *
 *   KM_UPDATE_REFERENCES=1 ctest --test-dir build -R reference
 *
 * rewrites every tests/reference/NAME.png from the current code (look at the
 * result before committing it).  A missing reference fails with that hint.
 * Each scene is also painted band by band (km_canvas_band, 37 and 113
 * rows), as an export is, and must match the whole picture bit
 * for bit.
 *
 * The scenes use the bundled atlas (the chart as patients see it), so a
 * change to data/knotmap.json's figures needs the same command; the
 * close-up case uses tests/data/detail.json.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart/illustration.h"
#include "chart/layout.h"
#include "chart/paint.h"
#include "km_test.h"

#define KM_REF_TOLERANCE 2 /* per channel, 0..255 */
#define KM_REF_MAX_DIFF 8  /* pixels beyond the tolerance that still pass */

/* ---- PNG in and out (libpng's simplified API, 8-bit RGB) --------------- */

static bool png_read_rgb(const char *path, uint8_t **rgb, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        return false;
    img.format = PNG_FORMAT_RGB;
    *rgb = malloc(PNG_IMAGE_SIZE(img));
    if (!*rgb || !png_image_finish_read(&img, NULL, *rgb, 0, NULL)) {
        free(*rgb);
        *rgb = NULL;
        png_image_free(&img);
        return false;
    }
    *w = (int)img.width;
    *h = (int)img.height;
    return true;
}

static bool png_write_rgb(const char *path, const uint8_t *rgb, int w, int h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    bool ok = png_image_write_to_file(&img, path, 0, rgb, 0, NULL) != 0;
    if (!ok)
        print_error("cannot write %s: %s\n", path, img.message);
    return ok;
}

/* The canvas (0xAARRGGBB, opaque) as RGB bytes. */
static uint8_t *canvas_rgb(const km_canvas *c)
{
    uint8_t *rgb = malloc((size_t)c->w * c->h * 3);
    assert_non_null(rgb);
    for (size_t i = 0; i < (size_t)c->w * c->h; i++) {
        uint32_t v = c->px[i];
        rgb[3 * i] = (uint8_t)(v >> 16);
        rgb[3 * i + 1] = (uint8_t)(v >> 8);
        rgb[3 * i + 2] = (uint8_t)v;
    }
    return rgb;
}

/* ---- the scenes ---------------------------------------------------------- */

/* Marks that outlive the scene that borrows them. */
typedef struct ref_marks {
    km_vec2 pts[3][8];
    km_stroke strokes[3];
    km_pin pins[4];
    km_view_xform xf[KM_CHART_MAX_VIEWS];
} ref_marks;

typedef struct ref_case {
    const char *name;    /* tests/reference/NAME.png */
    const char *fixture; /* tests/data/FIXTURE, or NULL for the bundled atlas */
    int w, h;
    void (*setup)(km_scene *s, const km_atlas *a, ref_marks *m);
    const char *stretch; /* set: the case is this stretch's illustration alone, w x h */
} ref_case;

static int muscle(const km_atlas *a, const char *id)
{
    int m = km_atlas_muscle_index(a, id);
    if (m < 0)
        fail_msg("muscle %s is not in the atlas", id);
    return m;
}

static int view(const km_atlas *a, const char *id)
{
    int v = km_atlas_view_index(a, id);
    if (v < 0)
        fail_msg("view %s is not in the atlas", id);
    return v;
}

static void select_muscle(km_scene *s, const km_atlas *a, const char *id, km_side side)
{
    s->sel[s->sel_count] = (km_scene_sel){muscle(a, id), side, s->sel_count};
    s->sel_count++;
}

static void scene_bare(km_scene *s, const km_atlas *a, ref_marks *m)
{
    (void)a;
    (void)m;
    s->title = "title"; /* the layout keeps its line; its words are not painted */
}

static void scene_one_muscle(km_scene *s, const km_atlas *a, ref_marks *m)
{
    (void)m;
    select_muscle(s, a, "upper_trapezius", KM_SIDE_RIGHT);
}

static void scene_compare(km_scene *s, const km_atlas *a, ref_marks *m)
{
    (void)m;
    select_muscle(s, a, "upper_trapezius", KM_SIDE_RIGHT);
    select_muscle(s, a, "levator_scapulae", KM_SIDE_LEFT);
    select_muscle(s, a, "infraspinatus", KM_SIDE_RIGHT);
    s->title = "title";
    s->footer = "footer";
}

/* Pain areas, a drawing with an eraser stroke through it, and pins. */
static void scene_marks(km_scene *s, const km_atlas *a, ref_marks *m)
{
    const int back = view(a, "back"), front = view(a, "front");
    s->areas[s->area_count++] = km_atlas_area_index(a, "low_back", KM_SIDE_MIDLINE);
    s->areas[s->area_count++] = km_atlas_area_index(a, "temple", KM_SIDE_LEFT);
    assert_true(s->areas[0] >= 0 && s->areas[1] >= 0);
    const km_vec2 brush[5] = {{380, 520}, {440, 560}, {520, 600}, {600, 560}, {660, 520}};
    const km_vec2 erase[2] = {{500, 480}, {540, 680}};
    const km_vec2 thigh[4] = {{400, 1150}, {420, 1250}, {430, 1350}, {425, 1450}};
    memcpy(m->pts[0], brush, sizeof brush);
    memcpy(m->pts[1], erase, sizeof erase);
    memcpy(m->pts[2], thigh, sizeof thigh);
    m->strokes[0] = (km_stroke){back, 30, false, m->pts[0], 5};
    m->strokes[1] = (km_stroke){back, 15, true, m->pts[1], 2};
    m->strokes[2] = (km_stroke){front, 25, false, m->pts[2], 4};
    s->strokes = m->strokes;
    s->stroke_count = 3;
    m->pins[0] = (km_pin){back, {430, 420}, 7};
    m->pins[1] = (km_pin){back, {560, 900}, 3};
    m->pins[2] = (km_pin){front, {600, 300}, 10};
    s->pins = m->pins;
    s->pin_count = 3;
    select_muscle(s, a, "levator_scapulae", KM_SIDE_RIGHT);
}

/* One view alone, zoomed in and panned onto the neck and shoulder. */
static void scene_zoomed(km_scene *s, const km_atlas *a, ref_marks *m)
{
    const int back = view(a, "back");
    s->view = back;
    for (int i = 0; i < KM_CHART_MAX_VIEWS; i++)
        m->xf[i] = (km_view_xform){1, 0, 0};
    m->xf[back] = (km_view_xform){2.5f, 120, 300};
    s->xforms = m->xf;
    select_muscle(s, a, "upper_trapezius", KM_SIDE_LEFT);
}

static void scene_deep_hover(km_scene *s, const km_atlas *a, ref_marks *m)
{
    (void)m;
    s->show_deep = true;
    s->hover_muscle = muscle(a, "infraspinatus");
    s->hover_side = KM_SIDE_LEFT;
    s->legend = false;
}

/* Two body views and a close-up of the hand, its muscle and a pain area. */
static void scene_detail(km_scene *s, const km_atlas *a, ref_marks *m)
{
    (void)m;
    select_muscle(s, a, "hand_muscle", KM_SIDE_MIDLINE);
    s->areas[s->area_count++] = km_atlas_area_index(a, "palm", KM_SIDE_MIDLINE);
    assert_true(s->areas[0] >= 0);
}

static const ref_case k_cases[] = {
    {"bare-landscape", NULL, 400, 300, scene_bare, NULL},
    {"bare-portrait", NULL, 300, 400, scene_bare, NULL},
    {"one-muscle", NULL, 400, 300, scene_one_muscle, NULL},
    {"compare-three", NULL, 400, 300, scene_compare, NULL},
    {"compare-three-portrait", NULL, 300, 400, scene_compare, NULL},
    {"marks-and-pins", NULL, 400, 300, scene_marks, NULL},
    {"zoomed", NULL, 400, 300, scene_zoomed, NULL},
    {"deep-and-hover", NULL, 400, 300, scene_deep_hover, NULL},
    {"detail-landscape", "detail.json", 400, 300, scene_detail, NULL},
    {"detail-portrait", "detail.json", 300, 400, scene_detail, NULL},
    {"illustration-upper-trapezius", NULL, 120, 120, NULL, "upper_trapezius_side_bend"},
    {"illustration-doorway-pec", NULL, 120, 120, NULL, "doorway_pec_stretch"},
    {"illustration-strap-hamstring", NULL, 120, 120, NULL, "strap_hamstring_stretch"},
    {"illustration-wall-calf", NULL, 160, 160, NULL, "wall_calf_stretch"},
};

/* ---- rendering and comparing ----------------------------------------------- */

/* The chart of a case, as the renderer paints it before its text. */
static void paint_illustration(const km_atlas *a, const char *id, km_canvas *c, km_rect box)
{
    int k = km_atlas_stretch_index(a, id);
    if (k < 0)
        fail_msg("stretch %s is not in the atlas", id);
    km_canvas_painter cp;
    km_canvas_painter_init(&cp, c, NULL);
    km_paint_illustration(&cp.base, a->stretches[k].illustration, box, km_illustration_tint);
}

static void paint_case(const ref_case *rc, const km_atlas *a, km_canvas *c)
{
    if (rc->stretch) {
        assert_true(km_canvas_init(c, rc->w, rc->h));
        km_canvas_clear(c, (km_rgba){255, 255, 255, 255});
        paint_illustration(a, rc->stretch, c, (km_rect){0, 0, rc->w, rc->h});
        return;
    }
    km_scene s;
    ref_marks marks;
    memset(&marks, 0, sizeof marks);
    km_scene_init(&s, a);
    rc->setup(&s, a, &marks);
    km_layout L;
    km_layout_compute(&L, &s, (km_rect){0, 0, rc->w, rc->h});
    assert_true(km_canvas_init(c, rc->w, rc->h));
    uint8_t *sil = malloc((size_t)rc->w * rc->h);
    assert_non_null(sil);
    km_paint_chart(c, sil, &s, &L);
    free(sil);
}

/* The same chart painted band by band (km_canvas_band, as an export is)
 * must be the whole canvas's pixels bit for bit. */
static void check_banded(const ref_case *rc, const km_atlas *a, const km_canvas *whole, int band)
{
    km_scene s;
    ref_marks marks;
    memset(&marks, 0, sizeof marks);
    km_scene_init(&s, a);
    rc->setup(&s, a, &marks);
    km_layout L;
    km_layout_compute(&L, &s, (km_rect){0, 0, rc->w, rc->h});
    km_canvas c;
    assert_true(km_canvas_init(&c, rc->w, band));
    uint8_t *sil = malloc((size_t)rc->w * band);
    assert_non_null(sil);
    long differ = 0;
    for (int y = 0; y < rc->h; y += band) {
        int rows = rc->h - y < band ? rc->h - y : band;
        km_canvas_band(&c, y, rows, rc->h);
        km_paint_chart(&c, sil, &s, &L);
        for (int r = 0; r < rows; r++)
            for (int x = 0; x < rc->w; x++)
                differ += c.px[(size_t)r * rc->w + x] != whole->px[(size_t)(y + r) * rc->w + x];
    }
    free(sil);
    km_canvas_release(&c);
    if (differ)
        fail_msg("%s: painted in bands of %d rows, %ld pixels differ from the whole picture", rc->name, band, differ);
}

typedef struct ref_diff {
    long count;     /* pixels with a channel off by more than the tolerance */
    int x, y;       /* the first of them (row by row), -1 if none */
    int worst;      /* largest channel difference anywhere */
} ref_diff;

static ref_diff compare(const uint8_t *act, const uint8_t *exp, int w, int h)
{
    ref_diff d = {0, -1, -1, 0};
    for (int i = 0; i < w * h; i++) {
        int m = 0;
        for (int k = 0; k < 3; k++) {
            int e = abs((int)act[3 * i + k] - (int)exp[3 * i + k]);
            m = e > m ? e : m;
        }
        d.worst = m > d.worst ? m : d.worst;
        if (m > KM_REF_TOLERANCE && d.count++ == 0) {
            d.x = i % w;
            d.y = i / w;
        }
    }
    return d;
}

/* actual | expected | difference, side by side, 4 px of grey between. */
static void write_compare(const char *path, const uint8_t *act, const uint8_t *exp, int w, int h)
{
    const int gap = 4, W = 3 * w + 2 * gap;
    uint8_t *out = malloc((size_t)W * h * 3);
    assert_non_null(out);
    memset(out, 128, (size_t)W * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *a = act + 3 * ((size_t)y * w + x), *e = exp + 3 * ((size_t)y * w + x);
            uint8_t *row = out + 3 * (size_t)y * W;
            memcpy(row + 3 * x, a, 3);
            memcpy(row + 3 * (w + gap + x), e, 3);
            uint8_t *d = row + 3 * (2 * (w + gap) + x);
            int m = 0;
            for (int k = 0; k < 3; k++) {
                int dd = abs((int)a[k] - (int)e[k]);
                m = dd > m ? dd : m;
            }
            if (m > KM_REF_TOLERANCE) {
                d[0] = 255;
                d[1] = d[2] = 0;
            } else {
                int grey = 192 + ((int)e[0] + e[1] + e[2]) / 12; /* the expected picture, faded */
                d[0] = d[1] = d[2] = (uint8_t)grey;
            }
        }
    png_write_rgb(path, out, W, h);
    free(out);
}

static const char *env_dir(const char *name)
{
    const char *d = getenv(name);
    if (!d || !*d)
        fail_msg("%s is not set (CTest sets it; see tests/CMakeLists.txt)", name);
    return d;
}

static void test_reference(void **state)
{
    const ref_case *rc = *state;
    km_atlas *a = rc->fixture ? km_test_load_fixture(rc->fixture) : km_test_load_bundled();
    assert_non_null(a);
    km_canvas c;
    paint_case(rc, a, &c);
    if (!rc->stretch) {
        check_banded(rc, a, &c, 37);
        check_banded(rc, a, &c, 113);
    }
    uint8_t *act = canvas_rgb(&c);
    km_canvas_release(&c);
    km_atlas_free(a);

    char ref[4096], out[4096];
    snprintf(ref, sizeof ref, "%s/%s.png", env_dir("KM_REF_DIR"), rc->name);
    const char *update = getenv("KM_UPDATE_REFERENCES");
    if (update && *update && strcmp(update, "0") != 0) {
        assert_true(png_write_rgb(ref, act, rc->w, rc->h));
        print_message("reference: wrote %s (%dx%d); look at it before committing\n", ref, rc->w, rc->h);
        free(act);
        return;
    }
    uint8_t *exp = NULL;
    int ew = 0, eh = 0;
    if (!png_read_rgb(ref, &exp, &ew, &eh)) {
        free(act);
        fail_msg("%s: no reference image (or unreadable); after checking the chart, create it with\n"
                 "    KM_UPDATE_REFERENCES=1 ctest --test-dir build -R reference", ref);
    }
    ref_diff d = {0, -1, -1, 0};
    bool same_size = ew == rc->w && eh == rc->h;
    if (same_size)
        d = compare(act, exp, rc->w, rc->h);
    if (same_size && d.count <= KM_REF_MAX_DIFF) {
        if (d.count)
            print_message("%s: %ld pixel(s) over the tolerance (at most %d allowed), largest difference %d\n",
                          rc->name, d.count, KM_REF_MAX_DIFF, d.worst);
        free(act);
        free(exp);
        return;
    }
    const char *odir = env_dir("KM_REF_OUT_DIR");
    mkdir(odir, 0777);
    snprintf(out, sizeof out, "%s/%s-actual.png", odir, rc->name);
    png_write_rgb(out, act, rc->w, rc->h);
    if (same_size) {
        snprintf(out, sizeof out, "%s/%s-compare.png", odir, rc->name);
        write_compare(out, act, exp, rc->w, rc->h);
    }
    free(act);
    free(exp);
    if (!same_size)
        fail_msg("%s: the picture is %dx%d, the reference %s %dx%d", rc->name, rc->w, rc->h, ref, ew, eh);
    fail_msg("%s: %ld pixels differ by more than %d per channel (at most %d may); first at (%d, %d); "
             "largest difference %d.\n    actual | expected | difference: %s",
             rc->name, d.count, KM_REF_TOLERANCE, KM_REF_MAX_DIFF, d.x, d.y, d.worst, out);
}

/* Every bundled stretch's illustration at 120 x 120 on one contact sheet,
 * in the atlas's order, 8 to a row: KM_REF_OUT_DIR/illustrations-sheet.png,
 * to look at (not compared).  Each must be there. */
static void test_illustration_sheet(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    enum { CELL = 120, GAP = 4, COLS = 8 };
    int rows = (a->stretch_count + COLS - 1) / COLS;
    int w = COLS * (CELL + GAP) + GAP, h = rows * (CELL + GAP) + GAP;
    km_canvas c;
    assert_true(km_canvas_init(&c, w, h));
    km_canvas_clear(&c, (km_rgba){255, 255, 255, 255});
    for (int i = 0; i < a->stretch_count; i++) {
        km_rect box = {GAP + (i % COLS) * (CELL + GAP), GAP + (i / COLS) * (CELL + GAP), CELL, CELL};
        const km_vec2 frame[4] = {{box.x - 1.0f, box.y - 1.0f},
                                  {box.x + box.w + 1.0f, box.y - 1.0f},
                                  {box.x + box.w + 1.0f, box.y + box.h + 1.0f},
                                  {box.x - 1.0f, box.y + box.h + 1.0f}};
        km_canvas_stroke_line(&c, frame, 4, true, (km_xform){1, 0, 0}, 1.0f, (km_rgba){200, 200, 200, 255});
        if (a->stretches[i].illustration)
            paint_illustration(a, a->stretches[i].id, &c, box);
        else
            print_message("illustration: %s has none\n", a->stretches[i].id);
    }
    uint8_t *rgb = canvas_rgb(&c);
    const char *odir = env_dir("KM_REF_OUT_DIR");
    mkdir(odir, 0777);
    char out[4096];
    snprintf(out, sizeof out, "%s/illustrations-sheet.png", odir);
    assert_true(png_write_rgb(out, rgb, w, h));
    free(rgb);
    km_canvas_release(&c);
    km_atlas_free(a);
}

int main(void)
{
    enum { N = sizeof k_cases / sizeof *k_cases };
    struct CMUnitTest tests[N];
    for (int i = 0; i < N; i++) {
        tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_reference, (void *)&k_cases[i]);
        tests[i].name = k_cases[i].name;
    }
    int failed = cmocka_run_group_tests_name("reference images", tests, NULL, NULL);
    const struct CMUnitTest sheet[] = {cmocka_unit_test(test_illustration_sheet)};
    return failed + cmocka_run_group_tests_name("illustration contact sheet", sheet, NULL, NULL);
}
