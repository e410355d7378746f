#!/bin/bash
# test_e2e_redflags.sh - the red flags of the bundled atlas through the
# command line: `knotmap lookup --json` carries "red_flags": [{"id", "text"}]
# for the place asked about (an area with its side, or a point), the left
# arm's flag only on the left, and none where the atlas has none.
set -u
: "${KNOTMAP:?KNOTMAP must name the binary}" "${KM_DATA_DIR:?}"
fails=0
flags() { # flags ARGS... -> the ids, one per line
    "$KNOTMAP" --data "$KM_DATA_DIR/knotmap.json" lookup "$@" --json |
        python3 -c 'import json,sys; d=json.load(sys.stdin); [print(f["id"]) for f in d["red_flags"]]
assert all(f["text"] for f in d["red_flags"])'
}
expect() { # expect "WANTED IDS" ARGS...
    local want=$1
    shift
    local got
    got=$(flags "$@" | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" != "$want" ]; then
        echo "FAIL: lookup $*: red flags '$got', wanted '$want'"
        fails=$((fails + 1))
    fi
}
expect "chest_pain" --area anterior_chest:left
expect "left_arm_pain" --area upper_arm_medial:left
expect "" --area upper_arm_medial:right
expect "jaw_pain" --area jaw:left
expect "sudden_headache temple_over_50" --area temple:right
expect "back_nerve_emergency" --area low_back
expect "calf_swelling" --area calf:left
expect "" --area shin:left
# a point: the narrowest area under it (the chest's centre, from list --json)
read -r x y < <("$KNOTMAP" --data "$KM_DATA_DIR/knotmap.json" list --json | python3 -c '
import json,sys
d=json.load(sys.stdin)
a=[a for a in d["areas"] if a["id"]=="anterior_chest" and a["side"]=="left"][0]
print(int(a["centroid"][0]), int(a["centroid"][1]))')
expect "chest_pain" --view front --at "$x,$y"
# the plain text output names them too
"$KNOTMAP" --data "$KM_DATA_DIR/knotmap.json" lookup --area calf:right | grep -q "^red flag calf_swelling: " ||
    { echo "FAIL: the text output does not name the red flag"; fails=$((fails + 1)); }
[ $fails -eq 0 ] || exit 1
echo "ok: red flags by area, side and point"
