/*
 * test_chart_cairo.c - the two painters draw the same chart: the scene is
 * painted by the rasteriser (km_paint_chart on a km_canvas, what the window
 * and the PNG show) and by cairo (km_chart_cairo_paint onto an image
 * surface, what the PDF and SVG hold), words left out, and the pictures are
 * compared pixel by pixel under a tolerance (anti-aliasing differs at
 * edges: a channel may differ by up to 40 on at most 1.5% of the pixels;
 * a misplaced or missing zone, dot grid, hatch, X or erased stroke would
 * change far more).  On a failure both images are written as PNGs (cairo's
 * writer) and their paths printed.  First the painters alone on large
 * areas, where a dot grid or hatch out of phase or a missing eraser would
 * differ widely (at most 0.2% of pixels may differ): stipple, hatch, an
 * erasable layer (an eraser left out changes 0.9%); then whole
 * charts: nothing selected; two muscles with an area; a pain drawing with
 * an eraser through it and pins; a zoomed single view; the handout's
 * order, with the patient's drawing over the zones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/layout.h"
#include "chart/paint.h"
#include "chart/painter.h"
#include "km_test.h"
#include "vector/chart_cairo.h"

#define W 900
#define H 640
#define CHANNEL_TOL 40
#define SHARE_TOL 0.015

typedef struct diff {
    long bad;
    int first_x, first_y;
} diff;

/* cairo's ARGB32 is premultiplied; the paper is opaque, so it is plain. */
static diff compare(const km_canvas *c, cairo_surface_t *img)
{
    diff d = {0, -1, -1};
    cairo_surface_flush(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint32_t a = c->px[(size_t)y * W + x], b = ((const uint32_t *)(data + (size_t)y * stride))[x];
            for (int sh = 0; sh < 24; sh += 8) {
                int da = (int)((a >> sh) & 0xff) - (int)((b >> sh) & 0xff);
                if (da > CHANNEL_TOL || da < -CHANNEL_TOL) {
                    if (d.bad++ == 0)
                        d.first_x = x, d.first_y = y;
                    break;
                }
            }
        }
    return d;
}

static void save_both(const char *name, const km_canvas *c, cairo_surface_t *img)
{
    cairo_surface_t *r = cairo_image_surface_create_for_data((unsigned char *)c->px, CAIRO_FORMAT_RGB24, W, H, W * 4);
    char a[256], b[256];
    snprintf(a, sizeof a, "/tmp/km-chart-%s-raster.png", name);
    snprintf(b, sizeof b, "/tmp/km-chart-%s-cairo.png", name);
    cairo_surface_write_to_png(r, a);
    cairo_surface_write_to_png(img, b);
    cairo_surface_destroy(r);
    printf("saved %s and %s\n", a, b);
}

static void same_picture(const char *name, const km_scene *s)
{
    km_canvas c;
    assert_true(km_canvas_init(&c, W, H));
    uint8_t *sil = malloc((size_t)W * H);
    assert_non_null(sil);
    km_layout L;
    km_layout_compute(&L, s, (km_rect){0, 0, W, H});
    km_paint_chart(&c, sil, s, &L);

    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
    cairo_t *cr = cairo_create(img);
    km_chart_cairo_paint(cr, s, W, H);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);

    diff d = compare(&c, img);
    double share = (double)d.bad / ((double)W * H);
    printf("%s: %ld of %d pixels differ by more than %d (%.3f%%)\n", name, d.bad, W * H, CHANNEL_TOL, 100 * share);
    if (share > SHARE_TOL) {
        save_both(name, &c, img);
        fail_msg("%s: %.2f%% of pixels differ (first at %d,%d), over %.1f%%", name, 100 * share, d.first_x, d.first_y,
                 100 * SHARE_TOL);
    }
    cairo_surface_destroy(img);
    free(sil);
    km_canvas_release(&c);
}

/* ---- the painters alone, on large areas where a wrong phase or a
 * missing eraser would show at once ------------------------------------- */

typedef void (*paint_fn)(km_painter *p);

