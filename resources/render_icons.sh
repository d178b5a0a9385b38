#!/usr/bin/env bash
# Renders the hicolor PNG icons from the SVG source (rsvg-convert from Debian's librsvg2-bin).
# The PNGs are committed; re-run after editing icons/org.mergelab.MergeLab.svg.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/icons"
for size in 16 32 48 64 128 256; do
  mkdir -p "hicolor/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" org.mergelab.MergeLab.svg -o "hicolor/${size}x${size}/apps/org.mergelab.MergeLab.png"
done
