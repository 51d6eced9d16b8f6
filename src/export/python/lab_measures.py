"""What a sweep measures besides tau (src/sweep/runner.ts, alongTraining.ts), as the lab computes it.

measure=ntk        the relative change of the empirical NTK on 20 held-out probe inputs and of each
                   layer's weights, between step 0 and the last step (point: ntkChange, weightChange);
measure=curvature  lambda_max of the Fisher information on 32 probe inputs at step 0 and along training,
                   s^2_max of the input-output Jacobian at step 0, and q* (point: lambdaMaxFisher,
                   sMaxSq, qStar; curve: curvatureSteps, lambdaMax);
measure=weights    the singular values of the square hidden weights (arch=rnn: the recurrent W), pooled,
                   along training (curve: weightSteps, weightSv {mean, std, min, max}).

Along training means step 0, every ceil(steps/12)-th step and the last step (measureEvery).

The kernels follow src/engine/layerwiseKernel.ts: with h^l = g_w x^{l-1} W^l + g_b b^l and
delta^l = df/dh^l of each probe input, the tangent kernel over the stored parameters is
sum_l (g_w^2 H_{l-1} H_{l-1}^T + g_b^2) * (Delta_l Delta_l^T), one forward and one backward pass over
all probe inputs (no per-example gradients, no parameter-sized Jacobian). Mirrored runs are measured
as the lab does: the kernel of f = (g_a - g_b)/sqrt(2) is (Theta_a + Theta_b)/2, its outputs
(g_a - g_b)/sqrt(2); weight change, weight spectra and the Jacobian look at copy a.

What the networks object must give (lab_mlp.Networks, lab_rnn's for measure=weights only):
`run_count`, `params` in the lab's layer order [W^1, b^1, ..., W^{L+1}, b^{L+1}] (stored values,
W [R', fan_in, fan_out], b [R', fan_out] or [R', 1, fan_out], R' = 2R when mirrored: copies a then b),
and `hidden_weights(run)` (the effective g_w W^l of copy a, hidden layers only).
"""

import math

import numpy as np
import torch

from lab_init import layer_scaling
from lab_mlp import activation_slope, apply_activation
from lab_random import RandomStream
from lab_theory import fixed_point_q

# The lab's constants: NTK_INPUTS and NTK_UNIT of runner.ts, CURVATURE_INPUTS and MEASUREMENTS of
# alongTraining.ts, MAX_NTK_INPUTS of ntk.ts.
MEASURE_NTK_INPUTS = 20
MEASURE_NTK_UNIT = 0
MEASURE_CURVATURE_INPUTS = 32
MEASURE_ALONG_TRAINING = 12
MEASURE_MAX_PROBE_INPUTS = 64

# Below this Frobenius norm a Jacobian product is not divided further (jacobian.ts TINY_NORM).
_MEASURE_TINY_NORM = 1e-30


def make_measure(measure, config, net, dataset, runs, scale):
    """The measurement of a sweep group for `measure`, taken at step 0 now; None for tau and curves.

    config is the group's configuration, net its networks just built, dataset the group's Dataset,
    runs the run dicts (their seeds place the Jacobian probe), scale the inputs' scale (input_scale).
    """
    if measure in ("tau", "curves"):
        return None
    if measure == "weights":
        return MeasureWeights(config, net)
    if config.get("arch", "mlp") == "rnn":
        # rnnMeasurements.ts refuses these: they are defined on a stack of layers.
        raise ValueError(
            "measure=%s is not measured for arch=rnn: the lab computes it from the layered networks only"
            " (use measure=weights, tau or curves)" % measure
        )
    if measure == "ntk":
        return MeasureNtk(config, net, dataset, scale)
    if measure == "curvature":
        return MeasureCurvature(config, net, dataset, runs, scale)
    raise ValueError("measure=%s: expected one of tau, ntk, curvature, weights, curves" % measure)


def measure_every(steps):
    """Steps between two measurements along training (alongTraining.ts measureEvery)."""
    return max(1, math.ceil(steps / MEASURE_ALONG_TRAINING))


def measure_due(step, last_step):
    """Whether measure=curvature/weights measures at `step`: step 0, the last, every measure_every-th."""
    return step == 0 or step == last_step or step % measure_every(last_step) == 0


def measure_json_number(value):
    """A float for the result file, None where it is not finite (JSON has no NaN; the lab writes null)."""
    value = float(value)
    return value if math.isfinite(value) else None


