#!/usr/bin/env python3
"""atlas_merge.py - assemble data/knotmap.json from the fragments in data/_incoming/.

The bundled atlas is written by several authors at once, each owning one
fragment (docs/data-format.md describes the final shapes):

  figure.json          top level (format, version, data_version, title,
                       sources), "views" (outlines, landmarks) and "areas"
  muscles_*.json       {"muscles": [...]}  geometry only: no text, no stretches
                       (muscles_upper, muscles_arm, muscles_lower, and any
                       other muscles_NAME.json, read in that order)
  text.json            {"sources", "education", "stretches",
                        "muscles": {id: {"stretches": [...], "text": {...}}}}

The merge keeps only muscles that have BOTH geometry and text, so the
bundled file always loads; skipped muscles are listed on stderr.  With
--draft OUT it writes every muscle that has geometry, filling missing text
and stretches with placeholders, for previews only (never commit a draft).

The output is deterministic: keys in one canonical order per object kind,
2-space indentation, coordinates rounded to 0.1 unit, short numeric arrays
(points, coordinate pairs) kept on one line.  So a re-run on unchanged
fragments gives a byte-identical file and diffs show real changes only.

Before writing, the merge checks what the C loader would reject (unique
ids, references that resolve, contours of >= 3 points inside the canvas,
enumerated values) and some things the loader cannot know (a bilateral item
drawn on the wrong side, trigger points outside every shape of their muscle
on that view).  Errors stop the merge (the old file stays); warnings are
printed and the merge goes on.

Standard library only; runs with /usr/bin/python3 and any python3 >= 3.8.
"""

import argparse
import json
import math
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCOMING = os.path.join(ROOT, "data", "_incoming")
DEFAULT_OUT = os.path.join(ROOT, "data", "knotmap.json")

GROUPS = {"head", "neck", "shoulder", "upper back", "chest", "arm", "forearm",
          "hand", "abdomen", "low back", "hip", "thigh", "leg", "foot"}
LAYERS = {"superficial", "deep"}
ZONE_KINDS = {"essential", "spillover"}
SIDES = {"midline", "left", "right"}
TEXT_KEYS = ("summary", "symptoms", "causes", "self_care", "see_clinician", "sources")

# Canonical key order per object kind; keys not listed (comments "_...")
# go first in sorted order, then the listed ones in this order.
ORDER = {
    "top": ["format", "version", "data_version", "title", "sources",
            "education", "views", "stretches", "muscles", "areas"],
    "view": ["id", "label", "width", "height", "outline", "landmarks"],
    "contour": ["points", "smooth"],
    "landmark": ["points", "closed", "smooth", "bilateral"],
    "edu": ["title", "body"],
    "stretch": ["id", "name", "steps", "hold_seconds", "repetitions", "cautions"],
    "muscle": ["id", "name", "group", "layer", "bilateral", "frequency",
               "stretches", "shapes", "trigger_points", "zones", "text"],
    "shape": ["view", "points", "smooth"],
    "tp": ["view", "at", "label"],
    "zone": ["view", "kind", "points", "smooth"],
    "text": list(TEXT_KEYS),
    "area": ["id", "label", "view", "bilateral", "side", "points", "smooth"],
}

PLACEHOLDER_STRETCH = {
    "id": "draft_placeholder_stretch",
    "name": "(draft) stretch not written yet",
    "steps": ["This muscle has no stretch text yet."],
    "hold_seconds": 30,
    "repetitions": 1,
    "cautions": "Draft preview only.",
}


class Report:
    """Collects errors and warnings, one line each, with a JSON-pointer-like place."""

    def __init__(self):
        self.errors = []
        self.warnings = []

    def error(self, where, msg):
        self.errors.append("%s: error: %s" % (where, msg))

    def warn(self, where, msg):
        self.warnings.append("%s: warning: %s" % (where, msg))


# ---------------------------------------------------------------- reading

