#!/bin/bash
# test_deb.sh - the Debian package (issue 11): `cpack -G DEB` builds
# knotmap_VERSION_amd64.deb; lintian (when installed) reports no error; the
# package holds the binary, atlas, schema, desktop entry, icon, AppStream
# metadata, both man pages, the kiosk unit and the docs; unpacked with
# dpkg -x into a fresh root, the installed binary finds its own atlas
# (`knotmap check`) and exports a picture.
# Skipped, with the reason, only when dpkg-deb or cpack is missing.
set -u
: "${KNOTMAP:?}"
for tool in dpkg-deb cpack; do
    command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool is not installed (apt install dpkg-dev cmake)"; exit 0; }
done
BUILD=$(dirname "$KNOTMAP")
[ -f "$BUILD/CPackConfig.cmake" ] || { echo "FAIL: no $BUILD/CPackConfig.cmake"; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() { fail=1; echo "FAIL: $*"; }

cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$TMP/pkg" >"$TMP/cpack.log" 2>&1 || { cat "$TMP/cpack.log"; bad "cpack failed"; exit 1; }
deb=$(ls "$TMP"/pkg/knotmap_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { bad "no knotmap_VERSION_amd64.deb in $(ls "$TMP/pkg")"; exit 1; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

dpkg-deb -f "$deb" Depends | grep -q "libsdl2-2.0-0" || bad "Depends does not come from the shared libraries: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -c "$deb" >"$TMP/list"
for f in ./usr/bin/knotmap ./usr/share/knotmap/knotmap.json ./usr/share/knotmap/knotmap.schema.json \
         ./usr/share/applications/knotmap.desktop ./usr/share/icons/hicolor/scalable/apps/knotmap.svg \
         ./usr/share/metainfo/org.knotmap.Knotmap.metainfo.xml ./usr/share/man/man1/knotmap.1.gz \
         ./usr/share/man/man5/knotmap.conf.5.gz ./lib/systemd/system/knotmap-kiosk.service \
         ./usr/share/doc/knotmap/kiosk.md ./usr/share/doc/knotmap/copyright ./usr/share/doc/knotmap/changelog.gz; do
    grep -q " $f\$" "$TMP/list" || bad "the package lacks $f"
done

if command -v lintian >/dev/null 2>&1; then
    lintian --allow-root "$deb" >"$TMP/lintian" 2>&1
    if grep -q "^E: " "$TMP/lintian"; then bad "lintian errors:"; grep "^E: " "$TMP/lintian"; fi
    echo "lintian: $(grep -c '^E: ' "$TMP/lintian") errors, $(grep -c '^W: ' "$TMP/lintian") warnings"
else
    echo "note: lintian is not installed; the package was not linted"
fi

mkdir "$TMP/root"
dpkg -x "$deb" "$TMP/root"
bin="$TMP/root/usr/bin/knotmap"
unset KNOTMAP_DATA
"$bin" check >"$TMP/out" 2>&1 || { bad "installed knotmap check failed:"; cat "$TMP/out"; }
grep -q "^$TMP/root/usr/bin/../share/knotmap/knotmap.json: ok" "$TMP/out" || { bad "the installed binary did not check its own atlas:"; cat "$TMP/out"; }
mkdir "$TMP/out.d"
"$bin" export --select upper_trapezius --size 600x400 --out "$TMP/out.d/chart.png" >"$TMP/out" 2>&1 || { bad "installed export failed:"; cat "$TMP/out"; }
[ "$(head -c 8 "$TMP/out.d/chart.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || bad "the installed export wrote no PNG"
[ "$(stat -c %a "$TMP/out.d/chart.png")" = 600 ] || bad "the export is not mode 0600"
echo 1357 | "$bin" hash-pin | grep -q '^admin_pin_hash = \$y\$' || bad "installed hash-pin"

[ "$fail" = 0 ] && echo "ok: package built, linted, installed into a temporary root, check and export ran"
exit "$fail"
