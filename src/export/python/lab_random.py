"""The lab's seeded random streams (src/engine/random.ts), ported to Python for exported programs.

Every draw in the lab comes from a stream keyed by what it is for (seed, purpose, layer, shape,
epoch ...), so an exported program that asks for the same key gets the same numbers: the same
initial weights, the same data order. Generator: xoshiro128** with its state filled from a 32-bit
avalanche hash of the key, exactly as random.ts does it; uniforms and integers are bit for bit the
lab's, normals (Box-Muller through log, sin, cos) agree to the last bit or two of a float64, where
JavaScript's and C's maths libraries may round differently.
"""

import math

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


class RandomStream:
    """One keyed stream: RandomStream(seed, "weights", layer) draws what the lab draws for that key."""

    def __init__(self, *key):
        self._s = _hash_key(key)
        self._spare_normal = None

    def state(self):
        """The generator's four 32-bit state words now (lab_init steps many copies of it at once)."""
        return list(self._s)

    def next_uint32(self):
        s0, s1, s2, s3 = self._s
        result = (_rotl((s1 * 5) & _MASK, 7) * 9) & _MASK
        t = (s1 << 9) & _MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self._s = [s0, s1, s2, s3]
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
