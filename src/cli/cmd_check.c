/*
 * cmd_check.c - `knotmap check [FILE]`: validate a data file and print a
 * one-line summary, or every problem (one per line) and exit 2.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

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
