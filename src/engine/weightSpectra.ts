import type { InitKind } from './init.ts';
import type { StackedModel } from './model.ts';
import type { RunInfo } from './runs.ts';
import { gainSquared, type OrthogonalitySettings } from './orthogonalityRule.ts';
import { singularValues } from './svd.ts';

/** Singular values of one weight matrix W^l, summarized (Hlav Figs. 6–7). */
export interface LayerWeightSpectrum {
  /** Hidden layer, 1-based as in h^l = W^l x^{l−1} + b^l. */
  readonly layer: number;
  readonly fanIn: number;
  readonly fanOut: number;
  /** Over the min(fanIn, fanOut) singular values of the weight as it acts (gain included). */
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /**
   * ‖G/g² − I‖_F/√k, G the k × k Gram matrix of the smaller side (WᵀW for a square layer) and
   * g² = σ_w²·max(1, fanOut/fanIn) the squared singular value of the orthogonal init (σ_w² when
   * square): 0 for a scaled orthogonal matrix, ≈ 1 for a square Gaussian one (THEORY §6).
   */
  readonly orthogonalityDeviation: number;
  /**
   * max_j |‖w_j‖/σ_w − 1| over the units j, w_j a unit's incoming weights as they act: what the
   * Oblique constraint holds at 0 (orth=oblique).
   */
  readonly unitNormDeviation: number;
  /**
   * The layer's term of the training penalty, λ‖G/c − I‖²_F = λ Σ_i (σ_i²/c − 1)² with c = 1
   * (orth=soft) or g² (orth=gain); 0 under the other options, which add none to the loss.
   */
  readonly penalty: number;
}

export interface WeightSpectra {
  readonly runId: number;
  readonly init: InitKind;
  readonly seed: number;
  readonly layers: LayerWeightSpectrum[];
}

export interface WeightSpectraOptions {
  /** Hidden layers to measure, 1-based (default all L). Each costs O(N³) in Float64 on the host. */
  readonly layers?: readonly number[];
}

/** One device read per layer; the SVDs run on the host in Float64. */
export async function weightSpectra(
  model: StackedModel,
  runs: readonly RunInfo[],
  sw2: number,
  options: WeightSpectraOptions = {},
  /** The training option whose penalty each layer reports (default: none). */
  orthogonality: Pick<OrthogonalitySettings, 'orth' | 'olam'> = { orth: 'none', olam: 0 },
): Promise<WeightSpectra[]> {
  const hidden = model.layers.length - 1;
  const layers = options.layers ?? Array.from({ length: hidden }, (_, l) => l + 1);
  for (const layer of layers) {
    if (!Number.isInteger(layer) || layer < 1 || layer > hidden)
      throw new RangeError(`hidden layer ${layer} is not in 1 … ${hidden}`);
  }
  const results: WeightSpectra[] = runs.map((run) => ({ ...run, layers: [] }));
  for (const number of layers) {
    const layer = model.layers[number - 1]!;
    const { fanIn, fanOut } = layer;
    const values = (await layer.weights.data()) as Float32Array;
    const gain = layer.scaling.weightGain;
    const size = fanIn * fanOut;
    const gSquared = gainSquared(sw2, fanIn, fanOut);
    const { orth, olam } = orthogonality;
    const penaltyScale = orth === 'soft' ? 1 : orth === 'gain' ? gSquared : null;
    for (const run of runs) {
      const slice = values.subarray(run.runId * size, (run.runId + 1) * size);
      const sigma = singularValues(slice, fanIn, fanOut);
      for (let i = 0; i < sigma.length; i++) sigma[i] = sigma[i]! * Math.abs(gain);
      let penalty = 0;
      if (penaltyScale !== null) for (const s of sigma) penalty += olam * ((s * s) / penaltyScale - 1) ** 2;
      results[run.runId]!.layers.push({
        layer: number,
        fanIn,
        fanOut,
        ...summarize(sigma, gSquared),
        unitNormDeviation: unitNormDeviation(slice, fanIn, fanOut, Math.abs(gain) / Math.sqrt(sw2)),
        penalty,
      });
    }
  }
  return results;
}

/** max_j |scale·‖column j‖ − 1| of the row-major fanIn × fanOut matrix (columns: units). */
function unitNormDeviation(w: ArrayLike<number>, fanIn: number, fanOut: number, scale: number): number {
  const squares = new Float64Array(fanOut);
  for (let i = 0; i < fanIn; i++)
    for (let j = 0; j < fanOut; j++) squares[j] = squares[j]! + w[i * fanOut + j]! ** 2;
  let worst = 0;
  for (const square of squares) worst = Math.max(worst, Math.abs(scale * Math.sqrt(square) - 1));
  return worst;
}

function summarize(sigma: Float64Array, gSquared: number) {
  const k = sigma.length;
  let sum = 0;
  let deviation = 0;
  for (const s of sigma) {
    sum += s;
    deviation += ((s * s) / gSquared - 1) ** 2;
  }
  const mean = sum / k;
  let squares = 0;
  for (const s of sigma) squares += (s - mean) ** 2;
  return {
    mean,
    std: Math.sqrt(squares / k),
    min: sigma[k - 1]!,
    max: sigma[0]!,
    orthogonalityDeviation: Math.sqrt(deviation / k),
  };
}

/** The singular values of several layers pooled into one summary, as Hlav's Figs. 6–7 plot them. */
export interface WeightSummary {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Mean over the layers of ‖G/g² − I‖_F/√k. */
  readonly orthogonalityDeviation: number;
}

/** Pools layer summaries of equal size: the pooled std adds the spread of the layer means. */
export function summarizeLayers(layers: readonly LayerWeightSpectrum[]): WeightSummary {
  const count = layers.length;
  const mean = layers.reduce((sum, l) => sum + l.mean, 0) / count;
  const variance = layers.reduce((sum, l) => sum + l.std ** 2 + (l.mean - mean) ** 2, 0) / count;
  return {
    mean,
    std: Math.sqrt(variance),
    min: Math.min(...layers.map((l) => l.min)),
    max: Math.max(...layers.map((l) => l.max)),
    orthogonalityDeviation: layers.reduce((sum, l) => sum + l.orthogonalityDeviation, 0) / count,
  };
}

/** Up to `count` hidden layers, evenly spread over the square ones (2 … L; layer 1 if L = 1). */
export function sampledLayers(depth: number, count: number): number[] {
  if (depth < 2) return [1];
  const squares = depth - 1;
  if (squares <= count) return Array.from({ length: squares }, (_, i) => i + 2);
  return Array.from({ length: count }, (_, i) => 2 + Math.round((i * (squares - 1)) / (count - 1)));
}
