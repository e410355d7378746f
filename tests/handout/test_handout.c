/*
 * test_handout.c - the handout PDF for upper trapezius with a pain drawing:
 * A4 (or Letter) pages by pdfinfo; the muscle's name, its stretches' names,
 * the pain summary and the clinician's notes found by pdftotext; every
 * word inside the page's margins and each stretch card on one page (word
 * boxes from pdftotext -bbox).  Needs poppler-utils (tools/dev.sh installs
 * it).
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
#include <unistd.h>

#include "chart/illustration.h"
#include "core/lookup.h"
#include "handout/handout.h"
#include "km_test.h"

static char tmpdir[] = "/tmp/km-handout-XXXXXX";
/* KM_KEEP_HANDOUT=1 keeps the PDFs (path printed) to look at. */

/* Run a shell command, return its stdout (malloc'd, NUL-terminated). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 >= cap) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = 0;
    assert_int_equal(pclose(p), 0);
    return out;
}

static void chart_stub(void *ctx, cairo_t *cr, double w, double h)
{
    int *calls = ctx;
    (*calls)++;
    cairo_set_source_rgb(cr, 0.9, 0.8, 0.75);
    cairo_rectangle(cr, w * 0.3, h * 0.05, w * 0.4, h * 0.9);
    cairo_fill(cr);
}

static int write_handout(const km_atlas *a, km_paper paper, const char *path, int *chart_calls)
{
    int m = km_atlas_muscle_index(a, "upper_trapezius");
    assert_true(m >= 0);
    km_scene_sel sel = {.muscle = m, .side = KM_SIDE_LEFT};
    int back = km_atlas_view_index(a, "back");
    km_vec2 pts[] = {{380, 330}, {450, 320}};
    km_stroke st = {back, 25, false, pts, 2};
    km_pin pin = {back, {400, 330}, 8};
    km_drawing_summary sum;
    assert_true(km_drawing_summarise(a, &st, 1, &pin, 1, &sum));
    km_candidate cand = {.muscle = m, .side = KM_SIDE_LEFT, .zone = KM_ZONE_ESSENTIAL, .score = 0.9};
    km_handout h = {
        .atlas = a, .muscles = &sel, .muscle_count = 1, .candidates = &cand, .candidate_count = 1,
        .summary = &sum, .title = "Pain map for the left neck and shoulder",
        .notes = "Stretch twice a day for two weeks, then come back for a review.", .date = "2026-11-25",
        .clinic_name = "Riverside Physiotherapy", .clinic_contact = "01234 567890", .paper = paper,
        .draw_chart = chart_stub, .chart_ctx = chart_calls,
    };
    km_bytes pdf = {0};
    char err[256];
    int pages = km_handout_pdf(&h, &pdf, err, sizeof err);
    km_drawing_summary_release(&sum);
    assert_true(pages >= 2);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf.data, 1, pdf.len, f), pdf.len);
    fclose(f);
    km_bytes_release(&pdf);
    return pages;
}

static void test_a4_contents(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    char path[128], cmd[512];
    snprintf(path, sizeof path, "%s/a4.pdf", tmpdir);
    int calls = 0;
    int pages = write_handout(a, KM_PAPER_A4, path, &calls);
    assert_int_equal(calls, 1);

    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", path);
    char *info = run(cmd);
    assert_non_null(strstr(info, "595.276 x 841.89 pts (A4)"));
    const char *pl = strstr(info, "Pages:");
    assert_non_null(pl);
    assert_int_equal(atoi(pl + 6), pages);
    free(info);

    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    char *text = run(cmd);
    int m = km_atlas_muscle_index(a, "upper_trapezius");
    assert_non_null(strstr(text, a->muscles[m].name));
    for (int i = 0; i < a->muscles[m].stretch_count; i++)
        assert_non_null(strstr(text, a->stretches[a->muscles[m].stretches[i]].name));
    assert_non_null(strstr(text, "Your pain drawing"));
    assert_non_null(strstr(text, "of the body, in"));
    assert_non_null(strstr(text, "1 pain pin, strength 8 out of 10"));
    assert_non_null(strstr(text, "come back for a review"));
    assert_non_null(strstr(text, "Riverside Physiotherapy"));
    assert_non_null(strstr(text, "for your left side"));
    free(text);
    km_atlas_free(a);
}

/* Every word's box inside the page less a small margin; each stretch
 * card's title and its "Hold" line on the same page. */
