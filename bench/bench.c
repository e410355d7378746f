/*
 * bench.c - knotmap's benchmark: prints one table of timings against the
 * targets in the README's performance section.  Not a test: numbers depend
 * on the machine; run it on an idle machine, pinned to one core:
 *   taskset -c 0 build/bench/knotmap-bench [--data FILE] [--quick]
 *
 * Each row is the median of repeated runs (and the mean where a single run
 * is too short to time), wall clock from CLOCK_MONOTONIC.
 */
#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/lookup.h"
#include "draw/export.h"
#include "draw/render.h"
#include "handout/make.h"

/* A folder template for the exports: $TMPDIR (e.g. /dev/shm, to leave the
 * disk's fsync out of the timing) or /tmp. */
static void bench_tmp(char *out, size_t n)
{
    const char *t = getenv("TMPDIR");
    snprintf(out, n, "%s/knotmap-bench-XXXXXX", t && *t ? t : "/tmp");
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void row(const char *what, double value, const char *unit, double target, bool lower_is_better)
{
    bool ok = lower_is_better ? value <= target : value >= target;
    printf("| %-52s | %10.3f %-2s | %8.3f %-2s | %-4s |\n", what, value, unit, target, unit, ok ? "met" : "MISS");
}

/* A scene like a clinician's: three muscles compared, two pain areas. */
static void busy_scene(km_scene *s, const km_atlas *a)
{
    km_scene_init(s, a);
    static const char *const ids[] = {"upper_trapezius", "levator_scapulae", "scalenes", "infraspinatus"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids && s->sel_count < 3; i++) {
        int m = km_atlas_muscle_index(a, ids[i]);
        if (m >= 0) {
            km_scene_sel sel = {m, s->sel_count == 1 ? KM_SIDE_LEFT : KM_SIDE_RIGHT, s->sel_count};
            s->sel[s->sel_count++] = sel;
        }
    }
    for (int i = 0; i < a->area_count && s->area_count < 2; i += 7)
        s->areas[s->area_count++] = i;
    s->title = "Benchmark";
    s->footer = "knotmap bench";
}

static km_atlas *load(const char *path)
{
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load(path, &d);
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "%s\n", d.items[i].text);
    km_diag_release(&d);
    return a;
}

static void bench_load(const char *path, int reps)
{
    double *t = malloc((size_t)reps * sizeof *t);
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        km_atlas *a = load(path);
        t[i] = now_ms() - t0;
        km_atlas_free(a);
    }
    row("load and validate the atlas (median)", median(t, reps), "ms", 8, true);
    free(t);
}

/* Random points inside the body outline of each view, fixed seed. */
static int body_points(const km_atlas *a, km_sample *out, int n)
{
    unsigned seed = 12345;
    int k = 0, tries = 0;
    while (k < n && tries++ < n * 100) {
        seed = seed * 1103515245u + 12345u;
        int v = (int)((seed >> 16) % (unsigned)a->view_count);
        seed = seed * 1103515245u + 12345u;
        float x = (float)((seed >> 8) % 10000) / 10000.0f * a->views[v].width;
        seed = seed * 1103515245u + 12345u;
        float y = (float)((seed >> 8) % 10000) / 10000.0f * a->views[v].height;
        km_vec2 p = {x, y};
        for (int o = 0; o < a->views[v].outline_count; o++)
            if (km_poly_contains(&a->views[v].outline[o], p)) {
                km_sample s = {v, p, 1};
                out[k++] = s;
                break;
            }
    }
    return k;
}

static void bench_lookup(const km_atlas *a, int reps)
{
    enum { NPTS = 2000 };
    static km_sample pts[NPTS];
    int n = body_points(a, pts, NPTS);
    km_candidates c;
    km_candidates_init(&c);
    double t0 = now_ms();
    long hits = 0;
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < n; i++) {
            km_lookup_point(a, pts[i].view, pts[i].p, &c);
            hits += c.count;
        }
    double per = (now_ms() - t0) * 1000.0 / ((double)reps * n);
    row("point lookup (mean over random body points)", per, "us", 1, true);
    t0 = now_ms();
    int areps = reps > 2 ? reps / 2 : 1;
    for (int r = 0; r < areps; r++)
        for (int i = 0; i < a->area_count; i++) {
            km_lookup_area(a, i, &c);
            hits += c.count;
        }
    per = (now_ms() - t0) * 1000.0 / ((double)areps * (a->area_count ? a->area_count : 1));
    row("area lookup (mean over every area)", per, "us", 50, true);
    km_candidates_release(&c);
    if (hits < 0)
        puts("");
}

