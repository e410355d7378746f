/*
 * cli.h - the knotmap command line: global options shared by every
 * subcommand, and the subcommands themselves (one file each).
 *
 * Contract (other tests rely on it): problems with options print one line
 * "knotmap: ..." on stderr and exit with KM_EXIT_USAGE; problems with the
 * data file print one line per problem and exit with KM_EXIT_DATA.
 */
#ifndef KM_CLI_H
#define KM_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "app/config.h"
#include "app/marks.h"
#include "core/scene.h"
#include "core/atlas.h"

enum {
    KM_EXIT_OK = 0,
    KM_EXIT_FAIL = 1,  /* the command ran but could not do its job (export failed) */
    KM_EXIT_USAGE = 2, /* bad option or value */
    KM_EXIT_DATA = 2,  /* invalid data file */
};

typedef struct km_cli {
    const char *data_path; /* --data (or check's FILE), or NULL for the bundled atlas */
    const char *font_path; /* --font */
    char resolved_data[4096];
    /* The settings given on the command line (src/app/config.h's table):
     * the interactive program lays them over its configuration file. */
    km_config set;
    /* Options of the interactive program that are not settings. */
    bool windowed; /* --windowed: a kiosk in a window, for testing */
    const char *config_path;
    int exit_after_ms; /* --exit-after-ms: quit after this long (tests, benchmarks) */
    const char *record_path; /* --record FILE: every input event, with its time */
    const char *replay_path; /* --replay FILE: a recording fed in as input */
} km_cli;

/* Print "knotmap: " + message to stderr; returns KM_EXIT_USAGE. */
int km_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load the atlas named by --data (or the bundled one) through the one
 * data-file routine (platform/datafile.h), printing every problem; NULL if
 * it did not load. */
km_atlas *km_cli_load_atlas(km_cli *cli);
/* The same without the lookup index, for a command that looks nothing up
 * (export). */
km_atlas *km_cli_load_atlas_no_index(km_cli *cli);
/* The settings a command works with: the configuration file (--config, or
 * the default one if it exists) with the command line's over it.  Prints
 * every problem (file, line, key) and returns false on one. */
bool km_cli_settings(km_cli *cli, km_config *cfg);


/* Value parsers shared by the subcommands; each prints its own error. */
bool km_cli_parse_int(const char *opt, const char *s, int lo, int hi, int *out);
bool km_cli_parse_size(const char *opt, const char *s, int *w, int *h);

/* Subcommand option matching: if argv[*i] is NAME or NAME=VALUE, set *val
 * (taking the next word for VALUE when has_value) and return 1; 0 if it is
 * another word; -1 (error printed) if the value is missing or unexpected. */
int km_cli_opt(int argc, char **argv, int *i, const char *name, bool has_value, const char **val);

/* An option with a value, stored as a const char * at off in a command's
 * own struct of arguments. */
typedef struct km_cli_value_opt {
    const char *name; /* "--out" */
    size_t off;       /* offsetof(the command's args, field) */
} km_cli_value_opt;
/* km_cli_opt for each of n value options of a table: 1 (stored in args),
 * 0 (none of them), -1 (error printed). */
int km_cli_opt_table(int argc, char **argv, int *i, const km_cli_value_opt *opts, int n, void *args);

int km_cmd_check(km_cli *cli, int argc, char **argv);
int km_cmd_list(km_cli *cli, int argc, char **argv);
int km_cmd_lookup(km_cli *cli, int argc, char **argv);
int km_cmd_export(km_cli *cli, int argc, char **argv);
int km_cmd_summary(km_cli *cli, int argc, char **argv);
int km_cmd_handout(km_cli *cli, int argc, char **argv);
int km_cmd_run(km_cli *cli, int argc, char **argv);
int km_cmd_hash_pin(km_cli *cli, int argc, char **argv);



/* "MUSCLE[:left|right]" -> muscle index and side (right when omitted for a
 * bilateral muscle).  Prints the error and returns false on a bad spec. */
bool km_cli_resolve_muscle(const km_atlas *a, const char *opt, const char *spec, int *muscle, km_side *side);
/* "AREA[:left|right]" -> every instance of that area on that side, on any
 * view (the temple is on the front and the back view). */
bool km_cli_resolve_area(const km_atlas *a, const char *opt, const char *spec, int *out, int max, int *n);
/* What a chart shows, from the command line (scene_args.c): walk a
 * comma-separated list; add "MUSCLE[:side]" to a km_scene's selection or
 * "AREA[:side]" to its areas (ctx is the km_scene); read a marks file into
 * m and show its strokes, pins and selection in s.  Each prints its error. */
bool km_cli_each_item(const char *list, bool (*fn)(void *, const char *), void *ctx);
bool km_cli_add_select(void *ctx, const char *spec);
bool km_cli_add_area(void *ctx, const char *spec);
bool km_cli_load_marks(const km_atlas *a, const char *path, km_marks *m, km_scene *s);

#endif
