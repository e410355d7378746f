/*
 * atlas.h - the data model: views, muscles, body areas and stretches, as
 * loaded from data/knotmap.json (format described in docs/data-format.md).
 *
 * The atlas is loaded once, validated completely, and then read-only.  All
 * geometry is already smoothed and mirrored: a bilateral muscle, zone or
 * area written once in the file appears here as two instances, one with
 * side KM_SIDE_RIGHT (as written) and one with KM_SIDE_LEFT (mirrored about
 * the view's vertical centre line).  Everything is in view units.
 *
 * Side convention: the file describes bilateral things on the PATIENT'S
 * RIGHT.  On the front view the patient's right is on the viewer's left
 * (x < width/2); on the back view it is on the viewer's right (x > width/2).
 *
 * Ownership: km_atlas_load returns an atlas the caller frees with
 * km_atlas_free; every pointer inside belongs to the atlas.
 */
#ifndef KM_ATLAS_H
#define KM_ATLAS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "geom.h"

#define KM_FORMAT_VERSION 1 /* the "version" this build reads */

typedef enum km_side {
    KM_SIDE_MIDLINE = 0,
    KM_SIDE_RIGHT = 1, /* patient's right */
    KM_SIDE_LEFT = 2,  /* patient's left */
} km_side;

typedef enum km_layer { KM_LAYER_SUPERFICIAL = 0, KM_LAYER_DEEP = 1 } km_layer;

typedef enum km_zone_kind { KM_ZONE_ESSENTIAL = 0, KM_ZONE_SPILLOVER = 1 } km_zone_kind;

const char *km_side_name(km_side s);           /* "midline" "right" "left" */
const char *km_zone_kind_name(km_zone_kind k); /* "essential" "spillover" */
const char *km_layer_name(km_layer l);         /* "superficial" "deep" */

/* A full-body figure (front, back), or a close-up of one region (the side
 * of the head, a hand, the sole) that the layout gives a smaller cell. */
typedef enum km_view_kind { KM_VIEW_BODY = 0, KM_VIEW_DETAIL = 1 } km_view_kind;

/* A body view's area that opens a close-up when tapped: the palm of the
 * front view opens the palm's close-up. */
typedef struct km_view_opener {
    int view;   /* a body view (index into atlas->views) */
    char *area; /* an area id on that view */
} km_view_opener;

typedef struct km_view {
    char *id;    /* "front", "back", "head_side" */
    char *label; /* "Front" */
    km_view_kind kind;     /* "kind" in the data file, "body" when absent */
    float width, height;   /* canvas size in view units */
    km_poly *outline;      /* body outline contours (owned array) */
    int outline_count;
    km_line *landmarks;    /* light orientation lines (owned array) */
    int landmark_count;
    /* A close-up is drawn for the patient's right; its left is the same
     * picture mirrored (x' = width - x), where the loader also puts the
     * left instances of bilateral things.  Detail views only, else NULL;
     * outline_count and landmark_count entries (owned). */
    km_poly *outline_left;
    km_line *landmarks_left;
    /* A close-up's "opens_from": the body-view areas a tap on which opens
     * it (owned; NULL and 0 for body views or when absent). */
    km_view_opener *opens_from;
    int opens_from_count;
} km_view;

/* The outline and landmarks of a view as shown for a side: a close-up's
 * mirrored copies for the patient's left, else the view's own. */
const km_poly *km_view_outline(const km_view *v, km_side side);
const km_line *km_view_landmarks(const km_view *v, km_side side);

/* Which way a muscle's fibres run inside one shape, for the faint fibre
 * lines of the chart (src/chart/fibres.c).  Parallel fibres run at an
 * angle; a fan (trapezius, deltoid, temporalis...) converges on a point,
 * its tendon.  The chart chooses the spacing on screen; the data only
 * scales it.  A left instance has its fibres mirrored with its shape. */
