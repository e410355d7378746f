/*
 * pinlock.c - the PIN lockout (see pinlock.h).
 */
#include "pinlock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/fileio.h"

void km_pinlock_init(km_pinlock *l) { memset(l, 0, sizeof *l); }

int km_pinlock_remaining(const km_pinlock *l, uint64_t now_ms)
{
    if (l->locked_until <= now_ms)
        return 0;
    return (int)((l->locked_until - now_ms + 999) / 1000);
}

static int lock_seconds(int lockouts)
{
    int s = KM_PINLOCK_FIRST_S;
    for (int i = 1; i < lockouts && s < KM_PINLOCK_MAX_S; i++)
        s *= 2;
    return s < KM_PINLOCK_MAX_S ? s : KM_PINLOCK_MAX_S;
}

int km_pinlock_wrong(km_pinlock *l, uint64_t now_ms)
{
    if (km_pinlock_remaining(l, now_ms) > 0)
        return 0; /* locked: the pad is closed, nothing to count */
    if (++l->failures < KM_PINLOCK_TRIES)
        return 0;
    l->failures = 0;
    if (l->lockouts < 1000)
        l->lockouts++;
    int s = lock_seconds(l->lockouts);
    l->locked_until = now_ms + (uint64_t)s * 1000;
    return s;
}

int km_pinlock_tries_left(const km_pinlock *l) { return KM_PINLOCK_TRIES - l->failures; }

void km_pinlock_right(km_pinlock *l) { km_pinlock_init(l); }

bool km_pinlock_default_path(char *out, size_t n)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int w;
    if (xdg && xdg[0] == '/')
        w = snprintf(out, n, "%s/knotmap/pinlock", xdg);
    else if (home && home[0])
        w = snprintf(out, n, "%s/.local/state/knotmap/pinlock", home);
    else
        return false;
    return w > 0 && (size_t)w < n;
}

void km_pinlock_load(km_pinlock *l, const char *path, uint64_t now_ms, int64_t now_epoch)
{
    km_pinlock_init(l);
    char *text = NULL;
    size_t len;
    km_diag d;
    km_diag_init(&d);
    if (km_file_read(path, 4096, "PIN lock state", KM_READ_MISSING_OK, &text, &len, NULL, &d) == 0) {
        int failures = 0, lockouts = 0;
        long long until = 0;
        if (sscanf(text, "knotmap-pinlock 1 failures=%d lockouts=%d locked_until=%lld", &failures, &lockouts,
                   &until) == 3) {
            l->failures = failures >= 0 && failures < KM_PINLOCK_TRIES ? failures : 0;
            l->lockouts = lockouts >= 0 && lockouts <= 1000 ? lockouts : 0;
            long long left = until - (long long)now_epoch;
            if (left > KM_PINLOCK_MAX_S)
                left = KM_PINLOCK_MAX_S; /* the clock went back: never longer than the longest lock */
            if (left > 0)
                l->locked_until = now_ms + (uint64_t)left * 1000;
        }
    }
    free(text);
    km_diag_release(&d);
}

/* mkdir -p for the state folder, private. */
static int make_dirs(char *dir)
{
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(dir, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int km_pinlock_save(const km_pinlock *l, const char *path, uint64_t now_ms, int64_t now_epoch, char *err,
                    size_t errlen)
{
    char dir[1024];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (!dir[0])
        snprintf(dir, sizeof dir, "/");
    if (make_dirs(dir) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    int left = km_pinlock_remaining(l, now_ms);
    char text[128];
    int n = snprintf(text, sizeof text, "knotmap-pinlock 1 failures=%d lockouts=%d locked_until=%lld\n", l->failures,
                     l->lockouts, left > 0 ? (long long)now_epoch + left : 0LL);
    km_out o;
    if (km_out_begin(&o, dir, 0600, err, errlen) != 0)
        return -1;
    km_out_write(&o, text, (size_t)n);
    return km_out_commit(&o, slash ? slash + 1 : path, true, err, errlen);
}
