"""The lab's recurrent network (arch=rnn, src/engine/rnn/*) and its training.

A vanilla RNN reads an MNIST image as 28 time steps of one 28-pixel row each and classifies it
from its last state:

    h_t = φ(γ_W h_{t−1} W + γ_U x_t U + γ_b b),   h_0 = 0,   logits = γ_V h_28 V + γ_c c,

row vectors times matrices, as the lab stores its weights; the γ are the forward gains of the NTK
parameterization (all 1 in the standard one). Only the recurrent W follows a run's init: Gaussian,
or σ_w times the Haar orthogonal factor of that very Gaussian draw. U and V are the lab's Gaussian
layers in both twins (Hlav's networks compare W alone). W, U and V are the draws an MLP of the same
seed takes for its layer 1, layer 0 and readout. The `orth` option acts on W alone: its singular
values are what makes gradients through time vanish or explode.

All runs of a group train as one program: every parameter is stacked with the run axis first and
every product is batched over runs, so each run's slice sees only its own weights and trains
exactly as it would alone. Back-propagation through time is written out as rnnModel.ts writes it,
with lab_mlp's slopes, losses, update rules and orthogonality rule, so the arithmetic is the lab's
step by step; only the order in which a matMul sums its products differs.
"""
import numpy as np
import torch

from lab_init import initial_layer
from lab_mlp import OPT_SLOT_COUNT, OrthogonalityRule, activation_slope, apply_activation
from lab_mlp import evaluate_held_out, gain_scaled, store_update, run_loss_gradient, run_losses, update_rule

# Row-sequential MNIST (Le et al. 2015; Hlav §5): 28 time steps of the 28 pixels of a row.
RNN_TIME_STEPS = 28
RNN_ROW_WIDTH = 28
# Draw keys (rnnInit.ts): W is the N × N draw of an MLP's layer 1 of that seed, U that of its layer 0.
_RNN_INPUT_KEY = 0
_RNN_RECURRENT_KEY = 1
# Index of W among the parameters [W, U, b, V, c], the only matrix `orth` acts on.
_RNN_RECURRENT = 0


def rnn_check_config(config, input_size):
    """Refuses, in one line, what the lab's recurrent experiment refuses (rnnExperiment.ts, sequence.ts)."""
    if str(config.get("mirror", "0")) == "1":
        raise ValueError("mirror=1 is for the layered networks (arch=mlp); use mirror=0 with arch=rnn")
    if input_size != RNN_TIME_STEPS * RNN_ROW_WIDTH:
        raise ValueError(
            "arch=rnn reads MNIST images row by row (784 inputs); these examples have %d inputs: "
            "use data=mnist" % input_size
        )


def rnn_initial_arrays(cache, config, runs, classes):
    """Every run's initial (W, U, b, V, c) as np.float32 arrays, and the gains, as rnnInit.ts draws them.

    b is the bias drawn with W (key 1), c the readout's. The gains depend on the parameterization
    only, so those of any run serve all of them.
    """
    n = int(config["N"])
    per_run = []
    scalings = None
    for run in runs:
        seed = int(run["seed"])
        w, b, recurrent = initial_layer(cache, run["init"], config, seed, _RNN_RECURRENT_KEY, n, n)
        u, _, inputs = initial_layer(cache, "gaussian", config, seed, _RNN_INPUT_KEY, RNN_ROW_WIDTH, n)
        v, c, readout = initial_layer(cache, "gaussian", config, seed, "readout", n, classes)
        per_run.append((w, u, b, v, c))
        scalings = {"recurrent": recurrent, "input": inputs, "readout": readout}
    if scalings is None:
        raise ValueError("a recurrent experiment needs at least one run")
    return scalings, per_run


def build_rnn(config, runs, dataset, device="cpu", dtype=torch.float32, cache=None):
    """The recurrent networks of `runs` (createRnnExperiment): drawn as the lab draws them (lab_init),
    W put on its constraint set under orth=stiefel|oblique, stacked."""
    rnn_check_config(config, dataset.input_size)
    scalings, per_run = rnn_initial_arrays(cache, config, runs, dataset.output_size)
    return RnnNetworks(config, runs, dataset.task, scalings, per_run, device, dtype)


