/*
 * paint.c - the chart painted through a km_painter (see paint.h,
 * painter.h): moved out of the renderer so that the picture needs no
 * windowing library, the reference-image tests paint exactly what the
 * window and the export show, and the renderer is left with what only the
 * platform can do (textures, text).  What the chart looks like is decided
 * here once; the rasteriser (window, PNG) and cairo (PDF, SVG) only carry
 * out the operations.
 *
 * Body layer: paper, skin-toned silhouettes, the superficial muscles
 * filled in two close muted rose tints with a soft shaded band along their
 * borders and darker thin outlines (skin shows only where no muscle
 * covers), light landmark lines, and a thin frame round a zoomed view.
 * Overlay: pain areas (hatched) and the pain drawing, selected muscles
 * washed in their palette colour with a strong edge, their spillover zones
 * stippled, essential zones solid (all kept inside the silhouette, short of
 * its line, through the silhouette coverage drawn with the body), trigger
 * points as bold X marks with a white halo, pins.  Meaning is carried by
 * pattern as well as colour (solid / dots / hatch / X), and the palette is
 * Okabe-Ito with two of Paul Tol's colours, so the chart survives colour
 * blindness and greyscale printing; each compared muscle's slot has its
 * own pattern too (km_paint_slot_pattern: plain, lines in four directions,
 * two grids, fine dots) over its zones and in its key swatch, and its
 * letter beside its Xs (labels.c), so whose zone and whose X is whose does
 * not rest on colour either.  The key also paints an export's red box
 * round the red flags (the report's words are labels.c's).
 */
#include "paint.h"

#include <math.h>
#include <string.h>

#include "../core/check.h"
#include "fibres.h"

/* ---- palette and style ------------------------------------------------- */

static const km_rgba k_palette[KM_SCENE_MAX_SELECTED] = {
    {213, 94, 0, 255},   /* vermillion (Okabe-Ito) */
    {0, 114, 178, 255},  /* blue */
    {0, 158, 115, 255},  /* bluish green */
    {204, 121, 167, 255}, /* reddish purple */
    {230, 159, 0, 255},  /* orange */
    {86, 180, 233, 255}, /* sky blue */
    {51, 34, 136, 255},  /* indigo (Tol muted) */
    {153, 153, 51, 255}, /* olive (Tol muted) */
};

static const km_rgba k_paper = {255, 255, 255, 255};
static const km_rgba k_skin = {246, 226, 210, 255};
static const km_rgba k_skin_edge = {120, 86, 68, 255};
/* Superficial muscles: two close, muted rose tints alternate so that
 * neighbours part, light enough that every overlay (palette zones, dots,
 * hatch, X marks) stays dominant in colour and in greyscale. */
static const km_rgba k_muscle_fill[2] = {{240, 213, 201, 255}, {236, 206, 193, 255}};
static const km_rgba k_muscle_band = {170, 104, 88, 34}; /* soft shade along each muscle's border */
static const km_rgba k_muscle_line = {160, 104, 90, 165};
/* Fibre lines: a shade darker than the fills, faint enough that zones,
 * dots and X marks keep the eye (see draw_muscle_fibres). */
static const km_rgba k_fibre = {168, 102, 86, 62};
static const km_rgba k_deep_line = {110, 130, 170, 130};
static const km_rgba k_landmark = {150, 120, 105, 110};
static const km_rgba k_pain = {136, 34, 85, 255}; /* wine (Tol): the patient's own marks */
static const km_rgba k_ink = {25, 25, 25, 255};
static const km_rgba k_white = {255, 255, 255, 255};
static const km_rgba k_hover = {60, 60, 60, 40};
static const km_rgba k_frame = {150, 150, 150, 255};

km_rgba km_paint_palette(int slot)
{
    if (slot < 0)
        slot = 0;
    return k_palette[slot % KM_SCENE_MAX_SELECTED];
}

/* Each slot's pattern, so whose zone is whose does not rest on colour
 * alone (colour blindness, a greyscale print): slot 0 plain, then lines in
 * four directions, two grids and fine dots. */
static const km_paint_kind k_slot_pattern[KM_SCENE_MAX_SELECTED] = {
    KM_PAINT_SOLID,   KM_PAINT_HATCH, KM_PAINT_LINES_DOWN, KM_PAINT_LINES_H,
    KM_PAINT_LINES_V, KM_PAINT_GRID,  KM_PAINT_GRID_DIAG,  KM_PAINT_STIPPLE,
};

