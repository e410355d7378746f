#!/bin/bash
# test_cli.sh - the command line's contract: outputs and exit codes.
# Uses the lookup fixture (tests/data/lookup.json) where exact results are
# needed, and the bundled atlas where only validity matters.
. "$(dirname "$0")/lib.sh"
FIX="$KM_TESTS_DIR/data/lookup.json"
# expect_status WANT CMD...: run, keep stdout/stderr in $TMP/out, $TMP/err
expect_status() {
    local want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got, wanted $want: $*"; cat "$TMP/err"; fi
}
one_line_err() {
    local n; n=$(wc -l <"$TMP/err")
    if [ "$n" -eq 1 ] && grep -q "^knotmap: " "$TMP/err"; then ok; else bad "wanted one 'knotmap:' line on stderr for $*, got $n:"; cat "$TMP/err"; fi
}
json() { python3 -c "import json,sys; d=json.load(open('$TMP/out')); $1"; }

# --- help, version, bad options --------------------------------------------
expect_status 0 "$KNOTMAP" --help
grep -q "^usage: knotmap" "$TMP/out" && ok || bad "--help prints usage"
expect_status 0 "$KNOTMAP" --version
grep -q "^knotmap " "$TMP/out" && ok || bad "--version"
for args in "--bogus" "list --bogus" "export --out x.png --size 12" "export --out x.png --size axb" \
            "lookup --view back --at 1" "lookup --view back --at nan,3" "frobnicate" "--log-level loud" \
            "--idle-timeout -4" "export --out x.jpg" "export" "lookup" "--data"; do
    expect_status 2 "$KNOTMAP" $args
    one_line_err "$args"
done

# --- check -------------------------------------------------------------------
expect_status 0 "$KNOTMAP" check
grep -Eq "ok: [0-9]+ views, [0-9]+ muscles, [0-9]+ areas, [0-9]+ stretches" "$TMP/out" && ok || bad "check summary: $(cat "$TMP/out")"
expect_status 0 "$KNOTMAP" check "$FIX"
grep -q "3 muscles, 3 areas, 1 stretches" "$TMP/out" && ok || bad "check fixture summary: $(cat "$TMP/out")"
expect_status 0 "$KNOTMAP" --data "$FIX" check
printf '{"format": "knotmap-atlas",\n "version": 1,\n "views": [' >"$TMP/trunc.json"
expect_status 2 "$KNOTMAP" check "$TMP/trunc.json"
grep -Eq "^$TMP/trunc.json:[0-9]+:[0-9]+: error: " "$TMP/err" && ok || bad "syntax error has FILE:LINE:COL: $(cat "$TMP/err")"
expect_status 2 "$KNOTMAP" check "$TMP/does-not-exist.json"
grep -q "does-not-exist.json" "$TMP/err" && ok || bad "missing file is named"
# Several content problems are all reported, each with a JSON pointer.
python3 - "$FIX" "$TMP/multi.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["muscles"][0]["stretches"] = ["no_such_stretch"]
d["muscles"][1]["frequency"] = 7
d["areas"][0]["view"] = "side"
json.dump(d, open(sys.argv[2], "w"))
PY
expect_status 2 "$KNOTMAP" check "$TMP/multi.json"
for ptr in "/muscles/0/stretches/0" "/muscles/1/frequency" "/areas/0/view"; do
    grep -q "^$TMP/multi.json: error: $ptr" "$TMP/err" && ok || bad "problem at $ptr reported: $(cat "$TMP/err")"
done

