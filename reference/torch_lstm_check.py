#!/usr/bin/env python3
"""An M = 1 export run by PyTorch's own nn.LSTM: the same bits per character as actlm.

With M = 1 every layer takes one ponder step with weight p^1 = R = 1, so an ACT-LSTM is a plain
stacked LSTM, and the arrays of `actlm export` drop into nn.LSTM's weights:

    weight_ih_l{k} = input_weights[:, P].T      # [4H, 256] for the byte layer (fed one-hot), [4H, H] above
    weight_hh_l{k} = recurrent_weights[:, P].T  # [4H, H]
    bias_ih_l{k}   = (bias + flag_weights)[P]   # the first-step flag is 1 at the only step
    bias_hh_l{k}   = 0
    logits         = output h_t @ output.weights + output.bias

where P reorders actlm's gate columns i, f, o, g into PyTorch's i, f, g, o. The text is cut where the
model's state resets, as `actlm eval` does, and the segments run side by side as a batch.

    python3 reference/torch_lstm_check.py MODEL.safetensors TEXT

prints PyTorch's bpc and the NumPy reference's (reference/actlm_reference.py) and fails if they
differ by more than 1e-4. Without torch installed it says so and exits 0: torch is never a
dependency of actlm.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import actlm_reference as reference  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


def torch_lstm(model):
    """nn.LSTM with the export's weights (float64, as the reference computes)."""
    H, V = model.H, model.W_y.shape[1]
    P = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]   # i, f, o, g  ->  i, f, g, o
    lstm = torch.nn.LSTM(input_size=V, hidden_size=H, num_layers=model.L, batch_first=True,
                         dtype=torch.float64)
    with torch.no_grad():
        for k, layer in enumerate(model.layers):
            getattr(lstm, f"weight_ih_l{k}").copy_(torch.from_numpy(layer.W_x[:, P].T.copy()))
            getattr(lstm, f"weight_hh_l{k}").copy_(torch.from_numpy(layer.W_r[:, P].T.copy()))
            getattr(lstm, f"bias_ih_l{k}").copy_(torch.from_numpy((layer.b + layer.w_flag)[P]))
            getattr(lstm, f"bias_hh_l{k}").zero_()
    return lstm


def torch_bpc(model, text):
    """Bits per character over every byte after the first, segments from a zero state."""
    lstm = torch_lstm(model)
    W_y, b_y = torch.from_numpy(model.W_y), torch.from_numpy(model.b_y)
    segments = reference.segments(text, model.state_reset)
    length = len(segments[0])
    padded = np.zeros((len(segments), length), dtype=np.int64)
    for s, segment in enumerate(segments):
        padded[s, :len(segment)] = np.frombuffer(segment, dtype=np.uint8)
    with torch.no_grad():
        x = torch.nn.functional.one_hot(torch.from_numpy(padded), 256).to(torch.float64)
        out, _ = lstm(x)                                          # [segments, length, H], zero initial state
        log_p = torch.log_softmax(out @ W_y + b_y, dim=-1).reshape(-1, 256)[:len(text)]
    # The prediction made after byte i is scored against byte i + 1, across segment ends too.
    targets = torch.from_numpy(np.frombuffer(text, dtype=np.uint8).astype(np.int64))
    nats = -log_p[:-1].gather(1, targets[1:, None]).sum().item()
    return nats / np.log(2) / (len(text) - 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="an M = 1 model written by `actlm export`")
    parser.add_argument("text", help="the text (plain or gzip)")
    args = parser.parse_args()
    if torch is None:
        print("skipped: torch is not installed (pip install torch to run this check)")
        return
    model = reference.Model(args.model)
    if model.M != 1:
        raise SystemExit(f"{args.model}: M = {model.M}; only an M = 1 model is a plain LSTM")
    text = reference.read_text(args.text)
    with open(os.devnull, "w") as nowhere:
        numpy_bpc, _ = reference.score(model, text, nowhere)
    bpc = torch_bpc(model, text)
    print(f"nn.LSTM bpc {bpc:.8f}, NumPy reference bpc {numpy_bpc:.8f}, difference {abs(bpc - numpy_bpc):.1e}")
    if abs(bpc - numpy_bpc) > 1e-4:
        raise SystemExit("error: nn.LSTM and the reference disagree")


if __name__ == "__main__":
    main()
