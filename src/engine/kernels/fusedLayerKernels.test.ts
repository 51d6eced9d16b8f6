import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectNodeBackend } from '../../cli/nodeBackend.ts';
import { ACTIVATION_IDS, getActivation } from '../../theory/index.ts';
import { activationDerivative, applyActivation } from '../activation.ts';
import { RandomStream } from '../random.ts';
import { useCpuBackend } from '../testBackend.ts';
import {
  fusedBackActivate,
  fusedBiasActivate,
  fusedLayerKernelsAvailable,
  registerFusedLayerKernels,
} from './fusedLayerKernels.ts';
import { activationFunction, activationSlope, fastTanh } from './pointwise.ts';

describe('pointwise activations', () => {
  const grid = Array.from({ length: 2001 }, (_, i) => -10 + i * 0.01 + 0.00123);

  // float32 spacing just below 1 is 6e-8: a few of those is what float32 tanh can promise.
  it('fastTanh is tanh to float32 accuracy everywhere, and keeps NaN and ±∞', () => {
    let worst = 0;
    for (const x of [...grid, 1e-9, -3e-5, 20, -40])
      worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
    expect(worst).toBeLessThan(3e-7);
    expect(fastTanh(NaN)).toBeNaN();
    expect(fastTanh(Infinity)).toBeCloseTo(1, 7);
    expect(fastTanh(-Infinity)).toBeCloseTo(-1, 7);
  });

  it('φ and φ′ equal the theory activations on a grid', () => {
    for (const id of ACTIVATION_IDS) {
      const theory = getActivation(id);
      const phi = activationFunction(id);
      const slope = activationSlope(id);
      for (const x of grid) {
        expect(Math.abs(phi(x) - theory.phi(x)), `${id} φ(${x})`).toBeLessThan(3e-7);
        // 1 − φ² inherits φ's error twice over.
        expect(Math.abs(slope(x, phi(x)) - theory.dphi(x)), `${id} φ′(${x})`).toBeLessThan(6e-7);
      }
    }
  });
});

/** The fused kernels against the same arithmetic in stock tfjs ops, on the active backend. */
async function compareWithStockOps() {
  const rows = 37;
  const columns = 23;
  const stream = new RandomStream(9, 'kernel test');
  const z = tf.tensor2d(
    stream.fillNormal(new Float32Array(rows * columns)).map((v) => 2 * v),
    [rows, columns],
  );
  const bias = tf.tensor2d(stream.fillNormal(new Float32Array(rows)), [rows, 1]);
  const back = tf.tensor2d(stream.fillNormal(new Float32Array(rows * columns)), [rows, columns]);
  for (const id of ACTIVATION_IDS) {
    const [gw, gb] = id === 'relu' ? [1, 1] : [0.7, 0.3];
    const fused = tf.tidy(() => {
      const { h, a } = fusedBiasActivate(z, bias, id, gw, gb);
      return [h, a, fusedBackActivate(back, h, a, id, gw)];
    });
    const stock = tf.tidy(() => {
      const h = tf.add(tf.mul(z, gw), tf.mul(bias, gb));
      const a = applyActivation(id, h);
      const slope = activationDerivative(id, h, a);
      const scaled = tf.mul(back, gw);
      return [h, a, slope ? tf.mul(scaled, slope) : scaled];
    });
    for (let k = 0; k < 3; k++) {
      const [got, want] = await Promise.all([fused[k]!.data(), stock[k]!.data()]);
      let worst = 0;
      want.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i]! - w) / Math.max(1, Math.abs(w)))));
      expect(worst, `${id}, output ${k}`).toBeLessThan(2e-6);
    }
    tf.dispose([...fused, ...stock]);
  }
  tf.dispose([z, bias, back]);
}

describe('fused layer kernels', () => {
  beforeAll(registerFusedLayerKernels);
  afterAll(useCpuBackend);

  it('on the cpu backend equal the stock tfjs ops they replace', async () => {
    await useCpuBackend();
    expect(fusedLayerKernelsAvailable()).toBe(true);
    await compareWithStockOps();
  });

  it('on the wasm backend (writing the WebAssembly heap) equal the stock tfjs ops', async () => {
    await selectNodeBackend('wasm');
    expect(fusedLayerKernelsAvailable()).toBe(true);
    const before = tf.memory().numTensors;
    await compareWithStockOps();
    expect(tf.memory().numTensors).toBe(before);
  });
});
