"""A sweep's grid and how it trains (src/sweep/plan.ts, runner.ts, tau.ts): every grid point (the
first axis outermost, then the second, then inits, then seeds) trained as the lab trains it. Points
that differ only in the learning rate (or the threshold) share one stacked program of at most
`--stack` runs; the programs do not depend on how the grid is sharded, so a shard's points are the
very numbers the whole sweep gives.
"""
import json
import math
import time

from lab_theory import critical_pair
from lab_measures import make_measure
from lab_config import runner_js_number
from lab_training import RunnerTraining, runner_finite, runner_plan_runs

# τ from training losses: the mean of the last RUNNER_TRAIN_WINDOW minibatch losses (src/sweep/tau.ts).
RUNNER_TRAIN_WINDOW = 10
# Held-out examples of a sweep's lm=test/acc evaluations.
RUNNER_SWEEP_EVAL_EXAMPLES = 500
RUNNER_CURVE_POINTS = 200
# Runs per stacked program unless --stack says otherwise: the lab's named experiments stack up to
# 8 (an η grid of 4 values x 2 inits); fewer are taken when their parameters and optimizer state
# would pass RUNNER_STACK_BYTES.
RUNNER_DEFAULT_STACK = 8
RUNNER_STACK_BYTES = 4 * 2**30


# ----------------------------------------------------------------------------------------------
# The grid (plan.ts): points, and the stacked programs that train them.


def runner_grid(config, sweep):
    """Every point of the grid in the lab's order: {values, config, init, seed}."""
    cells = [({}, {})]
    for axis in sweep["axes"]:
        key = axis["key"]
        cells = [
            ({**values, key: v}, overrides if key == "qstar" else {**overrides, key: v})
            for values, overrides in cells
            for v in axis["values"]
        ]
    points = []
    for values, overrides in cells:
        point_config = {**config, **overrides}
        if "qstar" in values:
            sw2, sb2 = critical_pair(point_config["act"], values["qstar"])
            values = {**values, "sw2": sw2, "sb2": sb2}
            point_config = {**point_config, "sw2": sw2, "sb2": sb2}
        for run in runner_plan_runs(point_config):
            points.append({"values": values, "config": point_config, **run})
    return points


def runner_training_key(config):
    return json.dumps({k: v for k, v in config.items() if k not in ("lr", "thr")}, sort_keys=True)