static void bench_draw(const km_atlas *a, km_font *font, int w, int h, int reps, double target)
{
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    char err[512] = "";
    km_renderer *kr = r ? km_renderer_create(r, font, err, sizeof err) : NULL;
    if (!kr) {
        fprintf(stderr, "bench: cannot draw at %dx%d: %s %s\n", w, h, err, SDL_GetError());
        return;
    }
    km_scene s;
    busy_scene(&s, a);
    SDL_Rect rect = {0, 0, w, h};
    double *t = malloc((size_t)reps * sizeof *t);
    double cold = 0;
    for (int i = 0; i <= reps; i++) {
        double t0 = now_ms();
        SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
        SDL_RenderClear(r);
        km_render_draw(kr, &s, rect, err, sizeof err);
        SDL_RenderPresent(r);
        double dt = now_ms() - t0;
        if (i == 0)
            cold = dt;
        else
            t[i - 1] = dt;
    }
    char what[96];
    snprintf(what, sizeof what, "redraw both views + overlays %dx%d (median)", w, h);
    row(what, median(t, reps), "ms", target, true);
    snprintf(what, sizeof what, "  first frame at %dx%d (body not cached yet)", w, h);
    printf("| %-52s | %10.3f %-2s | %11s | %-4s |\n", what, cold, "ms", "-", "");
    free(t);
    km_renderer_destroy(kr);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
}

static void bench_export(const km_atlas *a, km_font *font, int w, int h, int reps, const char *what,
                         double target)
{
    char path[4096];
    bench_tmp(path, sizeof path);
    if (!mkdtemp(path))
        return;
    km_scene s;
    busy_scene(&s, a);
    km_export_opts o = {w, h, true, 0, KM_EXPORT_PNG};
    double *t = malloc((size_t)reps * sizeof *t);
    char file[4200], err[512];
    snprintf(file, sizeof file, "%s/export.png", path);
    double *cpu = malloc((size_t)reps * sizeof *cpu);
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms(), c0 = cpu_ms();
        if (km_export_png(&s, font, file, &o, err, sizeof err) != 0)
            fprintf(stderr, "bench: export: %s\n", err);
        t[i] = now_ms() - t0;
        cpu[i] = cpu_ms() - c0;
    }
    row(what, median(t, reps), "ms", target, true);
    /* CPU time (user + system, page faults included) is steadier than
     * wall time on a machine that others are using. */
    printf("| %-52s | %10.3f %-2s | %11s | %-4s |\n", "  the same, CPU time of this process (median)",
           median(cpu, reps), "ms", "-", "");
    free(cpu);
    remove(file);
    remove(path);
    free(t);
}

/* Peak resident memory of a process that has loaded the atlas and the
 * font and then exports one w x h PNG, as `knotmap export` does: a child
 * forked before the other benchmarks have grown this one, its peak read
 * with getrusage(RUSAGE_CHILDREN).  Run first, while this process is still small. */
static void bench_export_rss(const km_atlas *a, km_font *font, int w, int h, double target_mb)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char path[4096];
        bench_tmp(path, sizeof path);
        if (!mkdtemp(path))
            _exit(1);
        km_scene s;
        busy_scene(&s, a);
        km_export_opts o = {w, h, true, 0, KM_EXPORT_PNG};
        char file[4200], err[512];
        snprintf(file, sizeof file, "%s/export.png", path);
        int rc = km_export_png(&s, font, file, &o, err, sizeof err);
        remove(file);
        remove(path);
        _exit(rc == 0 ? 0 : 1);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        fprintf(stderr, "bench: the export child failed\n");
        return;
    }
    char what[96];
    snprintf(what, sizeof what, "export %dx%d: peak resident memory", w, h);
    row(what, ru.ru_maxrss / 1024.0, "MB", target_mb, true);
}

/* The lookup index, built at load: what an export that builds none saves. */
static void bench_index(const char *path, int reps)
{
    double *t = malloc((size_t)reps * sizeof *t), *u = malloc((size_t)reps * sizeof *u);
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        km_atlas *a = load(path);
        t[i] = now_ms() - t0;
        km_atlas_free(a);
        t0 = now_ms();
        a = km_atlas_load_no_index(path, NULL);
        u[i] = now_ms() - t0;
        km_atlas_free(a);
    }
    row("  load without the lookup index (export) (median)", median(u, reps), "ms", 8, true);
    printf("| %-52s | %10.3f %-2s | %11s | %-4s |\n", "  so the index costs (median difference)",
           median(t, reps) - median(u, reps), "ms", "-", "");
    free(t);
    free(u);
}

/* The busy scene as a PDF and as an SVG of the default export size,
 * through the same writer as `knotmap export --out x.pdf|x.svg`. */
