#!/usr/bin/env bash
# The comparison behind docs/results.md: the default ACT model against a fixed-computation baseline
# (M = 1) of the same size, each trained for the same wall time on the same corpus (one seed each, more
# with --seeds), then scored on the same held-out bytes and on another kind of English text (the licence
# texts in /usr/share/common-licenses). Writes OUT/results.md (bpc, and how well ρ, N and the losses mark
# word boundaries on every text), a ponder map of a held-out excerpt, report.html (`actlm report` on every
# run) and learning-curves.svg. Runs train one at a time on every core, as a plain `actlm train` does; with
# --jobs 2, two at a time on one core each (OpenBLAS threads = cores / jobs), so every run gets the same
# share of the machine; with --jobs 2 --take-turns SECONDS, two at a time on every core, taking turns (one
# runs while the other is stopped), so both see the same load and each trains --minutes of its own.
#
#   experiments/run.sh                       # defaults: 2 models × 30 minutes, one after the other
#   experiments/run.sh --minutes 60 --seeds "1 2 3" --max-ponders "2 4" --taus "0.0025" --corpus enwik8.gz
#   experiments/run.sh --seeds "1 2" --keep  # trains only the runs OUT does not have yet (seed 2 here)
#   experiments/run.sh --jobs 2 --stack-taus "0.01 0.005"  # and ACT with layer 1 halting for the stack
#   experiments/run.sh --jobs 3 --take-turns 30 --fixed-ponders 2   # and the fixed control: every byte K = 2 steps
#   experiments/run.sh --pytorch ~/torch/bin/python   # and the user's alternative: PyTorch's nn.LSTM
#   experiments/run.sh --jobs 2 --max-ponders 2 --only "baseline act-m2"   # a pair without the defaults
#   experiments/run.sh --jobs 2 --take-turns 30 --minutes 60   # a pair on 2 cores each, in 2 hours
#   experiments/run.sh --corpus corpora/english.gz --heldout corpora/english-heldout.txt.gz \
#     --also corpora/wiki.gz --minutes 60 --jobs 2 --take-turns 30 --out experiments/out-english   # = make experiment-english
# --heldout FILE scores FILE instead of the corpus's own validation part; --also CORPUS scores the
# validation part of another corpus too (named by its file, e.g. "wiki"). --pytorch PYTHON (a Python with
# torch) adds, per seed, experiments/pytorch_user.py: an nn.LSTM of the same size (a learned byte
# embedding) trained for the same minutes with the same recipe, scored on the same texts. ACTLM=PATH runs
# that build of actlm instead of .build/release/actlm. OUT is experiments/out unless --out names another.
# This script schedules; experiments/texts.py writes the texts, experiments/tabulate.py the tables.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=30 seeds="1" jobs=1 corpus=corpora/wiki.gz out=experiments/out extra=()
taus=""                 # more ACT runs at the default M with these τ
max_ponders=""          # more ACT runs at the default τ with these M
stack_taus=""           # more ACT runs with --halting-scope stack, at these τ
fixed_ponders=""        # fixed-computation controls (`train --fixed-ponder K`, Repeat-RNN) at these K
turn=0                  # > 0: the runs of each group of --jobs take turns of this many seconds on every core
keep=0                  # 1: a run already finished in $out is scored again, not trained again
heldout_file=""         # the held-out text to score; default: the corpus's validation part
also=()                 # more corpora whose validation parts are scored
pytorch=""              # a Python with torch: adds the PyTorch LSTM of experiments/pytorch_user.py
only=""                 # train and score only the settings named here (baseline, act, act-m2, pytorch, ...)
while [ $# -gt 0 ]; do
  case "$1" in
    # Each sets the variable of its name: --max-ponders sets max_ponders.
    --minutes|--seeds|--taus|--max-ponders|--stack-taus|--fixed-ponders|--jobs|--corpus|--pytorch|--only|--out)
      name=${1#--}; printf -v "${name//-/_}" %s "$2"; shift 2 ;;
    --take-turns) turn=$2; shift 2 ;;
    --heldout) heldout_file=$2; shift 2 ;;
    --also) also+=("$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; echo "  Arguments after -- go to every 'actlm train'."; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

actlm=${ACTLM:-.build/release/actlm}
[ -x "$actlm" ] || { echo "no actlm at $actlm: build first (make build)" >&2; exit 1; }
[ -f "$corpus" ] || { echo "no corpus at $corpus: run make corpus" >&2; exit 1; }
[ -z "$heldout_file" ] || [ -f "$heldout_file" ] || { echo "no held-out text at $heldout_file" >&2; exit 1; }
for c in "${also[@]}"; do [ -f "$c" ] || { echo "no corpus at $c (--also)" >&2; exit 1; }; done
[ -z "$pytorch" ] || "$pytorch" -c 'import torch' 2>/dev/null || { echo "--pytorch $pytorch: that Python has no torch" >&2; exit 1; }
command -v python3 >/dev/null || { echo "the results table needs python3" >&2; exit 1; }
# The baseline differs from the defaults only in M = 1 (τ does not matter there: ρ is 2 at every byte).
# The ACT runs differ from the defaults only in τ, M or the halting scope; a fixed control (M field "fixedK")
# only in taking K steps at every byte. Each runs once per seed.
settings=("baseline:1:default:default" "act:default:default:default")
for m in $max_ponders; do settings+=("act-m$m:$m:default:default"); done
for tau in $taus; do settings+=("act-tau$tau:default:$tau:default"); done
for tau in $stack_taus; do settings+=("act-stack-tau$tau:default:$tau:stack"); done
for k in $fixed_ponders; do settings+=("fixed-k$k:fixed$k:default:default"); done
[ -z "$pytorch" ] || settings+=("pytorch:pytorch:-:-")
if [ -n "$only" ]; then
  names=" ${settings[*]%%:*} "
  for name in $only; do [[ $names == *" $name "* ]] || { echo "--only: no setting $name (these are:$names)" >&2; exit 2; }; done
  chosen=()
  for setting in "${settings[@]}"; do [[ " $only " == *" ${setting%%:*} "* ]] && chosen+=("$setting"); done
  settings=("${chosen[@]}")
fi
runs=()   # NAME-sSEED:M:τ:scope:SEED
for seed in $seeds; do for setting in "${settings[@]}"; do runs+=("${setting%%:*}-s$seed:${setting#*:}:$seed"); done; done
mkdir -p "$out"

# The texts every model is scored on (texts.tsv, the held-out text first) and the figure's excerpt.
python3 experiments/texts.py "$out" "$actlm" "$corpus" "$heldout_file" "${also[@]}"

cores=$(nproc 2>/dev/null || echo 2)
threads=$(( cores / jobs > 0 ? cores / jobs : 1 ))
[ "$turn" = 0 ] || threads=$cores
run_minutes=$minutes    # wall minutes of one run: with turns, its own minutes times its group's size
# With --keep, a run that finished in an earlier call is scored again, not trained again.
kept() {
  [ "$keep" = 1 ] && { [ -f "$out/runs/$1/result.json" ] ||
    { [ -f "$out/runs/$1/latest.ckpt" ] && grep -q '^reached' "$out/$1.log" 2>/dev/null; }; }
}
train() {
  IFS=: read -r name maxponder tau scope seed <<<"$1"
  if kept "$name"; then echo "== $name: kept from an earlier call"; return; fi
  # How many runs this one took turns with, for its speed per second of its own.
  if [ "$turn" = 0 ]; then rm -f "$out/$name.turns"; else echo "$group_size" > "$out/$name.turns"; fi
  if [ "$maxponder" = pytorch ]; then train_pytorch "$name" "$seed"; return; fi
  local flags=(--seed "$seed")
  case "$maxponder" in
    default) ;;
    fixed*) flags+=(--fixed-ponder "${maxponder#fixed}") ;;
    *) flags+=(--max-ponder "$maxponder") ;;
  esac
  [ "$tau" = default ] || flags+=(--tau "$tau")
  [ "$scope" = default ] || flags+=(--halting-scope "$scope")
  rm -rf "$out/runs/$name"
  OPENBLAS_NUM_THREADS=$threads "$actlm" train "$corpus" "${flags[@]}" --minutes "$run_minutes" \
    --checkpoint-dir "$out/runs" --run-name "$name" --eval-every 500 "${extra[@]}" > "$out/$name.log" &
  await "$name"
  echo "== $name: $(tail -n 4 "$out/$name.log" | head -n 2 | tr '\n' ' ')"
}
# The user's alternative, trained as `actlm train` is (threads, minutes, seed; the extra flags are actlm's)
# and scored on every text when it stops.
train_pytorch() {
  local texts=()
  while IFS=$'\t' read -r key _ file; do texts+=(--text "$key=$file"); done < "$out/texts.tsv"
  rm -rf "$out/runs/$1"
  "$pytorch" experiments/pytorch_user.py "$corpus" --minutes "$run_minutes" --threads "$threads" --seed "$2" \
    --out "$out/runs/$1" "${texts[@]}" > "$out/$1.log" &
  await "$1"
  echo "== $1: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["steps"], "steps,", round(r["chars_per_s"]), "chars/s")' "$out/runs/$1/result.json")"
}
# Waits for the training just started in the background, its PID in $out/NAME.pid while it runs (for turns).
await() {
  echo $! > "$out/$1.pid"
  local status=0; wait $! || status=$?
  rm -f "$out/$1.pid"
  return $status
}
# One group's runs take turns: each in turn continues for $turn seconds while the others are stopped, until
# the group is done. Only processes still named in a PID file are signalled.
take_turns() {
  local names=("$@") name pid other
  while :; do
    for name in "${names[@]}"; do
      pid=$(cat "$out/$name.pid" 2>/dev/null) || continue
      for other in "${names[@]}"; do
        [ "$other" = "$name" ] || kill -STOP "$(cat "$out/$other.pid" 2>/dev/null)" 2>/dev/null || true
      done
      kill -CONT "$pid" 2>/dev/null || continue
      sleep "$turn"
    done
    sleep 1
  done
}
# However this script ends, no run stays stopped.
continue_all() {
  local f
  for f in "$out"/*.pid; do [ -f "$f" ] && kill -CONT "$(cat "$f")" 2>/dev/null; done
  return 0
}
trap continue_all EXIT
trap 'exit 130' INT TERM
# A stopped process whose process group loses its last link to the session (the terminal or the tool that
# started this script going away) gets SIGHUP from the kernel: the runs taking turns ignore it.
[ "$turn" = 0 ] || trap '' HUP

if [ "$turn" = 0 ]; then
  echo "training ${#runs[@]} runs of $minutes minutes, $jobs at a time with $threads OpenBLAS thread(s) each"
  for run in "${runs[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    train "$run" &
  done
  wait
else
  echo "training ${#runs[@]} runs of $minutes minutes, $jobs at a time taking turns of $turn s with $threads OpenBLAS thread(s)"
  todo=()
  for run in "${runs[@]}"; do
    if kept "${run%%:*}"; then echo "== ${run%%:*}: kept from an earlier call"; else todo+=("$run"); fi
  done
  for ((first = 0; first < ${#todo[@]}; first += jobs)); do
    group=("${todo[@]:first:jobs}")
    group_size=${#group[@]}
    names=("${group[@]%%:*}")
    run_minutes=$(python3 -c "print($minutes * $group_size)")
    trainers=()
    for run in "${group[@]}"; do train "$run" & trainers+=($!); done
    take_turns "${names[@]}" & turns=$!
    for trainer in "${trainers[@]}"; do wait "$trainer" || true; done
    kill "$turns" 2>/dev/null; wait "$turns" 2>/dev/null || true
  done
fi

# Every actlm run scored by `actlm eval` on every text; then the tables (experiments/tabulate.py).
run_dirs=()
for run in "${runs[@]}"; do
  [[ $run == *:pytorch:* ]] && continue
  name=${run%%:*}
  run_dirs+=("$out/runs/$name")
  while IFS=$'\t' read -r key _ file; do
    "$actlm" eval "$out/runs/$name/latest.ckpt" "$file" --json > "$out/$name.$key.json"
  done < "$out/texts.tsv"
done
train_bytes=$("$actlm" corpus "$corpus" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["train_bytes"])')
python3 experiments/tabulate.py runs "$out" "$train_bytes" "${runs[@]}"
python3 experiments/tabulate.py results "$out" "$minutes" "$jobs" "$threads" "$turn"
# Every actlm run on one page, the learning curves alone as the figure for docs/results.md, and the
# ponder map of the ACT run that ponders most at boundaries (none when only PyTorch ran).
best_act=$(python3 experiments/tabulate.py best "$out")
if [ -z "$best_act" ]; then echo "wrote $out/results.md (no actlm run, so no ponder map or report)"; exit 0; fi
"$actlm" ponder-map "$out/excerpt.txt" --checkpoint "$out/runs/$best_act/latest.ckpt" --format svg > "$out/ponder-map.svg"
"$actlm" report "${run_dirs[@]}" -o "$out/report.html" --curves-svg "$out/learning-curves.svg"
echo "wrote $out/results.md, $out/report.html, $out/learning-curves.svg and $out/ponder-map.svg (model: $best_act)"
