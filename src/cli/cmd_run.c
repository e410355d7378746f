/*
 * cmd_run.c - `knotmap [run]`: hand the parsed options to the interactive
 * program (platform/app_main.c), which owns the window or the kiosk.
 */
#include <string.h>

#include "cli.h"
#include "platform/app_main.h"

int km_cmd_run(km_cli *cli, int argc, char **argv)
{
    km_app_options o;
    memset(&o, 0, sizeof o);
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r = km_cli_opt(argc, argv, &i, "--marks", true, &v);
        if (r > 0) {
            o.marks_path = v;
            continue;
        }
        if (r == 0 && (r = km_cli_opt(argc, argv, &i, "--code", true, &v)) > 0) {
            o.code = v;
            continue;
        }
        if (r < 0)
            return KM_EXIT_USAGE;
        return km_cli_usage_error("run: unknown argument '%s'", argv[i]);
    }
    o.set = cli->set;
    o.windowed = cli->windowed;
    o.config_path = cli->config_path;
    o.exit_after_ms = cli->exit_after_ms;
    o.record_path = cli->record_path;
    o.replay_path = cli->replay_path;
    return km_app_main(&o);
}

