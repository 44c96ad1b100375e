#!/usr/bin/env python3
"""A second implementation of the ACT-LSTM forward pass, in NumPy, to check actlm against.

Written from the equations in docs/act-lstm.md and Graves (2016, arXiv 1603.08983, section 2), not from
actlm's Swift code, so that the two can disagree. It loads a model written by `actlm export` and
scores a text as `actlm eval` does: the text is cut where the model's state resets (every
`state_reset` bytes, none if 0), each segment read from a zero state; every byte after the first is
predicted from the bytes before it, a segment's first byte from the end of the segment before.

    python3 reference/actlm_reference.py score MODEL.safetensors TEXT [--near-threshold FILE]

prints the table `actlm ponder-map TEXT --format tsv` prints (offset, byte, char, bits, rho_l…, n_l…)
and on standard error the bits per character and the speed. Arithmetic is float64 throughout (the
float32 weights are widened once), so the reference's own rounding is far below actlm's float32.

A model exported with `ponder` = `fixed` (actlm train --fixed-ponder K) is the fixed-computation
control: every byte takes exactly K = `max_ponder` steps in every layer, the first with the flag, and the
layer carries the last step's state; ρ = N = K.

A layer stops pondering once its halting probabilities add up to 1 − ε. Where a sum lies within
--margin (1e-5) of that threshold, float32 and float64 may decide differently; --near-threshold FILE
lists those bytes (offset, layer, ponder step, sum) so a comparison can tell such a byte from a bug.
"""

import argparse
import gzip
import sys
import time

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

FORMAT = "actlm-act-lstm"
FORMAT_VERSION = 2   # 2: the fixed-computation control (metadata "ponder")
PONDER_MODES = ("act", "fixed")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class Model:
    """The settings and weights of an export, in float64."""

    def __init__(self, path):
        with safe_open(path, framework="numpy") as f:
            meta = f.metadata() or {}
        if meta.get("format") != FORMAT:
            raise SystemExit(f"{path}: not an actlm export (its metadata has no format \"{FORMAT}\")")
        if int(meta["format_version"]) > FORMAT_VERSION:
            raise SystemExit(f"{path}: export format version {meta['format_version']}; this reference reads "
                             f"up to {FORMAT_VERSION}")
        self.L = int(meta["layers"])
        self.H = int(meta["hidden"])
        self.M = int(meta["max_ponder"])
        self.epsilon = float(meta["epsilon"])
        self.halting_input = meta["halting_input"]      # h, h-c or h-tanh-c
        self.ponder = meta.get("ponder", "act")       # act or fixed
        if self.ponder not in PONDER_MODES:
            raise SystemExit(f"{path}: ponder mode \"{self.ponder}\"; this reference knows {', '.join(PONDER_MODES)}")
        self.stack_halts = self.ponder == "act" and meta["halting_scope"] == "stack" and self.L > 1
        self.state_reset = int(meta["state_reset"])
        w = {name: array.astype(np.float64) for name, array in load_file(path).items()}
        self.layers = [Layer(w, l, self.H) for l in range(1, self.L + 1)]
        self.W_y, self.b_y = w["output.weights"], w["output.bias"]


class Layer:
    """One ACT-LSTM layer's weights; gate columns i, f, o, g; pre-activations are x @ W."""

    def __init__(self, w, l, H):
        p = f"layer{l}."
        self.W_x = w[p + "input_weights"]          # [256, 4H] (layer 1: a row per byte) or [H, 4H]
        self.w_flag = w[p + "flag_weights"]        # [4H] the first-step flag δ(n = 1)
        self.W_r = w[p + "recurrent_weights"]      # [H, 4H]
        self.b = w[p + "bias"]                     # [4H]
        self.w_eta = w.get(p + "halting_weights")  # [H] or [2H]; none above layer 1 with the stack's scope
        self.b_eta = w[p + "halting_bias"][0] if self.w_eta is not None else None
        self.reads_bytes = l == 1
        self.H = H

    def input_projection(self, u):
        """W_x u_t + b: the same at every ponder step; a byte selects a row."""
        return (self.W_x[u] if self.reads_bytes else u @ self.W_x) + self.b

    def lstm(self, projected, first, h, c):
        """One ponder step: x^n = [u ; δ(n = 1)], a^n = W [x^n ; h^{n−1}] + b."""
        H = self.H
        a = projected + h @ self.W_r + (self.w_flag if first else 0.0)
        i, f, o, g = sigmoid(a[:H]), sigmoid(a[H:2 * H]), sigmoid(a[2 * H:3 * H]), np.tanh(a[3 * H:])
        c = f * c + i * g
        return o * np.tanh(c), c

    def halting(self, h, c, halting_input):
        """η^n = σ(w_η · [what the unit reads of (h^n, c^n)] + b_η)."""
        x = {"h": h, "h-c": np.concatenate([h, c]), "h-tanh-c": np.concatenate([h, np.tanh(c)])}[halting_input]
        return sigmoid(x @ self.w_eta + self.b_eta)


class Ponder:
    """What one layer did at one byte: N, R and the weights p^n of its ponder steps."""

    def __init__(self, steps, remainder, weights, near):
        self.N, self.R, self.p = steps, remainder, weights
        self.rho = steps + remainder
        self.near = near   # [(step n, Σ_{k≤n} η^k)] sums within the margin of 1 − ε


