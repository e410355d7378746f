/*
 * cmd_export.c - `knotmap export`: the marked-up diagram as a PNG with no
 * display, through the same draw routine as the window, or as a PDF or
 * SVG of vectors through cairo (draw/export.c); the format follows the
 * extension or --format.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "app/marks.h"
#include "draw/host.h"

/* A notes line is a line or two under the title, not a letter. */
#define KM_EXPORT_MAX_NOTES 600

typedef struct export_args {
    const char *out, *view, *select, *area, *title, *notes, *size, *marks, *format;
    bool force;
} export_args;

static int parse_args(int argc, char **argv, export_args *x)
{
    static const km_cli_value_opt opts[] = {
        {"--out", offsetof(export_args, out)},     {"--view", offsetof(export_args, view)},
        {"--select", offsetof(export_args, select)}, {"--area", offsetof(export_args, area)},
        {"--title", offsetof(export_args, title)}, {"--notes", offsetof(export_args, notes)},
        {"--size", offsetof(export_args, size)},
        {"--marks", offsetof(export_args, marks)}, {"--format", offsetof(export_args, format)},
    };
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = km_cli_opt(argc, argv, &i, "--force", false, &v);
        if (r > 0) {
            x->force = true;
            continue;
        }
        if (r == 0)
            r = km_cli_opt_table(argc, argv, &i, opts, (int)(sizeof opts / sizeof *opts), x);
        if (r < 0)
            return KM_EXIT_USAGE;
        if (r == 0)
            return km_cli_usage_error("export: unknown argument '%s'", argv[i]);
    }
    if (!x->out)
        return km_cli_usage_error("export: needs --out FILE.png|FILE.pdf|FILE.svg");
    km_export_format f;
    if (x->format && !km_export_format_parse(x->format, &f))
        return km_cli_usage_error("--format: expected png, pdf or svg, got '%s'", x->format);
    /* Without --format the extension says the format, so it must be one. */
    const char *dot = strrchr(x->out, '.');
    if (!x->format && (!dot || dot == x->out || strchr(dot, '/') || !km_export_format_parse(dot + 1, &f)))
        return km_cli_usage_error("--out: expected a file name ending in .png, .pdf or .svg (or --format), got '%s'",
                                  x->out);
    return KM_EXIT_OK;
}

int km_cmd_export(km_cli *cli, int argc, char **argv)
{
    export_args x = {0};
    int status = parse_args(argc, argv, &x);
    if (status != KM_EXIT_OK)
        return status;
    km_export_opts o = {0, 0, x.force, 0, KM_EXPORT_AUTO};
    if (x.format)
        km_export_format_parse(x.format, &o.format);
    if (x.title && strlen(x.title) > KM_EXPORT_MAX_TITLE)
        return km_cli_usage_error("--title: at most %d bytes, got %zu", KM_EXPORT_MAX_TITLE, strlen(x.title));
    if (x.notes && strlen(x.notes) > KM_EXPORT_MAX_NOTES)
        return km_cli_usage_error("--notes: at most %d bytes, got %zu", KM_EXPORT_MAX_NOTES, strlen(x.notes));
    if (x.size && !km_cli_parse_size("--size", x.size, &o.width, &o.height))
        return KM_EXIT_USAGE;
    char fontfile[4096], err[1024];
    if (!km_font_find(cli->font_path, fontfile, sizeof fontfile, err, sizeof err))
        return km_cli_usage_error("%s", err);

    /* The report ranks a drawing or an area's muscles: with marks or
     * areas the lookup index pays for itself; without, nothing is looked up. */
    km_atlas *a = x.marks || x.area ? km_cli_load_atlas(cli) : km_cli_load_atlas_no_index(cli);
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
    if (x.marks && !km_cli_load_marks(a, x.marks, &marks, &s)) {
        status = KM_EXIT_DATA;
        goto done;
    }
    if ((x.select && !km_cli_each_item(x.select, km_cli_add_select, &s)) || (x.area && !km_cli_each_item(x.area, km_cli_add_area, &s)))
        goto done;
    s.title = x.title; /* NULL: the atlas's */
    s.notes = x.notes && *x.notes ? x.notes : NULL;
    km_config cfg;
    char clinic[2 * KM_TEXT_SETTING_MAX + 8];
    if (!km_cli_settings(cli, &cfg)) {
        status = KM_EXIT_DATA;
        goto done;
    }
    km_host_clinic_line(cfg.clinic_name, cfg.clinic_contact, clinic, sizeof clinic);
    s.clinic = clinic;
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
