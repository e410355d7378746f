/*
 * test_loader.c - the atlas loader against good and deliberately broken
 * data files.
 *
 * The broken files live in tests/data/bad/NAME.json, each with a sidecar
 * NAME.expect that lists, one per line, the problems the loader must
 * report:  "CODE /json/pointer" for content, "CODE LINE:COL" for syntax,
 * or a bare "CODE"; '#' starts a comment.  A file must be rejected with
 * exactly those problems (no more: a cascade of follow-on errors would
 * bury the real one).  Hostile inputs too big to commit (a million-deep
 * nesting, millions of values) are generated into a temporary file here.
 * Files are found through KM_TESTS_DIR and KM_DATA_DIR, never the cwd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart/layout.h"
#include "chart/paint.h"
#include "core/alloc.h"
#include "core/atlas.h"
#include "core/lookup.h"
#include "km_test.h"

/* ---- helpers ------------------------------------------------------------ */

static const char *tests_dir(void)
{
    const char *d = getenv("KM_TESTS_DIR");
    assert_non_null(d);
    return d;
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void print_diag(const km_diag *d)
{
    for (int i = 0; i < d->count; i++)
        print_message("    %s\n", d->items[i].text);
}

static bool diag_code_from_id(const char *id, km_diag_code *out)
{
    for (int c = 0; c < KM_E_COUNT; c++)
        if (strcmp(km_diag_code_id((km_diag_code)c), id) == 0) {
            *out = (km_diag_code)c;
            return true;
        }
    return false;
}

/* Does some entry match "CODE LOCATION"?  Location is a JSON pointer, or
 * LINE:COL for syntax, or empty for "anywhere". */
static bool diag_matches(const km_diag *d, km_diag_code code, const char *loc)
{
    char want[512] = "";
    if (loc[0] == '/')
        snprintf(want, sizeof want, ": error: %s: ", loc);
    else if (loc[0])
        snprintf(want, sizeof want, ":%s: error: ", loc);
    for (int i = 0; i < d->count; i++)
        if (d->items[i].code == code && strstr(d->items[i].text, want))
            return true;
    return false;
}

/* Checks one broken file against its .expect; returns the number of
 * checks made. */
static int check_bad_file(const char *json_path)
{
    size_t plen = strlen(json_path);
    char *expect_path = malloc(plen + 8);
    assert_non_null(expect_path);
    memcpy(expect_path, json_path, plen - 5);
    strcpy(expect_path + plen - 5, ".expect");
    FILE *f = fopen(expect_path, "r");
    if (!f)
        fail_msg("%s has no .expect sidecar", json_path);

    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load(json_path, &d);
    if (a)
        fail_msg("%s loaded, expected it to be rejected", json_path);

    char line[512];
    int expected = 0, checks = 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char id[64] = "", loc[400] = "";
        if (sscanf(line, "%63s %399s", id, loc) < 1)
            continue;
        km_diag_code code = KM_E_COUNT;
        if (!diag_code_from_id(id, &code))
            fail_msg("%s: unknown code \"%s\"", expect_path, id);
        if (!diag_matches(&d, code, loc)) {
            print_message("%s: expected [%s] at %s, got:\n", json_path, id, loc[0] ? loc : "(anywhere)");
            print_diag(&d);
            fail();
        }
        expected++;
        checks++;
    }
    fclose(f);
    if (expected == 0)
        fail_msg("%s lists no expected problem", expect_path);
    if (d.count != expected) {
        print_message("%s: expected exactly %d problem(s), got %d:\n", json_path, expected, d.count);
        print_diag(&d);
        fail();
    }
    checks++;
    km_diag_release(&d);
    free(expect_path);
    return checks;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static km_atlas *load_good_minimal(km_diag *d)
{
    char *p = path_join(tests_dir(), "data/good-minimal.json");
    km_atlas *a = km_atlas_load(p, d);
    if (!a)
        print_diag(d);
    free(p);
    return a;
}

/* Writes len bytes made by gen() to a temporary file, loads it, and
 * returns the diagnostics (atlas must be NULL). */
static void load_generated(void (*gen)(FILE *), km_diag *d)
{
    char path[] = "/tmp/km_loader_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    gen(f);
    assert_int_equal(fclose(f), 0);
    km_atlas *a = km_atlas_load(path, d);
    unlink(path);
    assert_null(a);
}

/* ---- broken files ------------------------------------------------------- */

static void test_bad_files(void **state)
{
    (void)state;
    char *dir = path_join(tests_dir(), "data/bad");
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) && n < 512) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(dh);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    int checks = 0;
    for (int i = 0; i < n; i++) {
        char *p = path_join(dir, names[i]);
        checks += check_bad_file(p);
        free(p);
        free(names[i]);
    }
    print_message("    %d broken files, %d checks\n", n, checks);
    assert_true(n >= 25);
    free(dir);
}

