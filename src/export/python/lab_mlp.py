"""The lab's layered networks (arch=mlp) and their training, as the lab's engine computes them.

R runs (one per init, seed and learning rate) are held as stacked tensors with the run axis first,
weights [R, fan_in, fan_out] and biases [R, 1, fan_out], and every layer is one batched matMul:
R runs cost R times the FLOPs of one but the same number of kernel launches. Each op acts within
one run's slice, so every run trains exactly as it would alone, and a run that turns NaN spoils
only its own slice.

The arithmetic follows the lab (src/engine: model.ts, loss.ts, optimizerRule.ts,
orthogonality.ts, constrainedInit.ts, mirror.ts) step by step: the same forward gains, the same
hand-written backward pass (with the lab's slopes at the kinks of ReLU and hard-tanh), the same
update formulas and constants. What cannot agree bit for bit is the order in which a matMul sums
its products (BLAS, cuBLAS and tfjs each choose their own), so losses agree to float32 rounding
that training carries along, not to the last bit.
"""
import math

import numpy as np
import torch

from lab_init import DrawCache, initial_layer

OPT_MOMENTUM = 0.9
ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
RMSPROP_DECAY = 0.9
OPT_EPSILON = 1e-8
# Optimizer state tensors per parameter (optimizerSlots.ts).
OPT_SLOT_COUNT = {'sgd': 0, 'momentum': 1, 'adam': 2, 'rmsprop': 1}

# erf(√π h/2): slope 1 at 0, like tanh (activation.ts).
ERF_SCALE = math.sqrt(math.pi) / 2
# A mirrored run is f = (g_a − g_b)/√2 of two copies of one init (mirror.ts).
MIRROR_SCALE = math.sqrt(0.5)

# Newton–Schulz iterations of the Stiefel retraction after every step (orthogonalityFlops.ts).
STIEFEL_STEP_ITERATIONS = 5
# Putting an init on the Stiefel manifold (constrainedInit.ts): iterate in rounds of 4, until the
# deviation ‖G/g² − I‖_F/√k of every run is at most 1e-5, 80 iterations at most (a Gaussian N × N
# draw has σ_min ≈ 1/N, which an iteration multiplies by 1.5 at most).
STIEFEL_INIT_CHECK_EVERY = 4
STIEFEL_INIT_MAX_ITERATIONS = 80
STIEFEL_INIT_TOLERANCE = 1e-5

# Held-out examples per evaluation chunk unless told (the lab's MAX_EVAL_CHUNK).
MLP_EVAL_CHUNK = 250


def gain_scaled(t, factor):
    """t·factor for a forward gain, with no multiply for a gain of 1 (the lab skips it too)."""
    return t if factor == 1 else t * factor


# ---------------------------------------------------------------------------------------------
# Activations


def apply_activation(act, h):
    """φ(h) for the lab's activations: tanh, hard-tanh (clip to [−1, 1]), ReLU, identity, erf(√π h/2)."""
    if act == 'tanh':
        return torch.tanh(h)
    if act == 'hardtanh':
        return torch.clamp(h, -1.0, 1.0)
    if act == 'relu':
        return torch.relu(h)
    if act == 'linear':
        return h
    if act == 'erf':
        return torch.erf(h * ERF_SCALE)
    raise ValueError(f'unknown activation {act!r}')


def activation_slope(act, h, phi):
    """φ′(h) given h and φ(h), with the lab's convention at the kinks: ReLU has slope 0 at h = 0,
    hard-tanh slope 0 at |h| = 1. None for the identity (no multiply needed)."""
    if act == 'tanh':
        return 1 - phi * phi
    if act == 'hardtanh':
        return (h.abs() < 1).to(h.dtype)
    if act == 'relu':
        return (h > 0).to(h.dtype)
    if act == 'linear':
        return None
    if act == 'erf':
        return torch.exp(h * h * (-ERF_SCALE * ERF_SCALE))
    raise ValueError(f'unknown activation {act!r}')


# ---------------------------------------------------------------------------------------------
# Loss (loss.ts): softmax cross-entropy in nats, or mean squared error


def run_losses(task, outputs, targets):
    """Each run's mean loss over the batch, [R], from outputs [R, B, n_out] and targets [B, n_out]."""
    if task == 'classification':
        picked = (outputs * targets).sum(-1)
        return (torch.logsumexp(outputs, -1) - picked).mean(-1)
    return ((outputs - targets) ** 2).mean((1, 2))


