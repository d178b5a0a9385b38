#!/usr/bin/env bash
# Regenerates the user guide's screenshots (docs/screenshots/guide-*.png, ja-*.png) with
# `mergelab --screenshot` (offscreen, 1280x800) on a demo model set.
#   bash docs/make_screenshots.sh [PROJECT.mergelab.json]
# PROJECT defaults to $MERGELAB_DEMO, else the user's demo (~/.local/share/mergelab/demo-r2, what
# `scripts/mergelab.sh run` builds). The language-model shots need $MERGELAB_LM_DEMO or the set the
# window builds (lm-demo). Preferences are isolated in a temporary config
# folder so a saved language or window layout does not leak into the pictures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${MERGELAB_BUILD_DIR:-$ROOT/build}"
APP="${MERGELAB_APP:-$BUILD/app/mergelab}"
OUT="$ROOT/docs/screenshots"
PROJECT="${1:-${MERGELAB_DEMO:-}}"
[ -n "$PROJECT" ] || PROJECT="${XDG_DATA_HOME:-$HOME/.local/share}/mergelab/demo-r2/demo.mergelab.json"
[ -f "$PROJECT" ] || { echo "error: $PROJECT: no such project (build one: mergelab-cli zoo build --preset demo --out DIR)" >&2; exit 1; }
BASE_CKPT="$(dirname "$PROJECT")/checkpoints/base.safetensors"

CONFIG="$(mktemp -d /tmp/mergelab-shots.XXXXXX)"
trap 'rm -rf "$CONFIG"' EXIT
export XDG_CONFIG_HOME="$CONFIG" QT_QPA_PLATFORM=offscreen
mkdir -p "$OUT"

shot() { # LANG FILE PAGE PATH
  echo "+ MERGELAB_LANG=$1 mergelab --screenshot $2 --page $3 $4"
  MERGELAB_LANG="$1" nice -n 10 "$APP" --size 1280x800 --screenshot "$OUT/$2" --page "$3" "$4"
}

for page in models understand tune learn experts diagnostics; do
  shot en "guide-$page.png" "$page" "$PROJECT"
done
if [ -f "$BASE_CKPT" ]; then
  shot en guide-checkpoint.png checkpoint "$BASE_CKPT"
fi
for page in models understand tune; do
  shot ja "ja-$page.png" "$page" "$PROJECT"
done
# The language-model set (what the first-start dialog builds, or $MERGELAB_LM_DEMO): the Tune page,
# then the Generate panel after one prompt.
LM_PROJECT="${MERGELAB_LM_DEMO:-${XDG_DATA_HOME:-$HOME/.local/share}/MergeLab/MergeLab/lm-demo/lm.mergelab.json}"
if [ -f "$LM_PROJECT" ]; then
  shot en guide-tune-lm.png tune "$LM_PROJECT"
  echo "+ MERGELAB_LANG=en mergelab --screenshot guide-generate.png --page tune --generate 'def ' $LM_PROJECT"
  MERGELAB_LANG=en nice -n 10 "$APP" --size 1280x800 --screenshot "$OUT/guide-generate.png" --page tune \
    --generate 'def ' "$LM_PROJECT"
  # The Experts page on a BTX Mixtral of the set's four fine-tunes, in a project whose base it is and
  # whose tasks are the set's (their val text is the calibration text of the output similarity).
  LM_DIR="$(dirname "$LM_PROJECT")"
  BTX="$CONFIG/btx"
  "$BUILD/app/mergelab-cli" btx --base "$LM_DIR/base" --expert "$LM_DIR/code" --expert "$LM_DIR/arithmetic" \
    --expert "$LM_DIR/verse" --expert "$LM_DIR/definitions" --top-k 2 --data "$LM_PROJECT" --router hidden \
    -o "$BTX" -q > /dev/null
  /usr/bin/python3 - "$LM_PROJECT" "$BTX" "$CONFIG/btx.mergelab.json" <<'PY'
import json, os, sys
project, btx, out = sys.argv[1:]
p = json.load(open(project))
folder = os.path.dirname(os.path.abspath(project))
p["name"] = "BTX of the language-model set"
p["base"] = {"name": "btx (hidden routers)", "path": btx}
p["models"] = []
for t in p["tasks"]:
    for key in ("text", "choices"):
        if key in t:
            t[key] = os.path.join(folder, t[key])
json.dump(p, open(out, "w"), indent=1)
PY
  shot en guide-experts-lm.png experts "$CONFIG/btx.mergelab.json"
fi
echo "project: $PROJECT"
ls -l "$OUT"/guide-*.png "$OUT"/ja-*.png
