/*
 * main.c - entry point: global options, finding the bundled data, and
 * dispatch to a subcommand (check, list, lookup, export, summary, handout, run).
 *
 * Global options may stand anywhere on the line; the first word that is not
 * an option (or an option's value) names the subcommand, and what is left
 * goes to it.  With no subcommand knotmap starts the interactive program.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "platform/datafile.h"

#ifndef KM_VERSION
#define KM_VERSION "dev"
#endif

static const char usage_head[] =
    "usage: knotmap [OPTIONS] [COMMAND [ARGS]]\n"
    "\n"
    "Trigger-point body map: front and back body diagrams, myofascial trigger\n"
    "points, their referred-pain zones and the stretches that help.\n"
    "\n"
    "Commands:\n"
    "  run [--marks FILE | --code CODE]\n"
    "                           start the interactive program (the default), optionally\n"
    "                           with a saved marks file, or a kiosk patient's drawing\n"
    "                           (hand-off code from \"Send to my clinician\"), open\n"
    "  check [FILE]             validate a data file; one line per problem\n"
    "  list [--json]            views, muscles, areas and stretches\n"
    "  lookup --view VIEW --at X,Y [--json]\n"
    "  lookup --area AREA[:left|right] [--json]\n"
    "                           muscles that refer pain there, best first\n"
    "  export --out FILE.png|.pdf|.svg [--format png|pdf|svg] [--view front|back|all]\n"
    "         [--select MUSCLE[:left|right],...] [--area AREA[:left|right],...] [--marks FILE]\n"
    "         [--size WxH] [--title TEXT] [--notes TEXT] [--force]\n"
    "                           write the marked-up diagram as a PNG, or as a PDF or SVG\n"
    "                           of vectors (the format follows the extension), with the\n"
    "                           notes line and, for marks or areas, the red flags, the\n"
    "                           ranked muscles with coverage and the pin legend\n"
    "  handout [--out FILE.pdf] [--select MUSCLE[:left|right],...] [--marks FILE | --code CODE]\n"
    "          [--title TEXT] [--notes TEXT] [--paper a4|letter] [--print [PRINTER]] [--force]\n"
    "                           the take-home handout: the chart with the pain drawing,\n"
    "                           the muscles found (or the drawing's top candidates), the\n"
    "                           drawing measured, notes, self-care and stretches; saved\n"
    "                           as a PDF and/or printed (the default printer if none named)\n"
    "  summary --marks FILE [--json]\n"
    "                           the pain drawing measured: share of the body marked,\n"
    "                           areas touched, pins\n"
    "  hash-pin                 read the kiosk's admin PIN (4-12 digits) from standard input\n"
    "                           and print the admin_pin_hash line for knotmap.conf\n"
    "\n"
    "Settings (--data and --font for every command; the others for the interactive\n"
    "program, where they override the same keys of its configuration file):\n";

static const char usage_tail[] =
    "\n"
    "Other options:\n"
    "  --config FILE            configuration (default: $XDG_CONFIG_HOME/knotmap/knotmap.conf)\n"
    "  --windowed               kiosk behaviour in a window (for trying it out)\n"
    "  --exit-after-ms N        quit after N milliseconds (tests and benchmarks)\n"
    "  --record FILE            write every input event (mouse, fingers, wheel, keys) with its time\n"
    "  --replay FILE            feed a recording in as input, at its pace (tests, bug reports)\n"
    "  --help-settings          the settings as the table in docs/kiosk.md\n"
    "  --help, --version\n";

static void print_usage(void)
{
    static char settings[8192];
    km_settings_help(settings, sizeof settings);
    fputs(usage_head, stdout);
    fputs(settings, stdout);
    fputs(usage_tail, stdout);
}

int km_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("knotmap: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see knotmap --help)\n", stderr);
    va_end(ap);
    return KM_EXIT_USAGE;
}

/* strtol that takes only what it shows: digits with an optional '-', no
 * leading space or '+' (strtol would skip and accept them). */
static long strict_long(const char *s, char **end)
{
    const char *d = s[0] == '-' ? s + 1 : s;
    if (!isdigit((unsigned char)d[0])) {
        *end = (char *)s;
        return 0;
    }
    return strtol(s, end, 10);
}

