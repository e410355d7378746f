/*
 * cmd_summary.c - `knotmap summary --marks FILE [--json]`: the pain
 * drawing measured (extent of the body marked, areas touched, pins), as
 * defined in core/drawing.h and docs/data-format.md.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/marks.h"
#include "cli.h"
#include "core/drawing.h"

static void print_text(const km_atlas *a, const km_drawing_summary *s)
{
    printf("Pain drawing: %.1f%% of the body marked", 100.0 * s->extent);
    const char *sep = " (";
    for (int v = 0; v < s->view_count; v++) {
        if (s->views[v].marked_cells == 0)
            continue;
        printf("%s%s %.1f%%", sep, a->views[v].label, 100.0 * s->views[v].extent);
        sep = ", ";
    }
    printf("%s\n", sep[0] == ',' ? ")" : "");
    printf("Body regions: %d\n", s->regions);
    for (int i = 0; i < s->area_count; i++) {
        const km_drawing_area *da = &s->areas[i];
        const km_area *ar = &a->areas[da->area];
        printf("  %s", ar->label);
        if (ar->side != KM_SIDE_MIDLINE)
            printf(" (%s)", km_side_name(ar->side));
        printf(", %s: ", a->views[ar->view].label);
        if (da->marked > 0)
            printf("%.0f%% marked%s", 100.0 * da->share, da->max_pin >= 0 ? ", " : "");
        if (da->max_pin >= 0)
            printf("highest pin %d/10", da->max_pin);
        printf("\n");
    }
    if (s->pin_count)
        printf("Pins: %d, mean %.1f/10, highest %d/10\n", s->pin_count, s->pin_mean, s->pin_max);
    else
        printf("Pins: none\n");
}

static int print_json(const km_atlas *a, const km_drawing_summary *s)
{
    json_t *root = km_drawing_summary_json(a, s);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(root);
    if (!text) {
        fprintf(stderr, "knotmap: summary: out of memory\n");
        return KM_EXIT_FAIL;
    }
    puts(text);
    free(text);
    return KM_EXIT_OK;
}

int km_cmd_summary(km_cli *cli, int argc, char **argv)
{
    const char *marks = NULL;
    bool as_json = false;
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r;
        if ((r = km_cli_opt(argc, argv, &i, "--marks", true, &v)) > 0)
            marks = v;
        else if (r == 0 && (r = km_cli_opt(argc, argv, &i, "--json", false, &v)) > 0)
            as_json = true;
        if (r < 0)
            return KM_EXIT_USAGE;
        if (r == 0)
            return km_cli_usage_error("summary: unknown argument '%s'", argv[i]);
    }
    if (!marks)
        return km_cli_usage_error("summary: needs --marks FILE");
    km_atlas *a = km_cli_load_atlas(cli);
    if (!a)
        return KM_EXIT_DATA;
    km_marks m;
    km_diag d;
    km_diag_init(&d);
    int status = KM_EXIT_OK;
    if (km_marks_load(marks, a, &m, &d) != 0) {
        for (int i = 0; i < d.count; i++)
            fprintf(stderr, "knotmap: %s\n", d.items[i].text);
        status = KM_EXIT_DATA;
    } else {
        km_drawing_summary s;
        if (!km_drawing_summarise(a, m.strokes, m.stroke_count, m.pins, m.pin_count, &s)) {
            fprintf(stderr, "knotmap: summary: out of memory\n");
            status = KM_EXIT_FAIL;
        } else {
            if (as_json)
                status = print_json(a, &s);
            else
                print_text(a, &s);
            km_drawing_summary_release(&s);
        }
    }
    km_marks_release(&m);
    km_diag_release(&d);
    km_atlas_free(a);
    return status;
}
