#!/bin/sh
# tools/dev.sh - one door for developers and CI on Debian 12 (run as root,
# or with sudo available):
#   tools/dev.sh run [knotmap options]   install what is needed, build, start knotmap
#   tools/dev.sh test                    install what is needed, build with -Werror, run every test
#   tools/dev.sh deps                    only install the Debian packages
# BUILD_DIR (default: build) chooses the build folder.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

# Build tools, the SDL2 family, jansson, fontconfig, cmocka, a font, and what
# the end-to-end tests drive the real window with (Xvfb, xdotool, imagemagick).
PACKAGES="build-essential cmake pkg-config libsdl2-dev libsdl2-image-dev libsdl2-ttf-dev \
libjansson-dev libfontconfig-dev libcmocka-dev fonts-dejavu-core \
xvfb xauth xdotool imagemagick x11-utils python3"

deps() {
    missing=""
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "tools/dev.sh: installing:$missing" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
}

build() {
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
    cmake --build "$BUILD_DIR" -j"$(nproc)"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
deps) deps ;;
run)
    deps
    build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        echo "tools/dev.sh: no display (DISPLAY and WAYLAND_DISPLAY are unset); starting under Xvfb." >&2
        echo "tools/dev.sh: on a desktop, run this from a terminal in the session to see the window." >&2
        exec xvfb-run -a -s "-screen 0 1920x1080x24" "$BUILD_DIR/knotmap" "$@"
    fi
    exec "$BUILD_DIR/knotmap" "$@"
    ;;
test)
    deps
    build -DKNOTMAP_WERROR=ON
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)"
    ;;
*)
    echo "usage: tools/dev.sh run|test|deps" >&2
    exit 2
    ;;
esac
