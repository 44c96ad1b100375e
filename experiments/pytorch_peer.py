#!/usr/bin/env python3
"""The PyTorch peer that actlm's speed figures are quoted against (not a dependency of actlm).

Trains PyTorch's fused nn.LSTM byte model on the same configuration as `actlm bench` (L layers of H units,
B streams, windows of T bytes, truncated BPTT with the state carried, Adam, clipping), or scores text one
stream at a time as `actlm eval` does, and prints chars/s (or bytes/s) as one JSON line.

    python3 experiments/pytorch_peer.py train corpora/wiki.gz --seconds 20 --threads 2
    python3 experiments/pytorch_peer.py score corpora/wiki.gz --bytes 100000 --threads 2
    python3 experiments/pytorch_peer.py curve corpora/wiki.gz --layers 1 --input one-hot --input-lr-scale 10

How bytes reach layer 1 (--input): one-hot, as actlm's do (a 256-wide input, the identity embedding, so
layer 1's input matrix is a table of byte rows, drawn within ±1), or embedding (a learnt Embedding(256, H)
in front of the input matrix). Train and score default to one-hot, the fair peer that speed figures are
quoted against: an H-wide embedding adds an H × 4H product per byte at layer 1 that actlm never does.
Speed figures before this peer were quoted against the embedding one (--input embedding).

The curve mode trains for --steps as `actlm train` does (learning-rate warm-up over 100 steps, state
reset every 500 bytes, forget-gate bias 1, training bytes only) and prints the mean training bpc of the
last 50 steps every 100 steps; it defaults to --input embedding, and with --input one-hot trains the byte
rows at --input-lr-scale times the learning rate.

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
    def __init__(self, layers, hidden, one_hot=False):
        super().__init__()
        width = 256 if one_hot else hidden
        self.embed = torch.nn.Embedding(256, width)  # the row lookup actlm does for W_x·onehot(byte)
        if one_hot:  # the identity: layer 1's input matrix is then a table of byte rows, as in actlm
            self.embed.weight.data = torch.eye(256)
            self.embed.weight.requires_grad = False
        self.lstm = torch.nn.LSTM(width, hidden, num_layers=layers)
        if one_hot:
            torch.nn.init.uniform_(self.lstm.weight_ih_l0, -1, 1)
        self.out = torch.nn.Linear(hidden, 256)

    def forward(self, x, state):
        h, state = self.lstm(self.embed(x), state)
        return self.out(h), state


class Windows:
    """B streams at evenly spaced offsets of the text, read forward T bytes at a time, as actlm trains."""

    def __init__(self, data, batch, seq):
        self.T = seq
        self.stride = (len(data) - 1) // batch
        self.text = torch.tensor(list(data), dtype=torch.long)
        self.offsets = torch.arange(batch) * self.stride
        self.position = 0

    def next(self):
        """The next window, [T+1, B] and time-major, and the offset within the streams it starts at."""
        if self.position + self.T + 1 > self.stride:
            self.position = 0
        start = self.position
        index = self.offsets[None, :] + start + torch.arange(self.T + 1)[:, None]
        self.position += self.T
        return self.text[index], start


def use_actlm_biases(lstm, hidden):
    """One bias vector per layer with the forget gate at 1, as actlm has them (PyTorch's gate order is
    i, f, g, o, and it adds bias_ih and bias_hh)."""
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias"):
                p.zero_()
                if name.startswith("bias_ih"):
                    p[hidden:2 * hidden] = 1


def add_shape_arguments(parser):
    """The model's and the batch's shape, with actlm's defaults."""
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq", type=int, default=100)


def learn(model, optimiser, window, state):
    """One step of truncated BPTT on a window; returns the loss in nats and the state to carry."""
    logits, state = model(window[:-1], state)
    state = tuple(s.detach() for s in state)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 256), window[1:].reshape(-1))
    optimiser.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
    optimiser.step()
    return loss.item(), state


