import { haarFactorSteps, runToEnd } from './haar.ts';
import { RandomStream } from './random.ts';

/**
 * Which weight matrix of a network a draw belongs to. Hidden-producing layers are numbered from 0
 * (the input layer); the readout has its own key so that a depth change redraws only new layers.
 */
export type LayerKey = number | 'readout';

/**
 * Unit-scale draws cached by (seed, layer, shape): "draw once, rescale often". σ_w², σ_b² and the
 * parameterization only multiply these, so moving those sliders costs no new draw, and the
 * orthogonal twin's Q is the Haar factor of the very G that the Gaussian twin uses.
 *
 * All matrices are returned row-major [fanIn, fanOut] (h = x·W). Internally G is the "tall"
 * m×n matrix (m = max, n = min of the two sizes) in column-major order; W = G when fanIn ≥ fanOut
 * (orthonormal columns after QR) and W = Gᵀ otherwise (orthonormal rows).
 */
export class UnitDrawCache {
  private readonly entries = new Map<string, Float32Array>();
  private bytes = 0;

  /** Least recently used entries are dropped beyond `maxBytes` (they can always be redrawn). */
  constructor(private readonly maxBytes = 512 * 1024 * 1024) {}

  /** G with iid N(0, 1) entries. */
  gaussian(seed: number, layer: LayerKey, fanIn: number, fanOut: number): Float32Array {
    return this.cached(`G|${seed}|${layer}|${fanIn}x${fanOut}`, () =>
      tallToWeightLayout(drawTall(seed, layer, fanIn, fanOut), fanIn, fanOut),
    );
  }

  /** The Haar orthogonal factor of `gaussian(seed, layer, fanIn, fanOut)`: QᵀQ = I or QQᵀ = I. */
  orthogonal(seed: number, layer: LayerKey, fanIn: number, fanOut: number): Float32Array {
    return runToEnd(this.orthogonalSteps(seed, layer, fanIn, fanOut));
  }

  /**
   * The same in steps (yielding every eight columns of the factorization, see haarFactorSteps):
   * an N = 2048 factor takes seconds, and the caller can answer other work between steps.
   */
  *orthogonalSteps(
    seed: number,
    layer: LayerKey,
    fanIn: number,
    fanOut: number,
  ): Generator<void, Float32Array, void> {
    const key = `Q|${seed}|${layer}|${fanIn}x${fanOut}`;
    const hit = this.lookUp(key);
    if (hit) return hit;
    const m = Math.max(fanIn, fanOut);
    const n = Math.min(fanIn, fanOut);
    // Redrawn in Float64 (the stream is deterministic) so that Q is accurate to 1e-15 before
    // it is rounded once to Float32.
    const q = yield* haarFactorSteps(drawTall(seed, layer, fanIn, fanOut), m, n);
    return this.cached(key, () => tallToWeightLayout(q, fanIn, fanOut));
  }

  /** β with iid N(0, 1) entries, shared by both twins. */
  bias(seed: number, layer: LayerKey, fanOut: number): Float32Array {
    return this.cached(`b|${seed}|${layer}|${fanOut}`, () =>
      new RandomStream(seed, 'bias', layer, fanOut).fillNormal(new Float32Array(fanOut)),
    );
  }

  has(kind: 'G' | 'Q', seed: number, layer: LayerKey, fanIn: number, fanOut: number): boolean {
    return this.entries.has(`${kind}|${seed}|${layer}|${fanIn}x${fanOut}`);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** The entry under `key`, marked as most recently used; undefined when absent. */
  private lookUp(key: string): Float32Array | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  private cached(key: string, make: () => Float32Array): Float32Array {
    const hit = this.lookUp(key);
    if (hit) return hit;
    const value = make();
    this.entries.set(key, value);
    this.bytes += value.byteLength;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes || oldKey === key) break;
      this.entries.delete(oldKey);
      this.bytes -= old.byteLength;
    }
    return value;
  }
}

function drawTall(seed: number, layer: LayerKey, fanIn: number, fanOut: number): Float64Array {
  return new RandomStream(seed, 'weight', layer, fanIn, fanOut).fillNormal(new Float64Array(fanIn * fanOut));
}

/** Column-major tall m×n → row-major [fanIn, fanOut]. */
function tallToWeightLayout(tall: Float64Array, fanIn: number, fanOut: number): Float32Array {
  const out = new Float32Array(fanIn * fanOut);
  if (fanIn < fanOut) {
    // W = Tᵀ with T column-major fanOut×fanIn: W[i][j] = T[j + i·fanOut], the same index.
    out.set(tall);
    return out;
  }
  for (let i = 0; i < fanIn; i++) {
    for (let j = 0; j < fanOut; j++) out[i * fanOut + j] = tall[i + j * fanIn]!;
  }
  return out;
}

/** The cache that experiments share unless the caller passes its own. */
export const sharedDrawCache = new UnitDrawCache();
