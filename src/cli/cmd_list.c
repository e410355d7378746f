/*
 * cmd_list.c - `knotmap list [--json]`: what the atlas holds.  The JSON
 * shape is a contract (see README); counts per muscle are for one side.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Count one side's items (the side as written: right, or midline). */
static bool is_written_side(km_side s) { return s != KM_SIDE_LEFT; }

static json_t *muscle_json(const km_atlas *a, const km_muscle *m)
{
    int tps = 0, ess = 0, spill = 0;
    for (int i = 0; i < m->tp_count; i++)
        tps += is_written_side(m->tps[i].side);
    for (int i = 0; i < m->zone_count; i++)
        if (is_written_side(m->zones[i].side)) {
            ess += m->zones[i].kind == KM_ZONE_ESSENTIAL;
            spill += m->zones[i].kind == KM_ZONE_SPILLOVER;
        }
    json_t *views = json_array();
    for (int v = 0; v < a->view_count; v++)
        for (int k = 0; k < m->shape_count; k++)
            if (m->shapes[k].view == v) {
                json_array_append_new(views, json_string(a->views[v].id));
                break;
            }
    json_t *stretches = json_array();
    for (int i = 0; i < m->stretch_count; i++)
        json_array_append_new(stretches, json_string(a->stretches[m->stretches[i]].id));
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:i, s:i, s:i, s:o}", "id", m->id, "name", m->name,
                     "group", m->group, "layer", km_layer_name(m->layer), "bilateral", m->bilateral, "views",
                     views, "trigger_points", tps, "essential_zones", ess, "spillover_zones", spill,
                     "stretches", stretches);
}

static json_t *atlas_json(const km_atlas *a)
{
    json_t *views = json_array(), *muscles = json_array(), *areas = json_array(), *stretches = json_array();
    for (int i = 0; i < a->view_count; i++)
        json_array_append_new(views, json_pack("{s:s, s:s, s:s, s:f, s:f}", "id", a->views[i].id, "label",
                                               a->views[i].label, "kind",
                                               a->views[i].kind == KM_VIEW_DETAIL ? "detail" : "body", "width",
                                               (double)a->views[i].width, "height", (double)a->views[i].height));
    for (int i = 0; i < a->muscle_count; i++)
        json_array_append_new(muscles, muscle_json(a, &a->muscles[i]));
    for (int i = 0; i < a->area_count; i++) {
        const km_area *ar = &a->areas[i];
        json_array_append_new(areas, json_pack("{s:s, s:s, s:s, s:s, s:[f,f]}", "id", ar->id, "label", ar->label,
                                               "view", a->views[ar->view].id, "side", km_side_name(ar->side),
                                               "centroid", (double)ar->centroid.x, (double)ar->centroid.y));
    }
    for (int i = 0; i < a->stretch_count; i++)
        json_array_append_new(stretches,
                              json_pack("{s:s, s:s, s:b}", "id", a->stretches[i].id, "name", a->stretches[i].name,
                                        "illustrated", a->stretches[i].illustration != NULL));
    return json_pack("{s:o, s:o, s:o, s:o}", "views", views, "muscles", muscles, "areas", areas, "stretches",
                     stretches);
}

static void list_text(const km_atlas *a)
{
    printf("Views:\n");
    for (int i = 0; i < a->view_count; i++)
        printf("  %-8s %s (%gx%g)\n", a->views[i].id, a->views[i].label, (double)a->views[i].width,
               (double)a->views[i].height);
    printf("Muscles:\n");
    for (int i = 0; i < a->muscle_count; i++) {
        const km_muscle *m = &a->muscles[i];
        printf("  %-32s %-30s %-11s %s\n", m->id, m->name, m->group, km_layer_name(m->layer));
    }
    printf("Areas:\n");
    for (int i = 0; i < a->area_count; i++) {
        const km_area *ar = &a->areas[i];
        printf("  %-24s %-7s %-6s %s\n", ar->id, km_side_name(ar->side), a->views[ar->view].id, ar->label);
    }
    printf("Stretches:\n");
    for (int i = 0; i < a->stretch_count; i++)
        printf("  %-40s %s\n", a->stretches[i].id, a->stretches[i].name);
}

int km_cmd_list(km_cli *cli, int argc, char **argv)
{
    bool as_json = false;
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = km_cli_opt(argc, argv, &i, "--json", false, &v);
        if (r < 0)
            return KM_EXIT_USAGE;
        if (r == 0)
            return km_cli_usage_error("list: unknown argument '%s'", argv[i]);
        as_json = true;
    }
    km_atlas *a = km_cli_load_atlas(cli);
    if (!a)
        return KM_EXIT_DATA;
    int status = KM_EXIT_OK;
    if (as_json) {
        json_t *j = atlas_json(a);
        char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
        if (s) {
            puts(s);
            free(s);
        } else {
            fprintf(stderr, "knotmap: list: out of memory\n");
            status = KM_EXIT_FAIL;
        }
        json_decref(j);
    } else {
        list_text(a);
    }
    km_atlas_free(a);
    return status;
}