km_paint km_paint_slot_pattern(int slot, km_rgba color, float u)
{
    if (slot < 0)
        slot = 0;
    km_paint_kind k = k_slot_pattern[slot % KM_SCENE_MAX_SELECTED];
    if (k == KM_PAINT_STIPPLE) /* fine dots, unlike the spillover's */
        return (km_paint){k, color, fmaxf(0.7f * u, 3.5f), fmaxf(0.16f * u, 0.8f)};
    km_paint p = {k, color, fmaxf(0.95f * u, 4.5f), fmaxf(0.16f * u, 0.75f)};
    return p;
}

char km_paint_slot_letter(int slot)
{
    return (char)('A' + (slot < 0 ? 0 : slot % KM_SCENE_MAX_SELECTED));
}

static km_rgba with_alpha(km_rgba c, uint8_t a)
{
    c.a = a;
    return c;
}

static void stroke_poly(km_painter *c, const km_poly *p, km_xform xf, float width, km_rgba color)
{
    c->ops->stroke(c, p->pts, p->count, true, xf, width, color);
}

/* ---- body layer -------------------------------------------------------- */

static void clip_cell(km_painter *c, km_rect r)
{
    c->ops->clip(c, r);
}

/* The base unit of view i's lines: a zoomed view's lines grow, more
 * slowly than the view. */
static float view_u(const km_layout *L, int i)
{
    const float z = L->v[i].xf.scale / L->v[i].fit;
    return L->u * (z > 1 ? sqrtf(z) : 1.0f);
}

/* The silhouette's line, in canvas pixels, for the unit u. */
static float outline_width(float u)
{
    return fmaxf(0.22f * u, 1.1f);
}

/* Fill p, kept inside the view's silhouette (zones and muscles may be
 * drawn a little past the skin at the arms and hands).  The rasteriser
 * keeps it to the silhouettes' coverage, rasterised once with the body
 * (draw_silhouettes), so a zone costs a fill, not a pass over the
 * figure's outline. */
static void fill_in_body(km_painter *c, const km_poly *outline, int n, const km_poly *p, km_xform xf, km_paint paint)
{
    c->ops->fill_in_body(c, outline, n, p, xf, paint);
}

/* The outline of entry i's view as it is shown: a close-up's picture is
 * mirrored for the patient's left (km_view_outline). */
static const km_poly *shown_outline(const km_scene *s, const km_layout *L, int i)
{
    return km_view_outline(&s->atlas->views[L->v[i].view], L->v[i].side);
}

/* Does an instance of this side belong in entry i: everything on a body
 * view; on a close-up, the side it shows and the midline. */
static bool on_shown_side(const km_layout *L, int i, km_side side)
{
    return L->v[i].side == KM_SIDE_MIDLINE || side == KM_SIDE_MIDLINE || side == L->v[i].side;
}

/* Every view's silhouette given to the painter (the rasteriser keeps its
 * coverage, canvas-sized, through the mask): overlays are kept to it.  The outline's own line is
 * left out, so zones and pain marks stop at its inner edge and the figure
 * keeps its contour where they meet it, at no cost per frame. */
static void draw_silhouettes(km_painter *c, const km_scene *s, const km_layout *L)
{
    c->ops->sil_begin(c);
    for (int i = 0; i < L->nviews; i++) {
        const km_view *v = &s->atlas->views[L->v[i].view];
        const km_xform xf = L->v[i].xf;
        const float u = view_u(L, i);
        clip_cell(c, L->v[i].cell);
        c->ops->sil_add(c, shown_outline(s, L, i), v->outline_count, xf, outline_width(u));
    }
    c->ops->unclip(c);
    c->ops->sil_end(c);
}

/* The superficial muscles in their tint; skin shows only where none
 * covers (tendons, bony points, hands, feet, face). */
static void draw_muscle_fills(km_painter *c, const km_scene *s, const km_layout *L, int i)
{
    const km_atlas *a = s->atlas;
    const int view = L->v[i].view;
    const km_poly *outline = shown_outline(s, L, i);
    for (int m = 0; m < a->muscle_count; m++) {
        const km_muscle *mu = &a->muscles[m];
        if (mu->layer != KM_LAYER_SUPERFICIAL)
            continue;
        for (int k = 0; k < mu->shape_count; k++)
            if (mu->shapes[k].view == view && on_shown_side(L, i, mu->shapes[k].side))
                fill_in_body(c, outline, a->views[view].outline_count, &mu->shapes[k].poly, L->v[i].xf,
                             (km_paint){KM_PAINT_SOLID, k_muscle_fill[m & 1], 0, 0});
    }
}