def run_loss_gradient(task, outputs, targets):
    """∂(Σ_r loss_r)/∂outputs, [R, B, n_out]: for run r it is ∂loss_r/∂output_r alone."""
    _, batch, width = outputs.shape
    if task == 'classification':
        return (torch.softmax(outputs, -1) - targets) / batch
    return (outputs - targets) * (2 / (batch * width))


def run_correct(outputs, targets):
    """Examples per run whose largest output is the target class, [R]."""
    return (outputs.argmax(-1) == targets.argmax(-1)).sum(-1)


# ---------------------------------------------------------------------------------------------
# Optimizers (optimizerRule.ts)


def _opt_times_rate(x, lr, factor=1.0):
    """x·η·factor. One η for all runs multiplies as one number; per-run η is a [R, 1, 1] tensor
    (as the lab writes each: the products round alike)."""
    if not torch.is_tensor(lr):
        return x * (lr * factor)
    return (x if factor == 1 else x * factor) * lr


def update_rule(opt, lr, step, param, grad, slots):
    """One element-wise update: (next value, next optimizer state). `step` counts updates from 1
    (Adam's bias correction needs it).

    - sgd: θ ← θ − η g
    - momentum (heavy ball, as tf.train.momentum): v ← 0.9 v + g; θ ← θ − η v
    - adam (bias-corrected): m ← 0.9 m + 0.1 g, v ← 0.999 v + 0.001 g²,
      θ ← θ − η m̂/(√v̂ + 1e-8), m̂ = m/(1 − 0.9^t), v̂ = v/(1 − 0.999^t)
    - rmsprop (Hinton's lecture 6e): s ← 0.9 s + 0.1 g²; θ ← θ − η g/(√s + 1e-8)
    """
    if opt == 'sgd':
        return param - _opt_times_rate(grad, lr), []
    if opt == 'momentum':
        velocity = slots[0] * OPT_MOMENTUM + grad
        return param - _opt_times_rate(velocity, lr), [velocity]
    if opt == 'adam':
        m = slots[0] * ADAM_BETA1 + grad * (1 - ADAM_BETA1)
        v = slots[1] * ADAM_BETA2 + (grad * grad) * (1 - ADAM_BETA2)
        m_hat_scale = 1 / (1 - ADAM_BETA1 ** step)
        v_hat_scale = 1 / (1 - ADAM_BETA2 ** step)
        denominator = torch.sqrt(v * v_hat_scale) + OPT_EPSILON
        return param - _opt_times_rate(m, lr, m_hat_scale) / denominator, [m, v]
    if opt == 'rmsprop':
        s = slots[0] * RMSPROP_DECAY + (grad * grad) * (1 - RMSPROP_DECAY)
        return param - _opt_times_rate(grad, lr) / (torch.sqrt(s) + OPT_EPSILON), [s]
    raise ValueError(f'unknown optimizer {opt!r}')


# ---------------------------------------------------------------------------------------------
# Orthogonality (orthogonality.ts, orthogonalityRule.ts). All act on the last two axes, so a stack
# of runs [R, m, n] is computed run by run. The matrix they are about is the effective weight
# W = γ·S (stored S times the layer's forward gain γ), so that a penalty or a constraint means the
# same network in both parameterizations. G is the Gram matrix of the smaller side (WᵀW when W is
# tall, else WWᵀ): the larger side's has rank min(m, n) and cannot be a multiple of I.


def store_update(param, slots, updated, next_slots, live):
    """Writes an update into a parameter and its optimizer slots in place; a frozen run (`live`
    false, [R, 1, 1]) keeps its old values: selected, never multiplied (0·NaN is NaN)."""
    if live is not None:
        updated = torch.where(live, updated, param)
        next_slots = [torch.where(live, new, old) for new, old in zip(next_slots, slots)]
    param.copy_(updated)
    for slot, value in zip(slots, next_slots):
        slot.copy_(value)


def gain_squared(sw2, fan_in, fan_out):
    """g² = σ_w²·max(1, n_out/n_in): the squared singular value of the orthogonal init."""
    return sw2 * max(1.0, fan_out / fan_in)


def _orth_is_tall(a):
    return a.shape[-2] >= a.shape[-1]


def smaller_gram(a):
    """The k × k Gram matrix of the smaller side of a (k = min of its last two sizes)."""
    return a.transpose(-2, -1) @ a if _orth_is_tall(a) else a @ a.transpose(-2, -1)


