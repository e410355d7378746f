#!/bin/bash
# test_e2e_replay.sh - real touch gestures on the real window under Xvfb
# (which has no touchscreen), by replaying recordings (knotmap --replay,
# src/platform/record.h) through the same event translation as live input:
#   * a double-tap zooms and never leaves its first tap's selection behind;
#   * a pinch zooms; a two-finger drag pans a zoomed view;
#   * a long press on the body is not a tap;
#   * a finger whose "up" never comes is lifted after the idle time, and the
#     kiosk carries on (taps work, the idle countdown comes);
#   * --record writes a mouse click, and replaying that file repeats it.
# Window points come from the debug log's "place view=..." lines of a first
# run, not hard-coded pixels.  Skips only when xvfb-run is missing.
set -u

if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "skipped: xvfb-run is not installed"
    exit 0
fi
command -v xdotool >/dev/null 2>&1 || { echo "FAIL: xdotool is needed (apt install xdotool)"; exit 1; }
: "${KNOTMAP:?KNOTMAP must name the binary}" "${KM_DATA_DIR:?}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/inner.sh" <<'EOF'
set -u
work=$1
export SDL_VIDEODRIVER=x11
export XDG_CONFIG_HOME=$work
W=1280 H=800
fails=0
fail() { echo "FAIL: $*"; echo "--- log:"; cat "$log"; fails=$((fails + 1)); }
run() { # run NAME REPLAY MS [options...]: the program with a replay, until MS
    local name=$1 replay=$2 ms=$3
    shift 3
    log=$work/$name.log
    "$KNOTMAP" --data "$KM_DATA_DIR/knotmap.json" --window ${W}x${H} --log-level debug --export-dir "$work" \
        --replay "$replay" --exit-after-ms "$ms" "$@" 2>"$log"
}
# view_frac VIEW X Y -> "fx fy": a view point as a fraction of the window (a finger's coordinates)
view_frac() {
    grep -o "place view=$1 scale=[0-9.]* ox=[-0-9.]* oy=[-0-9.]*" "$work/place.log" | head -1 |
        awk -v x="$2" -v y="$3" -v W=$W -v H=$H '{split($3,s,"=");split($4,a,"=");split($5,b,"=");
            printf "%.5f %.5f\n", (a[2]+x*s[2])/W, (b[2]+y*s[2])/H}'
}
# steps FINGER T0 DT N FX0 FY0 DFX DFY: N fingermove lines
steps() {
    for i in $(seq 1 "$4"); do
        awk -v t=$(( $2 + i * $3 )) -v f=$1 -v x="$5" -v y="$6" -v dx="$7" -v dy="$8" -v i=$i -v n="$4" \
            'BEGIN { printf "%d fingermove %d %.5f %.5f\n", t, f, x + dx * i / n, y + dy * i / n }'
    done
}

"$KNOTMAP" --data "$KM_DATA_DIR/knotmap.json" --window ${W}x${H} --log-level debug --exit-after-ms 600 \
    2>"$work/place.log"
grep -q "place view=back" "$work/place.log" || { echo "FAIL: no first frame"; cat "$work/place.log"; exit 1; }
read -r bx by < <(view_frac back 610 480)   # over the right infraspinatus
read -r cx cy < <(view_frac front 574 490)  # the chest, patient's left

# 1. Double-tap: zoom, and the first tap's selection is taken back.
cat >"$work/double.rec" <<R
500 fingerdown 1 $bx $by
560 fingerup 1 $bx $by
680 fingerdown 2 $bx $by
740 fingerup 2 $bx $by
R
run double "$work/double.rec" 1500
grep -q "info: zoom view=back level=2.0" "$log" || fail "a double-tap did not zoom"
# the first tap selected (then taken back) or asked "Which one?" (then closed)
if grep -q "info: select muscle=" "$log"; then
    grep -q "info: tap-undone reason=double-tap" "$log" || fail "the double-tap's first tap was not taken back"
fi
grep -q "info: pick cancel\|info: select muscle=.*view=back" "$log" && ! grep -q "info: tap-undone" "$log" &&
    fail "the double-tap left its first tap's choice behind"