def load_fragment(name, report, required):
    path = os.path.join(INCOMING, name)
    if not os.path.exists(path):
        if required:
            report.error(path, "missing (required fragment)")
        return None
    try:
        with open(path, "r", encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        report.error(path, "cannot read JSON: %s" % e)
        return None


# ---------------------------------------------------------------- geometry
# A Python copy of the loader's smoothing (closed centripetal Catmull-Rom),
# so point-in-shape checks here agree with the C side closely enough.

def _cr_t(ti, a, b):
    d = math.hypot(b[0] - a[0], b[1] - a[1])
    return ti + max(math.sqrt(d), 1e-4)


def smooth_closed(ctrl, steps=8):
    n = len(ctrl)
    if n < 3:
        return list(ctrl)
    out = []
    for i in range(n):
        p0, p1, p2, p3 = ctrl[(i - 1) % n], ctrl[i], ctrl[(i + 1) % n], ctrl[(i + 2) % n]
        t0 = 0.0
        t1 = _cr_t(t0, p0, p1)
        t2 = _cr_t(t1, p1, p2)
        t3 = _cr_t(t2, p2, p3)
        for s in range(steps):
            t = t1 + (t2 - t1) * s / steps
            pt = []
            for k in range(2):
                a1 = (t1 - t) / (t1 - t0) * p0[k] + (t - t0) / (t1 - t0) * p1[k]
                a2 = (t2 - t) / (t2 - t1) * p1[k] + (t - t1) / (t2 - t1) * p2[k]
                a3 = (t3 - t) / (t3 - t2) * p2[k] + (t - t2) / (t3 - t2) * p3[k]
                b1 = (t2 - t) / (t2 - t0) * a1 + (t - t0) / (t2 - t0) * a2
                b2 = (t3 - t) / (t3 - t1) * a2 + (t - t1) / (t3 - t1) * a3
                pt.append((t2 - t) / (t2 - t1) * b1 + (t - t1) / (t2 - t1) * b2)
            out.append((pt[0], pt[1]))
    return out


def polygon(contour):
    pts = [tuple(p) for p in contour.get("points", [])]
    return smooth_closed(pts) if contour.get("smooth", True) else pts


def contains(poly, x, y):
    inside = False
    n = len(poly)
    j = n - 1
    for i in range(n):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y):
            xc = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xc:
                inside = not inside
        j = i
    return inside


class Body:
    """The body outline of one view as a scanline table (crossings per unit
    row), so 'is this point on the body?' is a bisect, cheap enough to ask
    for every smoothed vertex of every shape."""

    def __init__(self, view):
        import bisect
        self._bisect = bisect.bisect_left
        polys = [polygon(c) for c in view.get("outline", [])]
        self.rows = []
        for y in range(int(view["height"]) + 1):
            yy = y + 0.5
            xs = []
            for poly in polys:
                n = len(poly)
                for i in range(n):
                    (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % n]
                    if (y1 > yy) != (y2 > yy):
                        xs.append(x1 + (yy - y1) * (x2 - x1) / (y2 - y1))
            self.rows.append(sorted(xs))

    def contains(self, x, y):
        r = int(y)
        if r < 0 or r >= len(self.rows):
            return False
        return self._bisect(self.rows[r], x) % 2 == 1

    def near(self, x, y, margin=4.0):
        return any(self.contains(x + dx, y + dy) for dx, dy in
                   ((0, 0), (margin, 0), (-margin, 0), (0, margin), (0, -margin)))


def off_body(pts, body):
    """Smoothed vertices more than ~4 units off the body outline."""
    return [p for p in pts if not body.near(p[0], p[1])]


def warn_off_body(poly, body, where, what, report):
    out = off_body(poly, body)
    if len(out) >= 3:
        xs, ys = [p[0] for p in out], [p[1] for p in out]
        report.warn(where, "%s sticks out of the body outline (%d of %d points, around x %.0f-%.0f, y %.0f-%.0f)"
                    % (what, len(out), len(poly), min(xs), max(xs), min(ys), max(ys)))


# ---------------------------------------------------------------- checks