/* ---- fuzz regressions ---------------------------------------------------- */

/* What an atlas that loaded must survive: every view has a real canvas,
 * lookups anywhere on it and just off it, and the chart painted small. */
static void use_atlas(const km_atlas *a)
{
    km_candidates c;
    km_candidates_init(&c);
    for (int v = 0; v < a->view_count; v++) {
        const km_view *view = &a->views[v];
        assert_true(isfinite(view->width) && view->width >= 1 && isfinite(view->height) && view->height >= 1);
        for (int k = -1; k <= 5; k++) {
            km_vec2 p = {view->width * k / 4.0f, view->height * (4 - k) / 4.0f};
            km_lookup_point(a, v, p, &c);
        }
    }
    for (int m = 0; m < a->muscle_count; m++)
        assert_true(a->muscles[m].frequency > 0 && a->muscles[m].frequency <= 1);
    for (int i = 0; i < a->area_count; i++)
        km_lookup_area(a, i, &c);
    km_candidates_release(&c);
    km_scene s;
    km_scene_init(&s, a);
    for (int m = 0; m < a->muscle_count && s.sel_count < 3; m++)
        s.sel[s.sel_count++] = (km_scene_sel){m, KM_SIDE_RIGHT, s.sel_count};
    for (int i = 0; i < a->area_count && s.area_count < KM_SCENE_MAX_AREAS; i++)
        s.areas[s.area_count++] = i;
    km_layout L;
    km_layout_compute(&L, &s, (km_rect){0, 0, 160, 120});
    km_canvas cv;
    assert_true(km_canvas_init(&cv, 160, 120));
    uint8_t sil[160 * 120];
    km_paint_chart(&cv, sil, &s, &L);
    km_canvas_release(&cv);
}

/* tests/data/regress/atlas/: inputs that once crashed the loader or got
 * past it wrongly (tools/fuzz.sh puts the fuzzer's findings there).  Each
 * must give an atlas with no problem reported, or problems and no atlas,
 * as fuzz/fuzz_atlas.c demands; what loads must be usable. */
static void test_regress_files(void **state)
{
    (void)state;
    char *names[512];
    int n = km_test_list("data/regress/atlas", names, 512);
    assert_true(n >= 1);
    int loaded = 0;
    for (int i = 0; i < n; i++) {
        char rel[600], *p;
        snprintf(rel, sizeof rel, "data/regress/atlas/%s", names[i]);
        p = path_join(tests_dir(), rel);
        size_t len = 0;
        char *buf = km_test_read(p, &len);
        assert_non_null(buf);
        km_diag d;
        km_diag_init(&d);
        km_atlas *a = km_atlas_load_buffer(names[i], buf, len, &d);
        print_message("    %s: %s\n", names[i], a ? "loads" : d.count ? d.items[0].text : "refused");
        if (a && d.count)
            fail_msg("%s: loaded, yet problems were reported", names[i]);
        if (!a && d.count == 0 && d.dropped == 0)
            fail_msg("%s: refused without saying why", names[i]);
        if (a) {
            use_atlas(a);
            loaded++;
        }
        km_atlas_free(a);
        km_diag_release(&d);
        free(buf);
        free(p);
        free(names[i]);
    }
    print_message("    %d regression inputs, %d load\n", n, loaded);
}

static void gen_deep_arrays(FILE *f)
{
    for (int i = 0; i < 1000000; i++)
        fputc('[', f);
}

