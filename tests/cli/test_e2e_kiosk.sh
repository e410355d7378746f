#!/bin/bash
# test_e2e_kiosk.sh - the real program as a clinic kiosk under Xvfb:
#   * Escape, Alt+F4, Ctrl+Q and Ctrl+W leave it running (and are logged);
#   * left alone, it counts down and wipes itself (idle-countdown, idle-wipe),
#     and the screen then shows the attract card;
#   * the administrator leaves by a long press in the top-left corner and
#     the PIN (checked against the yescrypt hash `knotmap hash-pin` made);
#   * the kiosk's info log holds no patient data (no place, area, muscle,
#     side or intensity).
# Skips (exit 0) only when xvfb-run is missing.
set -u

if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "skipped: xvfb-run is not installed"
    exit 0
fi
for tool in xdotool import; do
    command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool is needed (apt install xdotool imagemagick)"; exit 1; }
done
: "${KNOTMAP:?KNOTMAP must name the binary}" "${KM_DATA_DIR:?}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
line=$(echo 2468 | "$KNOTMAP" hash-pin) || { echo "FAIL: knotmap hash-pin"; exit 1; }
export XDG_STATE_HOME=$work/state # the PIN lockout's state file
cat >"$work/knotmap.conf" <<EOF
# kiosk settings for this test
kiosk = true
countdown = 3
$line
export_dir = $work
EOF

cat >"$work/inner.sh" <<'EOF'
set -u
work=$1
export SDL_VIDEODRIVER=x11
log=$work/log.txt
fail() { echo "FAIL: $*"; echo "--- log:"; cat "$log"; kill "$pid" 2>/dev/null; exit 1; }
wait_log() {
    for _ in $(seq $(( ${2:-10} * 10 ))); do grep -q -- "$1" "$log" && return 0; sleep 0.1; done
    return 1
}
alive() { kill -0 "$pid" 2>/dev/null; }

"$KNOTMAP" --data "$KM_DATA_DIR/knotmap.json" --config "$work/knotmap.conf" --log-level info \
    --idle-timeout 10 2>"$log" &
pid=$!
wait_log "info: start kiosk=yes" 15 || fail "did not start as a kiosk"
wid=$(xdotool search --sync --onlyvisible --name '^knotmap$' | head -1)
[ -n "$wid" ] || fail "no window"
sleep 0.5
# Fullscreen: the window covers the whole 1024x768 screen.
eval "$(xdotool getwindowgeometry --shell "$wid")"
[ "$WIDTH" = 1024 ] && [ "$HEIGHT" = 768 ] || fail "kiosk window is ${WIDTH}x${HEIGHT}, expected fullscreen 1024x768"

for key in Escape alt+F4 ctrl+q ctrl+w; do
    xdotool key --window "$wid" "$key"
    sleep 0.4
    alive || fail "$key closed the kiosk"
done
wait_log "kiosk-ignored key=escape" 3 || fail "Escape was not seen"
wait_log "kiosk-ignored key=alt+f4" 3 || fail "Alt+F4 was not seen"
wait_log "kiosk-ignored key=ctrl+q" 3 || fail "Ctrl+Q was not seen"

# The kiosk starts on the attract screen: the first touch only dismisses it,
# the next one lands on the body so there is something to wipe.
xdotool mousemove --window "$wid" 330 400 click 1
wait_log "info: attract-dismiss" 3 || fail "the first touch did not dismiss the attract screen"
sleep 0.3
xdotool mousemove --window "$wid" 330 400 click 1
# Idle: 10 s (the shortest idle_timeout) to the countdown, 3 s of countdown, then the wipe.
wait_log "info: idle-countdown seconds=3" 16 || fail "no idle countdown"
import -window root "$work/countdown.png"
wait_log "info: idle-wipe" 8 || fail "no idle wipe"
alive || fail "the kiosk exited on idle"
grep -E "info: .* (x|y|area|muscle|side|intensity|view|top)=" "$log" && fail "patient data in the kiosk's info log"
sleep 0.5
import -window root "$work/attract.png"
# The attract screen leaves the body undimmed (no scrim: the top bar is
# still navy) and says "Touch where it hurts" beside it.
px=$(convert "$work/attract.png" -format "%[fx:int(255*p{4,4}.b)]" info:)
[ "$px" -ge 80 ] || fail "the attract screen dims the screen (blue at 4,4 is $px)"

# The touch that dismisses the attract screen does nothing else.
xdotool mousemove --window "$wid" 330 400 click 1
for _ in $(seq 30); do [ "$(grep -c 'info: attract-dismiss' "$log")" -ge 2 ] && break; sleep 0.1; done
[ "$(grep -c 'info: attract-dismiss' "$log")" -ge 2 ] || fail "a touch did not dismiss the attract screen after the wipe"
# Administrator: long press in the top-left corner, then the PIN.
xdotool mousemove --window "$wid" 12 12 mousedown 1
sleep 3.6
xdotool mouseup 1
wait_log "info: admin-gesture" 3 || fail "the long press did not open the PIN pad"
xdotool type --window "$wid" 1111; xdotool key --window "$wid" Return; sleep 0.4
wait_log "admin-pin-wrong" 3 || fail "a wrong PIN was not refused"
alive || fail "a wrong PIN let the admin out"
xdotool type --window "$wid" 2468; xdotool key --window "$wid" Return
for _ in $(seq 50); do alive || break; sleep 0.1; done
alive && fail "the right PIN did not let the admin out"
wait "$pid" || fail "exit status $?"
grep -q "info: admin-exit" "$log" || fail "no admin-exit line"
echo "ok: kiosk ignores the ways out, wipes when idle, admin exits with the PIN"
EOF

out=$(KNOTMAP="$KNOTMAP" KM_DATA_DIR="$KM_DATA_DIR" timeout 120 \
      xvfb-run -a -s "-screen 0 1024x768x24" bash "$work/inner.sh" "$work" 2>&1)
status=$?
echo "$out"
[ $status -eq 0 ] && echo "$out" | grep -q "^ok:" || exit 1