def train(args, data):
    model = ByteLSTM(args.layers, args.hidden, args.input == "one-hot")
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    windows = Windows(data, args.batch, args.seq)
    state = None

    def step():
        nonlocal state
        loss, state = learn(model, optimiser, windows.next()[0], state)
        return loss

    deadline = time.perf_counter() + args.warmup
    while time.perf_counter() < deadline:
        step()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        loss = step()
        count += 1
    elapsed = time.perf_counter() - start
    B, T = args.batch, args.seq
    return {"mode": "train", "input": args.input, "chars_per_second": count * B * T / elapsed, "windows": count,
            "seconds": elapsed, "train_bpc": loss / 0.6931471805599453}


def curve(args, data):
    torch.manual_seed(args.seed)
    one_hot = args.input == "one-hot"
    model = ByteLSTM(args.layers, args.hidden, one_hot)
    use_actlm_biases(model.lstm, args.hidden)
    byte_rows = [model.lstm.weight_ih_l0] if one_hot else []
    rest = [p for p in model.parameters() if p.requires_grad and all(p is not q for q in byte_rows)]
    groups = [{"params": rest, "scale": 1.0}]
    if byte_rows:
        groups.append({"params": byte_rows, "scale": args.input_lr_scale})
    optimiser = torch.optim.Adam(groups, lr=2e-3)
    windows = Windows(data[:int(len(data) * 0.95)], args.batch, args.seq)  # the last 5% is held out
    state, recent = None, []
    for step in range(1, args.steps + 1):
        for group in optimiser.param_groups:
            group["lr"] = 2e-3 * group["scale"] * min(1.0, step / 100)
        window, start = windows.next()
        if start % 500 == 0:  # actlm's state resets
            state = None
        loss, state = learn(model, optimiser, window, state)
        recent = (recent + [loss / 0.6931471805599453])[-50:]
        if step % 100 == 0:
            print(json.dumps({"mode": "curve", "step": step, "train_bpc": round(sum(recent) / len(recent), 3),
                              "input": args.input, "input_lr_scale": args.input_lr_scale}), flush=True)
    return {"mode": "curve", "steps": args.steps, "train_bpc": sum(recent) / len(recent)}


@torch.no_grad()
def score(args, data):
    model = ByteLSTM(args.layers, args.hidden, args.input == "one-hot").eval()
    text = torch.tensor(list(data), dtype=torch.long)
    start = time.perf_counter()
    state, nats = None, 0.0
    for lo in range(0, len(text) - 1, args.seq):
        x = text[lo:lo + args.seq + 1]
        logits, state = model(x[:-1, None], state)
        nats += torch.nn.functional.cross_entropy(logits[:, 0], x[1:], reduction="sum").item()
    elapsed = time.perf_counter() - start
    return {"mode": "score", "input": args.input, "bytes_per_second": (len(text) - 1) / elapsed, "bytes": len(text) - 1,
            "seconds": elapsed, "bpc": nats / (len(text) - 1) / 0.6931471805599453}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["train", "score", "curve"])
    parser.add_argument("corpus")
    add_shape_arguments(parser)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--bytes", type=int, default=100_000, help="text to score (score mode)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=500, help="steps to train (curve mode)")
    parser.add_argument("--input", choices=["one-hot", "embedding"],
                        help="how bytes reach layer 1: one-hot, as actlm's (default for train and score), or an "
                             "Embedding(256, H) (default for curve)")
    parser.add_argument("--input-lr-scale", type=float, default=1.0,
                        help="learning rate of the one-hot byte rows relative to the rest (curve mode)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.input is None:
        args.input = "embedding" if args.mode == "curve" else "one-hot"
    torch.set_num_threads(args.threads)
    data = read_bytes(args.corpus, args.bytes if args.mode == "score" else 8_000_000)
    result = {"train": train, "score": score, "curve": curve}[args.mode](args, data)
    result.update({"layers": args.layers, "hidden": args.hidden, "threads": args.threads, "torch": torch.__version__})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