# ----------------------------------------------------------------------------------------------------
# The measures


class MeasureNtk:
    """measure=ntk: Theta and every layer's weights at step 0, compared with the last step's at finish."""

    def __init__(self, config, net, dataset, scale):
        self._config = config
        self._runs = net.run_count
        probe = measure_probe_inputs(dataset, scale, MEASURE_NTK_INPUTS)
        self._x = torch.from_numpy(probe)
        self._initial_kernels = self._kernels(net)
        # Copy a of mirrored runs (the lab's weight change looks at one network per run).
        self._initial_weights = [w[: self._runs].clone() for w, _, _, _ in _measure_layers(config, net)]

    def after_step(self, step, net):
        """Nothing along training: the change is between step 0 and the last step."""

    def finish(self, net, steps_trained, diverged):
        kernels = self._kernels(net)
        with torch.no_grad():
            now = [w[: self._runs] for w, _, _, _ in _measure_layers(self._config, net)]
            changes = [measure_weight_change(then, current)
                       for then, current in zip(self._initial_weights, now)]
        results = []
        for r in range(self._runs):
            # runner.ts: a diverged run's point carries neither key.
            point = {}
            if not diverged[r]:
                point = {
                    "ntkChange": measure_json_number(
                        measure_relative_change(self._initial_kernels[r], kernels[r])),
                    "weightChange": [measure_json_number(change[r]) for change in changes],
                }
            results.append({"point": point, "curve": {}})
        return results

    def _kernels(self, net):
        layers = _measure_layers(self._config, net)
        x = self._x.to(device=layers[0][0].device, dtype=layers[0][0].dtype)
        kernels, outputs = measure_layer_kernel(layers, self._config["act"], x, [MEASURE_NTK_UNIT])
        kernels, _ = measure_mirrored(kernels, outputs, self._runs)
        return kernels.cpu()


class _MeasureAlongTraining:
    """Step 0, every measure_every(steps)-th step and the last (alongTraining.ts TrainingMeasurements)."""

    def __init__(self, config, net):
        self._last_step = int(config["steps"])
        self._steps = []
        self._take(0, net)

    def after_step(self, step, net):
        if measure_due(step, self._last_step):
            self._take(step, net)

    def _finish_schedule(self, net, steps_trained):
        # The lab trains these measures to their last step; a runner that stopped earlier still gets
        # the step it stopped at measured, as the last step always is.
        if steps_trained > self._steps[-1]:
            self._take(steps_trained, net)

    def _take(self, step, net):
        self._steps.append(step)
        self._measure(step, net)


class MeasureCurvature(_MeasureAlongTraining):
    """measure=curvature: lambda_max(Fisher) along training, s^2_max of the Jacobian and q* at step 0."""

    def __init__(self, config, net, dataset, runs, scale):
        self._config = config
        self._runs = net.run_count
        self._seeds = [int(run["seed"]) for run in runs]
        self._task = dataset.task
        self._x = torch.from_numpy(measure_probe_inputs(dataset, scale, MEASURE_CURVATURE_INPUTS))
        self._lambda_max = [[] for _ in range(self._runs)]
        self._s_max_sq = None
        super().__init__(config, net)

    def _measure(self, step, net):
        layers = _measure_layers(self._config, net)
        x = self._x.to(device=layers[0][0].device, dtype=layers[0][0].dtype)
        units = list(range(layers[-1][0].shape[2]))
        kernels, outputs = measure_layer_kernel(layers, self._config["act"], x, units)
        kernels, outputs = measure_mirrored(kernels, outputs, self._runs)
        for r, value in enumerate(measure_fisher_lambda_max(kernels, outputs, self._task)):
            self._lambda_max[r].append(value)
        if step == 0:
            copy_a = [(w[: self._runs], b[: self._runs], gw, gb) for w, b, gw, gb in layers]
            q = measure_probe_variance(self._config["act"], self._config["sw2"], self._config["sb2"])
            self._s_max_sq = measure_jacobian_s_max_sq(copy_a, self._config["act"], self._seeds, q)

    def finish(self, net, steps_trained, diverged):
        self._finish_schedule(net, steps_trained)
        q_star = fixed_point_q(self._config["act"], self._config["sw2"], self._config["sb2"])
        return [
            {
                "point": {
                    "lambdaMaxFisher": measure_json_number(self._lambda_max[r][0]),
                    "sMaxSq": measure_json_number(self._s_max_sq[r]),
                    "qStar": q_star if math.isfinite(q_star) else None,
                },
                "curve": {
                    "curvatureSteps": list(self._steps),
                    "lambdaMax": [measure_json_number(value) for value in self._lambda_max[r]],
                },
            }
            for r in range(self._runs)
        ]


