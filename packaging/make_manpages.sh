#!/usr/bin/env bash
# Generates the man pages of mergelab-cli (with every verb's --help as its own section) and
# mergelab from their --help output with help2man (Debian package help2man).
# Usage: make_manpages.sh CLI_BINARY GUI_BINARY|- OUT_DIR
# The generated pages are committed in packaging/man/ for builds without help2man; the build
# (packaging/CMakeLists.txt) re-runs this script when help2man is installed.
set -euo pipefail
CLI="$1"; GUI="$2"; OUT="$3"
VERSION="$("$CLI" --version | awk '{print $NF}')"
mkdir -p "$OUT"
include="$(mktemp)"
trap 'rm -f "$include"' EXIT
{
  echo "[COMMANDS]"
  # Verbs are the indented words under "Subcommands:" in the top-level help.
  for verb in $("$CLI" --help | awk '/^Subcommands:/{s=1;next} s&&/^  [a-z]/{print $1}'); do
    echo ".SS $verb"
    echo ".nf"
    "$CLI" "$verb" --help | sed -e 's/\\/\\e/g' -e 's/^\./\\\&./'
    echo ".fi"
  done
  cat <<'TXT'
[EXIT STATUS]
0 on success, 1 on an error (printed as one line, "error: <file>: <what>"), 2 for usage errors,
130 when cancelled with Ctrl-C. No partial output is ever left under the final name.
[FILES]
.TP
.I *.mergelab.json
MergeLab projects: a base checkpoint, fine-tuned checkpoints and task data, paths relative to the file.
[SEE ALSO]
.BR mergelab (1).
The user guide and file formats: /usr/share/doc/mergelab/guide.md, /usr/share/doc/mergelab/formats.md.
TXT
} > "$include"
help2man --no-info --version-string="$VERSION" \
  --name="inspect, convert, analyse, merge and evaluate fine-tuned neural network checkpoints" \
  --include="$include" --output="$OUT/mergelab-cli.1" "$CLI"
if [ "$GUI" != "-" ]; then
  cat > "$include" <<'TXT'
[DESCRIPTION]
MergeLab is a desktop workbench for merging fine-tuned neural networks: open a model set (a
pretrained checkpoint and checkpoints fine-tuned from it), read how the task vectors relate, tune
merge coefficients while the merged model is evaluated, and export merged checkpoints. Started
without a project, it offers to build or open the demo model set in the user's data folder.
[ENVIRONMENT]
.TP
.B MERGELAB_LANG
Language of the user interface (en, ja); overrides the Preferences choice and the system locale.
[SEE ALSO]
.BR mergelab-cli (1).
TXT
  QT_QPA_PLATFORM=offscreen help2man --no-info --version-string="$VERSION" \
    --name="workbench for merging fine-tuned neural networks" \
    --include="$include" --output="$OUT/mergelab.1" "$GUI"
fi
