# lib.sh - what the command-line tests share; each test sources it first:
#   . "$(dirname "$0")/lib.sh"
# It asks for the environment CTest gives (KNOTMAP, KM_TESTS_DIR,
# KM_DATA_DIR), makes a scratch folder $TMP removed on exit (made writable
# first: some tests take write permission away), and keeps the count:
# ok, bad "why", and finish to report and set the exit status.
set -u
: "${KNOTMAP:?}" "${KM_TESTS_DIR:?}" "${KM_DATA_DIR:?}"
TMP=$(mktemp -d)
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# need TOOL...: skip (77) when one is missing; tools/dev.sh installs them.
need() {
    for tool; do
        command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (tools/dev.sh installs it)"; exit 77; }
    done
}

# Under the sanitizers: full stacks for allocations, so that the one cairo
# leak tools/lsan.supp names (inside cairo_pattern_destroy, cairo 1.16's
# SVG surface) is matched by its frame; fast unwinding stops at cairo's
# first frame.  For tests that run few processes through cairo.
full_stacks_under_asan() {
    [ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
    return 0
}

# finish [NAME]: print the count, and fail if anything failed.
finish() {
    echo "${1:+$1: }$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
