/*
 * logpriv.h - what a kiosk's log may say about a patient: nothing.
 *
 * A log line is "ACTION [word ...] [key=value ...]".  In kiosk mode, at
 * every level but debug, km_app_log passes the line through km_log_redact,
 * which keeps the action, bare words (mode and tool names, on/off) and
 * only the key=value pairs in the allow-list below - facts about the
 * machine, never where or how much it hurts: no coordinates, views, areas,
 * muscles, sides, stretches, intensities or counts of marks.  An
 * allow-list, so a new log line leaks nothing until someone decides it may.
 * docs/kiosk.md lists what remains at each level.
 */
#ifndef KM_LOGPRIV_H
#define KM_LOGPRIV_H

/* Keys a kiosk log keeps (space-separated, for the docs and the tests). */
#define KM_LOG_PUBLIC_KEYS                                                                         \
    "kiosk mode data export_dir path reason seconds failures key ms muscles renderer video deleted days id code"

/* Drop every key=value pair whose key is not public, in place. */
void km_log_redact(char *line);

#endif
