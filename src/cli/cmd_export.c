/*
 * cmd_export.c - `knotmap export`: the marked-up diagram as a PNG with no
 * display, through the same draw routine as the window (draw/export.c).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "app/marks.h"
#include "draw/host.h"

typedef struct export_args {
    const char *out, *view, *select, *area, *title, *size, *marks;
    bool force;
} export_args;

static int parse_args(int argc, char **argv, export_args *x)
{
    static const struct {
        const char *name;
        size_t off;
    } opts[] = {
        {"--out", offsetof(export_args, out)},     {"--view", offsetof(export_args, view)},
        {"--select", offsetof(export_args, select)}, {"--area", offsetof(export_args, area)},
        {"--title", offsetof(export_args, title)}, {"--size", offsetof(export_args, size)},
        {"--marks", offsetof(export_args, marks)},
    };
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = km_cli_opt(argc, argv, &i, "--force", false, &v);
        if (r > 0) {
            x->force = true;
            continue;
        }
        for (size_t k = 0; r == 0 && k < sizeof opts / sizeof *opts; k++)
            if ((r = km_cli_opt(argc, argv, &i, opts[k].name, true, &v)) > 0)
                *(const char **)((char *)x + opts[k].off) = v;
        if (r < 0)
            return KM_EXIT_USAGE;
        if (r == 0)
            return km_cli_usage_error("export: unknown argument '%s'", argv[i]);
    }
    if (!x->out)
        return km_cli_usage_error("export: needs --out FILE.png");
    size_t n = strlen(x->out);
    if (n < 5 || strcmp(x->out + n - 4, ".png") != 0)
        return km_cli_usage_error("--out: expected a file name ending in .png, got '%s'", x->out);
    return KM_EXIT_OK;
}

/* Walk a comma-separated list, calling fn on each non-empty item. */
static bool each_item(const char *list, bool (*fn)(void *, const char *), void *ctx)
{
    char item[256];
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len >= sizeof item)
            len = sizeof item - 1;
        memcpy(item, p, len);
        item[len] = 0;
        if (len && !fn(ctx, item))
            return false;
        p += (comma ? (size_t)(comma - p) + 1 : strlen(p));
    }
    return true;
}

static bool add_select(void *ctx, const char *spec)
{
    km_scene *s = ctx;
    int m;
    km_side side;
    if (!km_cli_resolve_muscle(s->atlas, "--select", spec, &m, &side))
        return false;
    for (int i = 0; i < s->sel_count; i++)
        if (s->sel[i].muscle == m && s->sel[i].side == side)
            return true; /* the same muscle and side twice is one selection (one legend entry) */
    if (s->sel_count >= KM_SCENE_MAX_SELECTED) {
        km_cli_usage_error("--select: at most %d muscles at once", KM_SCENE_MAX_SELECTED);
        return false;
    }
    km_scene_sel sel = {m, side, s->sel_count};
    s->sel[s->sel_count++] = sel;
    return true;
}

static bool add_area(void *ctx, const char *spec)
{
    km_scene *s = ctx;
    int idx[16], n = 0;
    if (!km_cli_resolve_area(s->atlas, "--area", spec, idx, 16, &n))
        return false;
    for (int i = 0; i < n; i++) {
        if (s->area_count >= KM_SCENE_MAX_AREAS) {
            km_cli_usage_error("--area: at most %d areas at once", KM_SCENE_MAX_AREAS);
            return false;
        }
        s->areas[s->area_count++] = idx[i];
    }
    return true;
}

/* A saved marks file brings its strokes, pins and selection; --select
 * adds to that selection. */
static bool load_marks(const km_atlas *a, const char *path, km_marks *m, km_scene *s)
{
    km_diag d;
    km_diag_init(&d);
    bool ok = km_marks_load(path, a, m, &d) == 0;
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "%s\n", d.items[i].text);
    km_diag_release(&d);
    if (!ok)
        return false;
    s->strokes = m->strokes;
    s->stroke_count = m->stroke_count;
    s->pins = m->pins;
    s->pin_count = m->pin_count;
    for (int i = 0; i < m->sel_count && s->sel_count < KM_SCENE_MAX_SELECTED; i++)
        s->sel[s->sel_count++] = m->sel[i]; /* already merged by km_marks_load */
    return true;
}

int km_cmd_export(km_cli *cli, int argc, char **argv)
{
    export_args x = {0};
    int status = parse_args(argc, argv, &x);
    if (status != KM_EXIT_OK)
        return status;
    km_export_opts o = {0, 0, x.force, 0};
    if (x.title && strlen(x.title) > KM_EXPORT_MAX_TITLE)
        return km_cli_usage_error("--title: at most %d bytes, got %zu", KM_EXPORT_MAX_TITLE, strlen(x.title));
    if (x.size && !km_cli_parse_size("--size", x.size, &o.width, &o.height))
        return KM_EXIT_USAGE;
    char fontfile[4096], err[1024];
    if (!km_font_find(cli->font_path, fontfile, sizeof fontfile, err, sizeof err))
        return km_cli_usage_error("%s", err);

    km_atlas *a = km_cli_load_atlas(cli);
    if (!a)
        return KM_EXIT_DATA;
    km_scene s;
    km_scene_init(&s, a);
    km_font *font = NULL;
    km_marks marks;
    km_marks_init(&marks);
    status = KM_EXIT_USAGE;
    if (x.view && strcmp(x.view, "all") != 0) {
        s.view = km_atlas_view_index(a, x.view);
        if (s.view < 0) {
            km_cli_usage_error("--view: expected all or a view id of %s, got '%s'", a->path, x.view);
            goto done;
        }
    }
    if (x.marks && !load_marks(a, x.marks, &marks, &s)) {
        status = KM_EXIT_DATA;
        goto done;
    }
    if ((x.select && !each_item(x.select, add_select, &s)) || (x.area && !each_item(x.area, add_area, &s)))
        goto done;
    s.title = x.title; /* NULL: the atlas's */
    font = km_font_open(fontfile, err, sizeof err);
    if (!font) {
        km_cli_usage_error("%s", err);
        goto done;
    }
    if (km_host_export_scene(&s, font, x.out, &o, err, sizeof err) != 0) {
        fprintf(stderr, "knotmap: export: %s\n", err);
        status = KM_EXIT_FAIL;
        goto done;
    }
    printf("%s\n", x.out);
    status = KM_EXIT_OK;
done:
    km_font_close(font);
    km_marks_release(&marks);
    km_atlas_free(a);
    return status;
}