def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_points(pts, where, view, report, minimum=3):
    if not isinstance(pts, list) or len(pts) < minimum:
        report.error(where, "expected an array of at least %d [x, y] points" % minimum)
        return False
    ok = True
    for i, p in enumerate(pts):
        if not (isinstance(p, list) and len(p) == 2 and is_num(p[0]) and is_num(p[1])):
            report.error("%s/%d" % (where, i), "expected [x, y] with finite numbers")
            ok = False
            continue
        if view and not (0 <= p[0] <= view["width"] and 0 <= p[1] <= view["height"]):
            report.error("%s/%d" % (where, i), "point (%g, %g) outside the %s canvas %gx%g"
                         % (p[0], p[1], view["id"], view["width"], view["height"]))
            ok = False
    return ok


def side_check(pts, view, bilateral, where, report):
    """Bilateral items belong on the patient's right: x < w/2 front, x > w/2 back."""
    if not bilateral or not pts:
        return
    mid = view["width"] / 2.0
    cx = sum(p[0] for p in pts) / len(pts)
    # only the two standard views have a known orientation
    if view["id"] == "front" and cx > mid:
        report.warn(where, "bilateral item centred at x=%.0f, but the patient's right is x < %g on the front view" % (cx, mid))
    if view["id"] == "back" and cx < mid:
        report.warn(where, "bilateral item centred at x=%.0f, but the patient's right is x > %g on the back view" % (cx, mid))


def check_views(fig, report):
    views = {}
    for i, v in enumerate(fig.get("views", [])):
        where = "figure.json: /views/%d" % i
        vid = v.get("id")
        if not isinstance(vid, str) or not vid:
            report.error(where, "view without an id")
            continue
        if vid in views:
            report.error(where, "duplicate view id '%s'" % vid)
        if not (is_num(v.get("width")) and is_num(v.get("height")) and v["width"] > 0 and v["height"] > 0):
            report.error(where, "width and height must be positive numbers")
            continue
        views[vid] = v
        outline = v.get("outline", [])
        if not outline:
            report.error(where + "/outline", "a view needs at least one outline contour")
        for k, c in enumerate(outline):
            check_points(c.get("points"), "%s/outline/%d/points" % (where, k), v, report)
        for k, lm in enumerate(v.get("landmarks", [])):
            check_points(lm.get("points"), "%s/landmarks/%d/points" % (where, k), v, report, minimum=2)
    if not views:
        report.error("figure.json: /views", "no views")
    return views


def check_areas(areas, views, report):
    seen = set()
    for i, a in enumerate(areas):
        where = "figure.json: /areas/%d" % i
        aid, vid = a.get("id"), a.get("view")
        if vid not in views:
            report.error(where, "area '%s' names unknown view '%s'" % (aid, vid))
            continue
        side = a.get("side", "midline")
        if side not in SIDES:
            report.error(where, "side must be midline, left or right, not '%s'" % side)
        if a.get("bilateral") and "side" in a:
            report.error(where, "a bilateral area takes no 'side'")
        sides = ("right", "left") if a.get("bilateral") else (side,)
        for s in sides:
            key = (aid, vid, s)
            if key in seen:
                report.error(where, "area '%s' on view '%s' side %s defined twice" % key)
            seen.add(key)
        if check_points(a.get("points"), where + "/points", views[vid], report):
            side_check(a["points"], views[vid], a.get("bilateral"), where, report)


