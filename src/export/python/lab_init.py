"""The lab's initial weights (src/engine/drawCache.ts and init.ts), drawn fast enough for paper sizes.

Every weight matrix is a unit draw times a scale. The unit draws come from keyed random streams
(lab_random), so a run of seed s gets, layer by layer, the very numbers the lab gives it:
- Gaussian G: the stream (seed, "weight", layer, fan_in, fan_out) fills the "tall" m x n matrix
  (m = max, n = min of the fans) column by column; W = G when fan_in >= fan_out, else its transpose.
- Orthogonal Q: the Haar factor of that same float64 G (QR with diag(R) > 0), so a seed's Gaussian
  and orthogonal twins share their draw, as in the lab.
- Biases: the stream (seed, "bias", layer, fan_out).

A paper-size layer (N = 1600: 2.56 million normals) is too slow for a scalar generator in Python, so
`stream_normals` steps thousands of copies of the generator at once with numpy. xoshiro128** is
linear over GF(2): one step multiplies the 128-bit state by a fixed 128 x 128 bit matrix A, so
copy k can start where the scalar stream would be after k*S steps (state A^(kS) s, by matrix powers).
Each normal pair takes exactly four 32-bit words (Box-Muller, no rejection), so the copies' outputs
laid end to end are the scalar stream's words, and the normals are bit for bit RandomStream's
(log, sin and cos are the same C library calls that lab_random makes).
"""

import math
from collections import OrderedDict

import numpy as np

from lab_random import RandomStream

# Below this many 32-bit words the scalar stream is as quick as setting up the copies.
_INIT_SCALAR_WORDS = 4096
# Steps per copy at most: more copies make each numpy operation longer, fewer steps mean fewer calls.
_INIT_MAX_STEPS = 1024
_INIT_TWO_POW_53 = 9007199254740992.0


def _init_step_matrix():
    """A with bits(state after one step) = A @ bits(state) mod 2; bit 32*w + k is bit k of word w."""
    mask = 0xFFFFFFFF
    matrix = np.zeros((128, 128), dtype=np.float64)
    for bit in range(128):
        s = [0, 0, 0, 0]
        s[bit // 32] = 1 << (bit % 32)
        s0, s1, s2, s3 = s
        # The state update of RandomStream.next_uint32 (its output is not part of the state).
        t = (s1 << 9) & mask
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 11) | (s3 >> 21)) & mask
        for word, value in enumerate((s0, s1, s2, s3)):
            for k in range(32):
                matrix[32 * word + k, bit] = (value >> k) & 1
    return matrix


_INIT_STEP_MATRIX = _init_step_matrix()


def _init_matrix_power(exponent):
    """A^exponent over GF(2) by repeated squaring (entries 0/1; float sums of 128 terms are exact)."""
    result = np.eye(128)
    square = _INIT_STEP_MATRIX
    while exponent:
        if exponent & 1:
            result = (result @ square) % 2
        square = (square @ square) % 2
        exponent >>= 1
    return result


def _init_jump(matrix, states):
    """Applies a GF(2) transition matrix to every state of an array [copies, 4] of uint32 words:
    the XOR of the matrix columns at the state's set bits."""
    columns = matrix.T.astype(np.uint32).reshape(128, 4, 32) << np.arange(32, dtype=np.uint32)
    columns = np.bitwise_or.reduce(columns, axis=2)
    jumped = np.zeros_like(states)
    for bit in range(128):
        is_set = (states[:, bit // 32] >> np.uint32(bit % 32)) & np.uint32(1)
        jumped ^= (np.uint32(0) - is_set)[:, None] & columns[bit]
    return jumped


def _init_copy_states(state, copies, steps):
    """Start states of `copies` generators, copy k being `state` advanced by k*steps steps."""
    states = np.array([state], dtype=np.uint32)
    jump = _init_matrix_power(steps)
    while len(states) < copies:
        # Copies 0 ... c-1 jumped by c*steps give copies c ... 2c-1.
        states = np.concatenate([states, _init_jump(jump, states)])
        jump = (jump @ jump) % 2
    return states[:copies]


def _init_words(state, steps, copies):
    """next_uint32 of every copy, `steps` times: an array [copies, steps] of uint32."""
    states = _init_copy_states(state, copies, steps)
    s0, s1, s2, s3 = (np.ascontiguousarray(states[:, w]) for w in range(4))
    out = np.empty((steps, copies), dtype=np.uint32)
    t = np.empty(copies, dtype=np.uint32)
    for step in range(steps):
        # result = rotl(s1 * 5, 7) * 9, in uint32 arithmetic (numpy wraps modulo 2^32).
        np.multiply(s1, np.uint32(5), out=t)
        np.bitwise_or(t << np.uint32(7), t >> np.uint32(25), out=t)
        np.multiply(t, np.uint32(9), out=out[step])
        np.left_shift(s1, np.uint32(9), out=t)
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        np.bitwise_or(s3 << np.uint32(11), s3 >> np.uint32(21), out=s3)
    return out.T


def _init_uniforms(hi_words, lo_words):
    """RandomStream.next_uniform from its two words: (hi * 2^26 + lo + 0.5) / 2^53, the same roundings."""
    hi = (hi_words >> np.uint32(5)).astype(np.float64)
    lo = (lo_words >> np.uint32(6)).astype(np.float64)
    return (hi * 67108864.0 + lo + 0.5) / _INIT_TWO_POW_53


def stream_normals(key, count):
    """RandomStream(*key).normals(count) as a float64 array, bit for bit, at numpy speed.

    numpy's own log, sin and cos may use SIMD code that rounds differently from the C library's,
    so those three go through Python's math module, as lab_random's scalar stream does.
    """
    count = int(count)
    pairs = (count + 1) // 2
    words_needed = 4 * pairs
    if words_needed <= _INIT_SCALAR_WORDS:
        return np.array(RandomStream(*key).normals(count), dtype=np.float64)
    # About sqrt(words) steps per copy, a multiple of 4 so that no normal pair straddles two copies.
    steps = min(_INIT_MAX_STEPS, 4 * max(16, int(math.sqrt(words_needed)) // 8))
    copies = -(-words_needed // steps)
    words = _init_words(RandomStream(*key).state(), steps, copies).reshape(-1)[:words_needed]
    words = words.reshape(pairs, 4)
    u1 = _init_uniforms(words[:, 0], words[:, 1])
    u2 = _init_uniforms(words[:, 2], words[:, 3])
    log_u1 = np.fromiter(map(math.log, u1.tolist()), dtype=np.float64, count=pairs)
    radius = np.sqrt(-2.0 * log_u1)
    angle = (2.0 * math.pi) * u2
    angles = angle.tolist()
    normals = np.empty(2 * pairs, dtype=np.float64)
    normals[0::2] = radius * np.fromiter(map(math.cos, angles), dtype=np.float64, count=pairs)
    normals[1::2] = radius * np.fromiter(map(math.sin, angles), dtype=np.float64, count=pairs)
    return normals[:count]


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