static void both_painters(const char *name, paint_fn fn, double share_tol)
{
    km_canvas c;
    assert_true(km_canvas_init(&c, W, H));
    km_canvas_painter cp;
    km_canvas_painter_init(&cp, &c, NULL);
    fn(&cp.base);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
    cairo_t *cr = cairo_create(img);
    km_painter *p = km_cairo_painter_create(cr);
    assert_non_null(p);
    fn(p);
    km_cairo_painter_destroy(p);
    cairo_destroy(cr);
    diff d = compare(&c, img);
    double share = (double)d.bad / ((double)W * H);
    printf("%s: %.3f%% of pixels differ\n", name, 100 * share);
    if (share > share_tol) {
        save_both(name, &c, img);
        fail_msg("%s: %.2f%% of pixels differ (first at %d,%d)", name, 100 * share, d.first_x, d.first_y);
    }
    cairo_surface_destroy(img);
    km_canvas_release(&c);
}

static km_vec2 k_square[] = {{50, 50}, {850, 50}, {850, 590}, {50, 590}};

static void fill_kind(km_painter *p, km_paint paint)
{
    km_poly sq = {.pts = k_square, .count = 4};
    p->ops->clear(p, (km_rgba){255, 255, 255, 255});
    p->ops->fill(p, &sq, 1, (km_xform){1, 0, 0}, paint);
}

static void stipple(km_painter *p) { fill_kind(p, (km_paint){KM_PAINT_STIPPLE, {0, 114, 178, 255}, 9, 2.2f}); }
static void hatch(km_painter *p) { fill_kind(p, (km_paint){KM_PAINT_HATCH, {136, 34, 85, 255}, 10, 1.4f}); }

/* Two lines added, an eraser across both, a third line over the eraser:
 * the layer painted solid at half alpha, then hatched. */
static void erasable(km_painter *p)
{
    static km_vec2 a[] = {{100, 100}, {700, 500}}, b[] = {{100, 500}, {700, 120}}, e[] = {{80, 300}, {820, 310}},
                   c[] = {{400, 200}, {420, 450}};
    km_xform id = {1, 0, 0};
    p->ops->clear(p, (km_rgba){255, 255, 255, 255});
    p->ops->layer_begin(p);
    p->ops->layer_line(p, a, 2, id, 60, false);
    p->ops->layer_line(p, b, 2, id, 40, false);
    p->ops->layer_line(p, e, 2, id, 50, true);
    p->ops->layer_line(p, c, 2, id, 30, false);
    p->ops->layer_paint(p, (km_paint){KM_PAINT_SOLID, {136, 34, 85, 128}, 0, 0});
    p->ops->layer_paint(p, (km_paint){KM_PAINT_HATCH, {136, 34, 85, 255}, 10, 1.4f});
}

static void test_painters_stipple(void **state)
{
    (void)state;
    both_painters("stipple", stipple, 0.002);
}

static void test_painters_hatch(void **state)
{
    (void)state;
    both_painters("hatch", hatch, 0.002);
}

static void test_painters_erasable_layer(void **state)
{
    (void)state;
    both_painters("layer", erasable, 0.002);
}

static void select_muscle(km_scene *s, const char *id, km_side side)
{
    int m = km_atlas_muscle_index(s->atlas, id);
    assert_true(m >= 0);
    s->sel[s->sel_count] = (km_scene_sel){m, side, s->sel_count};
    s->sel_count++;
}

static void test_bare_body(void **state)
{
    km_atlas *a = *state;
    km_scene s;
    km_scene_init(&s, a);
    same_picture("bare", &s);
}

static void test_muscles_and_area(void **state)
{
    km_atlas *a = *state;
    km_scene s;
    km_scene_init(&s, a);
    select_muscle(&s, "upper_trapezius", KM_SIDE_RIGHT);
    select_muscle(&s, "gluteus_medius", KM_SIDE_LEFT);
    for (int i = 0; i < a->area_count && s.area_count < 2; i += 11)
        s.areas[s.area_count++] = i;
    same_picture("muscles", &s);
}

