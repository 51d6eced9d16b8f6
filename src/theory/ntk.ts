import { getActivation, type Activation, type ActivationId } from './activations.ts';

/** A network as the infinite-width NTK sees it (every hidden layer N wide, the readout 1 unit). */
export interface NtkSpec {
  readonly act: ActivationId;
  readonly sw2: number;
  readonly sb2: number;
  /** Hidden layers; the readout is layer L+1 (same σ_w², σ_b²). */
  readonly L: number;
  /** Hidden width (the std kernel scales with it). */
  readonly N: number;
  readonly param: 'std' | 'ntk';
}

/**
 * Infinite-width NTK of ONE output unit for D inputs given row-major [D, n0] exactly as fed to the
 * first layer. Returns D×D row-major Float64Array.
 * ntk param: Θ = Σ_{l=1}^{L+1} (σ_w² C^{l−1} + σ_b²) ⊙ P_l ;  std param: Σ_l (n_{l−1} C^{l−1} + 1) ⊙ P_l
 * with C⁰ = xᵀx'/n0, C^l = E[φ(u)φ(u')] under Σ^l, Σ^l = σ_w² C^{l−1} + σ_b²,
 * P_l = Π_{k=l}^{L} σ_w² Σ̇^k, Σ̇^k = E[φ'(u)φ'(u')] under Σ^k (P_{L+1} = 1); n_{l−1} = n0 for l=1, else N.
 * Inputs may have different norms: the bivariate expectations take (Σ_aa, Σ_bb, Σ_ab).
 *
 * Computed forward in one pass (Huang et al. Thm 2 / THEORY.md §4), with T_l the kernel of layer l's
 * output with respect to the parameters of layers 1…l:
 *   T_1 = w_1,  T_{l+1} = w_{l+1} + σ_w² Σ̇^l ⊙ T_l,  Θ = T_{L+1},
 * where w_l = σ_w² C^{l−1} + σ_b² (ntk) or n_{l−1} C^{l−1} + 1 (std) is layer l's own parameter
 * term. The diagonal uses the 1-D maps at Σ_aa (c = 1 exactly); the off-diagonal entries use the
 * activation's kernelMoments. Entries beyond the range of doubles (ReLU or linear far in the chaotic
 * phase at large depth) come out non-finite.
 */
export function analyticNtk(
  spec: NtkSpec,
  inputs: ArrayLike<number>,
  count: number,
  inputSize: number,
): Float64Array {
  checkSpec(spec, inputs, count, inputSize);
  const activation = getActivation(spec.act);
  const { sw2, sb2, L, N } = spec;
  const D = count;
  // C^{l−1}: the post-activation kernel entering layer l (C⁰ from the inputs).
  let kernel = inputKernel(inputs, D, inputSize);
  const layerTerm = (fanIn: number): Float64Array =>
    spec.param === 'ntk'
      ? kernel.map((value) => sw2 * value + sb2)
      : kernel.map((value) => fanIn * value + 1);
  const tangent = layerTerm(inputSize);
  const covariance = new Float64Array(D * D);
  for (let layer = 1; layer <= L; layer++) {
    for (let i = 0; i < D * D; i++) covariance[i] = sw2 * (kernel[i] as number) + sb2;
    const maps = kernelMaps(activation, covariance, D);
    kernel = maps.phiPhi;
    const own = layerTerm(N);
    for (let i = 0; i < D * D; i++)
      tangent[i] = (own[i] as number) + sw2 * (maps.dphiDphi[i] as number) * (tangent[i] as number);
  }
  return tangent;
}

/** C⁰ = x_a·x_b/n0, symmetric by construction. */
function inputKernel(inputs: ArrayLike<number>, D: number, n0: number): Float64Array {
  const kernel = new Float64Array(D * D);
  for (let a = 0; a < D; a++) {
    for (let b = a; b < D; b++) {
      let dot = 0;
      for (let k = 0; k < n0; k++) dot += (inputs[a * n0 + k] as number) * (inputs[b * n0 + k] as number);
      kernel[a * D + b] = dot / n0;
      kernel[b * D + a] = dot / n0;
    }
  }
  return kernel;
}

/** C = E φφ and Σ̇ = E φ′φ′ under the covariance Σ (D×D), entry by entry, kept exactly symmetric. */
function kernelMaps(
  activation: Activation,
  covariance: Float64Array,
  D: number,
): { phiPhi: Float64Array; dphiDphi: Float64Array } {
  const phiPhi = new Float64Array(D * D);
  const dphiDphi = new Float64Array(D * D);
  for (let a = 0; a < D; a++) {
    const qa = covariance[a * D + a] as number;
    const moments1d = activation.gaussianMoments(qa);
    const diagonal = { phiPhi: moments1d.phiSq, dphiDphi: moments1d.dphiSq };
    phiPhi[a * D + a] = diagonal.phiPhi;
    dphiDphi[a * D + a] = diagonal.dphiDphi;
    for (let b = a + 1; b < D; b++) {
      const qb = covariance[b * D + b] as number;
      const qab = covariance[a * D + b] as number;
      // Coinciding inputs stay coinciding: the 1-D maps, not a bivariate value ~1e-16 off them (hard
      // tanh's E φ′φ′ has infinite slope at c = 1, so such rounding would grow to ~1e-8 per layer).
      const moments = qa === qb && qab === qa ? diagonal : activation.kernelMoments(qa, qb, qab);
      phiPhi[a * D + b] = moments.phiPhi;
      phiPhi[b * D + a] = moments.phiPhi;
      dphiDphi[a * D + b] = moments.dphiDphi;
      dphiDphi[b * D + a] = moments.dphiDphi;
    }
  }
  return { phiPhi, dphiDphi };
}

function checkSpec(spec: NtkSpec, inputs: ArrayLike<number>, count: number, inputSize: number): void {
  const { sw2, sb2, L, N } = spec;
  if (!(Number.isFinite(sw2) && sw2 >= 0 && Number.isFinite(sb2) && sb2 >= 0))
    throw new RangeError(`analyticNtk: σ_w² and σ_b² must be finite and ≥ 0, got ${sw2}, ${sb2}`);
  if (!(Number.isInteger(L) && L >= 0))
    throw new RangeError(`analyticNtk: depth L must be an integer ≥ 0, got ${L}`);
  if (!(Number.isInteger(N) && N >= 1))
    throw new RangeError(`analyticNtk: width N must be an integer ≥ 1, got ${N}`);
  if (spec.param !== 'std' && spec.param !== 'ntk')
    throw new RangeError(`analyticNtk: unknown parameterization '${String(spec.param)}'`);
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(inputSize) && inputSize >= 1))
    throw new RangeError(`analyticNtk: need count ≥ 1 inputs of size ≥ 1, got ${count} × ${inputSize}`);
  if (inputs.length < count * inputSize)
    throw new RangeError(
      `analyticNtk: ${inputs.length} values cannot hold ${count} inputs of size ${inputSize}`,
    );
}
