#!/usr/bin/env python3
"""The PyTorch peer that actlm's speed figures are quoted against (not a dependency of actlm).

Trains PyTorch's fused nn.LSTM byte model on the same configuration as `actlm bench` (L layers of H units,
B streams, windows of T bytes, truncated BPTT with the state carried, Adam, clipping), or scores text one
stream at a time as `actlm eval` does, and prints chars/s (or bytes/s) as one JSON line.

    python3 experiments/pytorch_peer.py train corpora/wiki.gz --seconds 20 --threads 2
    python3 experiments/pytorch_peer.py score corpora/wiki.gz --bytes 100000 --threads 2

Install torch in a virtual environment of its own (python3 -m venv ~/torch && ~/torch/bin/pip install torch).
"""
import argparse
import gzip
import json
import time

import torch


def read_bytes(path, limit):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read(limit)


class ByteLSTM(torch.nn.Module):
    def __init__(self, layers, hidden):
        super().__init__()
        self.embed = torch.nn.Embedding(256, hidden)  # the row lookup actlm does for W_x·onehot(byte)
        self.lstm = torch.nn.LSTM(hidden, hidden, num_layers=layers)
        self.out = torch.nn.Linear(hidden, 256)

    def forward(self, x, state):
        h, state = self.lstm(self.embed(x), state)
        return self.out(h), state


def train(args, data):
    model = ByteLSTM(args.layers, args.hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    B, T = args.batch, args.seq
    stride = (len(data) - 1) // B
    text = torch.tensor(list(data), dtype=torch.long)
    offsets = torch.arange(B) * stride
    state = None
    position = 0

    def step():
        nonlocal state, position
        if position + T + 1 > stride:
            position = 0
        index = offsets[None, :] + position + torch.arange(T + 1)[:, None]  # [T+1, B], time-major
        window = text[index]
        logits, state = model(window[:-1], state)
        state = tuple(s.detach() for s in state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 256), window[1:].reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        position += T
        return loss.item()

    deadline = time.perf_counter() + args.warmup
    while time.perf_counter() < deadline:
        step()
    windows, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        loss = step()
        windows += 1
    elapsed = time.perf_counter() - start
    return {"mode": "train", "chars_per_second": windows * B * T / elapsed, "windows": windows,
            "seconds": elapsed, "train_bpc": loss / 0.6931471805599453}


@torch.no_grad()
def score(args, data):
    model = ByteLSTM(args.layers, args.hidden).eval()
    text = torch.tensor(list(data), dtype=torch.long)
    start = time.perf_counter()
    state, nats = None, 0.0
    for lo in range(0, len(text) - 1, args.seq):
        x = text[lo:lo + args.seq + 1]
        logits, state = model(x[:-1, None], state)
        nats += torch.nn.functional.cross_entropy(logits[:, 0], x[1:], reduction="sum").item()
    elapsed = time.perf_counter() - start
    return {"mode": "score", "bytes_per_second": (len(text) - 1) / elapsed, "bytes": len(text) - 1,
            "seconds": elapsed, "bpc": nats / (len(text) - 1) / 0.6931471805599453}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["train", "score"])
    parser.add_argument("corpus")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--bytes", type=int, default=100_000, help="text to score (score mode)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = read_bytes(args.corpus, 8_000_000 if args.mode == "train" else args.bytes)
    result = train(args, data) if args.mode == "train" else score(args, data)
    result.update({"layers": args.layers, "hidden": args.hidden, "threads": args.threads, "torch": torch.__version__})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