bool km_cli_parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strict_long(s, &end);
    if (errno || end == s || *end || v < lo || v > hi) {
        km_cli_usage_error("%s: expected a whole number from %d to %d, got '%s'", opt, lo, hi, s);
        return false;
    }
    *out = (int)v;
    return true;
}

bool km_cli_parse_size(const char *opt, const char *s, int *w, int *h)
{
    char *end;
    errno = 0;
    long a = strict_long(s, &end);
    if (errno || end == s || (*end != 'x' && *end != 'X')) {
        km_cli_usage_error("%s: expected WIDTHxHEIGHT like 2000x1400, got '%s'", opt, s);
        return false;
    }
    const char *p = end + 1;
    long b = strict_long(p, &end);
    if (errno || end == p || *end) {
        km_cli_usage_error("%s: expected WIDTHxHEIGHT like 2000x1400, got '%s'", opt, s);
        return false;
    }
    if (a < 100 || b < 100 || a > 8192 || b > 8192) {
        km_cli_usage_error("%s: each side must be from 100 to 8192 pixels, got '%s'", opt, s);
        return false;
    }
    *w = (int)a;
    *h = (int)b;
    return true;
}

static km_atlas *load_atlas(km_cli *cli, bool index)
{
    const char *path = km_data_resolve(cli->data_path, NULL, cli->resolved_data, sizeof cli->resolved_data);
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_data_load_ex(path, index, &d);
    km_diag_release(&d);
    return a;
}

km_atlas *km_cli_load_atlas(km_cli *cli)
{
    return load_atlas(cli, true);
}

km_atlas *km_cli_load_atlas_no_index(km_cli *cli)
{
    return load_atlas(cli, false);
}

bool km_cli_settings(km_cli *cli, km_config *cfg)
{
    km_diag d;
    km_diag_init(&d);
    int rc = km_config_load_layers(cfg, cli->config_path, &cli->set, &d);
    for (int i = 0; i < d.count; i++)
        fprintf(stderr, "knotmap: %s\n", d.items[i].text);
    km_diag_release(&d);
    return rc == 0;
}

/* Options that are not settings (settings come from the table). */
typedef struct global_opt {
    const char *name;
    bool flag; /* takes no value */
} global_opt;

static const global_opt global_opts[] = {{"--config", false},  {"--windowed", true}, {"--exit-after-ms", false},
                                         {"--record", false}, {"--replay", false}};

/* A setting from the command line, through the settings table: the same
 * check and the same words as the configuration file. */
static bool set_setting(km_cli *cli, const km_setting *s, const char *val)
{
    char expected[512];
    if (s->type == KM_SETTING_BOOL && !val)
        val = "true"; /* a flag */
    if (!km_setting_apply(&cli->set, s, val, expected, sizeof expected)) {
        km_cli_usage_error("%s: expected %s, got '%s'", s->option, expected, val);
        return false;
    }
    if (!strcmp(s->key, "data_file"))
        cli->data_path = cli->set.data_file;
    else if (!strcmp(s->key, "font_file"))
        cli->font_path = cli->set.font_file;
    return true;
}

static bool set_global(km_cli *cli, const char *name, const char *val)
{
    if (!strcmp(name, "--config"))
        cli->config_path = val;
    else if (!strcmp(name, "--windowed"))
        cli->windowed = true;
    else if (!strcmp(name, "--exit-after-ms"))
        return km_cli_parse_int(name, val, 1, 86400000, &cli->exit_after_ms);
    else if (!strcmp(name, "--record"))
        cli->record_path = val;
    else if (!strcmp(name, "--replay"))
        cli->replay_path = val;
    return true;
}

static const global_opt *find_global(const char *arg, size_t namelen)
{
    for (size_t i = 0; i < sizeof global_opts / sizeof *global_opts; i++)
        if (strlen(global_opts[i].name) == namelen && !strncmp(arg, global_opts[i].name, namelen))
            return &global_opts[i];
    return NULL;
}

static const km_setting *find_setting(const char *arg, size_t namelen)
{
    char name[64];
    if (namelen >= sizeof name)
        return NULL;
    memcpy(name, arg, namelen);
    name[namelen] = 0;
    return km_setting_by_option(name);
}