def _orth_on_smaller_side(a, g):
    """a·G (tall) or G·a (wide): where a k × k matrix acting on the smaller side goes."""
    return a @ g if _orth_is_tall(a) else g @ a


def _orth_identity(gram):
    return torch.eye(gram.shape[-1], dtype=gram.dtype, device=gram.device)


def gram_penalty_gradient(stored, gain, c, lam):
    """∂/∂S of λ‖G(γS)/c − I‖²_F: (4λγ²/c)·S·E (tall; E·S wide) with E = G(γS)/c − I. c = 1 is the
    soft penalty, c = g² Hlav's gain-adjusted one (eq. 11)."""
    gram = smaller_gram(stored) * (gain * gain / c)
    excess = gram - _orth_identity(gram)
    return _orth_on_smaller_side(stored, excess) * (4 * lam * gain * gain / c)


def retract_to_stiefel(stored, gain, g, iterations=STIEFEL_STEP_ITERATIONS):
    """The stored weights of g·polar(γS), the nearest matrix to W = γS whose Gram matrix is g²I.

    polar(X) by Newton–Schulz, X ← X(3I − XᵀX)/2, which sends every singular value σ through
    σ(3 − σ²)/2: to 1, quadratically, from anywhere in (0, √3). X starts as γS/g; where the row-sum
    bound max_i Σ_j |G_ij| ≥ λ_max(G) exceeds 2, X is first shrunk so that it is 2, which keeps
    every σ below √2, inside the basin. `g` is a number or one per run ([R, 1, 1])."""
    x = stored * gain / g
    gram = smaller_gram(x)
    row_sum_bound = gram.abs().sum(-1, keepdim=True).amax(-2, keepdim=True)
    x = x * torch.sqrt(torch.clamp(2 / row_sum_bound, max=1.0))
    three = _orth_identity(gram) * 3
    for _ in range(iterations):
        x = _orth_on_smaller_side(x, (three - smaller_gram(x)) * 0.5)
    return x * g / gain


def rms_singular_value(stored, gain):
    """‖γS‖_F/√k per run, [R, 1, 1]: the scale s of the nearest s·Q (oscale=free)."""
    k = min(stored.shape[-2], stored.shape[-1])
    return torch.sqrt((stored * stored).sum((-2, -1), keepdim=True) / k) * gain


def rms_unit_norm(stored, gain):
    """Root-mean-square norm of the units' incoming weights γ·s_j (the columns of [fan_in, fan_out]),
    [R, 1, 1]: the norm oblique keeps under oscale=free."""
    units = stored.shape[-1]
    return torch.sqrt((stored * stored).sum((-2, -1), keepdim=True) / units) * gain


def rescale_units(stored, gain, norm):
    """Every unit's incoming weights (a column of [fan_in, fan_out]) rescaled so that γ‖s_j‖ = norm;
    a zero column stays zero."""
    lengths = torch.sqrt((stored * stored).sum(-2, keepdim=True))
    factor = norm / gain / lengths
    return stored * torch.where(lengths > 0, factor, torch.ones_like(factor))


def stiefel_deviation(stored, gain, g):
    """‖G(γS)/g² − I‖_F/√k per run: how far a layer is from the Stiefel manifold."""
    gram = smaller_gram(stored) * (gain * gain / (g * g))
    k = gram.shape[-1]
    return torch.sqrt(((gram - _orth_identity(gram)) ** 2).sum((-2, -1))) / math.sqrt(k)


