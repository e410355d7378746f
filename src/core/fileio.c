/*
 * fileio.c - safe input and atomic output (see fileio.h for the design).
 *
 * Why each step: O_NONBLOCK on open so a FIFO named as an input returns at
 * once instead of waiting for a writer; fstat before reading so a device or
 * a 2 GB sparse file is refused by its type or size, not after reading
 * 64 MiB; O_TMPFILE + linkat so a partial file never has a name; flock on
 * the mkstemp fallback so the next writer can tell a dead writer's file
 * (no lock) from a live one's.
 */
#define _GNU_SOURCE
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"

#define KM_READ_RETRIES 3 /* reads of a file that keeps changing under us */

/* ---- identity ---------------------------------------------------------- */

static void id_from_stat(const struct stat *st, km_file_id *id)
{
    id->dev = (uint64_t)st->st_dev;
    id->ino = (uint64_t)st->st_ino;
    id->size = (int64_t)st->st_size;
    id->mtime_s = (int64_t)st->st_mtim.tv_sec;
    id->mtime_ns = st->st_mtim.tv_nsec;
    id->mode = (unsigned)st->st_mode;
    id->uid = (unsigned)st->st_uid;
}

bool km_file_id_of(const char *path, km_file_id *out)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    id_from_stat(&st, out);
    return true;
}

bool km_file_id_equal(const km_file_id *a, const km_file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s &&
           a->mtime_ns == b->mtime_ns;
}

/* ---- reading ----------------------------------------------------------- */

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a folder";
    if (S_ISFIFO(m))
        return "a FIFO (named pipe)";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/* Open path for reading without blocking and check it with fstat.
 * Returns the fd, or -1 with the reason in why (errno-style *e). */
static int open_regular(const char *path, size_t limit, struct stat *st, char *why, size_t whylen, int *e,
                        km_diag_code *code)
{
    *code = KM_E_IO;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *e = errno;
        snprintf(why, whylen, "cannot open: %s", strerror(errno));
        return -1;
    }
    *e = 0;
    if (fstat(fd, st) != 0) {
        *e = errno;
        snprintf(why, whylen, "cannot stat: %s", strerror(errno));
    } else if (!S_ISREG(st->st_mode)) {
        snprintf(why, whylen, "is %s, expected a regular file", kind_of(st->st_mode));
    } else if ((uint64_t)st->st_size > (uint64_t)limit) {
        *code = KM_E_LIMIT;
        snprintf(why, whylen, "is %lld bytes, at most %zu allowed", (long long)st->st_size, limit);
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

bool km_file_check_regular(const char *path, size_t limit, char *err, size_t errlen)
{
    struct stat st;
    char why[256];
    int e;
    km_diag_code code;
    int fd = open_regular(path, limit, &st, why, sizeof why, &e, &code);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return false;
    }
    close(fd);
    return true;
}

