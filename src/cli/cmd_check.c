/*
 * cmd_check.c - `knotmap check [FILE]`: validate a data file and print a
 * one-line summary, or every problem (one per line) and exit 2.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/diag.h"
#include "draw/image.h"

/* The stretches' photos decoded (the loader only checked they are files):
 * a picture SDL2_image cannot read or one over KM_IMAGE_MAX_SIDE is a
 * located problem, as in the loader's own report.  How many there were. */
static int check_photos(const km_atlas *a, const char *file)
{
    km_diag d;
    km_diag_init(&d);
    for (int i = 0; i < a->stretch_count; i++) {
        if (!a->stretches[i].photo)
            continue;
        km_image img;
        char err[1200], ptr[64];
        if (km_image_load(a->stretches[i].photo, &img, err, sizeof err) == 0) {
            km_image_release(&img);
            continue;
        }
        snprintf(ptr, sizeof ptr, "/stretches/%d/photo", i);
        km_diag_at(&d, KM_E_IMAGE, file, ptr, "%s", err);
    }
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "%s\n", d.items[i].text);
    int n = d.count;
    km_diag_release(&d);
    return n;
}

int km_cmd_check(km_cli *cli, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-')
            return km_cli_usage_error("check: unknown option '%s'", argv[i]);
        if (i > 0)
            return km_cli_usage_error("check: one file at a time, got '%s' too", argv[i]);
        cli->data_path = argv[i];
    }
    km_atlas *a = km_cli_load_atlas(cli);
    if (!a)
        return KM_EXIT_DATA;
    if (check_photos(a, cli->resolved_data) > 0) {
        km_atlas_free(a);
        return KM_EXIT_DATA;
    }
    int areas = 0; /* distinct area ids; left and right instances count once */
    for (int i = 0; i < a->area_count; i++) {
        int first = 1;
        for (int k = 0; k < i && first; k++)
            first = strcmp(a->areas[k].id, a->areas[i].id) != 0;
        areas += first;
    }
    printf("%s: ok: %d views, %d muscles, %d areas, %d stretches (format %d, data %s)\n", cli->resolved_data,
           a->view_count, a->muscle_count, areas, a->stretch_count, a->version, a->data_version);
    km_atlas_free(a);
    return KM_EXIT_OK;
}