def runner_stack_limit(config, requested):
    if requested is not None:
        return requested
    n0 = 784 if config["data"] == "mnist" else config["dim"]
    per_run = config["N"] * (n0 + config["L"] * config["N"] + 10) * 4 * (2 + {"sgd": 0, "momentum": 1}.get(config["opt"], 2))
    per_run *= 2 if config["mirror"] == "1" else 1
    return max(1, min(RUNNER_DEFAULT_STACK, RUNNER_STACK_BYTES // max(1, per_run)))


def runner_programs(points, stack):
    """Stacked programs in grid order: lists of point indices sharing every setting but η."""
    groups = {}
    for index, point in enumerate(points):
        groups.setdefault(runner_training_key(point["config"]), []).append(index)
    programs = []
    for members in groups.values():
        size = runner_stack_limit(points[members[0]]["config"], stack)
        programs.extend(members[i : i + size] for i in range(0, len(members), size))
    return programs


# ----------------------------------------------------------------------------------------------
# τ and the curves (tau.ts RunTracker).


def runner_eval_every(steps):
    return max(1, math.ceil(steps / 100))


def runner_tau_rule(metric, threshold, steps):
    thr = runner_js_number(threshold)
    if metric == "train":
        return f"first step at which the mean minibatch loss of the last {RUNNER_TRAIN_WINDOW} steps is ≤ {thr}"
    what = f"held-out loss ≤ {thr}" if metric == "test" else f"held-out accuracy ≥ {thr}"
    return (
        f"first evaluated step with {what}, on {RUNNER_SWEEP_EVAL_EXAMPLES} held-out examples every "
        f"{runner_eval_every(steps)} steps"
    )


class RunTracker:
    def __init__(self, metric, threshold, steps):
        self.metric, self.threshold, self.steps = metric, threshold, steps
        self.tau = None
        self.diverged_at = None
        self.steps_trained = 0
        self.curve_steps, self.curve_loss, self.eval_steps, self.eval_metric = [], [], [], []
        self.window = []
        self.bucket = max(1, math.ceil(steps / RUNNER_CURVE_POINTS))
        self.bucket_sum, self.bucket_count = 0.0, 0

    @property
    def settled(self):
        return self.tau is not None or self.diverged_at is not None

    def observe_train(self, step, loss):
        if self.diverged_at is not None:
            return
        if not math.isfinite(loss):
            self.diverged_at = step
            self.finish()
            return
        self.steps_trained = step
        self.window.append(loss)
        if len(self.window) > RUNNER_TRAIN_WINDOW:
            self.window.pop(0)
        if self.metric == "train" and self.tau is None and self.mean_of_window() <= self.threshold:
            self.tau = step
        self.bucket_sum += loss
        self.bucket_count += 1
        if step % self.bucket == 0 or step == self.steps:
            self.close_bucket(step)

    def observe_eval(self, step, value):
        if self.diverged_at is not None or not math.isfinite(value):
            return
        self.eval_steps.append(step)
        self.eval_metric.append(value)
        if self.tau is not None or self.metric == "train":
            return
        if (value >= self.threshold) if self.metric == "acc" else (value <= self.threshold):
            self.tau = step

    def mean_of_window(self):
        return sum(self.window) / len(self.window) if self.window else None

    def finish(self):
        if self.bucket_count > 0:
            self.close_bucket(self.steps_trained)

    def close_bucket(self, step):
        self.curve_steps.append(step)
        self.curve_loss.append(self.bucket_sum / self.bucket_count)
        self.bucket_sum, self.bucket_count = 0.0, 0


def runner_train_program(indices, points, sweep, context, label):
    """runGroup of runner.ts: one stacked program to its end, or until τ is settled for all."""
    members = [points[i] for i in indices]
    config = members[0]["config"]
    runs = [{"runId": r, "init": p["init"], "seed": p["seed"], "lr": p["config"]["lr"]} for r, p in enumerate(members)]
    context.progress(f"{label}: building {len(runs)} runs", force=True)
    training = RunnerTraining(config, runs, context)
    steps, metric = config["steps"], config["lm"]
    trackers = [RunTracker(metric, p["config"]["thr"], steps) for p in members]
    measure = make_measure(sweep["measure"], config, training.net, training.dataset, runs, training.scale)
    test_loss = [None] * len(runs)
    evaluates = metric != "train"
    every = runner_eval_every(steps)

    def evaluate_into():
        loss, acc = training.evaluate(RUNNER_SWEEP_EVAL_EXAMPLES)
        values = acc if metric == "acc" else loss
        for r, tracker in enumerate(trackers):
            tracker.observe_eval(training.step_count, float(values[r]))
            test_loss[r] = runner_finite(float(loss[r]))

    if evaluates:
        evaluate_into()
    started = time.time()
    for step in range(1, steps + 1):
        losses = training.step()
        for r, tracker in enumerate(trackers):
            tracker.observe_train(step, float(losses[r]))
        if evaluates and (step % every == 0 or step == steps):
            evaluate_into()
        if measure is not None:
            measure.after_step(step, training.net)
        context.progress(f"{label}: step {step}/{steps}, {step / max(1e-9, time.time() - started):.1f} steps/s")
        if sweep["measure"] == "tau" and all(tracker.settled for tracker in trackers):
            break
    for tracker in trackers:
        tracker.finish()
    diverged = [tracker.diverged_at is not None for tracker in trackers]
    measured = (
        measure.finish(training.net, training.step_count, diverged) if measure is not None else [{} for _ in runs]
    )
    results = []
    for r, (member, tracker) in enumerate(zip(members, trackers)):
        extra = measured[r] or {}
        point = {
            **member["values"],
            "init": member["init"],
            "seed": member["seed"],
            "tau": tracker.tau,
            "diverged": diverged[r],
            "divergedAtStep": tracker.diverged_at,
            "finalLoss": tracker.mean_of_window(),
            "stepsTrained": tracker.steps_trained,
            **(extra.get("point") or {}),
        }
        if evaluates:
            point["finalTestLoss"] = None if diverged[r] else test_loss[r]
        curve = {"steps": tracker.curve_steps, "trainLoss": tracker.curve_loss}
        if evaluates:
            curve.update(evalSteps=tracker.eval_steps, evalMetric=tracker.eval_metric)
        curve.update(extra.get("curve") or {})
        results.append({"point": point, "curve": curve})
    return results
