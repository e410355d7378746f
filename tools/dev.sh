#!/bin/sh
# tools/dev.sh - one door for developers and CI on Debian 12 (run as root,
# or with sudo available):
#   tools/dev.sh run [knotmap options]   install what is needed, build, start knotmap
#   tools/dev.sh test                    install what is needed, build with -Werror, run every test:
#                                        the suite, the suite again under ASan+UBSan (build-asan),
#                                        each fuzzer for FUZZ_SECONDS (60), the soak test (bounded)
#   tools/dev.sh deps                    only install the Debian packages
# BUILD_DIR (default: build) and ASAN_BUILD_DIR (default: build-asan) choose
# the build folders; FUZZ_SECONDS and SOAK_ITERATIONS bound the CI runs.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

# Build tools, the SDL2 family, jansson, fontconfig, cmocka, a font, cairo for
# the handout PDF (poppler-utils to check it), and what
# the end-to-end tests drive the real window with (Xvfb, xdotool, imagemagick;
# cage, grim and xwayland for the kiosk under the Wayland compositor).
PACKAGES="build-essential cmake pkg-config libsdl2-dev libsdl2-image-dev libsdl2-ttf-dev \
libjansson-dev libfontconfig-dev libcmocka-dev libpng-dev libcrypt-dev fonts-dejavu-core \
libcairo2-dev libcups2-dev cups poppler-utils librsvg2-bin \
xvfb xauth xdotool imagemagick x11-utils python3 cage grim xwayland \
clang libclang-rt-14-dev \
dpkg-dev lintian file"
# libcrypt-dev: yescrypt for the kiosk's admin PIN (src/app/pinhash.c).
# dpkg-dev (dpkg-shlibdeps for cpack's Depends), lintian and file: the
# Debian package and its test (tests/cli/test_deb.sh).
# clang and libclang-rt-14-dev (libclang_rt.fuzzer-x86_64.a) build the
# libFuzzer targets in tools/fuzz.sh; librsvg2-bin (rsvg-convert) renders the SVG
# export for tests/cli/test_vector.sh; GCC's libasan/libubsan (build-essential)
# serve the sanitizer build.

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
    # && and not just set -e: inside step's "if", set -e is off.
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" &&
        cmake --build "$BUILD_DIR" -j"$(nproc)"
}

# One CI step: run it, remember whether it passed, keep going so one
# report covers every step; the caller's exit status says if any failed.
STEPS_PASSED=0
STEPS_FAILED=0
FAILED_NAMES=""
step() {
    name=$1
    shift
    echo "==== $name"
    start=$(date +%s)
    if "$@"; then
        STEPS_PASSED=$((STEPS_PASSED + 1))
        echo "==== $name: passed ($(($(date +%s) - start)) s)"
    else
        STEPS_FAILED=$((STEPS_FAILED + 1))
        FAILED_NAMES="$FAILED_NAMES $name"
        echo "==== $name: FAILED ($(($(date +%s) - start)) s)"
    fi
}

suite() {
    build -DKNOTMAP_WERROR=ON && ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)"
}

# The sanitizer run: the whole suite again, built with ASan + UBSan.  Leaks
# fail (detect_leaks), so does any UBSan report (halt_on_error);
# tools/lsan.supp names the few system-library leaks.  The window tests use
# SDL's software framebuffer so Mesa's GL driver (which leaks and is
# unloaded before LSan can name it) is never loaded.
sanitizer_env() {
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions=$PWD/tools/lsan.supp:print_suppressions=0 \
    SDL_FRAMEBUFFER_ACCELERATION=0 SDL_RENDER_DRIVER=software \
    "$@"
}

asan_suite() {
    cmake -S . -B "$ASAN_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKNOTMAP_SANITIZE=ON -DKNOTMAP_WERROR=ON &&
        cmake --build "$ASAN_BUILD_DIR" -j"$(nproc)" &&
        sanitizer_env ctest --test-dir "$ASAN_BUILD_DIR" --output-on-failure -j"$(nproc)"
}

fuzz() {
    sh tools/fuzz.sh "$FUZZ_SECONDS"
}

# The soak test in its bounded form, under the sanitizers (it also runs
# with its small default inside both suites above).
soak() {
    sanitizer_env env SDL_VIDEODRIVER=dummy KM_DATA_DIR="$PWD/data" KM_TESTS_DIR="$PWD/tests" \
        SOAK_ITERATIONS="$SOAK_ITERATIONS" "$ASAN_BUILD_DIR/tests/test_soak"
}

run_all_tests() {
    ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
    FUZZ_SECONDS=${FUZZ_SECONDS:-60}
    SOAK_ITERATIONS=${SOAK_ITERATIONS:-8000}
    t0=$(date +%s)
    step "test suite ($BUILD_DIR)" suite
    step "test suite under ASan+UBSan ($ASAN_BUILD_DIR)" asan_suite
    step "fuzz ($FUZZ_SECONDS s per target)" fuzz
    step "soak ($SOAK_ITERATIONS inputs, ASan+UBSan)" soak
    echo "tools/dev.sh test: $(($(date +%s) - t0)) s${FAILED_NAMES:+; failed:$FAILED_NAMES}"
    echo "$STEPS_PASSED passed, $STEPS_FAILED failed"
    [ "$STEPS_FAILED" -eq 0 ]
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
    run_all_tests
    ;;
*)
    echo "usage: tools/dev.sh run|test|deps" >&2
    exit 2
    ;;
esac
