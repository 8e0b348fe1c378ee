#!/usr/bin/python3
"""PyTorch's time for the training backstep does, for comparison.

    bench_core dump LESSON > NET.json
    /usr/bin/python3 tests/bench/bench_torch.py NET.json EPOCHS [REPEATS]

Reads the network bench_core dumps (linear, sigmoid, tanh, relu or leaky
relu layers under mse), trains it EPOCHS epochs the way its mode says
(batch: one step with the mean gradient of all samples per epoch, the whole
batch through each layer in one matrix product; online: one step per
sample) in float64 on one thread, and prints the CPU time per sample (the
best of REPEATS runs, 3 unless given, each from the same weights) and the
mean loss afterwards.  The loss agrees with backstep's to about 1e-12
relatively, not to the last digit: PyTorch adds its products up in an
order of its own.

A developer's comparison: `make bench` runs it when PyTorch is there and
never needs it.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

ACTS = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
}


def forward(acts, ws, bs, x):
    a = x
    for f, w, b in zip(acts, ws, bs):
        a = f(torch.addmm(b, a, w) if b is not None else a @ w)
    return a


def train(net, epochs):
    acts = [ACTS[a] for a in net["activations"]]
    ws = [torch.tensor(w, dtype=torch.float64).requires_grad_() for w in net["weights"]]
    train_bias = net["train_biases"]
    bs = [torch.tensor(b, dtype=torch.float64).requires_grad_(train_bias) for b in net["biases"] or []]
    bs = bs or [None] * len(ws)
    params = ws + [b for b in bs if b is not None and train_bias]
    x = torch.tensor(net["inputs"], dtype=torch.float64)
    t = torch.tensor(net["targets"], dtype=torch.float64)
    eta, S = net["learning_rate"], x.shape[0]
    chunks = [(x, t)] if net["mode"] == "batch" else [(x[s:s + 1], t[s:s + 1]) for s in range(S)]
    t0 = time.process_time()
    for _ in range(epochs):
        for xs, ts in chunks:
            y = forward(acts, ws, bs, xs)
            loss = 0.5 * ((y - ts) ** 2).sum() / xs.shape[0]
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, g in zip(params, grads):
                    p -= eta * g
    elapsed = time.process_time() - t0
    with torch.no_grad():
        y = forward(acts, ws, bs, x)
        mean = (0.5 * ((y - t) ** 2).sum(1)).mean().item()
    return elapsed, mean, S


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        net = json.load(f)
    if net["loss"] != "mse":
        sys.exit("bench_torch: only networks under mse")
    epochs = int(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    best = None
    for _ in range(repeats):
        elapsed, loss, S = train(net, epochs)
        best = elapsed if best is None else min(best, elapsed)
    print(f"ns_per_sample {best * 1e9 / (epochs * S):.2f} samples {epochs * S} loss {loss:.17g}"
          f" torch {torch.__version__}")


if __name__ == "__main__":
    main()
