#!/bin/bash
# test_export_kill.sh - nothing partial survives kill -9 (issue 11): start
# `knotmap export` 50 times and SIGKILL it at a random moment of its run
# (from start-up to the last write), half of the runs with the O_TMPFILE
# writer and half with the mkstemp fallback (KNOTMAP_NO_O_TMPFILE=1).
# Afterwards the export folder may hold only finished pictures under their
# own names (each a whole PNG, ending in IEND) - no temporary file, no
# partial picture.  The fallback's leftovers must be gone after one more
# export in that folder (the next writer removes dead writers' files).
# Also: under a file-size limit (ulimit -f) the export fails with a
# message instead of dying of SIGXFSZ, and leaves nothing.
set -u
: "${KNOTMAP:?}" "${KM_TESTS_DIR:?}"
FIX="$KM_TESTS_DIR/data/lookup.json"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() { fail=1; echo "FAIL: $*"; }

export_cmd() { "$KNOTMAP" --data "$FIX" export --select alpha --size 1600x1200 --out "$1"; }
# in the background, as the process itself (so kill -9 reaches knotmap, not a subshell)
export_bg() { env ${2:+KNOTMAP_NO_O_TMPFILE=1} "$KNOTMAP" --data "$FIX" export --select alpha --size 1600x1200 \
    --out "$1" >/dev/null 2>&1 & }

# How long one export takes here, to spread the kills over it.
t0=$(date +%s%N)
export_cmd "$TMP/probe.png" >/dev/null || bad "a plain export failed"
run_us=$(( ($(date +%s%N) - t0) / 1000 ))
rm -f "$TMP/probe.png"
echo "one export: $((run_us / 1000)) ms"

check_folder() { # DIR: only whole x-N.png files
    local f
    for f in "$1"/* "$1"/.[!.]*; do
        [ -e "$f" ] || continue
        case "$(basename "$f")" in
        x-[0-9]*.png)
            [ "$(tail -c 8 "$f" | head -c 4)" = IEND ] || bad "partial picture survived: $f ($(stat -c %s "$f") bytes)" ;;
        *) bad "stray file in the export folder: $(basename "$f") ($(stat -c '%s bytes, mode %a' "$f"))" ;;
        esac
    done
}

killed=0 finished=0
for mode in tmpfile fallback; do
    out="$TMP/$mode"
    mkdir "$out"
    for i in $(seq 25); do
        delay_us=$(( (RANDOM * 32768 + RANDOM) % (run_us + 1) ))
        if [ "$mode" = fallback ]; then export_bg "$out/x-$i.png" 1; else export_bg "$out/x-$i.png"; fi
        pid=$!
        sleep "$(printf '0.%06d' "$delay_us")"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        [ $? -eq 137 ] && killed=$((killed + 1))
        [ "$mode" = tmpfile ] && check_folder "$out"
    done
    if [ "$mode" = fallback ]; then
        # the next writer in the folder cleans what the dead ones left
        KNOTMAP_NO_O_TMPFILE=1 export_cmd "$out/x-99.png" >/dev/null || bad "export after the kills failed"
        check_folder "$out"
    fi
    finished=$((finished + $(ls "$out" | wc -l)))
done
echo "50 runs: $killed killed while running, $finished finished pictures, folders checked"

# A file-size limit: an error message, exit 1, nothing left; not SIGXFSZ.
mkdir "$TMP/limit"
# (a picture surely over 64 KiB: the PNG encoder packs the fixture's flat
# colours small)
( ulimit -f 64; "$KNOTMAP" --data "$FIX" export --select alpha --size 3000x4000 --out "$TMP/limit/x-1.png" ) \
    >/dev/null 2>"$TMP/err"
st=$?
[ "$st" -eq 1 ] || bad "under ulimit -f the export ended with status $st (SIGXFSZ is 153), wanted 1"
grep -qi "too large" "$TMP/err" || { bad "no 'too large' message under ulimit -f:"; cat "$TMP/err"; }
[ -z "$(ls -A "$TMP/limit")" ] || bad "files left under ulimit -f: $(ls -A "$TMP/limit")"

[ "$fail" = 0 ] && echo "ok: no partial or temporary file survived kill -9, SIGXFSZ is an error"
exit "$fail"