static void gen_deep_objects(FILE *f)
{
    for (int i = 0; i < 1000000; i++)
        fputs("{\"a\":", f);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    load_generated(gen_deep_arrays, &d);
    assert_int_equal(d.count, 1);
    assert_true(km_diag_has(&d, KM_E_SYNTAX));
    km_diag_clear(&d);
    load_generated(gen_deep_objects, &d);
    assert_int_equal(d.count, 1);
    assert_true(km_diag_has(&d, KM_E_SYNTAX));
    km_diag_release(&d);
}

static void gen_huge_array(FILE *f)
{
    fputs("{\"format\": \"knotmap-atlas\", \"version\": 1, \"sources\": [", f);
    for (int i = 0; i < 3000000; i++)
        fputs("0,", f);
    fputs("0]}", f);
}

static void gen_big_valid_array(FILE *f)
{
    /* 300 000 values: parsed, then refused by the per-list limit. */
    fputs("{\"format\": \"knotmap-atlas\", \"version\": 1, \"sources\": [", f);
    for (int i = 0; i < 300000; i++)
        fputs("\"s\",", f);
    fputs("\"s\"]}", f);
}

static void test_huge_arrays(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    load_generated(gen_huge_array, &d);
    assert_int_equal(d.count, 1);
    assert_true(km_diag_has(&d, KM_E_LIMIT));
    km_diag_clear(&d);
    load_generated(gen_big_valid_array, &d);
    assert_true(diag_matches(&d, KM_E_LIMIT, "/sources"));
    km_diag_release(&d);
}

static void test_missing_file(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    assert_null(km_atlas_load("/nonexistent/knotmap.json", &d));
    assert_int_equal(d.count, 1);
    assert_true(km_diag_has(&d, KM_E_IO));
    assert_non_null(strstr(d.items[0].text, "/nonexistent/knotmap.json"));
    km_diag_clear(&d);
    assert_null(km_atlas_load(tests_dir(), &d)); /* a folder */
    assert_true(km_diag_has(&d, KM_E_IO) || km_diag_has(&d, KM_E_SYNTAX));
    km_diag_release(&d);
    assert_null(km_atlas_load("/nonexistent/knotmap.json", NULL)); /* no diag list: still safe */
}

/* ---- the good file --------------------------------------------------------- */

static void test_good_minimal_loads(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = load_good_minimal(&d);
    assert_non_null(a);
    assert_int_equal(d.count, 0);
    assert_int_equal(a->version, KM_FORMAT_VERSION);
    assert_string_equal(a->data_version, "test.1");
    assert_int_equal(a->view_count, 2);
    assert_int_equal(a->stretch_count, 1);
    assert_int_equal(a->muscle_count, 2);
    assert_int_equal(a->education_count, 1);
    assert_int_equal(a->source_count, 1);
    /* temple (bilateral: two instances), low_back (midline), left_hip (left) */
    assert_int_equal(a->area_count, 4);
    assert_int_equal(km_atlas_view_index(a, "back"), 1);
    assert_int_equal(km_atlas_muscle_index(a, "mid_muscle"), 1);
    assert_int_equal(km_atlas_stretch_index(a, "side_bend"), 0);
    assert_int_equal(km_atlas_muscle_index(a, "nope"), -1);

    const km_stretch *s = &a->stretches[0];
    assert_int_equal(s->step_count, 2);
    assert_int_equal(s->hold_seconds, 30);
    assert_int_equal(s->repetitions, 3);

    const km_muscle *m = &a->muscles[0];
    assert_string_equal(m->group, "neck");
    assert_int_equal(m->layer, KM_LAYER_SUPERFICIAL);
    assert_true(fabsf(m->frequency - 0.9f) < 1e-6f);
    assert_int_equal(m->stretch_count, 1);
    assert_int_equal(m->stretches[0], 0);
    assert_int_equal(m->text.source_count, 1);
    assert_int_equal(a->muscles[1].layer, KM_LAYER_DEEP);
    km_atlas_free(a);
    km_diag_release(&d);
}

