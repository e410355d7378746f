#!/bin/bash
# test_reload.sh - hot reload notices an edit that keeps the size and the
# second of the modification time (issue 11): the program compares device,
# inode, size and the modification time to the nanosecond.  Before, an edit
# finished within the same second as the version it had loaded (e.g. the
# rest of a half-written file) was never reloaded.
#
# The running program (SDL's dummy video driver) checks the data file when
# it wakes; --exit-after-ms wakes it once at the end, after the edit.
set -u
: "${KNOTMAP:?}" "${KM_TESTS_DIR:?}"
TMP=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$TMP"' EXIT
cp "$KM_TESTS_DIR/data/lookup.json" "$TMP/atlas.json"
sec=$(stat -c %Y "$TMP/atlas.json")
touch -d "@$sec.100000000" "$TMP/atlas.json"
SDL_VIDEODRIVER=dummy "$KNOTMAP" --data "$TMP/atlas.json" --log-level info --exit-after-ms 3000 2>"$TMP/log" &
pid=$!
for _ in $(seq 50); do grep -q "first-frame" "$TMP/log" && break; sleep 0.1; done
grep -q "first-frame" "$TMP/log" || { echo "FAIL: the program did not start"; cat "$TMP/log"; exit 1; }
# The same size, the same inode, the same second; only the nanoseconds differ.
python3 - "$TMP/atlas.json" <<'P'
import sys
p = sys.argv[1]
s = open(p).read()
assert '"Lookup fixture"' in s
with open(p, "r+") as f:          # in place: same inode
    f.write(s.replace('"Lookup fixture"', '"Lookup fixturE"'))
P
touch -d "@$sec.900000000" "$TMP/atlas.json"
[ "$(stat -c %s "$TMP/atlas.json")" = "$(stat -c %s "$KM_TESTS_DIR/data/lookup.json")" ] || { echo "FAIL: the edit changed the size"; exit 1; }
wait "$pid"
if grep -q "info: reload path=$TMP/atlas.json" "$TMP/log"; then
    echo "ok: an edit in the same second with the same size was reloaded"
else
    echo "FAIL: the edit was not reloaded"; cat "$TMP/log"; exit 1
fi
