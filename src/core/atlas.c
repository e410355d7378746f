/*
 * atlas.c - small read-only helpers over a loaded atlas (names of enum
 * values, look-ups by id, "name:side" parsing) and km_atlas_free.
 *
 * Loading and validation live in atlas_load.c; everything here works on an
 * atlas that is complete (or, for km_atlas_free, partly built: every owned
 * pointer is either NULL or valid, counts say how many entries are live).
 */
#include "atlas.h"

#include <stdlib.h>
#include <string.h>

#include "spatial.h"

const char *km_side_name(km_side s)
{
    switch (s) {
    case KM_SIDE_RIGHT: return "right";
    case KM_SIDE_LEFT: return "left";
    case KM_SIDE_MIDLINE: break;
    }
    return "midline";
}

const char *km_zone_kind_name(km_zone_kind k)
{
    return k == KM_ZONE_SPILLOVER ? "spillover" : "essential";
}

const char *km_layer_name(km_layer l)
{
    return l == KM_LAYER_DEEP ? "deep" : "superficial";
}

int km_atlas_view_index(const km_atlas *a, const char *id)
{
    for (int i = 0; a && id && i < a->view_count; i++)
        if (a->views[i].id && strcmp(a->views[i].id, id) == 0)
            return i;
    return -1;
}

int km_atlas_closeup_for_area(const km_atlas *a, int area)
{
    if (!a || area < 0 || area >= a->area_count)
        return -1;
    const km_area *ar = &a->areas[area];
    for (int d = 0; d < a->view_count; d++)
        for (int i = 0; i < a->views[d].opens_from_count; i++) {
            const km_view_opener *o = &a->views[d].opens_from[i];
            if (o->view == ar->view && o->area && strcmp(o->area, ar->id) == 0)
                return d;
        }
    return -1;
}

int km_atlas_muscle_index(const km_atlas *a, const char *id)
{
    for (int i = 0; a && id && i < a->muscle_count; i++)
        if (a->muscles[i].id && strcmp(a->muscles[i].id, id) == 0)
            return i;
    return -1;
}

int km_atlas_stretch_index(const km_atlas *a, const char *id)
{
    for (int i = 0; a && id && i < a->stretch_count; i++)
        if (a->stretches[i].id && strcmp(a->stretches[i].id, id) == 0)
            return i;
    return -1;
}

int km_atlas_area_index(const km_atlas *a, const char *id, km_side side)
{
    int midline = -1;
    for (int i = 0; a && id && i < a->area_count; i++) {
        const km_area *ar = &a->areas[i];
        if (!ar->id || strcmp(ar->id, id) != 0)
            continue;
        if (ar->side == side)
            return i;
        if (ar->side == KM_SIDE_MIDLINE && midline < 0)
            midline = i;
    }
    /* A midline area answers for "right" because a bare name means right. */
    return side == KM_SIDE_RIGHT ? midline : -1;
}

bool km_parse_id_side(const char *s, char *name_out, size_t cap, km_side def, km_side *side_out)
{
    if (!s || !name_out || cap == 0)
        return false;
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t)(colon - s) : strlen(s);
    km_side side = def;
    if (colon) {
        if (strcmp(colon + 1, "left") == 0)
            side = KM_SIDE_LEFT;
        else if (strcmp(colon + 1, "right") == 0)
            side = KM_SIDE_RIGHT;
        else
            return false;
    }
    if (len == 0 || len >= cap)
        return false;
    memcpy(name_out, s, len);
    name_out[len] = '\0';
    if (side_out)
        *side_out = side;
    return true;
}

/* ---- freeing ---------------------------------------------------------- */