/* Faint fibre-direction lines inside each superficial muscle, as a
 * printed chart draws them: a few lines per muscle at the overview, more
 * as the figure grows, all as one batch (crossing lines do not darken).
 * The spacing is set in pixels from the chart's unit, so a figure at
 * 1400x1000 and at 4K carries about as many lines; the lines are cut to
 * each shape by km_fibres_segments (no clip needed, so every painter
 * draws the same segments) and stop short of the muscle's edge.  No mask
 * pass keeps them to the skin (it cost a quarter more per body layer):
 * the data keeps every superficial shape on the body instead, within the
 * width of the silhouette's line, which tests/unit/test_fibres.c checks. */
static void draw_muscle_fibres(km_painter *c, const km_scene *s, const km_layout *L, int i, float u)
{
    const km_atlas *a = s->atlas;
    const int view = L->v[i].view;
    const km_xform xf = L->v[i].xf;
    if (!(xf.scale > 0))
        return;
    const float spacing = fmaxf(0.95f * u, 4.5f) / xf.scale, inset = fmaxf(0.45f * u, 2.0f) / xf.scale;
    km_fibre_seg seg[KM_FIBRE_MAX_LINES * 2];
    c->ops->batch_begin(c);
    for (int m = 0; m < a->muscle_count; m++) {
        const km_muscle *mu = &a->muscles[m];
        for (int k = 0; mu->layer == KM_LAYER_SUPERFICIAL && k < mu->shape_count; k++) {
            const km_shape *sh = &mu->shapes[k];
            if (sh->view != view || sh->fibres.kind == KM_FIBRES_NONE || !on_shown_side(L, i, sh->side))
                continue;
            int n = km_fibres_segments(&sh->poly, &sh->fibres, spacing, inset, seg, (int)(sizeof seg / sizeof *seg));
            for (int j = 0; j < n; j++)
                c->ops->batch_stroke(c, seg[j].p, 2, false, xf, fmaxf(0.09f * u, 0.6f));
        }
    }
    c->ops->batch_end(c, (km_paint){KM_PAINT_SOLID, k_fibre, 0, 0});
}

/* A wide faint band along each superficial muscle's border (under the
 * outlines) shades the bellies so they read as rounded, as on a printed
 * chart.  Drawn through the mask, as one union kept inside the skin: the
 * bands of neighbours do not darken each other and none spills onto the
 * paper.  Body layer only, so the cell-sized mask passes cost nothing per
 * frame. */
static void draw_muscle_bands(km_painter *c, const km_scene *s, const km_layout *L, int i, float width)
{
    const km_atlas *a = s->atlas;
    const int view = L->v[i].view;
    const km_view *v = &a->views[view];
    const km_xform xf = L->v[i].xf;
    c->ops->layer_begin(c);
    c->ops->batch_begin(c);
    for (int m = 0; m < a->muscle_count; m++) {
        const km_muscle *mu = &a->muscles[m];
        for (int k = 0; mu->layer == KM_LAYER_SUPERFICIAL && k < mu->shape_count; k++) {
            const km_poly *p = &mu->shapes[k].poly;
            if (mu->shapes[k].view == view && on_shown_side(L, i, mu->shapes[k].side))
                c->ops->batch_stroke(c, p->pts, p->count, true, xf, width);
        }
    }
    c->ops->layer_batch_end(c);
    if (v->outline_count > 0)
        c->ops->layer_keep_inside(c, shown_outline(s, L, i), v->outline_count, xf);
    c->ops->layer_paint(c, (km_paint){KM_PAINT_SOLID, k_muscle_band, 0, 0});
}

/* The outlines of one layer's muscles on view i, in one batch. */
static void stroke_layer(km_painter *c, const km_scene *s, const km_layout *L, int i, km_layer layer, float width)
{
    const km_atlas *a = s->atlas;
    c->ops->batch_begin(c);
    for (int m = 0; m < a->muscle_count; m++) {
        const km_muscle *mu = &a->muscles[m];
        if (mu->layer != layer)
            continue;
        for (int k = 0; k < mu->shape_count; k++) {
            const km_poly *p = &mu->shapes[k].poly;
            if (mu->shapes[k].view == L->v[i].view && on_shown_side(L, i, mu->shapes[k].side))
                c->ops->batch_stroke(c, p->pts, p->count, true, L->v[i].xf, width);
        }
    }
    c->ops->batch_end(c, (km_paint){KM_PAINT_SOLID, layer == KM_LAYER_DEEP ? k_deep_line : k_muscle_line, 0, 0});
}

/* The deep layer's outlines over a finished body: the body with the deep
 * layer shown is exactly the body without it plus this pass, so the
 * window keeps the one and toggles by painting the other (render.c).
 * Kept two pixels inside each cell, clear of a zoomed cell's frame. */
