/*
 * cmd_run.c - `knotmap [run]`: hand the parsed options to the interactive
 * program (platform/app_main.c), which owns the window or the kiosk.
 */
#include <string.h>

#include "cli.h"
#include "platform/app_main.h"

int km_cmd_run(km_cli *cli, int argc, char **argv)
{
    if (argc > 0)
        return km_cli_usage_error("run: unknown argument '%s'", argv[0]);
    km_app_options o;
    memset(&o, 0, sizeof o);
    o.data_path = cli->data_path ? cli->data_path : km_cli_default_data(cli->resolved_data, sizeof cli->resolved_data);
    o.font_path = cli->font_path;
    o.kiosk = cli->kiosk;
    o.windowed = cli->windowed;
    o.config_path = cli->config_path;
    o.log_level = cli->log_level;
    o.export_dir = cli->export_dir;
    o.idle_timeout_seconds = cli->idle_timeout;
    o.start_mode = cli->mode;
    o.window_w = cli->window_w;
    o.window_h = cli->window_h;
    o.exit_after_ms = cli->exit_after_ms;
    return km_app_main(&o);
}

/* Until the window/kiosk layer (src/platform) is linked in, `run` says so
 * instead of failing to build; the real km_app_main overrides this one. */
__attribute__((weak)) int km_app_main(const km_app_options *o)
{
    (void)o;
    return km_cli_usage_error("run: the interactive program is not part of this build");
}
