#!/usr/bin/env python3
"""The user's alternative to actlm: a PyTorch byte LSTM of the same size, trained for the same wall time.

What a careful user would write with PyTorch's fused nn.LSTM (not a dependency of actlm): a learned byte
embedding of H units, L layers of H cells, a linear layer to the 256 byte logits; the training recipe of
`actlm train`'s defaults, so that only the model and the speed differ: the last --valid-fraction of the
corpus held out, B streams at evenly spaced offsets read T bytes at a time with the state carried and
reset every 500 bytes, forget-gate bias 1, Adam at 2e-3 after a linear warm-up over 100 steps, a cosine
decay to 1e-4 over the last fifth of the run (its end step predicted from the speed so far, as a
`--minutes` run of actlm does), gradients clipped to norm 1. Every --eval-every steps it scores 100,000
bytes of the held-out part. At the end it scores every text the way `actlm eval` does (the state reset
every 500 bytes, every byte after the first predicted once) and writes OUT/result.json and
OUT/metrics.jsonl.

    ~/torch/bin/python experiments/pytorch_user.py corpora/english.gz --minutes 60 --out runs/pytorch \\
        --text heldout=heldout.txt --text other=licences.txt

Install torch in a virtual environment of its own (python3 -m venv ~/torch && ~/torch/bin/pip install torch).
"""
import argparse
import gzip
import json
import math
import os
import time

import torch

from pytorch_peer import ByteLSTM, add_shape_arguments, learn, use_actlm_biases

LN2 = math.log(2)
RESET = 500


def read_bytes(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8)


def learning_rate(step, decay_start, decay_end, peak=2e-3, final=1e-4, warmup=100):
    if step <= warmup:
        return peak * step / warmup
    if step <= decay_start:
        return peak
    progress = min(1.0, (step - decay_start) / max(1, decay_end - decay_start))
    return final + (peak - final) * 0.5 * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def score(model, text, batch=64):
    """bpc over every byte after the first, the state reset every RESET bytes: segments of RESET inputs
    (each with the byte after it as the last target) scored side by side."""
    n = len(text) - 1
    segments = []
    for lo in range(0, n, RESET):
        segments.append(text[lo:min(lo + RESET, n) + 1].long())
    nats = 0.0
    for k in range(0, len(segments), batch):
        group = segments[k:k + batch]
        width = max(len(s) for s in group)
        x = torch.zeros(width, len(group), dtype=torch.long)
        mask = torch.zeros(width - 1, len(group))
        for j, s in enumerate(group):
            x[:len(s), j] = s
            mask[:len(s) - 1, j] = 1
        logits, _ = model(x[:-1], None)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 256), x[1:].reshape(-1), reduction='none')
        nats += (loss * mask.reshape(-1)).sum().item()
    return nats / n / LN2


def train(args, data):
    torch.manual_seed(args.seed)
    train_bytes = int(len(data) * (1 - args.valid_fraction))
    corpus, valid = data[:train_bytes], data[train_bytes:train_bytes + 100_000]
    model = ByteLSTM(args.layers, args.hidden)
    use_actlm_biases(model.lstm, args.hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    B, T = args.batch, args.seq
    stride = (len(corpus) - 1) // B
    offsets = torch.arange(B) * stride
    steps_between_resets = RESET // T
    metrics = open(os.path.join(args.out, 'metrics.jsonl'), 'w')
    state, position, step, chars = None, 0, 0, 0
    start = time.perf_counter()
    deadline = start + args.minutes * 60
    decay_start = decay_end = 1 << 62
    while time.perf_counter() < deadline:
        step += 1
        if (step - 1) % steps_between_resets == 0:
            state = None
        if position + T + 1 > stride:
            position = 0  # each stream wraps to its start, as actlm's ring does
        index = offsets[None, :] + position + torch.arange(T + 1)[:, None]
        window = corpus[index].long()
        position += T
        for group in optimiser.param_groups:
            group['lr'] = learning_rate(step, decay_start, decay_end)
        loss, state = learn(model, optimiser, window, state)
        chars += B * T
        elapsed = time.perf_counter() - start
        if step > 100:  # the run's last step, from the speed so far; the decay spans its last fifth
            decay_end = step + int((deadline - time.perf_counter()) * step / elapsed)
            decay_start = 100 + int(0.8 * (decay_end - 100))
        if step % args.eval_every == 0:
            model.eval()
            record = {'step': step, 'chars': chars, 'seconds': round(elapsed, 1),
                      'train_bpc': loss / LN2, 'valid_bpc': score(model, valid),
                      'chars_per_s': chars / elapsed}
            model.train()
            metrics.write(json.dumps(record) + '\n')
            metrics.flush()
            print(json.dumps(record), flush=True)
    elapsed = time.perf_counter() - start
    return model, {'steps': step, 'chars': chars, 'seconds': elapsed, 'chars_per_s': chars / elapsed,
                   'epochs': chars / train_bytes, 'train_bytes': train_bytes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('corpus', help='the training corpus (plain or gzip)')
    parser.add_argument('--out', required=True, help='folder for result.json and metrics.jsonl')
    parser.add_argument('--text', action='append', default=[], metavar='KEY=FILE',
                        help='a text to score at the end (repeatable)')
    parser.add_argument('--minutes', type=float, default=60)
    add_shape_arguments(parser)
    parser.add_argument('--valid-fraction', type=float, default=0.05)
    parser.add_argument('--eval-every', type=int, default=500)
    parser.add_argument('--threads', type=int, default=os.cpu_count())
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    if RESET % args.seq:
        parser.error(f'--seq must divide {RESET}, where the state resets')
    texts = dict(t.split('=', 1) for t in args.text)
    for path in texts.values():
        if not os.path.isfile(path):
            parser.error(f'no text at {path}')
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    model, result = train(args, read_bytes(args.corpus))
    model.eval()
    result['bpc'] = {key: score(model, read_bytes(path)) for key, path in texts.items()}
    result.update({'layers': args.layers, 'hidden': args.hidden, 'batch': args.batch, 'seq': args.seq,
                   'threads': args.threads, 'seed': args.seed, 'minutes': args.minutes, 'torch': torch.__version__})
    with open(os.path.join(args.out, 'result.json'), 'w') as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
