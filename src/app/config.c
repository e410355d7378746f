/*
 * config.c - the configuration file (see config.h).  A line-based parser:
 * every line is a comment, blank, or "key = value"; each key has a small
 * parse function that either stores the value or says what it expected.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/fileio.h"
#include "pinhash.h"

static const char *const mode_names[KM_MODE_COUNT] = {"explore", "where-it-hurts", "mark-pain", "muscle-list",
                                                      "learn"};

const char *km_mode_name(km_mode m)
{
    return (m >= 0 && m < KM_MODE_COUNT) ? mode_names[m] : "explore";
}

bool km_mode_parse(const char *s, km_mode *out)
{
    static const struct {
        const char *word;
        km_mode mode;
    } words[] = {{"explore", KM_MODE_EXPLORE}, {"where", KM_MODE_WHERE}, {"where-it-hurts", KM_MODE_WHERE},
                 {"mark", KM_MODE_MARK},       {"mark-pain", KM_MODE_MARK}, {"list", KM_MODE_LIST},
                 {"muscle-list", KM_MODE_LIST}, {"learn", KM_MODE_LEARN}};
    for (size_t i = 0; s && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i].word) == 0) {
            *out = words[i].mode;
            return true;
        }
    return false;
}

bool km_log_level_parse(const char *s, km_log_level *out)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (km_log_level)i;
            return true;
        }
    return false;
}

void km_config_init(km_config *c)
{
    memset(c, 0, sizeof *c);
    c->start_mode = -1;
    c->kiosk = -1;
    c->log_level = -1;
    c->hot_reload = -1;
    c->export_mode = -1;
    c->export_retention_days = -1;
}

bool km_config_default_path(char *out, size_t n)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int w;
    if (xdg && xdg[0] == '/')
        w = snprintf(out, n, "%s/knotmap/knotmap.conf", xdg);
    else if (home && home[0])
        w = snprintf(out, n, "%s/.config/knotmap/knotmap.conf", home);
    else
        return false;
    return w > 0 && (size_t)w < n;
}

/* ---- value parsers: return NULL when fine, else what was expected ---- */

static const char *parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    const char *d = v[0] == '-' ? v + 1 : v;
    if (!isdigit((unsigned char)d[0])) /* strtol would take " 5" and "+5" */
        return "a whole number in range";
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi)
        return "a whole number in range";
    *out = (int)x;
    return NULL;
}

static const char *parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "0"))
        *out = 0;
    else
        return "true or false";
    return NULL;
}

static const char *parse_path(const char *v, char *out)
{
    if (!v[0] || strlen(v) >= KM_PATH_MAX)
        return "a file or folder path";
    strcpy(out, v);
    return NULL;
}

/* admin_pin_hash: a yescrypt crypt string from `knotmap hash-pin`. */
static const char *parse_pin_hash(const char *v, char *out, size_t n)
{
    if (!km_pin_hash_valid(v) || strlen(v) >= n)
        return "a yescrypt hash \"$y$...\" as printed by `knotmap hash-pin`";
    strcpy(out, v);
    return NULL;
}

/* export_mode: octal permissions; the owner must keep read and write. */
static const char *parse_mode(const char *v, int *out)
{
    char *end;
    errno = 0;
    long m = strtol(v, &end, 8);
    if (end == v || *end || errno || v[0] == '-' || v[0] == '+' || m < 0 || m > 0666 || (m & 0600) != 0600)
        return "octal permissions from 0600 to 0666, e.g. 0640";
    *out = (int)m;
    return NULL;
}

/* "WIDTHxHEIGHT" with each side 320..16384 */
static const char *parse_window(const char *v, int *w, int *h)
{
    char *end;
    if (!isdigit((unsigned char)v[0]))
        return "WIDTHxHEIGHT in pixels, e.g. 1280x800";
    long a = strtol(v, &end, 10);
    if (end == v || (*end != 'x' && *end != 'X') || !isdigit((unsigned char)end[1]))
        return "WIDTHxHEIGHT in pixels, e.g. 1280x800";
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end || a < 320 || b < 240 || a > 16384 || b > 16384)
        return "WIDTHxHEIGHT in pixels, e.g. 1280x800 (at least 320x240)";
    *w = (int)a;
    *h = (int)b;
    return NULL;
}

/* Apply one key; returns NULL or what was expected.  *unknown set for a
 * key this build does not know. */
