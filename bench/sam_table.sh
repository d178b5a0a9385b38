#!/bin/bash
# Plain vs sharpness-aware (SAM) fine-tuning on a demo model set (issue 9, docs/mergeability.md).
# Re-fine-tunes every task of the project's shared base, plainly and with SAM, for each seed; then
# measures individual accuracy (test), sharpness and disentanglement error (diagnose), and merged
# accuracy with task arithmetic and TIES (lambda chosen on val, reported on test), optionally
# AdaMerging (ADA=1). Prints a markdown table of means over seeds. Run by hand, never by ctest.
#
#   bench/sam_table.sh [PROJECT] [OUT]        PHASE=finetune|evaluate|table|all (default all)
#   (PROJECT defaults to the user's demo set, ~/.local/share/mergelab/demo-r2, what scripts/mergelab.sh run builds)
#   env: CLI (mergelab-cli), RHO (0.05), SEEDS ("0 1 2"), LIMIT (diagnose samples/task, 300), ADA (0)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PROJECT=$(realpath "${1:-${XDG_DATA_HOME:-$HOME/.local/share}/mergelab/demo-r2/demo.mergelab.json}")
OUT=${2:-/tmp/sam_table}
CLI=${CLI:-$here/build/app/mergelab-cli}
RHO=${RHO:-0.05}
SEEDS=${SEEDS:-0 1 2}
LIMIT=${LIMIT:-300}
ADA=${ADA:-0}
PHASE=${PHASE:-all}
PY=/usr/bin/python3
mkdir -p "$OUT"
echo "project $PROJECT, out $OUT, rho $RHO, seeds $SEEDS" >&2

if [ "$PHASE" = finetune ] || [ "$PHASE" = all ]; then
  for seed in $SEEDS; do
    for kind in plain sam; do
      dir=$OUT/$kind-$seed
      [ -e "$dir/$kind-$seed.mergelab.json" ] && continue
      sam=(); [ $kind = sam ] && sam=(--sam "$RHO")
      echo "fine-tuning $kind seed $seed" >&2
      nice -n 10 "$CLI" finetune "$PROJECT" --all-tasks "${sam[@]}" --seed "$seed" -q --json -o "$dir" \
        > "$OUT/$kind-$seed.finetune.json" 2>/dev/null
    done
  done
fi

if [ "$PHASE" = evaluate ] || [ "$PHASE" = all ]; then
  for seed in $SEEDS; do
    for kind in plain sam; do
      p=$OUT/$kind-$seed/$kind-$seed.mergelab.json
      [ -e "$p" ] || continue
      r=$OUT/$kind-$seed
      [ -e "$r.diagnose.json" ] || nice -n 10 "$CLI" diagnose "$p" --split test --limit "$LIMIT" --rho "$RHO" -q \
        --json "$r.diagnose.json" > /dev/null 2>&1
      for task in $($PY -c "import json,sys; print(' '.join(m['name'] for m in json.load(open(sys.argv[1]))['models']))" "$p"); do
        [ -e "$r.eval-$task.json" ] || nice -n 10 "$CLI" eval "$p" --checkpoint "$OUT/$kind-$seed/checkpoints/$task.safetensors" \
          --split test --json -q > "$r.eval-$task.json" 2>/dev/null
      done
      for method in task_arithmetic ties; do
        extra=(); [ $method = ties ] && extra=(--param density=0.2)
        grid=lambda=0.05:0.6:0.05; [ $method = ties ] && grid=lambda=0.1:1.3:0.2
        if [ ! -e "$r.$method.json" ]; then
          best=$(nice -n 10 "$CLI" sweep "$p" --method $method --param "$grid" "${extra[@]}" --split val --json -q 2>/dev/null |
                 $PY -c "import json,sys; print(json.load(sys.stdin)['best']['value'])")
          nice -n 10 "$CLI" sweep "$p" --method $method --param "lambda=$best:$best:1" "${extra[@]}" --split test --json -q \
            > "$r.$method.json" 2>/dev/null
        fi
      done
      if [ "$ADA" = 1 ] && [ ! -e "$r.adamerging.json" ]; then
        nice -n 10 "$CLI" learn-merge --project "$p" -m adamerging --seed "$seed" --eval test -q > "$r.adamerging.json" 2>/dev/null
      fi
    done
  done
