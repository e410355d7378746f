/*
 * alloc.c - allocation wrappers with a failure-injection hook (see alloc.h).
 */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static long km_alloc_budget = -1; /* allocations left before failing; <0: never fail */
static long km_alloc_total;       /* attempts, for tests */

/* One gate for every allocation: counts it and decides whether it fails. */
static int km_alloc_gate(void)
{
    km_alloc_total++;
    if (km_alloc_budget < 0)
        return 1;
    if (km_alloc_budget == 0)
        return 0;
    km_alloc_budget--;
    return 1;
}

void km_alloc_fail_after(long n) { km_alloc_budget = n < 0 ? -1 : n; }

long km_alloc_count(void) { return km_alloc_total; }

void *km_malloc(size_t n)
{
    if (!km_alloc_gate())
        return NULL;
    return malloc(n ? n : 1);
}

void *km_calloc(size_t n, size_t size)
{
    if (!km_alloc_gate())
        return NULL;
    if (n == 0 || size == 0)
        n = size = 1;
    return calloc(n, size);
}

void *km_realloc(void *p, size_t n)
{
    if (!km_alloc_gate())
        return NULL;
    return realloc(p, n ? n : 1);
}

char *km_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *out = km_malloc(len);
    if (out)
        memcpy(out, s, len);
    return out;
}
