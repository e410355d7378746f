/*
 * test_drawing.c - the pain drawing's measures on marks with known answers.
 *
 * The fixture tests/data/good-minimal.json has a front view whose body is
 * the rectangle [300,700] x [100,1900] (40 x 180 = 7200 cells of 10 units)
 * and a square "temple" area [400,450] x [150,200] on the patient's right
 * (25 cells), mirrored to [550,600] x [150,200] for the left; the back view
 * has a midline "low_back" [400,600] x [900,1000].  A stroke of radius 5
 * along the cell centres paints exactly the cells it passes, so a zig-zag
 * over the five rows of the temple paints exactly its 25 cells.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/app.h"
#include "app/marks.h"
#include "core/drawing.h"
#include "km_test.h"

static int view_of(const km_atlas *a, const char *id) { return km_atlas_view_index(a, id); }

/* Zig-zag over rows y = 155..195 from x = 405 to 445: the right temple. */
static km_vec2 temple_pts[10];
static km_stroke temple_stroke(const km_atlas *a, bool erase, float radius)
{
    for (int row = 0; row < 5; row++) {
        float y = 155.0f + 10.0f * (float)row;
        temple_pts[2 * row] = (km_vec2){row % 2 ? 445.0f : 405.0f, y};
        temple_pts[2 * row + 1] = (km_vec2){row % 2 ? 405.0f : 445.0f, y};
    }
    return (km_stroke){view_of(a, "front"), radius, erase, temple_pts, 10};
}

static const km_drawing_area *touched(const km_atlas *a, const km_drawing_summary *s, const char *id,
                                      km_side side)
{
    for (int i = 0; i < s->area_count; i++) {
        const km_area *ar = &a->areas[s->areas[i].area];
        if (strcmp(ar->id, id) == 0 && ar->side == side)
            return &s->areas[i];
    }
    return NULL;
}

static void test_stroke_covering_one_area(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("good-minimal.json");
    assert_non_null(a);
    km_stroke st = temple_stroke(a, false, 5);
    km_drawing_summary s;
    assert_true(km_drawing_summarise(a, &st, 1, NULL, 0, &s));

    int front = view_of(a, "front");
    assert_int_equal(s.views[front].body_cells, 7200);
    assert_int_equal(s.views[front].marked_cells, 25);
    assert_true(fabs(s.views[front].extent - 25.0 / 7200.0) < 1e-12);
    assert_int_equal(s.views[view_of(a, "back")].marked_cells, 0);
    /* both views are body views: the extent is over their body cells together */
    int body = s.views[0].body_cells + s.views[1].body_cells;
    assert_true(fabs(s.extent - 25.0 / body) < 1e-12);

    /* exactly one area, the patient's right temple, fully covered; not the left */
    assert_int_equal(s.area_count, 1);
    const km_drawing_area *t = touched(a, &s, "temple", KM_SIDE_RIGHT);
    assert_non_null(t);
    assert_int_equal(t->cells, 25);
    assert_int_equal(t->marked, 25);
    assert_true(t->share == 1.0);
    assert_int_equal(t->max_pin, -1);
    assert_null(touched(a, &s, "temple", KM_SIDE_LEFT));
    assert_int_equal(s.regions, 1);
    assert_int_equal(s.pin_count, 0);
    assert_int_equal(s.pin_max, -1);
    km_drawing_summary_release(&s);
    km_atlas_free(a);
}

static void test_erased_stroke_counts_nothing(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("good-minimal.json");
    assert_non_null(a);
    km_stroke st[3] = {temple_stroke(a, false, 5)};
    /* an eraser through the same path, wider: nothing is left */
    st[1] = temple_stroke(a, true, 12);
    km_drawing_summary s;
    assert_true(km_drawing_summarise(a, st, 2, NULL, 0, &s));
    assert_int_equal(s.views[view_of(a, "front")].marked_cells, 0);
    assert_true(s.extent == 0);
    assert_int_equal(s.area_count, 0);
    assert_int_equal(s.regions, 0);
    km_drawing_summary_release(&s);

    /* order matters: paint after the eraser stays */
    st[0] = temple_stroke(a, true, 12);
    st[1] = temple_stroke(a, false, 5);
    assert_true(km_drawing_summarise(a, st, 2, NULL, 0, &s));
    assert_int_equal(s.views[view_of(a, "front")].marked_cells, 25);
    km_drawing_summary_release(&s);
    km_atlas_free(a);
}

