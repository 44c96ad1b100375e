#!/usr/bin/env python3
"""Where layer 1's word-boundary AUC is lost: AUC of rho_1 and of the next-step loss for each kind of
boundary byte against all non-boundary bytes, from `actlm ponder-map --format tsv` output.
Usage: experiments/boundary_kinds.py ponder.tsv  (from actlm ponder-map TEXT --checkpoint CKPT --format tsv)"""
import sys

MARKUP = set(b"<>[]{}|=&#*/\\~^_@")


def kind(prev, b):
    if b in (0x20, 0x09):
        return 'space after space' if prev in (0x20, 0x09) else ('space after newline' if prev in (10, 13) else 'space after other')
    if b in (10, 13):
        return 'newline'
    if b in b'.!?':
        return 'sentence end'
    if 0x21 <= b <= 0x7E and not (0x30 <= b <= 0x39) and b not in MARKUP and not chr(b).isalpha():
        return 'punctuation'
    return None


def auc(pos, neg):
    """P(score of a positive > score of a negative), ties count half (rank-sum)."""
    scored = [(s, 1) for s in pos] + [(s, 0) for s in neg]
    scored.sort(key=lambda x: x[0])
    rank_sum, i, n = 0.0, 0, len(scored)
    while i < n:
        j = i
        while j < n and scored[j][0] == scored[i][0]:
            j += 1
        mid = (i + j + 1) / 2
        rank_sum += mid * sum(1 for k in range(i, j) if scored[k][1])
        i = j
    p, q = len(pos), len(neg)
    return (rank_sum - p * (p + 1) / 2) / (p * q) if p and q else float('nan')


rows = []
with open(sys.argv[1]) as f:
    header = f.readline().rstrip('\n').split('\t')
    col = {name: i for i, name in enumerate(header)}
    for line in f:
        x = line.rstrip('\n').split('\t')
        rows.append((int(x[col['byte']]), float(x[col['bits']] or 'nan'), float(x[col['rho_1']])))
groups, negatives = {}, ([], [])
for t in range(1, len(rows) - 1):
    b, rho, next_loss = rows[t][0], rows[t][2], rows[t + 1][1]
    k = kind(rows[t - 1][0], b)
    if k is None:
        negatives[0].append(rho)
        negatives[1].append(next_loss)
    else:
        g = groups.setdefault(k, ([], []))
        g[0].append(rho)
        g[1].append(next_loss)
allpos = ([r for g in groups.values() for r in g[0]], [l for g in groups.values() for l in g[1]])
groups['all boundaries'] = allpos
nonrun = [k for k in groups if k not in ('space after space', 'all boundaries')]
groups['all but space after space'] = ([r for k in nonrun for r in groups[k][0]], [l for k in nonrun for l in groups[k][1]])
print(f"{'boundary kind':28} {'bytes':>8} {'share':>6} {'rho_1 AUC':>9} {'loss AUC':>9} {'mean rho_1':>10}")
total = len(allpos[0])
for k, (rho, loss) in groups.items():
    print(f"{k:28} {len(rho):8d} {len(rho) / total:6.1%} {auc(rho, negatives[0]):9.3f} {auc(loss, negatives[1]):9.3f} "
          f"{sum(rho) / len(rho):10.3f}")
print(f"{'(non-boundary bytes)':28} {len(negatives[0]):8d}        {'':9} {'':9} {sum(negatives[0]) / len(negatives[0]):10.3f}")
