#!/usr/bin/env bash
# The comparison behind docs/results.md: the default ACT model against a fixed-computation baseline
# (M = 1) of the same size, each trained for the same wall time on the same corpus (one seed each, more
# with --seeds), then scored on the same held-out bytes and on another kind of English text (the licence
# texts Debian ships in /usr/share/common-licenses). Writes experiments/out/results.md (bpc, and how well
# ρ, N and the losses mark word boundaries on every text), a ponder-map figure of a held-out excerpt,
# report.html (`actlm report` on every run) and learning-curves.svg. Runs
# train one at a time on every core, as a plain `actlm train` does; with --jobs 2, two at a time on one
# core each (OpenBLAS threads = cores / jobs), so every run still gets the same share of the machine;
# with --jobs 2 --take-turns SECONDS, two at a time on every core, taking turns (one runs while the other
# is stopped), so both see the same load and each trains --minutes of its own as a plain run would.
#
#   experiments/run.sh                       # defaults: 2 models × 30 minutes, one after the other
#   experiments/run.sh --minutes 60 --seeds "1 2 3" --max-ponders "2 4" --taus "0.0025" --corpus enwik8.gz
#   experiments/run.sh --seeds "1 2" --keep  # trains only the runs OUT does not have yet (seed 2 here)
#   experiments/run.sh --jobs 2 --stack-taus "0.01 0.005"  # and ACT with layer 1 halting for the stack
#   experiments/run.sh --pytorch ~/torch/bin/python   # and the user's alternative: PyTorch's nn.LSTM
#   experiments/run.sh --jobs 2 --max-ponders 2 --only "baseline act-m2"   # a pair without the defaults
#   experiments/run.sh --jobs 2 --take-turns 30 --minutes 60   # a pair on 2 cores each, in 2 hours
#   experiments/run.sh --corpus corpora/english.gz --heldout corpora/english-heldout.txt.gz \
#     --also corpora/wiki.gz --minutes 60 --jobs 2 --take-turns 30 --out experiments/out-english   # = make experiment-english
# --heldout FILE scores FILE instead of the corpus's own validation part; --also CORPUS scores the
# validation part of another corpus too (named by its file, e.g. "wiki"). --pytorch PYTHON (a Python with
# torch) adds, per seed, experiments/pytorch_user.py: an nn.LSTM of the same size (a learned byte
# embedding) trained for the same minutes with the same recipe, scored on the same texts. ACTLM=PATH runs
# that build of actlm instead of .build/release/actlm.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=30
seeds="1"
taus=""                 # more ACT runs at the default M with these τ
max_ponders=""          # more ACT runs at the default τ with these M
stack_taus=""           # more ACT runs with --halting-scope stack, at these τ
jobs=1
turn=0                  # > 0: the runs of each group of --jobs take turns of this many seconds on every core
keep=0                  # 1: a run already finished in $out is scored again, not trained again
corpus=corpora/wiki.gz
heldout_file=""         # the held-out text to score; default: the corpus's validation part
also=()                 # more corpora whose validation parts are scored
pytorch=""              # a Python with torch: adds the PyTorch LSTM of experiments/pytorch_user.py
only=""                 # train and score only the settings named here (baseline, act, act-m2, pytorch, ...)
out=experiments/out
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --taus) taus=$2; shift 2 ;;
    --max-ponders) max_ponders=$2; shift 2 ;;
    --stack-taus) stack_taus=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --take-turns) turn=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --corpus) corpus=$2; shift 2 ;;
    --heldout) heldout_file=$2; shift 2 ;;
    --also) also+=("$2"); shift 2 ;;
    --pytorch) pytorch=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
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
# The ACT runs differ from the defaults only in τ, M or the halting scope. Each runs once per seed.
settings=("baseline:1:default:default" "act:default:default:default")
for m in $max_ponders; do settings+=("act-m$m:$m:default:default"); done
for tau in $taus; do settings+=("act-tau$tau:default:$tau:default"); done
for tau in $stack_taus; do settings+=("act-stack-tau$tau:default:$tau:stack"); done
[ -z "$pytorch" ] || settings+=("pytorch:pytorch:-:-")
if [ -n "$only" ]; then
  names=" ${settings[*]%%:*} "
  for name in $only; do
    [[ $names == *" $name "* ]] || { echo "--only: no setting $name (these are:$names)" >&2; exit 2; }
  done
  kept=()
  for setting in "${settings[@]}"; do [[ " $only " == *" ${setting%%:*} "* ]] && kept+=("$setting"); done
  settings=("${kept[@]}")
