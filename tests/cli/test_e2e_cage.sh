#!/bin/bash
# test_e2e_cage.sh - the kiosk as the shipped systemd unit starts it, under
# the cage Wayland compositor, must put the chart on screen.
#
# The command line and the environment come from assets/knotmap-kiosk.service
# itself (ExecStart=, Environment=), with the installed paths replaced by the
# binary under test; it runs as an unprivileged user this test creates, like
# the unit's User=.  cage runs on wlroots' headless backend with the pixman
# renderer and no input devices, and grim takes a screenshot through the
# screencopy protocol.  The test fails unless the screenshot shows the chart:
# many colours, the navy toolbar and the skin of the body figures.
#
# One change to the unit's cage line: -r (rotate the output).  On the
# headless backend a fullscreen client's buffer is scanned out directly and
# screencopy then returns a black frame for every client (knotmap under
# Wayland or Xwayland alike); a rotated output must be composited, so the
# capture shows what a screen would.  The kiosk then runs as a portrait
# 720x1280 screen, which is also a real kiosk orientation.
#
# Case 2 forces SDL_VIDEO_WAYLAND_ALLOW_LIBDECOR=1 in the environment: the
# kiosk must still show, because knotmap turns libdecor off in code (with no
# libdecor plugin, SDL 2.26 hands the window to libdecor, which never maps it).
#
# Needs root (to create the user and switch to it); skips, saying so, when
# not root.  cage, grim and ImageMagick are installed by tools/dev.sh.
set -u

if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: needs root to create the kiosk's unprivileged user"
    exit 0
fi
for tool in cage grim convert runuser useradd python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool is needed (sh tools/dev.sh deps installs it)"; exit 1; }
done
: "${KNOTMAP:?KNOTMAP must name the binary}" "${KM_DATA_DIR:?}" "${KM_TESTS_DIR:?}"
unit="$KM_TESTS_DIR/../assets/knotmap-kiosk.service"
[ -r "$unit" ] || { echo "FAIL: cannot read $unit"; exit 1; }

user=knotmap-e2e
id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user" ||
    { echo "FAIL: cannot create user $user"; exit 1; }

work=$(mktemp -d)
cleanup() {
    pkill -KILL -u "$user" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
mkdir -p "$work/home" "$work/run" "$work/bin" "$work/share"
# What the user runs must be reachable by it wherever CI cloned us.
cp "$KNOTMAP" "$work/bin/knotmap"
cp "$KM_DATA_DIR/knotmap.json" "$work/share/knotmap.json"
chmod -R a+rX "$work/bin" "$work/share"
chown "$user" "$work/home" "$work/run"
chmod 700 "$work/run"

# The unit's command line and environment, installed paths replaced.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$exec_start" ] || { echo "FAIL: no ExecStart= in $unit"; exit 1; }
case "$exec_start" in
*"/usr/bin/cage "*"-- /usr/bin/knotmap "*) ;;
*) echo "FAIL: the unit's ExecStart is not 'cage ... -- /usr/bin/knotmap ...': $exec_start"; exit 1 ;;
esac
cmdline=${exec_start/\/usr\/bin\/cage /cage -r }
cmdline=${cmdline/\/usr\/bin\/knotmap/$work/bin/knotmap}
unit_env=$(sed -n 's/^Environment=//p' "$unit" | tr '\n' ' ')

# run_case NAME EXTRA_ENV: start the unit's command line, wait for the
# first frame, take screenshots until one shows the chart (at most ~10 s).
run_case() {
    name=$1
    extra=$2
    log="$work/$name.log"
    shot="$work/home/$name.png" # grim runs as the user: its home is writable
    rm -rf "$work/run/"*
    # env -i: only the unit's environment, as systemd would give it.
    runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME="$work/home" USER="$user" \
        XDG_RUNTIME_DIR="$work/run" KNOTMAP_DATA="$work/share/knotmap.json" \
        WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
        $unit_env $extra sh -c "exec $cmdline" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 300); do # 30 s: a loaded CI machine starts slowly
        grep -q "first-frame ms=" "$log" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q "first-frame ms=" "$log"; then
        echo "FAIL [$name]: the kiosk never drew a first frame; log:"
        cat "$log"
        return 1
    fi
    sock=$(cd "$work/run" && ls wayland-* 2>/dev/null | grep -v lock | head -1)
    ok=1
    for _ in $(seq 20); do
        sleep 0.5
        runuser -u "$user" -- env XDG_RUNTIME_DIR="$work/run" WAYLAND_DISPLAY="$sock" grim "$shot" 2>>"$log" || continue
        if verdict=$(check_chart "$shot"); then
            ok=0
            break
        fi
    done
    pkill -TERM -u "$user" -f "$work/bin/knotmap" 2>/dev/null
    sleep 0.3
    pkill -KILL -u "$user" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ "$ok" -ne 0 ]; then
        echo "FAIL [$name]: the screen does not show the chart (${verdict:-no screenshot}); log:"
        grep -v "drmGetDevices2" "$log"
        cp "$shot" "/tmp/knotmap-cage-$name.png" 2>/dev/null && echo "screenshot kept: /tmp/knotmap-cage-$name.png"
        return 1
    fi
    grep -q "info: renderer=opengles2 video=wayland" "$log" ||
        { echo "FAIL [$name]: expected 'renderer=opengles2 video=wayland' in the log:"; cat "$log"; return 1; }
    echo "ok [$name]: $verdict; $(grep -o 'first-frame ms=[0-9.]*' "$log")"
}

# check_chart PNG: prints what it saw; true if it is the chart.  The
# toolbar is navy, the figures skin-coloured; a black, grey or one-colour
# frame has neither.
check_chart() {
    convert "$1" -depth 8 rgb:- 2>/dev/null | python3 -c '
import sys
raw = sys.stdin.buffer.read()
px = [raw[i:i+3] for i in range(0, len(raw) - 2, 3)]
n = len(px)
colours = len(set(px))
navy = sum(1 for p in px if p[2] > p[0] + 40 and p[2] > p[1] + 20 and p[0] < 80)
skin = sum(1 for p in px if p[0] > 200 and 150 < p[1] < 225 and 130 < p[2] < 210 and p[0] > p[2] + 15)
print("%d px, %d colours, %.1f%% navy, %.1f%% skin" % (n, colours, 100.0 * navy / max(n, 1), 100.0 * skin / max(n, 1)))
sys.exit(0 if n > 0 and colours >= 256 and navy > n * 0.02 and skin > n * 0.03 else 1)
'
}

failed=0
run_case unit "" || failed=1
run_case libdecor-forced "SDL_VIDEO_WAYLAND_ALLOW_LIBDECOR=1" || failed=1
exit $failed
