/*
 * app_main.h - the interactive program's entry point, called by the command
 * line (src/cli) for `knotmap`, `knotmap run` and `knotmap --kiosk`.
 *
 * A setting not given on the command line (not set in `set`) comes from
 * the configuration file, else its default (src/app/config.h's table).
 */
#ifndef KM_APP_MAIN_H
#define KM_APP_MAIN_H

#include <stdbool.h>

#include "app/config.h"

typedef struct km_app_options {
    km_config set;           /* settings from the command line (km_config_init: none), laid
                              * over the configuration file's */
    bool windowed;           /* with kiosk: kiosk rules in a window (testing) */
    const char *config_path; /* NULL = $XDG_CONFIG_HOME/knotmap/knotmap.conf (optional) */
    int exit_after_ms;       /* > 0: quit after this long (tests, benchmarks) */
    const char *marks_path;  /* open a saved marks file at start; NULL = none */
    const char *code;        /* open the patient drawing saved under this hand-off code; NULL = none */
    const char *record_path; /* --record: write every input event here (record.h); NULL = none */
    const char *replay_path; /* --replay: feed this recording in as input; NULL = none */
} km_app_options;

/* Run until the user quits (or, in a kiosk, the administrator leaves).
 * Returns the process exit status: 0; 2 for a refused setting in the
 * configuration file (the command line's status for a refused option); 1
 * when it could not start (no display, no font); the reason on stderr. */
int km_app_main(const km_app_options *o);

#endif