static const char *apply_key(km_config *c, const char *key, const char *v, bool *unknown)
{
    *unknown = false;
    if (!strcmp(key, "data_file"))
        return parse_path(v, c->data_file);
    if (!strcmp(key, "font_file"))
        return parse_path(v, c->font_file);
    if (!strcmp(key, "export_dir"))
        return parse_path(v, c->export_dir);
    if (!strcmp(key, "idle_timeout"))
        return parse_int(v, 10, 86400, &c->idle_timeout) ? "whole seconds from 10 to 86400" : NULL;
    if (!strcmp(key, "countdown"))
        return parse_int(v, 3, 120, &c->countdown) ? "whole seconds from 3 to 120" : NULL;
    /* admin_pin_hash - string, crypt "$y$..." (yescrypt) - default none
     * (admin exit disabled) - "the administrator PIN's hash, from
     * `knotmap hash-pin`" */
    if (!strcmp(key, "admin_pin_hash"))
        return parse_pin_hash(v, c->admin_pin_hash, sizeof c->admin_pin_hash);
    if (!strcmp(key, "admin_pin_sha256")) /* the old unsalted key: refused, with the way out */
        return "admin_pin_hash instead: an unsalted SHA-256 of a short PIN is reversed in milliseconds. Run "
               "`knotmap hash-pin`, type the PIN, and replace this line with the line it prints";
    /* export_mode - octal 0600..0666 with owner rw - default 0600 - "who
     * may read exported pictures and saved marks" */
    if (!strcmp(key, "export_mode"))
        return parse_mode(v, &c->export_mode);
    /* export_retention_days - integer 0..3650, 0 = keep - default 7 in a
     * kiosk, else 0 - "days before knotmap deletes its own older files
     * from export_dir (checked at start and daily)" */
    if (!strcmp(key, "export_retention_days"))
        return parse_int(v, 0, 3650, &c->export_retention_days) ? "whole days from 0 (keep) to 3650" : NULL;
    if (!strcmp(key, "kiosk"))
        return parse_bool(v, &c->kiosk);
    if (!strcmp(key, "hot_reload"))
        return parse_bool(v, &c->hot_reload);
    if (!strcmp(key, "window"))
        return parse_window(v, &c->window_w, &c->window_h);
    if (!strcmp(key, "start_mode")) {
        km_mode m;
        if (!km_mode_parse(v, &m))
            return "one of explore, where, mark, list, learn";
        c->start_mode = (int)m;
        return NULL;
    }
    if (!strcmp(key, "log_level")) {
        km_log_level l;
        if (!km_log_level_parse(v, &l))
            return "one of error, warn, info, debug";
        c->log_level = (int)l;
        return NULL;
    }
    *unknown = true;
    return "one of data_file, font_file, export_dir, idle_timeout, countdown, admin_pin_hash, "
           "start_mode, kiosk, log_level, window, hot_reload, export_mode, export_retention_days";
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Keys already set in this file, for "set twice" errors. */
typedef struct seen_keys {
    char key[32][40];
    int line[32];
    int n;
} seen_keys;

/* The line where key was set before, or 0; remembers it otherwise. */
static int seen_before(seen_keys *k, const char *key, int lineno)
{
    for (int i = 0; i < k->n; i++)
        if (!strcmp(k->key[i], key))
            return k->line[i];
    if (k->n < 32 && strlen(key) < sizeof k->key[0]) {
        strcpy(k->key[k->n], key);
        k->line[k->n++] = lineno;
    }
    return 0;
}

/* Strip one pair of quotes; NULL if a quote is unbalanced. */
static char *unquote(char *val)
{
    size_t vn = strlen(val);
    bool open = vn > 0 && val[0] == '"', close = vn > 0 && val[vn - 1] == '"';
    if (open && close && vn >= 2) {
        val[vn - 1] = '\0';
        return val + 1;
    }
    return open || close ? NULL : val;
}

/* One line (modified in place).  Reports a problem into d. */
static void parse_line(km_config *c, const char *name, int lineno, char *line, seen_keys *seen, km_diag *d)
{
    char where[KM_PATH_MAX + 32];
    snprintf(where, sizeof where, "%s:%d", name, lineno);
    char *s = trim(line);
    if (!*s || *s == '#')
        return;
    char *eq = strchr(s, '=');
    if (!eq) {
        km_diag_file(d, KM_E_CONFIG, where, "expected 'key = value', got '%.60s'", s);
        return;
    }
    *eq = '\0';
    char *key = trim(s), *val = unquote(trim(eq + 1));
    if (!val) {
        km_diag_file(d, KM_E_CONFIG, where, "key '%.60s': a quote is not closed; expected \"value\" or value",
                     key);
        return;
    }
    bool unknown;
    km_config scratch = *c; /* a key set twice must not change anything */
    const char *expected = apply_key(&scratch, key, val, &unknown);
    int first = unknown ? 0 : seen_before(seen, key, lineno);
    if (expected && unknown)
        km_diag_file(d, KM_E_CONFIG, where, "unknown key '%.60s' (expected %s)", key, expected);
    else if (first)
        km_diag_file(d, KM_E_CONFIG, where, "key '%s': already set on line %d; expected each key once", key, first);
    else if (expected)
        km_diag_file(d, KM_E_CONFIG, where, "key '%s': expected %s, got '%.60s'", key, expected, val);
    else
        *c = scratch;
}

int km_config_parse(km_config *c, const char *name, const char *text, km_diag *d)
{
    int before = d->count + d->dropped;
    char line[2048];
    int lineno = 0;
    seen_keys seen;
    seen.n = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (n >= sizeof line) {
            char where[KM_PATH_MAX + 32];
            snprintf(where, sizeof where, "%s:%d", name, lineno);
            km_diag_file(d, KM_E_CONFIG, where, "line longer than %zu characters", sizeof line - 1);
        } else {
            memcpy(line, p, n);
            line[n] = '\0';
            parse_line(c, name, lineno, line, &seen, d);
        }
        p += n + (nl ? 1 : 0);
    }
    return d->count + d->dropped > before ? -1 : 0;
}

int km_config_load(km_config *c, const char *path, bool must_exist, km_diag *d)
{
    char *buf = NULL;
    size_t len = 0;
    km_file_id id;
    /* fileio: non-blocking open, regular files only (a folder or a FIFO is
     * refused, not read as an empty configuration), size checked by fstat */
    int rc = km_file_read(path, KM_CONFIG_MAX_BYTES, "configuration file", must_exist ? 0 : KM_READ_MISSING_OK,
                          &buf, &len, &id, d);
    if (rc == 1)
        return 0;
    if (rc == 0 && (id.mode & 022)) {
        km_diag_file(d, KM_E_CONFIG, path, "others than its owner may change it (mode %04o); expected `chmod go-w %s`",
                     id.mode & 07777, path);
        rc = -1;
    } else if (rc == 0 && strlen(buf) != len) {
        km_diag_file(d, KM_E_CONFIG, path, "the file contains a NUL byte; expected text");
        rc = -1;
    } else if (rc == 0) {
        rc = km_config_parse(c, path, buf, d);
    }
    free(buf);
    return rc;
}
