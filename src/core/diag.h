/*
 * diag.h - diagnostics: the list of problems found in a data file, a marks
 * file or a configuration file.
 *
 * Each problem is one line a person can act on, already formatted as
 *   FILE:LINE:COL: error: MESSAGE            (syntax, from the JSON parser)
 *   FILE: error: /json/pointer: MESSAGE      (content)
 * plus a stable code from one table, so tests check the code and not the
 * wording (the sokol habit).  The list grows as needed; a loader keeps
 * going after a problem and reports all of them, up to KM_DIAG_MAX lines.
 */
#ifndef KM_DIAG_H
#define KM_DIAG_H

#include <stdarg.h>

/* One table of problem codes.  X(name, short id used in messages/tests). */
#define KM_DIAG_CODES(X)                                                       \
    X(KM_E_IO, "io")               /* file cannot be read */                  \
    X(KM_E_SYNTAX, "syntax")       /* not JSON, bad UTF-8, too deep ... */    \
    X(KM_E_TYPE, "type")           /* wrong JSON type */                      \
    X(KM_E_MISSING, "missing")     /* required key absent */                  \
    X(KM_E_UNKNOWN_KEY, "unknown-key")                                        \
    X(KM_E_DUP_ID, "duplicate-id")                                            \
    X(KM_E_BAD_ID, "bad-id")       /* not snake_case / empty */               \
    X(KM_E_BAD_REF, "bad-ref")     /* reference to an unknown id */           \
    X(KM_E_CONTOUR, "contour")     /* fewer than 3 points, degenerate */      \
    X(KM_E_RANGE, "range")         /* number not finite or out of range */    \
    X(KM_E_ENUM, "enum")           /* value not one of the allowed words */   \
    X(KM_E_LIMIT, "limit")         /* too many items, string too long ... */  \
    X(KM_E_VERSION, "version")     /* unsupported format version */           \
    X(KM_E_EMPTY, "empty")         /* required list or text empty */          \
    X(KM_E_NOMEM, "nomem")         /* allocation failed */                    \
    X(KM_E_CONFIG, "config")       /* bad configuration value */             \
    X(KM_E_IMAGE, "image")         /* a picture that cannot be shown */

typedef enum km_diag_code {
#define KM_DIAG_ENUM(name, id) name,
    KM_DIAG_CODES(KM_DIAG_ENUM)
#undef KM_DIAG_ENUM
    KM_E_COUNT
} km_diag_code;

#define KM_DIAG_MAX 200 /* stop collecting after this many lines */

typedef struct km_diag_entry {
    km_diag_code code;
    char *text; /* owned, the full formatted line without newline */
} km_diag_entry;

typedef struct km_diag {
    km_diag_entry *items; /* owned */
    int count;
    int cap;
    int dropped; /* problems not stored because KM_DIAG_MAX was reached */
} km_diag;

void km_diag_init(km_diag *d);
void km_diag_release(km_diag *d);
void km_diag_clear(km_diag *d);
/* Short stable id of a code ("duplicate-id"). */
const char *km_diag_code_id(km_diag_code code);

/* FILE:LINE:COL: error: MESSAGE [id] */
void km_diag_syntax(km_diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* FILE: error: POINTER: MESSAGE [id]   (pointer may be "" for the root) */
void km_diag_at(km_diag *d, km_diag_code code, const char *file, const char *pointer,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* FILE: error: MESSAGE [id] */
void km_diag_file(km_diag *d, km_diag_code code, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* True if any entry has this code (for tests). */
int km_diag_has(const km_diag *d, km_diag_code code);

#endif
