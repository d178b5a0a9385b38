#!/usr/bin/env bash
# The language-model MoE tables (docs/language-models.md): Branch-Train-MiX on the LM demo set's four
# fine-tunes against task arithmetic, TIES and the fine-tunes themselves, and then merging the BTX
# model's experts down to K per layer (similarity groups vs dropping the least-used experts vs random
# groups). Every number is held-out perplexity on the test split from `mergelab-cli eval`.
#
#   bench/lm_moe_table.sh SET_DIR [ROUTER_STEPS]
#
# SET_DIR: the output of `mergelab-cli zoo build --preset lm-demo`. Router training and hidden-state
# routers read the domains' train text; expert similarity reads their val text; nothing reads test.
# Task arithmetic and TIES use λ 0.2 and 0.7, what bench/lm_table.sh chose on the val split for the
# first lm-demo build (it picks λ per build; see its table for this one's).
set -euo pipefail
set_dir=${1:?usage: bench/lm_moe_table.sh SET_DIR [ROUTER_STEPS]}
steps=${2:-200}
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${MERGELAB_CLI:-$here/build/app/mergelab-cli}
project="$set_dir/lm.mergelab.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
domains=(code arithmetic verse definitions)
experts=()
models=()
calibration=()
for d in "${domains[@]}"; do
  experts+=(--expert "$set_dir/$d")
  models+=(--model "$set_dir/$d")
  calibration+=(--data "$set_dir/data/$d.val.txt")
done
evaluate() { "$cli" eval "$project" --checkpoint "$1" --split test --json -q > "$tmp/$2.json"; }
start=$(date +%s)

# Dense references.
for d in "${domains[@]}"; do evaluate "$set_dir/$d" "ft_$d"; done
"$cli" merge --method task_arithmetic --base "$set_dir/base" "${models[@]}" --lambda 0.2 -o "$tmp/ta" -q --force > /dev/null
evaluate "$tmp/ta" ta
"$cli" merge --method ties --base "$set_dir/base" "${models[@]}" --density 0.2 --lambda 0.7 -o "$tmp/ties" -q --force > /dev/null
evaluate "$tmp/ties" ties

# BTX, top-2 of the four domain experts: three ways to set the routers.
"$cli" btx --base "$set_dir/base" "${experts[@]}" --top-k 2 -o "$tmp/btx_random" -q > /dev/null
evaluate "$tmp/btx_random" btx_random
"$cli" btx --base "$set_dir/base" "${experts[@]}" --top-k 2 --data "$project" --router hidden \
  -o "$tmp/btx_hidden" -q > /dev/null
evaluate "$tmp/btx_hidden" btx_hidden
btx_start=$(date +%s)
"$cli" btx --base "$set_dir/base" "${experts[@]}" --top-k 2 --data "$project" --router hidden \
  --finetune-router "$steps" --batch 4 --context 128 --lr 0.01 --loss-log "$tmp/router_loss.csv" \
  -o "$tmp/btx_tuned" -q > "$tmp/btx_tuned.txt"
btx_seconds=$(( $(date +%s) - btx_start ))
evaluate "$tmp/btx_tuned" btx_tuned

# Pruning the tuned BTX model: 4 experts per layer down to K.
for k in 3 2; do
  "$cli" experts "$tmp/btx_tuned" --by outputs "${calibration[@]}" --merge-to "$k" -o "$tmp/sim_$k" -q > /dev/null
  evaluate "$tmp/sim_$k" "sim_$k"
  "$cli" experts "$tmp/btx_tuned" --drop-least-used "${calibration[@]}" --merge-to "$k" -o "$tmp/drop_$k" -q > /dev/null
  evaluate "$tmp/drop_$k" "drop_$k"
  "$cli" experts "$tmp/btx_tuned" --by random --seed 0 --merge-to "$k" -o "$tmp/rand_$k" -q > /dev/null
  evaluate "$tmp/rand_$k" "rand_$k"
done

/usr/bin/python3 - "$tmp" "$steps" "$btx_seconds" "$(( $(date +%s) - start ))" "${domains[@]}" <<'PY'
import json, math, os, sys
tmp, steps, btx_seconds, total, domains = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
def load(name):
    return {t["name"]: t for t in json.load(open(os.path.join(tmp, name + ".json")))["tasks"]}
def row(label, tasks):
    cells = ["%.2f" % tasks[d]["perplexity"] for d in domains]
    mean = math.exp(sum(tasks[d]["nll"] for d in domains) / len(domains))
    print("| %s | %s | %.2f |" % (label, " | ".join(cells), mean))
print("| model | " + " | ".join(domains) + " | mean |")
print("|---|" + "---:|" * (len(domains) + 1))
row("fine-tuned (each on its own domain)", {d: load("ft_" + d)[d] for d in domains})
row("task arithmetic, λ = 0.2", load("ta"))
row("TIES (density 0.2), λ = 0.7", load("ties"))
row("BTX, random routers", load("btx_random"))
row("BTX, hidden-state routers", load("btx_hidden"))
row("BTX, hidden-state routers + %s router steps" % steps, load("btx_tuned"))
print()
print("| experts per layer (from 4) | " + " | ".join(domains) + " | mean |")
print("|---|" + "---:|" * (len(domains) + 1))
row("4 (the tuned BTX model)", load("btx_tuned"))
for k in (3, 2):
    row("%d, merged by output similarity" % k, load("sim_%d" % k))
    row("%d, least-used dropped" % k, load("drop_%d" % k))
    row("%d, random groups merged" % k, load("rand_%d" % k))
print()
print(open(os.path.join(tmp, "btx_tuned.txt")).read().strip())
print("router fine-tuning run: %s s; whole script: %s s" % (btx_seconds, total))
PY
