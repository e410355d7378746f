#!/bin/bash
# test_handout.sh - `knotmap handout`: the take-home PDF from the command
# line.  A4 pages (pdfinfo) for upper trapezius with a marks file; the
# muscle's name, its stretches' names, the pain summary and the notes as
# text (pdftotext); the chart on page one as vectors (no image); Letter
# paper; the drawing's top candidates when nothing is selected; the
# export's rules (no overwrite, a missing folder named); bad options.
. "$(dirname "$0")/lib.sh"
full_stacks_under_asan
need pdfinfo pdftotext pdfimages python3

cat >"$TMP/marks.json" <<'JSON'
{"format": "knotmap-marks", "version": 1,
 "strokes": [{"view": "back", "radius": 25, "erase": false, "points": [[560, 330], [620, 345], [660, 370]]}],
 "pins": [{"view": "back", "at": [600, 340], "intensity": 7}]}
JSON
H="$TMP/ut.pdf"
"$KNOTMAP" handout --select upper_trapezius --marks "$TMP/marks.json" --notes "Come back in two weeks for a review." \
    --out "$H" >"$TMP/out" 2>"$TMP/err" && [ "$(cat "$TMP/out")" = "$H" ] && ok || { bad "handout --out"; cat "$TMP/err"; }
pdfinfo "$H" >"$TMP/info"
grep -q "595.276 x 841.89 pts (A4)" "$TMP/info" && ok || bad "A4 pages: $(grep 'Page size' "$TMP/info")"
pages=$(awk '/^Pages:/ {print $2}' "$TMP/info")
[ "${pages:-0}" -ge 2 ] && ok || bad "at least two pages, got $pages"
pdftotext -layout "$H" "$TMP/ut.txt"
# The muscle, its stretches (from the atlas), the summary, the notes.
python3 - "$KM_DATA_DIR/knotmap.json" "$TMP/ut.txt" <<'PY' && ok || bad "names in the handout"
import json, sys
atlas = json.load(open(sys.argv[1])); text = open(sys.argv[2]).read()
m = next(m for m in atlas["muscles"] if m["id"] == "upper_trapezius")
st = {s["id"]: s["name"] for s in atlas["stretches"]}
want = [m["name"]] + [st[s] for s in m["stretches"]]
missing = [w for w in want if w not in text]
assert not missing, missing
PY
for w in "Your pain drawing" "of the body, in" "1 pain pin, strength 7 out of 10" "Come back in two weeks" \
         "X marks where the knots usually are" \
         "Trigger point" "Patient's right"; do
    grep -qF "$w" "$TMP/ut.txt" && ok || bad "pdftotext finds '$w'"
done
pdfimages -list "$H" | awk 'NR > 2' | grep -q . && bad "the handout holds an image: $(pdfimages -list "$H")" || ok

# Letter paper; a title.
"$KNOTMAP" handout --select levator_scapulae:left --paper letter --title "For J. Smith" --out "$TMP/l.pdf" >/dev/null 2>"$TMP/err" \
    && ok || { bad "handout --paper letter"; cat "$TMP/err"; }
pdfinfo "$TMP/l.pdf" | grep -q "612 x 792 pts (letter)" && ok || bad "Letter pages"
pdftotext "$TMP/l.pdf" - | grep -qF "For J. Smith" && ok || bad "title on the page"

# Nothing selected: the drawing's top candidates are explained.
"$KNOTMAP" handout --marks "$TMP/marks.json" --out "$TMP/top.pdf" >/dev/null 2>"$TMP/err" && ok || { bad "handout from marks only"; cat "$TMP/err"; }
pdftotext "$TMP/top.pdf" - | grep -q "Muscles that may cause this pain" && ok || bad "candidates listed"
# The first muscle listed on page one has its own section (a heading
# line "NAME (side)" on a page of its own).
pdftotext -layout "$TMP/top.pdf" "$TMP/top.txt"
first=$(grep -m1 -E '^ *1\. ' "$TMP/top.txt" | sed -E 's/^ *1\. ([^:]*):.*/\1/')
[ -n "$first" ] && [ "$(grep -cF "$first" "$TMP/top.txt")" -ge 2 ] && ok || bad "the top candidate ('$first') is explained"
# The export's rules.
cp "$H" "$TMP/before.pdf"
"$KNOTMAP" handout --select upper_trapezius --out "$H" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] && grep -q "$H: file exists" "$TMP/err" && cmp -s "$H" "$TMP/before.pdf" && ok || bad "no overwrite: $(cat "$TMP/err")"
"$KNOTMAP" handout --select upper_trapezius --out "$H" --force >/dev/null 2>&1 && ok || bad "--force"
"$KNOTMAP" handout --select upper_trapezius --out "$TMP/none/h.pdf" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] && grep -q "$TMP/none" "$TMP/err" && ok || bad "missing folder named: $(cat "$TMP/err")"
ls -a "$TMP" | grep -q '^\.knotmap-export' && bad "temporary file left behind" || ok

# The clinic's own face (settings clinic_name, clinic_contact, clinic_logo;
# here from a configuration file and the command line): on the handout's
# page one and footer, in an export's footer; a bad logo is named.
command -v convert >/dev/null || { echo "FAIL: ImageMagick's convert missing"; exit 1; }
convert -size 120x40 xc:'#1a4c7a' "$TMP/logo.png" && convert "$TMP/logo.png" "$TMP/logo.jpg"
printf 'clinic_name = Riverside Physiotherapy\nclinic_logo = %s\n' "$TMP/logo.png" >"$TMP/k.conf"
"$KNOTMAP" --config "$TMP/k.conf" --clinic-contact "01234 567890" handout --select upper_trapezius --out "$TMP/c.pdf" \
    >/dev/null 2>"$TMP/err" && ok || { bad "handout with the clinic's settings"; cat "$TMP/err"; }
