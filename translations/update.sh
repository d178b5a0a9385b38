#!/usr/bin/env bash
# Collects the tr() strings of app/gui and widgets into the .ts files (lupdate, same options as the
# CMake target update_translations), then keeps the English source file complete: every English
# message is "translated" to itself so tools and tests see no unfinished entries.
# Usage: bash translations/update.sh        then translate new entries of mergelab_ja.ts
#        /usr/bin/python3 translations/ts_tool.py unfinished translations/mergelab_ja.ts   lists them
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LUPDATE="${LUPDATE:-/usr/lib/qt6/bin/lupdate}"
cd "$ROOT"
"$LUPDATE" -no-obsolete -locations none -source-language en app/gui widgets -target-language en -ts translations/mergelab_en.ts
"$LUPDATE" -no-obsolete -locations none -source-language en app/gui widgets -target-language ja -ts translations/mergelab_ja.ts
/usr/bin/python3 translations/ts_tool.py identity translations/mergelab_en.ts
/usr/bin/python3 translations/ts_tool.py unfinished translations/mergelab_ja.ts | tail -n 1
