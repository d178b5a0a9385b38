#!/usr/bin/env bash
# Accuracy retained vs experts kept (issue 7): the BTX MoE ViT of a demo project's fine-tunes (hidden-state
# router, router fine-tuned), every MoE layer cut to K = E-1 .. 1 experts by
#   weights  - similarity-grouped merging, model-centric (average linkage on expert weight cosine)
#   outputs  - similarity-grouped merging, data-centric (expert output cosine on calibration images)
#   drop     - keep the K most used experts (routing usage on calibration images), drop the rest
#   random   - random groups, merged like the others (mean of SEEDS seeds)
# Merged groups: plain average of weights, router rows by the lse fit on recorded router inputs (the
# default with data; drop keeps its rows). Calibration: CALIB train images of every task (task-agnostic
# in the sense that no labels are used). Accuracy: average over tasks, first EVAL test images per task.
#
#   bench/moe_curves.sh PROJECT [WORKDIR]        prints a markdown table, writes WORKDIR/curves.csv
#   (env: MERGELAB_CLI, STEPS=300, TRAIN_EXPERTS=1 (routers + experts, lr 0.003; 0: routers only, lr 0.01),
#    CALIB=32, EVAL=1000, SEEDS=3, PNG=docs/moe-curves.png to draw it)
set -euo pipefail
project=${1:?usage: bench/moe_curves.sh PROJECT [WORKDIR]}
work=${2:-/tmp/moe_curves}
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${MERGELAB_CLI:-$here/build/app/mergelab-cli}
steps=${STEPS:-300}; trainExperts=${TRAIN_EXPERTS:-1}; calib=${CALIB:-32}; eval=${EVAL:-1000}; seeds=${SEEDS:-3}
mkdir -p "$work"

# base, experts, config and datasets from the project.
read -r -a info < <(/usr/bin/python3 - "$project" <<'PY'
import json, os, sys
p = sys.argv[1]; d = os.path.dirname(os.path.abspath(p)); j = json.load(open(p))
r = lambda x: os.path.normpath(os.path.join(d, x))
out = [r(j["base"]["path"]), r(j["architecture"]["config"])]
out += ["--expert=" + r(m["path"]) for m in j["models"]]
out += ["--data=" + r(t["dataset"]) for t in j["tasks"] if t.get("dataset")]
print(" ".join(out))
PY
)
base=${info[0]}; config=${info[1]}
experts=(); data=()
for a in "${info[@]:2}"; do case $a in --expert=*) experts+=(--expert "${a#--expert=}");; --data=*) data+=(--data "${a#--data=}");; esac; done

moe=$work/btx-ft$steps-experts$trainExperts
train=(--lr 0.01); [ "$trainExperts" = 1 ] && train=(--train-experts --lr 0.003)
if [ ! -d "$moe" ]; then
  nice -n 10 "$cli" btx --base "$base" "${experts[@]}" --config "$config" --top-k 2 --router hidden --data "$project" \
    --finetune-router "$steps" "${train[@]}" --loss-log "$work/router-loss.csv" -o "$moe" -q
fi
E=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["num_local_experts"])' "$moe/config.json")

run() { # label K extra-args...
  local label=$1 k=$2; shift 2
  local out=$work/k$k-$label
  rm -rf "$out"
  nice -n 10 "$cli" experts "$moe" "${data[@]}" --calibration "$calib" --merge-to "$k" "$@" -o "$out" \
    --evaluate "$project" --eval-limit "$eval" --json "$work/k$k-$label.json" -q > /dev/null
  rm -rf "$out"
}
for ((k = E - 1; k >= 1; k--)); do
  run weights "$k" --by weights
  run outputs "$k" --by outputs
  run drop "$k" --drop-least-used
  for ((s = 0; s < seeds; s++)); do run "random$s" "$k" --by random --seed "$s"; done
done

/usr/bin/python3 - "$work" "$E" "$seeds" <<'PY'
import json, os, sys
work, E, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def acc(k, label):
    a = json.load(open(os.path.join(work, "k%d-%s.json" % (k, label))))["merge"]["accuracy"]
    return sum(t["before"] for t in a) / len(a), sum(t["after"] for t in a) / len(a)
full = acc(E - 1, "weights")[0]
rows = []
print("full MoE (%d experts per layer): average accuracy %.4f" % (E, full))
print("| experts kept K | weights | outputs | drop least-used | random (mean of %d) |" % seeds)
print("|---|---|---|---|---|")
with open(os.path.join(work, "curves.csv"), "w") as csv:
    csv.write("k,weights,outputs,drop,random,random_min,random_max,full\n")
    csv.write("%d,%f,%f,%f,%f,%f,%f,%f\n" % (E, full, full, full, full, full, full, full))
    for k in range(E - 1, 0, -1):
        w, o, d = acc(k, "weights")[1], acc(k, "outputs")[1], acc(k, "drop")[1]
        r = [acc(k, "random%d" % s)[1] for s in range(seeds)]
        rm = sum(r) / len(r)
        csv.write("%d,%f,%f,%f,%f,%f,%f,%f\n" % (k, w, o, d, rm, min(r), max(r), full))
        f = lambda x: "%.3f (%.0f%%)" % (x, 100 * x / full)
        print("| %d | %s | %s | %s | %s [%.3f-%.3f] |" % (k, f(w), f(o), f(d), f(rm), min(r), max(r)))
PY
if [ -n "${PNG:-}" ]; then
  plot=$work/moe_curves_plot
  g++ -std=c++17 -O1 -fPIC "$here/bench/moe_curves_plot.cpp" -o "$plot" $(pkg-config --cflags --libs Qt6Gui)
  title="BTX MoE ViT, $E experts per layer (routers$([ "$trainExperts" = 1 ] && echo " + experts") fine-tuned): accuracy vs experts kept"
  QT_QPA_PLATFORM=offscreen "$plot" "$work/curves.csv" "$PNG" "$title"
fi
