/*
 * marks.c - pain marks with undo/redo, and the marks JSON file (marks.h).
 *
 * History invariants: snaps[0, snap_total) are the states after each
 * action; applied <= snap_total; the visible state is snaps[applied - 1]
 * (or all zero).  Strokes and pins past the visible end of the current
 * state belong only to the redo tail, and are freed when a new action is
 * taken.  All growth happens on user input, never per frame.
 */
#include "marks.h"
#include "../core/drawing.h"

#include <jansson.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/fileio.h"

#define KM_PATH_MAX_MARKS 4096

/* ---- history ------------------------------------------------------- */

void km_history_init(km_mark_history *h) { memset(h, 0, sizeof *h); }

static void free_strokes_from(km_mark_history *h, int from)
{
    for (int i = from; i < h->stroke_total; i++) {
        h->point_total -= h->strokes[i].count;
        free(h->strokes[i].pts);
    }
    if (from < h->stroke_total)
        h->stroke_total = from;
}

void km_history_reset(km_mark_history *h)
{
    free_strokes_from(h, 0);
    /* the patient's pins must not linger in memory after a wipe */
    if (h->pins && h->pin_cap > 0)
        memset(h->pins, 0, (size_t)h->pin_cap * sizeof *h->pins);
    h->pin_total = 0;
    h->applied = h->snap_total = 0;
    h->drawing = false;
}

void km_history_release(km_mark_history *h)
{
    km_history_reset(h);
    free(h->strokes);
    free(h->pins);
    free(h->snaps);
    km_history_init(h);
}

km_mark_snapshot km_history_now(const km_mark_history *h)
{
    km_mark_snapshot z = {0, 0, 0, 0};
    return h->applied > 0 ? h->snaps[h->applied - 1] : z;
}

const km_stroke *km_history_strokes(const km_mark_history *h, int *count)
{
    km_mark_snapshot s = km_history_now(h);
    *count = s.s_end - s.s_base;
    return h->strokes ? h->strokes + s.s_base : NULL;
}

const km_pin *km_history_pins(const km_mark_history *h, int *count)
{
    km_mark_snapshot s = km_history_now(h);
    *count = s.p_end - s.p_base;
    return h->pins ? h->pins + s.p_base : NULL;
}

/* Grow an array to hold at least need items. */
static bool grow(void **arr, int *cap, int need, size_t item)
{
    if (need <= *cap)
        return true;
    int nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    void *p = km_realloc(*arr, (size_t)nc * item);
    if (!p)
        return false;
    *arr = p;
    *cap = nc;
    return true;
}

/* Begin a new action: drop the redo tail, make room for one snapshot. */
static bool action_begin(km_mark_history *h)
{
    km_mark_snapshot s = km_history_now(h);
    free_strokes_from(h, s.s_end);
    if (h->pin_total > s.p_end)
        h->pin_total = s.p_end;
    h->snap_total = h->applied;
    return grow((void **)&h->snaps, &h->snap_cap, h->snap_total + 1, sizeof *h->snaps);
}

static void action_push(km_mark_history *h, km_mark_snapshot s)
{
    h->snaps[h->snap_total++] = s;
    h->applied = h->snap_total;
}

bool km_history_stroke_begin(km_mark_history *h, int view, float radius, bool erase, km_vec2 p)
{
    if (h->drawing)
        km_history_stroke_end(h);
    if (!isfinite(p.x) || !isfinite(p.y) || !action_begin(h))
        return false;
    if (h->stroke_total >= KM_MARKS_MAX_STROKES || h->point_total >= KM_MARKS_MAX_TOTAL_POINTS ||
        !grow((void **)&h->strokes, &h->stroke_cap, h->stroke_total + 1, sizeof *h->strokes))
        return false;
    km_vec2 *pts = km_malloc(64 * sizeof *pts);
    if (!pts)
        return false;
    pts[0] = p;
    h->strokes[h->stroke_total++] = (km_stroke){view, radius, erase, pts, 1};
    h->point_total++;
    km_mark_snapshot s = km_history_now(h);
    s.s_end = h->stroke_total;
    action_push(h, s);
    h->drawing = true;
    return true;
}

