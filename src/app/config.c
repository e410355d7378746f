/*
 * config.c - the settings table and the configuration file (see config.h).
 * A line-based parser: every line is a comment, blank, or "key = value";
 * each key is a row of km_settings, whose type says how its value is read
 * and what to say when it is not what was expected.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/alloc.h"
#include "../core/check.h"
#include "../core/fileio.h"
#include "pinhash.h"

/* The words, once: settings, logs, help and docs all read these. */
static const char *const mode_words[KM_MODE_COUNT + 1] = {"explore", "where", "mark", "list", "learn", NULL};
static const char *const mode_log_names[KM_MODE_COUNT] = {"explore", "where-it-hurts", "mark-pain", "muscle-list",
                                                          "learn"};
static const char *const level_words[] = {"error", "warn", "info", "debug", NULL};

const char *km_mode_name(km_mode m)
{
    return (m >= 0 && m < KM_MODE_COUNT) ? mode_log_names[m] : "explore";
}

const char *km_mode_word(km_mode m)
{
    return (m >= 0 && m < KM_MODE_COUNT) ? mode_words[m] : "explore";
}

bool km_mode_parse(const char *s, km_mode *out)
{
    for (int i = 0; s && i < KM_MODE_COUNT; i++)
        if (strcmp(s, mode_words[i]) == 0 || strcmp(s, mode_log_names[i]) == 0) {
            *out = (km_mode)i;
            return true;
        }
    return false;
}

bool km_log_level_parse(const char *s, km_log_level *out)
{
    for (int i = 0; s && level_words[i]; i++)
        if (strcmp(s, level_words[i]) == 0) {
            *out = (km_log_level)i;
            return true;
        }
    return false;
}

const char *km_log_level_name(km_log_level l)
{
    return l >= KM_LOG_ERROR && l <= KM_LOG_DEBUG ? level_words[l] : "warn";
}

#define KM_STR_(x) #x
#define KM_STR(x) KM_STR_(x)
#define F(field) offsetof(km_config, field)

const km_setting km_settings[] = {
    {"kiosk", "--kiosk", NULL, KM_SETTING_BOOL, 0, 0, NULL, NULL, "false",
     "clinic kiosk: fullscreen, no way out but the admin PIN", F(kiosk), 0},
    {"idle_timeout", "--idle-timeout", "SECONDS", KM_SETTING_INT, 10, 86400, "seconds", NULL,
     KM_STR(KM_DEFAULT_IDLE_TIMEOUT), "kiosk: idle time before the wipe countdown", F(idle_timeout), 0},
    {"countdown", "--countdown", "SECONDS", KM_SETTING_INT, 3, 120, "seconds", NULL, KM_STR(KM_DEFAULT_COUNTDOWN),
     "kiosk: length of the on-screen countdown", F(countdown), 0},
    {"admin_pin_hash", NULL, NULL, KM_SETTING_PINHASH, 0, 0, NULL, NULL, "none: admin exit disabled",
     "the administrator PIN's salted hash, from `knotmap hash-pin`", F(admin_pin_hash), 0},
    {"start_mode", "--mode", "MODE", KM_SETTING_ENUM, 0, 0, NULL, mode_words, "where in a kiosk, else explore",
     "the mode shown at start and after a wipe", F(start_mode), 0},
    {"export_dir", "--export-dir", "DIR", KM_SETTING_PATH, 0, 0, NULL, NULL, "~/Pictures, else ~",
     "folder for exported pictures and saved marks", F(export_dir), 0},
    {"data_file", "--data", "FILE", KM_SETTING_PATH, 0, 0, NULL, NULL, "the bundled knotmap.json",
     "the atlas to show", F(data_file), 0},
    {"font_file", "--font", "FILE", KM_SETTING_PATH, 0, 0, NULL, NULL, "fontconfig's sans",
     "a TrueType/OpenType font", F(font_file), 0},
    {"log_level", "--log-level", "LEVEL", KM_SETTING_ENUM, 0, 0, NULL, level_words, "warn",
     "how much to log on stderr (info: every action)", F(log_level), 0},
    {"window", "--window", "WxH", KM_SETTING_SIZE, 400, 16384, NULL, NULL, "1280x800",
     "window size for a windowed run", F(window_w), F(window_h)},
    {"hot_reload", NULL, NULL, KM_SETTING_BOOL, 0, 0, NULL, NULL, "true",
     "reload the data file when it changes", F(hot_reload), 0},
    {"export_mode", NULL, NULL, KM_SETTING_MODE, 0600, 0666, NULL, NULL, "0600",
     "who may read exported pictures and saved marks", F(export_mode), 0},
    {"export_retention_days", NULL, NULL, KM_SETTING_INT, 0, 3650, "days", NULL,
     "7 in a kiosk, else 0 (keep)", "days before knotmap deletes its own older files from export_dir (0: keep them)",
     F(export_retention_days), 0},
    {"printer", "--printer", "NAME", KM_SETTING_TEXT, 0, 0, NULL, NULL, "the system's default printer",
     "CUPS printer for Print handout and handout --print", F(printer), 0},
    {"kiosk_printer", NULL, NULL, KM_SETTING_TEXT, 0, 0, NULL, NULL, "none: no printing in the kiosk",
     "kiosk: the printer of Print for me", F(kiosk_printer), 0},
    {"clinic_name", "--clinic-name", "TEXT", KM_SETTING_TEXT, 0, 0, NULL, NULL, "none",
     "the clinic's name on exports and the handout", F(clinic_name), 0},
    {"clinic_contact", "--clinic-contact", "TEXT", KM_SETTING_TEXT, 0, 0, NULL, NULL, "none",
     "the clinic's phone, address or web site, under its name", F(clinic_contact), 0},
    {"clinic_logo", "--clinic-logo", "FILE", KM_SETTING_PATH, 0, 0, NULL, NULL, "none",
     "the clinic's logo, PNG or JPEG, on the handout", F(clinic_logo), 0},
};