static void assert_mirrored_poly(const km_poly *r, const km_poly *l, float width)
{
    assert_int_equal(r->count, l->count);
    assert_true(fabsf(l->box.x0 - (width - r->box.x1)) < 1e-3f);
    assert_true(fabsf(l->box.x1 - (width - r->box.x0)) < 1e-3f);
    assert_true(fabsf(l->box.y0 - r->box.y0) < 1e-3f);
    assert_true(fabsf(l->box.y1 - r->box.y1) < 1e-3f);
    /* every point of the left one is the mirror of some point of the right one */
    for (int i = 0; i < l->count; i++) {
        bool found = false;
        for (int j = 0; j < r->count && !found; j++)
            found = fabsf(l->pts[i].x - (width - r->pts[j].x)) < 1e-3f && fabsf(l->pts[i].y - r->pts[j].y) < 1e-3f;
        assert_true(found);
    }
}

static void test_good_minimal_mirrors(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = load_good_minimal(&d);
    assert_non_null(a);
    const float w = a->views[1].width;
    assert_true(w == 1000.0f);

    const km_muscle *m = &a->muscles[0]; /* bilateral, written on the back view, x > 500 */
    assert_true(m->bilateral);
    assert_int_equal(m->shape_count, 2);
    assert_int_equal(m->shapes[0].side, KM_SIDE_RIGHT);
    assert_int_equal(m->shapes[1].side, KM_SIDE_LEFT);
    assert_int_equal(m->shapes[1].view, 1);
    assert_true(m->shapes[0].poly.box.x0 >= 600.0f - 1e-3f);   /* as written */
    assert_true(m->shapes[1].poly.box.x1 <= 400.0f + 1e-3f);   /* mirrored */
    assert_mirrored_poly(&m->shapes[0].poly, &m->shapes[1].poly, w);

    assert_int_equal(m->tp_count, 2);
    assert_int_equal(m->tps[0].side, KM_SIDE_RIGHT);
    assert_int_equal(m->tps[1].side, KM_SIDE_LEFT);
    assert_true(m->tps[0].at.x == 650.0f && m->tps[0].at.y == 350.0f);
    assert_true(m->tps[1].at.x == w - 650.0f && m->tps[1].at.y == 350.0f);
    assert_string_equal(m->tps[0].label, "TrP1");
    assert_string_equal(m->tps[1].label, "TrP1");

    assert_int_equal(m->zone_count, 4);
    int right = 0, left = 0;
    for (int i = 0; i < m->zone_count; i++) {
        const km_zone *z = &m->zones[i];
        right += z->side == KM_SIDE_RIGHT;
        left += z->side == KM_SIDE_LEFT;
        assert_true(z->area > 0);
        assert_true(fabs(z->area - km_poly_area(&z->poly)) < 1e-6);
    }
    assert_int_equal(right, 2);
    assert_int_equal(left, 2);
    assert_int_equal(m->zones[0].kind, KM_ZONE_ESSENTIAL);
    assert_true(fabs(m->zones[0].area - 3600.0) < 1e-3); /* a 60 x 60 square, not smoothed */
    assert_mirrored_poly(&m->zones[0].poly, &m->zones[1].poly, w);
    assert_int_equal(m->zones[1].kind, KM_ZONE_ESSENTIAL);
    assert_int_equal(m->zones[2].kind, KM_ZONE_SPILLOVER);
    assert_mirrored_poly(&m->zones[2].poly, &m->zones[3].poly, w);

    const km_muscle *mid = &a->muscles[1]; /* not bilateral: one midline instance each */
    assert_int_equal(mid->shape_count, 1);
    assert_int_equal(mid->shapes[0].side, KM_SIDE_MIDLINE);
    assert_int_equal(mid->tp_count, 1);
    assert_null(mid->tps[0].label);
    assert_int_equal(mid->zone_count, 1);

    /* Areas: the bilateral temple on the front view is written for the
     * patient's right (x < 500 on the front) and mirrored to the left. */
    int tr = km_atlas_area_index(a, "temple", KM_SIDE_RIGHT);
    int tl = km_atlas_area_index(a, "temple", KM_SIDE_LEFT);
    assert_true(tr >= 0 && tl >= 0 && tr != tl);
    assert_int_equal(a->areas[tr].side, KM_SIDE_RIGHT);
    assert_int_equal(a->areas[tl].side, KM_SIDE_LEFT);
    assert_true(a->areas[tr].centroid.x < 500.0f);
    assert_true(fabsf(a->areas[tl].centroid.x - (a->views[0].width - a->areas[tr].centroid.x)) < 1e-2f);
    assert_true(fabs(a->areas[tr].area - 2500.0) < 1e-3);
    assert_true(fabs(a->areas[tl].area - a->areas[tr].area) < 1e-3);
    assert_mirrored_poly(&a->areas[tr].poly, &a->areas[tl].poly, a->views[0].width);
    int lb = km_atlas_area_index(a, "low_back", KM_SIDE_RIGHT); /* a bare name finds the midline one */
    assert_true(lb >= 0);
    assert_int_equal(a->areas[lb].side, KM_SIDE_MIDLINE);
    assert_int_equal(km_atlas_area_index(a, "low_back", KM_SIDE_LEFT), -1);
    assert_int_equal(a->areas[km_atlas_area_index(a, "left_hip", KM_SIDE_LEFT)].side, KM_SIDE_LEFT);
    for (int i = 0; i < a->area_count; i++)
        assert_true(km_poly_contains(&a->areas[i].poly, a->areas[i].centroid));

    /* Landmarks: one bilateral line (two instances) and one midline line. */
    assert_int_equal(a->views[0].landmark_count, 3);
    assert_int_equal(a->views[1].landmark_count, 0);

    /* View kinds: "body" written out on the front, left to the default on the back. */
    assert_int_equal(a->views[0].kind, KM_VIEW_BODY);
    assert_int_equal(a->views[1].kind, KM_VIEW_BODY);
    km_atlas_free(a);
    km_diag_release(&d);
}

