"""The lab's initial weights (src/engine/drawCache.ts and init.ts), drawn fast enough for paper sizes.

Every weight matrix is a unit draw times a scale. The unit draws come from keyed random streams
(lab_random), so a run of seed s gets, layer by layer, the very numbers the lab gives it:
- Gaussian G: the stream (seed, "weight", layer, fan_in, fan_out) fills the "tall" m x n matrix
  (m = max, n = min of the fans) column by column; W = G when fan_in >= fan_out, else its transpose.
- Orthogonal Q: the Haar factor of that same float64 G (QR with diag(R) > 0), so a seed's Gaussian
  and orthogonal twins share their draw, as in the lab.
- Biases: the stream (seed, "bias", layer, fan_out).

A paper-size layer (N = 1600: 2.56 million normals) is drawn by lab_random's `stream_normals`,
which steps thousands of copies of the generator at once.
"""

import math
from collections import OrderedDict

import numpy as np

from lab_random import stream_normals

def _init_layer_key(layer):
    # Stream keys take Python ints and strings only (a numpy integer would be refused).
    return layer if isinstance(layer, str) else int(layer)


def _init_tall_draw(seed, layer, fan_in, fan_out):
    """The float64 Gaussian draw as the tall m x n matrix (m = max, n = min of the fans)."""
    m, n = max(fan_in, fan_out), min(fan_in, fan_out)
    key = (int(seed), "weight", _init_layer_key(layer), int(fan_in), int(fan_out))
    # The stream fills the tall matrix column-major: row c of this [n, m] array is column c.
    return stream_normals(key, m * n).reshape(n, m).T


def _init_weight_layout(tall, fan_in, fan_out):
    """Tall m x n -> W [fan_in, fan_out] (h = x @ W): W = T when fan_in >= fan_out, else T transposed."""
    weights = tall if fan_in >= fan_out else tall.T
    return np.ascontiguousarray(weights, dtype=np.float32)


def haar_factor(tall, qr=None):
    """The orthonormal-column QR factor of a tall float64 matrix with diag(R) > 0: Haar when the
    matrix is Gaussian (Mezzadri 2007). LAPACK's Householder signs are undone column by column.

    `qr` (tall -> (q, r), float64 numpy arrays) replaces numpy's reduced QR, e.g. by torch.linalg.qr
    on a GPU where numpy's LAPACK is slow; any QR gives the same factor up to rounding.
    """
    q, r = (qr or _init_numpy_qr)(tall)
    signs = np.where(np.diag(r) < 0, -1.0, 1.0)
    return q * signs


def _init_numpy_qr(tall):
    return np.linalg.qr(tall, mode="reduced")


class DrawCache:
    """Unit draws by (seed, layer, shape), as the lab's UnitDrawCache: "draw once, rescale often".

    The Gaussian and orthogonal twins of a seed and both parameterizations share a draw, so it is
    made once. Least recently used entries go beyond `max_bytes` (they can always be redrawn).
    Matrices are np.float32 [fan_in, fan_out], row-major; layer is an int or "readout". `qr`: see
    haar_factor.
    """

    def __init__(self, max_bytes=512 * 1024 * 1024, qr=None):
        self.max_bytes = max_bytes
        self.qr = qr
        self._entries = OrderedDict()
        self._bytes = 0

    def gaussian(self, seed, layer, fan_in, fan_out):
        """G with iid N(0, 1) entries (the float64 draw rounded once to float32)."""
        key = ("G", seed, layer, fan_in, fan_out)
        return self._cached(key, lambda: _init_weight_layout(_init_tall_draw(seed, layer, fan_in, fan_out),
                                                             fan_in, fan_out))

    def orthogonal(self, seed, layer, fan_in, fan_out):
        """The Haar factor of gaussian(seed, layer, fan_in, fan_out)'s float64 draw (Q^T Q = I or
        Q Q^T = I)."""
        key = ("Q", seed, layer, fan_in, fan_out)
        return self._cached(key, lambda: _init_weight_layout(
            haar_factor(_init_tall_draw(seed, layer, fan_in, fan_out), self.qr), fan_in, fan_out))

    def bias(self, seed, layer, fan_out):
        """beta with iid N(0, 1) entries, shared by both twins."""
        key = ("b", seed, layer, fan_out)
        stream = (int(seed), "bias", _init_layer_key(layer), int(fan_out))
        return self._cached(key, lambda: self.normals_for(stream, fan_out, np.float32))

    @staticmethod
    def normals_for(key, count, dtype=np.float64):
        """The first `count` normals of the lab's stream `key` (a tuple), rounded once to `dtype`."""
        return stream_normals(key, count).astype(dtype)

    def _cached(self, key, make):
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
            return hit
        value = make()
        value.setflags(write=False)
        self._entries[key] = value
        self._bytes += value.nbytes
        while self._bytes > self.max_bytes and len(self._entries) > 1:
            _, old = self._entries.popitem(last=False)
            self._bytes -= old.nbytes
        return value


def layer_scaling(init, param, sw2, sb2, fan_in, fan_out):
    """How a layer's stored parameters become h = weight_gain * (x @ W) + bias_gain * b (init.ts).

    Standard: W = sigma_w/sqrt(n_in) * G, or s*Q with s^2 = sigma_w^2 * max(1, n_out/n_in); gains 1.
    NTK: the variable holds G (or sqrt(max(n_in, n_out)) * Q) and the forward pass multiplies by
    sigma_w/sqrt(n_in); biases are sigma_b * beta with beta stored. Both compute the same function.
    """
    sigma_w = math.sqrt(sw2)
    sigma_b = math.sqrt(sb2)
    orthogonal_unit = math.sqrt(max(fan_in, fan_out))
    if param == "ntk":
        return {
            "weight_stored": 1.0 if init == "gaussian" else orthogonal_unit,
            "weight_gain": sigma_w / math.sqrt(fan_in),
            "bias_stored": 1.0,
            "bias_gain": sigma_b,
        }
    return {
        "weight_stored": (sigma_w / math.sqrt(fan_in)) * (1.0 if init == "gaussian" else orthogonal_unit),
        "weight_gain": 1.0,
        "bias_stored": sigma_b,
        "bias_gain": 1.0,
    }


def _init_scaled(unit, factor):
    # float32 unit times a float64 factor, rounded once to float32: init.ts's scaled().
    return (unit.astype(np.float64) * factor).astype(np.float32)


def initial_layer(cache, init, config, seed, layer, fan_in, fan_out):
    """One run's initial (weights [fan_in, fan_out], biases [fan_out], scaling) for one layer."""
    scaling = layer_scaling(init, config["param"], config["sw2"], config["sb2"], fan_in, fan_out)
    if init == "gaussian":
        unit = cache.gaussian(seed, layer, fan_in, fan_out)
    elif init == "orthogonal":
        unit = cache.orthogonal(seed, layer, fan_in, fan_out)
    else:
        raise ValueError("init %r is neither 'gaussian' nor 'orthogonal'" % (init,))
    weights = _init_scaled(unit, scaling["weight_stored"])
    biases = _init_scaled(cache.bias(seed, layer, fan_out), scaling["bias_stored"])
    return weights, biases, scaling
