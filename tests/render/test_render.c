/*
 * test_render.c - the draw routine on SDL's software renderer, headless.
 *
 * Pixels are read back from an ARGB8888 surface.  Text is kept out of
 * every comparison by drawing without a font (glyph rendering varies with
 * the installed fonts).  Positions come from the data, mapped through the
 * km_chart_view the renderer reports, so the tests hold for any atlas.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/atlas.h"
#include "core/scene.h"
#include "chart/layout.h"
#include "draw/render.h"
#include "draw/text.h"
#include "km_test.h"

/* Two views; one bilateral muscle written for the patient's right, with an
 * essential zone on each view, and its trigger point away from the zone. */
static const char k_fixture[] =
    "{\"format\": \"knotmap-atlas\", \"version\": 1, \"data_version\": \"t\", \"title\": \"T\","
    " \"views\": ["
    "  {\"id\": \"front\", \"label\": \"Front\", \"width\": 1000, \"height\": 2000,"
    "   \"outline\": [{\"points\": [[100,100],[900,100],[900,1900],[100,1900]], \"smooth\": false}]},"
    "  {\"id\": \"back\", \"label\": \"Back\", \"width\": 1000, \"height\": 2000,"
    "   \"outline\": [{\"points\": [[100,100],[900,100],[900,1900],[100,1900]], \"smooth\": false}]}],"
    " \"stretches\": [{\"id\": \"s\", \"name\": \"S\", \"steps\": [\"x\"], \"hold_seconds\": 30,"
    "   \"repetitions\": 3, \"cautions\": \"c\"}],"
    " \"muscles\": [{\"id\": \"side_muscle\", \"name\": \"Side muscle\", \"group\": \"neck\","
    "   \"layer\": \"superficial\", \"bilateral\": true, \"frequency\": 0.5, \"stretches\": [\"s\"],"
    "   \"shapes\": [{\"view\": \"front\", \"points\": [[200,500],[400,500],[400,900],[200,900]], \"smooth\": false},"
    "               {\"view\": \"back\", \"points\": [[600,500],[800,500],[800,900],[600,900]], \"smooth\": false}],"
    "   \"trigger_points\": [{\"view\": \"front\", \"at\": [300, 1100]}, {\"view\": \"back\", \"at\": [700, 1100]}],"
    "   \"zones\": [{\"view\": \"front\", \"kind\": \"essential\", \"points\": [[220,600],[380,600],[380,800],[220,800]], \"smooth\": false},"
    "              {\"view\": \"back\", \"kind\": \"essential\", \"points\": [[620,600],[780,600],[780,800],[620,800]], \"smooth\": false},"
    "              {\"view\": \"back\", \"kind\": \"spillover\", \"points\": [[620,1300],[780,1300],[780,1700],[620,1700]], \"smooth\": false}],"
    "   \"text\": {\"summary\": \"a\", \"symptoms\": \"b\", \"causes\": \"c\", \"self_care\": \"d\","
    "     \"see_clinician\": \"e\", \"sources\": [\"f\"]}}],"
    " \"areas\": [{\"id\": \"calf\", \"label\": \"Calf\", \"view\": \"back\", \"bilateral\": true,"
    "   \"points\": [[600,1750],[800,1750],[800,1880],[600,1880]], \"smooth\": false}]}";

/* One front view whose body is a rectangle: a superficial muscle inside
 * it, an essential zone across its right edge and a spillover zone across
 * its left edge (referral zones drawn a little past the skin, as real data
 * does at the arms and hands). */
static const char k_fixture_edge[] =
    "{\"format\": \"knotmap-atlas\", \"version\": 1, \"data_version\": \"t\", \"title\": \"T\","
    " \"views\": ["
    "  {\"id\": \"front\", \"label\": \"Front\", \"width\": 1000, \"height\": 2000,"
    "   \"outline\": [{\"points\": [[100,100],[900,100],[900,1900],[100,1900]], \"smooth\": false}]}],"
    " \"stretches\": [{\"id\": \"s\", \"name\": \"S\", \"steps\": [\"x\"], \"hold_seconds\": 30,"
    "   \"repetitions\": 3, \"cautions\": \"c\"}],"
    " \"muscles\": [{\"id\": \"edge_muscle\", \"name\": \"Edge muscle\", \"group\": \"neck\","
    "   \"layer\": \"superficial\", \"bilateral\": false, \"frequency\": 0.5, \"stretches\": [\"s\"],"
    "   \"shapes\": [{\"view\": \"front\", \"points\": [[200,400],[500,400],[500,900],[200,900]], \"smooth\": false}],"
    "   \"trigger_points\": [{\"view\": \"front\", \"at\": [250, 450]}],"
    "   \"zones\": [{\"view\": \"front\", \"kind\": \"essential\", \"points\": [[700,1000],[1000,1000],[1000,1300],[700,1300]], \"smooth\": false},"
    "              {\"view\": \"front\", \"kind\": \"spillover\", \"points\": [[0,1400],[300,1400],[300,1700],[0,1700]], \"smooth\": false}],"
    "   \"text\": {\"summary\": \"a\", \"symptoms\": \"b\", \"causes\": \"c\", \"self_care\": \"d\","
    "     \"see_clinician\": \"e\", \"sources\": [\"f\"]}}],"
    " \"areas\": [{\"id\": \"body\", \"label\": \"Body\", \"view\": \"front\", \"bilateral\": false,"
    "   \"points\": [[100,100],[900,100],[900,1900],[100,1900]], \"smooth\": false}]}";

