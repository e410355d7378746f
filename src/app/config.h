/*
 * config.h - the program's settings: the defaults, the configuration file
 * in the XDG config folder ($XDG_CONFIG_HOME/knotmap/knotmap.conf, else
 * ~/.config/knotmap/knotmap.conf), and the command line on top.
 *
 * Every setting is one row of one table (km_settings: its configuration
 * key, its command-line option, type, range, default and help line).  The
 * configuration file, the command line, `knotmap --help` and the table in
 * docs/kiosk.md (`knotmap --help-settings` prints it; a test compares) all
 * follow that row, so a value is accepted or refused the same way
 * everywhere, with the same words ("expected whole seconds from 10 to
 * 86400, got '5'").
 *
 * The file is "key = value" lines; '#' starts a comment line.  Unknown keys,
 * bad values and a key set twice are errors naming the file, line and key
 * and saying what was expected (a typo in a kiosk's settings must not pass
 * silently); so is a file that others than its owner may write (it holds
 * the admin PIN's hash and the folders the kiosk writes to).  Zero
 * or an empty string in a field means "not set", so a later layer (the
 * command line) only overrides what it sets (the sokol habit).
 */
#ifndef KM_CONFIG_H
#define KM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/diag.h"

#define KM_PATH_MAX 1024
#define KM_TEXT_SETTING_MAX 256 /* a line of text: a printer's or the clinic's name */

typedef enum km_mode {
    KM_MODE_EXPLORE = 0, /* tap a muscle, read about it */
    KM_MODE_WHERE,       /* tap where it hurts, get candidates */
    KM_MODE_MARK,        /* draw the pain, get candidates */
    KM_MODE_LIST,        /* muscles by body region */
    KM_MODE_LEARN,       /* "What is a muscle knot?" */
    KM_MODE_COUNT
} km_mode;

typedef enum km_log_level {
    KM_LOG_ERROR = 0,
    KM_LOG_WARN,
    KM_LOG_INFO,
    KM_LOG_DEBUG,
} km_log_level;

typedef struct km_config {
    char data_file[KM_PATH_MAX];  /* atlas; "" = built-in search */
    char font_file[KM_PATH_MAX];  /* "" = fontconfig's sans */
    char export_dir[KM_PATH_MAX]; /* "" = ~/Pictures or ~ */
    int idle_timeout;             /* seconds before the countdown; -1 = not set (90) */
    int countdown;                /* seconds of on-screen countdown; -1 = not set (10) */
    char admin_pin_hash[256];     /* crypt "$y$..." (yescrypt); "" = admin exit disabled */
    int start_mode;               /* km_mode, or -1 = not set */
    int kiosk;                    /* 1 on, 0 off, -1 not set */
    int log_level;                /* km_log_level, or -1 = not set */
    int window_w, window_h;       /* 0 = default */
    int hot_reload;               /* 1 on, 0 off, -1 not set (default on) */
    int export_mode;              /* permissions of exports and saved marks, -1 = not set (0600) */
    int export_retention_days;    /* days knotmap's files stay in export_dir; 0 = forever; -1 = not set */
    char printer[KM_TEXT_SETTING_MAX];        /* CUPS queue; "" = the system's default */
    char kiosk_printer[KM_TEXT_SETTING_MAX];  /* kiosk: "" = no printing in the kiosk */
    char clinic_name[KM_TEXT_SETTING_MAX];    /* on exports and the handout; "" = none */
    char clinic_contact[KM_TEXT_SETTING_MAX]; /* phone, address or web; "" = none */
    char clinic_logo[KM_PATH_MAX];            /* PNG or JPEG; "" = none */
} km_config;

#define KM_DEFAULT_IDLE_TIMEOUT 90
#define KM_DEFAULT_COUNTDOWN 10
#define KM_DEFAULT_EXPORT_MODE 0600
#define KM_DEFAULT_RETENTION_DAYS_KIOSK 7 /* desktop: 0, keep */
#define KM_CONFIG_MAX_BYTES (1u << 20)

