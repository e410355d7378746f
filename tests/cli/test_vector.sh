#!/bin/bash
# test_vector.sh - `knotmap export` to PDF and SVG: the same chart as the
# PNG, as vectors.  The SVG is well-formed XML with no bitmap in it and,
# rendered by librsvg, looks like the PNG (a loose pixel test: the words
# are set by different font engines); the PDF has no image, embeds its
# font, carries the chart's words as text and looks like the PNG when
# rasterised by poppler; the format follows the extension or --format;
# the no-overwrite rule holds for every format.
. "$(dirname "$0")/lib.sh"
full_stacks_under_asan
need rsvg-convert pdftoppm pdfimages pdffonts pdftotext pdfinfo compare python3

# A drawing with an eraser across it, a pin, an area and two muscles.
cat >"$TMP/marks.json" <<'JSON'
{"format": "knotmap-marks", "version": 1,
 "selected": [{"muscle": "upper_trapezius", "side": "right"}, {"muscle": "gluteus_medius", "side": "left"}],
 "strokes": [{"view": "front", "radius": 25, "erase": false, "points": [[380, 1100], [400, 1200], [420, 1300], [380, 1350]]},
             {"view": "front", "radius": 12, "erase": true, "points": [[330, 1180], [470, 1220]]},
             {"view": "front", "radius": 20, "erase": false, "points": [[560, 700], [700, 760]]}],
 "pins": [{"view": "back", "at": [620, 320], "intensity": 7}, {"view": "front", "at": [400, 1250], "intensity": 4}]}
JSON
ARGS=(export --marks "$TMP/marks.json" --area temple:left --size 1200x840 --title "Vector test")
for ext in png pdf svg; do
    "$KNOTMAP" "${ARGS[@]}" --out "$TMP/c.$ext" >"$TMP/out" 2>"$TMP/err" && [ -s "$TMP/c.$ext" ] && ok \
        || { bad "export --out c.$ext"; cat "$TMP/err"; }
done
head -c 5 "$TMP/c.pdf" | grep -q '%PDF-' && ok || bad "c.pdf is a PDF"

# SVG: well-formed, no embedded bitmap, text present as glyphs, looks like the PNG.
python3 -c "import xml.etree.ElementTree as E; r=E.parse('$TMP/c.svg').getroot(); assert r.tag.endswith('svg'), r.tag" \
    && ok || bad "c.svg is not well-formed SVG"
grep -q "<image" "$TMP/c.svg" && bad "c.svg embeds a bitmap" || ok
# pixels differing by more than 25% over the picture; at most $4 percent of
# it (2 for a chart, its few words set by SDL_ttf in the PNG and by cairo in
# the SVG/PDF, whose glyphs differ at the edges; 8 with the export's report
# below, some 30 lines of words: red flags, ranked muscles, pin legend)
similar() {
    local n; n=$(compare -metric AE -fuzz 25% "$1" "$2" null: 2>&1)
    local max=$(( 1200 * 840 * ${4:-8} / 100 ))
    if [ "${n%%.*}" -le "$max" ] 2>/dev/null; then ok; else bad "$3: $n pixels differ (max $max)"; fi
}
# The chart without a report (two muscles, no marks): the strict comparison.
ARGS2=(export --select upper_trapezius:right,gluteus_medius:left --size 1200x840 --title "Vector test")
for ext in png pdf svg; do
    "$KNOTMAP" "${ARGS2[@]}" --out "$TMP/s.$ext" >"$TMP/out" 2>"$TMP/err" && [ -s "$TMP/s.$ext" ] && ok \
        || { bad "export --out s.$ext"; cat "$TMP/err"; }
done
rsvg-convert -w 1200 -h 840 -b white -o "$TMP/s-svg.png" "$TMP/s.svg" && ok || bad "rsvg-convert s.svg"
similar "$TMP/s.png" "$TMP/s-svg.png" "SVG vs PNG (chart)" 2
pdftoppm -png -singlefile -scale-to-x 1200 -scale-to-y 840 "$TMP/s.pdf" "$TMP/s-pdf" && ok || bad "pdftoppm s.pdf"
similar "$TMP/s.png" "$TMP/s-pdf.png" "PDF vs PNG (chart)" 2
pdftotext "$TMP/s.pdf" "$TMP/s.txt"
for w in "Vector test" "Trigger point" "Spillover pain zone" "Upper trapezius (right)" "Patient's left" "Front" "Back"; do
    grep -qF "$w" "$TMP/s.txt" && ok || bad "pdftotext finds '$w'"
