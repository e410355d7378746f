/*
 * main.c - entry point: global options, finding the bundled data, and
 * dispatch to a subcommand (check, list, lookup, export, run).
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

#ifndef KM_VERSION
#define KM_VERSION "dev"
#endif

static const char usage_text[] =
    "usage: knotmap [OPTIONS] [COMMAND [ARGS]]\n"
    "\n"
    "Trigger-point body map: front and back body diagrams, myofascial trigger\n"
    "points, their referred-pain zones and the stretches that help.\n"
    "\n"
    "Commands:\n"
    "  run [--marks FILE]       start the interactive program (the default), optionally\n"
    "                           with a saved marks file open\n"
    "  check [FILE]             validate a data file; one line per problem\n"
    "  list [--json]            views, muscles, areas and stretches\n"
    "  lookup --view VIEW --at X,Y [--json]\n"
    "  lookup --area AREA[:left|right] [--json]\n"
    "                           muscles that refer pain there, best first\n"
    "  export --out FILE.png [--view front|back|all] [--select MUSCLE[:left|right],...]\n"
    "         [--area AREA[:left|right],...] [--marks FILE] [--size WxH] [--title TEXT] [--force]\n"
    "                           write the marked-up diagram as a PNG\n"
    "  hash-pin                 read the kiosk's admin PIN (4-12 digits) from standard input\n"
    "                           and print the admin_pin_hash line for knotmap.conf\n"
    "\n"
    "Options for every command:\n"
    "  --data FILE              data file (default: the bundled atlas)\n"
    "  --font FILE              font file (default: fontconfig's sans)\n"
    "  --help, --version\n"
    "\n"
    "Options for the interactive program:\n"
    "  --kiosk                  clinic kiosk: fullscreen, no way out but the admin PIN\n"
    "  --config FILE            configuration (default: $XDG_CONFIG_HOME/knotmap/knotmap.conf)\n"
    "  --log-level LEVEL        error, warn, info or debug (info logs every action)\n"
    "  --export-dir DIR         where the Export button writes PNGs\n"
    "  --idle-timeout SECONDS   kiosk idle time before the wipe countdown (default 90)\n"
    "  --mode explore|where|mark  start mode\n"
    "  --window WxH             window size\n"
    "  --windowed               kiosk behaviour in a window (for trying it out)\n"
    "  --exit-after-ms N        quit after N milliseconds (tests and benchmarks)\n";

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

static bool file_exists(const char *p) { return access(p, R_OK) == 0; }

/* The bundled atlas: beside an installed binary (../share/knotmap), the
 * source tree for a build-tree binary, then the configured install dir. */
const char *km_cli_default_data(char *buf, size_t cap)
{
    const char *env = getenv("KNOTMAP_DATA");
    if (env && *env) {
        snprintf(buf, cap, "%s", env);
        return buf;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(buf, cap, "%s/../share/knotmap/knotmap.json", exe);
            if (file_exists(buf))
                return buf;
        }
    }
#ifdef KM_SOURCE_DATA_DIR
    snprintf(buf, cap, "%s/knotmap.json", KM_SOURCE_DATA_DIR);
    if (file_exists(buf))
        return buf;
#endif
#ifdef KM_INSTALL_DATA_DIR
    snprintf(buf, cap, "%s/knotmap.json", KM_INSTALL_DATA_DIR);
#else
    snprintf(buf, cap, "knotmap.json");
#endif
    return buf;
}

km_atlas *km_cli_load_atlas(km_cli *cli)
{
    const char *path = cli->data_path;
    if (!path)
        path = km_cli_default_data(cli->resolved_data, sizeof cli->resolved_data);
    else
        snprintf(cli->resolved_data, sizeof cli->resolved_data, "%s", path);
    km_diag d;
    km_diag_init(&d);
    km_atlas *a = km_atlas_load(path, &d);
    if (!a) {
        for (int i = 0; i < d.count; i++)
            fprintf(stderr, "%s\n", d.items[i].text);
        if (d.dropped)
            fprintf(stderr, "%s: error: %d more problems not shown\n", path, d.dropped);
        if (d.count == 0)
            fprintf(stderr, "%s: error: could not be loaded\n", path);
    }
    km_diag_release(&d);
    return a;
}

/* Global options that take a value; the value is stored through *dst. */
typedef struct global_opt {
    const char *name;
    int kind; /* 0 string, 1 flag, 2 int, 3 size */
} global_opt;