static void paint_deep(km_painter *c, const km_scene *s, const km_layout *L)
{
    for (int i = 0; i < L->nviews; i++) {
        const float u = view_u(L, i);
        km_rect r = L->v[i].cell;
        clip_cell(c, (km_rect){r.x + 2, r.y + 2, r.w - 4, r.h - 4});
        stroke_layer(c, s, L, i, KM_LAYER_DEEP, fmaxf(0.14f * u, 0.7f));
        c->ops->unclip(c);
    }
}

static void draw_body_view(km_painter *c, const km_scene *s, const km_layout *L, int i)
{
    const km_atlas *a = s->atlas;
    const km_view *v = &a->views[L->v[i].view];
    const km_xform xf = L->v[i].xf;
    const float u = view_u(L, i);
    clip_cell(c, L->v[i].cell);

    const km_poly *outline = shown_outline(s, L, i);
    const km_line *landmarks = km_view_landmarks(v, L->v[i].side);
    km_paint skin = {KM_PAINT_SOLID, k_skin, 0, 0};
    c->ops->fill(c, outline, v->outline_count, xf, skin);
    draw_muscle_fills(c, s, L, i);
    draw_muscle_fibres(c, s, L, i, u);

    /* One batch per line style: a single resolve over the figure instead
     * of one per shape (the body is redrawn on every zoom step). */
    c->ops->batch_begin(c);
    for (int l = 0; l < v->landmark_count; l++) {
        const km_line *ln = &landmarks[l];
        c->ops->batch_stroke(c, ln->pts, ln->count, ln->closed, xf, fmaxf(0.16f * u, 0.8f));
    }
    c->ops->batch_end(c, (km_paint){KM_PAINT_SOLID, k_landmark, 0, 0});
    draw_muscle_bands(c, s, L, i, fmaxf(0.75f * u, 3.0f));
    stroke_layer(c, s, L, i, KM_LAYER_SUPERFICIAL, fmaxf(0.14f * u, 0.7f));
    for (int o = 0; o < v->outline_count; o++)
        stroke_poly(c, &outline[o], xf, outline_width(u), k_skin_edge);
    c->ops->unclip(c);
    if (xf.scale > L->v[i].fit * 1.001f) {
        /* A close-up is cut at its cell: a thin frame makes that read as
         * an inset rather than a figure sliced off. */
        km_rect r = L->v[i].cell;
        km_vec2 fr[4] = {{r.x + 0.5f, r.y + 0.5f}, {r.x + r.w - 0.5f, r.y + 0.5f},
                         {r.x + r.w - 0.5f, r.y + r.h - 0.5f}, {r.x + 0.5f, r.y + r.h - 0.5f}};
        c->ops->stroke(c, fr, 4, true, (km_xform){1, 0, 0}, fmaxf(0.12f * L->u, 1.0f), k_frame);
    }
}

static void paint_body(km_painter *c, const km_scene *s, const km_layout *L)
{
    c->ops->clear(c, k_paper);
    draw_silhouettes(c, s, L);
    for (int i = 0; i < L->nviews; i++)
        draw_body_view(c, s, L, i);
}

/* ---- overlay layer ----------------------------------------------------- */

static bool side_matches(km_side shape, km_side want)
{
    return shape == want || shape == KM_SIDE_MIDLINE || want == KM_SIDE_MIDLINE;
}

static km_paint stipple_paint(km_rgba col, float u)
{
    km_paint p = {KM_PAINT_STIPPLE, col, fmaxf(0.8f * u, 3.5f), fmaxf(0.21f * u, 0.9f)};
    return p;
}

static km_paint hatch_paint(km_rgba col, float u)
{
    km_paint p = {KM_PAINT_HATCH, col, fmaxf(0.9f * u, 3.5f), fmaxf(0.12f * u, 0.5f)};
    return p;
}

/* Bold X with a white halo, so it reads on skin, on a solid zone or on
 * dots alike.  Halos go down first for every mark (pass 0), then the ink
 * (pass 1), so a halo never cuts into a neighbouring X. */
static void draw_x(km_painter *c, km_vec2 at, km_xform xf, float u, int pass, km_rgba ink)
{
    float half = fmaxf(0.8f * u, 4.0f), wid = fmaxf(0.34f * u, 1.8f);
    if (pass == 0)
        c->ops->cross(c, at, xf, half + fmaxf(0.22f * u, 1.0f), wid + fmaxf(0.36f * u, 1.6f), k_white);
    else
        c->ops->cross(c, at, xf, half, wid, ink);
}

/* A muscle's X in its own colour, darkened to read on skin and on its
 * own zones: with several muscles shown, whose knot is whose is plain. */
static km_rgba x_ink(km_rgba pc)
{
    return (km_rgba){(uint8_t)(pc.r * 0.62f), (uint8_t)(pc.g * 0.62f), (uint8_t)(pc.b * 0.62f), 255};
}