# 2. Pinch: two fingers apart over the back view zoom it.
x0=$(awk -v x=$bx 'BEGIN{printf "%.5f", x-0.03}'); x1=$(awk -v x=$bx 'BEGIN{printf "%.5f", x+0.03}')
{
    echo "500 fingerdown 3 $x0 $by"
    echo "520 fingerdown 4 $x1 $by"
    paste -d'\n' <(steps 3 520 20 10 "$x0" "$by" -0.04 0) <(steps 4 530 20 10 "$x1" "$by" 0.04 0)
    echo "800 fingerup 3 $(awk -v x=$x0 'BEGIN{printf "%.5f", x-0.04}') $by"
    echo "810 fingerup 4 $(awk -v x=$x1 'BEGIN{printf "%.5f", x+0.04}') $by"
} >"$work/pinch.rec"
run pinch "$work/pinch.rec" 1500
lvl=$(grep -o "info: zoom view=back level=[0-9.]*" "$log" | tail -1 | sed 's/.*level=//')
[ -n "$lvl" ] && awk -v l="$lvl" 'BEGIN{exit !(l > 1.5)}' || fail "a pinch did not zoom (level '$lvl')"
grep -q "info: select muscle=" "$log" && fail "a pinch selected a muscle"

# 3. Two-finger pan of the zoomed view (double-tap first).
{
    cat "$work/double.rec"
    echo "1200 fingerdown 5 $x0 $by"
    echo "1210 fingerdown 6 $x1 $by"
    paste -d'\n' <(steps 5 1210 20 10 "$x0" "$by" 0.06 0.04) <(steps 6 1220 20 10 "$x1" "$by" 0.06 0.04)
    echo "1500 fingerup 5 $(awk -v x=$x0 'BEGIN{printf "%.5f", x+0.06}') $by"
    echo "1510 fingerup 6 $(awk -v x=$x1 'BEGIN{printf "%.5f", x+0.06}') $by"
} >"$work/pan.rec"
run pan "$work/pan.rec" 2200
after=$(sed -n '/info: zoom view=back level=2.0/,$p' "$log" | grep -o "place view=back [^ ]* ox=[-0-9.]*" | sed 's/.*ox=//')
first=$(echo "$after" | head -1) last=$(echo "$after" | tail -1)
[ -n "$first" ] && awk -v a="$first" -v b="$last" 'BEGIN{exit !(b - a > 20)}' ||
    fail "a two-finger drag did not pan the zoomed view to the right (ox $first -> $last)"

# 4. A long press on the body is not a tap.
printf '500 fingerdown 7 %s %s\n1700 fingerup 7 %s %s\n' "$bx" "$by" "$bx" "$by" >"$work/long.rec"
run long "$work/long.rec" 2200
grep -q "info: select muscle=\|info: pick " "$log" && fail "a long press acted as a tap"

# 5. A lost finger-up in the kiosk: lifted after the idle time, and the kiosk carries on.
{
    echo "300 fingerdown 8 0.9 0.5"   # dismisses the attract screen
    echo "340 fingerup 8 0.9 0.5"
    echo "600 fingerdown 9 $bx $by"   # ... and never lifted
    echo "11900 fingerdown 10 $cx $cy"  # cancels the idle countdown
    echo "11950 fingerup 10 $cx $cy"
    echo "12400 fingerdown 11 $cx $cy"  # a tap that works
    echo "12450 fingerup 11 $cx $cy"
} >"$work/lost.rec"
run lost "$work/lost.rec" 13200 --kiosk --windowed --idle-timeout 10 --countdown 5
grep -q "info: pointer-stale" "$log" || fail "a lost finger-up was never lifted"
sed -n '/pointer-stale/,$p' "$log" | grep -q "info: where" || fail "after a lost finger-up a tap did nothing"

# 6. --record writes a click; replaying the file repeats it.
"$KNOTMAP" --data "$KM_DATA_DIR/knotmap.json" --window ${W}x${H} --log-level debug --record "$work/click.rec" \
    --exit-after-ms 2500 2>"$work/rec.log" &
pid=$!
for _ in $(seq 50); do grep -q "place view=back" "$work/rec.log" && break; sleep 0.1; done
wid=$(xdotool search --sync --onlyvisible --name '^knotmap$' | head -1)
px=$(awk -v f=$bx -v W=$W 'BEGIN{printf "%d", f*W}'); py=$(awk -v f=$by -v H=$H 'BEGIN{printf "%d", f*H}')
xdotool mousemove --window "$wid" "$px" "$py" click 1
wait $pid
grep -q "mousedown $px $py 1" "$work/click.rec" && grep -q "mouseup $px $py 1" "$work/click.rec" ||
    { echo "FAIL: --record did not write the click"; cat "$work/click.rec"; fails=$((fails + 1)); }
want=$(grep -o "info: select muscle=[a-z_]* side=[a-z]*\|info: pick view=[a-z_]* choices=[0-9]*" "$work/rec.log" | head -1)
run replayed "$work/click.rec" 2500
[ -n "$want" ] && grep -q "$want" "$log" || fail "replaying the recorded click did not repeat '$want'"

[ $fails -eq 0 ] || exit 1
echo "ok: double-tap, pinch, two-finger pan, long press, lost finger-up and record/replay"
EOF

xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/inner.sh" "$work"