fi
mkdir -p "$out"

# A corpus's validation part (its last 5%, as actlm train splits it), written out once so that every
# model is scored by `actlm eval` on exactly the same text.
validation_part() {
  local valid_bytes
  valid_bytes=$("$actlm" corpus "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["valid_bytes"])')
  case "$1" in *.gz) gzip -dc "$1" ;; *) cat "$1" ;; esac | tail -c "$valid_bytes" > "$2"
}
# The texts every model is scored on, one "key<TAB>label<TAB>file" line each: the held-out text first.
heldout=$out/heldout.txt
if [ -n "$heldout_file" ]; then
  case "$heldout_file" in *.gz) gzip -dc "$heldout_file" ;; *) cat "$heldout_file" ;; esac > "$heldout"
  printf 'eval\theld-out %s\t%s\n' "$(basename "$heldout_file")" "$heldout" > "$out/texts.tsv"
else
  validation_part "$corpus" "$heldout"
  printf 'eval\theld-out part of %s\t%s\n' "$(basename "$corpus")" "$heldout" > "$out/texts.tsv"
fi
for c in "${also[@]}"; do
  key=$(basename "$c"); key=${key%%.*}
  validation_part "$c" "$out/heldout-$key.txt"
  printf '%s\theld-out part of %s\t%s\n' "$key" "$(basename "$c")" "$out/heldout-$key.txt" >> "$out/texts.tsv"