class RnnNetworks:
    """R recurrent networks and their optimizer (RnnTrainer, MaskedOptimizer, OrthogonalityRule).

    params: the stored variables [W [R, N, N], U [R, 28, N], b [R, 1, N], V [R, N, classes],
    c [R, 1, classes]] (the lab's parameter order). Interface shared with lab_mlp's networks:
    run_count, task, params, forward, train_step, set_live, hidden_weights, evaluate.
    """

    def __init__(self, config, runs, task, scalings, per_run, device, dtype):
        """per_run: each run's initial (W, U, b, V, c) arrays, row-major, before any constraint;
        scalings: {"recurrent", "input", "readout"}, each a lab_init.layer_scaling dict."""
        n = int(config["N"])
        classes = np.asarray(per_run[0][4]).size
        self.run_count = len(runs)
        self.task = task
        self.width = n
        self.activation = config["act"]
        self.optimizer = config["opt"]
        self.device = torch.device(device)
        self.dtype = dtype
        self.scalings = scalings
        # The rule's layers as RnnTrainer gives them: W (constrained), then V (the readout, never).
        self.orthogonality = OrthogonalityRule(
            config, [(n, n, scalings["recurrent"]), (n, classes, scalings["readout"])]
        )
        shapes = [(n, n), (RNN_ROW_WIDTH, n), (1, n), (n, classes), (1, classes)]
        self.params = [
            torch.tensor(
                np.stack([np.asarray(arrays[i], dtype=np.float32).reshape(shape) for arrays in per_run]),
                dtype=dtype,
                device=self.device,
            )
            for i, shape in enumerate(shapes)
        ]
        # Under stiefel and oblique, W starts on its constraint set (constrainRecurrent).
        self.params[_RNN_RECURRENT] = self.orthogonality.constrain_init(_RNN_RECURRENT, self.params[0])
        slot_count = OPT_SLOT_COUNT[self.optimizer]
        self.slots = [[torch.zeros_like(p) for _ in range(slot_count)] for p in self.params]
        rates = [float(run["lr"]) for run in runs]
        # One η for all runs multiplies as a number, else as [R, 1, 1] (optimizer.ts).
        if all(rate == rates[0] for rate in rates):
            self.learning_rate = rates[0]
        else:
            self.learning_rate = torch.tensor(rates, dtype=dtype, device=self.device).view(-1, 1, 1)
        self.updates = 0
        # Whether each run still trains, [R, 1, 1]; None while every run does.
        self.live = None
        self._live_runs = torch.ones(self.run_count, dtype=torch.bool, device=self.device)

    # -- forward -------------------------------------------------------------------------------

    def forward_pass(self, x):
        """Forward pass for inputs x [B, 784] shared by all runs: (logits [R, B, classes], the inputs
        time-major [1, T·B, 28], pre-activations a_t and states h_t of every step, each [R, B, N])."""
        w, u, b, v, c = self.params
        gains = self.scalings
        x = x.to(device=self.device, dtype=self.dtype)
        batch = x.shape[0]
        # Rows t·B … t·B + B − 1 are x_t of every example: U x_t + b of every step and run is one
        # product, and a step of the recurrence is one N × N product per run, an add and φ.
        sequence = x.reshape(batch, RNN_TIME_STEPS, RNN_ROW_WIDTH).transpose(0, 1)
        sequence = sequence.reshape(1, RNN_TIME_STEPS * batch, RNN_ROW_WIDTH)
        driven = gain_scaled(torch.matmul(sequence, u), gains["input"]["weight_gain"]) + gain_scaled(
            b, gains["recurrent"]["bias_gain"]
        )
        drives = driven.view(self.run_count, RNN_TIME_STEPS, batch, self.width)
        pre_activations = []
        states = []
        for t in range(RNN_TIME_STEPS):
            # h_0 = 0: the first step has no recurrent term.
            if t == 0:
                a = drives[:, 0]
            else:
                a = drives[:, t] + gain_scaled(torch.bmm(states[-1], w), gains["recurrent"]["weight_gain"])
            pre_activations.append(a)
            states.append(apply_activation(self.activation, a))
        readout = gains["readout"]
        logits = gain_scaled(torch.bmm(states[-1], v), readout["weight_gain"]) + gain_scaled(
            c, readout["bias_gain"]
        )
        return logits, sequence, pre_activations, states

    @torch.no_grad()
    def forward(self, x):
        """The outputs of every run, [R, B, classes], for inputs x [B, 784]."""
        return self.forward_pass(x)[0]

    # -- training ------------------------------------------------------------------------------

    def _backward(self, sequence, pre_activations, states, output_gradient):
        """Gradients of Σ_r loss_r in parameter order [W, U, b, V, c], given ∂loss/∂logits
        (rnnModel.ts backward). With δ_t = ∂loss/∂a_t:
            g_T = γ_V δ_out Vᵀ,  δ_t = g_t ⊙ φ′(a_t),  g_{t−1} = γ_W δ_t Wᵀ,
            ∂W = γ_W Σ_{t≥2} h_{t−1}ᵀ δ_t,  ∂U = γ_U Σ_t x_tᵀ δ_t,  ∂b = γ_b Σ_t Σ_batch δ_t.
        """
        w, _, _, v, _ = self.params
        gains = self.scalings
        recurrent_gain = gains["recurrent"]["weight_gain"]
        readout = gains["readout"]
        last = states[-1]
        d_readout = gain_scaled(torch.bmm(last.transpose(1, 2), output_gradient), readout["weight_gain"])
        d_readout_bias = gain_scaled(output_gradient.sum(1, keepdim=True), readout["bias_gain"])
        g = gain_scaled(torch.bmm(output_gradient, v.transpose(1, 2)), readout["weight_gain"])
        deltas = [None] * RNN_TIME_STEPS
        w_transposed = w.transpose(1, 2)
        for t in range(RNN_TIME_STEPS - 1, -1, -1):
            slope = activation_slope(self.activation, pre_activations[t], states[t])
            delta = g if slope is None else g * slope
            deltas[t] = delta
            if t > 0:
                g = gain_scaled(torch.bmm(delta, w_transposed), recurrent_gain)
        all_deltas = torch.cat(deltas, 1)
        d_recurrent = gain_scaled(
            torch.bmm(torch.cat(states[:-1], 1).transpose(1, 2), torch.cat(deltas[1:], 1)), recurrent_gain
        )
        input_gain = gains["input"]["weight_gain"]
        d_input = gain_scaled(torch.matmul(sequence.transpose(1, 2), all_deltas), input_gain)
        d_bias = gain_scaled(all_deltas.sum(1, keepdim=True), gains["recurrent"]["bias_gain"])
        return [d_recurrent, d_input, d_bias, d_readout, d_readout_bias]

    @torch.no_grad()
    def train_step(self, x, y):
        """One optimizer step of every live run on the batch x [B, 784], targets y [B, classes];
        returns each run's loss before the update, [R] (NaN for frozen runs)."""
        y = y.to(device=self.device, dtype=self.dtype)
        logits, sequence, pre_activations, states = self.forward_pass(x)
        losses = run_losses(self.task, logits, y)
        grads = self._backward(sequence, pre_activations, states, run_loss_gradient(self.task, logits, y))
        rule = self.orthogonality
        # The soft and gain penalties' gradient joins W's before the update rule, taken at the
        # weights before this update; the Stiefel and Oblique projections put W back after it.
        penalty = rule.penalty_gradient(_RNN_RECURRENT, self.params[_RNN_RECURRENT])
        if penalty is not None:
            grads[_RNN_RECURRENT] = grads[_RNN_RECURRENT] + penalty
        self.updates += 1
        for index, (param, grad, slots) in enumerate(zip(self.params, grads, self.slots)):
            updated, next_slots = update_rule(
                self.optimizer, self.learning_rate, self.updates, param, grad, slots
            )
            if index == _RNN_RECURRENT:
                updated = rule.project(_RNN_RECURRENT, updated)
            store_update(param, slots, updated, next_slots, self.live)
        return torch.where(self._live_runs, losses, torch.full_like(losses, float("nan")))

    def set_live(self, live):
        """Freezes the runs whose entry is false (diverged): they take no update from the next step."""
        runs = torch.tensor([bool(v) for v in live], dtype=torch.bool, device=self.device)
        self._live_runs = runs
        self.live = None if bool(runs.all()) else runs.view(-1, 1, 1)

    # -- measurements --------------------------------------------------------------------------

    def hidden_weights(self, run):
        """[the effective recurrent W = γ_W·S of run `run`, N × N]: the matrix `orth` acts on and
        the weight probe measures."""
        return [gain_scaled(self.params[_RNN_RECURRENT][run], self.scalings["recurrent"]["weight_gain"])]

    def evaluate(self, dataset, examples, scale, chunk=None):
        """Mean held-out loss and accuracy of every run (lab_mlp's evaluate_held_out)."""
        return evaluate_held_out(self, dataset, examples, scale, chunk)