typedef enum km_fibre_kind {
    KM_FIBRES_NONE = 0, /* no "fibres" in the data: none drawn */
    KM_FIBRES_PARALLEL, /* "angle" */
    KM_FIBRES_FAN,      /* "toward" */
} km_fibre_kind;

typedef struct km_fibres {
    km_fibre_kind kind;
    float angle;    /* parallel: degrees in view units, 0 = along +x, 90 = along +y (down) */
    km_vec2 toward; /* fan: the point the fibres converge on, view units */
    float spacing;  /* the chart's spacing times this: 0.5 to 4, 1 when absent */
} km_fibres;

/* One instance (one side) of a muscle's outline on one view. */
typedef struct km_shape {
    int view;    /* index into atlas->views */
    km_side side;
    km_poly poly;
    km_fibres fibres; /* KM_FIBRES_NONE when the data gives none */
} km_shape;

typedef struct km_trigger_point {
    int view;
    km_side side;
    km_vec2 at;
    char *label; /* optional short label, NULL if none */
} km_trigger_point;

typedef struct km_zone {
    int view;
    km_side side;
    km_zone_kind kind;
    km_poly poly;
    double area; /* km_poly_area(&poly), cached */
} km_zone;

typedef struct km_muscle_text {
    char *summary;       /* plain-language description */
    char *symptoms;
    char *causes;
    char *self_care;
    char *see_clinician; /* when to see a clinician, red flags */
    char **sources;      /* owned array of owned strings */
    int source_count;
} km_muscle_text;

typedef struct km_muscle {
    char *id;    /* stable snake_case id */
    char *name;  /* display name */
    char *group; /* "neck", "upper back", ... */
    km_layer layer;
    bool bilateral;
    float frequency; /* relative frequency in (0, 1], for ranking */
    int *stretches;  /* indices into atlas->stretches */
    int stretch_count;
    km_shape *shapes; /* all instances, both sides, all views */
    int shape_count;
    km_trigger_point *tps;
    int tp_count;
    km_zone *zones;
    int zone_count;
    km_muscle_text text;
} km_muscle;

typedef struct km_area {
    char *id;    /* "temple" (shared by the left and right instance) */
    char *label; /* "Temple" */
    int view;
    km_side side;
    km_poly poly;
    km_vec2 centroid; /* an interior point, used by list and tests */
    double area;
} km_area;

/* A stretch's drawing: a stick-and-round figure in a 100 x 100 box (x
 * right, y down), drawn by src/chart/illustration.c.  Parts are limbs,
 * the torso or the neck as thick round-capped polylines; circles are the
 * head or a hand; props (chair, floor, wall, door frame) are thin lines
 * under the figure.  A "stretched" part or circle is tinted: its muscle is
 * the one being stretched.  The arrow shows the direction of the pull. */
typedef enum km_ill_role {
    KM_ILL_BODY,      /* skin */
    KM_ILL_STRETCHED, /* the muscle being stretched: tinted */
    KM_ILL_PROP,      /* furniture and floor: thin grey */
} km_ill_role;

typedef struct km_ill_stroke {
    km_vec2 *pts; /* owned, 2..32 points */
    int n;
    float width; /* in box units */
    km_ill_role role;
} km_ill_stroke;

typedef struct km_ill_circle {
    km_vec2 at;
    float r;
    km_ill_role role; /* body or stretched */
} km_ill_circle;

typedef struct km_stretch_illustration {
    km_ill_stroke *parts; /* owned; role body or stretched */
    int part_count;
    km_ill_circle *circles; /* owned, may be empty */
    int circle_count;
    km_ill_stroke *props; /* owned, may be empty; role prop */
    int prop_count;
    km_vec2 arrow_from, arrow_to; /* direction of the pull */
} km_stretch_illustration;

