/*
 * check.h - KM_ASSERT for programmer errors (broken invariants).
 *
 * Data and environment problems (a bad file, a full disk) are reported with
 * a code and a message and the program carries on; a broken invariant (an
 * index out of range passed by our own code, a NULL where the API says
 * never) is a bug, and is stopped at the place it happens, as microui's
 * `expect` and SQLite's `assert` do.  Active in debug builds and in the
 * sanitizer build (KNOTMAP_SANITIZE defines KM_ASSERTIONS); compiled out
 * in release builds, where the callers' own range checks still hold.  Platform-free.
 */
#ifndef KM_CHECK_H
#define KM_CHECK_H

#if !defined(NDEBUG) || defined(KM_ASSERTIONS)
#define KM_ASSERT_ON 1
#define KM_ASSERT(cond) ((cond) ? (void)0 : km_assert_fail(#cond, __FILE__, __LINE__, __func__))
#else
#define KM_ASSERT_ON 0
#define KM_ASSERT(cond) ((void)0)
#endif

/* Prints "FILE:LINE: FUNC: assertion failed: COND" on stderr and aborts
 * (tests may install a handler instead: km_assert_set_handler). */
_Noreturn void km_assert_fail(const char *cond, const char *file, int line, const char *func);

/* For tests: called instead of abort() (it must not return: longjmp or
 * exit).  NULL restores abort(). */
typedef void (*km_assert_handler)(const char *message);
void km_assert_set_handler(km_assert_handler h);

#endif