typedef struct shot {
    SDL_Surface *surf;
    km_layout L; /* where the views are: the chart's own layout of the scene */
} shot;

static km_atlas *fixture_atlas(void)
{
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_buffer("fixture", k_fixture, sizeof k_fixture - 1, &d);
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "%s\n", d.items[i].text);
    km_diag_release(&d);
    assert_non_null(a);
    return a;
}

/* Render a scene w x h with no font; the caller frees shot.surf. */
static void render(const km_scene *s, int w, int h, shot *out)
{
    char err[256] = "";
    out->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(out->surf);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(out->surf);
    assert_non_null(r);
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    km_renderer *kr = km_renderer_create(r, NULL, err, sizeof err);
    assert_non_null(kr);
    int rc = km_render_draw(kr, s, (SDL_Rect){0, 0, w, h}, err, sizeof err);
    km_layout_compute(&out->L, s, (km_rect){0, 0, w, h});
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    SDL_RenderPresent(r);
    km_renderer_destroy(kr);
    SDL_DestroyRenderer(r);
}

static SDL_Color pixel(const SDL_Surface *s, int x, int y)
{
    assert_true(x >= 0 && y >= 0 && x < s->w && y < s->h);
    uint32_t v = ((const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * s->pitch))[x];
    return (SDL_Color){(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, (uint8_t)(v >> 24)};
}

static int cdist(SDL_Color a, SDL_Color b)
{
    int d = abs(a.r - b.r), e = abs(a.g - b.g), f = abs(a.b - b.b);
    return d > e ? (d > f ? d : f) : (e > f ? e : f);
}

static const km_chart_view *place_of(const shot *sh, int view)
{
    int i = km_layout_find(&sh->L, view);
    if (i >= 0)
        return &sh->L.v[i];
    return NULL;
}

static void map(const km_chart_view *p, km_vec2 v, int *x, int *y)
{
    *x = (int)floorf(v.x * p->xf.scale + p->xf.ox);
    *y = (int)floorf(v.y * p->xf.scale + p->xf.oy);
}

/* Draw with a renderer made by the caller, and lay out as it did. */
static int draw_shot(km_renderer *kr, const km_scene *s, int w, int h, shot *sh, char *err, size_t errlen)
{
    km_layout_compute(&sh->L, s, (km_rect){0, 0, w, h});
    return km_render_draw(kr, s, (SDL_Rect){0, 0, w, h}, err, errlen);
}

/* Keep the picture of a failed check, SDL-test style, and say where. */
static void keep_on_failure(const shot *sh, const char *name, bool failed)
{
    if (!failed)
        return;
    char path[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/knotmap-%s-actual.png", tmp && *tmp ? tmp : "/tmp", name);
    if (IMG_SavePNG(sh->surf, path) == 0)
        fprintf(stderr, "picture kept: %s\n", path);
}

static void select_muscle(km_scene *s, int m, km_side side)
{
    s->sel[0] = (km_scene_sel){m, side, 0};
    s->sel_count = 1;
}

/* Is an essential zone of this muscle/side drawn at its interior point? */
static int zone_hits(const km_atlas *a, const shot *sh, int m, km_side side, bool expect, int *checked)
{
    const km_muscle *mu = &a->muscles[m];
    SDL_Color pal = km_render_palette(0);
    int bad = 0;
    for (int z = 0; z < mu->zone_count; z++) {
        const km_zone *zn = &mu->zones[z];
        if (zn->kind != KM_ZONE_ESSENTIAL || zn->side != side)
            continue;
        const km_chart_view *p = place_of(sh, zn->view);
        if (!p)
            continue;
        km_vec2 at = km_poly_interior_point(&zn->poly);
        /* Skip points too close to an X mark or in a zone too small to
         * hold a solid pixel at this size. */
        bool near_tp = false;
        for (int t = 0; t < mu->tp_count; t++)
            if (mu->tps[t].view == zn->view && hypotf(mu->tps[t].at.x - at.x, mu->tps[t].at.y - at.y) * p->xf.scale < 24)
                near_tp = true;
        if (near_tp || zn->area * p->xf.scale * p->xf.scale < 60)
            continue;
        int x, y;
        map(p, at, &x, &y);
        SDL_Color c = pixel(sh->surf, x, y);
        bool coloured = cdist(c, pal) < 60;
        if (coloured != expect) {
            fprintf(stderr, "%s zone %d (%s): pixel (%d,%d) = %d,%d,%d, expected %s\n", mu->id, z,
                    km_side_name(side), x, y, c.r, c.g, c.b, expect ? "palette colour" : "no highlight");
            bad++;
        }
        (*checked)++;
    }
    return bad;
}

static void test_zone_where_data_puts_it(void **state)
{
    (void)state;
    km_atlas *a = fixture_atlas();
    km_scene s;
    km_scene_init(&s, a);
    shot off, on;
    render(&s, 900, 700, &off);
    select_muscle(&s, 0, KM_SIDE_RIGHT);
    render(&s, 900, 700, &on);
    int n = 0;
    int bad_on = zone_hits(a, &on, 0, KM_SIDE_RIGHT, true, &n);
    int bad_off = zone_hits(a, &off, 0, KM_SIDE_RIGHT, false, &n);
    keep_on_failure(&on, "zone-selected", bad_on != 0);
    keep_on_failure(&off, "zone-unselected", bad_off != 0);
    assert_int_equal(bad_on, 0);
    assert_int_equal(bad_off, 0);
    assert_int_equal(n, 4);
    SDL_FreeSurface(off.surf);
    SDL_FreeSurface(on.surf);
    km_atlas_free(a);
}

static void test_left_right_sides(void **state)
{
    (void)state;
    km_atlas *a = fixture_atlas();
    km_scene s;
    km_scene_init(&s, a);
    select_muscle(&s, 0, KM_SIDE_LEFT);
    shot sh;
    render(&s, 900, 700, &sh);
    SDL_Color pal = km_render_palette(0);
    const km_muscle *mu = &a->muscles[0];
    int checked = 0;
    for (int z = 0; z < mu->zone_count; z++) {
        const km_zone *zn = &mu->zones[z];
        if (zn->kind != KM_ZONE_ESSENTIAL)
            continue;
        const km_chart_view *p = place_of(&sh, zn->view);
        assert_non_null(p);
        int x, y;
        map(p, km_poly_interior_point(&zn->poly), &x, &y);
        float centre = a->views[zn->view].width * 0.5f * p->xf.scale + p->xf.ox;
        bool front = strcmp(a->views[zn->view].id, "front") == 0;
        bool coloured = cdist(pixel(sh.surf, x, y), pal) < 60;
        if (zn->side == KM_SIDE_LEFT) {
            /* Patient's left: viewer's right on the front, left on the back. */
            assert_true(front ? x > centre : x < centre);
            assert_true(coloured);
        } else {
            assert_true(front ? x < centre : x > centre);
            assert_false(coloured);
        }
        checked++;
    }
    assert_int_equal(checked, 4);
    SDL_FreeSurface(sh.surf);
    km_atlas_free(a);
}

/* The bundled data (or the loader's minimal fixture until it has
 * muscles): every muscle's essential zones appear at their place. */
static void test_real_data_zones(void **state)
{
    (void)state;
    char path[1024];
    km_atlas *a = NULL;
    const char *dirs[2] = {getenv("KM_DATA_DIR"), getenv("KM_TESTS_DIR")};
    const char *files[2] = {"knotmap.json", "data/good-minimal.json"};
    for (int i = 0; i < 2 && !a; i++) {
        if (!dirs[i])
            continue;
        snprintf(path, sizeof path, "%s/%s", dirs[i], files[i]);
        km_diag d;
        km_diag_init(&d);
        a = km_atlas_load(path, &d);
        km_diag_release(&d);
        if (a && a->muscle_count == 0) {
            km_atlas_free(a);
            a = NULL;
        }
    }
    if (!a)
        skip();
    /* One renderer for every muscle: this also runs the cached-body path. */
    int checked = 0, bad = 0;
    char err[256] = "";
    shot sh;
    sh.surf = SDL_CreateRGBSurfaceWithFormat(0, 1400, 1000, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(sh.surf);
    km_renderer *kr = km_renderer_create(r, NULL, err, sizeof err);
    assert_non_null(kr);
    for (int m = 0; m < a->muscle_count; m++) {
        km_scene s;
        km_scene_init(&s, a);
        km_side side = a->muscles[m].bilateral ? KM_SIDE_RIGHT : KM_SIDE_MIDLINE;
        select_muscle(&s, m, side);
        assert_int_equal(draw_shot(kr, &s, 1400, 1000, &sh, err, sizeof err),
                         0);
        int b = zone_hits(a, &sh, m, side, true, &checked);
        keep_on_failure(&sh, a->muscles[m].id, b != 0);
        bad += b;
    }
    /* With nothing selected, none of those places is highlighted. */
    km_scene none;
    km_scene_init(&none, a);
    none.open_details = ~0u; /* every close-up, as each muscle's own picture showed its own */
    assert_int_equal(draw_shot(kr, &none, 1400, 1000, &sh, err, sizeof err),
                     0);
    int unsel = 0, bad_unsel = 0;
    for (int m = 0; m < a->muscle_count; m++) {
        km_side side = a->muscles[m].bilateral ? KM_SIDE_RIGHT : KM_SIDE_MIDLINE;
        bad_unsel += zone_hits(a, &sh, m, side, false, &unsel);
    }
    keep_on_failure(&sh, "real-data-unselected", bad_unsel != 0);
    assert_int_equal(bad_unsel, 0);
    /* The close-ups sit in smaller cells when all are open than when a
     * muscle's own picture opened one, so a few tiny zones drop below the
     * size checked: nearly all samples are compared, not exactly as many. */
    assert_true(unsel > checked * 8 / 10);
    km_renderer_destroy(kr);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(sh.surf);
    fprintf(stderr, "%s: %d muscles, %d zone samples, %d wrong\n", path, a->muscle_count, checked, bad);
    assert_true(checked > 0);
    assert_int_equal(bad, 0);
    km_atlas_free(a);
}

/* Each view keeps its aspect and lies inside the output; the body is
 * skin-coloured at its middle and the paper is white outside. */
static void check_size(int w, int h)
{
    km_atlas *a = fixture_atlas();
    km_scene s;
    km_scene_init(&s, a);
    shot sh;
    render(&s, w, h, &sh);
    assert_int_equal(sh.L.nviews, a->view_count);
    for (int i = 0; i < sh.L.nviews; i++) {
        const km_chart_view *p = &sh.L.v[i];
        const km_view *v = &a->views[p->view];
        float x0 = p->xf.ox, y0 = p->xf.oy, x1 = v->width * p->xf.scale + p->xf.ox, y1 = v->height * p->xf.scale + p->xf.oy;
        assert_true(x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h);
        assert_true(fabsf((x1 - x0) / (y1 - y0) - v->width / v->height) < 0.01f);
        assert_true(x1 - x0 > w * 0.1f); /* actually uses the space */
        int x, y;
        map(p, (km_vec2){v->width / 2, v->height / 2}, &x, &y);
        SDL_Color skin = pixel(sh.surf, x, y);
        assert_true(skin.r > skin.b + 20); /* warm skin tone, not paper */
        map(p, (km_vec2){v->width * 0.02f, v->height / 2}, &x, &y);
        assert_int_equal(cdist(pixel(sh.surf, x, y), (SDL_Color){255, 255, 255, 255}), 0);
    }
    SDL_FreeSurface(sh.surf);
    km_atlas_free(a);
}

static void test_size_400(void **state)
{
    (void)state;
    check_size(400, 400);
}

static void test_size_4000(void **state)
{
    (void)state;
    check_size(4000, 4000);
}

/* A single view fills the space and the cached body gives the same picture
 * as a fresh one; changing the selection changes it. */
static void test_cache_and_single_view(void **state)
{
    (void)state;
    km_atlas *a = fixture_atlas();
    km_scene s;
    km_scene_init(&s, a);
    s.view = 1;
    char err[256];
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 600, 500, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(surf);
    km_renderer *kr = km_renderer_create(r, NULL, err, sizeof err);
    SDL_Rect rect = {0, 0, 600, 500};
    assert_int_equal(km_render_draw(kr, &s, rect, err, sizeof err), 0);
    km_layout L;
    km_layout_compute(&L, &s, (km_rect){0, 0, 600, 500});
    assert_int_equal(L.nviews, 1);
    assert_int_equal(L.v[0].view, 1);
    size_t bytes = (size_t)surf->pitch * surf->h;
    uint8_t *first = malloc(bytes);
    memcpy(first, surf->pixels, bytes);
    assert_int_equal(km_render_draw(kr, &s, rect, err, sizeof err), 0);
    assert_memory_equal(first, surf->pixels, bytes);
    select_muscle(&s, 0, KM_SIDE_RIGHT);
    assert_int_equal(km_render_draw(kr, &s, rect, err, sizeof err), 0);
    assert_true(memcmp(first, surf->pixels, bytes) != 0);
    s.sel_count = 0;
    km_renderer_invalidate(kr);
    assert_int_equal(km_render_draw(kr, &s, rect, err, sizeof err), 0);
    assert_memory_equal(first, surf->pixels, bytes);
    /* One-shot (the export's way: no body kept) draws the same picture,
     * every time it is asked, whatever was drawn before. */
    km_renderer_set_one_shot(kr, true);
    for (int k = 0; k < 2; k++) {
        SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
        SDL_RenderClear(r);
        assert_int_equal(km_render_draw(kr, &s, rect, err, sizeof err), 0);
        assert_memory_equal(first, surf->pixels, bytes);
    }
    /* Straight into the surface (the export's way): the same picture. */
    assert_int_equal(surf->pitch, 600 * 4);
    km_renderer_set_direct(kr, surf->pixels, 600, 500);
    SDL_RenderClear(r);
    assert_int_equal(km_render_draw(kr, &s, rect, err, sizeof err), 0);
    SDL_RenderPresent(r);
    assert_memory_equal(first, surf->pixels, bytes);
    free(first);
    km_renderer_destroy(kr);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
    km_atlas_free(a);
}

/* The window keeps the body without the deep layer and, beside it, that
 * body plus the deep layer's outlines: toggling paints only the outlines
 * once, then only copies.  What it shows must be exactly what a fresh
 * drawing (the export's way) shows, both ways and after toggling back. */
static void test_deep_toggle_matches_fresh_drawing(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    km_scene s;
    km_scene_init(&s, a);
    char err[256];
    const int W = 900, H = 600;
    SDL_Rect rect = {0, 0, W, H};
    SDL_Surface *win = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Surface *ref = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *rw = SDL_CreateSoftwareRenderer(win), *rr = SDL_CreateSoftwareRenderer(ref);
    km_renderer *kw = km_renderer_create(rw, NULL, err, sizeof err), *kf = km_renderer_create(rr, NULL, err, sizeof err);
    km_renderer_set_one_shot(kf, true);
    size_t bytes = (size_t)win->pitch * H;
    uint8_t *off = malloc(bytes);
    assert_int_equal(km_render_draw(kw, &s, rect, err, sizeof err), 0);
    memcpy(off, win->pixels, bytes);
    for (int round = 0; round < 2; round++) { /* the second round copies both bodies */
        s.show_deep = true;
        assert_int_equal(km_render_draw(kw, &s, rect, err, sizeof err), 0);
        assert_int_equal(km_render_draw(kf, &s, rect, err, sizeof err), 0);
        assert_memory_equal(win->pixels, ref->pixels, bytes);
        assert_true(memcmp(win->pixels, off, bytes) != 0); /* the deep layer shows */
        s.show_deep = false;
        assert_int_equal(km_render_draw(kw, &s, rect, err, sizeof err), 0);
        assert_memory_equal(win->pixels, off, bytes);
    }
    /* a new layout (another selection does not move the body; a zoom does):
     * the deep copy is made again for it */
    km_view_xform xf[KM_CHART_MAX_VIEWS];
    for (int i = 0; i < KM_CHART_MAX_VIEWS; i++)
        xf[i] = (km_view_xform){1, 0, 0};
    xf[0].zoom = 2;
    s.xforms = xf;
    s.show_deep = true;
    assert_int_equal(km_render_draw(kw, &s, rect, err, sizeof err), 0);
    assert_int_equal(km_render_draw(kf, &s, rect, err, sizeof err), 0);
    assert_memory_equal(win->pixels, ref->pixels, bytes);
    free(off);
    km_renderer_destroy(kw);
    km_renderer_destroy(kf);
    SDL_DestroyRenderer(rw);
    SDL_DestroyRenderer(rr);
    SDL_FreeSurface(win);
    SDL_FreeSurface(ref);
    km_atlas_free(a);
}

static void test_bad_input_fails_cleanly(void **state)
{
    (void)state;
    char err[256] = "";
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 64, 64, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(surf);
    km_renderer *kr = km_renderer_create(r, NULL, err, sizeof err);
    km_scene s;
    km_scene_init(&s, NULL);
    assert_int_equal(km_render_draw(kr, &s, (SDL_Rect){0, 0, 64, 64}, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    km_atlas *a = fixture_atlas();
    km_scene_init(&s, a);
    s.sel[0] = (km_scene_sel){12345, KM_SIDE_LEFT, 99}; /* out of range: ignored */
    s.sel_count = 1;
    s.areas[0] = -7;
    s.area_count = 1;
    assert_int_equal(km_render_draw(kr, &s, (SDL_Rect){0, 0, 64, 64}, err, sizeof err), 0);
    assert_int_equal(km_render_draw(kr, &s, (SDL_Rect){0, 0, 0, 64}, err, sizeof err), -1);
    /* Absurd zoom and pan, marks with non-finite points: drawn, no crash. */
    km_view_xform xf[2] = {{1e30f, 1e30f, -1e30f}, {NAN, INFINITY, 0}};
    km_vec2 pts[3] = {{NAN, 5}, {500, 1000}, {INFINITY, -INFINITY}};
    km_stroke st = {0, 1e20f, false, pts, 3};
    km_pin pin = {1, {NAN, NAN}, 99};
    s.xforms = xf;
    s.strokes = &st;
    s.stroke_count = 1;
    s.pins = &pin;
    s.pin_count = 1;
    s.hover_muscle = 0;
    s.hover_side = KM_SIDE_LEFT;
    assert_int_equal(km_render_draw(kr, &s, (SDL_Rect){0, 0, 64, 64}, err, sizeof err), 0);
    km_renderer_destroy(kr);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
    km_atlas_free(a);
}

/* Inside the spillover zone some pixels carry the dots and some show the
 * skin between them; the trigger point is a dark X; the pain area is
 * hatched (ink and gaps), all read in greyscale too. */
static void test_patterns_carry_meaning(void **state)
{
    (void)state;
    km_atlas *a = fixture_atlas();
    km_scene s;
    km_scene_init(&s, a);
    select_muscle(&s, 0, KM_SIDE_RIGHT);
    s.areas[0] = km_atlas_area_index(a, "calf", KM_SIDE_RIGHT);
    assert_true(s.areas[0] >= 0);
    s.area_count = 1;
    shot sh;
    render(&s, 1000, 1000, &sh);
    const km_muscle *mu = &a->muscles[0];
    bool failed = false;
    for (int z = 0; z < mu->zone_count; z++) {
        const km_zone *zn = &mu->zones[z];
        if (zn->kind != KM_ZONE_SPILLOVER || zn->side != KM_SIDE_RIGHT)
            continue;
        const km_chart_view *p = place_of(&sh, zn->view);
        int x0, y0, x1, y1, dots = 0, gaps = 0;
        map(p, (km_vec2){zn->poly.box.x0, zn->poly.box.y0}, &x0, &y0);
        map(p, (km_vec2){zn->poly.box.x1, zn->poly.box.y1}, &x1, &y1);
        for (int y = y0 + 2; y < y1 - 2; y++)
            for (int x = x0 + 2; x < x1 - 2; x++) {
                SDL_Color c = pixel(sh.surf, x, y);
                int grey = (c.r * 30 + c.g * 59 + c.b * 11) / 100;
                dots += grey < 150;
                gaps += grey > 215;
            }
        int n = (x1 - x0 - 4) * (y1 - y0 - 4);
        fprintf(stderr, "spillover: %d px, %d dark, %d light\n", n, dots, gaps);
        failed |= !(dots > n / 12 && gaps > n / 3);
    }
    for (int t = 0; t < mu->tp_count; t++) {
        const km_trigger_point *tp = &mu->tps[t];
        if (tp->side != KM_SIDE_RIGHT)
            continue;
        int x, y;
        map(place_of(&sh, tp->view), tp->at, &x, &y);
        SDL_Color c = pixel(sh.surf, x, y);
        failed |= !(c.r < 60 && c.g < 60 && c.b < 60);
    }
    const km_area *ar = &a->areas[s.areas[0]];
    const km_chart_view *p = place_of(&sh, ar->view);
    int x0, y0, x1, y1, ink = 0, skin = 0;
    map(p, (km_vec2){ar->poly.box.x0, ar->poly.box.y0}, &x0, &y0);
    map(p, (km_vec2){ar->poly.box.x1, ar->poly.box.y1}, &x1, &y1);
    for (int y = y0 + 3; y < y1 - 3; y++)
        for (int x = x0 + 3; x < x1 - 3; x++) {
            SDL_Color c = pixel(sh.surf, x, y);
            ink += c.g < 120;
            skin += c.g > 200;
        }
    fprintf(stderr, "pain area: %d hatch, %d skin\n", ink, skin);
    failed |= !(ink > 20 && skin > 20);
    keep_on_failure(&sh, "patterns", failed);
    assert_false(failed);
    SDL_FreeSurface(sh.surf);
    km_atlas_free(a);
}

/* A close-up frames the selection: zoomed in, the zone still drawn in its
 * cell, and nothing to frame without a selection. */
static void test_focus(void **state)
{
    (void)state;
    km_atlas *a = fixture_atlas();
    km_scene s;
    km_scene_init(&s, a);
    s.view = 0;
    km_view_xform xf[2] = {{1, 0, 0}, {1, 0, 0}};
    assert_false(km_layout_focus(&s, 0, 0.2f, 3.0f, &xf[0]));
    select_muscle(&s, 0, KM_SIDE_LEFT);
    assert_true(km_layout_focus(&s, 0, 0.2f, 3.0f, &xf[0]));
    assert_true(xf[0].zoom > 1.5f && xf[0].zoom <= 3.0f);
    s.xforms = xf;
    shot sh;
    render(&s, 800, 800, &sh);
    int bad = zone_hits(a, &sh, 0, KM_SIDE_LEFT, true, &(int){0});
    const km_chart_view *p = place_of(&sh, 0);
    assert_non_null(p);
    for (int z = 0; z < a->muscles[0].zone_count; z++) {
        const km_zone *zn = &a->muscles[0].zones[z];
        if (zn->view != 0 || zn->side != KM_SIDE_LEFT)
            continue;
        int x, y;
        map(p, km_poly_interior_point(&zn->poly), &x, &y);
        assert_true(x >= p->cell.x && x < p->cell.x + p->cell.w && y >= p->cell.y && y < p->cell.y + p->cell.h);
    }
    keep_on_failure(&sh, "focus", bad != 0);
    assert_int_equal(bad, 0);
    SDL_FreeSurface(sh.surf);
    km_atlas_free(a);
}

/* Fonts: a named file that is missing is reported with its path and the
 * reason; wrapping breaks at spaces and uses more lines when narrower. */
static void test_text_font_and_wrap(void **state)
{
    (void)state;
    char file[1024], err[512] = "";
    assert_false(km_font_find("/no/such/font.ttf", file, sizeof file, err, sizeof err));
    assert_non_null(strstr(err, "/no/such/font.ttf"));
    assert_non_null(strstr(err, "No such file"));
    assert_null(km_font_open("/etc/hostname", err, sizeof err)); /* not a font */
    assert_non_null(strstr(err, "/etc/hostname"));
    if (!km_font_find(NULL, file, sizeof file, err, sizeof err))
        skip(); /* no fonts installed on this machine */
    km_font *f = km_font_open(file, err, sizeof err);
    assert_non_null(f);
    const char *t = "Tight muscles in the neck often send pain to the head.";
    int w1 = 0, h1 = 0;
    km_text_size(f, t, 16, false, &w1, &h1);
    assert_true(w1 > 100 && h1 > 10);
    int wide = km_text_draw_wrapped(NULL, f, t, 16, 0, 0, w1 + 10, (SDL_Color){0, 0, 0, 255}, false);
    int narrow = km_text_draw_wrapped(NULL, f, t, 16, 0, 0, w1 / 3, (SDL_Color){0, 0, 0, 255}, false);
    assert_true(wide > 0);
    assert_true(narrow >= 3 * wide);
    int bw = 0;
    km_text_size(f, t, 16, true, &bw, NULL);
    assert_true(bw >= w1); /* a bold face (or synthetic bold) is never narrower */
    km_font_close(f);
}

static int grey(SDL_Color c)
{
    return (c.r * 30 + c.g * 59 + c.b * 11) / 100;
}

static SDL_Color pixel_at(const shot *sh, km_vec2 v)
{
    int x, y;
    map(place_of(sh, 0), v, &x, &y);
    return pixel(sh->surf, x, y);
}

/* Muscles are drawn as muscles: a warm tint darker than bare skin, yet
 * light enough for every overlay to stay dominant in greyscale. */
static void test_muscles_tinted(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_buffer("edge", k_fixture_edge, sizeof k_fixture_edge - 1, &d);
    km_diag_release(&d);
    assert_non_null(a);
    km_scene s;
    km_scene_init(&s, a);
    shot sh;
    render(&s, 700, 900, &sh);
    SDL_Color muscle = pixel_at(&sh, (km_vec2){350, 650}), skin = pixel_at(&sh, (km_vec2){700, 600});
    fprintf(stderr, "muscle %d,%d,%d (grey %d), skin %d,%d,%d (grey %d)\n", muscle.r, muscle.g, muscle.b,
            grey(muscle), skin.r, skin.g, skin.b, grey(skin));
    bool failed = !(muscle.r > muscle.b + 20 && skin.r > skin.b + 20); /* both warm, neither paper */
    failed |= !(grey(muscle) + 6 < grey(skin));                         /* the muscle reads on the skin */
    failed |= !(grey(muscle) > 190);                                     /* and stays light */
    keep_on_failure(&sh, "muscle-tint", failed);
    assert_false(failed);
    SDL_FreeSurface(sh.surf);
    km_atlas_free(a);
}

/* Zones and the selected muscle stay inside the body: where a zone runs
 * past the outline the paper stays white; inside, the zone is drawn.  The
 * selected muscle is tinted in its colour but not taken for its solid
 * essential zone. */
static void test_zones_kept_in_body(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_buffer("edge", k_fixture_edge, sizeof k_fixture_edge - 1, &d);
    km_diag_release(&d);
    assert_non_null(a);
    km_scene s;
    km_scene_init(&s, a);
    shot off;
    render(&s, 700, 900, &off);
    select_muscle(&s, 0, KM_SIDE_MIDLINE);
    shot sh;
    render(&s, 700, 900, &sh);
    SDL_Color pal = km_render_palette(0), white = {255, 255, 255, 255};
    bool failed = false;
    /* Essential zone: solid inside the outline, paper beyond it. */
    failed |= !(cdist(pixel_at(&sh, (km_vec2){800, 1150}), pal) < 60);
    for (float x = 930; x <= 990; x += 20)
        failed |= cdist(pixel_at(&sh, (km_vec2){x, 1150}), white) != 0;
    /* Spillover zone: dots inside, none on the paper left of the body. */
    const km_chart_view *p = place_of(&sh, 0);
    int x0, y0, x1, y1, xb, dots_in = 0, marks_out = 0;
    map(p, (km_vec2){0, 1400}, &x0, &y0);
    map(p, (km_vec2){300, 1700}, &x1, &y1);
    map(p, (km_vec2){100, 1400}, &xb, &y0);
    for (int y = y0 + 2; y < y1 - 2; y++) {
        for (int x = x0; x < xb - 2; x++)
            marks_out += cdist(pixel(sh.surf, x, y), white) != 0;
        for (int x = xb + 4; x < x1 - 2; x++)
            dots_in += grey(pixel(sh.surf, x, y)) < 150;
    }
    fprintf(stderr, "spillover: %d dots inside, %d marks outside the body\n", dots_in, marks_out);
    failed |= !(dots_in > 20) || marks_out != 0;
    /* The selected muscle: nearer its colour than unselected, and not solid. */
    km_vec2 mid = {400, 700};
    SDL_Color m_on = pixel_at(&sh, mid), m_off = pixel_at(&off, mid);
    fprintf(stderr, "muscle: %d,%d,%d selected, %d,%d,%d not\n", m_on.r, m_on.g, m_on.b, m_off.r, m_off.g,
            m_off.b);
    failed |= !(cdist(m_on, pal) + 30 < cdist(m_off, pal)) || cdist(m_on, pal) < 60;
    keep_on_failure(&sh, "zones-in-body", failed);
    assert_false(failed);
    SDL_FreeSurface(sh.surf);
    SDL_FreeSurface(off.surf);
    km_atlas_free(a);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zone_where_data_puts_it),
        cmocka_unit_test(test_left_right_sides),
        cmocka_unit_test(test_patterns_carry_meaning),
        cmocka_unit_test(test_real_data_zones),
        cmocka_unit_test(test_muscles_tinted),
        cmocka_unit_test(test_zones_kept_in_body),
        cmocka_unit_test(test_size_400),
        cmocka_unit_test(test_size_4000),
        cmocka_unit_test(test_cache_and_single_view),
        cmocka_unit_test(test_deep_toggle_matches_fresh_drawing),
        cmocka_unit_test(test_bad_input_fails_cleanly),
        cmocka_unit_test(test_text_font_and_wrap),
        cmocka_unit_test(test_focus),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    SDL_Quit();
    return rc;
}
