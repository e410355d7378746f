/*
 * app_main.h - the interactive program's entry point, called by the command
 * line (src/cli) for `knotmap`, `knotmap run` and `knotmap --kiosk`.
 *
 * Zero / NULL in any field means "not given on the command line": the
 * configuration file's value, else the built-in default, is used.
 */
#ifndef KM_APP_MAIN_H
#define KM_APP_MAIN_H

#include <stdbool.h>

typedef struct km_app_options {
    const char *data_path;   /* atlas file; NULL = configuration or default */
    const char *default_data_path; /* the bundled atlas the command line found */
    const char *font_path;   /* NULL = configuration or fontconfig's sans */
    bool kiosk;              /* clinic kiosk: fullscreen, admin exit only */
    bool windowed;           /* with kiosk: kiosk rules in a window (testing) */
    const char *config_path; /* NULL = $XDG_CONFIG_HOME/knotmap/knotmap.conf (optional) */
    const char *log_level;   /* "error" "warn" "info" "debug"; NULL = warn */
    const char *export_dir;  /* where Export writes; NULL = configuration or ~/Pictures */
    int idle_timeout_seconds; /* kiosk idle time before the countdown; 0 = default 90 */
    const char *start_mode;  /* "explore" "where" "mark" ...; NULL = explore (kiosk: where) */
    int window_w, window_h;  /* 0 = default 1280x800 */
    int exit_after_ms;       /* > 0: quit after this long (tests, benchmarks) */
    const char *marks_path;  /* open a saved marks file at start; NULL = none */
} km_app_options;

/* Run until the user quits (or, in a kiosk, the administrator leaves).
 * Returns the process exit status: 0, or 1 when it could not start (no
 * display, bad configuration, no font) with the reason on stderr. */
int km_app_main(const km_app_options *o);

#endif
