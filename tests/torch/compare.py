#!/usr/bin/python3
"""Compare every value backstep prints with PyTorch autograd (float64).

A developer's check, not part of `make check` (the tests must not need
PyTorch).  It writes random lessons of every kind, and a set of edge cases,
runs `backstep --print --format json` on each in both conventions, rebuilds
every step's result with torch.autograd and reports the largest relative
difference and every value that differs by more than the tolerance.

    /usr/bin/python3 tests/torch/compare.py [--lessons N] [--seed S] [--keep DIR]

Two references are computed.  "torch" is plain PyTorch (torch.sigmoid,
torch.tanh, ...).  "exact" is the same autograd graph with the slopes of
sigmoid and tanh written as e^-|z|/(1+e^-|z|)^2 and 4e^-2|z|/(1+e^-2|z|)^2:
PyTorch differentiates sigmoid as y(1 - y), which loses its relative
accuracy when a unit saturates (y rounds towards 1), so there plain PyTorch
is the less accurate of the two.  The exit status is 1 when a value differs
from the exact reference by more than the tolerance.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import mpmath
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

ACTS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu"]
LETTERS = "ijklmnopq"


class ExactSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        e = torch.exp(-z.abs())  # e^z below 0 keeps sigma(z) down to the subnormals
        return torch.where(z < 0, e / (1 + e), 1 / (1 + e))

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        e = torch.exp(-z.abs())
        return g * e / ((1 + e) * (1 + e))


class ExactTanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return torch.tanh(z)

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        e = torch.exp(-2 * z.abs())
        return g * 4 * e / ((1 + e) * (1 + e))


def activate(name, z, exact):
    if name == "linear":
        return z * 1.0
    if name == "sigmoid":
        return ExactSigmoid.apply(z) if exact else torch.sigmoid(z)
    if name == "tanh":
        return ExactTanh.apply(z) if exact else torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "leaky_relu":
        return F.leaky_relu(z, 0.01)
    if name == "softmax":
        return torch.softmax(z, 0)
    raise ValueError(name)


def ce_exact(z, t):
    """-sum t log softmax(z) of these float64 sums, with 50 digits."""
    mpmath.mp.dps = 50
    zs = [mpmath.mpf(float(v)) for v in z]
    if any(mpmath.isnan(v) or mpmath.isinf(v) for v in zs):
        return math.nan
    m = max(zs)
    top = zs.index(m)
    # log Σ exp(z − m) = log(1 + Σ_{j ≠ top} exp(z_j − m)): no cancellation
    # when the loss is tiny
    rest = mpmath.log1p(sum(mpmath.exp(v - m) for j, v in enumerate(zs) if j != top))
    return float(sum(mpmath.mpf(float(tk)) * (rest - (zk - m)) for tk, zk in zip(t, zs) if float(tk) != 0))


def ce_loss(z, t, exact):
    if exact:
        return torch.tensor(ce_exact(z.detach(), t), dtype=torch.float64)
    return -(t * torch.log_softmax(z.detach(), 0)).sum()


def reference(les, exact):
    """Every step's result for one epoch, keyed (sample, step id)."""
    L = len(les["activations"])
    W = [torch.tensor(w, dtype=torch.float64) for w in les["weights"]]  # columns: nin x nout
    B = [torch.tensor(b, dtype=torch.float64) for b in les["biases"]] if les["biases"] else None
    eta = les["learning_rate"]
    S = len(les["samples"])
    batch = les["mode"] == "batch"
    ce = les["loss"] == "cross_entropy"
    train_b = les["train_biases"]
    out = {}
    acc_g = [torch.zeros_like(w) for w in W]
    acc_b = [torch.zeros_like(w[0]) for w in W]

    def loss_of(Wl, Bl):
        tot = 0.0
        for smp in les["samples"]:
            a = torch.tensor(smp["input"], dtype=torch.float64)
            for l in range(L):
                z = Wl[l].T @ a + (Bl[l] if Bl else 0)
                a = activate(les["activations"][l], z, exact)
            t = torch.tensor(smp["target"], dtype=torch.float64)
            tot += float(ce_loss(z, t, exact) if ce else 0.5 * ((a - t) ** 2).sum())
        return tot / S

    out["loss_before"] = loss_of(W, B)
    for s, smp in enumerate(les["samples"]):
        x = torch.tensor(smp["input"], requires_grad=True, dtype=torch.float64)
        t = torch.tensor(smp["target"], dtype=torch.float64)
        Wg = [w.clone().requires_grad_(True) for w in W]
        Bg = [b.clone().requires_grad_(True) for b in B] if B else None
        a, zs, As = x, [], [x]
        slopes = []
        for l in range(L):
            z = Wg[l].T @ a + (Bg[l] if Bg else 0)
            z.retain_grad()
            name = les["activations"][l]
            if name != "softmax":
                zz = z.detach().clone().requires_grad_(True)
                (g,) = torch.autograd.grad(activate(name, zz, exact).sum(), zz)
                slopes.append(g)
            else:
                slopes.append(None)
            a = activate(name, z, exact)
            a.retain_grad()
            zs.append(z)
            As.append(a)
        y = a
        if ce:
            E = -(t * torch.log_softmax(zs[-1], 0)).sum()
        else:
            E = 0.5 * ((y - t) ** 2).sum()
        E.backward()
        k = s + 1
        for l in range(L):
            out[(k, "forward.%d.sum" % (l + 1))] = zs[l].detach()
            out[(k, "forward.%d.activation" % (l + 1))] = As[l + 1].detach()
        out[(k, "loss")] = ce_loss(zs[-1], t, exact) if ce else E.detach()
        yd = y.detach()
        if ce:
            out[(k, "backward.%d.delta" % L)] = torch.where(t == 0, torch.zeros_like(t), -t / yd)
        else:
            out[(k, "backward.%d.delta" % L)] = yd - t
        for l in range(L):
            N = l + 1
            d = zs[l].grad
            out[(k, "backward.%d.activation" % N)] = d
            if slopes[l] is not None and not (ce and N == L):
                # a slope at z = NaN is undefined: backstep says NaN, PyTorch 1 or 0
                sl = torch.where(torch.isnan(zs[l].detach()), torch.full_like(slopes[l], math.nan), slopes[l])
                out[(k, "backward.%d.activation" % N, "slope")] = sl
            nin = W[l].shape[0]
            out[(k, "backward.%d.gradient.copy" % N)] = d.unsqueeze(0).repeat(nin, 1)
            out[(k, "backward.%d.gradient" % N)] = Wg[l].grad
            if Bg:
                out[(k, "backward.%d.bias" % N)] = Bg[l].grad
            out[(k, "backward.%d.send" % N)] = (x.grad if l == 0 else As[l].grad)
        if batch:
            for l in range(L):
                acc_g[l] = acc_g[l] + Wg[l].grad
                if Bg:
                    acc_b[l] = acc_b[l] + Bg[l].grad
            if s == S - 1:
                for l in range(L):
                    N = l + 1
                    out[(k, "batch.%d.mean" % N)] = acc_g[l] / S
                    if B and train_b:
                        out[(k, "batch.%d.mean.bias" % N)] = acc_b[l] / S
                    out[(k, "update.%d" % N)] = W[l] - eta * (acc_g[l] / S)
                    if B and train_b:
                        out[(k, "update.%d.bias" % N)] = B[l] - eta * (acc_b[l] / S)
                W = [out[(k, "update.%d" % (l + 1))] for l in range(L)]
                if B and train_b:
                    B = [out[(k, "update.%d.bias" % (l + 1))] for l in range(L)]
        else:
            for l in range(L):
                N = l + 1
                out[(k, "update.%d" % N)] = W[l] - eta * Wg[l].grad
                if B and train_b:
                    out[(k, "update.%d.bias" % N)] = B[l] - eta * Bg[l].grad
            W = [out[(k, "update.%d" % (l + 1))] for l in range(L)]
            if B and train_b:
                B = [out[(k, "update.%d.bias" % (l + 1))] for l in range(L)]
    out["loss_after"] = loss_of(W, B)
    return out