# --- list --------------------------------------------------------------------
expect_status 0 "$KNOTMAP" --data "$FIX" list --json
json 'assert [v["id"] for v in d["views"]] == ["front", "back"]; assert d["views"][1]["width"] == 1000' && ok || bad "list views"
json 'm = {x["id"]: x for x in d["muscles"]}["alpha"]; assert (m["trigger_points"], m["essential_zones"], m["spillover_zones"]) == (1, 1, 1), m; assert m["views"] == ["back"] and m["stretches"] == ["s1"] and m["bilateral"] is True and m["layer"] == "superficial"' && ok || bad "list muscle counts"
json 'a = [x for x in d["areas"] if x["id"] == "patch"]; assert sorted(x["side"] for x in a) == ["left", "right"]; r = [x for x in a if x["side"] == "right"][0]; assert 600 <= r["centroid"][0] <= 700 and r["view"] == "back"; l = [x for x in a if x["side"] == "left"][0]; assert 300 <= l["centroid"][0] <= 400' && ok || bad "list areas mirrored with centroids"
json 'assert d["stretches"] == [{"id": "s1", "name": "Stretch", "illustrated": False}]' && ok || bad "list stretches"
expect_status 0 "$KNOTMAP" list --json
json "
k = {v['id']: v['kind'] for v in d['views']}
assert k['front'] == 'body' and k['back'] == 'body', k
assert {'head_side', 'hand_palm', 'hand_back', 'foot_sole'} <= {i for i, x in k.items() if x == 'detail'}, k
" && ok || bad "list --json: views with their kind, the four close-ups detail"
json 'assert len(d["muscles"]) >= 1 and {"front", "back"} <= {v["id"] for v in d["views"]}' && ok || bad "bundled list"
json 's = d["stretches"]; assert len(s) >= 65 and all(x["illustrated"] is True for x in s), [x["id"] for x in s if not x["illustrated"]]' && ok || bad "bundled stretches all illustrated"

# --- lookup ------------------------------------------------------------------
expect_status 0 "$KNOTMAP" --data "$FIX" lookup --view back --at 660,160 --json
json 'c = d["candidates"]; assert [(x["muscle"], x["side"], x["zone"]) for x in c] == [("alpha","right","essential"), ("beta","right","essential"), ("gamma","right","spillover")], c; assert c[0]["score"] > c[1]["score"] > c[2]["score"]' && ok || bad "point lookup ranking: $(cat "$TMP/out")"
expect_status 0 "$KNOTMAP" --data "$FIX" lookup --view back --at 340,160 --json
json 'assert {x["side"] for x in d["candidates"]} == {"left"}' && ok || bad "mirrored point is the left side"
expect_status 0 "$KNOTMAP" --data "$FIX" lookup --area patch:left --json
json 'c = d["candidates"]; assert [x["muscle"] for x in c] == ["alpha", "beta", "gamma"] and {x["side"] for x in c} == {"left"}, c' && ok || bad "area lookup left"
expect_status 0 "$KNOTMAP" --data "$FIX" lookup --area patch --json
json 'assert {x["side"] for x in d["candidates"]} == {"right"}' && ok || bad "area without side means right"
expect_status 2 "$KNOTMAP" --data "$FIX" lookup --area nowhere
one_line_err "unknown area"
expect_status 2 "$KNOTMAP" --data "$FIX" lookup --area spine:left
one_line_err "midline area with a side"
expect_status 2 "$KNOTMAP" --data "$FIX" lookup --view side --at 1,1
one_line_err "unknown view"
expect_status 2 "$KNOTMAP" --data "$FIX" lookup --view back --at 5000,1
one_line_err "point outside the canvas"