class MeasureWeights(_MeasureAlongTraining):
    """measure=weights: the pooled singular values of the square hidden (arch=rnn: recurrent) weights."""

    def __init__(self, config, net):
        self._runs = net.run_count
        self._series = [{"mean": [], "std": [], "min": [], "max": []} for _ in range(self._runs)]
        super().__init__(config, net)

    def _measure(self, step, net):
        for r in range(self._runs):
            summary = measure_pooled_singular_values(net.hidden_weights(r))
            for key, value in summary.items():
                self._series[r][key].append(measure_json_number(value))

    def finish(self, net, steps_trained, diverged):
        self._finish_schedule(net, steps_trained)
        return [
            {"point": {}, "curve": {"weightSteps": list(self._steps), "weightSv": self._series[r]}}
            for r in range(self._runs)
        ]


# ----------------------------------------------------------------------------------------------------
# The computations (each the lab's, named after its TS original)


def measure_probe_inputs(dataset, scale, count):
    """The first `count` held-out examples, scaled as training inputs, stably sorted by class
    (ntk.ts ntkProbeInputs; regression examples keep their order). np.float32 [D, n0]."""
    if not 1 <= count <= MEASURE_MAX_PROBE_INPUTS:
        raise ValueError("probe inputs: %d is not in 1 ... %d" % (count, MEASURE_MAX_PROBE_INPUTS))
    rows = min(count, dataset.test_count)
    x, y = dataset.test_batch(0, rows, scale)
    x = np.asarray(x, dtype=np.float32)
    if dataset.task != "classification":
        return np.ascontiguousarray(x)
    order = np.argsort(np.argmax(np.asarray(y), axis=1), kind="stable")
    return np.ascontiguousarray(x[order])


def _measure_layers(config, net):
    """(W, b [R', 1, fan_out], g_w, g_b) of every layer, readout last, from the stored parameters."""
    params = net.params
    if len(params) % 2 != 0:
        raise ValueError("the networks' params are not (W, b) pairs per layer")
    layers = []
    for index in range(0, len(params), 2):
        w, b = params[index].detach(), params[index + 1].detach()
        fan_in, fan_out = w.shape[1], w.shape[2]
        # The gains depend on the parameterization only (init.ts layerScaling), not on the init.
        scaling = layer_scaling("gaussian", config["param"], config["sw2"], config["sb2"], fan_in, fan_out)
        layers.append((w, b.reshape(w.shape[0], 1, fan_out), scaling["weight_gain"], scaling["bias_gain"]))
    return layers


def _measure_scaled(t, factor):
    # gain.ts scaled(): no multiply for a gain of 1 (the standard parameterization).
    return t if factor == 1 else t * factor


def _measure_pre_activation(x, w, b, weight_gain, bias_gain):
    """h = g_w (x W) + g_b b for every run (model.ts preActivation); x [R', B, fan_in]."""
    return _measure_scaled(torch.bmm(x, w), weight_gain) + _measure_scaled(b, bias_gain)


