#!/bin/sh
# tools/fuzz.sh [SECONDS] - build the libFuzzer targets with clang (ASan +
# UBSan) and run each for SECONDS (default 60), seeded with the bundled data
# and every file in tests/data.  A crash leaves atlas-crash-* and
# marks-crash-* files in build-fuzz/findings/: copy each into
# tests/data/regress/atlas/ or tests/data/regress/marks/ with a name that
# says what it is (test_loader's test_regress_files reads every atlas input
# there, test_app's test_regress_marks every marks input, with the same
# checks as the fuzz targets), see the test fail, and fix the cause.
# A long run: tools/fuzz.sh 3600
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
B=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang cmake -S . -B "$B" -DKNOTMAP_FUZZ=ON -DKNOTMAP_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$B" -j"$(nproc)" --target fuzz_atlas fuzz_marks
mkdir -p "$B/corpus/atlas" "$B/corpus/marks" "$B/findings"
cp data/knotmap.json tests/data/*.json tests/data/bad/*.json tests/data/regress/atlas/* "$B/corpus/atlas/"
cp tests/data/regress/marks/* "$B/corpus/marks/"
[ -n "$(ls "$B/corpus/marks")" ] || echo '{"format":"knotmap-marks","version":1,"selected":[],"strokes":[],"pins":[]}' >"$B/corpus/marks/empty.json"
status=0
for t in atlas marks; do
    echo "fuzz_$t: $SECONDS_EACH s"
    ASAN_OPTIONS=detect_leaks=1 "$B/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=200000 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$B/findings/$t-" -print_final_stats=1 "$B/corpus/$t" \
        >"$B/fuzz_$t.log" 2>&1 || status=1
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|ERROR|SUMMARY" "$B/fuzz_$t.log" || true
done
[ "$status" -eq 0 ] && echo "fuzz: no crash" || { echo "fuzz: findings in $B/findings"; ls "$B/findings"; }
exit $status