static void bench_vector(const km_atlas *a, km_font *font, km_export_format fmt, int reps)
{
    char path[] = "/tmp/knotmap-bench-XXXXXX";
    if (!mkdtemp(path))
        return;
    km_scene s;
    busy_scene(&s, a);
    km_export_opts o = {2000, 1400, true, 0, fmt};
    double *t = malloc((size_t)reps * sizeof *t);
    char file[4200], err[512], what[96];
    snprintf(file, sizeof file, "%s/chart.%s", path, fmt == KM_EXPORT_PDF ? "pdf" : "svg");
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        if (km_export_file(&s, font, file, &o, err, sizeof err) != 0)
            fprintf(stderr, "bench: export: %s\n", err);
        t[i] = now_ms() - t0;
    }
    FILE *f = fopen(file, "rb");
    long size = 0;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (f)
        fclose(f);
    snprintf(what, sizeof what, "export %s 2000x1400, vectors (median; %ld KB)", fmt == KM_EXPORT_PDF ? "PDF" : "SVG",
             size / 1024);
    row(what, median(t, reps), "ms", 150, true);
    remove(file);
    remove(path);
    free(t);
}

/* A one-muscle handout with a pain drawing, made by the routine of
 * `knotmap handout` (km_handout_make: the drawing measured, the chart drawn
 * by cairo into the handout's box), in memory. */
static void bench_handout(const km_atlas *a, int reps)
{
    int m = km_atlas_muscle_index(a, "upper_trapezius"), back = km_atlas_view_index(a, "back");
    if (m < 0 || back < 0)
        return;
    km_scene s;
    km_scene_init(&s, a);
    s.sel[s.sel_count++] = (km_scene_sel){m, KM_SIDE_RIGHT, 0};
    km_vec2 pts[] = {{560, 330}, {620, 345}, {660, 370}};
    km_stroke st = {back, 25, false, pts, 3};
    km_pin pin = {back, {600, 340}, 7};
    s.strokes = &st, s.stroke_count = 1, s.pins = &pin, s.pin_count = 1;
    double *t = malloc((size_t)reps * sizeof *t);
    size_t bytes = 0;
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        km_handout_request req = {.scene = &s, .date = "2026-11-25", .paper = KM_PAPER_A4};
        km_bytes pdf = {0};
        char err[256];
        if (km_handout_make(&req, &pdf, err, sizeof err) < 0)
            fprintf(stderr, "bench: handout: %s\n", err);
        t[i] = now_ms() - t0;
        bytes = pdf.len;
        km_bytes_release(&pdf);
    }
    row("one-muscle handout PDF with its chart (median)", median(t, reps), "ms", 300, true);
    row("  its size", (double)bytes / 1024.0, "KB", 1024, true);
    free(t);
}

int main(int argc, char **argv)
{
    const char *data = NULL;
    bool quick = false;
    int export_only = 0; /* --export N: only the export rows, N runs each */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc)
            data = argv[++i];
        else if (!strcmp(argv[i], "--quick"))
            quick = true;
        else if (!strcmp(argv[i], "--export") && i + 1 < argc)
            export_only = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: knotmap-bench [--data FILE] [--quick] [--export N]\n");
            return 2;
        }
    }
    char def[4096];
    if (!data) {
        snprintf(def, sizeof def, "%s/knotmap.json", KM_SOURCE_DATA_DIR);
        data = def;
    }
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(0) != 0)
        return 1;
    km_atlas *a = load(data);
    if (!a)
        return 2;
    char fontfile[4096], err[512];
    km_font *font = km_font_find(NULL, fontfile, sizeof fontfile, err, sizeof err)
                        ? km_font_open(fontfile, err, sizeof err)
                        : NULL;
    int reps = quick ? 3 : 25;
    printf("knotmap benchmark: %s (%d muscles, %d area instances)\n\n", data, a->muscle_count, a->area_count);
    printf("| %-52s | %13s | %11s | %-4s |\n", "what", "measured", "target", "");
    printf("|%s|%s|%s|%s|\n", "------------------------------------------------------", "---------------",
           "-------------", "------");
    bench_export_rss(a, font, 3840, 2160, 50);
    if (export_only > 0) {
        bench_export(a, font, 2480, 3508, export_only, "export A4 300 dpi PNG 2480x3508 (median)", 400);
        bench_export(a, font, 3840, 2160, export_only, "export 3840x2160 PNG (median)", 400);
        km_font_close(font);
        km_atlas_free(a);
        SDL_Quit();
        return 0;
    }
    bench_load(data, quick ? 5 : 50);
    bench_index(data, quick ? 5 : 30);
    bench_lookup(a, quick ? 2 : 20);
    bench_draw(a, font, 1920, 1080, reps, 8);
    bench_draw(a, font, 3840, 2160, quick ? 3 : 11, 30);
    bench_export(a, font, 2480, 3508, quick ? 2 : 5, "export A4 300 dpi PNG 2480x3508 (median)", 400);
    bench_export(a, font, 3840, 2160, quick ? 2 : 7, "export 3840x2160 PNG (median)", 400);
    bench_vector(a, font, KM_EXPORT_PDF, quick ? 2 : 5);
    bench_vector(a, font, KM_EXPORT_SVG, quick ? 2 : 5);
    bench_handout(a, quick ? 2 : 5);
    km_font_close(font);
    km_atlas_free(a);
    SDL_Quit();
    return 0;
}
