#!/usr/bin/env python3
"""The tables of experiments/run.sh, from what its runs left in its output folder OUT.

  tabulate.py runs OUT TRAIN_BYTES RUN...   writes OUT/runs.tsv: a row per RUN (name:M:tau:scope:seed) with
                                            its chars/s per second of its own turns and the epochs it read;
                                            a PyTorch run's bpc per text go to OUT/NAME.KEY.json
  tabulate.py best OUT                      prints the actlm run to draw: the ACT run that ponders most at
                                            word boundaries on the held-out text, else the first actlm run
  tabulate.py results OUT MINUTES JOBS THREADS TURN
                                            writes OUT/results.md (and prints it): bpc, ponder and how well
                                            every signal marks word boundaries, per run and text

OUT holds texts.tsv (key, label, file; the held-out text first), NAME.KEY.json (`actlm eval --json` of run
NAME on text KEY), NAME.log (its `actlm train` output), NAME.turns (how many runs it took turns with),
runs/NAME/ (its run folder).
"""
import json
import os
import re
import statistics
import sys


def read_tsv(path):
    return [line.rstrip('\n').split('\t') for line in open(path)]


def load(out, name, key):
    path = f'{out}/{name}.{key}.json'
    return json.load(open(path)) if os.path.exists(path) else None


def shared(out, name):
    """How many runs NAME took turns with (1 when it ran alone): its speed counts its own seconds."""
    path = f'{out}/{name}.turns'
    return int(open(path).read()) if os.path.exists(path) else 1


def runs(out, train_bytes, specs):
    rows = []
    for spec in specs:
        name, kind, tau = spec.split(':')[:3]
        if kind == 'pytorch':
            r = json.load(open(f'{out}/runs/{name}/result.json'))
            for key, bpc in r['bpc'].items():
                json.dump({'bpc': bpc}, open(f'{out}/{name}.{key}.json', 'w'))
            rows.append(f"{name}\tpytorch\t-\t{round(r['chars_per_s'] * shared(out, name))}\t{r['epochs']:.2f}")
            continue
        last = [json.loads(line) for line in open(f'{out}/runs/{name}/metrics.jsonl')][-1]
        # How many times the run read its training bytes: at user scale, at most once.
        epochs = '%.2f' % (last['chars'] / train_bytes)
        rows.append(f"{name}\t{kind}\t{tau}\t{round(last['chars_per_s'] * shared(out, name))}\t{epochs}")
    open(f'{out}/runs.tsv', 'w').write(''.join(row + '\n' for row in rows))


def best(out):
    rows = read_tsv(f'{out}/runs.tsv')
    models = [name for name, kind, *_ in rows if kind != 'pytorch']   # actlm's runs: only these have checkpoints
    # A fixed control ponders alike at every byte, so only ACT runs are drawn.
    acts = [name for name, kind, *_ in rows if kind not in ('1', 'pytorch') and not kind.startswith('fixed')]

    def score(name):
        e = load(out, name, 'eval')
        return max((x for x in e['boundary_inside_ratio'] if x is not None), default=0)
    return max(acts, key=score) if acts else (models or [''])[0]


def f(x, d=3):
    return '–' if x is None else f'{x:.{d}f}'


def ratios(e):
    return ' / '.join('–' if x is None else f'{x:.2f}' for x in e['boundary_inside_ratio']) if e else '–'


def step_ratios(e):
    """The boundary/inside contrast counted in ponder steps N, the computation actually spent (ρ = N + R
    weighs a step taken just below the halting threshold by its remainder R alone)."""
    return ' / '.join('–' if not (s.get('boundary_steps') and s.get('inside_steps'))
                      else f"{s['boundary_steps'] / s['inside_steps']:.2f}" for s in e['ponder']['per_layer'])


