#!/usr/bin/env bash
# The README's demo table: pretrained base, each fine-tune on its own task, simple average, task
# arithmetic, TIES (density 0.2) and DARE-TIES (density 0.1 = drop 0.9), each λ chosen by a sweep on
# the val split, then every row evaluated once on the full test split.
#
#   bench/demo_table.sh PROJECT [VAL_LIMIT]      (VAL_LIMIT: val samples per task for the sweeps; default all)
#
# Needs the built mergelab-cli (MERGELAB_CLI or build/app/mergelab-cli) and /usr/bin/python3.
set -euo pipefail
project=${1:?usage: bench/demo_table.sh PROJECT [VAL_LIMIT]}
limit=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${MERGELAB_CLI:-$here/build/app/mergelab-cli}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
limitArg=()
[ -n "$limit" ] && limitArg=(--limit "$limit")

# name|method|fixed params|swept range (λ chosen on val)
rows=(
  "simple average|linear||weight=1:1:1"
  "task arithmetic|task_arithmetic||lambda=0.1:1.5:0.1"
  "TIES (density 0.2)|ties|density=0.2|lambda=0.2:3.0:0.2"
  "DARE-TIES (density 0.1, seed 0)|dare_ties|density=0.1 normalize=1 seed=0|lambda=0.2:3.0:0.2"
)

dir=$(dirname "$project")
"$cli" eval "$project" --split test --json -q > "$tmp/base.json"
for ckpt in "$dir"/checkpoints/*.safetensors; do
  name=$(basename "$ckpt" .safetensors)
  [ "$name" = base ] && continue
  "$cli" eval "$project" --checkpoint "$ckpt" --split test --json -q > "$tmp/ft_$name.json"
done
i=0
for row in "${rows[@]}"; do
  IFS='|' read -r label method fixed range <<< "$row"
  fixedArgs=()
  for f in $fixed; do fixedArgs+=(--param "$f"); done
  "$cli" sweep "$project" --method "$method" "${fixedArgs[@]}" --param "$range" --split val "${limitArg[@]}" --json -q > "$tmp/sweep_$i.json"
  best=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["best"]["value"])' "$tmp/sweep_$i.json")
  pname=${range%%=*}
  "$cli" sweep "$project" --method "$method" "${fixedArgs[@]}" --param "$pname=$best:$best:1" --split test --json -q > "$tmp/test_$i.json"
  echo "$label|$pname|$best" > "$tmp/label_$i"
  i=$((i + 1))
done

/usr/bin/python3 - "$tmp" "$i" <<'PY'
import glob, json, os, sys
tmp, n = sys.argv[1], int(sys.argv[2])
base = json.load(open(os.path.join(tmp, "base.json")))
tasks = [t["name"] for t in base["tasks"]]
def row(label, acc):
    avg = sum(acc[t] for t in tasks) / len(tasks)
    print("| " + label + " | " + " | ".join("%.1f" % (100 * acc[t]) for t in tasks) + " | %.1f |" % (100 * avg))
print("| model | " + " | ".join(tasks) + " | avg |")
print("|---|" + "---|" * (len(tasks) + 1))
row("pretrained base", {t["name"]: t["accuracy"] for t in base["tasks"]})
own = {}
for t in tasks:
    ft = json.load(open(os.path.join(tmp, "ft_%s.json" % t)))
    own[t] = next(x["accuracy"] for x in ft["tasks"] if x["name"] == t)
row("fine-tuned (each on its own task)", own)
for i in range(n):
    label, pname, best = open(os.path.join(tmp, "label_%d" % i)).read().strip().split("|")
    res = json.load(open(os.path.join(tmp, "test_%d.json" % i)))["values"][0]
    acc = {x["name"]: x["accuracy"] for x in res["tasks"]}
    if pname == "lambda":
        label += ", λ = %s on val" % best
    row(label, acc)
PY
