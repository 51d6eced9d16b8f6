/**
 * Seeded random streams. Every draw in the engine comes from a stream keyed by what it is for
 * (seed, purpose, layer, shape, epoch …), so one draw never shifts another: adding a layer or a
 * seed leaves every existing weight and the data order unchanged ("same URL, same numbers").
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 128-bit state, period 2^128 − 1, passes
 * BigCrush; its state is filled from a 32-bit avalanche hash of the key, so nearby keys
 * (seed 1 vs 2, layer 3 vs 4) give unrelated streams.
 */

export type StreamKeyPart = number | string;

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** murmur3's finalizer: every input bit flips about half of the output bits. */
function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key as 32-bit words; numbers keep 53 bits (hi and lo word), strings their UTF-16 units. */
function keyWords(parts: readonly StreamKeyPart[]): number[] {
  const words: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') {
      if (!Number.isSafeInteger(part)) throw new RangeError(`stream key part ${part} is not a safe integer`);
      const negative = part < 0;
      const magnitude = Math.abs(part);
      words.push(0x6e756d00 | (negative ? 1 : 0), Math.floor(magnitude / TWO_POW_32) >>> 0, magnitude >>> 0);
    } else {
      words.push(0x73747200, part.length);
      for (let i = 0; i < part.length; i++) words.push(part.charCodeAt(i));
    }
  }
  return words;
}

/** Four hash lanes with different seeds give the generator's four state words. */
function hashKey(parts: readonly StreamKeyPart[]): [number, number, number, number] {
  const words = keyWords(parts);
  const lanes: [number, number, number, number] = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x7f4a7c15];
  for (let lane = 0; lane < 4; lane++) {
    let h = lanes[lane]!;
    for (const word of words) {
      h = Math.imul(h ^ avalanche(word + lane), 0x01000193) >>> 0;
      h = (h << 13) | (h >>> 19);
    }
    lanes[lane] = avalanche(h ^ words.length);
  }
  // xoshiro's state must not be all zero.
  if ((lanes[0] | lanes[1] | lanes[2] | lanes[3]) === 0) lanes[0] = 1;
  return lanes;
}

export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  constructor(...key: StreamKeyPart[]) {
    [this.s0, this.s1, this.s2, this.s3] = hashKey(key);
  }

  /** A uniformly random unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1) with 53 random bits (never 0, so log is safe). */
  nextUniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo + 0.5) / TWO_POW_53;
  }

  /** A uniform integer in [0, n) without modulo bias (rejection of the short last block). */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32 && Number.isInteger(n))) throw new RangeError(`nextInt(${n})`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A standard normal draw (Box–Muller; the pair's second value is kept for the next call). */
  nextNormal(): number {
    const spare = this.spareNormal;
    if (spare !== undefined) {
      this.spareNormal = undefined;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.nextUniform()));
    const angle = 2 * Math.PI * this.nextUniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  fillNormal<T extends Float64Array | Float32Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.nextNormal();
    return out;
  }

  /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    return perm;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