static void draw_pain(km_painter *c, const km_scene *s, const km_layout *L, int i, float u)
{
    const km_atlas *a = s->atlas;
    const int view = L->v[i].view;
    for (int k = 0; k < s->area_count; k++) {
        int ai = s->areas[k];
        if (ai < 0 || ai >= a->area_count || a->areas[ai].view != view || !on_shown_side(L, i, a->areas[ai].side))
            continue;
        fill_in_body(c, shown_outline(s, L, i), a->views[view].outline_count, &a->areas[ai].poly, L->v[i].xf,
                     hatch_paint(k_pain, u));
        km_rgba edge = k_pain;
        edge.a = 160;
        stroke_poly(c, &a->areas[ai].poly, L->v[i].xf, fmaxf(0.12f * u, 0.7f), edge);
    }
    bool any = false;
    for (int k = 0; k < s->stroke_count && s->strokes; k++)
        if (s->strokes[k].view == view && s->strokes[k].count > 0)
            any = true;
    if (!any)
        return;
    c->ops->layer_begin(c);
    for (int k = 0; k < s->stroke_count; k++) {
        const km_stroke *st = &s->strokes[k];
        if (st->view != view || !st->pts)
            continue;
        c->ops->layer_line(c, st->pts, st->count, L->v[i].xf, 2.0f * st->radius * L->v[i].xf.scale, st->erase);
    }
    /* Pain is felt in the body: a stroke that strays onto the paper is
     * trimmed to the silhouette. */
    const km_view *v = &a->views[view];
    if (v->outline_count > 0)
        c->ops->layer_keep_inside(c, shown_outline(s, L, i), v->outline_count, L->v[i].xf);
    km_rgba wash = k_pain;
    wash.a = 70;
    c->ops->layer_paint(c, (km_paint){KM_PAINT_SOLID, wash, 0, 0});
    c->ops->layer_paint(c, hatch_paint(k_pain, u));
    /* A saturated outline around the drawing (a ring: the strokes widened,
     * less the strokes and what the eraser took), so the patient's own
     * marks stand out over any zone. */
    float o = fmaxf(0.28f * u, 1.6f);
    c->ops->layer_begin(c);
    for (int pass = 0; pass < 3; pass++)
        for (int k = 0; k < s->stroke_count; k++) {
            const km_stroke *st = &s->strokes[k];
            if (st->view != view || !st->pts || (pass < 2 && st->erase) || (pass == 2 && !st->erase))
                continue;
            float w = 2.0f * st->radius * L->v[i].xf.scale;
            c->ops->layer_line(c, st->pts, st->count, L->v[i].xf, pass == 0 ? w + 2 * o : w, pass > 0);
        }
    if (v->outline_count > 0)
        c->ops->layer_keep_inside(c, v->outline, v->outline_count, L->v[i].xf);
    c->ops->layer_paint(c, (km_paint){KM_PAINT_SOLID, k_pain, 0, 0});
}