# --- export ------------------------------------------------------------------
OUT="$TMP/x.png"
expect_status 0 "$KNOTMAP" --data "$FIX" export --view back --select alpha:left --area patch --size 400x600 --out "$OUT"
[ -s "$OUT" ] && [ "$(head -c 8 "$OUT" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && ok || bad "export wrote a PNG"
cp "$OUT" "$TMP/before.png"
expect_status 1 "$KNOTMAP" --data "$FIX" export --select beta --out "$OUT"
grep -q "$OUT" "$TMP/err" && ok || bad "refusal names the path"
cmp -s "$OUT" "$TMP/before.png" && ok || bad "existing file untouched without --force"
expect_status 0 "$KNOTMAP" --data "$FIX" export --select beta --size 400x600 --out "$OUT" --force
cmp -s "$OUT" "$TMP/before.png" && bad "--force overwrote" || ok
expect_status 1 "$KNOTMAP" --data "$FIX" export --out "$TMP/missing/dir/x.png"
grep -q "$TMP/missing/dir" "$TMP/err" && ok || bad "missing folder named: $(cat "$TMP/err")"
expect_status 2 "$KNOTMAP" --data "$FIX" export --select nosuch --out "$TMP/y.png"
one_line_err "unknown muscle"
[ ! -e "$TMP/y.png" ] && ok || bad "no file after a refused export"
# A saved marks file is drawn again by export --marks; a broken one is named.
cat >"$TMP/marks.json" <<'JSON'
{"format": "knotmap-marks", "version": 1, "data_version": "test.lookup",
 "selected": [{"muscle": "alpha", "side": "left"}],
 "strokes": [{"view": "back", "radius": 14, "erase": false, "points": [[300, 600], [340, 650], [380, 700]]}],
 "pins": [{"view": "front", "at": [400, 500], "intensity": 7}]}
JSON
expect_status 0 "$KNOTMAP" --data "$FIX" export --marks "$TMP/marks.json" --size 400x600 --out "$TMP/m.png"
[ -s "$TMP/m.png" ] && ok || bad "export --marks wrote a PNG"
sed 's/"back"/"sideways"/' "$TMP/marks.json" >"$TMP/badmarks.json"
expect_status 2 "$KNOTMAP" --data "$FIX" export --marks "$TMP/badmarks.json" --out "$TMP/n.png"
grep -q "^$TMP/badmarks.json: error: /strokes/0/view" "$TMP/err" && ok || bad "bad marks file named with pointer: $(cat "$TMP/err")"
[ ! -e "$TMP/n.png" ] && ok || bad "no PNG from a bad marks file"

# summary: the pain drawing measured, on the minimal fixture where the
# answers are known (tests/unit/test_drawing.c explains the geometry): a
# zig-zag of radius 5 paints exactly the 25 cells of the right temple.
MIN="$KM_TESTS_DIR/data/good-minimal.json"
cat >"$TMP/temple.json" <<'JSON'
{"format": "knotmap-marks", "version": 1,
 "strokes": [{"view": "front", "radius": 5, "erase": false,
              "points": [[405,155],[445,155],[445,165],[405,165],[405,175],[445,175],[445,185],[405,185],[405,195],[445,195]]}],
 "pins": [{"view": "back", "at": [500, 950], "intensity": 9}, {"view": "front", "at": [425, 175], "intensity": 4}]}
JSON
expect_status 0 "$KNOTMAP" --data "$MIN" summary --marks "$TMP/temple.json" --json
json "
v = {x['id']: x for x in d['views']}
assert v['front']['marked_cells'] == 25 and v['front']['body_cells'] == 7200, v
a = {(x['id'], x['side']): x for x in d['areas']}
assert set(a) == {('temple', 'right'), ('low_back', 'midline')}, a
assert a[('temple', 'right')]['share'] == 1.0 and a[('temple', 'right')]['max_pin'] == 4
assert a[('low_back', 'midline')]['share'] == 0.0 and a[('low_back', 'midline')]['max_pin'] == 9
assert d['regions'] == 2 and d['pins'] == {'count': 2, 'mean': 6.5, 'max': 9}, d
" && ok || bad "summary --json on the temple stroke: $(cat "$TMP/out")"
expect_status 0 "$KNOTMAP" --data "$MIN" summary --marks "$TMP/temple.json"
grep -q "^Body regions: 2$" "$TMP/out" && grep -q "Temple (right), Front: 100% marked, highest pin 4/10" "$TMP/out" &&
    ok || bad "summary text: $(cat "$TMP/out")"
expect_status 2 "$KNOTMAP" --data "$MIN" summary
one_line_err "summary without --marks"
expect_status 2 "$KNOTMAP" --data "$MIN" summary --marks "$TMP/badmarks.json"
grep -q "^knotmap: $TMP/badmarks.json: error:" "$TMP/err" && ok || bad "summary names a bad marks file: $(cat "$TMP/err")"

# A stretch's photo (the clinic's own, relative to the data file): check
# decodes it; not a picture, or larger than 4096 on a side, is located.
expect_status 0 "$KNOTMAP" check "$KM_TESTS_DIR/data/good-photo.json"
mkdir -p "$TMP/ph/photos"
cp "$KM_TESTS_DIR/data/good-photo.json" "$TMP/ph/atlas.json"
echo "not a picture" >"$TMP/ph/photos/stretch.png"
expect_status 2 "$KNOTMAP" check "$TMP/ph/atlas.json"
grep -q "^$TMP/ph/atlas.json: error: /stretches/0/photo: $TMP/ph/photos/stretch.png: .*\[image\]$" "$TMP/err" && ok ||
    bad "a photo that is not a picture is located: $(cat "$TMP/err")"
convert -size 4097x8 xc:white "$TMP/ph/photos/stretch.png"
expect_status 2 "$KNOTMAP" check "$TMP/ph/atlas.json"
grep -q "/stretches/0/photo: .*4096.*\[image\]$" "$TMP/err" && ok || bad "an oversized photo is located: $(cat "$TMP/err")"
leftovers=$(find "$TMP" -name '*.tmp*' -o -name '.knotmap*' | wc -l)
[ "$leftovers" -eq 0 ] && ok || bad "temporary files left behind: $(find "$TMP")"

# --- settings: one table for the command line, the file, --help, the docs ---
expect_status 0 "$KNOTMAP" --help-settings
sed -n '/^<!-- settings/,/^<!-- \/settings/p' "$KM_DATA_DIR/../docs/kiosk.md" | sed '1d;$d' >"$TMP/doc-table"
cmp -s "$TMP/out" "$TMP/doc-table" && ok || { bad "docs/kiosk.md's settings table differs from knotmap --help-settings:"; diff "$TMP/out" "$TMP/doc-table"; }
expect_status 0 "$KNOTMAP" --help
for opt in --idle-timeout --countdown --mode --export-dir --log-level --window --kiosk; do
    grep -q -- "^  $opt" "$TMP/out" && ok || bad "--help lists $opt"
done
# The same value is refused the same way on the command line and in the file.
expect_status 2 "$KNOTMAP" --idle-timeout 5
one_line_err "--idle-timeout 5"
grep -q "expected whole seconds from 10 to 86400, got '5'" "$TMP/err" && ok || bad "--idle-timeout 5: $(cat "$TMP/err")"
printf 'idle_timeout = 5\n' >"$TMP/five.conf"
expect_status 2 "$KNOTMAP" --config "$TMP/five.conf" --exit-after-ms 50
grep -q "five.conf:1: error: key 'idle_timeout': expected whole seconds from 10 to 86400, got '5'" "$TMP/err" && ok ||
    bad "idle_timeout = 5: $(cat "$TMP/err")"
# ... and the same value accepted the same way: learn is a start mode in both.
export XDG_CONFIG_HOME="$TMP/xdg"
expect_status 0 "$KNOTMAP" --mode learn --log-level info --exit-after-ms 50
grep -q "start kiosk=no mode=learn" "$TMP/err" && ok || bad "--mode learn: $(cat "$TMP/err")"
printf 'start_mode = learn\nlog_level = info\n' >"$TMP/learn.conf"
expect_status 0 "$KNOTMAP" --config "$TMP/learn.conf" --exit-after-ms 50
grep -q "start kiosk=no mode=learn" "$TMP/err" && ok || bad "start_mode = learn: $(cat "$TMP/err")"
unset XDG_CONFIG_HOME

finish cli
