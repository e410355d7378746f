/*
 * scene_args.c - the options that say what a chart shows (--select,
 * --area, --marks), shared by `knotmap export` and `knotmap handout`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/diag.h"

/* Walk a comma-separated list, calling fn on each non-empty item. */
bool km_cli_each_item(const char *list, bool (*fn)(void *, const char *), void *ctx)
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

bool km_cli_add_select(void *ctx, const char *spec)
{
    km_scene *s = ctx;
    int m;
    km_side side;
    if (!km_cli_resolve_muscle(s->atlas, "--select", spec, &m, &side))
        return false;
    for (int k = 0; k < s->sel_count; k++)
        if (s->sel[k].muscle == m && s->sel[k].side == side)
            return true; /* already shown (a marks file's selection, or named twice) */
    if (s->sel_count >= KM_SCENE_MAX_SELECTED) {
        km_cli_usage_error("--select: at most %d muscles at once", KM_SCENE_MAX_SELECTED);
        return false;
    }
    km_scene_sel sel = {m, side, s->sel_count};
    s->sel[s->sel_count++] = sel;
    return true;
}

bool km_cli_add_area(void *ctx, const char *spec)
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
bool km_cli_load_marks(const km_atlas *a, const char *path, km_marks *m, km_scene *s)
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
        s->sel[s->sel_count++] = m->sel[i];
    return true;
}

