/*
 * diag.c - the list of problems a loader found, formatted once, one line
 * each, with a stable code from the table in diag.h.
 */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const code_ids[] = {
#define KM_DIAG_ID(name, id) id,
    KM_DIAG_CODES(KM_DIAG_ID)
#undef KM_DIAG_ID
};

void km_diag_init(km_diag *d) { memset(d, 0, sizeof *d); }

void km_diag_clear(km_diag *d)
{
    for (int i = 0; i < d->count; i++)
        free(d->items[i].text);
    d->count = 0;
    d->dropped = 0;
}

void km_diag_release(km_diag *d)
{
    km_diag_clear(d);
    free(d->items);
    memset(d, 0, sizeof *d);
}

const char *km_diag_code_id(km_diag_code code)
{
    if ((int)code < 0 || code >= KM_E_COUNT)
        return "?";
    return code_ids[code];
}

/* Append a finished line.  Diagnostics must never make things worse: if
 * memory runs out the line is counted as dropped rather than lost silently. */
static void diag_push(km_diag *d, km_diag_code code, char *text)
{
    if (!text || d->count >= KM_DIAG_MAX) {
        free(text);
        d->dropped++;
        return;
    }
    if (d->count == d->cap) {
        int cap = d->cap ? d->cap * 2 : 16;
        km_diag_entry *items = realloc(d->items, (size_t)cap * sizeof *items);
        if (!items) {
            free(text);
            d->dropped++;
            return;
        }
        d->items = items;
        d->cap = cap;
    }
    d->items[d->count].code = code;
    d->items[d->count].text = text;
    d->count++;
}

/* Format "PREFIX" + message + " [id]" into a new string. */
static char *diag_format(const char *prefix, km_diag_code code, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    const char *id = km_diag_code_id(code);
    size_t n = strlen(prefix) + strlen(msg) + strlen(id) + 4;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s [%s]", prefix, msg, id);
    return out;
}

void km_diag_syntax(km_diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    char prefix[1200];
    snprintf(prefix, sizeof prefix, "%s:%d:%d: error: ", file ? file : "-", line, col);
    va_list ap;
    va_start(ap, fmt);
    diag_push(d, KM_E_SYNTAX, diag_format(prefix, KM_E_SYNTAX, fmt, ap));
    va_end(ap);
}

void km_diag_at(km_diag *d, km_diag_code code, const char *file, const char *pointer, const char *fmt, ...)
{
    char prefix[1200];
    snprintf(prefix, sizeof prefix, "%s: error: %s: ", file ? file : "-",
             pointer && *pointer ? pointer : "/");
    va_list ap;
    va_start(ap, fmt);
    diag_push(d, code, diag_format(prefix, code, fmt, ap));
    va_end(ap);
}

void km_diag_file(km_diag *d, km_diag_code code, const char *file, const char *fmt, ...)
{
    char prefix[1200];
    snprintf(prefix, sizeof prefix, "%s: error: ", file ? file : "-");
    va_list ap;
    va_start(ap, fmt);
    diag_push(d, code, diag_format(prefix, code, fmt, ap));
    va_end(ap);
}

int km_diag_has(const km_diag *d, km_diag_code code)
{
    for (int i = 0; i < d->count; i++)
        if (d->items[i].code == code)
            return 1;
    return 0;
}