static void test_pins_only(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("good-minimal.json");
    assert_non_null(a);
    int front = view_of(a, "front"), back = view_of(a, "back");
    km_pin pins[] = {
        {front, {425, 175}, 7}, /* right temple */
        {front, {430, 180}, 3}, /* right temple again, lower */
        {back, {500, 950}, 9},  /* low back */
        {front, {500, 1500}, 2} /* body, no area */
    };
    km_drawing_summary s;
    assert_true(km_drawing_summarise(a, NULL, 0, pins, 4, &s));
    /* pins add no skin */
    assert_true(s.extent == 0);
    assert_int_equal(s.views[front].marked_cells, 0);
    assert_int_equal(s.pin_count, 4);
    assert_true(fabs(s.pin_mean - 21.0 / 4.0) < 1e-12);
    assert_int_equal(s.pin_max, 9);
    assert_int_equal(s.area_count, 2);
    const km_drawing_area *t = touched(a, &s, "temple", KM_SIDE_RIGHT);
    assert_non_null(t);
    assert_int_equal(t->max_pin, 7);
    assert_true(t->share == 0);
    const km_drawing_area *lb = touched(a, &s, "low_back", KM_SIDE_MIDLINE);
    assert_non_null(lb);
    assert_int_equal(lb->max_pin, 9);
    assert_int_equal(lb->cells, 20 * 10);
    assert_int_equal(s.regions, 2);
    km_drawing_summary_release(&s);
    km_atlas_free(a);
}

/* The bundled atlas: a wide stroke across the back's shoulders marks both
 * sides' areas, some share of the body, and its regions are counted once
 * per side however many views show them. */
static void test_bundled_stroke(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    int back = view_of(a, "back");
    km_vec2 pts[] = {{380, 330}, {620, 330}};
    km_stroke st = {back, 30, false, pts, 2};
    km_drawing_summary s;
    assert_true(km_drawing_summarise(a, &st, 1, NULL, 0, &s));
    assert_true(s.views[back].extent > 0.005 && s.views[back].extent < 0.1);
    assert_true(s.area_count >= 2);
    bool right = false, left = false;
    for (int i = 0; i < s.area_count; i++) {
        right |= a->areas[s.areas[i].area].side == KM_SIDE_RIGHT;
        left |= a->areas[s.areas[i].area].side == KM_SIDE_LEFT;
        assert_true(s.areas[i].share > 0 && s.areas[i].share <= 1);
    }
    assert_true(right && left);
    assert_true(s.regions >= 2 && s.regions <= s.area_count);
    km_drawing_summary_release(&s);
    km_atlas_free(a);
}

/* The drawing's ranking in core (km_drawing_rank, which the clinician's
 * export reports) is the Mark pain list's: the same muscles, sides and
 * coverage in the same order as the app's, for a drawing with strokes, an
 * eraser and pins of different pain levels; in coverage order within each
 * zone band; and its red flags include the chest's. */