static void draw_selection(km_painter *c, const km_scene *s, const km_layout *L, int i, float u)
{
    const km_atlas *a = s->atlas;
    const int view = L->v[i].view;
    const km_view *v = &a->views[view];
    const km_poly *outline = shown_outline(s, L, i);
    const int n_out = v->outline_count;
    const km_xform xf = L->v[i].xf;
    /* Muscles first, then all spillover, then all essential zones, then
     * every X on top, so no muscle hides another's trigger points. */
    for (int pass = 0; pass < 5; pass++) {
        /* Every fill kept to the body is down: the silhouette's line goes
         * back over them (for a painter whose fills reach under it), then
         * the X marks go on top of all. */
        if (pass == 3 && s->marks_on_top)
            draw_pain(c, s, L, i, u); /* the patient's own marks over the zones they explain */
        if (pass == 3)
            c->ops->edge(c, outline, n_out, xf, outline_width(u), k_skin_edge);
        for (int k = 0; k < s->sel_count && k < KM_SCENE_MAX_SELECTED; k++) {
            const km_scene_sel *sel = &s->sel[k];
            if (sel->muscle < 0 || sel->muscle >= a->muscle_count)
                continue;
            const km_muscle *mu = &a->muscles[sel->muscle];
            if (!on_shown_side(L, i, mu->bilateral ? sel->side : KM_SIDE_MIDLINE))
                continue; /* a close-up shows one side */
            km_rgba pc = km_paint_palette(sel->color);
            if (pass == 0) {
                for (int j = 0; j < mu->shape_count; j++) {
                    const km_shape *sh = &mu->shapes[j];
                    if (sh->view != view || !side_matches(sh->side, sel->side))
                        continue;
                    /* A clear wash (far lighter than the solid zone, so
                     * a zone over its own muscle still reads) and a
                     * strong edge: the muscle itself is obvious. */
                    fill_in_body(c, outline, n_out, &sh->poly, xf, (km_paint){KM_PAINT_SOLID, with_alpha(pc, 80), 0, 0});
                    stroke_poly(c, &sh->poly, xf, fmaxf(0.32f * u, 1.6f), with_alpha(pc, 255));
                }
            } else if (pass == 1 || pass == 2) {
                km_zone_kind want = pass == 1 ? KM_ZONE_SPILLOVER : KM_ZONE_ESSENTIAL;
                for (int j = 0; j < mu->zone_count; j++) {
                    const km_zone *z = &mu->zones[j];
                    if (z->view != view || z->kind != want || !side_matches(z->side, sel->side))
                        continue;
                    /* The slot's pattern over the zone: white lines
                     * through the solid essential zone, thin lines in
                     * its colour among the spillover's dots. */
                    km_paint pat = km_paint_slot_pattern(sel->color, k_white, u);
                    if (want == KM_ZONE_SPILLOVER) {
                        fill_in_body(c, outline, n_out, &z->poly, xf, stipple_paint(with_alpha(pc, 255), u));
                        pat.color = with_alpha(pc, 150);
                        pat.size *= 0.7f;
                    } else {
                        fill_in_body(c, outline, n_out, &z->poly, xf,
                                     (km_paint){KM_PAINT_SOLID, with_alpha(pc, 225), 0, 0});
                        pat.color = with_alpha(k_white, 215);
                    }
                    if (pat.kind != KM_PAINT_SOLID)
                        fill_in_body(c, outline, n_out, &z->poly, xf, pat);
                }
            } else {
                for (int j = 0; j < mu->tp_count; j++) {
                    const km_trigger_point *tp = &mu->tps[j];
                    if (tp->view == view && side_matches(tp->side, sel->side))
                        draw_x(c, tp->at, xf, u, pass - 3, s->sel_count > 1 ? x_ink(pc) : k_ink);
                }
            }
        }
    }
}

static void draw_hover(km_painter *c, const km_scene *s, const km_layout *L, int i, float u)
{
    const km_atlas *a = s->atlas;
    if (s->hover_muscle < 0 || s->hover_muscle >= a->muscle_count)
        return;
    const km_muscle *mu = &a->muscles[s->hover_muscle];
    for (int j = 0; j < mu->shape_count; j++) {
        const km_shape *sh = &mu->shapes[j];
        if (sh->view != L->v[i].view || !side_matches(sh->side, s->hover_side) || !on_shown_side(L, i, sh->side))
            continue;
        fill_in_body(c, shown_outline(s, L, i), a->views[L->v[i].view].outline_count, &sh->poly, L->v[i].xf,
                     (km_paint){KM_PAINT_SOLID, k_hover, 0, 0});
        stroke_poly(c, &sh->poly, L->v[i].xf, fmaxf(0.25f * u, 1.0f), (km_rgba){60, 60, 60, 200});
    }
}

static void draw_pins(km_painter *c, const km_scene *s, const km_layout *L, int i, float u)
{
    for (int k = 0; k < s->pin_count && s->pins; k++) {
        const km_pin *p = &s->pins[k];
        if (p->view != L->v[i].view)
            continue;
        /* bigger and darker as it hurts more: 0-3 light, 4-6 middle, 7-10 strong */
        float grow = 0.75f + 0.05f * (float)(p->intensity < 0 ? 0 : p->intensity > 10 ? 10 : p->intensity);
        c->ops->disc(c, p->at, L->v[i].xf, fmaxf(1.25f * u, 6) * grow + fmaxf(0.2f * u, 1), k_white);
        c->ops->disc(c, p->at, L->v[i].xf, fmaxf(1.05f * u, 5) * grow, km_paint_pin_color(p->intensity));
    }
}

km_rgba km_paint_pin_color(int intensity)
{
    static const km_rgba scale[3] = {{230, 171, 2, 255}, {217, 95, 2, 255}, {136, 34, 85, 255}};
    return scale[intensity <= 3 ? 0 : intensity <= 6 ? 1 : 2];
}

void km_paint_overlay_with(km_painter *c, const km_scene *s, const km_layout *L)
{
    for (int i = 0; i < L->nviews; i++) {
        float zoom = L->v[i].xf.scale / L->v[i].fit;
        float u = L->u * (zoom > 1 ? sqrtf(zoom) : 1.0f);
        clip_cell(c, L->v[i].cell);
        draw_hover(c, s, L, i, u);
        draw_selection(c, s, L, i, u);
        /* The window: the patient's own marks last, over every zone, muscle
         * and X.  (The handout sets marks_on_top, which puts them over the
         * zones but under the Xs: see draw_selection.) */
        if (!s->marks_on_top)
            draw_pain(c, s, L, i, u);
        draw_pins(c, s, L, i, u);
        c->ops->unclip(c);
    }
}

