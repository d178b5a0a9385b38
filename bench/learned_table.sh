#!/usr/bin/env bash
# The papers' table on a demo model set (issue 8): per-task and average test accuracy of the
# pretrained and fine-tuned models, simple average, task arithmetic, TIES, Fisher, RegMean,
# AdaMerging task-/layer-wise and WEMoE; wall time and peak memory of each method; the methods
# that train averaged over seeds. Run by hand (takes ~15-30 min on 2 cores):
#   bench/learned_table.sh PROJECT OUTDIR [SEEDS="0 1 2"]
# Env: CLI (default build/app/mergelab-cli), ADA_STEPS (500), WEMOE_STEPS (1000), FISHER_SAMPLES (256).
# Writes OUTDIR/<run>.{json,log,time,report.json} and prints the markdown table (also OUTDIR/table.md).
set -euo pipefail
PROJECT=$(readlink -f "$1")
OUT=$2
SEEDS=${3:-0 1 2}
CLI=${CLI:-build/app/mergelab-cli}
ADA_STEPS=${ADA_STEPS:-500}
WEMOE_STEPS=${WEMOE_STEPS:-1000}
FISHER_SAMPLES=${FISHER_SAMPLES:-256}
PY=/usr/bin/python3
mkdir -p "$OUT"

# timed NAME CMD...: stdout -> NAME.json, stderr -> NAME.log, "seconds peakKiB" -> NAME.time
timed() {
    local name=$1; shift
    if [[ -s "$OUT/$name.json" && -s "$OUT/$name.time" ]]; then echo "skip $name (done)" >&2; return; fi
    echo "run $name" >&2
    /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "$@" > "$OUT/$name.json" 2> "$OUT/$name.log"
}

read -r BASE MODELS < <($PY - "$PROJECT" <<'PY'
import json, os, sys
p = sys.argv[1]; d = os.path.dirname(p); j = json.load(open(p))
print(os.path.join(d, j["base"]["path"]), " ".join(os.path.join(d, m["path"]) for m in j["models"]))
PY
)
MODEL_ARGS=(); for m in $MODELS; do MODEL_ARGS+=(--model "$m"); done

# Rows that need no training: evaluated checkpoints and static merges (merge time = method time).
timed base "$CLI" eval "$PROJECT" --checkpoint "$BASE" --split test --json -q
i=0
for m in $MODELS; do timed "finetuned$i" "$CLI" eval "$PROJECT" --checkpoint "$m" --split test --json -q; i=$((i+1)); done
for spec in "average:linear" "task_arithmetic:task_arithmetic --lambda 0.3" "ties:ties --density 0.2 --lambda 1"; do
    name=${spec%%:*}; args=${spec#*:}
    if [[ ! -s "$OUT/$name.time" ]]; then
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "$CLI" merge --method $args --base "$BASE" "${MODEL_ARGS[@]}" \
            -o "$OUT/$name.safetensors" -q > "$OUT/$name.mergelog" 2>&1
    fi
    timed "$name" "$CLI" eval "$PROJECT" --checkpoint "$OUT/$name.safetensors" --split test --json -q
    rm -f "$OUT/$name.safetensors" "$OUT/$name.safetensors.mergelab_recipe.json"
done

# Data-driven merges: learn-merge prints "<method>: S s" (method time without evaluation) and the JSON.
learn() {
    local name=$1; shift
    timed "$name" "$CLI" learn-merge --project "$PROJECT" --eval test -q --report "$OUT/$name.report.json" "$@"
}
learn fisher -m fisher --samples "$FISHER_SAMPLES" --seed 0
learn regmean -m regmean --samples 256 --alpha 0.9
for s in $SEEDS; do
    learn "adamerging-s$s" -m adamerging --steps "$ADA_STEPS" --lr 1e-3 --seed "$s"
    learn "adamerging-layerwise-s$s" -m adamerging-layerwise --steps "$ADA_STEPS" --lr 1e-3 --seed "$s"
    learn "wemoe-s$s" -m wemoe --steps "$WEMOE_STEPS" --lr 1e-4 --seed "$s"
done

$PY - "$OUT" "$PROJECT" <<'PY' | tee "$OUT/table.md"
import glob, json, os, re, statistics, sys
out, project = sys.argv[1], sys.argv[2]
proj = json.load(open(project))
tasks = [m["task"] for m in proj["models"]]

def acc(name):
    j = json.load(open(os.path.join(out, name + ".json")))
    return {t["name"]: 100 * t["accuracy"] for t in j["tasks"]}

def cost(name):
    secs, kib = open(os.path.join(out, name + ".time")).read().split()[-2:]
    log = os.path.join(out, name + ".log")
    m = re.search(r": ([0-9.e+-]+) s", open(log).read()) if os.path.exists(log) else None
    return (float(m.group(1)) if m else float(secs)), int(kib) / 1024 ** 2

rows = []
rows.append(("pretrained (base)", [acc("base")], None))
individual = {t: acc("finetuned%d" % i)[t] for i, t in enumerate(tasks)}
rows.append(("individual fine-tunes", [individual], None))
rows.append(("simple average", [acc("average")], [cost("average")]))
rows.append(("task arithmetic (λ=0.3)", [acc("task_arithmetic")], [cost("task_arithmetic")]))
rows.append(("TIES (k=20%, λ=1)", [acc("ties")], [cost("ties")]))
rows.append(("Fisher (256/task)", [acc("fisher")], [cost("fisher")]))
rows.append(("RegMean (256/task, α=0.9)", [acc("regmean")], [cost("regmean")]))
for label, prefix in [("AdaMerging task-wise", "adamerging-s"), ("AdaMerging layer-wise", "adamerging-layerwise-s"),
                      ("WEMoE", "wemoe-s")]:
    runs = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(out, prefix + "*.json"))
                  if not p.endswith(".report.json"))
    if runs:
        rows.append(("%s (%d seeds)" % (label, len(runs)), [acc(r) for r in runs], [cost(r) for r in runs]))

print("| method | " + " | ".join(tasks) + " | average | ± (seeds) | method wall s | peak GiB |")
print("|---|" + "---:|" * (len(tasks) + 4))
for label, accs, costs in rows:
    per = [statistics.mean(a[t] for a in accs) for t in tasks]
    avgs = [statistics.mean(a[t] for t in tasks) for a in accs]
    spread = "%.1f" % statistics.stdev(avgs) if len(avgs) > 1 else ""
    wall = "%.1f" % statistics.mean(c[0] for c in costs) if costs else ""
    peak = "%.2f" % max(c[1] for c in costs) if costs else ""
    print("| %s | %s | **%.1f** | %s | %s | %s |" % (label, " | ".join("%.1f" % p for p in per),
                                                      statistics.mean(avgs), spread, wall, peak))
PY
