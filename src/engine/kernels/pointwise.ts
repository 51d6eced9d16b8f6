import type { ActivationId } from '../../theory/index.ts';
import { erf } from '../../theory/specialFunctions.ts';

const TANH_CLAMP = 7.90531110763549805;
const ERF_SCALE = Math.sqrt(Math.PI) / 2;

/**
 * tanh as a rational function, max |error| below float32's half-ulp at 1 (≈ 6e-8) on the whole
 * line (beyond ±7.9 it is ±1, as float32 tanh nearly is); NaN stays NaN. Math.tanh and the WASM backend's tanhf are 4–5×
 * slower, and tanh is the lab's default activation: 10–15% of a training step went to it.
 */
export function fastTanh(x: number): number {
  if (x >= TANH_CLAMP) return 1;
  if (x <= -TANH_CLAMP) return -1;
  const v = x;
  const v2 = v * v;
  let p = -2.76076847742355e-16;
  p = p * v2 + 2.00018790482477e-13;
  p = p * v2 - 8.60467152213735e-11;
  p = p * v2 + 5.12229709037114e-8;
  p = p * v2 + 1.48572235717979e-5;
  p = p * v2 + 6.37261928875436e-4;
  p = p * v2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * v2 + 1.18534705686654e-4;
  q = q * v2 + 2.268434632439e-3;
  q = q * v2 + 4.89352518554385e-3;
  return (v * p) / q;
}

/** φ of every activation, the engine's float32 counterpart of src/theory/nonlinearities (a test holds them equal). */
export function activationFunction(id: ActivationId): (h: number) => number {
  switch (id) {
    case 'tanh':
      return fastTanh;
    case 'hardtanh':
      return (h) => (h > 1 ? 1 : h < -1 ? -1 : h);
    case 'relu':
      return (h) => (h > 0 ? h : h === h ? 0 : NaN);
    case 'linear':
      return (h) => h;
    case 'erf':
      return (h) => erf(ERF_SCALE * h);
  }
}

/**
 * φ′ from h and φ(h), with theory's convention at the kinks (slope 0 at h = 0 for ReLU and at
 * |h| = 1 for hard-tanh), as activationDerivative in ../activation.ts.
 */
export function activationSlope(id: ActivationId): (h: number, phi: number) => number {
  switch (id) {
    case 'tanh':
      return (_, phi) => 1 - phi * phi;
    case 'hardtanh':
      return (h) => (Math.abs(h) < 1 ? 1 : 0);
    case 'relu':
      return (h) => (h > 0 ? 1 : 0);
    case 'linear':
      return () => 1;
    case 'erf':
      return (h) => Math.exp(-ERF_SCALE * ERF_SCALE * h * h);
  }
}

/**
 * Forward of one layer in column layout after its matMul: h = gw·z + gb·b (b one value per row of
 * the [rows, columns] block) and a = φ(h), in one pass. tanh has its own loop so that the call to
 * fastTanh is inlined; the other activations share one.
 */
export function biasActivate(
  id: ActivationId,
  z: Float32Array,
  bias: Float32Array,
  weightGain: number,
  biasGain: number,
  columns: number,
  h: Float32Array,
  a: Float32Array,
): void {
  const rows = bias.length;
  const phi = activationFunction(id);
  for (let row = 0; row < rows; row++) {
    const offset = biasGain * bias[row]!;
    const end = (row + 1) * columns;
    if (id === 'tanh') {
      for (let i = row * columns; i < end; i++) {
        const value = weightGain * z[i]! + offset;
        h[i] = value;
        a[i] = fastTanh(value);
      }
    } else {
      for (let i = row * columns; i < end; i++) {
        const value = weightGain * z[i]! + offset;
        h[i] = value;
        a[i] = phi(value);
      }
    }
  }
}

/** Backward through φ: δ = gw·back ⊙ φ′(h), given h and a = φ(h), in one pass. */
export function backActivate(
  id: ActivationId,
  back: Float32Array,
  h: Float32Array,
  a: Float32Array,
  weightGain: number,
  delta: Float32Array,
): void {
  if (id === 'tanh') {
    for (let i = 0; i < back.length; i++) delta[i] = weightGain * back[i]! * (1 - a[i]! * a[i]!);
    return;
  }
  const slope = activationSlope(id);
  for (let i = 0; i < back.length; i++) delta[i] = weightGain * back[i]! * slope(h[i]!, a[i]!);
}