bool km_history_stroke_add(km_mark_history *h, km_vec2 p)
{
    if (!h->drawing || h->stroke_total == 0 || !isfinite(p.x) || !isfinite(p.y))
        return false;
    km_stroke *s = &h->strokes[h->stroke_total - 1];
    if (s->count >= KM_MARKS_MAX_POINTS || h->point_total >= KM_MARKS_MAX_TOTAL_POINTS)
        return false;
    /* pts was allocated with room for 64, doubled at every power of two */
    if (s->count >= 64 && (s->count & (s->count - 1)) == 0) {
        km_vec2 *np = km_realloc(s->pts, (size_t)s->count * 2 * sizeof *np);
        if (!np)
            return false;
        s->pts = np;
    }
    s->pts[s->count++] = p;
    h->point_total++;
    return true;
}

void km_history_stroke_end(km_mark_history *h) { h->drawing = false; }

void km_history_stroke_cancel(km_mark_history *h)
{
    if (!h->drawing)
        return;
    h->drawing = false;
    h->applied--;
    h->snap_total = h->applied;
    free_strokes_from(h, h->stroke_total - 1);
}

bool km_history_pin(km_mark_history *h, int view, km_vec2 at, int intensity)
{
    km_history_stroke_end(h);
    if (!isfinite(at.x) || !isfinite(at.y) || !action_begin(h))
        return false;
    if (h->pin_total >= KM_MARKS_MAX_PINS || !grow((void **)&h->pins, &h->pin_cap, h->pin_total + 1, sizeof *h->pins))
        return false;
    if (intensity < 0)
        intensity = 0;
    if (intensity > 10)
        intensity = 10;
    h->pins[h->pin_total++] = (km_pin){view, at, intensity};
    km_mark_snapshot s = km_history_now(h);
    s.p_end = h->pin_total;
    action_push(h, s);
    return true;
}

bool km_history_pin_edit(km_mark_history *h, int i, int intensity)
{
    km_history_stroke_end(h);
    km_mark_snapshot s = km_history_now(h);
    int n = s.p_end - s.p_base;
    if (i < 0 || i >= n || !action_begin(h))
        return false;
    /* the visible pins again, after the last, with the one changed or left
     * out: one action, so undo brings the old pin back */
    int keep = intensity < 0 ? n - 1 : n;
    if (h->pin_total + keep > KM_MARKS_MAX_PINS ||
        !grow((void **)&h->pins, &h->pin_cap, h->pin_total + keep, sizeof *h->pins))
        return false;
    int base = h->pin_total;
    for (int k = 0; k < n; k++) {
        km_pin p = h->pins[s.p_base + k];
        if (k == i && intensity < 0)
            continue;
        if (k == i)
            p.intensity = intensity > 10 ? 10 : intensity;
        h->pins[h->pin_total++] = p;
    }
    s.p_base = base;
    s.p_end = h->pin_total;
    action_push(h, s);
    return true;
}

bool km_history_clear(km_mark_history *h)
{
    km_history_stroke_end(h);
    km_mark_snapshot s = km_history_now(h);
    if (s.s_end == s.s_base && s.p_end == s.p_base)
        return false;
    if (!action_begin(h))
        return false;
    s.s_base = s.s_end;
    s.p_base = s.p_end;
    action_push(h, s);
    return true;
}

bool km_history_can_undo(const km_mark_history *h) { return h->applied > 0; }
bool km_history_can_redo(const km_mark_history *h) { return h->applied < h->snap_total; }

bool km_history_undo(km_mark_history *h)
{
    km_history_stroke_end(h);
    if (!km_history_can_undo(h))
        return false;
    h->applied--;
    return true;
}