static void test_rank_matches_the_app(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    static const char marks[] =
        "{\"format\": \"knotmap-marks\", \"version\": 1,"
        " \"strokes\": [{\"view\": \"front\", \"radius\": 30, \"erase\": false, \"points\": [[430, 420], [470, 440], [520, 450]]},"
        "  {\"view\": \"front\", \"radius\": 10, \"erase\": true, \"points\": [[470, 400], [470, 480]]},"
        "  {\"view\": \"back\", \"radius\": 25, \"erase\": false, \"points\": [[560, 330], [620, 345], [660, 370]]}],"
        " \"pins\": [{\"view\": \"front\", \"at\": [470, 440], \"intensity\": 9}, {\"view\": \"back\", \"at\": [380, 1200], \"intensity\": 2}]}";
    km_marks m;
    km_marks_init(&m);
    km_diag d;
    km_diag_init(&d);
    assert_int_equal(km_marks_load_buffer("rank.json", marks, strlen(marks), a, &m, &d), 0);
    km_diag_release(&d);
    km_app_settings set;
    memset(&set, 0, sizeof set);
    set.start_mode = KM_MODE_EXPLORE;
    set.log_level = KM_LOG_ERROR;
    snprintf(set.export_dir, sizeof set.export_dir, "/tmp");
    km_app *app = calloc(1, sizeof *app);
    assert_non_null(app);
    km_app_init(app, a, &set, 1000);
    assert_true(km_app_open_marks(app, &m, "rank.json"));
    km_candidates c;
    km_candidates_init(&c);
    assert_true(km_drawing_rank(a, m.strokes, m.stroke_count, m.pins, m.pin_count, &c));
    assert_true(c.count >= 3);
    assert_int_equal(c.count, app->drawn.count);
    for (int i = 0; i < c.count; i++) {
        assert_int_equal(c.items[i].muscle, app->drawn.items[i].muscle);
        assert_int_equal(c.items[i].side, app->drawn.items[i].side);
        assert_float_equal(c.items[i].coverage, app->drawn.items[i].coverage, 1e-9);
        if (i > 0 && c.items[i].zone == c.items[i - 1].zone)
            assert_true(lround(c.items[i].coverage * 100) <= lround(c.items[i - 1].coverage * 100));
        if (i > 0)
            assert_false(c.items[i].zone == KM_ZONE_ESSENTIAL && c.items[i - 1].zone != KM_ZONE_ESSENTIAL);
    }
    km_drawing_summary sum;
    assert_true(km_drawing_summarise(a, m.strokes, m.stroke_count, m.pins, m.pin_count, &sum));
    int flags[8], n = km_drawing_red_flags(a, NULL, 0, &sum, flags, 8);
    bool chest = false;
    for (int i = 0; i < n; i++)
        chest |= strstr(a->red_flags[flags[i]].text, "heart attack") != NULL;
    assert_true(chest);
    /* a tapped area counts too, and nothing pointed at has no flag */
    assert_int_equal(km_drawing_red_flags(a, NULL, 0, NULL, flags, 8), 0);
    km_drawing_summary_release(&sum);
    /* nothing drawn ranks nothing */
    assert_true(km_drawing_rank(a, NULL, 0, NULL, 0, &c));
    assert_int_equal(c.count, 0);
    km_candidates_release(&c);
    km_app_release(app);
    free(app);
    km_marks_release(&m);
    km_atlas_free(a);
}

/* A saved marks file carries the summary, as the CLI prints it. */
static void test_marks_file_carries_summary(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_fixture("good-minimal.json");
    assert_non_null(a);
    km_stroke st = temple_stroke(a, false, 5);
    km_pin pin = {view_of(a, "front"), {425, 175}, 6};
    char dir[] = "/tmp/km-drawing-XXXXXX", path[64], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/marks.json", dir);
    assert_int_equal(km_marks_save(path, a, &st, 1, &pin, 1, NULL, 0, err, sizeof err), 0);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    assert_non_null(root);
    json_t *sum = json_object_get(root, "summary");
    assert_non_null(sum);
    assert_int_equal(json_integer_value(json_object_get(sum, "regions")), 1);
    json_t *ar = json_array_get(json_object_get(sum, "areas"), 0);
    assert_string_equal(json_string_value(json_object_get(ar, "id")), "temple");
    assert_string_equal(json_string_value(json_object_get(ar, "side")), "right");
    assert_true(json_real_value(json_object_get(ar, "share")) == 1.0);
    assert_int_equal(json_integer_value(json_object_get(ar, "max_pin")), 6);
    json_decref(root);
    /* and the file still loads as marks */
    km_marks m;
    km_diag d;
    km_diag_init(&d);
    assert_int_equal(km_marks_load(path, a, &m, &d), 0);
    assert_int_equal(m.stroke_count, 1);
    km_marks_release(&m);
    km_diag_release(&d);
    unlink(path);
    rmdir(dir);
    km_atlas_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stroke_covering_one_area),
        cmocka_unit_test(test_erased_stroke_counts_nothing),
        cmocka_unit_test(test_pins_only),
        cmocka_unit_test(test_bundled_stroke),
        cmocka_unit_test(test_marks_file_carries_summary),
        cmocka_unit_test(test_rank_matches_the_app),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
