/*
 * scene.c - the default scene (every view, nothing selected, legend on),
 * and which close-up views a scene shows, and for which side.
 */
#include "scene.h"

#include <string.h>

void km_scene_init(km_scene *s, const km_atlas *a)
{
    memset(s, 0, sizeof *s);
    s->atlas = a;
    s->view = -1;
    s->hover_muscle = -1;
    s->hover_side = KM_SIDE_MIDLINE;
    s->legend = true;
}

static bool has_view(const km_muscle *m, int view, km_side side)
{
    for (int i = 0; i < m->shape_count; i++)
        if (m->shapes[i].view == view && (m->shapes[i].side == side || m->shapes[i].side == KM_SIDE_MIDLINE))
            return true;
    for (int i = 0; i < m->tp_count; i++)
        if (m->tps[i].view == view && (m->tps[i].side == side || m->tps[i].side == KM_SIDE_MIDLINE))
            return true;
    for (int i = 0; i < m->zone_count; i++)
        if (m->zones[i].view == view && (m->zones[i].side == side || m->zones[i].side == KM_SIDE_MIDLINE))
            return true;
    return false;
}

/* The side of what the scene puts on a view first (selection, then pain
 * areas); MIDLINE if nothing there has a side; false if nothing is there. */
static bool first_on_view(const km_scene *s, int view, km_side *side)
{
    const km_atlas *a = s->atlas;
    for (int i = 0; i < s->sel_count; i++) {
        const km_scene_sel *sel = &s->sel[i];
        if (sel->muscle >= 0 && sel->muscle < a->muscle_count && has_view(&a->muscles[sel->muscle], view, sel->side)) {
            *side = a->muscles[sel->muscle].bilateral ? sel->side : KM_SIDE_MIDLINE;
            return true;
        }
    }
    for (int i = 0; i < s->area_count; i++) {
        int k = s->areas[i];
        if (k >= 0 && k < a->area_count && a->areas[k].view == view) {
            *side = a->areas[k].side;
            return true;
        }
    }
    *side = KM_SIDE_MIDLINE;
    return false;
}

bool km_scene_view_carries(const km_scene *s, int view)
{
    km_side side;
    if (first_on_view(s, view, &side))
        return true;
    for (int i = 0; s->strokes && i < s->stroke_count; i++)
        if (s->strokes[i].view == view && !s->strokes[i].erase)
            return true;
    for (int i = 0; s->pins && i < s->pin_count; i++)
        if (s->pins[i].view == view)
            return true;
    return false;
}

bool km_scene_view_shown(const km_scene *s, int view)
{
    if (view < 0 || view >= s->atlas->view_count)
        return false;
    if (s->atlas->views[view].kind != KM_VIEW_DETAIL)
        return true;
    return (view < 32 && (s->open_details >> view) & 1u) || km_scene_view_carries(s, view);
}

km_side km_scene_view_side(const km_scene *s, int view)
{
    if (view < 0 || view >= s->atlas->view_count || s->atlas->views[view].kind != KM_VIEW_DETAIL)
        return KM_SIDE_MIDLINE;
    km_side side;
    if (first_on_view(s, view, &side) && side != KM_SIDE_MIDLINE)
        return side;
    return s->detail_side == KM_SIDE_LEFT ? KM_SIDE_LEFT : KM_SIDE_RIGHT;
}