def flat(v):
    if isinstance(v, list):
        r = []
        for x in v:
            r.extend(flat(x))
        return r
    return [v]


def yaml_num(v):
    return repr(float(v)) if not float(v).is_integer() or abs(v) >= 1e15 else str(int(v))


def write_lesson(les, path):
    def m(rows):
        return "[" + ", ".join("[" + ", ".join(yaml_num(v) for v in r) + "]" for r in rows) + "]"

    lines = [
        "title: compare",
        "layers: [%s]" % ", ".join(str(w) for w in les["layers"]),
        "activations: [%s]" % ", ".join(les["activations"]),
        "loss: %s" % les["loss"],
        "mode: %s" % les["mode"],
        "learning_rate: %s" % yaml_num(les["learning_rate"]),
        "weights:",
    ]
    lines += ["  - " + m(w) for w in les["weights"]]
    if les["biases"]:
        lines.append("biases:")
        lines += ["  - [" + ", ".join(yaml_num(v) for v in b) + "]" for b in les["biases"]]
        lines.append("train_biases: %s" % ("true" if les["train_biases"] else "false"))
    lines.append("samples:")
    for s in les["samples"]:
        lines.append("  - input: [" + ", ".join(yaml_num(v) for v in s["input"]) + "]")
        lines.append("    target: [" + ", ".join(yaml_num(v) for v in s["target"]) + "]")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def random_lesson(rng, i):
    L = rng.randint(1, 8)
    widths = [rng.randint(1, 6) for _ in range(L + 1)]
    acts = [ACTS[(i + l) % len(ACTS)] if rng.random() < 0.8 else rng.choice(ACTS) for l in range(L)]
    ce = rng.random() < 0.35
    if ce:
        acts[-1] = "softmax"
        widths[-1] = max(2, widths[-1])
    scale = rng.choice([0.5, 1.0, 1.0, 2.0, 8.0, 30.0])
    les = {
        "layers": widths,
        "activations": acts,
        "loss": "cross_entropy" if ce else "mse",
        "mode": rng.choice(["online", "batch"]),
        "learning_rate": round(rng.uniform(0.01, 1.5), 4),
        "weights": [[[round(rng.uniform(-scale, scale), 6) for _ in range(widths[l + 1])]
                     for _ in range(widths[l])] for l in range(L)],
        "biases": None,
        "train_biases": rng.random() < 0.8,
        "samples": [],
    }
    if rng.random() < 0.5:
        les["biases"] = [[round(rng.uniform(-1, 1), 6) for _ in range(widths[l + 1])] for l in range(L)]
    for s in range(rng.randint(1, 4)):
        inp = [round(rng.uniform(-2, 2), 6) for _ in range(widths[0])]
        if ce:
            if rng.random() < 0.5:
                t = [1.0 if k == s % widths[-1] else 0.0 for k in range(widths[-1])]
            else:
                raw = [rng.random() + 0.01 for _ in range(widths[-1])]
                t = [round(v / sum(raw), 6) for v in raw]
                t[-1] = round(1 - sum(t[:-1]), 6)
        else:
            t = [round(rng.uniform(-1, 1), 6) for _ in range(widths[-1])]
        les["samples"].append({"input": inp, "target": t})
    return les