def check_muscle(m, where, views, stretch_ids, report):
    for key in ("id", "name", "group", "layer"):
        if not isinstance(m.get(key), str) or not m.get(key):
            report.error(where, "muscle needs a non-empty string '%s'" % key)
    if m.get("group") not in GROUPS:
        report.error(where + "/group", "'%s' is not one of %s" % (m.get("group"), ", ".join(sorted(GROUPS))))
    if m.get("layer") not in LAYERS:
        report.error(where + "/layer", "must be superficial or deep")
    f = m.get("frequency")
    if not (is_num(f) and 0 < f <= 1):
        report.error(where + "/frequency", "must be a number in (0, 1]")
    for s in m.get("stretches", []):
        if s not in stretch_ids:
            report.error(where + "/stretches", "unknown stretch '%s'" % s)
    bil = bool(m.get("bilateral"))
    shapes_by_view = {}
    for k, s in enumerate(m.get("shapes", [])):
        w = "%s/shapes/%d" % (where, k)
        v = views.get(s.get("view"))
        if v is None:
            report.error(w, "unknown view '%s'" % s.get("view"))
            continue
        if check_points(s.get("points"), w + "/points", v, report):
            side_check(s["points"], v, bil, w, report)
            shapes_by_view.setdefault(v["id"], []).append(polygon(s))
            if v.get("_body"):
                warn_off_body(shapes_by_view[v["id"]][-1], v["_body"], w, "%s shape" % m.get("id"), report)
    if not m.get("shapes"):
        report.error(where + "/shapes", "a muscle needs at least one shape")
    for k, t in enumerate(m.get("trigger_points", [])):
        w = "%s/trigger_points/%d" % (where, k)
        v = views.get(t.get("view"))
        at = t.get("at")
        if v is None:
            report.error(w, "unknown view '%s'" % t.get("view"))
            continue
        if not check_points([at] if at is not None else None, w + "/at", v, report, minimum=1):
            continue
        if not any(contains(p, at[0], at[1]) for p in shapes_by_view.get(v["id"], [])):
            report.warn(w, "trigger point (%g, %g) lies outside every shape of '%s' on the %s view"
                        % (at[0], at[1], m.get("id"), v["id"]))
    if not m.get("trigger_points"):
        report.error(where + "/trigger_points", "a muscle needs at least one trigger point")
    kinds = set()
    for k, z in enumerate(m.get("zones", [])):
        w = "%s/zones/%d" % (where, k)
        v = views.get(z.get("view"))
        if v is None:
            report.error(w, "unknown view '%s'" % z.get("view"))
            continue
        if z.get("kind") not in ZONE_KINDS:
            report.error(w + "/kind", "must be essential or spillover")
        kinds.add(z.get("kind"))
        if check_points(z.get("points"), w + "/points", v, report) and v.get("_body"):
            warn_off_body(polygon(z), v["_body"], w, "%s %s zone" % (m.get("id"), z.get("kind")), report)
    if "essential" not in kinds:
        report.error(where + "/zones", "a muscle needs at least one essential zone")


def check_text(mid, entry, report):
    where = "text.json: /muscles/%s" % mid
    text = entry.get("text")
    if not isinstance(text, dict):
        report.error(where, "missing 'text' object")
        return False
    ok = True
    for key in TEXT_KEYS[:-1]:
        if not isinstance(text.get(key), str) or not text.get(key).strip():
            report.error(where + "/text/" + key, "must be a non-empty string")
            ok = False
    if not isinstance(text.get("sources"), list) or not text.get("sources"):
        report.error(where + "/text/sources", "at least one source")
        ok = False
    if not entry.get("stretches"):
        report.error(where + "/stretches", "at least one stretch")
        ok = False
    return ok


# ---------------------------------------------------------------- output

def round_coords(obj):
    """Round every number inside coordinate arrays to 0.1; whole numbers as ints."""
    if isinstance(obj, list):
        return [round_coords(x) for x in obj]
    if isinstance(obj, dict):
        return {k: (round_num_tree(v) if k in ("points", "at") else round_coords(v))
                for k, v in obj.items()}
    return obj


def round_num_tree(v):
    if isinstance(v, list):
        return [round_num_tree(x) for x in v]
    if is_num(v):
        r = round(float(v), 1)
        return int(r) if r == int(r) else r
    return v


def ordered(obj, kind):
    keys = ORDER[kind]
    extra = sorted(k for k in obj if k not in keys)
    out = {}
    for k in extra + [k for k in keys if k in obj]:
        out[k] = obj[k]
    return out


def canonical(atlas):
    top = ordered(atlas, "top")
    top["views"] = [canon_view(v) for v in top.get("views", [])]
    top["education"] = [ordered(e, "edu") for e in top.get("education", [])]
    top["stretches"] = [ordered(s, "stretch") for s in top.get("stretches", [])]
    top["muscles"] = [canon_muscle(m) for m in top.get("muscles", [])]
    top["areas"] = [ordered(a, "area") for a in top.get("areas", [])]
    if not top["education"]:
        del top["education"]
    return round_coords(top)


