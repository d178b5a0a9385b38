#!/usr/bin/env bash
# The README's language-model table: per-domain held-out perplexity and four-way choice accuracy of the
# base, each fine-tune, and the merges people make of them (average, task arithmetic, TIES, DARE-TIES).
# Each merge's λ is chosen on the val split (lowest mean NLL over the domains), then every row is
# measured once on the test split, all with `mergelab-cli eval` on the set's project.
#
#   bench/lm_table.sh SET_DIR        (SET_DIR: the output of `mergelab-cli zoo build --preset lm-demo`)
#
# Needs the built mergelab-cli (MERGELAB_CLI or build/app/mergelab-cli) and /usr/bin/python3.
set -euo pipefail
set_dir=${1:?usage: bench/lm_table.sh SET_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${MERGELAB_CLI:-$here/build/app/mergelab-cli}
project="$set_dir/lm.mergelab.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
domains=(code arithmetic verse definitions)
models=()
for d in "${domains[@]}"; do models+=(--model "$set_dir/$d"); done
nll() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nll"])' "$1"; }

# name|method|fixed flags|λ grid (empty: no λ)
rows=(
  "simple average|linear|--weight 1|"
  "task arithmetic|task_arithmetic||0.2 0.4 0.6 0.8 1.0"
  "TIES (density 0.2)|ties|--density 0.2|0.4 0.7 1.0 1.3 1.6"
  "DARE-TIES (density 0.1, seed 0)|dare_ties|--density 0.1 --seed 0 --param normalize=true|0.4 0.7 1.0 1.3 1.6"
)

"$cli" eval "$project" --split test --json -q > "$tmp/base.json"
for d in "${domains[@]}"; do "$cli" eval "$project" --checkpoint "$set_dir/$d" --split test --json -q > "$tmp/ft_$d.json"; done
i=0
for row in "${rows[@]}"; do
  IFS='|' read -r label method fixed grid <<< "$row"
  best=""
  bestScore=""
  for lam in ${grid:-none}; do
    out="$tmp/merge"
    rm -rf "$out"
    lamArgs=()
    [ "$lam" != none ] && lamArgs=(--lambda "$lam")
    # shellcheck disable=SC2086
    "$cli" merge --method "$method" --base "$set_dir/base" "${models[@]}" $fixed "${lamArgs[@]}" -o "$out" -q --force > /dev/null
    "$cli" eval "$project" --checkpoint "$out" --split val --json -q > "$tmp/val.json"
    score=$(nll "$tmp/val.json")
    if [ -z "$bestScore" ] || awk -v a="$score" -v b="$bestScore" 'BEGIN { exit !(a < b) }'; then
      best=$lam
      bestScore=$score
      "$cli" eval "$project" --checkpoint "$out" --split test --json -q > "$tmp/row_$i.json"
    fi
  done
  echo "$label|$best" > "$tmp/label_$i"
  i=$((i + 1))
done

/usr/bin/python3 - "$tmp" "$i" "${domains[@]}" <<'PY'
import json, math, os, sys
tmp, n, domains = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def load(name):
    return {t["name"]: t for t in json.load(open(os.path.join(tmp, name)))["tasks"]}
def fmt(tasks):
    cells = ["%.2f (%.0f%%)" % (tasks[d]["perplexity"], 100 * tasks[d]["accuracy"]) for d in domains]
    nll = sum(tasks[d]["nll"] for d in domains) / len(domains)
    acc = sum(tasks[d]["accuracy"] for d in domains) / len(domains)
    return " | ".join(cells) + " | %.2f (%.0f%%) |" % (math.exp(nll), 100 * acc)
print("| model | " + " | ".join(domains) + " | mean |")
print("|---|" + "---:|" * (len(domains) + 1))
print("| pretrained base | " + fmt(load("base.json")))
own = {d: load("ft_%s.json" % d)[d] for d in domains}
print("| fine-tuned (each on its own domain) | " + fmt(own))
for d in domains:
    print("| fine-tune: %s | " % d + fmt(load("ft_%s.json" % d)))
for i in range(n):
    label, lam = open(os.path.join(tmp, "label_%d" % i)).read().strip().split("|")
    name = label + (", λ = %s on val" % lam if lam not in ("", "none") else "")
    print("| %s | " % name + fmt(load("row_%d.json" % i)))
PY