def ponder_on_own(layer, model, projected, h0, c0, margin):
    """Steps until Σ η ≥ 1 − ε or n = M; returns the mean-field (h_t, c_t) and the ponder."""
    threshold = 1.0 - model.epsilon
    h, c = h0, c0
    hs, cs, etas, near = [], [], [], []
    total = 0.0
    for n in range(1, model.M + 1):
        h, c = layer.lstm(projected, n == 1, h, c)
        hs.append(h)
        cs.append(c)
        if n == model.M:
            break
        eta = layer.halting(h, c, model.halting_input)
        if abs(total + eta - threshold) < margin:
            near.append((n, total + eta))
        if total + eta >= threshold:
            break
        total += eta
        etas.append(eta)
    N = len(hs)
    R = 1.0 - total                    # 1 − Σ_{n<N} η^n
    p = etas + [R]
    return mix(p, hs, cs), Ponder(N, R, p, near)


def ponder_fixed(layer, model, projected, h0, c0):
    """The fixed control: exactly K = M steps; the last step's state goes on (p^K = 1, R = 0)."""
    h, c = h0, c0
    for n in range(1, model.M + 1):
        h, c = layer.lstm(projected, n == 1, h, c)
    return (h, c), Ponder(model.M, 0.0, [0.0] * (model.M - 1) + [1.0], [])


def ponder_as_told(layer, ponder, projected, h0, c0):
    """A layer above layer 1 with the stack's scope: layer 1's N steps, with its p^n."""
    h, c = h0, c0
    hs, cs = [], []
    for n in range(1, ponder.N + 1):
        h, c = layer.lstm(projected, n == 1, h, c)
        hs.append(h)
        cs.append(c)
    return mix(ponder.p, hs, cs)


def mix(p, hs, cs):
    """The mean-field state: h_t = Σ p^n h^n, c_t = Σ p^n c^n."""
    return sum(pn * h for pn, h in zip(p, hs)), sum(pn * c for pn, c in zip(p, cs))


def read_segment(model, segment, margin):
    """Reads bytes from a zero state; yields, per byte, the log-probabilities of the next byte and
    every layer's ponder."""
    zero = np.zeros(model.H)
    state = [(zero, zero) for _ in model.layers]
    for x in segment:
        u, ponders = x, []
        for l, layer in enumerate(model.layers):
            projected = layer.input_projection(u)
            if model.ponder == "fixed":
                state[l], ponder = ponder_fixed(layer, model, projected, *state[l])
                ponders.append(ponder)
            elif model.stack_halts and l > 0:
                state[l] = ponder_as_told(layer, ponders[0], projected, *state[l])
                ponders.append(ponders[0])
            else:
                state[l], ponder = ponder_on_own(layer, model, projected, *state[l], margin)
                ponders.append(ponder)
            u = state[l][0]
        logits = u @ model.W_y + model.b_y
        top = logits.max()
        log_probabilities = logits - (top + np.log(np.exp(logits - top).sum()))
        yield log_probabilities, ponders


def segments(text, state_reset):
    step = state_reset if state_reset > 0 else max(len(text), 1)
    return [text[start:start + step] for start in range(0, len(text), step)]


def escaped(b):
    """The byte as ponder-map's `char` column shows it."""
    named = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x5C: "\\\\"}
    if b in named:
        return named[b]
    return chr(b) if 0x20 <= b <= 0x7E else f"\\x{b:02x}"


def score(model, text, out, near_out=None, margin=1e-5):
    """Writes the ponder-map TSV of `text`; returns (bits per character, seconds)."""
    start = time.perf_counter()
    L = model.L
    out.write("\t".join(["offset", "byte", "char", "bits"] + [f"rho_{l}" for l in range(1, L + 1)]
                        + [f"n_{l}" for l in range(1, L + 1)]) + "\n")
    if near_out is not None:
        near_out.write("offset\tlayer\tstep\tsum\n")
    offset, previous, total_bits = 0, None, 0.0
    for segment in segments(text, model.state_reset):
        for log_probabilities, ponders in read_segment(model, segment, margin):
            x = text[offset]
            bits = "" if previous is None else f"{-previous[x] / np.log(2):.4f}"
            if previous is not None:
                total_bits += -previous[x] / np.log(2)
            out.write(f"{offset}\t{x}\t{escaped(x)}\t{bits}\t"
                      + "\t".join(f"{p.rho:.4f}" for p in ponders) + "\t"
                      + "\t".join(str(p.N) for p in ponders) + "\n")
            if near_out is not None:
                for l, p in enumerate(ponders, 1):
                    if model.stack_halts and l > 1:
                        continue   # layer 1 decided for it
                    for n, s in p.near:
                        near_out.write(f"{offset}\t{l}\t{n}\t{s:.9f}\n")
            previous = log_probabilities
            offset += 1
    seconds = time.perf_counter() - start
    return (total_bits / (len(text) - 1) if len(text) > 1 else float("nan")), seconds


def read_text(path):
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("score", help="print the ponder-map TSV of a text, as `actlm ponder-map --format tsv`")
    s.add_argument("model", help="a file written by `actlm export`")
    s.add_argument("text", help="the text (plain or gzip); '-' reads standard input")
    s.add_argument("--near-threshold", metavar="FILE",
                   help="write the bytes whose halting sum lies within --margin of 1 − ε to FILE (TSV)")
    s.add_argument("--margin", type=float, default=1e-5, help="how near to 1 − ε counts as near (default 1e-5)")
    args = parser.parse_args()

    model = Model(args.model)
    text = read_text(args.text)
    near = open(args.near_threshold, "w") if args.near_threshold else None
    out = open(sys.stdout.fileno(), "w", buffering=1 << 16, closefd=False)
    bpc, seconds = score(model, text, out, near, args.margin)
    out.flush()
    if near is not None:
        near.close()
    print(f"{len(text)} bytes, bpc {bpc:.8f}, {seconds:.2f} s ({len(text) / max(seconds, 1e-9):,.0f} bytes/s)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
