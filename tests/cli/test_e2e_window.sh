#!/bin/bash
# test_e2e_window.sh - the real program in a real X window (Xvfb), driven
# with xdotool like a new user with a mouse: tap a muscle, switch to "where
# does it hurt" and tap, draw in "mark pain", press Export, then quit with
# Ctrl+Q (which asks about the unsaved marks).  Checks the --log-level lines on stderr, the exported PNG, and a
# screenshot of the screen (import -window root).
#
# Buttons and views are found through the debug log ("ui button=..." and
# "place view=..."), not hard-coded pixels, so font metrics do not matter.
# Skips (exit 0) only when xvfb-run is missing; the README's test command
# installs xvfb, xdotool and imagemagick, so CI runs it.
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

# The part that runs inside the X server.
cat >"$work/inner.sh" <<'EOF'
set -u
work=$1
unset SDL_VIDEODRIVER            # ctest sets dummy; here we want X11
export SDL_VIDEODRIVER=x11
export XDG_CONFIG_HOME=$work   # no stray user configuration
log=$work/log.txt
fail() { echo "FAIL: $*"; echo "--- log:"; cat "$log"; kill "$pid" 2>/dev/null; exit 1; }
wait_log() { # wait_log PATTERN [SECONDS]
    for _ in $(seq $(( ${2:-10} * 10 ))); do grep -q -- "$1" "$log" && return 0; sleep 0.1; done
    return 1
}
button() { # centre of a fixed button from the debug log
    grep -o "ui button=$1 x=[0-9]* y=[0-9]*" "$log" | tail -1 | sed 's/.* x=\([0-9]*\) y=\([0-9]*\)/\1 \2/'
}
view_point() { # view_point VIEW X Y -> window pixels, from the renderer's placement
    grep -o "place view=$1 scale=[0-9.]* ox=[-0-9.]* oy=[-0-9.]*" "$log" | tail -1 |
        awk -v x="$2" -v y="$3" '{split($3,s,"=");split($4,a,"=");split($5,b,"="); printf "%d %d\n", a[2]+x*s[2], b[2]+y*s[2]}'
}
click() { xdotool mousemove --window "$wid" $1 $2 click 1; sleep 0.5; }

"$KNOTMAP" --data "$KM_DATA_DIR/knotmap.json" --log-level debug --window 1280x800 \
    --export-dir "$work" 2>"$log" &
pid=$!
wait_log "place view=back" 15 || fail "no first frame"
wid=$(xdotool search --sync --onlyvisible --name '^knotmap$' | head -1)
# The window's icon comes from assets/knotmap.svg (a 128x128 picture).
xprop -id "$wid" _NET_WM_ICON 2>/dev/null | grep -Eq "Icon \(128 x 128\)|= 128, 128" ||
    { echo "FAIL: the window has no 128x128 icon (_NET_WM_ICON)"; xprop -id "$wid" _NET_WM_ICON | head -c 200; exit 1; }
[ -n "$wid" ] || fail "no window"

# Explore: a tap on the right infraspinatus (over the patient's right shoulder blade).
click $(view_point back 610 480)
# Where several muscles are within a finger's reach, "Which one did you
# mean?" lists them: choose infraspinatus there.
if wait_log "info: pick view=back" 1; then
    row=$(grep -o "ui pick=[0-9]* muscle=infraspinatus side=right x=[0-9]* y=[0-9]*" "$log" | tail -1 |
        sed 's/.* x=\([0-9]*\) y=\([0-9]*\)/\1 \2/')
    [ -n "$row" ] || fail "the picker does not offer infraspinatus"
    click $row
fi
wait_log "info: select muscle=infraspinatus side=right view=back" 5 || fail "tap did not select the muscle"
import -window root "$work/explore.png"

# Where does it hurt: a tap at the same spot lists candidates.
click $(button tab-where)
wait_log "info: mode where-it-hurts" 5 || fail "the Where tab did not switch mode"
click $(view_point back 610 480)
wait_log "info: where view=back x=6[01][0-9] y=4[78][0-9] area=[a-z_]* candidates=[1-9]" 5 || fail "no candidates for the tap"