/* ---- key ---------------------------------------------------------------- */

km_legend_geom km_paint_legend_geom(const km_layout *L)
{
    km_legend_geom g;
    g.row_h = L->legend_row_h;
    g.sw = (int)(L->small_px * 1.4f);
    g.head_h = L->legend_head_h;
    g.col_w = L->legend.w / (L->legend_cols > 0 ? L->legend_cols : 1);
    return g;
}

/* Top-left of legend entry n: down the first column, then the next. */
void km_paint_legend_slot(const km_layout *L, const km_legend_geom *g, int n, int *x, int *y)
{
    int rows = L->legend_rows > 0 ? L->legend_rows : 1;
    *x = L->legend.x + (n / rows) * g->col_w;
    *y = L->legend.y + g->head_h;
    for (int k = (n / rows) * rows; k < n; k++) /* entries above it in its column; a wrapped one is taller */
        *y += km_layout_legend_entry_h(L, k);
}

static void legend_swatch(km_painter *c, int x, int y, int sw, km_paint p)
{
    km_vec2 box[4] = {{(float)x, (float)y}, {(float)(x + sw), (float)y}, {(float)(x + sw), (float)(y + sw)},
                      {(float)x, (float)(y + sw)}};
    km_xform id = {1, 0, 0};
    km_poly sq = {.pts = box, .count = 4};
    c->ops->fill(c, &sq, 1, id, (km_paint){KM_PAINT_SOLID, k_skin, 0, 0});
    c->ops->fill(c, &sq, 1, id, p);
    c->ops->stroke(c, box, 4, true, id, 1.0f, k_skin_edge);
}

/* The report's red box (its words are text): a pale red ground with a
 * strong red bar down its left, as the handout's. */
static void paint_report(km_painter *c, const km_layout *L)
{
    if (!L->report.w || !L->report_flags.h)
        return;
    km_rect r = L->report_flags;
    km_xform id = {1, 0, 0};
    km_vec2 box[4] = {{(float)r.x, (float)r.y}, {(float)(r.x + r.w), (float)r.y}, {(float)(r.x + r.w), (float)(r.y + r.h)},
                      {(float)r.x, (float)(r.y + r.h)}};
    km_vec2 bar[4] = {{(float)r.x, (float)r.y}, {(float)(r.x + L->report_bar), (float)r.y},
                      {(float)(r.x + L->report_bar), (float)(r.y + r.h)}, {(float)r.x, (float)(r.y + r.h)}};
    km_poly pb = {.pts = box, .count = 4}, pr = {.pts = bar, .count = 4};
    c->ops->fill(c, &pb, 1, id, (km_paint){KM_PAINT_SOLID, {253, 238, 238, 255}, 0, 0});
    c->ops->stroke(c, box, 4, true, id, fmaxf(0.12f * L->u, 1.0f), (km_rgba){200, 60, 60, 255});
    c->ops->fill(c, &pr, 1, id, (km_paint){KM_PAINT_SOLID, {178, 28, 28, 255}, 0, 0});
}