/* A stretch's photo is a path relative to the data file, resolved by the
 * loader to one that opens from here. */
static void test_photo_relative_to_the_data_file(void **state)
{
    (void)state;
    char *p = path_join(tests_dir(), "data/good-photo.json");
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load(p, &d);
    print_diag(&d);
    assert_non_null(a);
    assert_non_null(a->stretches[0].photo);
    char *want = path_join(tests_dir(), "data/photos/stretch.png");
    assert_string_equal(a->stretches[0].photo, want);
    assert_int_equal(access(a->stretches[0].photo, R_OK), 0);
    free(want);
    km_atlas_free(a);
    km_diag_release(&d);
    free(p);
}

static void test_good_minimal_smooths(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = load_good_minimal(&d);
    assert_non_null(a);
    /* front outline: "smooth": false, kept as its 4 corners */
    assert_int_equal(a->views[0].outline_count, 1);
    assert_int_equal(a->views[0].outline[0].count, 4);
    /* back outline: smooth by default, densified, and kept in the canvas */
    const km_poly *o = &a->views[1].outline[0];
    assert_true(o->count > 4);
    for (int i = 0; i < o->count; i++) {
        assert_true(o->pts[i].x >= 0 && o->pts[i].x <= a->views[1].width);
        assert_true(o->pts[i].y >= 0 && o->pts[i].y <= a->views[1].height);
    }
    /* the smooth spillover triangle is denser than its 3 control points */
    assert_true(a->muscles[0].zones[2].poly.count > 3);
    km_atlas_free(a);
    km_diag_release(&d);
}

/* A diamond whose smoothed curve bulges past the canvas edge must be
 * clamped back inside. */
static void test_smoothing_clamped(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"format\":\"knotmap-atlas\",\"version\":1,\"data_version\":\"t\",\"title\":\"t\","
        "\"views\":[{\"id\":\"v\",\"label\":\"V\",\"width\":100,\"height\":100,"
        "\"outline\":[{\"points\":[[0,0],[100,0],[100,100],[0,100]]}]}],"
        "\"stretches\":[],\"muscles\":[],\"areas\":[]}";
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_buffer("clamp.json", doc, sizeof doc - 1, &d);
    print_diag(&d);
    assert_non_null(a);
    const km_poly *o = &a->views[0].outline[0];
    assert_true(o->count > 4);
    for (int i = 0; i < o->count; i++)
        assert_true(o->pts[i].x >= 0 && o->pts[i].x <= 100 && o->pts[i].y >= 0 && o->pts[i].y <= 100);
    km_atlas_free(a);
    km_diag_release(&d);
}

