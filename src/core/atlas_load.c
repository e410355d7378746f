/*
 * atlas_load.c - reads data/knotmap.json, validates all of it and builds
 * the km_atlas model (format: docs/data-format.md, data/knotmap.schema.json).
 *
 * Design.  One pass over the parsed JSON both checks and builds: every item
 * in the file gets its slot in the model whether or not it is valid, and
 * each problem is reported with its JSON pointer and the walk goes on, so
 * one run lists every problem.  Only when nothing was reported is the atlas
 * handed out; otherwise the partly built model is freed (km_atlas_free copes
 * with NULL fields).  Sections are read in dependency order - views (their
 * canvas bounds every coordinate), stretches (muscles refer to them), then
 * muscles and areas - so references resolve whatever order the file uses.
 *
 * Hostile input.  The file is read with a size cap; a cheap lexical pre-scan
 * caps the number of JSON values before jansson builds them (a 64 MiB file
 * of "0," would otherwise become gigabytes of nodes); jansson itself rejects
 * invalid UTF-8, NUL escapes, duplicate keys, overflowing numbers and
 * nesting deeper than 2048.  The walk below only descends into the known
 * structure, so it needs no recursion guard.  Every count is bounded before
 * it sizes an allocation.  All memory, jansson's included, comes from
 * alloc.h so tests can fail the Nth allocation; an allocation failure is
 * reported once ("nomem") and the walk stops.
 */
#include "atlas.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "fileio.h"
#include "spatial.h"

/* ---- limits: generous for a real atlas, small enough for any machine ---- */

#define KM_MAX_FILE_BYTES (64L * 1024 * 1024)
#define KM_MAX_JSON_VALUES 2000000L /* values in the whole document */
#define KM_MAX_VIEWS 16
#define KM_PATH_MAX_PHOTO 1024          /* a stretch photo's path, bytes */
#define KM_MAX_PHOTO_BYTES (16 << 20)   /* a stretch photo's file */
#define KM_MAX_ITEMS 4096        /* stretches */
/* Limits that keep any accepted atlas under 1 s and 200 MB to load and
 * draw (docs/data-format.md names them): a 4,096-muscle atlas took 637 MB. */
#define KM_MAX_MUSCLES 512
#define KM_MAX_AREAS 512
#define KM_MAX_VIEW_POINTS 50000 /* control points written on one view */
#define KM_MAX_PER_ITEM 256      /* outline contours, landmarks, shapes, TrPs, zones */
#define KM_MAX_POINTS 2048       /* control points in one contour */
#define KM_MAX_LIST 256          /* sources, education sections */
#define KM_MAX_MUSCLE_STRETCHES 32
#define KM_MAX_STEPS 12
#define KM_MAX_ID 64       /* bytes in an id */
#define KM_MAX_NAME 200    /* names, labels, titles */
#define KM_MAX_TEXT 16384  /* paragraphs */
#define KM_MAX_CANVAS 100000.0
#define KM_PTR_MAX 256     /* JSON pointer text kept for messages */
#define KM_MIN_AREA 1e-3   /* a contour enclosing less is degenerate */

static const char *const km_groups[] = {
    "head", "neck", "shoulder", "upper back", "chest", "arm", "forearm",
    "hand", "abdomen", "low back", "hip", "thigh", "leg", "foot", NULL,
};

/* ---- the walk's state ---------------------------------------------------- */

typedef struct ld {
    const char *file; /* name used in messages */
    km_diag *d;
    km_atlas *a;
    char ptr[KM_PTR_MAX]; /* JSON pointer of the value being checked */
    size_t len;
    int errors; /* problems reported */
    bool nomem; /* an allocation failed: stop walking */
    long view_points[KM_MAX_VIEWS]; /* control points read per view, for KM_MAX_VIEW_POINTS */
} ld;

static void report(ld *L, km_diag_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void report(ld *L, km_diag_code code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    km_diag_at(L->d, code, L->file, L->ptr, "%s", msg);
    L->errors++;
}

static void out_of_memory(ld *L)
{
    if (!L->nomem)
        km_diag_file(L->d, KM_E_NOMEM, L->file, "out of memory while loading the atlas");
    L->nomem = true;
    L->errors++;
}

/* Append "/token" (RFC 6901 escaping) to the pointer; returns the old length
 * for ptr_pop.  A pointer that would overflow ends in "..." instead. */
static size_t ptr_key(ld *L, const char *key)
{
    size_t old = L->len;
    size_t n = old;
    if (n + 1 < KM_PTR_MAX)
        L->ptr[n++] = '/';
    for (const char *k = key; *k && n + 2 < KM_PTR_MAX; k++) {
        if (*k == '~' || *k == '/') {
            L->ptr[n++] = '~';
            L->ptr[n++] = *k == '~' ? '0' : '1';
        } else {
            L->ptr[n++] = *k;
        }
    }
    if (n + 2 >= KM_PTR_MAX && n >= 3)
        memcpy(&L->ptr[n - 3], "...", 3);
    L->ptr[n] = '\0';
    L->len = n;
    return old;
}

static size_t ptr_idx(ld *L, size_t i)
{
    char buf[32], *p = buf + sizeof buf; /* decimal by hand: snprintf cost a tenth of the load */
    *--p = '\0';
    do
        *--p = (char)('0' + i % 10);
    while ((i /= 10) > 0);
    return ptr_key(L, p);
}

static void ptr_pop(ld *L, size_t old)
{
    L->len = old;
    L->ptr[old] = '\0';
}

/* Report about the member `key` of the current object. */
static void report_key(ld *L, const char *key, km_diag_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report_key(ld *L, const char *key, km_diag_code code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t old = ptr_key(L, key);
    report(L, code, "%s", msg);
    ptr_pop(L, old);
}

/* A short, printable excerpt of s for a message: at most 40 bytes, never
 * cutting a UTF-8 sequence, control characters shown as '?'. */
typedef struct km_excerpt {
    char s[48];
} km_excerpt;

static km_excerpt show(const char *s)
{
    km_excerpt e;
    size_t n = 0;
    while (*s && n < 40) {
        unsigned char c = (unsigned char)*s;
        size_t seq = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (n + seq > 40)
            break;
        for (size_t k = 0; k < seq && s[k]; k++)
            e.s[n++] = (c < 0x20 || c == 0x7F) ? '?' : s[k];
        s += seq;
    }
    if (*s)
        memcpy(&e.s[n], "...", 3), n += 3;
    e.s[n] = '\0';
    return e;
}

static char *dup_or_fail(ld *L, const char *s)
{
    char *out = km_strdup(s);
    if (!out)
        out_of_memory(L);
    return out;
}

/* ---- typed getters --------------------------------------------------------
 * Each checks one member of an object and reports at /pointer/key. */

enum { T_OBJ = 1, T_ARR = 2, T_STR = 4, T_INT = 8, T_NUM = 16, T_BOOL = 32 };

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: break;
    }
    return "null";
}

static const char *want_name(int want)
{
    switch (want) {
    case T_OBJ: return "an object";
    case T_ARR: return "an array";
    case T_STR: return "a string";
    case T_INT: return "an integer";
    case T_NUM: return "a number";
    case T_BOOL: return "true or false";
    default: return "a value";
    }
}

static bool type_ok(const json_t *v, int want)
{
    switch (want) {
    case T_OBJ: return json_is_object(v);
    case T_ARR: return json_is_array(v);
    case T_STR: return json_is_string(v);
    case T_INT: return json_is_integer(v);
    case T_NUM: return json_is_number(v);
    case T_BOOL: return json_is_boolean(v);
    default: return false;
    }
}

/* The member `key` if present and of type `want`; NULL otherwise (reported
 * when required or when present with the wrong type). */
static json_t *get(ld *L, json_t *obj, const char *key, bool required, int want)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            report_key(L, key, KM_E_MISSING, "required key \"%s\" is missing, expected %s", key,
                       want_name(want));
        return NULL;
    }
    if (!type_ok(v, want)) {
        report_key(L, key, KM_E_TYPE, "is %s, expected %s", type_name(v), want_name(want));
        return NULL;
    }
    return v;
}

/* Checks a string value at the current pointer: non-empty, at most max bytes. */
static bool string_ok(ld *L, const json_t *v, size_t max)
{
    size_t n = json_string_length(v);
    if (n == 0 || strspn(json_string_value(v), " \t\r\n") == n) {
        report(L, KM_E_EMPTY, "is empty, expected some text");
        return false;
    }
    if (n > max) {
        report(L, KM_E_LIMIT, "text is %zu bytes long, at most %zu allowed", n, max);
        return false;
    }
    if (strlen(json_string_value(v)) != n) { /* cannot happen without JSON_ALLOW_NUL */
        report(L, KM_E_TYPE, "contains a NUL character");
        return false;
    }
    return true;
}