# Mark pain: a drag draws a stroke (mouse path = finger path).
click $(button tab-mark)
read -r x0 y0 < <(view_point back 560 900)
read -r x1 y1 < <(view_point back 640 1000)
xdotool mousemove --window "$wid" "$x0" "$y0" mousedown 1
for i in 1 2 3 4 5 6 7 8 9 10; do
    xdotool mousemove --window "$wid" $(( x0 + (x1 - x0) * i / 10 )) $(( y0 + (y1 - y0) * i / 10 )); sleep 0.03
done
xdotool mouseup 1; sleep 0.5
wait_log "info: mark stroke view=back points=[0-9]* erase=no" 5 || fail "the drag drew no stroke"
wait_log "info: candidates source=drawing count=[1-9]" 5 || fail "the drawing was not ranked"
# A drag counts once: exactly one stroke, and no tap-selection came with it.
[ "$(grep -c 'mark stroke' "$log")" = 1 ] || fail "one drag gave more than one stroke"

# Export: the dialog asks for a title and a notes line, typed through SDL's
# text input (Tab moves to the notes, Enter exports); the picture is made
# off the input thread and its path comes back.
click $(button export)
wait_log "debug: export-dialog open" 5 || fail "Export did not open its dialog"
xdotool type --window "$wid" --delay 30 "Neck pain left"
xdotool key --window "$wid" Tab
xdotool type --window "$wid" --delay 30 "Worse at the desk"
sleep 0.3
import -window root "$work/dialog.png"
xdotool key --window "$wid" Return
wait_log "debug: export-requested title=yes notes=yes" 5 || fail "Enter did not export with the title and notes typed"
wait_log "info: export path=$work/knotmap-" 15 || fail "export did not report a path"
grep -q "Neck pain\|Worse at the desk" "$log" && fail "the typed title or notes reached the log"
png=$(grep -o "export path=[^ ]*" "$log" | tail -1 | cut -d= -f2)
[ -s "$png" ] || fail "exported file $png missing"
identify "$png" | grep -q "PNG 2000x1400" || fail "export is not a 2000x1400 PNG: $(identify "$png")"

import -window root "$work/screen.png"
# The screen shows the app: the navy top bar at the window's top-left.
eval "$(xdotool getwindowgeometry --shell "$wid")"
px=$(convert "$work/screen.png" -format "%[pixel:p{$((X + 4)),$((Y + 4))}]" info:)
case "$px" in *"24,50,82"*) ;; *) fail "top-left of the window is $px, expected the navy top bar" ;; esac
colours=$(convert "$work/screen.png" -format "%k" info:)
[ "$colours" -gt 200 ] || fail "screenshot has only $colours colours: nothing drawn?"

# Ctrl+Q with unsaved marks asks first; Escape answers "Cancel", and Enter
# "Quit without saving".
xdotool key --window "$wid" ctrl+q
wait_log "info: quit-asked unsaved-marks=yes" 5 || fail "Ctrl+Q with unsaved marks did not ask"
xdotool key --window "$wid" Escape
wait_log "info: confirm quit answer=no" 5 || fail "Escape did not cancel the question"
kill -0 "$pid" 2>/dev/null || fail "Escape on the question quit"
xdotool key --window "$wid" ctrl+q
sleep 0.3
xdotool key --window "$wid" Return
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "Ctrl+Q did not quit"
wait "$pid" || fail "exit status $?"
grep -q "info: quit" "$log" || fail "no quit line"
[ "$(grep -c 'select muscle=' "$log")" = 1 ] || fail "selections: expected exactly one"
echo "ok: window session (select, where, mark, export, quit)"
EOF

out=$(KNOTMAP="$KNOTMAP" KM_DATA_DIR="$KM_DATA_DIR" timeout 120 \
      xvfb-run -a -s "-screen 0 1600x1000x24" bash "$work/inner.sh" "$work" 2>&1)
status=$?
echo "$out"
[ $status -eq 0 ] && echo "$out" | grep -q "^ok:" || exit 1