/* Fibres are read with their shape and mirrored with it: a parallel
 * angle a becomes 180 - a on the left, a fan's point x becomes width - x;
 * a shape without "fibres" has none; "spacing" defaults to 1. */
static void test_fibres_read_and_mirrored(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"format\":\"knotmap-atlas\",\"version\":1,\"data_version\":\"t\",\"title\":\"t\","
        "\"views\":[{\"id\":\"back\",\"label\":\"Back\",\"width\":1000,\"height\":1000,"
        "\"outline\":[{\"points\":[[100,100],[900,100],[900,900],[100,900]],\"smooth\":false}]}],"
        "\"stretches\":[{\"id\":\"s\",\"name\":\"S\",\"steps\":[\"Do it.\"],\"hold_seconds\":30,"
        "\"repetitions\":3,\"cautions\":\"Gently.\"}],"
        "\"muscles\":[{\"id\":\"m\",\"name\":\"M\",\"group\":\"neck\",\"layer\":\"superficial\","
        "\"bilateral\":true,\"frequency\":0.5,\"stretches\":[\"s\"],"
        "\"shapes\":[{\"view\":\"back\",\"fibres\":{\"angle\":30,\"spacing\":2},"
        "\"points\":[[600,300],[700,300],[700,400],[600,400]]},"
        "{\"view\":\"back\",\"fibres\":{\"toward\":[720,650]},\"points\":[[600,500],[700,500],[650,600]]},"
        "{\"view\":\"back\",\"points\":[[600,700],[700,700],[650,800]]}],"
        "\"trigger_points\":[{\"view\":\"back\",\"at\":[650,350]}],"
        "\"zones\":[{\"view\":\"back\",\"kind\":\"essential\",\"points\":[[600,300],[700,300],[650,250]]}],"
        "\"text\":{\"summary\":\"a\",\"symptoms\":\"b\",\"causes\":\"c\",\"self_care\":\"d\","
        "\"see_clinician\":\"e\",\"sources\":[\"f\"]}}],"
        "\"areas\":[{\"id\":\"a\",\"label\":\"A\",\"view\":\"back\",\"points\":[[100,100],[900,100],[900,900],[100,900]],"
        "\"smooth\":false}]}";
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_buffer("fibres.json", doc, sizeof doc - 1, &d);
    print_diag(&d);
    assert_non_null(a);
    const km_muscle *m = &a->muscles[0];
    assert_int_equal(m->shape_count, 6);
    /* right, left, right, left, right, left */
    assert_int_equal(m->shapes[0].fibres.kind, KM_FIBRES_PARALLEL);
    assert_true(m->shapes[0].fibres.angle == 30.0f && m->shapes[0].fibres.spacing == 2.0f);
    assert_int_equal(m->shapes[1].side, KM_SIDE_LEFT);
    assert_int_equal(m->shapes[1].fibres.kind, KM_FIBRES_PARALLEL);
    assert_true(m->shapes[1].fibres.angle == 150.0f && m->shapes[1].fibres.spacing == 2.0f);
    assert_int_equal(m->shapes[2].fibres.kind, KM_FIBRES_FAN);
    assert_true(m->shapes[2].fibres.toward.x == 720.0f && m->shapes[2].fibres.toward.y == 650.0f);
    assert_true(m->shapes[2].fibres.spacing == 1.0f);
    assert_int_equal(m->shapes[3].fibres.kind, KM_FIBRES_FAN);
    assert_true(m->shapes[3].fibres.toward.x == 280.0f && m->shapes[3].fibres.toward.y == 650.0f);
    assert_int_equal(m->shapes[4].fibres.kind, KM_FIBRES_NONE);
    assert_int_equal(m->shapes[5].fibres.kind, KM_FIBRES_NONE);
    km_atlas_free(a);
    km_diag_release(&d);
}

/* ---- robustness ------------------------------------------------------------ */