/* A non-empty string member, copied.  NULL if absent or bad (reported). */
static char *get_str(ld *L, json_t *obj, const char *key, bool required, size_t max)
{
    json_t *v = get(L, obj, key, required, T_STR);
    if (!v)
        return NULL;
    size_t old = ptr_key(L, key);
    bool ok = string_ok(L, v, max);
    ptr_pop(L, old);
    return ok ? dup_or_fail(L, json_string_value(v)) : NULL;
}

static bool is_snake_case(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* A required snake_case id, copied. */
static char *get_id(ld *L, json_t *obj, const char *key)
{
    json_t *v = get(L, obj, key, true, T_STR);
    if (!v)
        return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n > KM_MAX_ID || strlen(s) != n || !is_snake_case(s)) {
        report_key(L, key, KM_E_BAD_ID,
                   "\"%s\" is not a valid id, expected snake_case ([a-z][a-z0-9_]*, at most %d "
                   "characters)",
                   show(s).s, KM_MAX_ID);
        return NULL;
    }
    return dup_or_fail(L, s);
}

/* An integer member in [lo, hi]; def when absent and optional. */
static int get_int(ld *L, json_t *obj, const char *key, bool required, long lo, long hi, int def)
{
    json_t *v = get(L, obj, key, required, T_INT);
    if (!v)
        return def;
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi) {
        report_key(L, key, KM_E_RANGE, "is %lld, expected an integer from %ld to %ld", (long long)x,
                   lo, hi);
        return def;
    }
    return (int)x;
}

/* A number member in (lo, hi] (lo_open) or [lo, hi]; def on any problem. */
static double get_num(ld *L, json_t *obj, const char *key, bool required, double lo, bool lo_open,
                      double hi, double def)
{
    json_t *v = get(L, obj, key, required, T_NUM);
    if (!v)
        return def;
    double x = json_number_value(v);
    if (!isfinite(x) || (lo_open ? x <= lo : x < lo) || x > hi) {
        report_key(L, key, KM_E_RANGE, "is %g, expected a number in %c%g, %g]", x, lo_open ? '(' : '[',
                   lo, hi);
        return def;
    }
    /* Every caller stores a float, and the bounds must hold for the value
     * as stored: 1e-300 is above an open 0 as a double but 0 as a float,
     * and a view of width 0 turned the canvas bounds checks off
     * (tests/data/regress/atlas/). */
    float f = (float)x;
    if (!isfinite(f) || (lo_open ? f <= (float)lo : f < (float)lo)) {
        report_key(L, key, KM_E_RANGE, "is %g, which becomes %g as a 32-bit float, expected a number in %c%g, %g]",
                   x, (double)f, lo_open ? '(' : '[', lo, hi);
        return def;
    }
    return x;
}

static bool get_bool(ld *L, json_t *obj, const char *key, bool def)
{
    json_t *v = get(L, obj, key, false, T_BOOL);
    return v ? json_is_true(v) : def;
}

/* One of the words in `words`; returns its index, or -1 (reported). */
static int get_enum(ld *L, json_t *obj, const char *key, bool required, const char *const *words)
{
    json_t *v = get(L, obj, key, required, T_STR);
    if (!v)
        return -1;
    const char *s = json_string_value(v);
    char expected[256] = "";
    size_t n = 0;
    for (int i = 0; words[i]; i++) {
        if (strcmp(s, words[i]) == 0)
            return i;
        n += (size_t)snprintf(expected + n, n < sizeof expected ? sizeof expected - n : 0, "%s\"%s\"",
                              i ? ", " : "", words[i]);
        if (n >= sizeof expected)
            n = sizeof expected - 1;
    }
    report_key(L, key, KM_E_ENUM, "\"%s\" is not allowed, expected one of %s", show(s).s, expected);
    return -1;
}

/* An array member with min..max items; returns its size, or -1 when
 * absent or bad (reported as required/empty/limit). */
static long get_array(ld *L, json_t *obj, const char *key, bool required, size_t min, size_t max,
                      json_t **out)
{
    json_t *v = get(L, obj, key, required, T_ARR);
    *out = NULL;
    if (!v)
        return -1;
    size_t n = json_array_size(v);
    if (n < min) {
        report_key(L, key, n == 0 ? KM_E_EMPTY : KM_E_LIMIT, "has %zu items, expected at least %zu", n,
                   min);
        return -1;
    }
    if (n > max) {
        report_key(L, key, KM_E_LIMIT, "has %zu items, at most %zu allowed", n, max);
        return -1;
    }
    *out = v;
    return (long)n;
}

/* Unknown keys are errors (a typo must not lose data); "_..." are comments. */
static void check_keys(ld *L, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (key[0] == '_')
            continue;
        bool known = false;
        for (int i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known) {
            char list[256] = "";
            size_t n = 0;
            for (int i = 0; allowed[i] && n < sizeof list; i++)
                n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", allowed[i]);
            report_key(L, key, KM_E_UNKNOWN_KEY, "unknown key \"%s\", expected one of: %s", show(key).s, list);
        }
    }
}

/* Checks that array item i is an object and sets the pointer to it. */
static json_t *item_object(ld *L, json_t *arr, size_t i)
{
    json_t *v = json_array_get(arr, i);
    if (!json_is_object(v)) {
        report(L, KM_E_TYPE, "is %s, expected an object", type_name(v));
        return NULL;
    }
    return v;
}