typedef struct km_stretch {
    char *id;
    char *name;
    char **steps; /* ordered, owned */
    int step_count;
    int hold_seconds;
    int repetitions;
    char *cautions;
    /* The clinic's own photo of the stretch ("photo" in the data file, a
     * PNG or JPEG path relative to the data file), resolved to a path from
     * the working folder; NULL for none.  The loader checks it is a regular
     * file; `knotmap check` decodes it (it needs the image library). */
    char *photo;
    km_stretch_illustration *illustration; /* owned, NULL when the stretch has none */
} km_stretch;

typedef struct km_edu_section {
    char *title;
    char *body;
} km_edu_section;

/* A warning sign that needs a clinician now, not a chart: shown when the
 * patient points at (or draws over) one of its areas. */
typedef struct km_red_flag {
    char *id;      /* "chest_pain" */
    char **areas;  /* area refs, "anterior_chest" or "upper_arm_medial:left" (that side only) */
    int area_count;
    char *text;    /* what to do, in the patient's words */
    char *source;  /* where the advice comes from */
} km_red_flag;

typedef struct km_atlas {
    char *path;         /* file it came from */
    int version;        /* format version, KM_FORMAT_VERSION */
    char *data_version; /* content version, e.g. "2026.11.1" */
    char *title;
    km_view *views;
    int view_count;
    km_muscle *muscles;
    int muscle_count;
    km_area *areas; /* every instance; left and right are separate entries */
    int area_count;
    km_stretch *stretches;
    int stretch_count;
    km_edu_section *education; /* "What is a muscle knot?" page, may be empty */
    int education_count;
    char **sources; /* atlas-wide bibliography, may be empty */
    int source_count;
    km_red_flag *red_flags; /* may be empty */
    int red_flag_count;
    struct km_spatial *spatial; /* zone grid for lookups (spatial.h), built at load; owned */
} km_atlas;

/* Load and validate.  On success returns the atlas; on any problem returns
 * NULL and d holds every problem found (one line each).  Never crashes or
 * hangs on any input. */
km_atlas *km_atlas_load(const char *path, km_diag *d);
/* Same from memory; name is used in messages. */
km_atlas *km_atlas_load_buffer(const char *name, const char *buf, size_t len, km_diag *d);
/* Load and validate without building the lookup index (spatial.h), for a
 * command that never looks anything up (`knotmap export`): the same
 * checks, ~2 ms less.  Lookups on such an atlas still answer, the same,
 * by testing every zone; km_atlas_build_index builds the index later
 * (false if out of memory). */
km_atlas *km_atlas_load_no_index(const char *path, km_diag *d);
bool km_atlas_build_index(km_atlas *a);
void km_atlas_free(km_atlas *a);

/* Look-ups by id; return index or -1. */
int km_atlas_view_index(const km_atlas *a, const char *id);
int km_atlas_muscle_index(const km_atlas *a, const char *id);
int km_atlas_stretch_index(const km_atlas *a, const char *id);
/* First area instance with this id and side (KM_SIDE_RIGHT also matches a
 * midline area when no right instance exists); -1 if none. */
int km_atlas_area_index(const km_atlas *a, const char *id, km_side side);

/* The red flags that apply to any of n area instances (indices into
 * a->areas), in data order, each once: their indices into a->red_flags in
 * out (at most max).  Returns how many. */
int km_atlas_red_flags(const km_atlas *a, const int *areas, int n, int *out, int max);

/* The close-up a tap on area instance `area` opens (its view is listed in
 * that close-up's "opens_from" with the area's id), or -1: the palm of the
 * front view opens "hand_palm", the heel of the back view "foot_sole". */
int km_atlas_closeup_for_area(const km_atlas *a, int area);

/* Parse "name", "name:left", "name:right".  Copies the name part into
 * name_out (size cap).  Side defaults to def.  Returns false on bad form. */
bool km_parse_id_side(const char *s, char *name_out, size_t cap, km_side def, km_side *side_out);

#endif