/* Every proper prefix of the good file is broken JSON and is refused. */
static void test_every_truncation(void **state)
{
    (void)state;
    char *p = path_join(tests_dir(), "data/good-minimal.json");
    size_t len;
    char *buf = read_all(p, &len);
    assert_non_null(buf);
    size_t last = len;
    while (last > 0 && buf[last - 1] != '}')
        last--;
    km_diag d;
    km_diag_init(&d);
    for (size_t n = 0; n + 1 < last; n++) {
        km_diag_clear(&d);
        assert_null(km_atlas_load_buffer("cut.json", buf, n, &d));
        assert_int_equal(d.count, 1);
        assert_true(km_diag_has(&d, KM_E_SYNTAX));
    }
    km_diag_release(&d);
    free(buf);
    free(p);
}

/* Random byte damage: never a crash (the sanitizer build checks memory),
 * and the result is an atlas exactly when nothing was reported. */
static void test_byte_damage(void **state)
{
    (void)state;
    char *p = path_join(tests_dir(), "data/good-minimal.json");
    size_t len;
    char *buf = read_all(p, &len);
    assert_non_null(buf);
    char *copy = malloc(len);
    assert_non_null(copy);
    uint32_t seed = 12345;
    km_diag d;
    km_diag_init(&d);
    int rejected = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(copy, buf, len);
        for (int k = 0; k < 1 + round % 3; k++) {
            seed = seed * 1664525u + 1013904223u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1664525u + 1013904223u;
            copy[at] = (char)(seed >> 24);
        }
        km_diag_clear(&d);
        km_atlas *a = km_atlas_load_buffer("damaged.json", copy, len, &d);
        assert_true((a == NULL) == (d.count > 0));
        rejected += a == NULL;
        km_atlas_free(a);
    }
    assert_true(rejected > 1000); /* damage is almost always noticed */
    km_diag_release(&d);
    free(copy);
    free(buf);
    free(p);
}

/* SQLite-style: fail the Nth allocation for N = 0, 1, 2, ... until the load
 * succeeds; every failure must come back as NULL plus a report. */
static void test_allocation_failures(void **state)
{
    (void)state;
    char *p = path_join(tests_dir(), "data/good-minimal.json");
    size_t len;
    char *buf = read_all(p, &len);
    assert_non_null(buf);
    km_diag d;
    km_diag_init(&d);
    long n;
    km_atlas *a = NULL;
    for (n = 0; n < 100000 && !a; n++) {
        km_diag_clear(&d);
        km_alloc_fail_after(n);
        a = km_atlas_load_buffer("oom.json", buf, len, &d);
        km_alloc_fail_after(-1);
        if (!a)
            assert_true(km_diag_has(&d, KM_E_NOMEM));
    }
    assert_non_null(a);
    print_message("    loaded after failing each of the first %ld allocations\n", n - 1);
    assert_true(n > 50);
    km_atlas_free(a);
    km_diag_release(&d);
    free(buf);
    free(p);
}

/* The same on the error paths (a file with seven problems, read from
 * disk): every outcome is NULL with a report, never a crash or a leak. */
static void test_allocation_failures_bad_file(void **state)
{
    (void)state;
    char *p = path_join(tests_dir(), "data/bad/several-problems.json");
    km_diag d;
    km_diag_init(&d);
    long n;
    int full = 0;
    for (n = 0; n < 100000; n++) {
        km_diag_clear(&d);
        km_alloc_fail_after(n);
        km_atlas *a = km_atlas_load(p, &d);
        km_alloc_fail_after(-1);
        assert_null(a);
        assert_true(d.count > 0);
        if (!km_diag_has(&d, KM_E_NOMEM)) {
            full = d.count; /* enough memory: the full list of problems */
            break;
        }
    }
    assert_int_equal(full, 7);
    km_diag_release(&d);
    free(p);
}

static void gen_oversize(FILE *f)
{
    static char block[1 << 16];
    memset(block, ' ', sizeof block);
    for (int i = 0; i < 64 * 16 + 1; i++) /* 64 MiB + 64 KiB of spaces */
        fwrite(block, 1, sizeof block, f);
}

