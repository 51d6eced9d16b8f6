"""The lab's seeded random streams (src/engine/random.ts), ported to Python for exported programs.

Every draw in the lab comes from a stream keyed by what it is for (seed, purpose, layer, shape,
epoch ...), so an exported program that asks for the same key gets the same numbers: the same
initial weights, the same data order. Generator: xoshiro128** with its state filled from a 32-bit
avalanche hash of the key, exactly as random.ts does it; uniforms and integers are bit for bit the
lab's, normals (Box-Muller through log, sin, cos) agree to the last bit or two of a float64, where
JavaScript's and C's maths libraries may round differently.
"""

import math

import numpy as np

_MASK = 0xFFFFFFFF
_TWO_POW_32 = 4294967296
_TWO_POW_53 = 9007199254740992


def _avalanche(h):
    # murmur3's finalizer: every input bit flips about half of the output bits.
    h &= _MASK
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h


def _key_words(parts):
    # Numbers keep 53 bits (hi and lo word), strings their UTF-16 code units, as in random.ts.
    words = []
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, (int, str)):
            raise TypeError("stream key part %r is not an integer or a string" % (part,))
        if isinstance(part, int):
            if abs(part) > _TWO_POW_53 - 1:
                raise ValueError("stream key part %d is not a safe integer" % part)
            magnitude = abs(part)
            words += [0x6E756D00 | (1 if part < 0 else 0), (magnitude // _TWO_POW_32) & _MASK, magnitude & _MASK]
        else:
            units = part.encode("utf-16-le")
            code_units = [units[i] | (units[i + 1] << 8) for i in range(0, len(units), 2)]
            words += [0x73747200, len(code_units)] + code_units
    return words


def _hash_key(parts):
    words = _key_words(parts)
    lanes = [0x9E3779B9, 0x243F6A88, 0xB7E15162, 0x7F4A7C15]
    for lane in range(4):
        h = lanes[lane]
        for word in words:
            # JavaScript adds word + lane as doubles and the hash reads the sum's low 32 bits.
            h = ((h ^ _avalanche(word + lane)) * 0x01000193) & _MASK
            h = ((h << 13) | (h >> 19)) & _MASK
        lanes[lane] = _avalanche(h ^ len(words))
    if lanes[0] | lanes[1] | lanes[2] | lanes[3] == 0:
        lanes[0] = 1  # xoshiro's state must not be all zero
    return lanes


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & _MASK


def xoshiro_next(s0, s1, s2, s3):
    """One step of xoshiro128**: (its output word, the next state), for Python ints or for numpy
    uint32 arrays of many generators alike (numpy's uint32 arithmetic wraps as the masks do)."""
    result = (_rotl((s1 * 5) & _MASK, 7) * 9) & _MASK
    t = (s1 << 9) & _MASK
    s2 = s2 ^ s0
    s3 = s3 ^ s1
    s1 = s1 ^ s2
    s0 = s0 ^ s3
    s2 = s2 ^ t
    return result, (s0, s1, s2, _rotl(s3, 11))


class RandomStream:
    """One keyed stream: RandomStream(seed, "weights", layer) draws what the lab draws for that key."""

    def __init__(self, *key):
        self._s = _hash_key(key)
        self._spare_normal = None

    def state(self):
        """The generator's four 32-bit state words now (stream_normals steps many copies of it)."""
        return list(self._s)

    def next_uint32(self):
        result, state = xoshiro_next(*self._s)
        self._s = list(state)
        return result

    def next_uniform(self):
        """Uniform on (0, 1) with 53 random bits: never 0, so its log is finite."""
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo + 0.5) / _TWO_POW_53

    def next_int(self, n):
        """A uniform integer in [0, n) without modulo bias."""
        if not (isinstance(n, int) and 1 <= n <= _TWO_POW_32):
            raise ValueError("next_int(%r)" % (n,))
        limit = _TWO_POW_32 - (_TWO_POW_32 % n)
        while True:
            x = self.next_uint32()
            if x < limit:
                return x % n

    def next_normal(self):
        """A standard normal (Box-Muller; the pair's second value is kept for the next call)."""
        if self._spare_normal is not None:
            spare, self._spare_normal = self._spare_normal, None
            return spare
        radius = math.sqrt(-2.0 * math.log(self.next_uniform()))
        angle = 2.0 * math.pi * self.next_uniform()
        self._spare_normal = radius * math.sin(angle)
        return radius * math.cos(angle)

    def normals(self, count):
        return [self.next_normal() for _ in range(count)]

    def permutation(self, n):
        """A uniformly random permutation of 0 ... n-1 (Fisher-Yates, as the lab shuffles data)."""
        perm = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_int(i + 1)
            perm[i], perm[j] = perm[j], perm[i]
        return perm


# ---------------------------------------------------------------------------------------------
# Many normals at numpy speed. A paper-size layer (N = 1600: 2.56 million normals) is too slow for
# the scalar generator in Python. xoshiro128** is linear over GF(2): one step multiplies the 128-bit
# state by a fixed 128 x 128 bit matrix A, so copy k of the generator can start where the scalar
# stream would be after k*S steps (state A^(kS) s, by matrix powers), and all copies step at once.
# Each normal pair takes exactly four 32-bit words (Box-Muller, no rejection), so the copies' words
# laid end to end are the scalar stream's, and the normals are bit for bit RandomStream's (log, sin
# and cos are the same C library calls).

# Below this many 32-bit words the scalar stream is as quick as setting up the copies.
_RANDOM_SCALAR_WORDS = 4096
# Steps per copy at most: more copies make each numpy operation longer, fewer steps mean fewer calls.
_RANDOM_MAX_STEPS = 1024


def _random_step_matrix():
    """A with bits(state after one step) = A @ bits(state) mod 2; bit 32*w + k is bit k of word w."""
    matrix = np.zeros((128, 128), dtype=np.float64)
    for bit in range(128):
        state = [0, 0, 0, 0]
        state[bit // 32] = 1 << (bit % 32)
        _, stepped = xoshiro_next(*state)
        for word, value in enumerate(stepped):
            for k in range(32):
                matrix[32 * word + k, bit] = (value >> k) & 1
    return matrix


_RANDOM_STEP_MATRIX = _random_step_matrix()


def _random_matrix_power(exponent):
    """A^exponent over GF(2) by repeated squaring (entries 0/1; float sums of 128 terms are exact)."""
    result = np.eye(128)
    square = _RANDOM_STEP_MATRIX
    while exponent:
        if exponent & 1:
            result = (result @ square) % 2
        square = (square @ square) % 2
        exponent >>= 1
    return result


def _random_jump(matrix, states):
    """Applies a GF(2) transition matrix to every state of an array [copies, 4] of uint32 words:
    the XOR of the matrix columns at the state's set bits."""
    columns = matrix.T.astype(np.uint32).reshape(128, 4, 32) << np.arange(32, dtype=np.uint32)
    columns = np.bitwise_or.reduce(columns, axis=2)
    jumped = np.zeros_like(states)
    for bit in range(128):
        is_set = (states[:, bit // 32] >> np.uint32(bit % 32)) & np.uint32(1)
        jumped ^= (np.uint32(0) - is_set)[:, None] & columns[bit]
    return jumped


def _random_copy_states(state, copies, steps):
    """Start states of `copies` generators, copy k being `state` advanced by k*steps steps."""
    states = np.array([state], dtype=np.uint32)
    jump = _random_matrix_power(steps)
    while len(states) < copies:
        # Copies 0 ... c-1 jumped by c*steps give copies c ... 2c-1.
        states = np.concatenate([states, _random_jump(jump, states)])
        jump = (jump @ jump) % 2
    return states[:copies]


def _random_words(state, steps, copies):
    """next_uint32 of every copy, `steps` times: an array [copies, steps] of uint32."""
    states = _random_copy_states(state, copies, steps)
    state = tuple(np.ascontiguousarray(states[:, w]) for w in range(4))
    out = np.empty((steps, copies), dtype=np.uint32)
    for step in range(steps):
        out[step], state = xoshiro_next(*state)
    return out.T


def _random_uniforms(hi_words, lo_words):
    """RandomStream.next_uniform of arrays of its two words: (hi * 2^26 + lo + 0.5) / 2^53, rounded the
    same way."""
    hi = (hi_words >> np.uint32(5)).astype(np.float64)
    lo = (lo_words >> np.uint32(6)).astype(np.float64)
    return (hi * 67108864.0 + lo + 0.5) / _TWO_POW_53


def stream_normals(key, count):
    """RandomStream(*key).normals(count) as a float64 array, bit for bit, at numpy speed.

    numpy's own log, sin and cos may use SIMD code that rounds differently from the C library's,
    so those three go through Python's math module, as lab_random's scalar stream does.
    """
    count = int(count)
    pairs = (count + 1) // 2
    words_needed = 4 * pairs
    if words_needed <= _RANDOM_SCALAR_WORDS:
        return np.array(RandomStream(*key).normals(count), dtype=np.float64)
    # About sqrt(words) steps per copy, a multiple of 4 so that no normal pair straddles two copies.
    steps = min(_RANDOM_MAX_STEPS, 4 * max(16, int(math.sqrt(words_needed)) // 8))
    copies = -(-words_needed // steps)
    words = _random_words(RandomStream(*key).state(), steps, copies).reshape(-1)[:words_needed]
    words = words.reshape(pairs, 4)
    u1 = _random_uniforms(words[:, 0], words[:, 1])
    u2 = _random_uniforms(words[:, 2], words[:, 3])
    log_u1 = np.fromiter(map(math.log, u1.tolist()), dtype=np.float64, count=pairs)
    radius = np.sqrt(-2.0 * log_u1)
    angle = (2.0 * math.pi) * u2
    angles = angle.tolist()
    normals = np.empty(2 * pairs, dtype=np.float64)
    normals[0::2] = radius * np.fromiter(map(math.cos, angles), dtype=np.float64, count=pairs)
    normals[1::2] = radius * np.fromiter(map(math.sin, angles), dtype=np.float64, count=pairs)
    return normals[:count]


if __name__ == "__main__":
    # Draws for the keys given as JSON on stdin: what the lab's test compares with RandomStream.
    import json
    import sys

    requests = json.load(sys.stdin)
    answers = []
    for request in requests:
        stream = RandomStream(*request["key"])
        answers.append(
            {
                "uint32": [stream.next_uint32() for _ in range(request["uint32"])],
                "uniform": [stream.next_uniform() for _ in range(request["uniform"])],
                "normal": stream.normals(request["normal"]),
                "permutation": stream.permutation(request["permutation"]),
            }
        )
    json.dump(answers, sys.stdout)