def edge_lessons():
    def one(layers, acts, loss, weights, samples, biases=None, eta=0.5, mode="online"):
        return {"layers": layers, "activations": acts, "loss": loss, "mode": mode,
                "learning_rate": eta, "weights": weights, "biases": biases, "train_biases": True,
                "samples": [{"input": i, "target": t} for i, t in samples]}

    e = []
    # softmax whose output underflows to 0
    e.append(one([1, 2], ["softmax"], "cross_entropy", [[[800, 0]]], [([1], [1, 0])]))
    e.append(one([1, 2], ["softmax"], "cross_entropy", [[[800, 0]]], [([1], [0, 1])]))
    e.append(one([1, 3], ["softmax"], "cross_entropy", [[[700, -700, 0]]], [([1], [0, 0.5, 0.5])]))
    # NaN through relu and leaky relu
    for a in ("relu", "leaky_relu"):
        e.append(one([1, 1, 1], ["linear", a], "mse", [[[1e300]], [[0]]], [([1e300], [1])]))
    # saturated units
    for w in (20, 37, 40, -40, 100):
        e.append(one([1, 1], ["sigmoid"], "mse", [[[w]]], [([1], [0])]))
        e.append(one([1, 1], ["tanh"], "mse", [[[w]]], [([1], [0])]))
    e.append(one([2, 3, 1], ["sigmoid", "sigmoid"], "mse",
                 [[[30, -25, 12], [18, 40, -33]], [[9], [-14], [22]]], [([1, 0.5], [0.2])]))
    # a large learning rate that reaches the edge while training
    e.append(one([2, 2], ["softmax"], "cross_entropy", [[[3, -2], [1, 4]]],
                 [([1, 0], [1, 0]), ([0, 1], [0, 1])], eta=200))
    return e