static const global_opt global_opts[] = {
    {"--data", 0},      {"--font", 0},         {"--config", 0}, {"--log-level", 0}, {"--export-dir", 0},
    {"--mode", 0},      {"--idle-timeout", 2}, {"--window", 3}, {"--kiosk", 1},
    {"--windowed", 1},  {"--exit-after-ms", 2},
};

static bool set_global(km_cli *cli, const char *name, const char *val)
{
    if (!strcmp(name, "--data"))
        cli->data_path = val;
    else if (!strcmp(name, "--font"))
        cli->font_path = val;
    else if (!strcmp(name, "--config"))
        cli->config_path = val;
    else if (!strcmp(name, "--log-level")) {
        static const char *const levels[] = {"error", "warn", "info", "debug"};
        bool ok = false;
        for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
            ok |= !strcmp(val, levels[i]);
        if (!ok) {
            km_cli_usage_error("--log-level: expected error, warn, info or debug, got '%s'", val);
            return false;
        }
        cli->log_level = val;
    } else if (!strcmp(name, "--export-dir"))
        cli->export_dir = val;
    else if (!strcmp(name, "--mode")) {
        if (strcmp(val, "explore") && strcmp(val, "where") && strcmp(val, "mark")) {
            km_cli_usage_error("--mode: expected explore, where or mark, got '%s'", val);
            return false;
        }
        cli->mode = val;
    } else if (!strcmp(name, "--idle-timeout"))
        return km_cli_parse_int(name, val, 5, 86400, &cli->idle_timeout);
    else if (!strcmp(name, "--window")) {
        if (!km_cli_parse_size(name, val, &cli->window_w, &cli->window_h))
            return false;
        if (cli->window_w < 400 || cli->window_h < 300) {
            km_cli_usage_error("--window: at least 400x300, got '%s'", val);
            return false;
        }
    } else if (!strcmp(name, "--kiosk"))
        cli->kiosk = true;
    else if (!strcmp(name, "--windowed"))
        cli->windowed = true;
    else if (!strcmp(name, "--exit-after-ms"))
        return km_cli_parse_int(name, val, 1, 86400000, &cli->exit_after_ms);
    return true;
}

static const global_opt *find_global(const char *arg, size_t namelen)
{
    for (size_t i = 0; i < sizeof global_opts / sizeof *global_opts; i++)
        if (strlen(global_opts[i].name) == namelen && !strncmp(arg, global_opts[i].name, namelen))
            return &global_opts[i];
    return NULL;
}

typedef int (*command_fn)(km_cli *, int, char **);
static const struct {
    const char *name;
    command_fn fn;
} commands[] = {
    {"check", km_cmd_check}, {"list", km_cmd_list}, {"lookup", km_cmd_lookup},
    {"export", km_cmd_export}, {"run", km_cmd_run}, {"hash-pin", km_cmd_hash_pin},
};

int main(int argc, char **argv)
{
    /* A file-size limit (ulimit -f) or a full quota must make write() fail
     * with EFBIG, reported like any write error, not kill the process in
     * the middle of a file (the writers in core/fileio.c leave nothing). */
    signal(SIGXFSZ, SIG_IGN);
    km_cli cli;
    memset(&cli, 0, sizeof cli);
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return KM_EXIT_FAIL;
    int nrest = 0;
    command_fn cmd = NULL;
    int status = KM_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(usage_text, stdout);
            goto done;
        }
        if (!strcmp(arg, "--version")) {
            printf("knotmap %s (data format %d)\n", KM_VERSION, KM_FORMAT_VERSION);
            goto done;
        }
        const char *eq = strchr(arg, '=');
        size_t namelen = eq && !strncmp(arg, "--", 2) ? (size_t)(eq - arg) : strlen(arg);
        const global_opt *g = !strncmp(arg, "--", 2) ? find_global(arg, namelen) : NULL;
        if (g) {
            const char *val = NULL;
            if (g->kind == 1) {
                if (eq) {
                    status = km_cli_usage_error("%s takes no value", g->name);
                    goto done;
                }
            } else if (eq) {
                val = eq + 1;
            } else if (i + 1 < argc) {
                val = argv[++i];
            } else {
                status = km_cli_usage_error("%s needs a value", g->name);
                goto done;
            }
            if (!set_global(&cli, g->name, val)) {
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
