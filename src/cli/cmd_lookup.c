/*
 * cmd_lookup.c - `knotmap lookup`: the muscles that refer pain to a point
 * (--view V --at X,Y) or to a named area (--area AREA[:side]), best first,
 * and the red flags of that place (warning signs that need a clinician).
 */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/lookup.h"

/* A plain decimal number: strtod alone also takes leading spaces, '+',
 * hex, "inf" and "nan". */
static bool plain_number(const char *s)
{
    const char *d = s[0] == '-' ? s + 1 : s;
    return isdigit((unsigned char)d[0]) || (d[0] == '.' && isdigit((unsigned char)d[1]));
}

static bool parse_point(const char *s, km_vec2 *p)
{
    char *end;
    errno = 0;
    double x = plain_number(s) ? strtod(s, &end) : 0;
    if (!plain_number(s) || errno || end == s || *end != ',' || strchr(s, 'x') || strchr(s, 'X'))
        return false;
    const char *q = end + 1;
    double y = plain_number(q) ? strtod(q, &end) : 0;
    if (!plain_number(q) || errno || end == q || *end || !isfinite(x) || !isfinite(y))
        return false;
    if (fabs(x) > FLT_MAX || fabs(y) > FLT_MAX) /* the conversion to float would be undefined */
        return false;
    p->x = (float)x;
    p->y = (float)y;
    return true;
}

/* The candidates and the red flags of the place (indices into
 * a->red_flags), best first. */
static void print_candidates(const km_atlas *a, const km_candidates *c, const int *flags, int nflags, bool as_json)
{
    if (as_json) {
        json_t *rf = json_array();
        for (int i = 0; i < nflags; i++)
            json_array_append_new(rf, json_pack("{s:s, s:s}", "id", a->red_flags[flags[i]].id, "text",
                                                a->red_flags[flags[i]].text));
        json_t *arr = json_array();
        for (int i = 0; i < c->count; i++) {
            const km_candidate *k = &c->items[i];
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:f}", "muscle", a->muscles[k->muscle].id,
                                                 "side", km_side_name(k->side), "zone", km_zone_kind_name(k->zone),
                                                 "score", round(k->score * 10000) / 10000));
        }
        json_t *root = json_pack("{s:o, s:o}", "candidates", arr, "red_flags", rf);
        char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        if (s)
            puts(s);
        free(s);
        json_decref(root);
        return;
    }
    for (int i = 0; i < nflags; i++)
        printf("red flag %s: %s\n", a->red_flags[flags[i]].id, a->red_flags[flags[i]].text);
    if (c->count == 0)
        printf("no muscle in %s refers pain there\n", a->path);
    for (int i = 0; i < c->count; i++) {
        const km_candidate *k = &c->items[i];
        printf("%2d. %-32s %-7s %-9s %.3f\n", i + 1, a->muscles[k->muscle].id, km_side_name(k->side),
               km_zone_kind_name(k->zone), k->score);
    }
}

int km_cmd_lookup(km_cli *cli, int argc, char **argv)
{
    const char *view = NULL, *at = NULL, *area = NULL;
    bool as_json = false;
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        int r;
        if ((r = km_cli_opt(argc, argv, &i, "--view", true, &v)) > 0)
            view = v;
        else if (r == 0 && (r = km_cli_opt(argc, argv, &i, "--at", true, &v)) > 0)
            at = v;
        else if (r == 0 && (r = km_cli_opt(argc, argv, &i, "--area", true, &v)) > 0)
            area = v;
        else if (r == 0 && (r = km_cli_opt(argc, argv, &i, "--json", false, &v)) > 0)
            as_json = true;
        if (r < 0)
            return KM_EXIT_USAGE;
        if (r == 0)
            return km_cli_usage_error("lookup: unknown argument '%s'", argv[i]);
    }
    if (area && (view || at))
        return km_cli_usage_error("lookup: give either --area, or --view with --at, not both");
    if (!area && (!view || !at))
        return km_cli_usage_error("lookup: needs --view VIEW --at X,Y, or --area AREA[:left|right]");
    km_vec2 p = {0, 0};
    if (at && !parse_point(at, &p))
        return km_cli_usage_error("--at: expected X,Y in view units like 540,310, got '%s'", at);

    km_atlas *a = km_cli_load_atlas(cli);
    if (!a)
        return KM_EXIT_DATA;
    int status = KM_EXIT_OK;
    km_candidates c;
    km_candidates_init(&c);
    bool ok;
    int flags[64], nflags = 0;
    if (area) {
        int idx[16], n = 0;
        if (!km_cli_resolve_area(a, "--area", area, idx, 16, &n)) {
            status = KM_EXIT_USAGE;
            goto done;
        }
        ok = km_lookup_area_set(a, idx, n, &c);
        nflags = km_atlas_red_flags(a, idx, n, flags, 64);
    } else {
        int v = km_atlas_view_index(a, view);
        if (v < 0) {
            status = km_cli_usage_error("--view: no view '%s' in %s", view, a->path);
            goto done;
        }
        const km_view *vw = &a->views[v];
        if (p.x < 0 || p.y < 0 || p.x > vw->width || p.y > vw->height) {
            status = km_cli_usage_error("--at: %g,%g is outside the %s view (0..%g, 0..%g)", (double)p.x,
                                        (double)p.y, vw->id, (double)vw->width, (double)vw->height);
            goto done;
        }
        ok = km_lookup_point(a, v, p, &c);
        int here = km_lookup_area_at(a, v, p);
        nflags = here >= 0 ? km_atlas_red_flags(a, &here, 1, flags, 64) : 0;
    }
    if (!ok) {
        fprintf(stderr, "knotmap: lookup: out of memory\n");
        status = KM_EXIT_FAIL;
        goto done;
    }
    print_candidates(a, &c, flags, nflags, as_json);
done:
    km_candidates_release(&c);
    km_atlas_free(a);
    return status;
}
