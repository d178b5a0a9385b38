#!/usr/bin/env bash
# Builds the Debian package from the build tree and tests it as installed, in a clean folder
# tree (dpkg -x), without touching the system:
#   bash packaging/test_deb.sh            full test (also builds the tiny demo set with the
#                                         installed mergelab-cli and screenshots the window, ~1 min)
#   bash packaging/test_deb.sh --quick    package, metadata and --help checks only (the ctest)
# Prints what it runs; exits non-zero on the first failed check.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MERGELAB_BUILD_DIR:-$ROOT/build}"
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
LOCK=/tmp/mergelab-build.lock

run() { echo "+ $*"; "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Build what the package holds (through the shared build lock when there is one), then cpack.
if [ "${MERGELAB_SKIP_BUILD:-0}" != 1 ]; then
  if [ -e "$LOCK" ]; then
    run flock "$LOCK" ninja -C "$BUILD" -j2 mergelab mergelab-cli mergelab_package_files
  else
    run ninja -C "$BUILD" mergelab mergelab-cli mergelab_package_files
  fi
fi
rm -f "$BUILD"/packages/mergelab_*.deb
(cd "$BUILD" && run cpack -G DEB >/dev/null)
DEB="$(ls "$BUILD"/packages/mergelab_*.deb)"
echo "package: $DEB ($(du -h "$DEB" | cut -f1))"

# 2. Control fields: library Depends computed by dpkg-shlibdeps, run-time data listed.
run dpkg-deb -I "$DEB"
depends="$(dpkg-deb -f "$DEB" Depends)"
recommends="$(dpkg-deb -f "$DEB" Recommends)"
for want in libtorch libqt6widgets6 libqt6charts6 libqt6gui6 libhdf5-103-1 libhdf5-cpp-103-1 libopenblas0-pthread \
            libfreetype6 libyaml-cpp0.7 fonts-dejavu-core fonts-freefont-ttf fonts-liberation2 dataset-fashion-mnist fortunes libsentencepiece0; do
  grep -q "$want" <<<"$depends" || fail "Depends lacks $want: $depends"
done
grep -q fonts-noto-cjk <<<"$recommends" || fail "Recommends lacks fonts-noto-cjk: $recommends"
echo "ok: Depends and Recommends"

# 3. Contents.
contents="$(dpkg-deb -c "$DEB")"
for f in usr/bin/mergelab usr/bin/mergelab-cli usr/share/applications/org.mergelab.MergeLab.desktop \
         usr/share/metainfo/org.mergelab.MergeLab.metainfo.xml usr/share/mime/packages/org.mergelab.MergeLab.xml \
         usr/share/icons/hicolor/scalable/apps/org.mergelab.MergeLab.svg \
         usr/share/icons/hicolor/16x16/apps/org.mergelab.MergeLab.png usr/share/icons/hicolor/256x256/apps/org.mergelab.MergeLab.png \
         usr/share/man/man1/mergelab-cli.1.gz usr/share/man/man1/mergelab.1.gz usr/share/doc/mergelab/copyright; do
  grep -q " \./$f\$" <<<"$contents" || fail "package lacks /$f"
done
echo "ok: contents ($(wc -l <<<"$contents") entries)"

# 4. Would apt accept it here (all Depends resolvable)? Simulation only.
if command -v apt-get >/dev/null; then
  run apt-get install -s -q "$DEB" | tail -n 3
fi

# 5. Run it from a clean folder tree.
TREE="$(mktemp -d /tmp/mergelab-deb.XXXXXX)"
trap 'rm -rf "$TREE"' EXIT
run dpkg -x "$DEB" "$TREE"
ldd "$TREE/usr/bin/mergelab-cli" "$TREE/usr/bin/mergelab" | grep -q "not found" && fail "unresolved libraries"
run "$TREE/usr/bin/mergelab-cli" --help | head -n 3
run "$TREE/usr/bin/mergelab-cli" --version
QT_QPA_PLATFORM=offscreen run "$TREE/usr/bin/mergelab" --version
if command -v desktop-file-validate >/dev/null; then
  run desktop-file-validate "$TREE/usr/share/applications/org.mergelab.MergeLab.desktop"
fi
if command -v appstreamcli >/dev/null; then
  run appstreamcli validate --no-net "$TREE/usr/share/metainfo/org.mergelab.MergeLab.metainfo.xml"
fi
if command -v xmllint >/dev/null; then
  run xmllint --noout "$TREE/usr/share/mime/packages/org.mergelab.MergeLab.xml"
fi
run man -l "$TREE/usr/share/man/man1/mergelab-cli.1.gz" >/dev/null 2>&1 || true

if [ "$QUICK" = 1 ]; then
  echo "ok: quick package test"
  exit 0
fi

# 6. The installed tools do real work: build the tiny demo set, open it in the window, screenshot.
export XDG_CONFIG_HOME="$TREE/config" XDG_DATA_HOME="$TREE/data"
run nice -n 10 "$TREE/usr/bin/mergelab-cli" zoo build --preset tiny --out "$TREE/demo" | tail -n 3
test -f "$TREE/demo/demo.mergelab.json" || fail "zoo build wrote no project"
run "$TREE/usr/bin/mergelab" --screenshot "$TREE/shot.png" --page understand "$TREE/demo/demo.mergelab.json"
test -s "$TREE/shot.png" || fail "no screenshot"
MERGELAB_LANG=ja run "$TREE/usr/bin/mergelab" --screenshot "$TREE/shot-ja.png" --page models "$TREE/demo/demo.mergelab.json"
test -s "$TREE/shot-ja.png" || fail "no Japanese screenshot"
mkdir -p "$BUILD/packages"
cp "$TREE/shot.png" "$BUILD/packages/installed-understand.png"
cp "$TREE/shot-ja.png" "$BUILD/packages/installed-models-ja.png"
echo "screenshots: $BUILD/packages/installed-understand.png $BUILD/packages/installed-models-ja.png"

# 7. lintian, when installed (reports; its findings do not fail this test).
if command -v lintian >/dev/null; then
  run lintian --no-tag-display-limit "$DEB" || true
fi
echo "ok: full package test"