pdftotext "$TMP/c.pdf" "$TMP/c.txt"
grep -qF "Riverside Physiotherapy" "$TMP/c.txt" && grep -qF "01234 567890" "$TMP/c.txt" && ok || bad "clinic name and contact on the handout"
[ "$(pdfimages -list "$TMP/c.pdf" | awk 'NR > 2' | wc -l)" -eq 1 ] && ok || bad "the logo is the handout's one image: $(pdfimages -list "$TMP/c.pdf")"
"$KNOTMAP" --clinic-logo "$TMP/logo.jpg" handout --select upper_trapezius --out "$TMP/j.pdf" >/dev/null 2>"$TMP/err" \
    && ok || { bad "a JPEG logo"; cat "$TMP/err"; }
"$KNOTMAP" --config "$TMP/k.conf" export --select upper_trapezius --out "$TMP/e.svg" >/dev/null 2>"$TMP/err" && ok || bad "export with settings"
"$KNOTMAP" --config "$TMP/k.conf" export --select upper_trapezius --out "$TMP/e.pdf" >/dev/null 2>"$TMP/err" \
    && pdftotext "$TMP/e.pdf" - | grep -qF "Riverside Physiotherapy" && ok || bad "clinic name in an export's footer"
echo "not a picture" >"$TMP/bad.png"
for logo in "$TMP/bad.png" "$TMP/none.png"; do
    "$KNOTMAP" --clinic-logo "$logo" handout --select upper_trapezius --out "$TMP/b.pdf" >/dev/null 2>"$TMP/err"
    st=$?
    [ $st -eq 2 ] && grep -q "^knotmap: clinic_logo: $logo: " "$TMP/err" && [ ! -e "$TMP/b.pdf" ] && ok \
        || { bad "bad logo $logo named (exit $st)"; cat "$TMP/err"; }
done
printf 'printer = bad\001name\n' >"$TMP/p.conf"
"$KNOTMAP" --config "$TMP/p.conf" handout --select upper_trapezius --out "$TMP/b.pdf" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "p.conf:1: error: key 'printer': expected one line of text" "$TMP/err" && ok || { bad "bad printer setting located"; cat "$TMP/err"; }


# Red flags: a drawing over the chest puts the atlas's chest warning at the
# top of page one; a handout of a neck muscle alone has none.
cat >"$TMP/chest.json" <<'JSON'
{"format": "knotmap-marks", "version": 1,
 "strokes": [{"view": "front", "radius": 30, "erase": false, "points": [[430, 420], [470, 440], [520, 450]]}]}
JSON
"$KNOTMAP" handout --marks "$TMP/chest.json" --out "$TMP/chest.pdf" >/dev/null 2>"$TMP/err" || { bad "chest handout"; cat "$TMP/err"; }
pdftotext -f 1 -l 1 "$TMP/chest.pdf" - | tr '\n' ' ' | grep -q "See a clinician now if any of this applies.*heart attack" \
    && ok || bad "the chest's red flag on page one"
pdftotext "$H" - | grep -q "See a clinician now if any of this applies" && bad "a red flag on a neck-only handout" || ok

# A stretch with the clinic's own photo (tests/data/good-photo.json): the
# photo is on its card, the handout's one picture.
"$KNOTMAP" --data "$KM_TESTS_DIR/data/good-photo.json" handout --select test_muscle --out "$TMP/photo.pdf" >/dev/null \
    2>"$TMP/err" || { bad "handout with a stretch photo"; cat "$TMP/err"; }
[ "$(pdfimages -list "$TMP/photo.pdf" | awk 'NR > 2 && $4 == 64 && $5 == 48' | wc -l)" -eq 1 ] && ok \
    || bad "the stretch photo on its card: $(pdfimages -list "$TMP/photo.pdf")"

# A kiosk patient's drawing sent under a code: --code finds its marks in the
# export folder (as the kiosk wrote them: knotmap-handoff-CODE.json).
mkdir -p "$TMP/exports"
cp "$TMP/marks.json" "$TMP/exports/knotmap-handoff-K7P4QX.json"
"$KNOTMAP" --export-dir "$TMP/exports" handout --code k7p-4qx --out "$TMP/code.pdf" >/dev/null 2>"$TMP/err" \
    && pdftotext "$TMP/code.pdf" - | grep -q "Your pain drawing" && ok || { bad "handout --code"; cat "$TMP/err"; }
"$KNOTMAP" --export-dir "$TMP/exports" handout --code K7P-4QY --out "$TMP/nocode.pdf" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] && grep -q "no drawing was sent under the code K7P-4QY" "$TMP/err" && [ ! -e "$TMP/nocode.pdf" ] && ok \
    || { bad "an unknown code says so"; cat "$TMP/err"; }

# Bad options: one line, exit 2, no file.
for args in "--select upper_trapezius --out h.png" "--out $TMP/x.pdf" "--select nosuch --out $TMP/x.pdf" \
            "--select upper_trapezius --paper a5 --out $TMP/x.pdf" "--select upper_trapezius" \
            "--code OOO-000 --out $TMP/x.pdf" "--code K7P-4QX --marks $TMP/marks.json --out $TMP/x.pdf"; do
    "$KNOTMAP" handout $args >/dev/null 2>"$TMP/err"
    st=$?
    [ $st -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && ok || { bad "handout $args: exit $st"; cat "$TMP/err"; }
done
[ ! -e "$TMP/x.pdf" ] && ok || bad "no file after a refused handout"

finish
