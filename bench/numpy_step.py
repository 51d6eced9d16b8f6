"""The numpy baseline of `npm run bench`: the engine's training step, written out by hand.

R networks n0 -> N -> ... -> N -> n_out (L dense tanh layers, a linear readout), float32, batch B,
MSE loss, backward pass by hand, plain SGD update in place: the same shapes, loss, learning rate
and FLOP count (6 x B x weights x R) as the engine's `estimateCost`. Meant to run single-threaded
(the bench sets OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=1).

    python3 bench/numpy_step.py '{"cells": [[50, 400]], "runs": 2, "seconds": 1.2}'

prints one JSON object: {"tool", "threads", "results": [{depth, width, runs, msPerStep,
stepsPerSecond, gflops, stepsTimed, skipped?}]}.
"""

import json
import os
import sys
import time

import numpy as np


def make_runs(depth, width, runs, n_in, n_out, sw2, sb2, rng):
    """Per run: a list of (W [fan_in, fan_out], b [fan_out]), Gaussian N(0, sw2 / fan_in)."""
    widths = [n_in] + [width] * depth + [n_out]
    nets = []
    for _ in range(runs):
        layers = []
        for fan_in, fan_out in zip(widths[:-1], widths[1:]):
            w = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(sw2 / fan_in)).astype(np.float32)
            b = (rng.standard_normal(fan_out) * np.sqrt(sb2)).astype(np.float32)
            layers.append((w, b))
        nets.append(layers)
    return nets, sum(a * b for a, b in zip(widths[:-1], widths[1:]))


def train_step(nets, x, y, lr):
    """One SGD step of every run on the batch (x, y); returns each run's loss before the update."""
    batch, n_out = y.shape
    losses = []
    for layers in nets:
        inputs = []
        a = x
        last = len(layers) - 1
        for index, (w, b) in enumerate(layers):
            inputs.append(a)
            h = a @ w
            h += b
            a = h if index == last else np.tanh(h, out=h)
        diff = a - y
        losses.append(float(np.mean(diff * diff)))
        delta = diff * np.float32(2.0 / (batch * n_out))
        for index in range(last, -1, -1):
            w, b = layers[index]
            inp = inputs[index]
            grad_w = inp.T @ delta
            grad_b = delta.sum(axis=0)
            if index > 0:
                # delta^{l-1} = (delta^l W^T) * tanh'(h^{l-1}), and the layer's input is tanh(h^{l-1}).
                back = delta @ w.T
                back *= 1 - inp * inp
                delta = back
            w -= np.float32(lr) * grad_w
            b -= np.float32(lr) * grad_b
    return losses


def measure(cell, spec, rng):
    depth, width = cell
    runs = spec.get("runs", 2)
    batch = spec.get("batch", 64)
    n_in = spec.get("inputSize", 32)
    n_out = spec.get("outputSize", 1)
    seconds = spec.get("seconds", 1.2)
    base = {"depth": depth, "width": width, "runs": runs}
    nets, weight_count = make_runs(
        depth, width, runs, n_in, n_out, spec.get("sw2", 1.05), spec.get("sb2", 2.01e-5), rng
    )
    lr = spec.get("lr", 0.01)
    flops = 6 * batch * weight_count * runs
    pool = 16
    xs = rng.standard_normal((pool, batch, n_in)).astype(np.float32)
    ys = rng.standard_normal((pool, batch, n_out)).astype(np.float32)
    for i in range(2):  # warm-up
        started = time.perf_counter()
        train_step(nets, xs[i], ys[i], lr)
        took = time.perf_counter() - started
        if took > spec.get("maxSecondsPerStep", 2):
            return {**base, "msPerStep": None, "stepsPerSecond": None, "gflops": None,
                    "stepsTimed": 0, "skipped": f"a step took {took:.1f} s"}
    steps = 0
    started = time.perf_counter()
    while steps < 2 or time.perf_counter() - started < seconds:
        train_step(nets, xs[steps % pool], ys[steps % pool], lr)
        steps += 1
    elapsed = time.perf_counter() - started
    return {**base, "msPerStep": 1000 * elapsed / steps, "stepsPerSecond": steps / elapsed,
            "gflops": flops * steps / elapsed / 1e9, "stepsTimed": steps}


def main():
    spec = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {"cells": [[50, 128], [50, 400]]}
    rng = np.random.default_rng(1)
    results = [measure(cell, spec, rng) for cell in spec["cells"]]
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    print(json.dumps({"tool": f"numpy {np.__version__}", "threads": threads, "results": results}))


if __name__ == "__main__":
    main()