done
rsvg-convert -w 1200 -h 840 -b white -o "$TMP/svg.png" "$TMP/c.svg" && ok || bad "rsvg-convert c.svg"
similar "$TMP/c.png" "$TMP/svg.png" "SVG vs PNG"

# PDF: vectors (no image at all), fonts embedded, the words as text, looks like the PNG.
pdfimages -list "$TMP/c.pdf" | awk 'NR > 2' | grep -q . && bad "c.pdf contains images: $(pdfimages -list "$TMP/c.pdf")" || ok
pdffonts "$TMP/c.pdf" | awk 'NR > 2 && $(NF-4) != "yes" {exit 1}' && ok || bad "a font is not embedded: $(pdffonts "$TMP/c.pdf")"
pdftotext "$TMP/c.pdf" "$TMP/c.txt"
for w in "Vector test" "Trigger point" "Spillover pain zone" "Upper trapezius (right)" "Front" "Back" \
    "See a clinician now"; do
    grep -qF "$w" "$TMP/c.txt" && ok || bad "pdftotext finds '$w'"
done
pdftoppm -png -singlefile -scale-to-x 1200 -scale-to-y 840 "$TMP/c.pdf" "$TMP/pdf" && ok || bad "pdftoppm c.pdf"
similar "$TMP/c.png" "$TMP/pdf.png" "PDF vs PNG"

# The words are set in the PNG's font: --font reaches the PDF too.
COND=/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf
if [ -r "$COND" ]; then
    "$KNOTMAP" --font "$COND" export --select upper_trapezius --out "$TMP/f.pdf" >/dev/null 2>&1 \
        && pdffonts "$TMP/f.pdf" | grep -q "DejaVuSansCondensed" && ok || bad "--font in the PDF: $(pdffonts "$TMP/f.pdf")"
fi

# A PDF page is the export's size at 300 dpi: 2480x3508 is A4.
"$KNOTMAP" export --select upper_trapezius --size 2480x3508 --out "$TMP/a4.pdf" >/dev/null 2>&1 \
    && pdfinfo "$TMP/a4.pdf" | grep -q "(A4)" && ok || bad "2480x3508 is an A4 page: $(pdfinfo "$TMP/a4.pdf" | grep 'Page size')"

# --format wins over the extension; an unknown one is refused.
"$KNOTMAP" export --select upper_trapezius --format svg --out "$TMP/chart.out" >/dev/null 2>"$TMP/err" \
    && grep -q "<svg" "$TMP/chart.out" && ok || bad "--format svg"
"$KNOTMAP" export --format tiff --out "$TMP/x.tiff" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && [ ! -e "$TMP/x.tiff" ] && ok || bad "--format tiff refused"

# Same rules as the PNG: no overwrite without --force, nothing left behind.
cp "$TMP/c.pdf" "$TMP/before.pdf"
"$KNOTMAP" export --select upper_trapezius --out "$TMP/c.pdf" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] && grep -q "$TMP/c.pdf: file exists" "$TMP/err" && cmp -s "$TMP/c.pdf" "$TMP/before.pdf" && ok \
    || bad "existing PDF kept: $(cat "$TMP/err")"
"$KNOTMAP" export --select upper_trapezius --out "$TMP/c.pdf" --force >/dev/null 2>&1 && ! cmp -s "$TMP/c.pdf" "$TMP/before.pdf" \
    && ok || bad "--force replaced the PDF"
"$KNOTMAP" export --out "$TMP/missing/c.svg" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] && grep -q "$TMP/missing" "$TMP/err" && ok || bad "missing folder named: $(cat "$TMP/err")"
ls -a "$TMP" | grep -q '^\.knotmap-export' && bad "temporary file left behind" || ok

# A close-up exported alone is named with its side, and has no "Patient's
# right/left" under it (it shows one side only).
"$KNOTMAP" export --view foot_sole --select abductor_hallucis:left --out "$TMP/sole.pdf" >/dev/null 2>"$TMP/err" && ok \
    || bad "export --view foot_sole: $(cat "$TMP/err")"
pdftotext "$TMP/sole.pdf" "$TMP/sole.txt"
grep -qF "Sole, left" "$TMP/sole.txt" && ok || bad "the sole's close-up names its side"
grep -qF "Patient's" "$TMP/sole.txt" && bad "a close-up alone has side labels" || ok

finish