/* ---- the settings table ---------------------------------------------- */

typedef enum km_setting_type {
    KM_SETTING_BOOL, /* int field: 1, 0, -1 not set; a flag on the command line */
    KM_SETTING_INT,  /* int field in lo..hi; -1 not set */
    KM_SETTING_ENUM, /* int field: index in words; -1 not set */
    KM_SETTING_PATH, /* char[KM_PATH_MAX]; "" not set */
    KM_SETTING_SIZE, /* two int fields WIDTHxHEIGHT, each lo..hi; 0 not set */
    KM_SETTING_PINHASH, /* char[256]: a yescrypt crypt string; "" not set */
    KM_SETTING_MODE, /* int field: octal permissions in lo..hi; -1 not set */
    KM_SETTING_TEXT, /* char[KM_TEXT_SETTING_MAX]: one line, no control characters; "" not set */
} km_setting_type;

typedef struct km_setting {
    const char *key;          /* in the configuration file */
    const char *option;       /* on the command line; NULL: file only */
    const char *arg;          /* the option's value in --help ("SECONDS") */
    km_setting_type type;
    int lo, hi;               /* INT, SIZE: the range (SIZE: each side) */
    const char *unit;         /* INT: "seconds" */
    const char *const *words; /* ENUM: the accepted words, NULL-terminated */
    const char *def;          /* the default, as the docs say it */
    const char *help;         /* one line */
    size_t off, off2;         /* fields of km_config (off2: SIZE's height) */
} km_setting;

extern const km_setting km_settings[];
extern const int km_setting_count;

const km_setting *km_setting_by_key(const char *key);
const km_setting *km_setting_by_option(const char *option);
/* Store value for setting s in c.  True, or false with what was expected
 * in expected (e.g. "whole seconds from 10 to 86400"); c is unchanged then. */
bool km_setting_apply(km_config *c, const km_setting *s, const char *value, char *expected, size_t n);
/* What a setting accepts, in words (the same text as the error). */
void km_setting_expected(const km_setting *s, char *out, size_t n);
/* Copy into dst every setting src sets (the command line over the file). */
void km_config_overlay(km_config *dst, const km_config *src);
/* The table as markdown (docs/kiosk.md) and as --help lines. */
void km_settings_markdown(char *out, size_t n);
void km_settings_help(char *out, size_t n);

void km_config_init(km_config *c); /* everything "not set" */
/* export_dir when not set: ~/Pictures if it is a folder, else ~, else ".". */
void km_config_default_export_dir(km_config *c);
/* The default file: $XDG_CONFIG_HOME/knotmap/knotmap.conf or
 * $HOME/.config/knotmap/knotmap.conf.  False if neither variable is set. */
bool km_config_default_path(char *out, size_t n);
/* Read settings from path into c (keys in the file replace c's values).
 * A missing file is fine when !must_exist.  Returns 0, or -1 with every
 * problem in d (code KM_E_IO or KM_E_CONFIG). */
int km_config_load(km_config *c, const char *path, bool must_exist, km_diag *d);
/* The layers every command reads: c initialised, then the configuration
 * file (path, which must exist, or the default one if it exists), then
 * the command line's settings over it.  0, or -1 with the problems in d. */
int km_config_load_layers(km_config *c, const char *path, const km_config *command_line, km_diag *d);
/* Same from memory (name is used in messages). */
int km_config_parse(km_config *c, const char *name, const char *text, km_diag *d);

bool km_mode_parse(const char *s, km_mode *out); /* "explore" "where" "mark" "list" "learn" */
const char *km_mode_name(km_mode m);             /* the word used in logs */
const char *km_mode_word(km_mode m);             /* the word of settings: "where" */
bool km_log_level_parse(const char *s, km_log_level *out);
const char *km_log_level_name(km_log_level l);   /* "error" "warn" "info" "debug" */

#endif