/* Keys that used to exist, refused with the way out rather than "unknown". */
static const struct {
    const char *key, *instead;
} retired_keys[] = {
    {"admin_pin_sha256", "admin_pin_hash instead: an unsalted SHA-256 of a short PIN is reversed in milliseconds. "
                         "Run `knotmap hash-pin`, type the PIN, and replace this line with the line it prints"},
};
const int km_setting_count = (int)(sizeof km_settings / sizeof km_settings[0]);

const km_setting *km_setting_by_key(const char *key)
{
    for (int i = 0; i < km_setting_count; i++)
        if (strcmp(km_settings[i].key, key) == 0)
            return &km_settings[i];
    return NULL;
}

const km_setting *km_setting_by_option(const char *option)
{
    for (int i = 0; i < km_setting_count; i++)
        if (km_settings[i].option && strcmp(km_settings[i].option, option) == 0)
            return &km_settings[i];
    return NULL;
}

static int *int_field(km_config *c, size_t off) { return (int *)(void *)((char *)c + off); }
static char *str_field(km_config *c, size_t off) { return (char *)c + off; }

void km_setting_expected(const km_setting *s, char *out, size_t n)
{
    switch (s->type) {
    case KM_SETTING_BOOL: snprintf(out, n, "true or false"); break;
    case KM_SETTING_INT: snprintf(out, n, "whole %s from %d to %d", s->unit ? s->unit : "numbers", s->lo, s->hi); break;
    case KM_SETTING_PATH: snprintf(out, n, "a file or folder path"); break;
    case KM_SETTING_PINHASH: snprintf(out, n, "a yescrypt hash \"$y$...\" as printed by `knotmap hash-pin`"); break;
    case KM_SETTING_MODE: snprintf(out, n, "octal permissions from %04o to %04o with the owner's read and write, e.g. 0640", s->lo, s->hi); break;
    case KM_SETTING_TEXT: snprintf(out, n, "one line of text, at most %d bytes", KM_TEXT_SETTING_MAX - 1); break;
    case KM_SETTING_SIZE:
        snprintf(out, n, "WIDTHxHEIGHT in pixels, each side from %d to %d, e.g. 1280x800", s->lo, s->hi);
        break;
    case KM_SETTING_ENUM: {
        size_t len = (size_t)snprintf(out, n, "one of ");
        for (int i = 0; s->words[i] && len < n; i++)
            len += (size_t)snprintf(out + len, n - len, "%s%s", i ? ", " : "", s->words[i]);
        break;
    }
    }
}

/* A whole number in lo..hi, the whole string (no sign but '-', no spaces:
 * strtol alone would take " 5" and "+5"). */
static bool parse_int_in(const char *v, int lo, int hi, int *out)
{
    const char *digits = v[0] == '-' ? v + 1 : v;
    if (!isdigit((unsigned char)digits[0]))
        return false;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi)
        return false;
    *out = (int)x;
    return true;
}

static bool parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "0"))
        *out = 0;
    else
        return false;
    return true;
}