bool km_history_redo(km_mark_history *h)
{
    if (h->drawing || !km_history_can_redo(h))
        return false;
    h->applied++;
    return true;
}

/* ---- marks file ---------------------------------------------------- */

void km_marks_init(km_marks *m) { memset(m, 0, sizeof *m); }

void km_marks_release(km_marks *m)
{
    for (int i = 0; i < m->stroke_count; i++)
        free(m->strokes[i].pts);
    free(m->strokes);
    free(m->pins);
    km_marks_init(m);
}

bool km_history_load(km_mark_history *h, const km_marks *m)
{
    km_history_reset(h);
    for (int i = 0; i < m->stroke_count; i++) {
        const km_stroke *s = &m->strokes[i];
        if (s->count < 1 || !km_history_stroke_begin(h, s->view, s->radius, s->erase, s->pts[0]))
            return false;
        for (int j = 1; j < s->count; j++)
            if (!km_history_stroke_add(h, s->pts[j]))
                return false;
        km_history_stroke_end(h);
    }
    for (int i = 0; i < m->pin_count; i++)
        if (!km_history_pin(h, m->pins[i].view, m->pins[i].at, m->pins[i].intensity))
            return false;
    return true;
}

/* Parse context for one file. */
typedef struct mctx {
    const char *file;
    const km_atlas *a;
    km_diag *d;
    size_t points; /* stroke points so far, for KM_MARKS_MAX_TOTAL_POINTS */
} mctx;

static int view_of(mctx *c, json_t *v, const char *ptr)
{
    int i = json_is_string(v) ? km_atlas_view_index(c->a, json_string_value(v)) : -1;
    if (i < 0)
        km_diag_at(c->d, json_is_string(v) ? KM_E_BAD_REF : KM_E_TYPE, c->file, ptr,
                   "expected the id of a view in the atlas (e.g. \"front\")");
    return i;
}

static bool point_of(mctx *c, json_t *v, int view, const char *ptr, km_vec2 *out)
{
    if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_number(json_array_get(v, 0)) ||
        !json_is_number(json_array_get(v, 1))) {
        km_diag_at(c->d, KM_E_TYPE, c->file, ptr, "expected a point [x, y]");
        return false;
    }
    double x = json_number_value(json_array_get(v, 0)), y = json_number_value(json_array_get(v, 1));
    const km_view *vw = view >= 0 ? &c->a->views[view] : NULL;
    if (!isfinite(x) || !isfinite(y) || (vw && (x < 0 || y < 0 || x > vw->width || y > vw->height))) {
        km_diag_at(c->d, KM_E_RANGE, c->file, ptr, "expected a point inside the view's canvas");
        return false;
    }
    out->x = (float)x;
    out->y = (float)y;
    return true;
}

static void load_selected(mctx *c, json_t *arr, km_marks *m)
{
    size_t i;
    json_t *it;
    char ptr[64];
    json_array_foreach(arr, i, it) {
        snprintf(ptr, sizeof ptr, "/selected/%zu", i);
        json_t *mu = json_object_get(it, "muscle"), *si = json_object_get(it, "side");
        int idx = json_is_string(mu) ? km_atlas_muscle_index(c->a, json_string_value(mu)) : -1;
        km_side side = KM_SIDE_MIDLINE;
        const char *sw = json_string_value(si);
        if (!sw || !strcmp(sw, "midline"))
            side = KM_SIDE_MIDLINE;
        else if (!strcmp(sw, "left"))
            side = KM_SIDE_LEFT;
        else if (!strcmp(sw, "right"))
            side = KM_SIDE_RIGHT;
        else {
            km_diag_at(c->d, KM_E_ENUM, c->file, ptr, "side: expected \"left\", \"right\" or \"midline\"");
            continue;
        }
        if (idx < 0) {
            km_diag_at(c->d, KM_E_BAD_REF, c->file, ptr, "muscle: expected the id of a muscle in the atlas");
            continue;
        }
        if (c->a->muscles[idx].bilateral && side == KM_SIDE_MIDLINE)
            side = KM_SIDE_RIGHT;
        bool seen = false; /* the same muscle and side twice is one selection */
        for (int k = 0; k < m->sel_count; k++)
            seen |= m->sel[k].muscle == idx && m->sel[k].side == side;
        if (seen)
            continue;
        if (m->sel_count >= KM_SCENE_MAX_SELECTED) {
            km_diag_at(c->d, KM_E_LIMIT, c->file, ptr, "at most %d muscles can be selected", KM_SCENE_MAX_SELECTED);
            return;
        }
        m->sel[m->sel_count] = (km_scene_sel){idx, side, m->sel_count};
        m->sel_count++;
    }
}

