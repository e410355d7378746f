/*
 * scene.c - the default scene: every view, nothing selected, legend on.
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