/* Octal permissions in lo..hi that keep the owner's read and write. */
static bool parse_mode(const char *v, int lo, int hi, int *out)
{
    if (!isdigit((unsigned char)v[0]))
        return false;
    char *end;
    errno = 0;
    long m = strtol(v, &end, 8);
    if (end == v || *end || errno || m < lo || m > hi || (m & 0600) != 0600)
        return false;
    *out = (int)m;
    return true;
}

/* How many bytes a string setting's field holds. */
static size_t str_size(km_setting_type t)
{
    return t == KM_SETTING_PINHASH ? sizeof ((km_config *)0)->admin_pin_hash
           : t == KM_SETTING_TEXT  ? KM_TEXT_SETTING_MAX
                                   : KM_PATH_MAX;
}

/* One line of text: not empty, short enough, no control characters
 * (UTF-8 beyond ASCII is kept as it is). */
static bool parse_text(const char *v, char *out)
{
    size_t n = strlen(v);
    if (n == 0 || n >= KM_TEXT_SETTING_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return false;
    memcpy(out, v, n + 1);
    return true;
}

static bool parse_size(const char *v, int lo, int hi, int *w, int *h)
{
    if (!isdigit((unsigned char)v[0])) /* no " 200x200", "+200x200" */
        return false;
    char *end;
    errno = 0;
    long a = strtol(v, &end, 10);
    if (end == v || (*end != 'x' && *end != 'X') || !isdigit((unsigned char)end[1]))
        return false;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (errno || end == p || *end || a < lo || b < lo || a > hi || b > hi)
        return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

bool km_setting_apply(km_config *c, const km_setting *s, const char *v, char *expected, size_t n)
{
    bool ok = false;
    int k;
    switch (s->type) {
    case KM_SETTING_BOOL: ok = parse_bool(v, int_field(c, s->off)); break;
    case KM_SETTING_INT: ok = parse_int_in(v, s->lo, s->hi, int_field(c, s->off)); break;
    case KM_SETTING_PATH:
        ok = v[0] && strlen(v) < KM_PATH_MAX;
        if (ok)
            snprintf(str_field(c, s->off), KM_PATH_MAX, "%s", v);
        break;
    case KM_SETTING_PINHASH:
        ok = km_pin_hash_valid(v) && strlen(v) < str_size(s->type);
        if (ok)
            snprintf(str_field(c, s->off), str_size(s->type), "%s", v);
        break;
    case KM_SETTING_MODE: ok = parse_mode(v, s->lo, s->hi, int_field(c, s->off)); break;
    case KM_SETTING_TEXT: ok = parse_text(v, str_field(c, s->off)); break;
    case KM_SETTING_SIZE: ok = parse_size(v, s->lo, s->hi, int_field(c, s->off), int_field(c, s->off2)); break;
    case KM_SETTING_ENUM:
        if (s->words == mode_words) {
            km_mode m;
            if ((ok = km_mode_parse(v, &m)))
                *int_field(c, s->off) = (int)m;
        } else {
            for (k = 0; s->words[k] && !ok; k++)
                if (strcmp(v, s->words[k]) == 0) {
                    *int_field(c, s->off) = k;
                    ok = true;
                }
        }
        break;
    }
    if (!ok)
        km_setting_expected(s, expected, n);
    return ok;
}

void km_config_overlay(km_config *dst, const km_config *src)
{
    for (int i = 0; i < km_setting_count; i++) {
        const km_setting *s = &km_settings[i];
        km_config *from = (km_config *)src; /* read only: the field helpers are not const */
        switch (s->type) {
        case KM_SETTING_BOOL:
        case KM_SETTING_ENUM:
            if (*int_field(from, s->off) >= 0)
                *int_field(dst, s->off) = *int_field(from, s->off);
            break;
        case KM_SETTING_INT:
        case KM_SETTING_MODE:
            if (*int_field(from, s->off) >= 0)
                *int_field(dst, s->off) = *int_field(from, s->off);
            break;
        case KM_SETTING_SIZE:
            if (*int_field(from, s->off) > 0) {
                *int_field(dst, s->off) = *int_field(from, s->off);
                *int_field(dst, s->off2) = *int_field(from, s->off2);
            }
            break;
        case KM_SETTING_PATH:
        case KM_SETTING_PINHASH:
        case KM_SETTING_TEXT:
            if (str_field(from, s->off)[0])
                memcpy(str_field(dst, s->off), str_field(from, s->off), str_size(s->type));
            break;
        }
    }
}

void km_settings_markdown(char *out, size_t n)
{
    size_t len = (size_t)snprintf(out, n, "| key | value | default | command line |\n|---|---|---|---|\n");
    for (int i = 0; i < km_setting_count && len < n; i++) {
        const km_setting *s = &km_settings[i];
        char raw[256], exp[300];
        km_setting_expected(s, raw, sizeof raw);
        size_t k = 0; /* a '|' would end the cell */
        for (const char *p = raw; *p && k + 3 < sizeof exp; p++) {
            if (*p == '|')
                exp[k++] = '\\';
            exp[k++] = *p;
        }
        exp[k] = '\0';
        len += (size_t)snprintf(out + len, n - len, "| `%s` | %s: %s | %s | %s%s%s |\n", s->key, s->help, exp, s->def,
                                s->option ? "`" : "", s->option ? s->option : "none", s->option ? "`" : "");
    }
}

void km_settings_help(char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < km_setting_count && len < n; i++) {
        const km_setting *s = &km_settings[i];
        if (!s->option)
            continue;
        char head[64], exp[256];
        snprintf(head, sizeof head, "%s%s%s", s->option, s->arg ? " " : "", s->arg ? s->arg : "");
        km_setting_expected(s, exp, sizeof exp);
        len += (size_t)snprintf(out + len, n - len, "  %-24s %s\n  %-24s (%s; default %s; file: %s)\n", head, s->help, "",
                                s->type == KM_SETTING_BOOL ? "a flag" : exp, s->def, s->key);
    }
}

void km_config_init(km_config *c)
{
    memset(c, 0, sizeof *c);
    /* -1: not set, for every number, flag and choice (0 is a real value of
     * some, such as export_retention_days = 0, keep) */
    for (int i = 0; i < km_setting_count; i++) {
        km_setting_type t = km_settings[i].type;
        if (t == KM_SETTING_BOOL || t == KM_SETTING_ENUM || t == KM_SETTING_INT || t == KM_SETTING_MODE)
            *int_field(c, km_settings[i].off) = -1;
    }
}

void km_config_default_export_dir(km_config *c)
{
    if (c->export_dir[0])
        return;
    const char *home = getenv("HOME");
    struct stat st;
    if (home && *home) {
        snprintf(c->export_dir, sizeof c->export_dir, "%s/Pictures", home);
        if (stat(c->export_dir, &st) != 0 || !S_ISDIR(st.st_mode))
            snprintf(c->export_dir, sizeof c->export_dir, "%s", home);
    } else
        snprintf(c->export_dir, sizeof c->export_dir, ".");
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

/* Apply one key through the table; NULL when stored, else what was
 * expected.  *unknown set for a key the table does not have. */
static const char *apply_key(km_config *c, const char *key, const char *v, bool *unknown, char *exp, size_t n)
{
    const km_setting *s = km_setting_by_key(key);
    *unknown = false;
    for (size_t i = 0; !s && i < sizeof retired_keys / sizeof retired_keys[0]; i++)
        if (strcmp(key, retired_keys[i].key) == 0)
            return retired_keys[i].instead;
    *unknown = s == NULL;
    if (!s) {
        size_t len = (size_t)snprintf(exp, n, "one of ");
        for (int i = 0; i < km_setting_count && len < n; i++)
            len += (size_t)snprintf(exp + len, n - len, "%s%s", i ? ", " : "", km_settings[i].key);
        return exp;
    }
    return km_setting_apply(c, s, v, exp, n) ? NULL : exp;
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
    int line[64]; /* per row of km_settings: the line that set it, 0 if none */
} seen_keys;

/* The line where the setting was set before, or 0; remembers it otherwise. */
static int seen_before(seen_keys *k, const km_setting *s, int lineno)
{
    int i = (int)(s - km_settings);
    KM_ASSERT(i >= 0 && i < (int)(sizeof k->line / sizeof k->line[0]));
    int first = k->line[i];
    if (!first)
        k->line[i] = lineno;
    return first;
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
    char exp[512];
    km_config scratch = *c; /* a key set twice must not change anything */
    const char *expected = apply_key(&scratch, key, val, &unknown, exp, sizeof exp);
    const km_setting *row = km_setting_by_key(key);
    int first = row ? seen_before(seen, row, lineno) : 0;
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
    memset(&seen, 0, sizeof seen);
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

int km_config_load_layers(km_config *c, const char *path, const km_config *command_line, km_diag *d)
{
    km_config_init(c);
    char def[KM_PATH_MAX];
    int rc = 0;
    if (path)
        rc = km_config_load(c, path, true, d);
    else if (km_config_default_path(def, sizeof def))
        rc = km_config_load(c, def, false, d);
    if (rc != 0)
        return -1;
    if (command_line)
        km_config_overlay(c, command_line); /* the command line wins over the file */
    return 0;
}