/* Read fd to the end, at most limit bytes.  0, or -1 with why set. */
static int read_all(int fd, size_t limit, size_t hint, char **out, size_t *len, char *why, size_t whylen,
                    km_diag_code *code)
{
    size_t cap = (hint < limit ? hint : limit) + 1, n = 0;
    char *buf = km_malloc(cap + 1);
    if (!buf) {
        *code = KM_E_NOMEM;
        snprintf(why, whylen, "out of memory while reading");
        return -1;
    }
    for (;;) {
        if (n == cap) { /* the file grew while we read it */
            size_t ncap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
            char *nb = n > limit ? NULL : km_realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                *code = n > limit ? KM_E_LIMIT : KM_E_NOMEM;
                snprintf(why, whylen, n > limit ? "is larger than %zu bytes, the most allowed" : "out of memory",
                         limit);
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            *code = KM_E_IO;
            snprintf(why, whylen, "cannot read: %s", strerror(errno));
            free(buf);
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > limit) {
            *code = KM_E_LIMIT;
            snprintf(why, whylen, "is larger than %zu bytes, the most allowed", limit);
            free(buf);
            return -1;
        }
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int km_file_read(const char *path, size_t limit, const char *what, int flags, char **out, size_t *len,
                 km_file_id *id, km_diag *d)
{
    *out = NULL;
    *len = 0;
    char why[256] = "";
    km_diag_code code = KM_E_IO;
    for (int attempt = 0; attempt < KM_READ_RETRIES; attempt++) {
        struct stat st, after;
        int e;
        int fd = open_regular(path, limit, &st, why, sizeof why, &e, &code);
        if (fd < 0) {
            if (e == ENOENT && (flags & KM_READ_MISSING_OK))
                return 1;
            break;
        }
        char *buf = NULL;
        size_t n = 0;
        int rc = read_all(fd, limit, (size_t)st.st_size, &buf, &n, why, sizeof why, &code);
        bool same = rc == 0 && fstat(fd, &after) == 0;
        close(fd);
        if (rc != 0)
            break;
        km_file_id a, b;
        id_from_stat(&st, &a);
        if (same)
            id_from_stat(&after, &b);
        if (same && km_file_id_equal(&a, &b) && (int64_t)n == a.size) {
            if (id)
                *id = a;
            *out = buf;
            *len = n;
            return 0;
        }
        free(buf); /* changed while being read: read the new version */
        code = KM_E_IO;
        snprintf(why, sizeof why, "kept changing while being read");
    }
    km_diag_file(d, code, path, "%s: %s", what ? what : "file", why);
    return -1;
}

/* ---- writing ----------------------------------------------------------- */

static bool force_fallback;

void km_out_force_fallback(bool on) { force_fallback = on; }

static bool use_fallback(void)
{
    const char *e = getenv("KNOTMAP_NO_O_TMPFILE");
    return force_fallback || (e && e[0] == '1');
}

/* An unnamed file in the folder, if the filesystem and /proc allow linking
 * it later; -1 otherwise (the caller falls back to mkstemp). */
static int open_unnamed(int dirfd)
{
#ifdef O_TMPFILE
    if (use_fallback())
        return -1;
    int fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (access(proc, F_OK) != 0) { /* no /proc (a bare chroot): linkat could not name it */
        close(fd);
        return -1;
    }
    /* Locked like the fallback's files, so that if --force gives it a
     * private name before the rename, no cleaner takes it for a dead one. */
    flock(fd, LOCK_EX | LOCK_NB);
    return fd;
#else
    (void)dirfd;
    return -1;
#endif
}

/* A fallback temporary file "." KM_OUT_TMP_PREFIX "XXXXXX", locked. */
static int open_named_tmp(km_out *o)
{
    for (int tries = 0; tries < 100; tries++) {
        static const char az[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long r = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^ (unsigned long)rand();
        char sfx[9];
        for (int i = 0; i < 8; i++, r = r * 6364136223846793005UL + 1442695040888963407UL)
            sfx[i] = az[(r >> 33) % (sizeof az - 1)];
        sfx[8] = '\0';
        snprintf(o->tmp, sizeof o->tmp, "%s%s", KM_OUT_TMP_PREFIX, sfx);
        int fd = openat(o->dirfd, o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            if (flock(fd, LOCK_EX | LOCK_NB) != 0) { /* cannot happen on a fresh file; be safe */
                close(fd);
                unlinkat(o->dirfd, o->tmp, 0);
                o->tmp[0] = '\0';
                return -1;
            }
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    o->tmp[0] = '\0';
    return -1;
}

int km_out_clean_stale(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int removed = 0, dfd = dirfd(dp);
    struct dirent *de;
    size_t plen = strlen(KM_OUT_TMP_PREFIX);
    while ((de = readdir(dp)) != NULL) {
        if (strncmp(de->d_name, KM_OUT_TMP_PREFIX, plen) != 0)
            continue;
        int fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        /* A writer holds its lock until the file is named: no lock, no writer. */
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            unlinkat(dfd, de->d_name, 0) == 0)
            removed++;
        close(fd);
    }
    closedir(dp);
    return removed;
}

int km_out_begin(km_out *o, const char *dir, unsigned mode, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->mode = mode ? mode & 07777 : KM_OUT_DEFAULT_MODE;
    snprintf(o->dir, sizeof o->dir, "%s", dir && *dir ? dir : ".");
    o->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (o->dirfd < 0) {
        snprintf(err, errlen, "%s: %s", o->dir, errno == ENOTDIR ? "not a folder" : strerror(errno));
        return -1;
    }
    o->fd = open_unnamed(o->dirfd);
    o->unnamed = o->fd >= 0;
    if (!o->unnamed) {
        km_out_clean_stale(o->dir);
        o->fd = open_named_tmp(o);
    }
    if (o->fd < 0) {
        snprintf(err, errlen, "%s: cannot write in this folder: %s", o->dir, strerror(errno));
        close(o->dirfd);
        o->dirfd = -1;
        return -1;
    }
    return 0;
}

bool km_out_write(km_out *o, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n > 0 && !o->err) {
        ssize_t k = write(o->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            o->err = k < 0 ? errno : ENOSPC;
            break;
        }
        p += k;
        n -= (size_t)k;
    }
    return !o->err;
}

void km_out_abort(km_out *o)
{
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp[0] && o->dirfd >= 0)
        unlinkat(o->dirfd, o->tmp, 0);
    if (o->dirfd >= 0)
        close(o->dirfd);
    o->fd = o->dirfd = -1;
    o->tmp[0] = '\0';
}

/* Content on disk with its final mode, before it gets a name.  0 or errno. */
static int out_flush(km_out *o)
{
    if (o->err)
        return o->err;
    if (fchmod(o->fd, (mode_t)o->mode) != 0 || fsync(o->fd) != 0)
        return errno;
    return 0;
}

/* Give the finished file the name (no replace: fails with EEXIST).  0 or errno. */
static int out_link(km_out *o, const char *name)
{
    if (o->unnamed) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
        if (linkat(AT_FDCWD, proc, o->dirfd, name, AT_SYMLINK_FOLLOW) == 0)
            return 0;
        return errno;
    }
    if (linkat(o->dirfd, o->tmp, o->dirfd, name, 0) == 0)
        return 0;
    int e = errno;
    if (e == EEXIST)
        return e;
    /* No hard links here (FAT on a USB stick): a rename that never replaces. */
    if (renameat2(o->dirfd, o->tmp, o->dirfd, name, RENAME_NOREPLACE) == 0) {
        o->tmp[0] = '\0';
        return 0;
    }
    return errno == EINVAL ? e : errno;
}

/* Replace name with the finished file (rename replaces a symlink itself). */
static int out_replace(km_out *o, const char *name)
{
    if (o->unnamed) { /* name it privately first, then rename over */
        km_out t = *o;
        int fd = open_named_tmp(&t); /* only to pick a free private name */
        if (fd < 0)
            return errno ? errno : EEXIST;
        close(fd);
        unlinkat(o->dirfd, t.tmp, 0);
        int e = out_link(o, t.tmp);
        if (e)
            return e;
        snprintf(o->tmp, sizeof o->tmp, "%s", t.tmp);
    }
    if (renameat(o->dirfd, o->tmp, o->dirfd, name) != 0)
        return errno;
    o->tmp[0] = '\0';
    return 0;
}

static void out_finish(km_out *o)
{
    fsync(o->dirfd); /* the new name itself survives a power cut */
    km_out_abort(o); /* closes; removes the fallback name if still there */
}

int km_out_commit(km_out *o, const char *name, bool replace, char *err, size_t errlen)
{
    int e = out_flush(o);
    if (!e)
        e = replace ? out_replace(o, name) : out_link(o, name);
    if (e) {
        if (e == EEXIST)
            snprintf(err, errlen, "%s/%s: file exists", o->dir, name);
        else
            snprintf(err, errlen, "%s/%s: %s", o->dir, name, strerror(e));
        km_out_abort(o);
        return -1;
    }
    out_finish(o);
    return 0;
}

int km_out_commit_unique(km_out *o, const char *stem, const char *ext, char *path_out, size_t pathlen, char *err,
                         size_t errlen)
{
    int e = out_flush(o);
    char name[256], stamp[32];
    time_t now = time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
    for (int k = 1; !e && k <= 10000; k++) {
        if (k == 1)
            snprintf(name, sizeof name, "%s-%s.%s", stem, stamp, ext);
        else
            snprintf(name, sizeof name, "%s-%s-%d.%s", stem, stamp, k, ext);
        e = out_link(o, name);
        if (e == EEXIST)
            e = k == 10000 ? EEXIST : 0;
        else if (e == 0) {
            const char *sep = o->dir[strlen(o->dir) - 1] == '/' ? "" : "/";
            snprintf(path_out, pathlen, "%s%s%s", o->dir, sep, name);
            out_finish(o);
            return 0;
        }
    }
    snprintf(err, errlen, "%s: cannot create %s-%s.%s: %s", o->dir, stem, stamp, ext,
             e == EEXIST ? "no free file name" : strerror(e));
    km_out_abort(o);
    return -1;
}
