/*
 * retention.h - export_retention_days: knotmap deletes its own older files
 * from the export folder (pictures "knotmap-*.png", saved marks
 * "knotmap-marks-*.json", and its writers' leftover ".knotmap-tmp-*"),
 * at start and once a day, so pictures of patients do not pile up.  Only
 * regular files with those names are touched (never a symlink, never
 * another program's file), judged by their modification time.
 */
#ifndef KM_RETENTION_H
#define KM_RETENTION_H

#include <time.h>

#define KM_RETENTION_PERIOD_S 86400 /* how often the app sweeps */

/* Delete knotmap's files in dir last modified more than days ago at now.
 * Returns how many were deleted, or -1 if dir cannot be read. */
int km_retention_sweep(const char *dir, int days, time_t now);

#endif