/* A string list (sources, steps): copies n items into *out, counts in *count. */
static void get_string_list(ld *L, json_t *obj, const char *key, bool required, size_t min, size_t max,
                            size_t maxlen, char ***out, int *count)
{
    json_t *arr;
    long n = get_array(L, obj, key, required, min, max, &arr);
    if (n <= 0)
        return;
    *out = km_calloc((size_t)n, sizeof **out);
    if (!*out) {
        out_of_memory(L);
        return;
    }
    size_t old = ptr_key(L, key);
    for (long i = 0; i < n && !L->nomem; i++) {
        size_t o2 = ptr_idx(L, (size_t)i);
        json_t *v = json_array_get(arr, (size_t)i);
        if (!json_is_string(v))
            report(L, KM_E_TYPE, "is %s, expected a string", type_name(v));
        else if (string_ok(L, v, maxlen))
            (*out)[(*count)++] = dup_or_fail(L, json_string_value(v));
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
}

/* ---- geometry ------------------------------------------------------------ */

/* A view whose canvas is known; NULL canvas disables the bounds check. */
static const km_view *canvas_of(ld *L, int view)
{
    if (view < 0 || view >= L->a->view_count)
        return NULL;
    const km_view *v = &L->a->views[view];
    return v->width > 0 && v->height > 0 ? v : NULL;
}

/* Reads one [x, y] at the current pointer, each coordinate in 0..hi_x
 * and 0..hi_y ("outside the <where>"); false if bad (reported). */
static bool read_xy_in(ld *L, json_t *v, double hi_x, double hi_y, const char *where, km_vec2 *out)
{
    if (!json_is_array(v) || json_array_size(v) != 2) {
        report(L, KM_E_TYPE, "is %s%s, expected a point [x, y]", type_name(v),
               json_is_array(v) ? " of the wrong length" : "");
        return false;
    }
    bool ok = true;
    double c[2] = {0, 0};
    for (size_t k = 0; k < 2; k++) {
        json_t *n = json_array_get(v, k);
        size_t old = ptr_idx(L, k);
        if (!json_is_number(n)) {
            report(L, KM_E_TYPE, "is %s, expected a number", type_name(n));
            ok = false;
        } else {
            c[k] = json_number_value(n);
            double hi = k ? hi_y : hi_x;
            if (!isfinite(c[k]) || c[k] < 0 || c[k] > hi) {
                report(L, KM_E_RANGE, "%s = %g is outside the %s, expected 0 to %g", k ? "y" : "x", c[k], where, hi);
                ok = false;
            }
        }
        ptr_pop(L, old);
    }
    out->x = (float)c[0];
    out->y = (float)c[1];
    return ok;
}

/* The same within a view's canvas (NULL: the allowed range). */
static bool read_xy(ld *L, json_t *v, const km_view *canvas, km_vec2 *out)
{
    return canvas ? read_xy_in(L, v, canvas->width, canvas->height, "view's canvas", out)
                  : read_xy_in(L, v, KM_MAX_CANVAS, KM_MAX_CANVAS, "allowed range", out);
}

/* Reads obj.points (min..KM_MAX_POINTS points); returns a new array or
 * NULL (reported).  Repeated consecutive points are rejected: contours
 * close by themselves, and a zero-length span breaks the spline. */
static km_vec2 *read_points(ld *L, json_t *obj, const km_view *canvas, size_t min, bool closed, int *n_out)
{
    json_t *arr = json_object_get(obj, "points");
    *n_out = 0;
    if (json_is_array(arr) && json_array_size(arr) < min) {
        report_key(L, "points", KM_E_CONTOUR, "has %zu points, a %s needs at least %zu",
                   json_array_size(arr), closed ? "contour" : "line", min);
        return NULL;
    }
    long n = get_array(L, obj, "points", true, min, KM_MAX_POINTS, &arr);
    if (n < 0)
        return NULL;
    if (canvas) {
        long *vp = &L->view_points[canvas - L->a->views];
        *vp += n;
        if (*vp > KM_MAX_VIEW_POINTS) {
            if (*vp - n <= KM_MAX_VIEW_POINTS) /* once per view */
                report_key(L, "points", KM_E_LIMIT, "brings view \"%s\" over %d points, the most one view may hold",
                           canvas->id ? canvas->id : "?", KM_MAX_VIEW_POINTS);
            return NULL;
        }
    }
    km_vec2 *pts = km_calloc((size_t)n, sizeof *pts);
    if (!pts) {
        out_of_memory(L);
        return NULL;
    }
    bool ok = true;
    size_t old = ptr_key(L, "points");
    for (long i = 0; i < n; i++) {
        size_t o2 = ptr_idx(L, (size_t)i);
        bool good = read_xy(L, json_array_get(arr, (size_t)i), canvas, &pts[i]);
        if (good && i > 0 && pts[i].x == pts[i - 1].x && pts[i].y == pts[i - 1].y) {
            report(L, KM_E_CONTOUR, "repeats the previous point, expected distinct consecutive points");
            good = false;
        }
        if (good && closed && i == n - 1 && pts[i].x == pts[0].x && pts[i].y == pts[0].y) {
            report(L, KM_E_CONTOUR, "repeats the first point, expected none (contours close by themselves)");
            good = false;
        }
        ok = ok && good;
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
    if (!ok) {
        free(pts);
        return NULL;
    }
    *n_out = (int)n;
    return pts;
}

static float clampf(float x, float lo, float hi) { return x < lo ? lo : x > hi ? hi : x; }

/* Keeps a smoothed outline inside the canvas (a spline overshoots its
 * control points a little) and checks it is finite. */
static bool settle_points(km_vec2 *pts, int n, const km_view *canvas)
{
    for (int i = 0; i < n; i++) {
        if (!isfinite(pts[i].x) || !isfinite(pts[i].y))
            return false;
        if (canvas) {
            pts[i].x = clampf(pts[i].x, 0, canvas->width);
            pts[i].y = clampf(pts[i].y, 0, canvas->height);
        }
    }
    return true;
}

/* Reads obj.points / obj.smooth into a polygon.  False if bad (reported). */
static bool read_contour(ld *L, json_t *obj, const km_view *canvas, km_poly *out)
{
    bool smooth = get_bool(L, obj, "smooth", true);
    int n;
    km_vec2 *ctrl = read_points(L, obj, canvas, 3, true, &n);
    if (!ctrl)
        return false;
    bool built = smooth ? km_poly_init_smooth(out, ctrl, n, KM_SMOOTH_STEPS) : km_poly_init(out, ctrl, n);
    free(ctrl);
    if (!built) {
        memset(out, 0, sizeof *out);
        out_of_memory(L);
        return false;
    }
    bool ok = settle_points(out->pts, out->count, canvas);
    km_poly_update_box(out);
    if (!ok) {
        report_key(L, "points", KM_E_CONTOUR, "smoothing gave non-finite points, expected a simple contour");
    } else if (!(km_poly_area(out) >= KM_MIN_AREA)) {
        report_key(L, "points", KM_E_CONTOUR, "encloses no area, expected points not all on one line");
        ok = false;
    }
    if (!ok)
        km_poly_release(out);
    return ok;
}

/* A copy of p mirrored about the canvas's centre line. */
static bool mirror_poly(ld *L, const km_poly *p, float width, km_poly *out)
{
    if (!km_poly_copy(out, p)) {
        out_of_memory(L);
        return false;
    }
    km_poly_mirror(out, width);
    return true;
}

/* Resolves obj.view to an index; -1 if absent or unknown (reported). */
static int get_view_ref(ld *L, json_t *obj)
{
    json_t *v = get(L, obj, "view", true, T_STR);
    if (!v)
        return -1;
    int i = km_atlas_view_index(L->a, json_string_value(v));
    if (i < 0) {
        char known[160] = "";
        size_t n = 0;
        for (int k = 0; k < L->a->view_count && n < sizeof known; k++)
            if (L->a->views[k].id)
                n += (size_t)snprintf(known + n, sizeof known - n, "%s\"%s\"", n ? ", " : "",
                                      L->a->views[k].id);
        report_key(L, "view", KM_E_BAD_REF, "\"%s\" is not a view, expected one of %s",
                   show(json_string_value(v)).s, n ? known : "the ids under /views");
    }
    return i;
}

/* ---- views --------------------------------------------------------------- */

/* Call one(L, item, ctx) for each of the n objects of arr, the array at
 * obj.key, with the JSON pointer kept at each (a non-object is reported). */
static void each_object(ld *L, json_t *arr, long n, const char *key, void (*one)(ld *, json_t *, void *), void *ctx)
{
    size_t old = ptr_key(L, key);
    for (long i = 0; i < n && !L->nomem; i++) {
        size_t o2 = ptr_idx(L, (size_t)i);
        json_t *item = item_object(L, arr, (size_t)i);
        if (item)
            one(L, item, ctx);
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
}

static void read_landmark(ld *L, json_t *obj, km_view *v)
{
    static const char *const keys[] = {"points", "closed", "smooth", "bilateral", NULL};
    check_keys(L, obj, keys);
    bool closed = get_bool(L, obj, "closed", false);
    bool smooth = get_bool(L, obj, "smooth", true);
    bool bilateral = get_bool(L, obj, "bilateral", false);
    const km_view *canvas = v->width > 0 && v->height > 0 ? v : NULL;
    int n;
    km_vec2 *ctrl = read_points(L, obj, canvas, closed ? 3 : 2, closed, &n);
    if (!ctrl)
        return;
    km_line *line = &v->landmarks[v->landmark_count];
    if (!km_line_init_smooth(line, ctrl, n, closed, smooth, KM_SMOOTH_STEPS)) {
        free(ctrl);
        out_of_memory(L);
        return;
    }
    v->landmark_count++;
    if (!settle_points(line->pts, line->count, canvas))
        report_key(L, "points", KM_E_CONTOUR, "smoothing gave non-finite points, expected a simple line");
    if (bilateral && canvas) {
        km_line *left = &v->landmarks[v->landmark_count];
        if (!km_line_init_smooth(left, ctrl, n, closed, smooth, KM_SMOOTH_STEPS)) {
            out_of_memory(L);
        } else {
            v->landmark_count++;
            settle_points(left->pts, left->count, canvas);
            km_line_mirror(left, v->width);
        }
    }
    free(ctrl);
}

/* A close-up's picture for the patient's left: its outline and landmarks
 * mirrored once here, so drawing it costs nothing more. */
static void mirror_detail(ld *L, km_view *v)
{
    if (L->nomem)
        return;
    v->outline_left = km_calloc((size_t)(v->outline_count ? v->outline_count : 1), sizeof *v->outline_left);
    v->landmarks_left = km_calloc((size_t)(v->landmark_count ? v->landmark_count : 1), sizeof *v->landmarks_left);
    if (!v->outline_left || !v->landmarks_left) {
        out_of_memory(L);
        return;
    }
    for (int i = 0; i < v->outline_count; i++) {
        if (!km_poly_copy(&v->outline_left[i], &v->outline[i])) {
            out_of_memory(L);
            return;
        }
        km_poly_mirror(&v->outline_left[i], v->width);
    }
    for (int i = 0; i < v->landmark_count; i++) {
        const km_line *src = &v->landmarks[i];
        km_line *dst = &v->landmarks_left[i];
        dst->pts = km_calloc((size_t)(src->count ? src->count : 1), sizeof *dst->pts);
        if (!dst->pts) {
            out_of_memory(L);
            return;
        }
        memcpy(dst->pts, src->pts, (size_t)src->count * sizeof *dst->pts);
        dst->count = src->count;
        dst->closed = src->closed;
        km_line_mirror(dst, v->width);
    }
}

static void one_landmark(ld *L, json_t *o, void *v) { read_landmark(L, o, v); }

static void read_view(ld *L, json_t *obj, km_view *v)
{
    static const char *const keys[] = {"id",      "label",     "kind",       "width", "height",
                                       "outline", "landmarks", "opens_from", NULL};
    static const char *const kinds[] = {"body", "detail", NULL};
    check_keys(L, obj, keys);
    v->id = get_id(L, obj, "id");
    v->label = get_str(L, obj, "label", true, KM_MAX_NAME);
    int kind = get_enum(L, obj, "kind", false, kinds);
    v->kind = kind == KM_VIEW_DETAIL ? KM_VIEW_DETAIL : KM_VIEW_BODY;
    v->width = (float)get_num(L, obj, "width", true, 0, true, KM_MAX_CANVAS, 0);
    v->height = (float)get_num(L, obj, "height", true, 0, true, KM_MAX_CANVAS, 0);
    const km_view *canvas = v->width > 0 && v->height > 0 ? v : NULL;

    json_t *arr;
    long n = get_array(L, obj, "outline", true, 1, KM_MAX_PER_ITEM, &arr);
    if (n > 0 && !L->nomem) {
        v->outline = km_calloc((size_t)n, sizeof *v->outline);
        if (!v->outline)
            out_of_memory(L);
        size_t old = ptr_key(L, "outline");
        for (long i = 0; i < n && !L->nomem; i++) {
            size_t o2 = ptr_idx(L, (size_t)i);
            json_t *c = item_object(L, arr, (size_t)i);
            if (c) {
                static const char *const ckeys[] = {"points", "smooth", NULL};
                check_keys(L, c, ckeys);
                if (read_contour(L, c, canvas, &v->outline[v->outline_count]))
                    v->outline_count++;
            }
            ptr_pop(L, o2);
        }
        ptr_pop(L, old);
    }

    n = get_array(L, obj, "landmarks", false, 0, KM_MAX_PER_ITEM, &arr);
    if (n > 0 && !L->nomem) {
        v->landmarks = km_calloc((size_t)n * 2, sizeof *v->landmarks);
        if (!v->landmarks)
            out_of_memory(L);
        if (v->landmarks)
            each_object(L, arr, n, "landmarks", one_landmark, v);
    }
    if (v->kind == KM_VIEW_DETAIL && canvas)
        mirror_detail(L, v);
}

/* A close-up's "opens_from": [{"view": "front", "areas": ["palm", ...]}],
 * read after the areas so each id is checked against that view's areas.
 * Only close-ups have it, and only body views open them. */
static void read_opener(ld *L, json_t *item, km_view *v)
{
    static const char *const keys[] = {"view", "areas", NULL};
    check_keys(L, item, keys);
    int view = get_view_ref(L, item);
    if (view >= 0 && L->a->views[view].kind != KM_VIEW_BODY) {
        report_key(L, "view", KM_E_BAD_REF, "\"%s\" is a close-up, expected a body view",
                   L->a->views[view].id);
        view = -1; /* its areas are not looked for */
    }
    char **ids = NULL;
    int n = 0;
    get_string_list(L, item, "areas", true, 1, KM_MAX_LIST, KM_MAX_NAME, &ids, &n);
    size_t old = ptr_key(L, "areas");
    for (int k = 0; k < n && !L->nomem; k++) {
        bool found = false;
        for (int i = 0; view >= 0 && i < L->a->area_count && !found; i++)
            found = L->a->areas[i].view == view && strcmp(L->a->areas[i].id, ids[k]) == 0;
        if (view >= 0 && !found) {
            size_t o2 = ptr_idx(L, (size_t)k);
            report(L, KM_E_BAD_REF, "\"%s\" is not an area of view \"%s\"", show(ids[k]).s,
                   L->a->views[view].id);
            ptr_pop(L, o2);
        }
        km_view_opener *o = &v->opens_from[v->opens_from_count++];
        o->view = view;
        o->area = ids[k];
        ids[k] = NULL;
    }
    ptr_pop(L, old);
    for (int k = 0; k < n; k++)
        free(ids[k]);
    free(ids);
}

static void one_opener(ld *L, json_t *o, void *v) { read_opener(L, o, v); }

static void read_view_openers(ld *L, json_t *root)
{
    json_t *views = json_object_get(root, "views");
    size_t old = ptr_key(L, "views");
    for (int i = 0; i < L->a->view_count && !L->nomem; i++) {
        json_t *obj = json_array_get(views, (size_t)i);
        json_t *arr = json_is_object(obj) ? json_object_get(obj, "opens_from") : NULL;
        if (!arr)
            continue;
        size_t o2 = ptr_idx(L, (size_t)i);
        km_view *v = &L->a->views[i];
        json_t *list;
        long n = get_array(L, obj, "opens_from", false, 1, KM_MAX_LIST, &list);
        if (n > 0 && v->kind != KM_VIEW_DETAIL)
            report_key(L, "opens_from", KM_E_RANGE, "is set on a body view, expected it on a close-up "
                       "(\"kind\": \"detail\") only");
        else if (n > 0) {
            size_t total = 0;
            for (long k = 0; k < n; k++) {
                json_t *ar = json_object_get(json_array_get(list, (size_t)k), "areas");
                total += json_is_array(ar) ? json_array_size(ar) : 0;
            }
            v->opens_from = km_calloc(total ? total : 1, sizeof *v->opens_from);
            if (!v->opens_from)
                out_of_memory(L);
            if (v->opens_from)
                each_object(L, list, n, "opens_from", one_opener, v);
        }
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
}

/* ---- stretches ----------------------------------------------------------- */

/* A stretch's photo: a path relative to the data file's folder, to a
 * regular file of at most KM_MAX_PHOTO_BYTES (the picture itself is
 * decoded by `knotmap check` and by whatever shows it). */
static char *read_photo(ld *L, json_t *obj)
{
    char *rel = get_str(L, obj, "photo", false, KM_PATH_MAX_PHOTO);
    if (!rel)
        return NULL;
    if (rel[0] == '/') {
        report_key(L, "photo", KM_E_RANGE, "\"%s\" is an absolute path, expected one relative to the data file",
                   show(rel).s);
        free(rel);
        return NULL;
    }
    const char *slash = strrchr(L->file, '/');
    int dirlen = slash ? (int)(slash - L->file) : 1;
    const char *dir = slash ? L->file : ".";
    size_t n = (size_t)dirlen + strlen(rel) + 2;
    char *path = km_malloc(n);
    if (!path) {
        free(rel);
        out_of_memory(L);
        return NULL;
    }
    snprintf(path, n, "%.*s/%s", dirlen, dir, rel);
    free(rel);
    struct stat st;
    if (stat(path, &st) != 0)
        report_key(L, "photo", KM_E_IO, "%s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        report_key(L, "photo", KM_E_IO, "%s is not a regular file, expected a PNG or JPEG picture", path);
    else if (st.st_size > KM_MAX_PHOTO_BYTES)
        report_key(L, "photo", KM_E_LIMIT, "%s is %lld bytes, at most %d allowed", path, (long long)st.st_size,
                   KM_MAX_PHOTO_BYTES);
    else
        return path;
    free(path);
    return NULL;
}

/* An illustration lives in its own 100 x 100 box, whatever the views. */
#define KM_ILL_BOX 100.0
#define KM_ILL_MAX_ITEMS 64 /* parts, circles, props */
#define KM_ILL_MAX_POINTS 32

/* One [x, y] inside the illustration's box at the current pointer. */
static bool read_ill_xy(ld *L, json_t *v, km_vec2 *out)
{
    return read_xy_in(L, v, KM_ILL_BOX, KM_ILL_BOX, "illustration's box", out);
}

/* Member key as a point in the box; false if absent or bad (reported). */
static bool get_ill_xy(ld *L, json_t *obj, const char *key, km_vec2 *out)
{
    json_t *v = get(L, obj, key, true, T_ARR);
    if (!v)
        return false;
    size_t old = ptr_key(L, key);
    bool ok = read_ill_xy(L, v, out);
    ptr_pop(L, old);
    return ok;
}

/* A role word: "body" (the default) or "stretched" on the figure, "prop" on props. */
static km_ill_role get_ill_role(ld *L, json_t *obj, bool prop)
{
    static const char *const figure[] = {"body", "stretched", NULL}, *const props[] = {"prop", NULL};
    int r = get_enum(L, obj, "role", false, prop ? props : figure);
    return prop ? KM_ILL_PROP : r == 1 ? KM_ILL_STRETCHED : KM_ILL_BODY;
}

static void read_ill_stroke(ld *L, json_t *obj, km_ill_stroke *st, bool prop)
{
    static const char *const keys[] = {"points", "width", "role", NULL};
    check_keys(L, obj, keys);
    st->width = (float)get_num(L, obj, "width", true, 0.5, false, 20, 1);
    st->role = get_ill_role(L, obj, prop);
    json_t *arr;
    long n = get_array(L, obj, "points", true, 2, KM_ILL_MAX_POINTS, &arr);
    if (n <= 0)
        return;
    st->pts = km_calloc((size_t)n, sizeof *st->pts);
    if (!st->pts) {
        out_of_memory(L);
        return;
    }
    size_t old = ptr_key(L, "points");
    for (long i = 0; i < n; i++) {
        size_t o2 = ptr_idx(L, (size_t)i);
        read_ill_xy(L, json_array_get(arr, (size_t)i), &st->pts[i]);
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
    st->n = (int)n;
}

static void read_ill_circle(ld *L, json_t *obj, km_ill_circle *c)
{
    static const char *const keys[] = {"at", "r", "role", NULL};
    check_keys(L, obj, keys);
    get_ill_xy(L, obj, "at", &c->at);
    c->r = (float)get_num(L, obj, "r", true, 0.5, false, 30, 1);
    c->role = get_ill_role(L, obj, false);
}

/* obj[key] as an array of up to KM_ILL_MAX_ITEMS objects, each read by one();
 * returns the slots (elem bytes each) and their count. */
static void *read_ill_list(ld *L, json_t *obj, const char *key, bool required, size_t elem, int *count,
                           void (*one)(ld *, json_t *, void *, bool), bool prop)
{
    json_t *arr;
    *count = 0;
    long n = get_array(L, obj, key, required, required ? 1 : 0, KM_ILL_MAX_ITEMS, &arr);
    if (n <= 0)
        return NULL;
    char *slots = km_calloc((size_t)n, elem);
    if (!slots) {
        out_of_memory(L);
        return NULL;
    }
    size_t old = ptr_key(L, key);
    for (long i = 0; i < n && !L->nomem; i++) {
        size_t o2 = ptr_idx(L, (size_t)i);
        json_t *c = item_object(L, arr, (size_t)i);
        if (c)
            one(L, c, slots + (size_t)i * elem, prop);
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
    *count = (int)n;
    return slots;
}

static void one_ill_stroke(ld *L, json_t *o, void *slot, bool prop) { read_ill_stroke(L, o, slot, prop); }
static void one_ill_circle(ld *L, json_t *o, void *slot, bool prop)
{
    (void)prop;
    read_ill_circle(L, o, slot);
}

static void read_illustration(ld *L, json_t *obj, km_stretch *s)
{
    json_t *v = get(L, obj, "illustration", false, T_OBJ);
    if (!v)
        return;
    km_stretch_illustration *ill = km_calloc(1, sizeof *ill);
    if (!ill) {
        out_of_memory(L);
        return;
    }
    s->illustration = ill;
    static const char *const keys[] = {"parts", "circles", "props", "arrow", NULL};
    size_t old = ptr_key(L, "illustration");
    check_keys(L, v, keys);
    ill->parts = read_ill_list(L, v, "parts", true, sizeof *ill->parts, &ill->part_count, one_ill_stroke, false);
    ill->circles =
        read_ill_list(L, v, "circles", false, sizeof *ill->circles, &ill->circle_count, one_ill_circle, false);
    ill->props = read_ill_list(L, v, "props", false, sizeof *ill->props, &ill->prop_count, one_ill_stroke, true);
    json_t *arrow = get(L, v, "arrow", true, T_OBJ);
    if (arrow) {
        static const char *const akeys[] = {"from", "to", NULL};
        size_t o2 = ptr_key(L, "arrow");
        check_keys(L, arrow, akeys);
        if (get_ill_xy(L, arrow, "from", &ill->arrow_from) && get_ill_xy(L, arrow, "to", &ill->arrow_to) &&
            ill->arrow_from.x == ill->arrow_to.x && ill->arrow_from.y == ill->arrow_to.y)
            report(L, KM_E_RANGE, "\"from\" and \"to\" are the same point, expected an arrow with a length");
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
}

static void read_stretch(ld *L, json_t *obj, km_stretch *s)
{
    static const char *const keys[] = {"id", "name", "steps", "hold_seconds", "repetitions", "cautions",
                                       "illustration", "photo", NULL};
    check_keys(L, obj, keys);
    s->id = get_id(L, obj, "id");
    s->name = get_str(L, obj, "name", true, KM_MAX_NAME);
    get_string_list(L, obj, "steps", true, 1, KM_MAX_STEPS, KM_MAX_TEXT, &s->steps, &s->step_count);
    s->hold_seconds = get_int(L, obj, "hold_seconds", true, 1, 600, 0);
    s->repetitions = get_int(L, obj, "repetitions", true, 1, 50, 0);
    s->cautions = get_str(L, obj, "cautions", true, KM_MAX_TEXT);
    s->photo = read_photo(L, obj);
    read_illustration(L, obj, s);
}

/* ---- muscles ------------------------------------------------------------- */

static void read_muscle_text(ld *L, json_t *obj, km_muscle_text *t)
{
    static const char *const keys[] = {"summary", "symptoms", "causes", "self_care", "see_clinician",
                                       "sources", NULL};
    check_keys(L, obj, keys);
    t->summary = get_str(L, obj, "summary", true, KM_MAX_TEXT);
    t->symptoms = get_str(L, obj, "symptoms", true, KM_MAX_TEXT);
    t->causes = get_str(L, obj, "causes", true, KM_MAX_TEXT);
    t->self_care = get_str(L, obj, "self_care", true, KM_MAX_TEXT);
    t->see_clinician = get_str(L, obj, "see_clinician", true, KM_MAX_TEXT);
    get_string_list(L, obj, "sources", true, 1, KM_MAX_LIST, KM_MAX_TEXT, &t->sources, &t->source_count);
}

static void read_muscle_stretches(ld *L, json_t *obj, km_muscle *m)
{
    json_t *arr;
    long n = get_array(L, obj, "stretches", true, 1, KM_MAX_MUSCLE_STRETCHES, &arr);
    if (n <= 0)
        return;
    m->stretches = km_calloc((size_t)n, sizeof *m->stretches);
    if (!m->stretches) {
        out_of_memory(L);
        return;
    }
    size_t old = ptr_key(L, "stretches");
    for (long i = 0; i < n; i++) {
        size_t o2 = ptr_idx(L, (size_t)i);
        json_t *v = json_array_get(arr, (size_t)i);
        int k = json_is_string(v) ? km_atlas_stretch_index(L->a, json_string_value(v)) : -1;
        if (!json_is_string(v))
            report(L, KM_E_TYPE, "is %s, expected a stretch id", type_name(v));
        else if (k < 0)
            report(L, KM_E_BAD_REF, "\"%s\" is not a stretch, expected an id under /stretches",
                   show(json_string_value(v)).s);
        else
            m->stretches[m->stretch_count++] = k;
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
}

/* obj.fibres, if present: {"angle": DEG} or {"toward": [x, y]}, and an
 * optional "spacing" factor.  False if present and bad (reported). */
static bool read_fibres(ld *L, json_t *obj, const km_view *canvas, km_fibres *out)
{
    static const char *const keys[] = {"angle", "toward", "spacing", NULL};
    *out = (km_fibres){KM_FIBRES_NONE, 0, {0, 0}, 1};
    if (!json_object_get(obj, "fibres"))
        return true;
    json_t *f = get(L, obj, "fibres", false, T_OBJ);
    if (!f)
        return false;
    int errors = L->errors;
    size_t old = ptr_key(L, "fibres");
    check_keys(L, f, keys);
    json_t *angle = json_object_get(f, "angle"), *toward = json_object_get(f, "toward");
    if (angle && toward) {
        report_key(L, "toward", KM_E_UNKNOWN_KEY,
                   "\"toward\" cannot go with \"angle\", expected one of them (a fan or parallel fibres)");
    } else if (angle) {
        out->kind = KM_FIBRES_PARALLEL;
        out->angle = (float)get_num(L, f, "angle", true, -360, false, 360, 0);
    } else if (toward) {
        size_t o2 = ptr_key(L, "toward");
        out->kind = KM_FIBRES_FAN;
        read_xy(L, toward, canvas, &out->toward);
        ptr_pop(L, o2);
    } else {
        report(L, KM_E_MISSING, "has neither \"angle\" nor \"toward\", expected one of them");
    }
    out->spacing = (float)get_num(L, f, "spacing", false, 0.5, false, 4, 1);
    ptr_pop(L, old);
    return L->errors == errors;
}

/* The fibres of a shape's mirrored twin: x' = width - x. */
static km_fibres mirror_fibres(km_fibres f, float width)
{
    if (f.kind == KM_FIBRES_PARALLEL)
        f.angle = 180.0f - f.angle;
    else if (f.kind == KM_FIBRES_FAN)
        f.toward.x = width - f.toward.x;
    return f;
}

static void add_shape(ld *L, json_t *obj, void *muscle)
{
    km_muscle *m = muscle;
    static const char *const keys[] = {"view", "points", "smooth", "fibres", NULL};
    check_keys(L, obj, keys);
    int view = get_view_ref(L, obj);
    const km_view *canvas = canvas_of(L, view);
    km_fibres fibres;
    bool fibres_ok = read_fibres(L, obj, canvas, &fibres);
    km_poly poly = {0};
    if (!read_contour(L, obj, canvas, &poly) || !canvas || !fibres_ok) {
        km_poly_release(&poly);
        return;
    }
    km_shape *s = &m->shapes[m->shape_count++];
    s->view = view;
    s->side = m->bilateral ? KM_SIDE_RIGHT : KM_SIDE_MIDLINE;
    s->poly = poly;
    s->fibres = fibres;
    if (m->bilateral) {
        km_shape *left = &m->shapes[m->shape_count];
        if (mirror_poly(L, &poly, canvas->width, &left->poly)) {
            left->view = view;
            left->side = KM_SIDE_LEFT;
            left->fibres = mirror_fibres(fibres, canvas->width);
            m->shape_count++;
        }
    }
}

static void add_trigger_point(ld *L, json_t *obj, void *muscle)
{
    km_muscle *m = muscle;
    static const char *const keys[] = {"view", "at", "label", NULL};
    check_keys(L, obj, keys);
    int view = get_view_ref(L, obj);
    const km_view *canvas = canvas_of(L, view);
    json_t *at = json_object_get(obj, "at");
    km_vec2 p = {0, 0};
    bool ok = true;
    if (!at) {
        report_key(L, "at", KM_E_MISSING, "required key \"at\" is missing, expected a point [x, y]");
        ok = false;
    } else {
        size_t old = ptr_key(L, "at");
        ok = read_xy(L, at, canvas, &p);
        ptr_pop(L, old);
    }
    json_t *lab = get(L, obj, "label", false, T_STR);
    char *label = NULL;
    if (lab) {
        label = get_str(L, obj, "label", false, KM_MAX_ID);
        ok = ok && label;
    }
    if (!ok || !canvas || L->nomem) {
        free(label);
        return;
    }
    km_trigger_point *t = &m->tps[m->tp_count++];
    *t = (km_trigger_point){.view = view, .side = m->bilateral ? KM_SIDE_RIGHT : KM_SIDE_MIDLINE, .at = p,
                            .label = label};
    if (m->bilateral) {
        char *l2 = label ? dup_or_fail(L, label) : NULL;
        if (label && !l2)
            return;
        m->tps[m->tp_count++] = (km_trigger_point){
            .view = view, .side = KM_SIDE_LEFT, .at = {canvas->width - p.x, p.y}, .label = l2};
    }
}

static void add_zone(ld *L, json_t *obj, void *muscle)
{
    km_muscle *m = muscle;
    static const char *const keys[] = {"view", "kind", "points", "smooth", NULL};
    static const char *const kinds[] = {"essential", "spillover", NULL};
    check_keys(L, obj, keys);
    int view = get_view_ref(L, obj);
    int kind = get_enum(L, obj, "kind", true, kinds);
    const km_view *canvas = canvas_of(L, view);
    km_poly poly = {0};
    if (!read_contour(L, obj, canvas, &poly) || !canvas || kind < 0) {
        km_poly_release(&poly);
        return;
    }
    km_zone *z = &m->zones[m->zone_count++];
    z->view = view;
    z->side = m->bilateral ? KM_SIDE_RIGHT : KM_SIDE_MIDLINE;
    z->kind = (km_zone_kind)kind;
    z->poly = poly;
    z->area = km_poly_area(&poly);
    if (m->bilateral) {
        km_zone *left = &m->zones[m->zone_count];
        if (mirror_poly(L, &poly, canvas->width, &left->poly)) {
            left->view = view;
            left->side = KM_SIDE_LEFT;
            left->kind = z->kind;
            left->area = km_poly_area(&left->poly);
            m->zone_count++;
        }
    }
}

/* Reads the list obj.key, sizing *slots for two instances per item (a
 * bilateral item is mirrored) and calling add() on each item object. */
static void read_instances(ld *L, json_t *obj, const char *key, bool required, size_t elem, void **slots,
                           km_muscle *m, void (*add)(ld *, json_t *, void *))
{
    json_t *arr;
    long n = get_array(L, obj, key, required, required ? 1 : 0, KM_MAX_PER_ITEM, &arr);
    if (n <= 0 || L->nomem)
        return;
    *slots = km_calloc((size_t)n * 2, elem);
    if (!*slots) {
        out_of_memory(L);
        return;
    }
    each_object(L, arr, n, key, add, m);
}

static void read_muscle(ld *L, json_t *obj, km_muscle *m)
{
    static const char *const keys[] = {"id", "name", "group", "layer", "bilateral", "frequency",
                                       "stretches", "shapes", "trigger_points", "zones", "text", NULL};
    static const char *const layers[] = {"superficial", "deep", NULL};
    check_keys(L, obj, keys);
    m->id = get_id(L, obj, "id");
    m->name = get_str(L, obj, "name", true, KM_MAX_NAME);
    int g = get_enum(L, obj, "group", true, km_groups);
    if (g >= 0)
        m->group = dup_or_fail(L, km_groups[g]);
    int layer = get_enum(L, obj, "layer", true, layers);
    m->layer = layer == 1 ? KM_LAYER_DEEP : KM_LAYER_SUPERFICIAL;
    json_t *bil = get(L, obj, "bilateral", true, T_BOOL);
    m->bilateral = bil && json_is_true(bil);
    m->frequency = (float)get_num(L, obj, "frequency", true, 0, true, 1, 0.5);
    read_muscle_stretches(L, obj, m);
    read_instances(L, obj, "shapes", true, sizeof *m->shapes, (void **)&m->shapes, m, add_shape);
    read_instances(L, obj, "trigger_points", true, sizeof *m->tps, (void **)&m->tps, m, add_trigger_point);
    read_instances(L, obj, "zones", true, sizeof *m->zones, (void **)&m->zones, m, add_zone);
    json_t *text = get(L, obj, "text", true, T_OBJ);
    if (text && !L->nomem) {
        size_t old = ptr_key(L, "text");
        read_muscle_text(L, text, &m->text);
        ptr_pop(L, old);
    }
}

/* ---- areas --------------------------------------------------------------- */

static bool area_taken(const km_atlas *a, int upto, const char *id, int view, km_side side)
{
    for (int i = 0; i < upto; i++)
        if (a->areas[i].id && a->areas[i].view == view && a->areas[i].side == side &&
            strcmp(a->areas[i].id, id) == 0)
            return true;
    return false;
}

static bool add_area(ld *L, const char *id, const char *label, int view, km_side side, const km_poly *p,
                     bool mirror)
{
    km_area *ar = &L->a->areas[L->a->area_count];
    ar->id = dup_or_fail(L, id);
    ar->label = ar->id ? dup_or_fail(L, label) : NULL;
    if (!ar->label) {
        free(ar->id);
        ar->id = NULL;
        return false;
    }
    bool ok = mirror ? mirror_poly(L, p, L->a->views[view].width, &ar->poly) : km_poly_copy(&ar->poly, p);
    if (!ok) {
        if (!mirror)
            out_of_memory(L);
        free(ar->id);
        free(ar->label);
        ar->id = ar->label = NULL;
        return false;
    }
    ar->view = view;
    ar->side = side;
    ar->area = km_poly_area(&ar->poly);
    ar->centroid = km_poly_interior_point(&ar->poly);
    L->a->area_count++;
    return true;
}

static void read_area(ld *L, json_t *obj)
{
    static const char *const keys[] = {"id", "label", "view", "side", "bilateral", "points", "smooth", NULL};
    static const char *const sides[] = {"midline", "right", "left", NULL}; /* km_side order */
    check_keys(L, obj, keys);
    char *id = get_id(L, obj, "id");
    char *label = get_str(L, obj, "label", true, KM_MAX_NAME);
    int view = get_view_ref(L, obj);
    bool bilateral = get_bool(L, obj, "bilateral", false);
    bool has_side = json_object_get(obj, "side") != NULL;
    int side = get_enum(L, obj, "side", false, sides); /* -1: absent or reported */
    bool side_ok = !has_side || side >= 0;
    if (bilateral && side >= 0 && side != KM_SIDE_RIGHT) {
        report_key(L, "side", KM_E_ENUM, "is \"%s\" on a bilateral area, expected no side (a bilateral "
                   "area is written for the patient's right and mirrored)", sides[side]);
        side_ok = false;
    }
    if (bilateral)
        side = KM_SIDE_RIGHT;
    else if (!has_side)
        side = KM_SIDE_MIDLINE;
    const km_view *canvas = canvas_of(L, view);
    km_poly poly = {0};
    bool ok = read_contour(L, obj, canvas, &poly);
    if (ok && id && label && canvas && side_ok && !L->nomem) {
        if (area_taken(L->a, L->a->area_count, id, view, (km_side)side) ||
            (bilateral && area_taken(L->a, L->a->area_count, id, view, KM_SIDE_LEFT)))
            report_key(L, "id", KM_E_DUP_ID, "area \"%s\" already exists on view \"%s\" for this side, "
                       "expected one area per id, view and side", id, L->a->views[view].id);
        else if (add_area(L, id, label, view, (km_side)side, &poly, false) && bilateral)
            add_area(L, id, label, view, KM_SIDE_LEFT, &poly, true);
    }
    km_poly_release(&poly);
    free(id);
    free(label);
}

/* Which half of its view a bilateral area's control points lie on: -1 the
 * viewer's left, +1 the right, 0 on the centre line; view index in *view. */
static int area_half(ld *L, json_t *obj, int *view)
{
    json_t *pts = json_object_get(obj, "points"), *p;
    *view = json_is_string(json_object_get(obj, "view"))
                ? km_atlas_view_index(L->a, json_string_value(json_object_get(obj, "view")))
                : -1;
    if (!json_is_true(json_object_get(obj, "bilateral")) || *view < 0 || json_array_size(pts) == 0)
        return 0;
    /* A close-up shows one side at a time, drawn for the patient's right
     * and mirrored whole for the left: its areas fill the canvas. */
    if (L->a->views[*view].kind == KM_VIEW_DETAIL)
        return 0;
    double sum = 0, half = L->a->views[*view].width / 2.0;
    size_t i;
    json_array_foreach(pts, i, p) sum += json_number_value(json_array_get(p, 0));
    double cx = sum / (double)json_array_size(pts);
    return cx < half ? -1 : cx > half ? 1 : 0;
}

/* A bilateral area is written for the patient's right and mirrored to the
 * left, so on each body view all of them lie on one half (the front
 * view's left half, the back view's right half); a detail view is exempt.  The half most of a view's
 * bilateral areas are on is the patient's right there; an area on the
 * other half would have its mirrored copy's labels swapped: refused. */
static void check_bilateral_halves(ld *L, json_t *arr, long n)
{
    int votes[KM_MAX_VIEWS] = {0}, view;
    for (long i = 0; i < n; i++) {
        int h = area_half(L, json_array_get(arr, (size_t)i), &view);
        if (h && view >= 0 && view < KM_MAX_VIEWS)
            votes[view] += h;
    }
    for (long i = 0; i < n; i++) {
        int h = area_half(L, json_array_get(arr, (size_t)i), &view);
        if (!h || view < 0 || view >= KM_MAX_VIEWS || !votes[view] || (h > 0) == (votes[view] > 0))
            continue;
        size_t o2 = ptr_idx(L, (size_t)i);
        report_key(L, "points", KM_E_RANGE, "put this bilateral area on the viewer's %s half of view \"%s\", "
                   "where the view's other bilateral areas are on the %s; expected it drawn on the patient's right "
                   "(it is mirrored to the left)", h < 0 ? "left" : "right", L->a->views[view].id,
                   h < 0 ? "right" : "left");
        ptr_pop(L, o2);
    }
}

/* The areas: room for two instances per item, as bilateral ones mirror. */
static void read_areas(ld *L, json_t *root)
{
    json_t *arr;
    long n = get_array(L, root, "areas", true, 0, KM_MAX_AREAS, &arr);
    if (n <= 0 || L->nomem)
        return;
    L->a->areas = km_calloc((size_t)n * 2, sizeof *L->a->areas);
    if (!L->a->areas) {
        out_of_memory(L);
        return;
    }
    size_t old = ptr_key(L, "areas");
    for (long i = 0; i < n && !L->nomem; i++) {
        size_t o2 = ptr_idx(L, (size_t)i);
        json_t *item = item_object(L, arr, (size_t)i);
        if (item)
            read_area(L, item);
        ptr_pop(L, o2);
    }
    if (L->errors == 0)
        check_bilateral_halves(L, arr, n);
    ptr_pop(L, old);
}

/* ---- top level ----------------------------------------------------------- */

/* Reports duplicates among the ids just read: ids[i] at /SECTION/i/id. */
static void check_unique(ld *L, const char *section, const char *what, char *const *ids, size_t stride,
                         int n)
{
    for (int i = 1; i < n; i++) {
        const char *id = *(char *const *)((const char *)ids + stride * (size_t)i);
        if (!id)
            continue;
        for (int j = 0; j < i; j++) {
            const char *prev = *(char *const *)((const char *)ids + stride * (size_t)j);
            if (prev && strcmp(prev, id) == 0) {
                size_t old = ptr_key(L, section);
                ptr_idx(L, (size_t)i);
                report_key(L, "id", KM_E_DUP_ID, "%s id \"%s\" is already used by /%s/%d, expected unique ids",
                           what, id, section, j);
                ptr_pop(L, old);
                break;
            }
        }
    }
}

/* Reads the array root.key, allocating *slots (n items of elem bytes) and
 * calling one() on each object.  Returns the number of slots. */
static int read_section(ld *L, json_t *root, const char *key, size_t min, size_t max, size_t elem,
                        void **slots, void (*one)(ld *, json_t *, void *))
{
    json_t *arr;
    long n = get_array(L, root, key, true, min, max, &arr);
    if (n <= 0 || L->nomem)
        return 0;
    *slots = km_calloc((size_t)n, elem);
    if (!*slots) {
        out_of_memory(L);
        return 0;
    }
    size_t old = ptr_key(L, key);
    for (long i = 0; i < n && !L->nomem; i++) {
        size_t o2 = ptr_idx(L, (size_t)i);
        json_t *item = item_object(L, arr, (size_t)i);
        if (item)
            one(L, item, (char *)*slots + elem * (size_t)i);
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
    return (int)n;
}

static void one_view(ld *L, json_t *o, void *slot) { read_view(L, o, slot); }
static void one_stretch(ld *L, json_t *o, void *slot) { read_stretch(L, o, slot); }
static void one_muscle(ld *L, json_t *o, void *slot) { read_muscle(L, o, slot); }

static void read_education(ld *L, json_t *root)
{
    json_t *arr;
    long n = get_array(L, root, "education", false, 0, KM_MAX_LIST, &arr);
    if (n <= 0)
        return;
    L->a->education = km_calloc((size_t)n, sizeof *L->a->education);
    if (!L->a->education) {
        out_of_memory(L);
        return;
    }
    L->a->education_count = (int)n;
    size_t old = ptr_key(L, "education");
    for (long i = 0; i < n && !L->nomem; i++) {
        static const char *const keys[] = {"title", "body", NULL};
        size_t o2 = ptr_idx(L, (size_t)i);
        json_t *item = item_object(L, arr, (size_t)i);
        if (item) {
            check_keys(L, item, keys);
            L->a->education[i].title = get_str(L, item, "title", true, KM_MAX_NAME);
            L->a->education[i].body = get_str(L, item, "body", true, KM_MAX_TEXT);
        }
        ptr_pop(L, o2);
    }
    ptr_pop(L, old);
}

/* "red_flags": [{"id", "areas": ["anterior_chest", "upper_arm_medial:left"],
 * "text", "source"}], read after the areas so each ref is checked against
 * them (an id, optionally with ":left" or ":right"). */
static void read_red_flag(ld *L, json_t *item, km_red_flag *f)
{
    static const char *const keys[] = {"id", "areas", "text", "source", NULL};
    check_keys(L, item, keys);
    f->id = get_id(L, item, "id");
    get_string_list(L, item, "areas", true, 1, KM_MAX_LIST, KM_MAX_NAME, &f->areas, &f->area_count);
    f->text = get_str(L, item, "text", true, KM_MAX_TEXT);
    f->source = get_str(L, item, "source", true, KM_MAX_TEXT);
    for (int k = 0; f->areas && k < f->area_count && !L->nomem; k++) {
        if (!f->areas[k])
            continue;
        char name[KM_MAX_NAME + 1];
        km_side side = KM_SIDE_MIDLINE;
        bool ok = km_parse_id_side(f->areas[k], name, sizeof name, KM_SIDE_MIDLINE, &side);
        bool found = false;
        for (int i = 0; ok && i < L->a->area_count && !found; i++)
            found = strcmp(L->a->areas[i].id, name) == 0 && (side == KM_SIDE_MIDLINE || L->a->areas[i].side == side);
        if (!found) {
            size_t old = ptr_key(L, "areas");
            ptr_idx(L, (size_t)k);
            report(L, KM_E_BAD_REF, "\"%s\" is not an area of this atlas, expected an area id, optionally "
                   "with :left or :right", show(f->areas[k]).s);
            ptr_pop(L, old);
        }
    }
}

static void one_red_flag(ld *L, json_t *o, void *slot) { read_red_flag(L, o, slot); }

static void read_red_flags(ld *L, json_t *root)
{
    km_atlas *a = L->a;
    if (!json_object_get(root, "red_flags"))
        return;
    a->red_flag_count = read_section(L, root, "red_flags", 0, KM_MAX_LIST, sizeof *a->red_flags,
                                     (void **)&a->red_flags, one_red_flag);
    if (a->red_flags)
        check_unique(L, "red_flags", "red flag", &a->red_flags[0].id, sizeof *a->red_flags, a->red_flag_count);
}

/* Format and version; false when the rest cannot be interpreted. */
static bool read_header(ld *L, json_t *root)
{
    json_t *fmt = get(L, root, "format", true, T_STR);
    if (fmt && strcmp(json_string_value(fmt), "knotmap-atlas") != 0)
        report_key(L, "format", KM_E_VERSION, "is \"%s\", expected \"knotmap-atlas\"",
                   show(json_string_value(fmt)).s);
    json_t *ver = get(L, root, "version", true, T_INT);
    if (ver && json_integer_value(ver) != KM_FORMAT_VERSION) {
        report_key(L, "version", KM_E_VERSION, "format version %lld is not supported, expected %d",
                   (long long)json_integer_value(ver), KM_FORMAT_VERSION);
        return false;
    }
    L->a->version = KM_FORMAT_VERSION;
    return true;
}

static void read_root(ld *L, json_t *root)
{
    static const char *const keys[] = {"format", "version", "data_version", "title", "sources",
                                       "education", "views", "stretches", "muscles", "areas", "red_flags", NULL};
    km_atlas *a = L->a;
    if (!json_is_object(root)) {
        report(L, KM_E_TYPE, "the document is %s, expected an object", type_name(root));
        return;
    }
    check_keys(L, root, keys);
    if (!read_header(L, root))
        return;
    a->data_version = get_str(L, root, "data_version", true, KM_MAX_NAME);
    a->title = get_str(L, root, "title", true, KM_MAX_NAME);
    get_string_list(L, root, "sources", false, 0, KM_MAX_LIST, KM_MAX_TEXT, &a->sources, &a->source_count);
    read_education(L, root);
    a->view_count = read_section(L, root, "views", 1, KM_MAX_VIEWS, sizeof *a->views, (void **)&a->views,
                                 one_view);
    if (a->views)
        check_unique(L, "views", "view", &a->views[0].id, sizeof *a->views, a->view_count);
    a->stretch_count = read_section(L, root, "stretches", 0, KM_MAX_ITEMS, sizeof *a->stretches,
                                    (void **)&a->stretches, one_stretch);
    if (a->stretches)
        check_unique(L, "stretches", "stretch", &a->stretches[0].id, sizeof *a->stretches, a->stretch_count);
    a->muscle_count = read_section(L, root, "muscles", 0, KM_MAX_MUSCLES, sizeof *a->muscles,
                                   (void **)&a->muscles, one_muscle);
    if (a->muscles)
        check_unique(L, "muscles", "muscle", &a->muscles[0].id, sizeof *a->muscles, a->muscle_count);

    read_areas(L, root);
    read_view_openers(L, root);
    read_red_flags(L, root);
}

/* ---- entry points -------------------------------------------------------- */

/* Counts JSON values lexically (commas and opening brackets outside
 * strings) so a document of millions of tiny values is refused before
 * jansson allocates a node for each. */
static long count_values(const char *buf, size_t len)
{
    long n = 1;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == ',' || c == '[' || c == '{') {
            n++;
        }
    }
    return n;
}

/* jansson allocates a node per value and frees each one again: a third of
 * the load went to malloc, free and the tree walk of json_decref.  While
 * parsing it allocates from an arena instead (big blocks from km_malloc, a
 * pointer bump per node, free a no-op), and the whole tree goes at once
 * with the arena.  Afterwards the plain allocator is put back for the rest
 * of the program (marks, command line output).
 *
 * jansson does not always say when an allocation failed (some paths leave
 * the error text empty), so the allocators remember. */
static bool json_alloc_failed;

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[]; /* cap bytes */
} arena_block;

#define ARENA_BLOCK (256 * 1024)

static arena_block *arena; /* current block; older blocks chained behind it */

static void *arena_alloc(size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!arena || arena->cap - arena->used < n) {
        size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK; /* a big string gets its own block */
        arena_block *b = km_malloc(sizeof *b + cap);
        if (!b) {
            json_alloc_failed = true;
            return NULL;
        }
        b->used = 0;
        b->cap = cap;
        if (cap == n && arena) { /* keep filling the current block afterwards */
            b->next = arena->next;
            arena->next = b;
            b->used = n;
            return b->data;
        }
        b->next = arena;
        arena = b;
    }
    void *p = (char *)arena->data + arena->used;
    arena->used += n;
    return p;
}

static void arena_release(void *p) { (void)p; /* freed with the arena */ }

static void arena_free_all(void)
{
    while (arena) {
        arena_block *next = arena->next;
        free(arena);
        arena = next;
    }
}

static void *json_alloc(size_t n)
{
    void *p = km_malloc(n);
    if (!p)
        json_alloc_failed = true;
    return p;
}

static void json_release(void *p) { free(p); }

/* Parses buf; NULL with the problem reported on failure. */
static json_t *parse(const char *name, const char *buf, size_t len, km_diag *d)
{
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { /* editors on some systems add a BOM */
        buf += 3;
        len -= 3;
    }
    long values = count_values(buf, len);
    if (values > KM_MAX_JSON_VALUES) {
        km_diag_file(d, KM_E_LIMIT, name, "the document has about %ld JSON values, at most %ld allowed",
                     values, KM_MAX_JSON_VALUES);
        return NULL;
    }
    json_set_alloc_funcs(arena_alloc, arena_release);
    json_alloc_failed = false;
    json_error_t err;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
    json_set_alloc_funcs(json_alloc, json_release);
    if (root)
        return root; /* lives in the arena: the caller frees it with arena_free_all */
    arena_free_all();
    if (json_alloc_failed || json_error_code(&err) == json_error_out_of_memory)
        km_diag_file(d, KM_E_NOMEM, name, "out of memory while parsing");
    else {
        /* jansson quotes the offending bytes, which may be binary. */
        for (char *c = err.text; *c; c++)
            if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7F)
                *c = '?';
        km_diag_syntax(d, name, err.line > 0 ? err.line : 1, err.column > 0 ? err.column : 1, "%s", err.text);
    }
    return NULL;
}

static km_atlas *load_buffer(const char *name, const char *buf, size_t len, bool index, km_diag *d)
{
    km_diag local;
    km_atlas *a = NULL;
    json_t *root = NULL;
    if (!d) {
        km_diag_init(&local);
        d = &local;
    }
    if (!name)
        name = "(buffer)";
    if (!buf && len > 0) {
        km_diag_file(d, KM_E_IO, name, "no data");
        goto done;
    }
    if (len > (size_t)KM_MAX_FILE_BYTES) {
        km_diag_file(d, KM_E_LIMIT, name, "is %zu bytes, at most %ld allowed", len, KM_MAX_FILE_BYTES);
        goto done;
    }
    root = parse(name, buf ? buf : "", len, d);
    if (!root)
        goto done;
    a = km_calloc(1, sizeof *a);
    if (!a) {
        km_diag_file(d, KM_E_NOMEM, name, "out of memory while loading the atlas");
        goto done;
    }
    ld L = {.file = name, .d = d, .a = a};
    a->path = dup_or_fail(&L, name);
    if (!L.nomem)
        read_root(&L, root);
    if (L.errors == 0 && index) { /* only a valid atlas is indexed: the index trusts it */
        a->spatial = km_spatial_build(a);
        if (!a->spatial)
            out_of_memory(&L);
    }
    if (L.errors > 0) {
        km_atlas_free(a);
        a = NULL;
    }
done:
    if (root)
        arena_free_all(); /* the whole tree at once (never json_decref: its nodes are in the arena) */
    if (d == &local)
        km_diag_release(&local);
    return a;
}

km_atlas *km_atlas_load_buffer(const char *name, const char *buf, size_t len, km_diag *d)
{
    return load_buffer(name, buf, len, true, d);
}

bool km_atlas_build_index(km_atlas *a)
{
    if (a && !a->spatial)
        a->spatial = km_spatial_build(a);
    return a && a->spatial;
}

static km_atlas *load_file(const char *path, bool index, km_diag *d)
{
    km_diag local;
    km_atlas *a = NULL;
    char *buf = NULL;
    size_t len = 0;
    if (!d) {
        km_diag_init(&local);
        d = &local;
    }
    if (!path)
        km_diag_file(d, KM_E_IO, "(no file)", "no data file given");
    /* fileio: non-blocking open, regular files only, size checked by fstat */
    else if (km_file_read(path, (size_t)KM_MAX_FILE_BYTES, "data file", 0, &buf, &len, NULL, d) == 0)
        a = load_buffer(path, buf, len, index, d);
    free(buf);
    if (d == &local)
        km_diag_release(&local);
    return a;
}

km_atlas *km_atlas_load(const char *path, km_diag *d)
{
    return load_file(path, true, d);
}

km_atlas *km_atlas_load_no_index(const char *path, km_diag *d)
{
    return load_file(path, false, d);
}
