/*
 * resolve.c - turn "name[:left|right]" words from the command line into
 * atlas indices, with one rule for sides: a bilateral thing without a side
 * means the patient's right; a midline thing has no side.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static bool split_spec(const char *opt, const char *spec, char *name, size_t cap, bool *has_side, km_side *side)
{
    *has_side = strchr(spec, ':') != NULL;
    if (!km_parse_id_side(spec, name, cap, KM_SIDE_RIGHT, side) || !*name) {
        km_cli_usage_error("%s: expected NAME or NAME:left or NAME:right, got '%s'", opt, spec);
        return false;
    }
    return true;
}

bool km_cli_resolve_muscle(const km_atlas *a, const char *opt, const char *spec, int *muscle, km_side *side)
{
    char name[256];
    bool has_side;
    if (!split_spec(opt, spec, name, sizeof name, &has_side, side))
        return false;
    *muscle = km_atlas_muscle_index(a, name);
    if (*muscle < 0) {
        km_cli_usage_error("%s: no muscle '%s' in %s (knotmap list shows the ids)", opt, name, a->path);
        return false;
    }
    if (!a->muscles[*muscle].bilateral) {
        if (has_side) {
            km_cli_usage_error("%s: '%s' is a midline muscle; it has no left or right", opt, name);
            return false;
        }
        *side = KM_SIDE_MIDLINE;
    }
    return true;
}

bool km_cli_resolve_area(const km_atlas *a, const char *opt, const char *spec, int *out, int max, int *n)
{
    char name[256];
    bool has_side;
    km_side side;
    *n = 0;
    if (!split_spec(opt, spec, name, sizeof name, &has_side, &side))
        return false;
    bool known = false, midline = false;
    for (int i = 0; i < a->area_count; i++) {
        const km_area *ar = &a->areas[i];
        if (strcmp(ar->id, name) != 0)
            continue;
        known = true;
        midline |= ar->side == KM_SIDE_MIDLINE;
        if ((ar->side == side || ar->side == KM_SIDE_MIDLINE) && *n < max)
            out[(*n)++] = i;
    }
    if (!known) {
        km_cli_usage_error("%s: no area '%s' in %s (knotmap list shows the ids)", opt, name, a->path);
        return false;
    }
    if (midline && has_side) {
        km_cli_usage_error("%s: '%s' is a midline area; it has no left or right", opt, name);
        return false;
    }
    if (*n == 0) {
        km_cli_usage_error("%s: area '%s' has no %s side", opt, name, km_side_name(side));
        return false;
    }
    return true;
}