static void load_stroke(mctx *c, json_t *it, size_t i, km_marks *m)
{
    char ptr[96];
    snprintf(ptr, sizeof ptr, "/strokes/%zu/view", i);
    int view = view_of(c, json_object_get(it, "view"), ptr);
    json_t *r = json_object_get(it, "radius"), *pts = json_object_get(it, "points");
    json_t *er = json_object_get(it, "erase");
    double radius = json_is_number(r) ? json_number_value(r) : -1;
    snprintf(ptr, sizeof ptr, "/strokes/%zu/radius", i);
    if (!(radius >= 0.5 && radius <= KM_MARKS_MAX_RADIUS)) {
        km_diag_at(c->d, KM_E_RANGE, c->file, ptr, "expected a brush radius from 0.5 to %g view units",
                   KM_MARKS_MAX_RADIUS);
        return;
    }
    size_t n = json_array_size(pts);
    snprintf(ptr, sizeof ptr, "/strokes/%zu/points", i);
    if (!json_is_array(pts) || n < 1 || n > KM_MARKS_MAX_POINTS) {
        km_diag_at(c->d, KM_E_TYPE, c->file, ptr, "expected 1 to %d points [x, y]", KM_MARKS_MAX_POINTS);
        return;
    }
    c->points += n;
    if (c->points > KM_MARKS_MAX_TOTAL_POINTS) {
        if (c->points - n <= KM_MARKS_MAX_TOTAL_POINTS) /* say it once */
            km_diag_at(c->d, KM_E_LIMIT, c->file, ptr, "more than %d points in all strokes together",
                       KM_MARKS_MAX_TOTAL_POINTS);
        return;
    }
    if (er && !json_is_boolean(er)) {
        snprintf(ptr, sizeof ptr, "/strokes/%zu/erase", i);
        km_diag_at(c->d, KM_E_TYPE, c->file, ptr, "expected true or false");
        return;
    }
    km_vec2 *v = km_malloc(n * sizeof *v);
    if (!v) {
        km_diag_at(c->d, KM_E_NOMEM, c->file, ptr, "out of memory");
        return;
    }
    for (size_t j = 0; j < n; j++) {
        snprintf(ptr, sizeof ptr, "/strokes/%zu/points/%zu", i, j);
        if (!point_of(c, json_array_get(pts, j), view, ptr, &v[j])) {
            free(v);
            return;
        }
    }
    if (view < 0) {
        free(v);
        return;
    }
    m->strokes[m->stroke_count++] = (km_stroke){view, (float)radius, json_is_true(er), v, (int)n};
}

static void load_pin(mctx *c, json_t *it, size_t i, km_marks *m)
{
    char ptr[96];
    snprintf(ptr, sizeof ptr, "/pins/%zu/view", i);
    int view = view_of(c, json_object_get(it, "view"), ptr);
    snprintf(ptr, sizeof ptr, "/pins/%zu/at", i);
    km_vec2 at;
    if (!point_of(c, json_object_get(it, "at"), view, ptr, &at))
        return;
    json_t *in = json_object_get(it, "intensity");
    snprintf(ptr, sizeof ptr, "/pins/%zu/intensity", i);
    if (!json_is_integer(in) || json_integer_value(in) < 0 || json_integer_value(in) > 10) {
        km_diag_at(c->d, KM_E_RANGE, c->file, ptr, "expected a whole number from 0 to 10");
        return;
    }
    if (view >= 0)
        m->pins[m->pin_count++] = (km_pin){view, at, (int)json_integer_value(in)};
}

