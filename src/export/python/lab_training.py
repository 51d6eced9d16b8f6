"""Training on the lab's batches (src/engine/experiment.ts step(), headless.ts): the networks of
lab_mlp or lab_rnn built from the lab's draws, fed the lab's data order, with diverged runs frozen
as the lab freezes them; and a configuration's own runs sampled on held-out data.
"""
import math
import os
import sys
import time

import numpy as np
import torch

from lab_theory import input_scale
from lab_init import DrawCache
from lab_data import BatchOrder, load_dataset
from lab_mlp import build_mlp
from lab_rnn import build_rnn

# A configuration's runs are evaluated on this many held-out examples unless --eval says otherwise.
RUNNER_RUNS_EVAL_EXAMPLES = 1000
RUNNER_SAMPLING_NOTE = (
    "test metrics on the first evalExamples held-out examples after steps[i] steps; trainLoss[i] is the "
    "mean minibatch loss (each taken just before its update) over the steps since the previous sample, "
    "null at step 0"
)
RUNNER_PROGRESS_SECONDS = 5.0


# ----------------------------------------------------------------------------------------------
# Training one stacked program.


def runner_plan_runs(config):
    inits = ["gaussian", "orthogonal"] if config["init"] == "both" else [config["init"]]
    return [{"init": init, "seed": config["seed"] + s} for init in inits for s in range(config["seeds"])]


class RunnerContext:
    """What every program shares: device, precision, data folder, draws and datasets."""

    def __init__(self, device, precision, data_dir, quiet):
        self.device = device
        self.precision = precision
        self.dtype = torch.float64 if precision == "fp64" else torch.float32
        self.data_dir = data_dir
        self.quiet = quiet
        # Reference LAPACK (Debian's numpy) takes seconds per N = 1600 factor; a GPU takes milliseconds.
        self.cache = DrawCache(qr=runner_device_qr(device) if device.type == "cuda" else None)
        self.datasets = {}
        self.last_progress = 0.0

    def dataset(self, config):
        key = (config["data"], config["seed"], config["dim"], config["ntrain"])
        if key not in self.datasets:
            self.datasets[key] = load_dataset(config, self.data_dir)
        return self.datasets[key]

    def autocast(self):
        if self.precision != "bf16":
            return torch.autocast(device_type="cpu", enabled=False)
        return torch.autocast(device_type=self.device.type, dtype=torch.bfloat16)

    def tensor(self, array):
        return torch.from_numpy(np.ascontiguousarray(array)).to(self.device, self.dtype)

    def progress(self, text, force=False):
        now = time.time()
        if self.quiet or (not force and now - self.last_progress < RUNNER_PROGRESS_SECONDS):
            return
        self.last_progress = now
        print(f"{os.path.basename(sys.argv[0]) or 'run.py'}: {text}", file=sys.stderr, flush=True)


def runner_device_qr(device):
    """The reduced QR of a float64 matrix on `device`: the Haar factor's sign fix makes any QR's Q the same."""

    def qr(tall):
        q, r = torch.linalg.qr(torch.from_numpy(np.ascontiguousarray(tall)).to(device), mode="reduced")
        return q.cpu().numpy(), r.cpu().numpy()

    return qr


def runner_build(config, runs, dataset, context):
    build = build_rnn if config["arch"] == "rnn" else build_mlp
    return build(config, runs, dataset, context.device, context.dtype, context.cache)


class RunnerTraining:
    """A built program stepping through its batches: the loop of experiment.ts's step()."""

    def __init__(self, config, runs, context):
        self.config, self.context = config, context
        self.dataset = context.dataset(config)
        self.scale = input_scale(config["act"], config["sw2"], config["sb2"])
        self.batch = min(config["bs"], self.dataset.train_count)
        self.order = BatchOrder(config["seed"], self.dataset.train_count, self.batch, self.dataset.train_chunk_size)
        self.net = runner_build(config, runs, self.dataset, context)
        self.diverged_at = [None] * len(runs)
        self.step_count = 0

    def step(self):
        x, y = self.dataset.train_batch(self.order.indices(self.step_count), self.scale)
        with self.context.autocast():
            losses = self.net.train_step(self.context.tensor(x), self.context.tensor(y))
        values = losses.detach().double().cpu().numpy().copy()
        self.step_count += 1
        newly = False
        for r, value in enumerate(values):
            if self.diverged_at[r] is not None:
                values[r] = math.nan
            elif not math.isfinite(value):
                self.diverged_at[r] = self.step_count
                newly = True
        if newly:
            self.net.set_live([at is None for at in self.diverged_at])
        return values

    def evaluate(self, examples):
        with torch.no_grad(), self.context.autocast():
            loss, acc = self.net.evaluate(self.dataset, min(examples, self.dataset.test_count), self.scale)
        loss = np.array(loss, dtype=np.float64)
        acc = None if acc is None else np.array(acc, dtype=np.float64)
        for r, at in enumerate(self.diverged_at):
            if at is not None:
                loss[r] = math.nan
                if acc is not None:
                    acc[r] = math.nan
        return loss, acc


def runner_finite(value):
    return None if value is None or not math.isfinite(value) else float(value)


def runner_train_runs(config, context, every, eval_examples):
    """runHeadless of headless.ts: the configuration's runs, sampled every `every` steps."""
    runs = [{"runId": r, **run, "lr": config["lr"]} for r, run in enumerate(runner_plan_runs(config))]
    context.progress(f"building {len(runs)} runs", force=True)
    training = RunnerTraining(config, runs, context)
    classification = training.dataset.task == "classification"
    records = [
        {**run, "steps": [], "trainLoss": [], "testLoss": [], "testAcc": [] if classification else None}
        for run in runs
    ]
    window = np.zeros(len(runs))
    window_steps = 0

    def sample():
        nonlocal window_steps
        loss, acc = training.evaluate(eval_examples)
        for r, record in enumerate(records):
            record["steps"].append(training.step_count)
            record["trainLoss"].append(None if window_steps == 0 else runner_finite(window[r] / window_steps))
            record["testLoss"].append(runner_finite(float(loss[r])))
            if classification:
                record["testAcc"].append(runner_finite(float(acc[r])))
        window[:] = 0
        window_steps = 0

    sample()
    started = time.time()
    steps = config["steps"]
    for step in range(1, steps + 1):
        window += training.step()
        window_steps += 1
        if step % every == 0 or step == steps:
            sample()
        context.progress(f"step {step}/{steps}, {step / max(1e-9, time.time() - started):.1f} steps/s")
    for r, record in enumerate(records):
        record["diverged"] = training.diverged_at[r] is not None
        record["divergedAtStep"] = training.diverged_at[r]
    return training.dataset.task, records