static void test_layout_stays_on_the_page(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    char path[128], cmd[512];
    snprintf(path, sizeof path, "%s/letter.pdf", tmpdir);
    int calls = 0;
    write_handout(a, KM_PAPER_LETTER, path, &calls);
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", path);
    char *info = run(cmd);
    assert_non_null(strstr(info, "612 x 792 pts (letter)"));
    free(info);

    snprintf(cmd, sizeof cmd, "pdftotext -bbox '%s' -", path);
    char *xml = run(cmd);
    int words = 0, page = 0, hold_pages[16], title_pages[16], nh = 0, nt = 0;
    for (char *p = xml; (p = strstr(p, "<page ")) || (p = NULL, 0);) {
        page++;
        char *end = strstr(p, "</page>");
        assert_non_null(end);
        for (char *w = strstr(p, "<word "); w && w < end; w = strstr(w + 1, "<word ")) {
            double x0, y0, x1, y1;
            assert_int_equal(sscanf(w, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0, &x1, &y1),
                             4);
            assert_true(x0 >= 36 && x1 <= 612 - 36 && y0 >= 30 && y1 <= 792 - 14);
            words++;
            char *txt = strchr(w, '>') + 1;
            if (strncmp(txt, "Hold<", 5) == 0 && nh < 16)
                hold_pages[nh++] = page;
            if (strncmp(txt, "side<", 5) == 0 && nt < 16) /* "...: for your left side" ends each card title */
                title_pages[nt++] = page;
        }
        p = end;
    }
    assert_true(words > 300);
    int m = km_atlas_muscle_index(a, "upper_trapezius");
    assert_int_equal(nh, a->muscles[m].stretch_count);
    /* the first "side" word is the page-one list or the heading: match from the end */
    assert_true(nt >= nh);
    for (int i = 0; i < nh; i++)
        assert_int_equal(hold_pages[nh - 1 - i], title_pages[nt - 1 - i]);
    free(xml);
    km_atlas_free(a);
}

/* Pixels of the muscle tint (chart/illustration.h) on the handout's pages,
 * rasterised by pdftoppm at 100 dpi. */
static long tint_pixels(const char *pdf, int pages)
{
    long count = 0;
    for (int pg = 1; pg <= pages; pg++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "pdftoppm -r 100 -f %d -l %d -singlefile '%s' '%s/page' && cat '%s/page.ppm'", pg,
                 pg, pdf, tmpdir, tmpdir);
        char *ppm = run(cmd);
        int w = 0, h = 0, n = 0;
        assert_int_equal(sscanf(ppm, "P6 %d %d 255%n", &w, &h, &n), 2);
        const unsigned char *px = (const unsigned char *)ppm + n + 1;
        for (long i = 0; i < (long)w * h; i++) {
            const unsigned char *c = px + 3 * i;
            km_rgba t = km_illustration_tint;
            if (abs(c[0] - t.r) <= 6 && abs(c[1] - t.g) <= 6 && abs(c[2] - t.b) <= 6)
                count++;
        }
        free(ppm);
    }
    return count;
}

/* The stretch cards carry their drawings (the tinted muscle is on the
 * page), and only because of them: without illustrations, no tint. */
static void test_cards_draw_illustrations(void **state)
{
    (void)state;
    km_atlas *a = km_test_load_bundled();
    assert_non_null(a);
    char path[128];
    snprintf(path, sizeof path, "%s/illustrated.pdf", tmpdir);
    int calls = 0;
    int pages = write_handout(a, KM_PAPER_A4, path, &calls);
    long with = tint_pixels(path, pages);
    int m = km_atlas_muscle_index(a, "upper_trapezius");
    km_stretch_illustration *kept[KM_SCENE_MAX_SELECTED * 8] = {0};
    int nk = a->muscles[m].stretch_count;
    assert_true(nk <= (int)(sizeof kept / sizeof *kept));
    for (int i = 0; i < nk; i++) {
        km_stretch *st = &a->stretches[a->muscles[m].stretches[i]];
        assert_non_null(st->illustration);
        kept[i] = st->illustration;
        st->illustration = NULL;
    }
    snprintf(path, sizeof path, "%s/plain.pdf", tmpdir);
    pages = write_handout(a, KM_PAPER_A4, path, &calls);
    long without = tint_pixels(path, pages);
    for (int i = 0; i < nk; i++)
        a->stretches[a->muscles[m].stretches[i]].illustration = kept[i];
    print_message("tint pixels: %ld with the drawings (%d cards), %ld without\n", with, nk, without);
    assert_true(with >= 25 * nk);
    assert_int_equal(without, 0);
    km_atlas_free(a);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    if (getenv("KM_KEEP_HANDOUT")) {
        printf("handouts kept in %s\n", tmpdir);
        return 0;
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a4_contents),
        cmocka_unit_test(test_layout_stays_on_the_page),
        cmocka_unit_test(test_cards_draw_illustrations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
