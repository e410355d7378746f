/*
 * alloc.h - the core's one door to the heap.
 *
 * Every allocation in the core (and jansson's, while the loader parses) goes
 * through these wrappers so that a test can make the Nth allocation fail,
 * SQLite-style, and check that every caller returns cleanly.  Memory from
 * them is released with plain free().
 */
#ifndef KM_ALLOC_H
#define KM_ALLOC_H

#include <stddef.h>

void *km_malloc(size_t n);
void *km_calloc(size_t n, size_t size);
void *km_realloc(void *p, size_t n);
char *km_strdup(const char *s);

/* Test hook: let the next n allocations succeed and fail every one after
 * that (sticky) until called again; n < 0 disables failures (the default).
 * Not thread-safe; meant for single-threaded tests. */
void km_alloc_fail_after(long n);
/* Allocations attempted since the process started (for tests). */
long km_alloc_count(void);

#endif
