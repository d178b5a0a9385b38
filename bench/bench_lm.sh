#!/usr/bin/env bash
# Language-model forward: MergeLab against a plain python3-torch float32 forward of the same weights,
# in the same run. A random model of TinyLlama-1.1B's shape in bf16 (bench/make_bench_lm.py, 2.2 GB),
# one forward over 512 tokens each; tokens/s and peak RSS, and the ratio of the two.
#
#   bench/bench_lm.sh [DIR] [TOKENS]   (DIR: where the model is written once; default /tmp/mergelab-bench-lm)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/mergelab-bench-lm}
tokens=${2:-512}
bench=${MERGELAB_BENCH_LM:-$here/build/bench/bench_lm}
[ -f "$dir/model.safetensors" ] || /usr/bin/python3 "$here/bench/make_bench_lm.py" "$dir"
sync
ours=$("$bench" "$dir" --tokens "$tokens")
theirs=$(/usr/bin/python3 "$here/bench/lm_forward_baseline.py" "$dir" --tokens "$tokens")
/usr/bin/python3 - "$ours" "$theirs" "$dir/model.safetensors" <<'PY'
import json, os, sys
ours, theirs, path = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
size = os.path.getsize(path)
print("checkpoint: %.2f GB bf16" % (size / 1e9))
print("%-32s %10s %12s %10s" % ("", "tokens/s", "peak RSS", "RSS/ckpt"))
for name, r in (("MergeLab (bf16 weights, f32 math)", ours), ("python3-torch f32 forward", theirs)):
    print("%-32s %10.1f %10.2f GB %10.2f" % (name, r["tokens_per_second"], r["peak_rss_bytes"] / 1e9,
                                             r["peak_rss_bytes"] / size))
print("speed ratio (MergeLab / python): %.2f" % (ours["tokens_per_second"] / theirs["tokens_per_second"]))
print("last-token logit checksums: %.4f vs %.4f" % (ours["logit_checksum"], theirs["logit_checksum"]))
PY