/* The value of option argv[*i] (NAME=VALUE or NAME VALUE; none for a flag).
 * False (error printed) when it is missing or unexpected. */
static bool option_value(int argc, char **argv, int *i, const char *name, bool flag, const char *eq, const char **val)
{
    *val = NULL;
    if (flag) {
        if (eq) {
            km_cli_usage_error("%s takes no value", name);
            return false;
        }
    } else if (eq) {
        *val = eq + 1;
    } else if (*i + 1 < argc) {
        *val = argv[++*i];
    } else {
        km_cli_usage_error("%s needs a value", name);
        return false;
    }
    return true;
}

typedef int (*command_fn)(km_cli *, int, char **);
static const struct {
    const char *name;
    command_fn fn;
} commands[] = {
    {"check", km_cmd_check}, {"list", km_cmd_list}, {"lookup", km_cmd_lookup},
    {"export", km_cmd_export}, {"summary", km_cmd_summary}, {"handout", km_cmd_handout}, {"run", km_cmd_run},
    {"hash-pin", km_cmd_hash_pin},
};

int main(int argc, char **argv)
{
    /* A file-size limit (ulimit -f) or a full quota must make write() fail
     * with EFBIG, reported like any write error, not kill the process in
     * the middle of a file (the writers in core/fileio.c leave nothing). */
    signal(SIGXFSZ, SIG_IGN);
    km_cli cli;
    memset(&cli, 0, sizeof cli);
    km_config_init(&cli.set);
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return KM_EXIT_FAIL;
    int nrest = 0;
    command_fn cmd = NULL;
    int status = KM_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            print_usage();
            goto done;
        }
        if (!strcmp(arg, "--help-settings")) {
            static char table[8192];
            km_settings_markdown(table, sizeof table);
            fputs(table, stdout);
            goto done;
        }
        if (!strcmp(arg, "--version")) {
            printf("knotmap %s (data format %d)\n", KM_VERSION, KM_FORMAT_VERSION);
            goto done;
        }
        const char *eq = strchr(arg, '=');
        size_t namelen = eq && !strncmp(arg, "--", 2) ? (size_t)(eq - arg) : strlen(arg);
        const bool dashed = !strncmp(arg, "--", 2);
        const global_opt *g = dashed ? find_global(arg, namelen) : NULL;
        const km_setting *st = dashed && !g ? find_setting(arg, namelen) : NULL;
        if (g || st) {
            const char *val;
            bool flag = g ? g->flag : st->type == KM_SETTING_BOOL;
            if (!option_value(argc, argv, &i, g ? g->name : st->option, flag, eq, &val) ||
                !(g ? set_global(&cli, g->name, val) : set_setting(&cli, st, val))) {
                status = KM_EXIT_USAGE;
                goto done;
            }
            continue;
        }
        if (!cmd && arg[0] != '-') {
            for (size_t k = 0; k < sizeof commands / sizeof *commands; k++)
                if (!strcmp(arg, commands[k].name))
                    cmd = commands[k].fn;
            if (!cmd) {
                status = km_cli_usage_error("unknown command '%s'", arg);
                goto done;
            }
            continue;
        }
        rest[nrest++] = argv[i];
    }
    if (!cmd)
        cmd = km_cmd_run;
    status = cmd(&cli, nrest, rest);
done:
    free(rest);
    return status;
}

int km_cli_opt_table(int argc, char **argv, int *i, const km_cli_value_opt *opts, int n, void *args)
{
    const char *v = NULL;
    int r = 0;
    for (int k = 0; r == 0 && k < n; k++)
        if ((r = km_cli_opt(argc, argv, i, opts[k].name, true, &v)) > 0)
            *(const char **)((char *)args + opts[k].off) = v;
    return r;
}

int km_cli_opt(int argc, char **argv, int *i, const char *name, bool has_value, const char **val)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0 || (arg[n] != 0 && arg[n] != '='))
        return 0;
    if (!has_value) {
        if (arg[n] == '=') {
            km_cli_usage_error("%s takes no value", name);
            return -1;
        }
        return 1;
    }
    if (arg[n] == '=') {
        *val = arg + n + 1;
    } else if (*i + 1 < argc) {
        *val = argv[++*i];
    } else {
        km_cli_usage_error("%s needs a value", name);
        return -1;
    }
    return 1;
}