static void free_strings(char **v, int n)
{
    for (int i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void view_release(km_view *v)
{
    free(v->id);
    free(v->label);
    for (int i = 0; v->outline && i < v->outline_count; i++)
        km_poly_release(&v->outline[i]);
    free(v->outline);
    for (int i = 0; v->landmarks && i < v->landmark_count; i++)
        km_line_release(&v->landmarks[i]);
    free(v->landmarks);
    for (int i = 0; v->outline_left && i < v->outline_count; i++)
        km_poly_release(&v->outline_left[i]);
    free(v->outline_left);
    for (int i = 0; v->landmarks_left && i < v->landmark_count; i++)
        km_line_release(&v->landmarks_left[i]);
    free(v->landmarks_left);
    for (int i = 0; v->opens_from && i < v->opens_from_count; i++)
        free(v->opens_from[i].area);
    free(v->opens_from);
}

const km_poly *km_view_outline(const km_view *v, km_side side)
{
    return side == KM_SIDE_LEFT && v->outline_left ? v->outline_left : v->outline;
}

const km_line *km_view_landmarks(const km_view *v, km_side side)
{
    return side == KM_SIDE_LEFT && v->landmarks_left ? v->landmarks_left : v->landmarks;
}

static void muscle_release(km_muscle *m)
{
    free(m->id);
    free(m->name);
    free(m->group);
    free(m->stretches);
    for (int i = 0; m->shapes && i < m->shape_count; i++)
        km_poly_release(&m->shapes[i].poly);
    free(m->shapes);
    for (int i = 0; m->tps && i < m->tp_count; i++)
        free(m->tps[i].label);
    free(m->tps);
    for (int i = 0; m->zones && i < m->zone_count; i++)
        km_poly_release(&m->zones[i].poly);
    free(m->zones);
    free(m->text.summary);
    free(m->text.symptoms);
    free(m->text.causes);
    free(m->text.self_care);
    free(m->text.see_clinician);
    free_strings(m->text.sources, m->text.source_count);
}

static void stretch_release(km_stretch *s)
{
    free(s->id);
    free(s->name);
    free_strings(s->steps, s->step_count);
    free(s->cautions);
    free(s->photo);
    km_stretch_illustration *ill = s->illustration;
    if (ill) {
        for (int i = 0; ill->parts && i < ill->part_count; i++)
            free(ill->parts[i].pts);
        for (int i = 0; ill->props && i < ill->prop_count; i++)
            free(ill->props[i].pts);
        free(ill->parts);
        free(ill->props);
        free(ill->circles);
        free(ill);
    }
}

void km_atlas_free(km_atlas *a)
{
    if (!a)
        return;
    for (int i = 0; a->views && i < a->view_count; i++)
        view_release(&a->views[i]);
    free(a->views);
    for (int i = 0; a->muscles && i < a->muscle_count; i++)
        muscle_release(&a->muscles[i]);
    free(a->muscles);
    for (int i = 0; a->areas && i < a->area_count; i++) {
        free(a->areas[i].id);
        free(a->areas[i].label);
        km_poly_release(&a->areas[i].poly);
    }
    free(a->areas);
    for (int i = 0; a->stretches && i < a->stretch_count; i++)
        stretch_release(&a->stretches[i]);
    free(a->stretches);
    for (int i = 0; a->red_flags && i < a->red_flag_count; i++) {
        free(a->red_flags[i].id);
        for (int k = 0; a->red_flags[i].areas && k < a->red_flags[i].area_count; k++)
            free(a->red_flags[i].areas[k]);
        free(a->red_flags[i].areas);
        free(a->red_flags[i].text);
        free(a->red_flags[i].source);
    }
    free(a->red_flags);
    for (int i = 0; a->education && i < a->education_count; i++) {
        free(a->education[i].title);
        free(a->education[i].body);
    }
    free(a->education);
    free_strings(a->sources, a->source_count);
    km_spatial_free(a->spatial);
    free(a->data_version);
    free(a->title);
    free(a->path);
    free(a);
}

/* Does the ref ("id" or "id:side") name this area instance? */
static bool flag_ref_matches(const char *ref, const km_area *ar)
{
    char name[128];
    km_side side;
    if (!km_parse_id_side(ref, name, sizeof name, KM_SIDE_MIDLINE, &side) || strcmp(name, ar->id) != 0)
        return false;
    return side == KM_SIDE_MIDLINE || side == ar->side;
}

int km_atlas_red_flags(const km_atlas *a, const int *areas, int n, int *out, int max)
{
    int count = 0;
    for (int f = 0; a && f < a->red_flag_count && count < max; f++) {
        bool hit = false;
        for (int i = 0; i < n && !hit; i++)
            for (int k = 0; areas[i] >= 0 && areas[i] < a->area_count && k < a->red_flags[f].area_count && !hit; k++)
                hit = flag_ref_matches(a->red_flags[f].areas[k], &a->areas[areas[i]]);
        if (hit)
            out[count++] = f;
    }
    return count;
}
