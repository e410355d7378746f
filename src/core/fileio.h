/*
 * fileio.h - the one door for files knotmap reads and writes.
 *
 * Reading (km_file_read): every input (atlas, marks, configuration, font)
 * is opened O_RDONLY|O_NONBLOCK|O_CLOEXEC, so a FIFO never blocks; fstat
 * then refuses anything that is not a regular file (FIFO, folder, device)
 * and any file over the caller's limit before a byte is read; the read
 * itself tells a read error ([io] with the reason) from the end of file;
 * a file that changed while it was being read (its identity - device,
 * inode, size, nanosecond mtime - differs before and after) is read again.
 *
 * Writing (km_out): a new file is created unnamed in the target folder
 * (O_TMPFILE) and given its name only when complete, with linkat(2), which
 * fails on an existing name, so a symlink planted at the final name is
 * never followed and a kill -9 leaves nothing.  Where O_TMPFILE is not
 * supported, a "." KM_OUT_TMP_PREFIX "XXXXXX" file is made with mkstemp
 * (O_EXCL: no symlink followed), held under flock(2) while written, and
 * stale ones (no lock held: their writer died) are removed by the next
 * writer in that folder.  Files are 0600 unless the caller gives a mode,
 * fsync'ed before they get their name.  Unique names ("STEM-STAMP.EXT",
 * then "-2", "-3" ...) are claimed by the link itself, retried on EEXIST,
 * so two saves in the same second get two files and no check-then-create
 * race exists.
 */
#ifndef KM_FILEIO_H
#define KM_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"

#define KM_OUT_TMP_PREFIX ".knotmap-tmp-"
#define KM_OUT_DEFAULT_MODE 0600

/* What identifies one version of a file: reload compares all of it. */
typedef struct km_file_id {
    uint64_t dev, ino;
    int64_t size;
    int64_t mtime_s;
    long mtime_ns;
    unsigned mode, uid; /* permissions and owner (not part of the identity) */
} km_file_id;

/* The identity of path now (stat); false if it cannot be stat'ed. */
bool km_file_id_of(const char *path, km_file_id *out);
bool km_file_id_equal(const km_file_id *a, const km_file_id *b);

enum {
    KM_READ_MISSING_OK = 1, /* a missing file is not an error: returns 1 */
};

/* Read all of path (at most limit bytes) into a new NUL-terminated buffer
 * (*out, free() it; *len without the NUL).  what names the file in
 * messages ("marks file").  Returns 0; 1 if missing and KM_READ_MISSING_OK;
 * -1 with one located line in d ([io], or [limit] when too large).  id, if
 * not NULL, receives the identity of what was read. */
int km_file_read(const char *path, size_t limit, const char *what, int flags, char **out, size_t *len,
                 km_file_id *id, km_diag *d);

/* Check that path opens without blocking as a regular file of at most
 * limit bytes (for files a library opens itself, like the font).  Returns
 * true, or false with "PATH: reason" in err. */
bool km_file_check_regular(const char *path, size_t limit, char *err, size_t errlen);

/* A file being written. */
typedef struct km_out {
    int fd;           /* -1 when closed */
    int dirfd;        /* the target folder */
    bool unnamed;     /* O_TMPFILE: no name until committed */
    char tmp[64];     /* the mkstemp name in the folder (fallback only) */
    char dir[1024];   /* for messages */
    unsigned mode;    /* permissions of the finished file */
    int err;          /* errno of the first failed write, 0 while fine */
} km_out;

/* Start a new file in folder dir with mode (0 = KM_OUT_DEFAULT_MODE).
 * Returns 0, or -1 with "DIR: reason" in err. */
int km_out_begin(km_out *o, const char *dir, unsigned mode, char *err, size_t errlen);
/* Append n bytes; false (and o->err set) on failure. */
bool km_out_write(km_out *o, const void *data, size_t n);
/* Flush and name the file dir/name: with replace, an existing name is
 * replaced (rename; a symlink there is replaced, never followed); without,
 * an existing name is an error (EEXIST).  The km_out is closed either way.
 * Returns 0, or -1 with "DIR/NAME: reason" in err. */
int km_out_commit(km_out *o, const char *name, bool replace, char *err, size_t errlen);
/* Flush and name the file "STEM-YYYYmmdd-HHMMSS.EXT" (then -2, -3 ...) in
 * the folder, the first name free at the moment of the link.  The full
 * path goes to path_out.  Returns 0 or -1 with the reason in err. */
int km_out_commit_unique(km_out *o, const char *stem, const char *ext, char *path_out, size_t pathlen, char *err,
                         size_t errlen);
/* Give up: nothing is left on disk.  Safe on a closed km_out. */
void km_out_abort(km_out *o);

/* Remove temporary files of dead writers in dir (fallback mode only has
 * any).  Returns how many were removed. */
int km_out_clean_stale(const char *dir);

/* Test hook: pretend O_TMPFILE is unsupported (also the environment
 * variable KNOTMAP_NO_O_TMPFILE=1). */
void km_out_force_fallback(bool on);

#endif
