/*
 * retention.c - the export folder's clean-up (see retention.h).
 */
#define _GNU_SOURCE /* dirfd */
#include "retention.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/fileio.h"

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* One of the names knotmap gives its own files. */
static bool ours(const char *name)
{
    if (strncmp(name, KM_OUT_TMP_PREFIX, strlen(KM_OUT_TMP_PREFIX)) == 0)
        return true;
    return strncmp(name, "knotmap-", 8) == 0 && (ends_with(name, ".png") || ends_with(name, ".json"));
}

int km_retention_sweep(const char *dir, int days, time_t now)
{
    if (days <= 0)
        return 0;
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    int fd = dirfd(dp), deleted = 0;
    time_t cutoff = now - (time_t)days * 86400;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        struct stat st;
        if (!ours(de->d_name) || fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode) && st.st_mtime < cutoff && unlinkat(fd, de->d_name, 0) == 0)
            deleted++;
    }
    closedir(dp);
    return deleted;
}
