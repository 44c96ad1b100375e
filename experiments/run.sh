#!/usr/bin/env bash
# The comparison behind README "Results": a fixed-computation baseline (M = 1) against ACT models at a
# few time penalties τ and ponder limits M, each trained for the same wall time on the same corpus, then
# scored on the same held-out bytes. Writes experiments/out/results.md, a ponder-map figure of a
# held-out excerpt, report.html (`actlm report` on every run) and learning-curves.svg. With --jobs 2, two runs train at a time on one core each (OpenBLAS threads =
# cores / jobs), so every run gets the same share of the machine.
#
#   experiments/run.sh                       # defaults: about an hour on 2 cores
#   experiments/run.sh --minutes 60 --taus "0.005 0.01" --max-ponders "2 3 4" --corpus enwik8.gz   # more time
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=25
taus=""                 # ACT runs at the default M with these τ
max_ponders="2 3 4"     # ACT runs at the default τ with these M
jobs=2
corpus=corpora/wiki.gz
out=experiments/out
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --taus) taus=$2; shift 2 ;;
    --max-ponders) max_ponders=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; echo "  Arguments after -- go to every 'actlm train'."; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

actlm=.build/release/actlm
[ -x "$actlm" ] || { echo "build first: make build" >&2; exit 1; }
[ -f "$corpus" ] || { echo "no corpus at $corpus: run make corpus" >&2; exit 1; }
command -v python3 >/dev/null || { echo "the results table needs python3" >&2; exit 1; }
mkdir -p "$out"

# The held-out bytes are the corpus's own validation part (its last 5%), written out once so that
# every model is scored by `actlm eval` on exactly the same text.
heldout=$out/heldout.txt
valid_bytes=$("$actlm" corpus "$corpus" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["valid_bytes"])')
"$actlm" corpus "$corpus" >/dev/null
case "$corpus" in *.gz) gzip -dc "$corpus" ;; *) cat "$corpus" ;; esac | tail -c "$valid_bytes" > "$heldout"
# A readable excerpt of prose for the figure: the first paragraph of article text in the held-out part.
python3 - "$heldout" "$out/excerpt.txt" <<'PY'
import re, sys
text = open(sys.argv[1], 'rb').read()
starts = [m.start() for m in re.finditer(rb'\n[A-Z][a-z]+ [a-z]+ [a-z]+', text)]
start = starts[len(starts) // 3] + 1 if starts else 0
open(sys.argv[2], 'wb').write(text[start:start + 600])
PY

# The baseline differs from the defaults only in M = 1 (τ does not matter there: ρ is 2 at every byte).
# The ACT runs differ from the defaults only in τ or M.
runs=("baseline:1:default")
for m in $max_ponders; do runs+=("act-m$m:$m:default"); done
for tau in $taus; do runs+=("act-tau$tau:default:$tau"); done

cores=$(nproc 2>/dev/null || echo 2)
threads=$(( cores / jobs > 0 ? cores / jobs : 1 ))
train() {
  IFS=: read -r name maxponder tau <<<"$1"
  local flags=()
  [ "$maxponder" = default ] || flags+=(--max-ponder "$maxponder")
  [ "$tau" = default ] || flags+=(--tau "$tau")
  rm -rf "$out/runs/$name"
  OPENBLAS_NUM_THREADS=$threads "$actlm" train "$corpus" "${flags[@]}" --minutes "$minutes" \
    --checkpoint-dir "$out/runs" --run-name "$name" --eval-every 500 "${extra[@]}" > "$out/$name.log"
  echo "== $name: $(tail -n 4 "$out/$name.log" | head -n 2 | tr '\n' ' ')"
}
echo "training ${#runs[@]} runs of $minutes minutes, $jobs at a time with $threads OpenBLAS thread(s) each"
for run in "${runs[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  train "$run" &
done
wait

: > "$out/runs.tsv"
for run in "${runs[@]}"; do
  IFS=: read -r name maxponder tau <<<"$run"
  "$actlm" eval "$out/runs/$name/latest.ckpt" "$heldout" --json > "$out/$name.eval.json"
  speed=$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(round(r[-1]["chars_per_s"]))' "$out/runs/$name/metrics.jsonl")
  printf '%s\t%s\t%s\t%s\n' "$name" "$maxponder" "$tau" "$speed" >> "$out/runs.tsv"
done

best_act=$(python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
rows = [l.rstrip('\n').split('\t') for l in open(f'{out}/runs.tsv')]
acts = [r[0] for r in rows if r[1] != '1']
def score(name):
    e = json.load(open(f'{out}/{name}.eval.json'))
    return max((x for x in e['boundary_inside_ratio'] if x is not None), default=0)
print(max(acts, key=score) if acts else rows[0][0])
PY
)
"$actlm" ponder-map "$out/excerpt.txt" --checkpoint "$out/runs/$best_act/latest.ckpt" --format svg > "$out/ponder-map.svg"

# Every run on one page, and the learning curves alone as the figure for README "Results".
run_dirs=()
for run in "${runs[@]}"; do run_dirs+=("$out/runs/${run%%:*}"); done
"$actlm" report "${run_dirs[@]}" -o "$out/report.html" --curves-svg "$out/learning-curves.svg"

python3 - "$out" "$minutes" "$jobs" "$threads" <<'PY'
import json, re, sys
out, minutes, jobs, threads = sys.argv[1:5]
rows = [l.rstrip('\n').split('\t') for l in open(f'{out}/runs.tsv')]
base = json.load(open(f'{out}/{rows[0][0]}.eval.json'))['bpc']
share = 'alone on the machine' if jobs == '1' else f'{jobs} at a time'
lines = [f'Each model trained for {minutes} minutes of wall time ({share}, {threads} OpenBLAS thread(s) each); '
         'scored by `actlm eval` on the held-out part of the corpus.', '',
         '| run | M | τ | held-out bpc | Δ bpc vs M=1 | mean ρ per layer | boundary/inside ρ per layer | training chars/s |',
         '|---|---|---|---|---|---|---|---|']
for name, _, tau, speed in rows:
    e = json.load(open(f'{out}/{name}.eval.json'))
    m = e['config'].get('max_ponder', e['config'].get('maxPonder'))
    tau = re.search(r'τ ([0-9.e-]+)', open(f'{out}/{name}.log').read()).group(1)
    rho = ' / '.join(f'{x:.2f}' for x in e['mean_ponder'])
    ratio = ' / '.join('–' if x is None else f'{x:.2f}' for x in e['boundary_inside_ratio'])
    lines.append(f"| {name} | {m} | {tau} | {e['bpc']:.3f} | {e['bpc'] - base:+.3f} | {rho} | {ratio} | {speed} |")
open(f'{out}/results.md', 'w').write('\n'.join(lines) + '\n')
print('\n'.join(lines))
PY
echo "wrote $out/results.md, $out/report.html, $out/learning-curves.svg and $out/ponder-map.svg (model: $best_act)"