def measure_layer_kernel(layers, act, x, units):
    """Theta[(i,a),(j,b)] = <df_i(x_a)/dtheta, df_j(x_b)/dtheta> over the stored parameters, for the
    output units `units` of every network, and every network's outputs (layerwiseKernel.ts).

    layers as _measure_layers gives them, x [D, n0]. Returns kernels [R', m D, m D] (rows unit-major,
    index i D + a) and outputs [R', D, n_out].
    """
    with torch.no_grad():
        runs = layers[0][0].shape[0]
        count, m = x.shape[0], len(units)
        readout = len(layers) - 1
        pre_activations, grams = [], []
        output = None
        for index, (w, b, weight_gain, bias_gain) in enumerate(layers):
            if index == 0:
                layer_input = x.unsqueeze(0).expand(runs, count, x.shape[1])
                gram = (x @ x.T).unsqueeze(0).expand(runs, count, count)
            else:
                layer_input = apply_activation(act, pre_activations[-1])
                gram = torch.bmm(layer_input, layer_input.transpose(1, 2))
            grams.append(gram)
            h = _measure_pre_activation(layer_input, w, b, weight_gain, bias_gain)
            if index == readout:
                output = h
            else:
                pre_activations.append(h)

        kernel, delta = None, None
        for index in range(readout, -1, -1):
            w, _, weight_gain, bias_gain = layers[index]
            input_term = _measure_scaled(grams[index], weight_gain * weight_gain) + bias_gain * bias_gain
            if m > 1:
                input_term = input_term.repeat(1, m, m)
            if delta is not None:
                term = input_term * torch.bmm(delta, delta.transpose(1, 2))
            elif m > 1:
                # At the readout Delta = e_i for row (i, a): 1 within a unit's block, 0 across units.
                blocks = torch.kron(torch.eye(m), torch.ones(count, count)).to(input_term)
                term = input_term * blocks
            else:
                term = input_term
            kernel = term if kernel is None else kernel + term
            if index == 0:
                break
            h = pre_activations[index - 1]
            if delta is not None:
                back = torch.bmm(delta, w.transpose(1, 2))
            else:
                # From the readout, row (i, a) of delta W^T is column units[i] of W.
                back = w[:, :, units].transpose(1, 2)
                if m > 1:
                    back = back.repeat_interleave(count, dim=1)
            signal = _measure_scaled(back, weight_gain)
            slope = activation_slope(act, h, apply_activation(act, h))
            rows = count * m
            if slope is None:
                delta = signal.expand(runs, rows, w.shape[1]).contiguous()
            else:
                delta = signal * (slope if m == 1 else slope.repeat(1, m, 1))
        return kernel, output


def measure_mirrored(kernels, outputs, runs):
    """Of R mirrored runs from their 2R copies: Theta = (Theta_a + Theta_b)/2, f = (g_a - g_b)/sqrt(2)
    (mirror.ts); plain runs as they are."""
    if kernels.shape[0] == runs:
        return kernels, outputs
    if kernels.shape[0] != 2 * runs:
        raise ValueError("%d networks for %d runs" % (kernels.shape[0], runs))
    return (kernels[:runs] + kernels[runs:]) / 2, (outputs[:runs] - outputs[runs:]) * math.sqrt(0.5)


def measure_relative_change(a, b):
    """||b - a||_F / ||a||_F in float64, a the reference (ntk.ts relativeChange)."""
    a, b = a.double(), b.double()
    reference = float(torch.sum(a * a))
    difference = float(torch.sum((b - a) ** 2))
    if reference == 0:
        return 0.0 if difference == 0 else math.inf
    return math.sqrt(difference / reference)


def measure_weight_change(initial, current):
    """Per run, ||W_t - W_0||_F / ||W_0||_F of one layer's stored weights [R, fan_in, fan_out]
    (ntk.ts weightChange; the ratio is the same for the effective weights, the gain being fixed)."""
    moved = (current.double() - initial.double()).flatten(1)
    start = initial.double().flatten(1)
    return (torch.sqrt(torch.sum(moved**2, 1) / torch.sum(start**2, 1))).cpu().tolist()


def measure_fisher_lambda_max(kernels, outputs, task):
    """Per run, lambda_max of the Fisher information from the all-output kernel (curvature.ts).

    G = A^T A / D over the parameters has the non-zero spectrum of the (k D) x (k D) matrix
    Theta_all / D (regression, squared error) or B^T Theta_all B / D (softmax cross-entropy, the true
    Fisher: H_a = diag(p_a) - p_a p_a^T = B_a B_a^T with B_a = diag(sqrt p_a) - p_a sqrt(p_a)^T, p the
    softmax of the network's own outputs). The lab finds its top eigenvalue by power iteration to a
    relative change of 1e-7; here it is the exact one of a symmetric eigensolver, in float64.
    """
    theta = kernels.detach().double().cpu()
    theta = (theta + theta.transpose(1, 2)) / 2
    runs, count, units = outputs.shape
    if task == "classification":
        p = torch.softmax(outputs.detach().double().cpu(), dim=2)
        root = torch.sqrt(p)
        # inner[r, a, i, j] = sqrt(p_ai) delta_ij - p_ai sqrt(p_aj): B_a in example a's block.
        inner = torch.diag_embed(root) - p.unsqueeze(3) * root.unsqueeze(2)
        b = torch.einsum("raij,ab->riajb", inner, torch.eye(count, dtype=torch.float64))
        b = b.reshape(runs, units * count, units * count)
        theta = b.transpose(1, 2) @ theta @ b
    operator = theta / count
    values = []
    for r in range(runs):
        if not bool(torch.isfinite(operator[r]).all()):
            values.append(math.nan)
            continue
        values.append(float(torch.linalg.eigvalsh(operator[r])[-1]))
    return values