int km_marks_load_buffer(const char *name, const char *buf, size_t len, const km_atlas *a, km_marks *m,
                         km_diag *d)
{
    int before = d->count + d->dropped;
    km_marks_init(m);
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        km_diag_syntax(d, name, je.line, je.column, "%s", je.text);
        return -1;
    }
    mctx c = {name, a, d, 0};
    json_t *fmt = json_object_get(root, "format"), *ver = json_object_get(root, "version");
    if (!json_is_object(root) || !json_is_string(fmt) || strcmp(json_string_value(fmt), "knotmap-marks") != 0)
        km_diag_at(d, KM_E_MISSING, name, "/format", "expected \"knotmap-marks\"");
    else if (!json_is_integer(ver) || json_integer_value(ver) != 1)
        km_diag_at(d, KM_E_VERSION, name, "/version", "expected 1");
    else {
        const char *keys[] = {"selected", "strokes", "pins"};
        for (int k = 0; k < 3; k++) {
            json_t *v = json_object_get(root, keys[k]);
            if (v && !json_is_array(v)) {
                char ptr[32];
                snprintf(ptr, sizeof ptr, "/%s", keys[k]);
                km_diag_at(d, KM_E_TYPE, name, ptr, "expected an array");
            }
        }
        json_t *st = json_object_get(root, "strokes"), *pi = json_object_get(root, "pins");
        size_t ns = json_array_size(st), np = json_array_size(pi);
        if (ns > KM_MARKS_MAX_STROKES || np > KM_MARKS_MAX_PINS)
            km_diag_at(d, KM_E_LIMIT, name, "", "at most %d strokes and %d pins", KM_MARKS_MAX_STROKES,
                       KM_MARKS_MAX_PINS);
        else {
            m->strokes = ns ? km_calloc(ns, sizeof *m->strokes) : NULL;
            m->pins = np ? km_calloc(np, sizeof *m->pins) : NULL;
            if ((ns && !m->strokes) || (np && !m->pins))
                km_diag_file(d, KM_E_NOMEM, name, "out of memory");
            else {
                size_t i;
                json_t *it;
                load_selected(&c, json_object_get(root, "selected"), m);
                json_array_foreach(st, i, it) load_stroke(&c, it, i, m);
                json_array_foreach(pi, i, it) load_pin(&c, it, i, m);
            }
        }
    }
    json_decref(root);
    if (d->count + d->dropped > before) {
        km_marks_release(m);
        return -1;
    }
    return 0;
}

int km_marks_load(const char *path, const km_atlas *a, km_marks *m, km_diag *d)
{
    km_marks_init(m);
    char *buf = NULL;
    size_t len = 0;
    /* fileio: non-blocking open, regular files only, size checked by fstat */
    int rc = km_file_read(path, KM_MARKS_MAX_FILE_BYTES, "marks file", 0, &buf, &len, NULL, d);
    if (rc == 0)
        rc = km_marks_load_buffer(path, buf, len, a, m, d);
    free(buf);
    return rc;
}

static json_t *point_json(km_vec2 p)
{
    /* one decimal is far below a pixel at any zoom, and keeps files small */
    return json_pack("[ff]", round(p.x * 10) / 10, round(p.y * 10) / 10);
}

