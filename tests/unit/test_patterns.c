/*
 * test_patterns.c - the compared muscles' slots differ by more than colour
 * (colour-blind users, a greyscale print): each slot's pattern
 * (km_paint_slot_pattern) over one colour, the key's swatches as the chart
 * paints them, and a muscle's essential zone on the chart, all compared in
 * luminance with each picture's mean taken out, so that two slots that
 * differed only by colour would read as the same.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chart/layout.h"
#include "chart/paint.h"
#include "km_test.h"

static km_atlas *atlas;

static double lum(km_rgba c)
{
    return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

/* The structure of an n x n square at (x, y): its luminance less its mean. */
static void structure(const km_canvas *c, int x, int y, int n, double *out)
{
    double mean = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            mean += out[j * n + i] = lum(km_canvas_get(c, x + i, y + j));
    mean /= n * n;
    for (int k = 0; k < n * n; k++)
        out[k] -= mean;
}

/* Mean absolute difference of two structures (luminance levels). */
static double apart(const double *a, const double *b, int n)
{
    double d = 0;
    for (int k = 0; k < n * n; k++)
        d += fabs(a[k] - b[k]);
    return d / (n * n);
}

/* Every slot's pattern painted over the same colour: pairwise distinct in
 * grey.  (Before patterns, all eight were the one flat square.) */
static void test_slot_patterns_differ_in_grey(void **state)
{
    (void)state;
    enum { N = 48 };
    static double st[KM_SCENE_MAX_SELECTED][N * N];
    km_canvas c;
    assert_true(km_canvas_init(&c, N, N));
    km_vec2 sq[4] = {{0, 0}, {N, 0}, {N, N}, {0, N}};
    km_poly p = {.pts = sq, .count = 4};
    const km_rgba one = {0, 114, 178, 225}, white = {255, 255, 255, 215};
    for (int k = 0; k < KM_SCENE_MAX_SELECTED; k++) {
        km_canvas_clear(&c, (km_rgba){246, 226, 210, 255});
        km_canvas_fill(&c, &p, 1, (km_xform){1, 0, 0}, (km_paint){KM_PAINT_SOLID, one, 0, 0});
        km_paint pat = km_paint_slot_pattern(k, white, 10.0f);
        if (pat.kind != KM_PAINT_SOLID)
            km_canvas_fill(&c, &p, 1, (km_xform){1, 0, 0}, pat);
        structure(&c, 0, 0, N, st[k]);
    }
    for (int a = 0; a < KM_SCENE_MAX_SELECTED; a++)
        for (int b = a + 1; b < KM_SCENE_MAX_SELECTED; b++) {
            double d = apart(st[a], st[b], N);
            if (d < 8)
                fail_msg("slots %d and %d differ by %.1f luminance levels over one colour (want 8 or more)", a, b, d);
        }
    km_canvas_release(&c);
}

/* The key's swatches, painted by the chart's own routine for eight
 * compared muscles: pairwise distinct in grey, and each with the letter
 * its Xs carry in the key's words. */
static void test_key_swatches_differ_in_grey(void **state)
{
    (void)state;
    km_scene s;
    km_scene_init(&s, atlas);
    for (int k = 0; k < KM_SCENE_MAX_SELECTED; k++)
        s.sel[s.sel_count++] = (km_scene_sel){k, KM_SIDE_RIGHT, k};
    km_layout L;
    km_layout_compute(&L, &s, (km_rect){0, 0, 1600, 1000});
    assert_true(L.legend.w > 0);
    km_canvas c;
    assert_true(km_canvas_init(&c, 1600, 1000));
    km_canvas_clear(&c, (km_rgba){255, 255, 255, 255});
    km_paint_legend(&c, &s, &L);
    km_legend_geom g = km_paint_legend_geom(&L);
    int nf = km_layout_legend_fixed(&s, NULL), n = g.sw - 4;
    assert_true(n >= 12);
    double *st = calloc((size_t)KM_SCENE_MAX_SELECTED * n * n, sizeof *st);
    assert_non_null(st);
    for (int k = 0; k < KM_SCENE_MAX_SELECTED; k++) {
        int x, y;
        km_paint_legend_slot(&L, &g, nf + k, &x, &y);
        y += (g.row_h - g.sw) / 2;
        structure(&c, x + 2, y + 2, n, st + (size_t)k * n * n);
        char buf[256], want[4] = {km_paint_slot_letter(k), 0};
        assert_true(strncmp(km_layout_legend_text(&s, nf + k, buf, sizeof buf), want, 1) == 0);
    }
    for (int a = 0; a < KM_SCENE_MAX_SELECTED; a++)
        for (int b = a + 1; b < KM_SCENE_MAX_SELECTED; b++) {
            double d = apart(st + (size_t)a * n * n, st + (size_t)b * n * n, n);
            if (d < 6)
                fail_msg("key swatches %d and %d differ by %.1f luminance levels in grey (want 6 or more)", a, b, d);
        }
    free(st);
    km_canvas_release(&c);
}