fi

# Table: means over the seeds that have results.
$PY - "$OUT" "$SEEDS" "$RHO" <<'PYEOF'
import json, os, sys, statistics as st
out, seeds, rho = sys.argv[1], sys.argv[2].split(), sys.argv[3]
def load(path):
    return json.load(open(path)) if os.path.exists(path) and os.path.getsize(path) > 0 else None
rows, tasks = {}, None
for kind in ("plain", "sam"):
    acc = {}
    for seed in seeds:
        r = f"{out}/{kind}-{seed}"
        d = load(r + ".diagnose.json")
        if not d:
            continue
        tasks = [m["task"] for m in d["sharpness"]]
        for m in d["sharpness"]:
            e = load(f"{r}.eval-{m['model']}.json")
            if e:
                acc.setdefault("acc:" + m["task"], []).append(100 * next(t["accuracy"] for t in e["tasks"] if t["name"] == m["task"]))
        acc.setdefault("sharpness", []).append(st.mean(m["sharpness"] for m in d["sharpness"]))
        acc.setdefault("pair", []).append(100 * d["disentanglement"]["pair_mean"])
        acc.setdefault("all", []).append(100 * d["disentanglement"]["all_mean"])
        for method in ("task_arithmetic", "ties"):
            s = load(f"{r}.{method}.json")
            if s:
                acc.setdefault(method, []).append(100 * s["values"][0]["average"])
                acc.setdefault(method + ":lambda", []).append(s["values"][0]["value"])
        a = load(r + ".adamerging.json")
        if a:
            acc.setdefault("adamerging", []).append(100 * a["average"])
        acc.setdefault("seeds", []).append(seed)
    rows[kind] = acc
if not tasks:
    sys.exit("no results yet")
def cell(kind, key, fmt="%.1f"):
    v = rows[kind].get(key)
    if not v:
        return "–"
    return (fmt % st.mean(v)) + (" ± " + (fmt % st.stdev(v)) if len(v) > 1 else "")
lines = []
lines.append("| measure | plain | SAM (ρ = %s) |" % rho)
lines.append("|---|---|---|")
for t in tasks:
    lines.append(f"| individual accuracy, {t} (%) | {cell('plain', 'acc:' + t)} | {cell('sam', 'acc:' + t)} |")
ind = {k: [st.mean(rows[k][f'acc:{t}'][i] for t in tasks) for i in range(len(rows[k].get('acc:' + tasks[0], [])))] for k in rows}
for k in rows:
    rows[k]["individual"] = ind[k]
lines.append(f"| **individual accuracy, mean (%)** | {cell('plain', 'individual')} | {cell('sam', 'individual')} |")
lines.append(f"| sharpness (loss rise at ρ = {rho}, mean of tasks) | {cell('plain', 'sharpness', '%.3f')} | {cell('sam', 'sharpness', '%.3f')} |")
lines.append(f"| disentanglement error, pairs, α = 0.3 (%) | {cell('plain', 'pair')} | {cell('sam', 'pair')} |")
lines.append(f"| disentanglement error, all tasks, α = 0.3 (%) | {cell('plain', 'all')} | {cell('sam', 'all')} |")
lines.append(f"| task arithmetic, test mean (%) [λ on val] | {cell('plain', 'task_arithmetic')} [{cell('plain', 'task_arithmetic:lambda', '%.2f')}] | {cell('sam', 'task_arithmetic')} [{cell('sam', 'task_arithmetic:lambda', '%.2f')}] |")
lines.append(f"| TIES (density 0.2), test mean (%) [λ on val] | {cell('plain', 'ties')} [{cell('plain', 'ties:lambda', '%.2f')}] | {cell('sam', 'ties')} [{cell('sam', 'ties:lambda', '%.2f')}] |")
lines.append(f"| AdaMerging task-wise, test mean (%) | {cell('plain', 'adamerging')} | {cell('sam', 'adamerging')} |")
lines.append(f"| seeds | {' '.join(rows['plain'].get('seeds', []))} | {' '.join(rows['sam'].get('seeds', []))} |")
text = "\n".join(lines)
open(f"{out}/table.md", "w").write(text + "\n")
print(text)
PYEOF
