#!/bin/bash
# test_export_faults.sh - `knotmap export` when the disk says no: a missing
# folder, a read-only folder, a full disk, and a file already there.  Each
# must exit 1 with one message naming the path and the reason, and leave
# no partial file and no temporary file behind (an existing file is left
# exactly as it was).
#
# Read-only and full need a real filesystem that refuses: as root, chmod
# 0555 does not stop writes, so the test mounts a read-only tmpfs and a
# 64 KiB tmpfs (mount is allowed for root here and in CI).  Without mount,
# a full disk is simulated with a file size limit (prlimit --fsize, with
# SIGXFSZ ignored so write() fails with EFBIG instead of killing the
# process), and read-only falls back to chmod 0555 (works for a normal
# user) or chattr +i; a case that nothing can simulate is skipped with the
# reason printed.
set -u
: "${KNOTMAP:?}" "${KM_TESTS_DIR:?}"
FIX="$KM_TESTS_DIR/data/lookup.json"
TMP=$(mktemp -d)
MOUNTS=()
cleanup() {
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
    chattr -i "$TMP/immutable" 2>/dev/null
    chmod -R u+w "$TMP" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
pass=0 fail=0 skip=0
WRAP="" # a command to run knotmap under (the prlimit fallback)
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
skipped() { skip=$((skip + 1)); echo "SKIP: $*"; }

# export_fails NAME DIR FILE REASON_RE [extra args...]: export to DIR/FILE
# must exit 1 with a message naming DIR/FILE and matching REASON_RE, and
# DIR must hold exactly what it held before.
export_fails() {
    local name=$1 dir=$2 file=$3 reason=$4
    shift 4
    local before after
    before=$(ls -A "$dir" 2>/dev/null | sort | tr '\n' ' ')
    $WRAP "$KNOTMAP" --data "$FIX" export --select alpha --size 2400x3200 --out "$dir/$file" "$@" >"$TMP/out" 2>"$TMP/err"
    local st=$?
    [ "$st" -eq 1 ] && ok || bad "$name: exit $st, wanted 1"
    grep -qF "$dir/$file" "$TMP/err" && ok || { bad "$name: message does not name $dir/$file:"; cat "$TMP/err"; }
    grep -qiE "$reason" "$TMP/err" && ok || { bad "$name: message does not say /$reason/:"; cat "$TMP/err"; }
    [ "$(wc -l <"$TMP/err")" -eq 1 ] && ok || { bad "$name: wanted one line on stderr:"; cat "$TMP/err"; }
    after=$(ls -A "$dir" 2>/dev/null | sort | tr '\n' ' ')
    [ "$before" = "$after" ] && ok || bad "$name: folder changed from [$before] to [$after] (partial or temporary file left)"
}

can_mount=0
probe="$TMP/probe"
mkdir "$probe"
if mount -t tmpfs -o size=64k tmpfs "$probe" 2>/dev/null; then
    can_mount=1
    umount "$probe"
fi

# --- a missing folder ----------------------------------------------------
export_fails "missing folder" "$TMP/no/such/folder" x.png "no such file|does not exist|missing"
[ ! -e "$TMP/no" ] && ok || bad "missing folder: export created $TMP/no"

# --- a read-only folder --------------------------------------------------
ro="$TMP/readonly"
mkdir "$ro"
echo keep >"$ro/other.txt"
if [ "$can_mount" = 1 ]; then
    mount -t tmpfs -o size=1m tmpfs "$ro" && MOUNTS+=("$ro")
    echo keep >"$ro/other.txt"
    mount -o remount,ro "$ro"
    export_fails "read-only folder (ro tmpfs)" "$ro" x.png "read-only"
elif [ "$(id -u)" -ne 0 ]; then
    chmod 0555 "$ro"
    export_fails "read-only folder (chmod 0555)" "$ro" x.png "permission denied"
    chmod 0755 "$ro"
elif mkdir "$TMP/immutable" && chattr +i "$TMP/immutable" 2>/dev/null; then
    export_fails "read-only folder (chattr +i)" "$TMP/immutable" x.png "not permitted|permission denied|read-only"
else
    skipped "read-only folder: running as root with no mount and no chattr +i, nothing here refuses a write"
fi

# --- a full disk ---------------------------------------------------------
full="$TMP/full"
mkdir "$full"
if [ "$can_mount" = 1 ]; then
    mount -t tmpfs -o size=64k tmpfs "$full" && MOUNTS+=("$full")
    export_fails "full disk (64 KiB tmpfs)" "$full" x.png "no space"
    # Overwriting with --force on a full disk keeps the old file whole.
    head -c 20000 /dev/urandom >"$full/old.png"
    sum=$(md5sum <"$full/old.png")
    export_fails "full disk, --force over a file" "$full" old.png "no space" --force
    [ "$(md5sum <"$full/old.png")" = "$sum" ] && ok || bad "full disk: --force damaged the existing file"
    # Filled to the last byte: the temporary file itself cannot be created
    # or gets no data at all.
    dd if=/dev/zero of="$full/filler" bs=4k 2>/dev/null
    export_fails "disk filled to the last byte" "$full" y.png "no space"
elif command -v prlimit >/dev/null; then
    # SIGXFSZ ignored here is inherited by knotmap, so write() returns EFBIG.
    (
        trap '' XFSZ
        WRAP="prlimit --fsize=65536"
        export_fails "full disk (prlimit --fsize)" "$full" x.png "too large|no space"
        echo "$pass $fail" >"$TMP/counts"
    )
    read -r pass fail <"$TMP/counts"
else
    skipped "full disk: no mount and no prlimit to simulate one"
fi

# --- a file already there --------------------------------------------------
there="$TMP/there"
mkdir "$there"
echo "an earlier picture" >"$there/x.png"
export_fails "file already there" "$there" x.png "exists|--force"
[ "$(cat "$there/x.png")" = "an earlier picture" ] && ok || bad "file already there: it was changed without --force"
# ...and --force replaces it whole.
"$KNOTMAP" --data "$FIX" export --select alpha --size 300x400 --out "$there/x.png" --force >/dev/null 2>"$TMP/err"
[ $? -eq 0 ] && [ "$(head -c 4 "$there/x.png" | od -An -c | tr -d ' ')" = "211PNG" ] && ok ||
    { bad "--force did not replace the file with a PNG"; cat "$TMP/err"; }
[ "$(ls -A "$there")" = "x.png" ] && ok || bad "--force left other files: $(ls -A "$there")"

echo "export faults: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