void km_paint_legend_with(km_painter *c, const km_scene *s, const km_layout *L)
{
    paint_report(c, L); /* the report's box goes with the key: painted every frame, over the body */
    if (!L->legend.w)
        return;
    km_legend_geom g = km_paint_legend_geom(L);
    /* One muscle: the pattern swatches in its colour.  Several: neutral
     * grey, since the pattern says the kind and the colour the muscle. */
    km_rgba ref = s->sel_count == 1 ? km_paint_palette(s->sel[0].color) : (km_rgba){110, 110, 110, 255};
    km_xform id = {1, 0, 0};
    int kinds[KM_LEG_FIXED], nf = km_layout_legend_fixed(s, kinds);
    for (int n = 0; n < nf + s->sel_count; n++) {
        int x, y;
        km_paint_legend_slot(L, &g, n, &x, &y);
        y += (g.row_h - g.sw) / 2;
        switch (n < nf ? kinds[n] : KM_LEG_FIXED + n - nf) {
        case KM_LEG_TP: {
            legend_swatch(c, x, y, g.sw, (km_paint){KM_PAINT_SOLID, k_skin, 0, 0});
            km_vec2 ctr = {x + g.sw * 0.5f, y + g.sw * 0.5f};
            draw_x(c, ctr, id, g.sw / 2.6f, 0, k_ink);
            draw_x(c, ctr, id, g.sw / 2.6f, 1, k_ink);
            break;
        }
        case KM_LEG_ESS:
            legend_swatch(c, x, y, g.sw, (km_paint){KM_PAINT_SOLID, (km_rgba){ref.r, ref.g, ref.b, 225}, 0, 0});
            break;
        case KM_LEG_SPILL:
            legend_swatch(c, x, y, g.sw, stipple_paint(ref, L->u));
            break;
        case KM_LEG_PAIN:
            legend_swatch(c, x, y, g.sw, hatch_paint(k_pain, L->u));
            break;
        case KM_LEG_PIN_LOW:
        case KM_LEG_PIN_MID:
        case KM_LEG_PIN_HIGH: {
            /* the pin as the chart draws it at that level */
            int level = kinds[n] == KM_LEG_PIN_LOW ? 2 : kinds[n] == KM_LEG_PIN_MID ? 5 : 9;
            float grow = 0.75f + 0.05f * (float)level, r = g.sw * 0.42f * grow / 1.25f;
            km_vec2 ctr = {x + g.sw * 0.5f, y + g.sw * 0.5f};
            c->ops->disc(c, ctr, id, r + fmaxf(0.2f * L->u, 1), k_white);
            c->ops->disc(c, ctr, id, r, km_paint_pin_color(level));
            break;
        }
        default: {
            /* the muscle's essential zone as the chart draws it: its
             * colour and its slot's pattern */
            int slot = s->sel[n - nf].color;
            km_rgba pc = km_paint_palette(slot);
            legend_swatch(c, x, y, g.sw, (km_paint){KM_PAINT_SOLID, with_alpha(pc, 225), 0, 0});
            km_paint pat = km_paint_slot_pattern(slot, with_alpha(k_white, 215), L->u);
            pat.spacing = fmaxf(g.sw / 3.2f, 3.0f); /* three lines at least across the swatch */
            pat.size = fmaxf(g.sw / 22.0f, 0.75f);
            if (pat.kind != KM_PAINT_SOLID) {
                km_vec2 box[4] = {{(float)x + 1, (float)y + 1}, {(float)(x + g.sw) - 1, (float)y + 1},
                                  {(float)(x + g.sw) - 1, (float)(y + g.sw) - 1}, {(float)x + 1, (float)(y + g.sw) - 1}};
                km_poly sq = {.pts = box, .count = 4};
                c->ops->fill(c, &sq, 1, id, pat);
            }
            break;
        }
        }
    }
}


void km_paint_body_with(km_painter *c, const km_scene *s, const km_layout *L)
{
    KM_ASSERT(c && s && s->atlas && L && L->out.x == 0 && L->out.y == 0);
    paint_body(c, s, L);
    if (s->show_deep)
        paint_deep(c, s, L);
}

void km_paint_deep_with(km_painter *c, const km_scene *s, const km_layout *L)
{
    KM_ASSERT(c && s && s->atlas && L && L->out.x == 0 && L->out.y == 0);
    paint_deep(c, s, L);
}

void km_paint_chart_with(km_painter *c, const km_scene *s, const km_layout *L)
{
    km_paint_body_with(c, s, L);
    km_paint_overlay_with(c, s, L);
    km_paint_legend_with(c, s, L);
}

/* ---- on a canvas ---------------------------------------------------------- */

void km_paint_body(km_canvas *c, uint8_t *sil, const km_scene *s, const km_layout *L)
{
    km_canvas_painter cp;
    km_canvas_painter_init(&cp, c, sil);
    km_paint_body_with(&cp.base, s, L);
}

void km_paint_deep(km_canvas *c, const km_scene *s, const km_layout *L)
{
    km_canvas_painter cp;
    km_canvas_painter_init(&cp, c, NULL);
    km_paint_deep_with(&cp.base, s, L);
}

void km_paint_overlay(km_canvas *c, const uint8_t *sil, const km_scene *s, const km_layout *L)
{
    km_canvas_painter cp;
    km_canvas_painter_init(&cp, c, (uint8_t *)sil); /* only sil_* write it; the overlay does not call them */
    km_paint_overlay_with(&cp.base, s, L);
}

void km_paint_legend(km_canvas *c, const km_scene *s, const km_layout *L)
{
    km_canvas_painter cp;
    km_canvas_painter_init(&cp, c, NULL);
    km_paint_legend_with(&cp.base, s, L);
}

void km_paint_chart(km_canvas *c, uint8_t *sil, const km_scene *s, const km_layout *L)
{
    km_paint_body(c, sil, s, L);
    km_paint_overlay(c, sil, s, L);
    km_paint_legend(c, s, L);
}
