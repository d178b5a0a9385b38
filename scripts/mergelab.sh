#!/usr/bin/env bash
# One entry point for the README's two commands:
#   bash scripts/mergelab.sh run    install what is missing, build, open the workbench on the demo model set
#   bash scripts/mergelab.sh test   install what is missing, build, run the whole test suite with ctest
# Idempotent: installs only missing Debian packages, builds incrementally (ccache when present),
# builds the demo model set once into the user's data folder and reuses it afterwards.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MERGELAB_BUILD_DIR:-$ROOT/build}"
DEMO="${MERGELAB_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/mergelab/demo-r2}"  # kDemoFolderName in core/zoo/zoo_builder.h
JOBS="$(nproc)"

# Debian 12 packages: toolchain, LibTorch (+ OpenBLAS: the reference BLAS is ~30x slower), Qt 6 (Charts needs
# the OpenGL and xkbcommon dev packages), HDF5, JSON/YAML/CLI libraries, fonts and Fashion-MNIST for the demo
# model set, python3-torch/h5py for the reference scripts, Xvfb for screenshots, clang-format for the format test;
# SentencePiece (tokenizers: the library, and the python binding for the fixture scripts) and fortunes (text of the
# language-model demo set).
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-pthread python3-torch python3-numpy python3-h5py python3-yaml
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev libgl-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  libhdf5-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev libfreetype-dev
  dataset-fashion-mnist fonts-dejavu-core fonts-freefont-ttf fonts-liberation2 fonts-noto-cjk
  xvfb xauth clang-format
  libsentencepiece-dev python3-sentencepiece fortunes
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "mergelab: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

# build [TARGET...]: configure once, then build the given targets (none: everything, tests included).
# MERGELAB_FAIL_ON_WARNINGS=1 (CI): any compiler warning fails the build. It reads the build's output rather
# than adding -Werror, so the compile commands, and with them ccache's objects, are the same as a developer's
# (ccache replays a cached compile's warnings).
build() {
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${MERGELAB_CMAKE_ARGS:-}
  fi
  local targets=()
  [ "$#" -gt 0 ] && targets=(--target "$@")
  if [ "${MERGELAB_FAIL_ON_WARNINGS:-0}" = 1 ]; then
    local log="$BUILD/build-output.log"
    cmake --build "$BUILD" -j "$JOBS" "${targets[@]}" 2>&1 | tee "$log"
    if grep -q 'warning:' "$log"; then
      echo "mergelab: the build printed compiler warnings (MERGELAB_FAIL_ON_WARNINGS=1):" >&2
      grep 'warning:' "$log" | sort -u >&2
      exit 1
    fi
  else
    cmake --build "$BUILD" -j "$JOBS" "${targets[@]}"
  fi
}

ensure_demo() {
  if [ ! -f "$DEMO/demo.mergelab.json" ]; then
    echo "mergelab: building the demo model set into $DEMO (once; later runs reuse it)"
    "$BUILD/app/mergelab-cli" zoo build --preset demo --out "$DEMO"
  fi
}

case "${1:-}" in
  run)
    install_missing
    build mergelab mergelab-cli  # only what the demo needs: the tests are built by `test`
    ensure_demo
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "mergelab: no display; opening the workbench under Xvfb and saving a screenshot to $ROOT/mergelab-demo.png"
      exec xvfb-run -a "$BUILD/app/mergelab" --screenshot "$ROOT/mergelab-demo.png" "$DEMO/demo.mergelab.json"
    fi
    exec "$BUILD/app/mergelab" "$DEMO/demo.mergelab.json"
    ;;
  test)
    install_missing
    build
    cd "$BUILD"
    exec ctest --output-on-failure -j "$JOBS" ${MERGELAB_CTEST_ARGS:-}
    ;;
  *)
    echo "usage: bash scripts/mergelab.sh run|test" >&2
    exit 2
    ;;
esac
