/*
 * pinlock.h - how often the administrator PIN may be tried: after
 * KM_PINLOCK_TRIES wrong PINs in a row the admin gesture is locked for
 * 30 s, each further lock twice as long up to 15 minutes; a right PIN
 * forgets it all.  Pure: the caller passes the time (milliseconds on any
 * monotonic clock), so tests need no clock.
 *
 * The state survives a restart in a small text file (by default
 * $XDG_STATE_HOME/knotmap/pinlock, else ~/.local/state/knotmap/pinlock),
 * where the lock's end is kept as wall-clock seconds and converted back to
 * the caller's clock when read; a lock that reads longer than the longest
 * lock (the clock went back) is cut to it.
 */
#ifndef KM_PINLOCK_H
#define KM_PINLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KM_PINLOCK_TRIES 3
#define KM_PINLOCK_FIRST_S 30
#define KM_PINLOCK_MAX_S 900

typedef struct km_pinlock {
    int failures;          /* wrong PINs since the last lock or right PIN */
    int lockouts;          /* locks so far (each doubles the next) */
    uint64_t locked_until; /* caller's ms; 0 = not locked */
} km_pinlock;

void km_pinlock_init(km_pinlock *l);
/* Seconds (rounded up) the gesture stays locked at now; 0 if open. */
int km_pinlock_remaining(const km_pinlock *l, uint64_t now_ms);
/* Count a wrong PIN.  Returns the seconds of the lock it started, or 0. */
int km_pinlock_wrong(km_pinlock *l, uint64_t now_ms);
/* Wrong PINs left before the next lock. */
int km_pinlock_tries_left(const km_pinlock *l);
void km_pinlock_right(km_pinlock *l);

/* The state file: where it is by default (false if no HOME). */
bool km_pinlock_default_path(char *out, size_t n);
/* Read path (missing = no lock).  now_ms / now_epoch: the caller's clock
 * and the wall clock at the same moment. */
void km_pinlock_load(km_pinlock *l, const char *path, uint64_t now_ms, int64_t now_epoch);
/* Write it (fileio: atomic, 0600, its folder made 0700).  0 or -1 with err. */
int km_pinlock_save(const km_pinlock *l, const char *path, uint64_t now_ms, int64_t now_epoch, char *err,
                    size_t errlen);

#endif
