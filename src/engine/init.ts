import type { LabConfig } from '../config/schema.ts';
import type { LayerKey, UnitDrawCache } from './drawCache.ts';
import { runToEnd } from './haar.ts';

export type InitKind = 'gaussian' | 'orthogonal';
export type Parameterization = LabConfig['param'];

/** How one layer's stored parameters turn into h = weightGain·(x·W) + biasGain·b. */
export interface LayerScaling {
  /** Multiplies the unit draw (G or Q) to give the stored weight variable. */
  readonly weightStored: number;
  /** Multiplies x·W in the forward pass (1 in the standard parameterization). */
  readonly weightGain: number;
  readonly biasStored: number;
  readonly biasGain: number;
}

/**
 * Scales of one layer (THEORY §1).
 * - Gaussian, standard: W = (σ_w/√n_in)·G, so W_ij ~ N(0, σ_w²/n_in).
 * - Orthogonal, standard: W = s·Q with s² = σ_w²·max(1, n_out/n_in): WᵀW = σ_w² I when square, and
 *   a rectangular layer gives every unit the pre-activation variance of the Gaussian layer.
 * - NTK: the variable holds ω (G, or √max(n_in, n_out)·Q so that ωᵀω = n_in I when square) and the
 *   forward pass multiplies by σ_w/√n_in; biases are σ_b·β with β ~ N(0, 1) stored.
 * Both parameterizations compute the same function at initialization.
 */
export function layerScaling(
  init: InitKind,
  param: Parameterization,
  sw2: number,
  sb2: number,
  fanIn: number,
  fanOut: number,
): LayerScaling {
  const sigmaW = Math.sqrt(sw2);
  const sigmaB = Math.sqrt(sb2);
  const orthogonalUnit = Math.sqrt(Math.max(fanIn, fanOut));
  if (param === 'ntk') {
    return {
      weightStored: init === 'gaussian' ? 1 : orthogonalUnit,
      weightGain: sigmaW / Math.sqrt(fanIn),
      biasStored: 1,
      biasGain: sigmaB,
    };
  }
  return {
    weightStored: (sigmaW / Math.sqrt(fanIn)) * (init === 'gaussian' ? 1 : orthogonalUnit),
    weightGain: 1,
    biasStored: sigmaB,
    biasGain: 1,
  };
}

/** One weight matrix of a layered network: its draw key and shape. */
export interface LayerShape {
  readonly key: LayerKey;
  readonly fanIn: number;
  readonly fanOut: number;
}

/** The layers of an MLP n0 → N → … → N → n_out: L hidden layers keyed 0 … L−1, then the readout. */
export function mlpLayerShapes(
  config: Pick<LabConfig, 'L' | 'N'>,
  inputSize: number,
  outputSize: number,
): LayerShape[] {
  return [
    ...Array.from({ length: config.L }, (_, l) => ({
      key: l,
      fanIn: l === 0 ? inputSize : config.N,
      fanOut: config.N,
    })),
    { key: 'readout', fanIn: config.N, fanOut: outputSize },
  ];
}

export interface InitialLayer {
  /** Row-major [fanIn, fanOut]. */
  readonly weights: Float32Array;
  readonly biases: Float32Array;
  readonly scaling: LayerScaling;
}

/** One run's initial parameters for one layer, from the shared unit draws. */
export function initialLayer(
  cache: UnitDrawCache,
  init: InitKind,
  config: Pick<LabConfig, 'param' | 'sw2' | 'sb2'>,
  seed: number,
  layer: LayerKey,
  fanIn: number,
  fanOut: number,
): InitialLayer {
  return runToEnd(initialLayerSteps(cache, init, config, seed, layer, fanIn, fanOut));
}

/**
 * initialLayer in steps: an orthogonal factor not drawn before yields every eight columns of its
 * factorization (seconds at N = 2048), so that a build can answer other work in between.
 */
export function* initialLayerSteps(
  cache: UnitDrawCache,
  init: InitKind,
  config: Pick<LabConfig, 'param' | 'sw2' | 'sb2'>,
  seed: number,
  layer: LayerKey,
  fanIn: number,
  fanOut: number,
): Generator<void, InitialLayer, void> {
  const scaling = layerScaling(init, config.param, config.sw2, config.sb2, fanIn, fanOut);
  const unit =
    init === 'gaussian'
      ? cache.gaussian(seed, layer, fanIn, fanOut)
      : yield* cache.orthogonalSteps(seed, layer, fanIn, fanOut);
  return {
    weights: scaled(unit, scaling.weightStored),
    biases: scaled(cache.bias(seed, layer, fanOut), scaling.biasStored),
    scaling,
  };
}

function scaled(unit: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(unit.length);
  for (let i = 0; i < unit.length; i++) out[i] = unit[i]! * factor;
  return out;
}