/* A muscle's essential zone on the chart carries its slot's pattern: plain
 * for slot 0, lined for slot 3 (the luminance inside the zone varies). */
static void test_zone_carries_pattern(void **state)
{
    (void)state;
    int m = km_atlas_muscle_index(atlas, "upper_trapezius");
    assert_true(m >= 0);
    const km_muscle *mu = &atlas->muscles[m];
    double spread[2];
    for (int t = 0; t < 2; t++) {
        km_scene s;
        km_scene_init(&s, atlas);
        s.legend = false;
        s.sel[s.sel_count++] = (km_scene_sel){m, KM_SIDE_RIGHT, t == 0 ? 0 : 3};
        km_layout L;
        km_layout_compute(&L, &s, (km_rect){0, 0, 1600, 1000});
        km_canvas c;
        assert_true(km_canvas_init(&c, 1600, 1000));
        uint8_t *sil = calloc(1600 * 1000, 1);
        assert_non_null(sil);
        km_paint_chart(&c, sil, &s, &L);
        /* the luminance at pixels inside the largest essential zone on a shown view, off its Xs */
        double sum = 0, sum2 = 0;
        int n = 0;
        for (int z = 0; z < mu->zone_count; z++) {
            const km_zone *zn = &mu->zones[z];
            int i = km_layout_find(&L, zn->view);
            if (zn->kind != KM_ZONE_ESSENTIAL || i < 0 || (zn->side != KM_SIDE_RIGHT && zn->side != KM_SIDE_MIDLINE))
                continue;
            for (float y = zn->poly.box.y0; y <= zn->poly.box.y1; y += 2)
                for (float x = zn->poly.box.x0; x <= zn->poly.box.x1; x += 2) {
                    km_vec2 p = {x, y};
                    bool near_x = false;
                    for (int k = 0; k < mu->tp_count; k++)
                        near_x |= fabsf(mu->tps[k].at.x - x) < 60 && fabsf(mu->tps[k].at.y - y) < 60;
                    if (near_x || !km_poly_contains(&zn->poly, p))
                        continue;
                    km_vec2 q = km_layout_to_screen(&L, i, p);
                    int px = (int)q.x, py = (int)q.y;
                    if (sil[py * 1600 + px] < 255)
                        continue; /* at the skin's edge */
                    double v = lum(km_canvas_get(&c, px, py));
                    sum += v, sum2 += v * v, n++;
                }
        }
        assert_true(n > 50);
        spread[t] = sqrt(fmax(0, sum2 / n - (sum / n) * (sum / n)));
        free(sil);
        km_canvas_release(&c);
    }
    print_message("essential zone's luminance spread: slot 0 %.1f, slot 3 %.1f\n", spread[0], spread[1]);
    assert_true(spread[1] > spread[0] + 15);
}

static int setup(void **state)
{
    (void)state;
    atlas = km_test_load_bundled();
    return atlas ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    km_atlas_free(atlas);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slot_patterns_differ_in_grey),
        cmocka_unit_test(test_key_swatches_differ_in_grey),
        cmocka_unit_test(test_zone_carries_pattern),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
