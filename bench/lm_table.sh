#!/usr/bin/env bash
# The README's language-model table: held-out perplexity per domain of the base, each fine-tune, and
# the merges people make of them (average, task arithmetic, TIES, DARE-TIES). Each merge's λ is chosen
# on the val texts (lowest mean log-perplexity over the domains), then every row is measured once on the
# test texts.
#
#   bench/lm_table.sh SET_DIR        (SET_DIR: the output of `mergelab-cli zoo build --preset lm-demo`)
#
# Needs the built mergelab-cli (MERGELAB_CLI or build/app/mergelab-cli) and /usr/bin/python3.
set -euo pipefail
set_dir=${1:?usage: bench/lm_table.sh SET_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${MERGELAB_CLI:-$here/build/app/mergelab-cli}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
domains=(code arithmetic verse definitions)
models=()
for d in "${domains[@]}"; do models+=(--model "$set_dir/$d"); done

# perplexity MODEL SPLIT -> "domain nll" lines
nlls() {
  for d in "${domains[@]}"; do
    printf '%s ' "$d"
    "$cli" perplexity "$1" --text "$set_dir/data/$d.$2.txt" --json -q |
      /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["nll"])'
  done
}
mean() { awk '{ s += $2 } END { printf "%.6f\n", s / NR }'; }

# name|method|fixed flags|λ grid (empty: no λ)
rows=(
  "simple average|linear|--weight 1||"
  "task arithmetic|task_arithmetic||0.2 0.4 0.6 0.8 1.0"
  "TIES (density 0.2)|ties|--density 0.2||0.4 0.7 1.0 1.3 1.6"
  "DARE-TIES (density 0.1, seed 0)|dare_ties|--density 0.1 --seed 0 --param normalize=true||0.4 0.7 1.0 1.3 1.6"
)

nlls "$set_dir/base" test > "$tmp/row_base"
for d in "${domains[@]}"; do nlls "$set_dir/$d" test > "$tmp/row_ft_$d"; done
i=0
for row in "${rows[@]}"; do
  IFS='|' read -r label method fixed _ grid <<< "$row"
  best=""
  bestScore=""
  for lam in ${grid:-none}; do
    out="$tmp/merge_$i"
    rm -rf "$out"
    lamArgs=()
    [ "$lam" != none ] && lamArgs=(--lambda "$lam")
    # shellcheck disable=SC2086
    "$cli" merge --method "$method" --base "$set_dir/base" "${models[@]}" $fixed "${lamArgs[@]}" -o "$out" -q
    score=$(nlls "$out" val | mean)
    if [ -z "$bestScore" ] || awk -v a="$score" -v b="$bestScore" 'BEGIN { exit !(a < b) }'; then
      best=$lam
      bestScore=$score
      nlls "$out" test > "$tmp/row_$i"
    fi
  done
  echo "$label|$best" > "$tmp/label_$i"
  i=$((i + 1))
done

/usr/bin/python3 - "$tmp" "$i" "${domains[@]}" <<'PY'
import math, os, sys
tmp, n, domains = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def row(path):
    return {d: float(v) for d, v in (line.split() for line in open(path))}
def fmt(nlls):
    ppl = [math.exp(nlls[d]) for d in domains]
    mean = math.exp(sum(nlls[d] for d in domains) / len(domains))
    return " | ".join("%.2f" % p for p in ppl) + " | %.2f |" % mean
print("| model | " + " | ".join(domains) + " | geo. mean |")
print("|---|" + "---:|" * (len(domains) + 1))
print("| pretrained base | " + fmt(row(os.path.join(tmp, "row_base"))))
own = {d: row(os.path.join(tmp, "row_ft_" + d))[d] for d in domains}
print("| fine-tuned (each on its own domain) | " + fmt(own))
for d in domains:
    print("| fine-tune: %s | " % d + fmt(row(os.path.join(tmp, "row_ft_" + d))))
for i in range(n):
    label, lam = open(os.path.join(tmp, "label_%d" % i)).read().strip().split("|")
    name = label + (", λ = %s on val" % lam if lam not in ("", "none") else "")
    print("| %s | " % name + fmt(row(os.path.join(tmp, "row_%d" % i))))
PY
