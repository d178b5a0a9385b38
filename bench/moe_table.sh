#!/usr/bin/env bash
# The MoE accuracy table (docs/moe.md, issue 7): the BTX MoE ViT of a demo project's fine-tunes with a
# random or hidden-state router, with and without router fine-tuning, beside the individual fine-tunes,
# task arithmetic and TIES (λ as chosen on val by bench/demo_table.sh: TA_LAMBDA, TIES_LAMBDA), all on
# the whole test split.
#
#   bench/moe_table.sh PROJECT [WORKDIR]     (env: MERGELAB_CLI, STEPS=300, TA_LAMBDA=0.1, TIES_LAMBDA=0.3)
set -euo pipefail
project=${1:?usage: bench/moe_table.sh PROJECT [WORKDIR]}
work=${2:-/tmp/moe_table}
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${MERGELAB_CLI:-$here/build/app/mergelab-cli}
steps=${STEPS:-300}
mkdir -p "$work"

read -r -a info < <(/usr/bin/python3 - "$project" <<'PY'
import json, os, sys
p = sys.argv[1]; d = os.path.dirname(os.path.abspath(p)); j = json.load(open(p))
r = lambda x: os.path.normpath(os.path.join(d, x))
print(" ".join([r(j["base"]["path"]), r(j["architecture"]["config"])] + [m["name"] + "=" + r(m["path"]) for m in j["models"]]))
PY
)
base=${info[0]}; config=${info[1]}
experts=()
for a in "${info[@]:2}"; do
  experts+=(--expert "${a#*=}")
  [ -f "$work/ft_${a%%=*}.json" ] || "$cli" eval "$project" --checkpoint "${a#*=}" --split test --json -q > "$work/ft_${a%%=*}.json"
done
"$cli" sweep "$project" --method task_arithmetic --param "lambda=${TA_LAMBDA:-0.1}:${TA_LAMBDA:-0.1}:1" --split test --json -q > "$work/ta.json"
"$cli" sweep "$project" --method ties --param density=0.2 --param "lambda=${TIES_LAMBDA:-0.3}:${TIES_LAMBDA:-0.3}:1" --split test --json -q > "$work/ties.json"

# random/hidden router x {no training, routers fine-tuned}; "x" = hidden router, routers + experts fine-tuned.
for router in random hidden x; do
  for s in 0 "$steps"; do
    [ "$router" = x ] && [ "$s" = 0 ] && continue
    out=$work/btx-$router-$s
    ft=(); [ "$s" -gt 0 ] && ft=(--finetune-router "$s" --loss-log "$work/loss-$router-$s.csv")
    kind=$router
    [ "$router" = x ] && { kind=hidden; ft+=(--train-experts --lr 0.003); }
    rm -rf "$out"
    start=$(date +%s.%N)
    # The MoE ViT is evaluated by btx's own --evaluate (whole test split).
    nice -n 10 "$cli" btx --base "$base" "${experts[@]}" --config "$config" --top-k 2 --router "$kind" \
      --data "$project" "${ft[@]}" -o "$out" -q --evaluate "$project" --eval-limit 100000 > "$work/btx-$router-$s.log"
    echo "$(date +%s.%N) - $start" | bc > "$work/btx-$router-$s.seconds"
    /usr/bin/python3 - "$work/btx-$router-$s.log" > "$work/btx-$router-$s.json" <<'PY'
import json, sys
tasks = []
for line in open(sys.argv[1]):
    f = line.split()
    if line.startswith("  ") and len(f) >= 2 and f[0] != "average":
        tasks.append({"name": f[0], "accuracy": float(f[1])})
print(json.dumps({"tasks": tasks}))
PY
  done
done

/usr/bin/python3 - "$work" "$steps" <<'PY'
import glob, json, os, sys
work, steps = sys.argv[1], sys.argv[2]
ta = json.load(open(os.path.join(work, "ta.json")))["values"][0]
tasks = [t["name"] for t in ta["tasks"]]
def row(label, acc):
    avg = sum(acc[t] for t in tasks) / len(tasks)
    print("| " + label + " | " + " | ".join("%.1f" % (100 * acc[t]) for t in tasks) + " | %.1f |" % (100 * avg))
print("| model | " + " | ".join(tasks) + " | avg |")
print("|---|" + "---|" * (len(tasks) + 1))
own = {}
for t in tasks:
    ft = json.load(open(os.path.join(work, "ft_%s.json" % t)))
    own[t] = next(x["accuracy"] for x in ft["tasks"] if x["name"] == t)
row("fine-tuned (each on its own task)", own)
row("task arithmetic", {x["name"]: x["accuracy"] for x in ta["tasks"]})
ties = json.load(open(os.path.join(work, "ties.json")))["values"][0]
row("TIES (density 0.2)", {x["name"]: x["accuracy"] for x in ties["tasks"]})
for router in ("random", "hidden", "x"):
    for s in ("0", steps):
        if router == "x" and s == "0":
            continue
        res = json.load(open(os.path.join(work, "btx-%s-%s.json" % (router, s))))
        secs = float(open(os.path.join(work, "btx-%s-%s.seconds" % (router, s))).read())
        if router == "x":
            label = "BTX MoE ViT, hidden router, routers + experts fine-tuned %s steps (%.0f s with eval)" % (s, secs)
        else:
            label = "BTX MoE ViT, %s router, %s (%.0f s with eval)" % (router, "no training" if s == "0" else "routers fine-tuned %s steps" % s, secs)
        row(label, {x["name"]: x["accuracy"] for x in res["tasks"]})
PY
