#!/bin/bash
# test_hardening.sh - the attacks of issue 11 on inputs, through the real
# command line.  Each case failed on the code before the fix:
#   * a FIFO as --data, --marks, --font or --config returns at once with a
#     located message (it blocked forever); a folder as --config or --marks
#     is refused as "a folder" (read as an empty config / a syntax error);
#   * lookup --at 1e39,5 is refused (double -> float overflow), --size
#     " 200x 200" and "+200x+200" are refused, a 130 KB --title is refused;
#   * --select and a marks file naming the same muscle and side twice draw
#     exactly what naming it once draws (one legend entry);
#   * a marks file over the point total or with a huge brush is refused
#     with a located message, quickly;
#   * the configuration: admin_pin_sha256 refused with the way to migrate,
#     a key set twice, export_dir = ", a file others may write - each
#     refused with FILE:LINE (or FILE) and the key; hash-pin's line works.
. "$(dirname "$0")/lib.sh"
FIX="$KM_TESTS_DIR/data/lookup.json"
export XDG_CONFIG_HOME=$TMP/xdg XDG_STATE_HOME=$TMP/state
# expect WANT_STATUS PATTERN CMD...: bounded to 10 s; stderr must match PATTERN
expect() {
    local want=$1 pat=$2
    shift 2
    timeout 10 "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    local got=$?
    local cmd="$*"
    cmd=${cmd:0:240} # the long --title stays out of the report
    [ "$got" -eq "$want" ] && ok || { bad "exit $got, wanted $want: $cmd"; head -c 600 "$TMP/err"; return; }
    [ -z "$pat" ] || grep -qE -- "$pat" "$TMP/err" && ok || { bad "stderr does not match /$pat/: $cmd"; head -c 600 "$TMP/err"; }
}

# --- special files as inputs --------------------------------------------------
mkfifo "$TMP/fifo"
expect 2 "fifo.*FIFO" "$KNOTMAP" --data "$TMP/fifo" check
expect 2 "fifo.*FIFO" "$KNOTMAP" --data "$FIX" export --marks "$TMP/fifo" --out "$TMP/m.png"
expect 2 "fifo.*FIFO" "$KNOTMAP" --font "$TMP/fifo" --data "$FIX" export --out "$TMP/f.png"
expect 2 "fifo.*FIFO" "$KNOTMAP" --config "$TMP/fifo" --data "$FIX" --exit-after-ms 200
mkdir "$TMP/folder"
expect 2 "folder.*a folder" "$KNOTMAP" --config "$TMP/folder" --data "$FIX" --exit-after-ms 200
expect 2 "folder.*a folder" "$KNOTMAP" --data "$FIX" export --marks "$TMP/folder" --out "$TMP/d.png"
[ ! -e "$TMP/m.png" ] && [ ! -e "$TMP/f.png" ] && [ ! -e "$TMP/d.png" ] && ok || bad "a refused input still exported"

# --- numbers that lie ---------------------------------------------------------
expect 2 "--at: expected X,Y" "$KNOTMAP" --data "$FIX" lookup --view back --at 1e39,5
expect 2 "--at: expected X,Y" "$KNOTMAP" --data "$FIX" lookup --view back --at " 5,5"
expect 2 "--size" "$KNOTMAP" --data "$FIX" export --size " 200x 200" --out "$TMP/s1.png"
expect 2 "--size" "$KNOTMAP" --data "$FIX" export --size "+200x+200" --out "$TMP/s2.png"
title=$(head -c 100000 /dev/zero | tr '\0' 'A') # the kernel's limit for one argument is 128 KiB
expect 2 "--title: at most" "$KNOTMAP" --data "$FIX" export --title "$title" --out "$TMP/t.png"
expect 2 "tiny-view-width.json: error: /views/0/width: .*float" "$KNOTMAP" check "$KM_TESTS_DIR/data/bad/tiny-view-width.json"
expect 2 "/areas/4/points: .*bilateral" "$KNOTMAP" check "$KM_TESTS_DIR/data/bad/bilateral-area-wrong-half.json"

# --- the same muscle twice is one selection -----------------------------------
ex() { "$KNOTMAP" --data "$FIX" export --size 400x300 --title T "$@" >/dev/null 2>&1; }
ex --select alpha:right --out "$TMP/one.png"
ex --select alpha:right,alpha:right,alpha:right --out "$TMP/three.png"
cmp -s "$TMP/one.png" "$TMP/three.png" && ok || bad "--select alpha three times draws differently from once"
cat >"$TMP/twice.json" <<'J'
{"format": "knotmap-marks", "version": 1,
 "selected": [{"muscle": "alpha", "side": "right"}, {"muscle": "alpha", "side": "right"}]}
J
ex --marks "$TMP/twice.json" --out "$TMP/twice.png"
cmp -s "$TMP/one.png" "$TMP/twice.png" && ok || bad "a marks file naming alpha twice draws differently from once"

# --- marks limits -------------------------------------------------------------
python3 - "$TMP" <<'P'
import json, sys
d = sys.argv[1]
pts = [[100 + (i % 50), 100 + (i // 50) % 50] for i in range(8000)]
json.dump({"format": "knotmap-marks", "version": 1,
           "strokes": [{"view": "back", "radius": 20, "points": pts} for _ in range(13)]},
          open(d + "/many.json", "w"))
json.dump({"format": "knotmap-marks", "version": 1,
           "strokes": [{"view": "back", "radius": 400, "points": [[100, 100]]}]}, open(d + "/brush.json", "w"))
P
t0=$(date +%s%N)
expect 2 "many.json: error: /strokes/3/points: more than 30000 points" "$KNOTMAP" --data "$FIX" export --marks "$TMP/many.json" --out "$TMP/many.png"
echo "104,000-point marks file refused in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
expect 2 "brush.json: error: /strokes/0/radius: " "$KNOTMAP" --data "$FIX" export --marks "$TMP/brush.json" --out "$TMP/brush.png"

# --- the configuration --------------------------------------------------------
conf() { printf '%b' "$1" >"$TMP/k.conf"; chmod "${2:-600}" "$TMP/k.conf"; }
run_conf() { expect "$1" "$2" "$KNOTMAP" --config "$TMP/k.conf" --data "$FIX" --exit-after-ms 200; }
conf 'admin_pin_sha256 = a1fb4e703a9ef1fa4936801721ff285a97ac85330856674412e054892afe6972\n'
run_conf 2 "k.conf:1: error: key 'admin_pin_sha256'.*knotmap hash-pin"
conf 'idle_timeout = 60\nidle_timeout = 10\n'
run_conf 2 "k.conf:2: error: key 'idle_timeout': already set on line 1"
conf 'export_dir = "\n'
run_conf 2 "k.conf:1: error: key 'export_dir'"
conf 'kiosk = false\n' 666
run_conf 2 "k.conf: error: .*may change it.*chmod go-w"
conf 'idle_timeout = +60\n'
run_conf 2 "k.conf:1: error: key 'idle_timeout'"
line=$(echo 24680 | "$KNOTMAP" hash-pin)
case "$line" in 'admin_pin_hash = $y$'*) ok ;; *) bad "hash-pin printed '$line'" ;; esac
conf "$line\\nexport_mode = 0640\\nexport_retention_days = 3\\n"
run_conf 0 ""
expect 2 "4 to 12 digits" "$KNOTMAP" hash-pin <<<"1234567890123"
echo "12" | "$KNOTMAP" hash-pin >/dev/null 2>&1 && bad "hash-pin took a 2-digit PIN" || ok

finish