def compare(exe, les, workdir, name, tol, report):
    path = os.path.join(workdir, name + ".yaml")
    write_lesson(les, path)
    refs = {k: reference(les, k == "exact") for k in ("exact", "torch")}
    worst = {"exact": 0.0, "torch": 0.0}
    count = 0
    bad = []
    for conv in ("columns", "rows"):
        r = subprocess.run([exe, "--print", "--format", "json", "--convention", conv, path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            bad.append((name, conv, "exit %d: %s" % (r.returncode, r.stderr.strip())))
            continue
        doc = json.loads(r.stdout)
        for key in ("loss_before", "loss_after"):
            for ref in refs:
                count += ref == "exact"
                rel = diff(doc[key], refs[ref][key])
                worst[ref] = max(worst[ref], rel)
                if rel > tol and ref == "exact":
                    bad.append((name, conv, "%s %r, reference %r" % (key, doc[key], refs[ref][key])))
        for st in doc["steps"]:
            keys = [((st["sample"], st["id"]), st["result"]["values"], st["result"]["shape"])]
            if st["op"] == "hadamard":
                op = st["operands"][1]
                keys.append(((st["sample"], st["id"], "slope"), op["values"], op["shape"]))
            for key, got, shape in keys:
                got = flat(got)
                for ref in refs:
                    if key not in refs[ref]:
                        if ref == "exact":
                            bad.append((name, conv, "no reference for %s" % (key,)))
                        continue
                    want = refs[ref][key]
                    if conv == "rows" and want.dim() == 2:
                        want = want.T
                    want = [float(v) for v in want.reshape(-1)]
                    if len(want) != len(got):
                        bad.append((name, conv, "%s: %d values, reference %d" % (key, len(got), len(want))))
                        continue
                    other = refs["exact"].get(key) if ref == "torch" else None
                    if other is not None:
                        other = other.T if conv == "rows" and other.dim() == 2 else other
                        other = [float(v) for v in other.reshape(-1)]
                    for n, (g, w) in enumerate(zip(got, want)):
                        rel = diff(g, w)
                        worst[ref] = max(worst[ref], rel)
                        count += ref == "exact"
                        if rel > tol:
                            report[ref] += 1
                            if ref == "exact":
                                bad.append((name, conv, "%s: %r, reference %r" % (key, g, w)))
                            elif other is not None and diff(w, other[n]) > tol:
                                report["torch_off"] += 1
    return count, worst, bad


def diff(got, want):
    """Relative difference; null (not finite) matches inf or nan."""
    if got is None:
        return 0.0 if not math.isfinite(want) else math.inf
    if not math.isfinite(want):
        return math.inf
    if got == want:
        return 0.0
    return abs(got - want) / max(abs(got), abs(want))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lessons", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tol", type=float, default=1e-9)
    ap.add_argument("--exe", default="./backstep")
    ap.add_argument("--keep")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    workdir = args.keep or tempfile.mkdtemp(prefix="backstep-compare-")
    os.makedirs(workdir, exist_ok=True)
    lessons = [("edge%02d" % i, l) for i, l in enumerate(edge_lessons())]
    lessons += [("random%03d" % i, random_lesson(rng, i)) for i in range(args.lessons)]
    total, worst, bad = 0, {"exact": 0.0, "torch": 0.0}, []
    report = {"exact": 0, "torch": 0, "torch_off": 0}
    worst_random = 0.0
    for name, les in lessons:
        c, w, b = compare(args.exe, les, workdir, name, args.tol, report)
        total += c
        for k in w:
            worst[k] = max(worst[k], w[k])
        if name.startswith("random"):
            worst_random = max(worst_random, w["exact"])
        bad += b
    print("%d lessons (%d edge cases), both conventions, %d values compared" %
          (len(lessons), len(edge_lessons()), total))
    print("largest relative difference: %.3g from the exact reference, %.3g from plain PyTorch" %
          (worst["exact"], worst["torch"]))
    print("values beyond %g: %d from the exact reference, %d from plain PyTorch" %
          (args.tol, report["exact"], report["torch"]))
    print("  of those %d, plain PyTorch itself differs from the exact reference in %d" %
          (report["torch"], report["torch_off"]))
    for b in bad[:40]:
        print("  %s (%s): %s" % b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
