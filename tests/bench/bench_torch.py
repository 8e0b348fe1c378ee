#!/usr/bin/python3
"""PyTorch's time for the training backstep does, for comparison.

    /usr/bin/python3 tests/bench/bench_torch.py LESSON EPOCHS [REPEATS]

Reads a lesson file (linear, sigmoid, tanh, relu layers under mse), trains
it EPOCHS epochs the way the lesson's mode says (batch: one step with the
mean gradient of all samples per epoch, the whole batch in one matrix
product per layer; online: one step per sample) in float64 on one thread,
and prints the CPU time per sample (the best of REPEATS runs, 3 unless
given, each from the lesson's weights) and the mean loss afterwards.  The
loss agrees with backstep's to about 1e-12 relatively, not to the last
digit: PyTorch sums its products in its own order.

A developer's comparison: `make bench` runs it when PyTorch is there and
never needs it.
"""
import sys
import time

import torch
import yaml

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

ACTS = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
}


def load(path):
    with open(path, encoding="utf-8") as f:
        les = yaml.safe_load(f)
    if les.get("loss", "mse") != "mse":
        sys.exit("bench_torch: only mse lessons")
    widths = les["layers"]
    acts = [ACTS[a] for a in les["activations"]]
    ws = [torch.tensor(w, dtype=torch.float64) for w in les["weights"]]
    b = les.get("biases")
    if b is None or b == "zero":
        bs = [torch.zeros(n) if b == "zero" else None for n in widths[1:]]
    else:
        bs = [torch.tensor(v, dtype=torch.float64) for v in b]
    x = torch.tensor([s["input"] for s in les["samples"]], dtype=torch.float64)
    t = torch.tensor([s["target"] for s in les["samples"]], dtype=torch.float64)
    return les, acts, ws, bs, x, t


def forward(acts, ws, bs, x):
    a = x
    for f, w, b in zip(acts, ws, bs):
        a = f(torch.addmm(b, a, w) if b is not None else a @ w)
    return a


def train(les, acts, ws0, bs0, x, t, epochs):
    eta = float(les.get("learning_rate", 0.1))
    train_bias = les.get("train_biases", True)
    ws = [w.clone().requires_grad_() for w in ws0]
    bs = [b.clone().requires_grad_(train_bias) if b is not None else None for b in bs0]
    params = ws + [b for b in bs if b is not None and train_bias]
    batch = les.get("mode", "online") == "batch"
    S = x.shape[0]
    t0 = time.process_time()
    for _ in range(epochs):
        chunks = [(x, t)] if batch else [(x[s:s + 1], t[s:s + 1]) for s in range(S)]
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
    return elapsed, mean


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    les, acts, ws, bs, x, t = load(sys.argv[1])
    epochs = int(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    best, loss = None, None
    for _ in range(repeats):
        elapsed, loss = train(les, acts, ws, bs, x, t, epochs)
        best = elapsed if best is None else min(best, elapsed)
    samples = epochs * x.shape[0]
    print(f"ns_per_sample {best * 1e9 / samples:.2f} samples {samples} loss {loss:.17g}"
          f" torch {torch.__version__}")


if __name__ == "__main__":
    main()