def ponder_table(out, rows):
    lines = ['', '| run | M | τ | ε | halting | held-out bpc | mean ρ per layer | boundary/inside ρ per layer | '
             'mean N per layer | boundary/inside N | other text: bpc | other text: boundary/inside ρ | '
             'training chars/s | epochs read |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for name, kind, _, speed, epochs in rows:
        if kind == 'pytorch':
            continue
        e, o = load(out, name, 'eval'), load(out, name, 'other')
        m = e['config'].get('max_ponder', e['config'].get('maxPonder'))
        tau = re.search(r'τ ([0-9.e-]+)', open(f'{out}/{name}.log').read()).group(1)
        rho = ' / '.join(f'{x:.2f}' for x in e['mean_ponder'])
        steps = ' / '.join(f'{x:.2f}' for x in e['mean_steps'])
        other_bpc = f"{o['bpc']:.3f}" if o else '–'
        halting = 'layer 1 for the stack' if e['config'].get('halting_scope') == 'stack' else 'each layer'
        if e['config'].get('ponder') == 'fixed':   # the control: no halting unit, K steps at every byte
            m, halting = f'K = {m} fixed', 'none'
        lines.append(f"| {name} | {m} | {tau} | {e['config'].get('epsilon', '–')} | {halting} | {e['bpc']:.3f} | "
                     f"{rho} | {ratios(e)} | {steps} | {step_ratios(e)} | {other_bpc} | {ratios(o)} | {speed} | "
                     f"{epochs} |")
    return lines


def bpc_table(out, rows, texts):
    """bpc by setting on every text: mean over seeds, the range, and the difference from M = 1's mean."""
    by_setting = {}
    for name, kind, *_ in rows:
        setting = 'pytorch nn.LSTM' if kind == 'pytorch' else name.rsplit('-s', 1)[0]
        by_setting.setdefault(setting, []).append({key: (load(out, name, key) or {}).get('bpc') for key, _ in texts})
    base = by_setting.get('baseline')
    header = '| setting | seeds | ' + ' | '.join(f'{label}: bpc, mean (min–max) | Δ vs M = 1' for _, label in texts) + ' |'
    lines = ['', header, '|---|---|' + '---|---|' * len(texts)]
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
    return lines


BOUNDARIES = ('Word boundaries (a space or tab after text, punctuation, sentence end, newline; a gap space, '
              'after a space, tab or newline, is not one) against every other byte')


def signal_table(out, rows, texts):
    """How well each signal marks word boundaries, on every text (`actlm eval`'s signals): the ROC AUC of ρ and
    N per layer, of the next-step loss, of each byte's own surprisal and of the predictive entropy, over the
    same bytes; then mean ρ of layer 1 at digits, at '<' and on letters, beside the next-step loss there."""
    lines = ['', BOUNDARIES + ', ROC AUC '
             '(1 = higher at every boundary, 0.5 = no signal); mean ρ of layer 1 and next-step loss (bits) at digits, '
             '\'<\' and letters.', '',
             '| run | text | bpc | ρ AUC per layer | N AUC per layer | next-step loss AUC | own surprisal AUC | '
             'entropy AUC | layer 1 ρ: digits / \'<\' / letters | next-step loss: digits / \'<\' / letters |',
             '|---|---|---|---|---|---|---|---|---|---|']

    def kinds(k):
        return ' / '.join(f(k[x], 2) for x in ('digits', 'tag_openings', 'letters'))
    for name, *_ in rows:
        for key, label in texts:
            e = load(out, name, key)
            if not e or 'signals' not in e:
                continue
            s = e['signals']
            layers = s['per_layer']
            lines.append(f"| {name} | {label} | {e['bpc']:.3f} | {' / '.join(f(l['rho_auc']) for l in layers)} | "
                         f"{' / '.join(f(l['steps_auc']) for l in layers)} | {f(s['next_loss_auc'])} | "
                         f"{f(s['surprisal_auc'])} | {f(s.get('entropy_auc'))} | {kinds(layers[0]['mean_rho'])} | "
                         f"{kinds(s['mean_next_loss'])} |")
    return lines


def scored_signals(out, rows, texts, holds):
    """(run, text label, its `actlm eval` signals) for every run on every text whose signals `holds`."""
    found = []
    for name, *_ in rows:
        for key, label in texts:
            s = (load(out, name, key) or {}).get('signals', {})
            if s and holds(s):
                found.append((name, label, s))
    return found


def percent(part, whole):
    return f'{100 * part / whole:.1f}%' if whole else '–'


def precision_table(out, rows, texts):
    """The measures segmentation work reports, on the same bytes: average precision (a signal without
    information scores about the share of boundaries) and F1 where each signal marks as many bytes as there
    are boundaries (its top k, ties by position; there precision = recall = F1)."""
    measured = scored_signals(out, rows, texts, lambda s: 'rho_average_precision' in s.get('per_layer', [{}])[0])
    if not measured:
        return []
    lines = ['', BOUNDARIES + ': average precision (AP) and F1 at the top k, k = the number of boundaries.', '',
             '| run | text | boundaries | ρ AP per layer | N AP per layer | next-step loss AP | entropy AP | '
             'ρ F1 per layer | next-step loss F1 | entropy F1 |',
             '|---|---|---|---|---|---|---|---|---|---|']
    for name, label, s in measured:
        layers = s['per_layer']
        lines.append(f"| {name} | {label} | {percent(s['boundaries'], s['bytes'])} | {' / '.join(f(l['rho_average_precision']) for l in layers)} | "
                     f"{' / '.join(f(l['steps_average_precision']) for l in layers)} | "
                     f"{f(s['next_loss_average_precision'])} | {f(s.get('entropy_average_precision'))} | "
                     f"{' / '.join(f(l['rho_f1']) for l in layers)} | {f(s['next_loss_f1'])} | {f(s.get('entropy_f1'))} |")
    return lines


def kind_table(out, rows, texts):
    """The same by kind of boundary byte, each kind against every non-boundary byte, and the gap spaces (not
    boundaries) against the other non-boundary bytes: what the model does in indentation."""
    measured = scored_signals(out, rows, texts, lambda s: 'by_boundary_kind' in s)
    if not measured:
        return []
    kind_names = [k['name'] for k in measured[0][2]['by_boundary_kind']]
    lines = ['', 'By kind of boundary byte, each against every non-boundary byte (gap spaces, not boundaries, '
             'against the other non-boundary bytes): share of the measured bytes, layer 1 ρ AUC, next-step loss AUC.', '',
             '| run | text | ' + ' | '.join(kind_names) + ' |', '|---|---|' + '---|' * len(kind_names)]
    for name, label, s in measured:
        lines.append(f'| {name} | {label} | ' + ' | '.join(
            f"{percent(k['bytes'], s['bytes'])}, {f(k['rho_auc'][0])}, {f(k['next_loss_auc'])}"
            for k in s['by_boundary_kind']) + ' |')
    return lines


def results(out, minutes, jobs, threads, turn):
    rows = read_tsv(f'{out}/runs.tsv')
    texts = [row[:2] for row in read_tsv(f'{out}/texts.tsv')]   # [key, label], held-out first
    share = ('alone on the machine' if jobs == '1' else f'{jobs} at a time' if turn == '0' else
             f'{jobs} at a time taking turns of {turn} s, so each trained for {minutes} minutes of its own and '
             f'its chars/s are per second of its own turns')
    scored = ', '.join(label for _, label in texts)
    pondering = any(kind != 'pytorch' for _, kind, *_ in rows)   # only actlm's runs have ponder to tabulate
    by_pytorch = (' (the PyTorch model by experiments/pytorch_user.py, the same way)'
                  if any(kind == 'pytorch' for _, kind, *_ in rows) else '')
    lines = [f'Each model trained for {minutes} minutes{" of wall time" if turn == "0" else ""} ({share}, '
             f'{threads} OpenBLAS thread(s) each); scored by `actlm eval`{by_pytorch} on: {scored}.']
    lines += ponder_table(out, rows) if pondering else []
    lines += bpc_table(out, rows, texts)
    lines += signal_table(out, rows, texts) if pondering else []
    lines += precision_table(out, rows, texts)
    lines += kind_table(out, rows, texts)
    return lines


def main(argv):
    command, out, *rest = argv
    if command == 'runs':
        runs(out, int(rest[0]), rest[1:])
    elif command == 'best':
        print(best(out))
    elif command == 'results':
        lines = results(out, *rest)
        open(f'{out}/results.md', 'w').write('\n'.join(lines) + '\n')
        print('\n'.join(lines))
    else:
        sys.exit(f'tabulate.py: no command {command} (runs, best or results)')


if __name__ == '__main__':
    main(sys.argv[1:])