static json_t *marks_json(const km_atlas *a, const km_stroke *strokes, int ns, const km_pin *pins, int np,
                          const km_scene_sel *sel, int nsel)
{
    json_t *root = json_pack("{s:s, s:i, s:s}", "format", "knotmap-marks", "version", 1, "data_version",
                             a->data_version ? a->data_version : "");
    json_t *js = json_array(), *jst = json_array(), *jp = json_array();
    if (!root || !js || !jst || !jp)
        goto fail;
    json_object_set_new(root, "selected", js);
    json_object_set_new(root, "strokes", jst);
    json_object_set_new(root, "pins", jp);
    for (int i = 0; i < nsel; i++)
        json_array_append_new(js, json_pack("{s:s, s:s}", "muscle", a->muscles[sel[i].muscle].id, "side",
                                            km_side_name(sel[i].side)));
    for (int i = 0; i < ns; i++) {
        json_t *pts = json_array();
        for (int j = 0; pts && j < strokes[i].count; j++)
            json_array_append_new(pts, point_json(strokes[i].pts[j]));
        json_array_append_new(jst, json_pack("{s:s, s:f, s:b, s:o}", "view", a->views[strokes[i].view].id,
                                             "radius", (double)strokes[i].radius, "erase", strokes[i].erase,
                                             "points", pts));
    }
    for (int i = 0; i < np; i++)
        json_array_append_new(jp, json_pack("{s:s, s:o, s:i}", "view", a->views[pins[i].view].id, "at",
                                            point_json(pins[i].at), "intensity", pins[i].intensity));
    /* The drawing measured, for whoever reads the file without knotmap;
     * never read back (a loaded file is measured again). */
    km_drawing_summary sum;
    if (km_drawing_summarise(a, strokes, ns, pins, np, &sum)) {
        json_t *js_sum = km_drawing_summary_json(a, &sum);
        if (js_sum)
            json_object_set_new(root, "summary", js_sum);
        km_drawing_summary_release(&sum);
    }
    return root;
fail:
    json_decref(root);
    json_decref(js);
    json_decref(jst);
    json_decref(jp);
    return NULL;
}

/* The marks as JSON text (owned), or NULL when out of memory. */
static char *marks_text(const km_atlas *a, const km_marks_view *v)
{
    json_t *root = marks_json(a, v->strokes, v->ns, v->pins, v->np, v->sel, v->nsel);
    /* 12 significant digits: coordinates rounded to a tenth print as
     * "523.7", not "523.70000000000005" */
    char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(root);
    return text;
}

/* Write the marks into a new file in dir (fileio: unnamed until complete). */
static int marks_write(const char *dir, unsigned mode, const km_atlas *a, const km_marks_view *v, km_out *o,
                       char *err, size_t errlen)
{
    char *text = marks_text(a, v);
    if (!text) {
        snprintf(err, errlen, "%s: out of memory", dir);
        return -1;
    }
    int rc = km_out_begin(o, dir, mode, err, errlen);
    if (rc == 0 && !km_out_write(o, text, strlen(text))) {
        snprintf(err, errlen, "%s: cannot write: %s", dir, strerror(o->err));
        km_out_abort(o);
        rc = -1;
    }
    free(text);
    return rc;
}

int km_marks_save(const char *path, const km_atlas *a, const km_stroke *strokes, int ns, const km_pin *pins,
                  int np, const km_scene_sel *sel, int nsel, char *err, size_t errlen)
{
    km_marks_view v = {strokes, ns, pins, np, sel, nsel};
    char dir[KM_PATH_MAX_MARKS];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    km_out o;
    if (marks_write(dir, 0, a, &v, &o, err, errlen) != 0)
        return -1;
    return km_out_commit(&o, slash ? slash + 1 : path, true, err, errlen);
}

int km_marks_save_new(const char *dir, unsigned mode, const km_atlas *a, const km_marks_view *v, char *path_out,
                      size_t pathlen, char *err, size_t errlen)
{
    km_out o;
    if (marks_write(dir, mode, a, v, &o, err, errlen) != 0)
        return -1;
    return km_out_commit_unique(&o, "knotmap-marks", "json", path_out, pathlen, err, errlen);
}