class OrthogonalityRule:
    """The `orth` option on one network's layers (weights as [R, fan_in, fan_out]). It acts on the
    hidden weights W¹ … W^L (the first layer, n0 × N, on its smaller side); the readout and all
    biases stay Euclidean.

    - soft: λ‖WᵀW − I‖²_F added to the loss: its gradient joins the weights' before the update rule.
    - gain: the same with WᵀW/g² (Hlav eq. 11).
    - stiefel: after every update W is replaced by g·polar(W), so WᵀW = g²I.
    - oblique: after every update each unit's incoming weights are rescaled to norm σ_w.
    With oscale=free the projections keep each layer's current scale (rms singular value, rms unit
    norm) instead of the init's gain g, so the isotropic scale of W trains.
    """

    def __init__(self, config, layers):
        """layers: (fan_in, fan_out, scaling dict) per layer, the readout last."""
        self.orth = config['orth']
        self.olam = float(config.get('olam', 0.0))
        self.sw2 = float(config['sw2'])
        self.free = config.get('oscale', 'fixed') == 'free'
        self.layers = layers

    @property
    def active(self):
        return self.orth != 'none'

    @property
    def projects(self):
        return self.orth in ('stiefel', 'oblique')

    def constrains(self, index):
        return self.active and index < len(self.layers) - 1

    def penalty_gradient(self, index, stored):
        """The penalty's gradient for layer `index`'s stored weights, or None."""
        if self.orth not in ('soft', 'gain') or not self.constrains(index):
            return None
        fan_in, fan_out, scaling = self.layers[index]
        c = gain_squared(self.sw2, fan_in, fan_out) if self.orth == 'gain' else 1.0
        return gram_penalty_gradient(stored, scaling['weight_gain'], c, self.olam)

    def project(self, index, updated, iterations=STIEFEL_STEP_ITERATIONS):
        """Layer `index`'s updated stored weights put back on the constraint set (or as they are)."""
        if not self.projects or not self.constrains(index):
            return updated
        fan_in, fan_out, scaling = self.layers[index]
        gain = scaling['weight_gain']
        if self.orth == 'oblique':
            norm = rms_unit_norm(updated, gain) if self.free else math.sqrt(self.sw2)
            return rescale_units(updated, gain, norm)
        if self.free:
            g = rms_singular_value(updated, gain)
        else:
            g = math.sqrt(gain_squared(self.sw2, fan_in, fan_out))
        return retract_to_stiefel(updated, gain, g, iterations)

    def constrain_init(self, index, stacked):
        """Layer `index`'s initial weights of all runs ([R, fan_in, fan_out]) on the constraint set,
        as constrainedInit.ts puts them: oblique in one rescale; stiefel iterated in rounds of
        STIEFEL_INIT_CHECK_EVERY until every run's deviation is within tolerance (a Gaussian init
        becomes g times its polar factor, the nearest scaled orthogonal matrix)."""
        if not self.projects or not self.constrains(index):
            return stacked
        if self.orth == 'oblique':
            return self.project(index, stacked)
        fan_in, fan_out, scaling = self.layers[index]
        gain = scaling['weight_gain']
        g = math.sqrt(gain_squared(self.sw2, fan_in, fan_out))
        x = stacked
        for _ in range(0, STIEFEL_INIT_MAX_ITERATIONS, STIEFEL_INIT_CHECK_EVERY):
            x = self.project(index, x, STIEFEL_INIT_CHECK_EVERY)
            worst = stiefel_deviation(x, gain, g).max().item()
            # NaN (a matrix of zeros or infinities) is not going to converge either.
            if not worst > STIEFEL_INIT_TOLERANCE:
                break
        return x


# ---------------------------------------------------------------------------------------------
# The networks