static void test_file_size_cap(void **state)
{
    (void)state;
    km_diag d;
    km_diag_init(&d);
    load_generated(gen_oversize, &d);
    assert_int_equal(d.count, 1);
    assert_true(km_diag_has(&d, KM_E_LIMIT));
    km_diag_release(&d);
}

static void test_bom_and_comments(void **state)
{
    (void)state;
    char *p = path_join(tests_dir(), "data/good-minimal.json");
    size_t len;
    char *buf = read_all(p, &len);
    assert_non_null(buf);
    char *bom = malloc(len + 3);
    assert_non_null(bom);
    memcpy(bom, "\xEF\xBB\xBF", 3);
    memcpy(bom + 3, buf, len);
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load_buffer("bom.json", bom, len + 3, &d); /* "_comment" keys are fine */
    print_diag(&d);
    assert_non_null(a);
    km_atlas_free(a);
    km_diag_release(&d);
    free(bom);
    free(buf);
    free(p);
}

/* ---- small helpers ------------------------------------------------------- */

static void test_parse_id_side(void **state)
{
    (void)state;
    char name[16];
    km_side side;
    assert_true(km_parse_id_side("temple", name, sizeof name, KM_SIDE_RIGHT, &side));
    assert_string_equal(name, "temple");
    assert_int_equal(side, KM_SIDE_RIGHT);
    assert_true(km_parse_id_side("temple:left", name, sizeof name, KM_SIDE_RIGHT, &side));
    assert_string_equal(name, "temple");
    assert_int_equal(side, KM_SIDE_LEFT);
    assert_true(km_parse_id_side("a:right", name, sizeof name, KM_SIDE_LEFT, &side));
    assert_int_equal(side, KM_SIDE_RIGHT);
    assert_false(km_parse_id_side("temple:up", name, sizeof name, KM_SIDE_RIGHT, &side));
    assert_false(km_parse_id_side(":left", name, sizeof name, KM_SIDE_RIGHT, &side));
    assert_false(km_parse_id_side("a_very_long_name_indeed", name, sizeof name, KM_SIDE_RIGHT, &side));
    assert_string_equal(km_side_name(KM_SIDE_LEFT), "left");
    assert_string_equal(km_side_name(KM_SIDE_MIDLINE), "midline");
    assert_string_equal(km_zone_kind_name(KM_ZONE_SPILLOVER), "spillover");
    assert_string_equal(km_layer_name(KM_LAYER_DEEP), "deep");
}

/* ---- the bundled data --------------------------------------------------- */

static void test_bundled_data(void **state)
{
    (void)state;
    const char *dir = getenv("KM_DATA_DIR");
    assert_non_null(dir);
    char *p = path_join(dir, "knotmap.json");
    FILE *f = fopen(p, "rb");
    if (!f) {
        free(p);
        skip();
    }
    fclose(f);
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load(p, &d);
    if (!a)
        print_diag(&d);
    assert_non_null(a);
    assert_true(km_atlas_view_index(a, "front") >= 0);
    assert_true(km_atlas_view_index(a, "back") >= 0);
    /* every bilateral muscle has as many left instances as right ones */
    for (int i = 0; i < a->muscle_count; i++) {
        const km_muscle *m = &a->muscles[i];
        int r = 0, l = 0;
        for (int k = 0; k < m->zone_count; k++) {
            r += m->zones[k].side == KM_SIDE_RIGHT;
            l += m->zones[k].side == KM_SIDE_LEFT;
        }
        assert_int_equal(r, l);
    }
    km_atlas_free(a);
    km_diag_release(&d);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_huge_arrays),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_good_minimal_loads),
        cmocka_unit_test(test_good_minimal_mirrors),
        cmocka_unit_test(test_good_minimal_smooths),
        cmocka_unit_test(test_photo_relative_to_the_data_file),
        cmocka_unit_test(test_smoothing_clamped),
        cmocka_unit_test(test_fibres_read_and_mirrored),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_byte_damage),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_allocation_failures_bad_file),
        cmocka_unit_test(test_file_size_cap),
        cmocka_unit_test(test_bom_and_comments),
        cmocka_unit_test(test_parse_id_side),
        cmocka_unit_test(test_bundled_data),
        cmocka_unit_test(test_regress_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