def canon_view(v):
    v = ordered(v, "view")
    v["outline"] = [ordered(c, "contour") for c in v.get("outline", [])]
    if "landmarks" in v:
        v["landmarks"] = [ordered(lm, "landmark") for lm in v["landmarks"]]
    return v


def canon_muscle(m):
    m = ordered(m, "muscle")
    m["shapes"] = [ordered(s, "shape") for s in m.get("shapes", [])]
    m["trigger_points"] = [ordered(t, "tp") for t in m.get("trigger_points", [])]
    m["zones"] = [ordered(z, "zone") for z in m.get("zones", [])]
    if "text" in m:
        m["text"] = ordered(m["text"], "text")
    return m


def _scalar(v):
    return json.dumps(v, ensure_ascii=False)


def _is_flat(lst):
    """A list of scalars, or of lists of scalars (points): printed inline."""
    def scalar(x):
        return not isinstance(x, (list, dict))
    return all(scalar(x) or (isinstance(x, list) and all(scalar(y) for y in x)) for x in lst) \
        and not all(isinstance(x, str) for x in lst)


def dump(obj, indent=0, width=100):
    pad = "  " * indent
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = ['%s  %s: %s' % (pad, _scalar(k), dump(v, indent + 1, width)) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if not obj:
            return "[]"
        if _is_flat(obj):
            parts = [json.dumps(x, ensure_ascii=False, separators=(", ", ": ")) for x in obj]
            # wrap long point lists so diffs stay readable
            lines, cur = [], ""
            for p in parts:
                if cur and len(pad) + 2 + len(cur) + len(p) + 2 > width:
                    lines.append(cur + ",")
                    cur = p
                else:
                    cur = p if not cur else cur + ", " + p
            lines.append(cur)
            if len(lines) == 1:
                return "[" + lines[0] + "]"
            return "[\n" + "\n".join(pad + "  " + l for l in lines) + "\n" + pad + "]"
        items = [pad + "  " + dump(x, indent + 1, width) for x in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return _scalar(obj)


def write_atomic(path, text):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".atlas_merge.", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------- merge

# Muscle fragments in this order first (so the bundled file's muscle order,
# and hence its diffs, stay stable), then any other muscles_*.json by name.
KNOWN_MUSCLE_FRAGMENTS = ("muscles_upper.json", "muscles_arm.json", "muscles_lower.json")


def muscle_fragment_names():
    try:
        present = sorted(f for f in os.listdir(INCOMING) if f.startswith("muscles_") and f.endswith(".json"))
    except OSError:
        present = []
    return [f for f in KNOWN_MUSCLE_FRAGMENTS if f in present] + \
        [f for f in present if f not in KNOWN_MUSCLE_FRAGMENTS]

def merge(draft, report):
    fig = load_fragment("figure.json", report, required=True)
    muscle_frags = [(name, load_fragment(name, report, required=False) or {})
                    for name in muscle_fragment_names()]
    text = load_fragment("text.json", report, required=False) or {}
    if fig is None:
        return None

    views = check_views(fig, report)
    # scanline copies of the outlines for the off-body warnings; kept out of
    # the output (views are copied, the fragment's dicts stay untouched)
    views = {k: dict(v, _body=Body(v)) for k, v in views.items()}
    areas = fig.get("areas", [])
    check_areas(areas, views, report)

    stretches = list(text.get("stretches", []))
    stretch_ids = set()
    for i, s in enumerate(stretches):
        if s.get("id") in stretch_ids:
            report.error("text.json: /stretches/%d" % i, "duplicate stretch id '%s'" % s.get("id"))
        stretch_ids.add(s.get("id"))
        steps = s.get("steps")
        if not isinstance(steps, list) or not 1 <= len(steps) <= 12:
            report.error("text.json: /stretches/%d/steps" % i, "1 to 12 steps")

    texts = text.get("muscles", {})
    geometry = []
    seen = {}
    for frag, data in muscle_frags:
        for i, m in enumerate(data.get("muscles", [])):
            mid = m.get("id")
            if mid in seen:
                report.error("%s: /muscles/%d" % (frag, i), "muscle id '%s' already defined in %s" % (mid, seen[mid]))
                continue
            seen[mid] = frag
            for key in ("text", "stretches"):
                if key in m:
                    report.error("%s: /muscles/%d" % (frag, i), "'%s' belongs in text.json, not in %s" % (key, frag))
            geometry.append(("%s: /muscles/%d" % (frag, i), m))

    muscles, skipped = [], []
    for where, m in geometry:
        mid = m.get("id")
        entry = texts.get(mid)
        m = dict(m)
        if entry is not None and check_text(mid, entry, report):
            m["stretches"] = list(entry["stretches"])
            m["text"] = entry["text"]
        elif draft:
            m["stretches"] = [PLACEHOLDER_STRETCH["id"]]
            m["text"] = {"summary": "(draft) %s: text not written yet." % m.get("name", mid),
                         "symptoms": "(draft)", "causes": "(draft)", "self_care": "(draft)",
                         "see_clinician": "(draft)", "sources": ["(draft)"]}
        else:
            skipped.append(mid)
            continue
        check_muscle(m, where, views, stretch_ids | ({PLACEHOLDER_STRETCH["id"]} if draft else set()), report)
        muscles.append(m)
    if draft and any(m["stretches"] == [PLACEHOLDER_STRETCH["id"]] for m in muscles):
        stretches.append(PLACEHOLDER_STRETCH)

    orphans = sorted(set(texts) - set(seen))
    sources = []
    for s in list(fig.get("sources", [])) + list(text.get("sources", [])):
        if s not in sources:
            sources.append(s)

    atlas = {k: v for k, v in fig.items() if k not in ("areas", "views", "sources")}
    atlas.update({"sources": sources, "views": fig.get("views", []), "stretches": stretches,
                  "muscles": muscles, "areas": areas})
    if text.get("education"):
        atlas["education"] = text["education"]
    if not sources:
        del atlas["sources"]
    return canonical(atlas), skipped, orphans


def main(argv=None):
    ap = argparse.ArgumentParser(description="Merge data/_incoming/*.json into data/knotmap.json.")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output file (default data/knotmap.json)")
    ap.add_argument("--draft", metavar="OUT",
                    help="write a preview atlas with placeholder text for muscles without text")
    ap.add_argument("--check", action="store_true", help="check only, write nothing")
    ap.add_argument("--quiet", action="store_true", help="no warnings, only errors")
    ap.add_argument("--incoming", metavar="DIR", help="fragment folder (default data/_incoming)")
    args = ap.parse_args(argv)
    if args.incoming:
        global INCOMING
        INCOMING = args.incoming

    report = Report()
    result = merge(bool(args.draft), report)
    if not args.quiet:
        for w in report.warnings:
            print(w, file=sys.stderr)
    for e in report.errors:
        print(e, file=sys.stderr)
    if result is None or report.errors:
        print("atlas_merge: %d error(s); nothing written" % len(report.errors), file=sys.stderr)
        return 1
    atlas, skipped, orphans = result
    if skipped:
        print("atlas_merge: skipped (geometry but no text yet): %s" % ", ".join(skipped), file=sys.stderr)
    if orphans:
        print("atlas_merge: text without geometry: %s" % ", ".join(orphans), file=sys.stderr)
    out = args.draft or args.out
    n_areas = len(atlas["areas"])
    summary = "%d views, %d muscles, %d area entries, %d stretches" % (
        len(atlas["views"]), len(atlas["muscles"]), n_areas, len(atlas["stretches"]))
    if args.check:
        print("atlas_merge: ok (%s); --check, nothing written" % summary)
        return 0
    write_atomic(out, dump(atlas) + "\n")
    print("atlas_merge: wrote %s (%s)%s" % (os.path.relpath(out), summary,
                                          " [DRAFT: do not commit]" if args.draft else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