class MlpNetworks:
    """R networks n0 → N → … → N → n_out (L hidden layers with φ, a linear readout) and their
    optimizer, as stacked tensors. A mirrored run holds two networks: copy a of run r at r, copy b
    at R + r, both trained; the run's function is (g_a − g_b)/√2.

    Interface shared with the recurrent networks (lab_rnn): run_count, task, params, forward,
    train_step, set_live, hidden_weights, evaluate.
    """

    def __init__(self, config, runs, layers, task, device, dtype):
        """layers: per layer (readout last), (weights per run [fan_in, fan_out], biases per run
        [fan_out], scaling dict), as lab_init.initial_layer gives them, before any constraint."""
        self.run_count = len(runs)
        self.task = task
        self.activation = config['act']
        self.optimizer = config['opt']
        self.mirrored = str(config.get('mirror', '0')) == '1'
        self.device = torch.device(device)
        self.dtype = dtype
        copies = 2 if self.mirrored else 1
        self.network_count = self.run_count * copies
        # Forward gains depend on the parameterization only: one per layer serves every run.
        self.scalings = [scaling for _, _, scaling in layers]
        shapes = [np.shape(weights[0]) for weights, _, _ in layers]
        self.orthogonality = OrthogonalityRule(
            config, [(fan_in, fan_out, s) for (fan_in, fan_out), s in zip(shapes, self.scalings)])

        def stacked(arrays, shape):
            values = np.stack([np.asarray(a, dtype=np.float32).reshape(shape) for a in arrays])
            return torch.tensor(values, dtype=dtype, device=self.device)

        self.weights = []
        self.biases = []
        for index, ((weights, biases, _), (fan_in, fan_out)) in enumerate(zip(layers, shapes)):
            w = self.orthogonality.constrain_init(index, stacked(weights, (fan_in, fan_out)))
            b = stacked(biases, (1, fan_out))
            # Copy b of run r starts from run r's parameters, bit for bit (f ≡ 0 at init).
            self.weights.append(torch.cat([w] * copies))
            self.biases.append(torch.cat([b] * copies))
        # Parameters in the lab's order [W¹, b¹, W², b², …], run axis first (2R when mirrored).
        self.params = [p for pair in zip(self.weights, self.biases) for p in pair]
        self.slots = [[torch.zeros_like(p) for _ in range(OPT_SLOT_COUNT[self.optimizer])]
                      for p in self.params]
        rates = [float(run['lr']) for run in runs] * copies
        # One η for all runs multiplies as a number, else as [networks, 1, 1] (optimizer.ts).
        self.learning_rate = (rates[0] if all(r == rates[0] for r in rates)
                              else torch.tensor(rates, dtype=dtype, device=self.device).view(-1, 1, 1))
        self.updates = 0
        # Per network, whether it still trains ([networks, 1, 1]); None while every run does.
        self.live = None
        self._live_runs = torch.ones(self.run_count, dtype=torch.bool, device=self.device)

    # -- forward -------------------------------------------------------------------------------

    def forward_pass(self, x):
        """Forward pass of every network for inputs x [B, n0] shared by all: (outputs [networks,
        B, n_out], inputs of every layer, pre-activations h^l of every hidden layer [networks, B, N]).
        Differentiable (autograd) when the parameters require grad."""
        x = x.to(device=self.device, dtype=self.dtype)
        activity = x
        inputs = []
        pre_activations = []
        last = len(self.weights) - 1
        for index, (w, b, scaling) in enumerate(zip(self.weights, self.biases, self.scalings)):
            inputs.append(activity)
            # [B, n0] @ [P, n0, N] broadcasts over the run axis for the first layer.
            h = gain_scaled(torch.matmul(activity, w), scaling['weight_gain']) + gain_scaled(
                b, scaling['bias_gain'])
            if index == last:
                return h, inputs, pre_activations
            pre_activations.append(h)
            activity = apply_activation(self.activation, h)

    def combine(self, outputs):
        """The runs' outputs [R, B, n_out] from the networks': (o_a − o_b)/√2 when mirrored."""
        if not self.mirrored:
            return outputs
        a, b = outputs.split(self.run_count)
        return (a - b) * MIRROR_SCALE

    def forward(self, x):
        """The outputs of every run, [R, B, n_out], for inputs x [B, n0]."""
        return self.combine(self.forward_pass(x)[0])

    # -- training ------------------------------------------------------------------------------

    def _backward(self, inputs, pre_activations, delta):
        """Gradients of Σ_r loss_r in parameter order, from ∂loss/∂outputs of every network:
        written out (as model.ts does) so that the slopes at the kinks are the lab's."""
        grads = [None] * len(self.params)
        for index in range(len(self.weights) - 1, -1, -1):
            scaling = self.scalings[index]
            gain = scaling['weight_gain']
            layer_input = inputs[index]
            grads[2 * index] = gain_scaled(torch.matmul(layer_input.transpose(-2, -1), delta), gain)
            grads[2 * index + 1] = gain_scaled(delta.sum(1, keepdim=True), scaling['bias_gain'])
            if index == 0:
                break
            # δ^{l−1} = (γ δ^l Wᵀ) ⊙ φ′(h^{l−1}); this layer's input is φ(h^{l−1}).
            back = gain_scaled(torch.bmm(delta, self.weights[index].transpose(1, 2)), gain)
            slope = activation_slope(self.activation, pre_activations[index - 1], layer_input)
            delta = back if slope is None else back * slope
        return grads

    @torch.no_grad()
    def train_step(self, x, y):
        """One optimizer step of every live run on the batch x [B, n0], targets y [B, n_out];
        returns each run's loss before the update, [R] (NaN for frozen runs)."""
        y = y.to(device=self.device, dtype=self.dtype)
        outputs, inputs, pre_activations = self.forward_pass(x)
        run_outputs = self.combine(outputs)
        losses = run_losses(self.task, run_outputs, y)
        gradient = run_loss_gradient(self.task, run_outputs, y)
        if self.mirrored:
            # ∂f/∂o_a = 1/√2, ∂f/∂o_b = −1/√2.
            half = gradient * MIRROR_SCALE
            gradient = torch.cat([half, -half])
        grads = self._backward(inputs, pre_activations, gradient)
        rule = self.orthogonality
        for index, w in enumerate(self.weights):
            # The penalty's gradient is taken at the weights before this update, like the loss's.
            penalty = rule.penalty_gradient(index, w)
            if penalty is not None:
                grads[2 * index] = grads[2 * index] + penalty
        self.updates += 1
        for index, (param, grad, slots) in enumerate(zip(self.params, grads, self.slots)):
            updated, next_slots = update_rule(self.optimizer, self.learning_rate, self.updates, param,
                                              grad, slots)
            if index % 2 == 0:
                updated = rule.project(index // 2, updated)
            store_update(param, slots, updated, next_slots, self.live)
        return torch.where(self._live_runs, losses, torch.full_like(losses, float('nan')))

    def set_live(self, live):
        """Freezes the runs whose entry is false (diverged): they take no update from the next step."""
        runs = torch.tensor([bool(v) for v in live], dtype=torch.bool, device=self.device)
        self._live_runs = runs
        networks = torch.cat([runs] * (2 if self.mirrored else 1))
        self.live = None if bool(runs.all()) else networks.view(-1, 1, 1)

    # -- measurements --------------------------------------------------------------------------

    def hidden_weights(self, run):
        """The effective hidden weights W = γ·S of run `run` (copy a when mirrored), [fan_in, fan_out]
        each, the readout excluded."""
        return [gain_scaled(w[run], s['weight_gain']) for w, s in zip(self.weights[:-1], self.scalings)]

    def evaluate(self, dataset, examples, scale, chunk=None):
        """Mean held-out loss and accuracy of every run (see evaluate_held_out)."""
        return evaluate_held_out(self, dataset, examples, scale, chunk)


@torch.no_grad()
def evaluate_held_out(net, dataset, examples, scale, chunk=None):
    """Mean held-out loss and accuracy of every run of `net` (an MLP's or an RNN's networks) on the
    first `examples` test examples, in chunks (evaluation.ts): (loss np [R], accuracy np [R] or None
    for regression)."""
    chunk = chunk or MLP_EVAL_CHUNK
    loss_sum = np.zeros(net.run_count)
    correct = np.zeros(net.run_count)
    for start in range(0, examples, chunk):
        count = min(chunk, examples - start)
        x, y = dataset.test_batch(start, count, scale)
        x = torch.as_tensor(x, device=net.device)
        y = torch.as_tensor(y, device=net.device).to(net.dtype)
        outputs = net.forward(x)
        loss_sum += run_losses(net.task, outputs, y).double().cpu().numpy() * count
        if net.task == 'classification':
            correct += run_correct(outputs, y).cpu().numpy()
    accuracy = correct / examples if net.task == 'classification' else None
    return loss_sum / examples, accuracy


def mlp_from_layers(config, runs, layers, task, device='cpu', dtype=torch.float32):
    """Networks from explicit initial parameters: layers = per layer (readout last), (weights per
    run, biases per run, scaling dict with weight_stored, weight_gain, bias_stored, bias_gain)."""
    return MlpNetworks(config, runs, layers, task, device, dtype)


def mlp_layer_shapes(config, input_size, output_size):
    """(draw key, fan_in, fan_out) of every layer: L hidden layers keyed 0 … L−1, then 'readout'."""
    width = int(config['N'])
    hidden = [(l, input_size if l == 0 else width, width) for l in range(int(config['L']))]
    return hidden + [('readout', width, output_size)]


def build_mlp(config, runs, dataset, device='cpu', dtype=torch.float32, cache=None):
    """createExperiment's layered networks: every run's initial layers drawn as the lab draws them
    (lab_init), put on the constraint set under stiefel/oblique, duplicated when mirrored. Pass the
    group's DrawCache so that runs sharing a seed (the twins, an η sweep) share their draws."""
    cache = cache if cache is not None else DrawCache()
    layers = []
    for key, fan_in, fan_out in mlp_layer_shapes(config, dataset.input_size, dataset.output_size):
        drawn = [initial_layer(cache, run['init'], config, int(run['seed']), key, fan_in, fan_out)
                 for run in runs]
        # The forward gains depend on the parameterization only: the first run's serve all.
        layers.append(([d[0] for d in drawn], [d[1] for d in drawn], drawn[0][2]))
    return mlp_from_layers(config, runs, layers, dataset.task, device, dtype)