def measure_probe_variance(act, sw2, sb2):
    """q^1 of the fixed-point probe (inputScaling.ts q1): q* where inputs can be scaled to it, else
    sigma_w^2 + sigma_b^2."""
    q_star = fixed_point_q(act, sw2, sb2)
    if math.isnan(q_star) or math.isinf(q_star):
        return sw2 + sb2
    if not (q_star - sb2 > 1e-12 * max(1.0, q_star)):
        return sw2 + sb2
    return q_star


def measure_jacobian_s_max_sq(layers, act, seeds, q):
    """Per run, the largest squared singular value of the input-output Jacobian over the square
    hidden layers, at the fixed-point probe h ~ N(0, q I_N) drawn from the run's seed (jacobian.ts
    accumulateJacobian and fixedPointProbe: the product is renormalized at every layer and its log
    scale summed in float64, so depth neither overflows nor underflows)."""
    with torch.no_grad():
        hidden = layers[:-1]
        runs = hidden[0][0].shape[0]
        width = hidden[0][0].shape[2]
        first = 0 if hidden[0][0].shape[1] == width else 1
        count = max(0, len(hidden) - first)
        if count == 0:
            # J = I: the lab keeps it as I/sqrt(N) (in float32) with log scale ln sqrt(N).
            scaled_top = float(np.float32(1 / math.sqrt(width)))
            return [math.exp(2 * (0.5 * math.log(width) + math.log(scaled_top)))] * runs
        reference = hidden[0][0]
        std = math.sqrt(q)
        probe = np.array(
            [[std * z for z in RandomStream(seed, "jacobian-probe", width).normals(width)] for seed in seeds],
            dtype=np.float32,
        )
        h = torch.from_numpy(probe).to(device=reference.device, dtype=reference.dtype).unsqueeze(1)
        product = None
        log_scale = np.zeros(runs)
        for index in range(first, first + count):
            w, _, weight_gain, _ = hidden[index]
            weights = _measure_scaled(w, weight_gain)
            phi = apply_activation(act, h)
            slope = activation_slope(act, h, phi)
            m = weights if product is None else torch.bmm(product, weights)
            if slope is not None:
                m = m * slope
            norm = torch.clamp(torch.sqrt(torch.sum(m * m, dim=(1, 2))), min=_MEASURE_TINY_NORM)
            product = m / norm.reshape(runs, 1, 1)
            log_scale += np.log(norm.double().cpu().numpy())
            if index < first + count - 1:
                w_next, b_next, gain_next, bias_gain_next = hidden[index + 1]
                h = _measure_pre_activation(phi, w_next, b_next, gain_next, bias_gain_next)
        top = torch.linalg.svdvals(product.double().cpu())[:, 0].numpy()
        return [math.exp(2 * (log_scale[r] + math.log(top[r]))) for r in range(runs)]


def measure_pooled_singular_values(weights):
    """One run's singular values of its square weights pooled (every given weight where none is
    square): the pooled mean is the mean of the layer means, the pooled variance the mean of second
    moments less the squared mean (alongTraining.ts pool over weightSpectra.ts summaries)."""
    square = [w for w in weights if w.shape[0] == w.shape[1]]
    used = square if square else list(weights)
    means, seconds, lows, highs = [], [], [], []
    with torch.no_grad():
        for w in used:
            sigma = torch.linalg.svdvals(w.detach().double())
            mean = float(torch.mean(sigma))
            std = float(torch.sqrt(torch.mean((sigma - mean) ** 2)))
            means.append(mean)
            seconds.append(std * std + mean * mean)
            lows.append(float(sigma[-1]))
            highs.append(float(sigma[0]))
    mean = sum(means) / len(means)
    second = sum(seconds) / len(seconds)
    std = math.sqrt(max(0.0, second - mean * mean))
    return {"mean": mean, "std": std, "min": min(lows), "max": max(highs)}