static void test_drawing_with_eraser(void **state)
{
    km_atlas *a = *state;
    km_scene s;
    km_scene_init(&s, a);
    int front = km_atlas_view_index(a, "front");
    km_vec2 p1[] = {{380, 1100}, {400, 1200}, {420, 1300}, {380, 1350}}, e1[] = {{330, 1180}, {470, 1220}},
            p2[] = {{560, 700}, {700, 760}}, dot[] = {{450, 500}};
    km_stroke st[] = {{front, 25, false, p1, 4}, {front, 12, true, e1, 2}, {front, 20, false, p2, 2},
                      {front, 15, false, dot, 1}};
    km_pin pins[] = {{front, {400, 1250}, 4}, {front, {600, 180}, 9}};
    s.strokes = st, s.stroke_count = 4, s.pins = pins, s.pin_count = 2;
    same_picture("drawing", &s);
}

static void test_zoomed_view(void **state)
{
    km_atlas *a = *state;
    km_scene s;
    km_scene_init(&s, a);
    s.view = km_atlas_view_index(a, "back");
    select_muscle(&s, "upper_trapezius", KM_SIDE_LEFT);
    km_view_xform xf[KM_CHART_MAX_VIEWS];
    for (int i = 0; i < KM_CHART_MAX_VIEWS; i++)
        xf[i] = (km_view_xform){1, 0, 0};
    xf[s.view] = (km_view_xform){2.5f, 0, -500};
    s.xforms = xf;
    same_picture("zoomed", &s);
}

/* The handout's order (marks_on_top): the patient's drawing over the
 * zones of the muscle it points to, not hidden under them; both painters
 * agree on it.  Without the flag (the window, issue 10) the drawing is
 * painted last of all, so it is never hidden either. */
static void test_marks_on_top(void **state)
{
    km_atlas *a = *state;
    km_scene s;
    km_scene_init(&s, a);
    int back = km_atlas_view_index(a, "back");
    select_muscle(&s, "upper_trapezius", KM_SIDE_RIGHT);
    km_vec2 pts[] = {{560, 330}, {620, 345}, {660, 370}};
    km_stroke st = {back, 25, false, pts, 3};
    s.strokes = &st, s.stroke_count = 1;
    s.view = back; /* the back alone, at a size where the hatch has room (no close-up beside it) */
    km_layout L;
    km_layout_compute(&L, &s, (km_rect){0, 0, W, H});
    int vi = -1;
    for (int i = 0; i < L.nviews; i++)
        if (L.v[i].view == back)
            vi = i;
    assert_true(vi >= 0);
    km_xform xf = L.v[vi].xf;
    int x0 = (int)(535 * xf.scale + xf.ox), x1 = (int)(685 * xf.scale + xf.ox);
    int y0 = (int)(305 * xf.scale + xf.oy), y1 = (int)(395 * xf.scale + xf.oy);
    long wine[2];
    for (int top = 0; top < 2; top++) {
        s.marks_on_top = top;
        km_canvas c;
        assert_true(km_canvas_init(&c, W, H));
        uint8_t *sil = malloc((size_t)W * H);
        assert_non_null(sil);
        km_paint_chart(&c, sil, &s, &L);
        /* pixels of the drawing's wine hatch (136, 34, 85): blue above
         * green, which no orange zone has */
        wine[top] = 0;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) {
                km_rgba k = km_canvas_get(&c, x, y);
                wine[top] += k.r > k.g + 60 && k.b > k.g + 20;
            }
        free(sil);
        km_canvas_release(&c);
    }
    printf("wine pixels over the stroke: window order %ld, handout order %ld\n", wine[0], wine[1]);
    assert_true(wine[1] >= 10 && wine[0] >= 10);
    s.marks_on_top = true;
    same_picture("marks-on-top", &s);
}

static int setup(void **state)
{
    *state = km_test_load_bundled();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    km_atlas_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_painters_stipple),
        cmocka_unit_test(test_painters_hatch),
        cmocka_unit_test(test_painters_erasable_layer),
        cmocka_unit_test(test_bare_body),
        cmocka_unit_test(test_muscles_and_area),
        cmocka_unit_test(test_drawing_with_eraser),
        cmocka_unit_test(test_zoomed_view),
        cmocka_unit_test(test_marks_on_top),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