done
# A readable excerpt of prose for the figure: the first paragraph of article text in the held-out part.
python3 - "$heldout" "$out/excerpt.txt" <<'PY'
import re, sys
text = open(sys.argv[1], 'rb').read()
starts = [m.start() for m in re.finditer(rb'\n[A-Z][a-z]+ [a-z]+ [a-z]+', text)]
start = starts[len(starts) // 3] + 1 if starts else 0
open(sys.argv[2], 'wb').write(text[start:start + 600])
PY

# Another kind of English text, never trained on: legal prose from Debian's base-files package.
other=$out/other.txt
: > "$other"
for f in GPL-3 Apache-2.0 GFDL-1.3 MPL-2.0; do
  [ -f "/usr/share/common-licenses/$f" ] && cat "/usr/share/common-licenses/$f" >> "$other"
done
if [ -s "$other" ]; then printf 'other\tlicence texts\t%s\n' "$other" >> "$out/texts.tsv"; fi

runs=()
for seed in $seeds; do
  for setting in "${settings[@]}"; do runs+=("${setting%%:*}-s$seed:${setting#*:}:$seed"); done
done

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
  if kept "$name"; then
    echo "== $name: kept from an earlier call"
    return
  fi
  # How many runs this one took turns with, for its speed per second of its own.
  if [ "$turn" = 0 ]; then rm -f "$out/$name.turns"; else echo "$group_size" > "$out/$name.turns"; fi
  if [ "$maxponder" = pytorch ]; then
    train_pytorch "$name" "$seed"
    return
  fi
  local flags=(--seed "$seed")
  [ "$maxponder" = default ] || flags+=(--max-ponder "$maxponder")
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
  local status=0
  wait $! || status=$?
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
    names=()
    for run in "${group[@]}"; do names+=("${run%%:*}"); done
    run_minutes=$(python3 -c "print($minutes * $group_size)")
    trainers=()
    for run in "${group[@]}"; do train "$run" & trainers+=($!); done
    take_turns "${names[@]}" &
    turns=$!
    for trainer in "${trainers[@]}"; do wait "$trainer" || true; done
    kill "$turns" 2>/dev/null; wait "$turns" 2>/dev/null || true
  done
fi

: > "$out/runs.tsv"
train_bytes=$("$actlm" corpus "$corpus" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["train_bytes"])')
for run in "${runs[@]}"; do
  IFS=: read -r name maxponder tau scope seed <<<"$run"
  if [ "$maxponder" = pytorch ]; then
    python3 - "$out" "$name" "$(cat "$out/$name.turns" 2>/dev/null || echo 1)" <<'PY'
import json, sys
out, name, shared = sys.argv[1:]
r = json.load(open(f'{out}/runs/{name}/result.json'))
for key, bpc in r['bpc'].items():
    json.dump({'bpc': bpc}, open(f'{out}/{name}.{key}.json', 'w'))
print(f"{name}\tpytorch\t-\t{round(r['chars_per_s'] * int(shared))}\t{r['epochs']:.2f}", file=open(f'{out}/runs.tsv', 'a'))
PY
    continue
  fi
  while IFS=$'\t' read -r key _ file; do
    "$actlm" eval "$out/runs/$name/latest.ckpt" "$file" --json > "$out/$name.$key.json"
  done < "$out/texts.tsv"
  # Per second of the run's own time: taking turns with k runs, it trained during 1/k of the wall time.
  shared=$(cat "$out/$name.turns" 2>/dev/null || echo 1)
  speed=$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(round(r[-1]["chars_per_s"] * int(sys.argv[2])))' \
    "$out/runs/$name/metrics.jsonl" "$shared")
  # How many times the run read its training bytes: at user scale, at most once.
  epochs=$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print("%.2f" % (r[-1]["chars"] / int(sys.argv[2])))' \
    "$out/runs/$name/metrics.jsonl" "$train_bytes")
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$maxponder" "$tau" "$speed" "$epochs" >> "$out/runs.tsv"
done

best_act=$(python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
rows = [l.rstrip('\n').split('\t') for l in open(f'{out}/runs.tsv')]
models = [name for name, kind, *_ in rows if kind != 'pytorch']   # actlm's runs: only these have checkpoints
acts = [name for name, kind, *_ in rows if kind not in ('1', 'pytorch')]
def score(name):
    e = json.load(open(f'{out}/{name}.eval.json'))
    return max((x for x in e['boundary_inside_ratio'] if x is not None), default=0)
print(max(acts, key=score) if acts else (models or [''])[0])
PY
)
# Every actlm run on one page, the learning curves alone as the figure for docs/results.md, and the
# ponder map of the ACT run that ponders most at boundaries (none when only PyTorch ran).
run_dirs=()
for run in "${runs[@]}"; do [[ $run == *:pytorch:* ]] || run_dirs+=("$out/runs/${run%%:*}"); done
if [ -n "$best_act" ]; then
  "$actlm" ponder-map "$out/excerpt.txt" --checkpoint "$out/runs/$best_act/latest.ckpt" --format svg > "$out/ponder-map.svg"
  "$actlm" report "${run_dirs[@]}" -o "$out/report.html" --curves-svg "$out/learning-curves.svg"
fi

python3 - "$out" "$minutes" "$jobs" "$threads" "$turn" <<'PY'
import json, os, re, statistics, sys
out, minutes, jobs, threads, turn = sys.argv[1:6]
rows = [l.rstrip('\n').split('\t') for l in open(f'{out}/runs.tsv')]
texts = [l.rstrip('\n').split('\t')[:2] for l in open(f'{out}/texts.tsv')]   # [key, label], held-out first
labels = dict(texts)
def load(name, kind):
    path = f'{out}/{name}.{kind}.json'
    return json.load(open(path)) if os.path.exists(path) else None
def ratios(e):
    return ' / '.join('–' if x is None else f'{x:.2f}' for x in e['boundary_inside_ratio']) if e else '–'
# The same contrast counted in ponder steps N, the computation actually spent (ρ = N + R weighs a step taken
# just below the halting threshold by its remainder R alone).
def step_ratios(e):
    return ' / '.join('–' if not (s.get('boundary_steps') and s.get('inside_steps'))
                      else f"{s['boundary_steps'] / s['inside_steps']:.2f}" for s in e['ponder']['per_layer'])
share = ('alone on the machine' if jobs == '1' else f'{jobs} at a time' if turn == '0' else
         f'{jobs} at a time taking turns of {turn} s, so each trained for {minutes} minutes of its own and '
         f'its chars/s are per second of its own turns')
scored = ', '.join(label for _, label in texts)
pondering = any(kind != 'pytorch' for _, kind, *_ in rows)   # only actlm's runs have ponder to tabulate
by_pytorch = ' (the PyTorch model by experiments/pytorch_user.py, the same way)' if any(kind == 'pytorch' for _, kind, *_ in rows) else ''
lines = [f'Each model trained for {minutes} minutes{" of wall time" if turn == "0" else ""} ({share}, {threads} OpenBLAS thread(s) each); '
         f'scored by `actlm eval`{by_pytorch} on: {scored}.']
if pondering:
    lines += ['', '| run | M | τ | ε | halting | held-out bpc | mean ρ per layer | boundary/inside ρ per layer | mean N per layer | boundary/inside N | other text: bpc | other text: boundary/inside ρ | training chars/s | epochs read |',
              '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
by_setting = {}
for name, kind, _, speed, epochs in rows:
    if kind == 'pytorch':
        by_setting.setdefault('pytorch nn.LSTM', []).append({key: (load(name, key) or {}).get('bpc') for key, _ in texts})
        continue
    e, o = load(name, 'eval'), load(name, 'other')
    m = e['config'].get('max_ponder', e['config'].get('maxPonder'))
    tau = re.search(r'τ ([0-9.e-]+)', open(f'{out}/{name}.log').read()).group(1)
    rho = ' / '.join(f'{x:.2f}' for x in e['mean_ponder'])
    steps = ' / '.join(f'{x:.2f}' for x in e['mean_steps'])
    other_bpc = f"{o['bpc']:.3f}" if o else '–'
    halting = 'layer 1 for the stack' if e['config'].get('halting_scope') == 'stack' else 'each layer'
    lines.append(f"| {name} | {m} | {tau} | {e['config'].get('epsilon', '–')} | {halting} | {e['bpc']:.3f} | {rho} | {ratios(e)} | {steps} | {step_ratios(e)} | "
                 f"{other_bpc} | {ratios(o)} | {speed} | {epochs} |")
    by_setting.setdefault(name.rsplit('-s', 1)[0], []).append({key: (load(name, key) or {}).get('bpc') for key, _ in texts})
# bpc by setting on every text: mean over seeds, the range, and the difference from M = 1's mean.
base = by_setting.get('baseline')
header = '| setting | seeds | ' + ' | '.join(f'{label}: bpc, mean (min–max) | Δ vs M = 1' for _, label in texts) + ' |'
lines += ['', header, '|---|---|' + '---|---|' * len(texts)]
for setting, results in by_setting.items():
    cells = []
    for key, _ in texts:
        values = [r[key] for r in results if r[key] is not None]
        bvalues = [r[key] for r in base if r[key] is not None] if base else []
        if not values:
            cells += ['–', '–']
            continue
        mean = statistics.mean(values)
        cells.append(f'{mean:.3f} ({min(values):.3f}–{max(values):.3f})')
        cells.append(f'{mean - statistics.mean(bvalues):+.3f}' if bvalues and setting != 'baseline' else '')
    lines.append(f"| {setting} | {len(results)} | " + ' | '.join(cells) + ' |')
# How well each signal marks word boundaries, on every text (`actlm eval`'s signals): the ROC AUC of ρ and N
# per layer, of the next-step loss, of each byte's own surprisal and of the predictive entropy, over the
# same bytes; then mean ρ of layer 1 at digits, at '<' and on letters, beside the next-step loss there.
def f(x, d=3):
    return '–' if x is None else f'{x:.{d}f}'
boundaries = ('Word boundaries (a space or tab after text, punctuation, sentence end, newline; a gap space, '
              'after a space, tab or newline, is not one) against every other byte')
if pondering:
    lines += ['', boundaries + ', ROC AUC '
              '(1 = higher at every boundary, 0.5 = no signal); mean ρ of layer 1 and next-step loss (bits) at digits, '
              '\'<\' and letters.', '',
              '| run | text | bpc | ρ AUC per layer | N AUC per layer | next-step loss AUC | own surprisal AUC | '
              'entropy AUC | layer 1 ρ: digits / \'<\' / letters | next-step loss: digits / \'<\' / letters |',
              '|---|---|---|---|---|---|---|---|---|---|']
for name, *_ in rows:
    for key, label in texts:
        e = load(name, key)
        if not e or 'signals' not in e:
            continue
        s = e['signals']
        layers = s['per_layer']
        kinds = lambda k: ' / '.join(f(k[x], 2) for x in ('digits', 'tag_openings', 'letters'))
        lines.append(f"| {name} | {label} | {e['bpc']:.3f} | {' / '.join(f(l['rho_auc']) for l in layers)} | "
                     f"{' / '.join(f(l['steps_auc']) for l in layers)} | {f(s['next_loss_auc'])} | {f(s['surprisal_auc'])} | "
                     f"{f(s.get('entropy_auc'))} | {kinds(layers[0]['mean_rho'])} | {kinds(s['mean_next_loss'])} |")
# The measures segmentation work reports, on the same bytes: average precision (a signal without
# information scores about the share of boundaries) and F1 where each signal marks as many bytes as there
# are boundaries (its top k, ties by position; there precision = recall = F1).
measured_ap = [(name, label, e['signals']) for name, *_ in rows for key, label in texts
               for e in [load(name, key)] if e and 'rho_average_precision' in e.get('signals', {}).get('per_layer', [{}])[0]]
if measured_ap:
    lines += ['', boundaries + ': average precision (AP) and F1 at the top k, k = the number of boundaries.', '',
              '| run | text | boundaries | ρ AP per layer | N AP per layer | next-step loss AP | entropy AP | '
              'ρ F1 per layer | next-step loss F1 | entropy F1 |',
              '|---|---|---|---|---|---|---|---|---|---|']
for name, label, s in measured_ap:
    layers = s['per_layer']
    share = f"{100 * s['boundaries'] / s['bytes']:.1f}%" if s['bytes'] else '–'
    lines.append(f"| {name} | {label} | {share} | {' / '.join(f(l['rho_average_precision']) for l in layers)} | "
                 f"{' / '.join(f(l['steps_average_precision']) for l in layers)} | {f(s['next_loss_average_precision'])} | "
                 f"{f(s.get('entropy_average_precision'))} | {' / '.join(f(l['rho_f1']) for l in layers)} | "
                 f"{f(s['next_loss_f1'])} | {f(s.get('entropy_f1'))} |")
# The same by kind of boundary byte, each kind against every non-boundary byte, and the gap spaces (not
# boundaries) against the other non-boundary bytes: what the model does in indentation.
signals = [(name, label, (load(name, key) or {}).get('signals', {})) for name, *_ in rows for key, label in texts]
measured = [(name, label, s) for name, label, s in signals if 'by_boundary_kind' in s]
if measured:
    kind_names = [k['name'] for k in measured[0][2]['by_boundary_kind']]
    lines += ['', 'By kind of boundary byte, each against every non-boundary byte (gap spaces, not boundaries, against '
              'the other non-boundary bytes): share of the measured bytes, layer 1 ρ AUC, next-step loss AUC.', '',
              '| run | text | ' + ' | '.join(kind_names) + ' |', '|---|---|' + '---|' * len(kind_names)]
for name, label, s in measured:
    portion = lambda k: f"{100 * k['bytes'] / s['bytes']:.1f}%" if s['bytes'] else '–'
    lines.append(f'| {name} | {label} | ' + ' | '.join(
        f"{portion(k)}, {f(k['rho_auc'][0])}, {f(k['next_loss_auc'])}" for k in s['by_boundary_kind']) + ' |')
open(f'{out}/results.md', 'w').write('\n'.join(lines) + '\n')
print('\n'.join(lines))
PY
if [ -n "$best_act" ]; then
  echo "wrote $out/results.md, $out/report.html, $out/learning-curves.svg and $out/ponder-map.svg (model: $best_act)"
else
  echo "wrote $out/results.md (no actlm run, so no ponder map or report)"
fi
