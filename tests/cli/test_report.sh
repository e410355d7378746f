#!/bin/bash
# test_report.sh - the clinician's export carries what the handout carries
# (src/chart/report.h): the notes line, the red flags of the places drawn
# over (in their red box), the drawing's candidate muscles ranked with the
# share of the drawing each covers, and the pin legend ("1 · 7/10", the
# same numbers as on the chart's pins).  PDF through pdftotext; the PNG by
# its red box's pixels.
. "$(dirname "$0")/lib.sh"
full_stacks_under_asan
need pdftotext convert python3

# A drawing over the chest and the upper back, a strong and a mild pin.
cat >"$TMP/chest.json" <<'JSON'
{"format": "knotmap-marks", "version": 1,
 "strokes": [{"view": "front", "radius": 30, "erase": false, "points": [[430, 420], [470, 440], [520, 450]]},
             {"view": "back", "radius": 25, "erase": false, "points": [[560, 330], [620, 345], [660, 370]]}],
 "pins": [{"view": "front", "at": [470, 440], "intensity": 7}, {"view": "back", "at": [600, 340], "intensity": 3}]}
JSON
NOTES="Pain on a deep breath since Tuesday; review in two weeks."
"$KNOTMAP" export --marks "$TMP/chest.json" --notes "$NOTES" --title "Ms Example, 6 Dec" --size 1920x1080 \
    --out "$TMP/chest.pdf" >/dev/null 2>"$TMP/err" && ok || { bad "export chest.pdf"; cat "$TMP/err"; }
pdftotext "$TMP/chest.pdf" "$TMP/chest.txt"
tr '\n' ' ' <"$TMP/chest.txt" >"$TMP/chest.flat"
grep -qF "Ms Example, 6 Dec" "$TMP/chest.flat" && ok || bad "the title in the PDF"
grep -qF "$NOTES" "$TMP/chest.flat" && ok || bad "the notes line in the PDF: $(head -5 "$TMP/chest.txt")"
grep -q "See a clinician now if any of this applies.*heart attack" "$TMP/chest.flat" && ok \
    || bad "the chest's red flag in the PDF"
grep -qF "Muscles that may cause this pain" "$TMP/chest.flat" && ok || bad "the ranking's heading in the PDF"
# The ranked list is in coverage order: main zones first, each group by the
# share it covers (as the Mark pain list orders it), numbered 1, 2, 3 ...
python3 - "$TMP/chest.flat" <<'PY' && ok || bad "ranked list in coverage order"
import re, sys
t = open(sys.argv[1]).read()
items = re.findall(r"(\d+)\. [^:]+?: covers (\d+)% \((main|spillover) zone\)", t)
assert len(items) >= 3, items
assert [int(n) for n, _, _ in items] == list(range(1, len(items) + 1)), items
key = [(0 if z == "main" else 1, -int(p)) for _, p, z in items]
assert key == sorted(key), items
PY
grep -qF "1 · 7/10" "$TMP/chest.flat" && grep -qF "2 · 3/10" "$TMP/chest.flat" && ok \
    || bad "the pin legend (1 · 7/10, 2 · 3/10): $(grep -F "Pins" "$TMP/chest.txt")"

# A tapped area (Where does it hurt?): its red flag, and its muscles in
# lookup's order (the window's Where list), with no percentages (that order
# is not by coverage, so they would contradict it).
"$KNOTMAP" export --area anterior_chest:left --size 1920x1080 --out "$TMP/area.pdf" >/dev/null 2>"$TMP/err" && ok \
    || { bad "export area.pdf"; cat "$TMP/err"; }
pdftotext "$TMP/area.pdf" - | tr '\n' ' ' >"$TMP/area.flat"
grep -q "See a clinician now if any of this applies.*heart attack" "$TMP/area.flat" && ok || bad "the chest's red flag for the area"
"$KNOTMAP" lookup --area anterior_chest:left --json >"$TMP/lookup.json" && "$KNOTMAP" list --json >"$TMP/list.json"
python3 - "$TMP/area.flat" "$TMP/lookup.json" "$TMP/list.json" <<'PY' && ok || bad "the area's muscles in lookup's order"
import json, re, sys
t = open(sys.argv[1]).read()
cands = json.load(open(sys.argv[2]))["candidates"]
names = {m["id"]: m["name"] for m in json.load(open(sys.argv[3]))["muscles"]}
items = re.findall(r"(\d+)\. ([^:]+?) \((left|right)\): (main|spillover) pain zone", t)
assert len(items) >= 3, items
want = [(names[c["muscle"]], c["side"]) for c in cands[:len(items)]]
assert [(n, s) for _, n, s, _ in items] == want, (items, want)
assert "covers" not in t, "a percentage in an area's list"
PY

# The same as SVG carries the same words.
"$KNOTMAP" export --marks "$TMP/chest.json" --size 1280x800 --out "$TMP/chest.svg" >/dev/null 2>"$TMP/err" && ok \
    || { bad "export chest.svg"; cat "$TMP/err"; }

# A muscle alone: nothing to report, no red box, no ranking.
"$KNOTMAP" export --select upper_trapezius --size 1920x1080 --out "$TMP/ut.pdf" >/dev/null 2>"$TMP/err" && ok \
    || { bad "export ut.pdf"; cat "$TMP/err"; }
pdftotext "$TMP/ut.pdf" - | grep -q "See a clinician now\|Muscles that may cause\|Pins (number" \
    && bad "a report on an export with nothing to report" || ok

# The PNG: the red box's bar (#B21C1C) is there with the chest drawing, at
# every size a clinic exports, and absent without it.
red() { convert "$1" -fill black +opaque "#B21C1C" -fill white -opaque "#B21C1C" -format "%[fx:round(mean*w*h)]" info:; }
for size in 1920x1080 1280x800 1080x1920 1024x600 3840x2160; do
    "$KNOTMAP" export --marks "$TMP/chest.json" --size $size --out "$TMP/chest-$size.png" >/dev/null 2>"$TMP/err" \
        || { bad "export chest-$size.png"; cat "$TMP/err"; continue; }
    n=$(red "$TMP/chest-$size.png")
    [ "${n:-0}" -gt 100 ] && ok || bad "the red box in the $size PNG ($n red pixels)"
done
"$KNOTMAP" export --select upper_trapezius --size 1280x800 --out "$TMP/ut.png" >/dev/null 2>"$TMP/err" && ok \
    || { bad "export ut.png"; cat "$TMP/err"; }
[ "$(red "$TMP/ut.png")" -eq 0 ] && ok || bad "a red box on an export with no red flag"

# --notes is checked like --title.
"$KNOTMAP" export --select upper_trapezius --notes "$(head -c 700 /dev/zero | tr '\0' x)" --out "$TMP/long.png" \
    >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q -- "--notes: at most" "$TMP/err" && ok || bad "an over-long --notes refused: $(cat "$TMP/err")"

finish
