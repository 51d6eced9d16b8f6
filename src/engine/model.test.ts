import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_IDS, getActivation, qMap } from '../theory/index.ts';
import { activationDerivative, applyActivation } from './activation.ts';
import { UnitDrawCache } from './drawCache.ts';
import { initialLayer, type InitKind } from './init.ts';
import { lossGradient, perRunLoss } from './loss.ts';
import { StackedModel, type LayerInit } from './model.ts';
import { RandomStream } from './random.ts';
import { useCpuBackend } from './testBackend.ts';

beforeAll(useCpuBackend);

function buildModel(
  act: Parameters<typeof getActivation>[0],
  inits: InitKind[],
  sizes: number[],
  sw2: number,
  sb2: number,
  param: 'std' | 'ntk' = 'std',
): StackedModel {
  const cache = new UnitDrawCache();
  const layers: LayerInit[] = sizes.slice(1).map((fanOut, l) => {
    const fanIn = sizes[l]!;
    const perRun = inits.map((init, r) =>
      initialLayer(cache, init, { param, sw2, sb2 }, 200 + r, l, fanIn, fanOut),
    );
    return {
      fanIn,
      fanOut,
      scaling: perRun[0]!.scaling,
      weights: perRun.map((p) => p.weights),
      biases: perRun.map((p) => p.biases),
    };
  });
  return new StackedModel(inits.length, act, layers);
}

/** B inputs with ‖x‖²/n = q0 exactly. */
function inputs(batch: number, n: number, q0: number): tf.Tensor2D {
  const x = new RandomStream(4, 'inputs').fillNormal(new Float32Array(batch * n));
  for (let b = 0; b < batch; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[b * n + i]! ** 2;
    const f = Math.sqrt((q0 * n) / s);
    for (let i = 0; i < n; i++) x[b * n + i] = x[b * n + i]! * f;
  }
  return tf.tensor2d(x, [batch, n]);
}

describe('activations', () => {
  it('engine φ and φ′ equal theory φ and φ′ on a grid', async () => {
    const grid = Array.from({ length: 161 }, (_, i) => -4 + i * 0.05 + 0.0123);
    for (const id of ACTIVATION_IDS) {
      const theory = getActivation(id);
      const h = tf.tensor1d(grid);
      const phi = applyActivation(id, h);
      const dphi = activationDerivative(id, h, phi);
      const phiValues = await phi.data();
      const dphiValues = dphi ? await dphi.data() : null;
      grid.forEach((x, i) => {
        expect(phiValues[i]!, `${id} φ(${x})`).toBeCloseTo(theory.phi(x), 5);
        expect(dphiValues ? dphiValues[i]! : 1, `${id} φ′(${x})`).toBeCloseTo(theory.dphi(x), 5);
      });
      tf.dispose([h, phi, ...(dphi ? [dphi] : [])]);
    }
  });
});

describe('StackedModel', () => {
  it('propagates the pre-activation variance along the theory q-map (tanh, N = 512)', async () => {
    const sw2 = 1.5;
    const sb2 = 0.1;
    const n = 512;
    const depth = 5;
    // Four independent networks per init: a single finite-width network fluctuates by a few
    // percent around the mean-field value (≈ √(2/N) per layer, compounding); their mean follows it
    // closely. A wrong gain or fan-in would be off by tens of percent.
    const inits: InitKind[] = [
      'gaussian',
      'gaussian',
      'gaussian',
      'gaussian',
      'orthogonal',
      'orthogonal',
      'orthogonal',
      'orthogonal',
    ];
    const model = buildModel('tanh', inits, [n, ...Array<number>(depth).fill(n), 10], sw2, sb2);
    const q0 = 3;
    const measured = tf.tidy(() =>
      tf.stack(
        model.forward(inputs(64, n, q0)).preActivations.map((h) => tf.mean(tf.square(h), [1, 2])),
        1,
      ),
    );
    const values = await measured.data();
    measured.dispose();
    let q = sw2 * q0 + sb2;
    for (let l = 0; l < depth; l++) {
      for (const init of ['gaussian', 'orthogonal']) {
        const runs = inits.flatMap((kind, r) => (kind === init ? [values[r * depth + l]!] : []));
        const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
        expect(Math.abs(mean / q - 1), `${init} layer ${l + 1}`).toBeLessThan(0.04);
        for (const value of runs)
          expect(Math.abs(value / q - 1), `${init} layer ${l + 1}, one run`).toBeLessThan(0.08);
      }
      q = qMap('tanh', sw2, sb2, q);
    }
    model.dispose();
  });

  it('computes the same function in the standard and the NTK parameterization at initialization', async () => {
    const sizes = [20, 16, 16, 3];
    const std = buildModel('erf', ['gaussian', 'orthogonal'], sizes, 1.3, 0.2, 'std');
    const ntk = buildModel('erf', ['gaussian', 'orthogonal'], sizes, 1.3, 0.2, 'ntk');
    const x = inputs(8, 20, 1);
    const [a, b] = tf.tidy(() => [std.forward(x).output, ntk.forward(x).output]);
    const [va, vb] = [await a!.data(), await b!.data()];
    va.forEach((v, i) => expect(vb[i]!).toBeCloseTo(v, 5));
    tf.dispose([a!, b!, x]);
    std.dispose();
    ntk.dispose();
  });

  it('back-propagates the gradient of the summed per-run losses (directional finite difference)', async () => {
    for (const [act, param, task] of [
      ['tanh', 'std', 'classification'],
      ['erf', 'ntk', 'regression'],
      ['linear', 'std', 'classification'],
    ] as const) {
      const model = buildModel(act, ['gaussian', 'orthogonal'], [6, 10, 10, 3], 1.4, 0.1, param);
      const x = inputs(5, 6, 1);
      const y =
        task === 'classification'
          ? (tf.cast(tf.oneHot(tf.tensor1d([0, 2, 1, 1, 0], 'int32'), 3), 'float32') as tf.Tensor2D)
          : (tf.randomNormal([5, 3], 0, 1, 'float32', 3) as tf.Tensor2D);
      const params = model.parameters;
      const directions = params.map((p, i) => tf.randomNormal(p.shape, 0, 1, 'float32', 10 + i));
      const totalLoss = () => tf.tidy(() => tf.sum(perRunLoss(task, model.forward(x).output, y)));
      const predicted = tf.tidy(() => {
        const pass = model.forward(x);
        const grads = model.backward(pass, lossGradient(task, pass.output, y));
        return tf.addN(grads.map((g, i) => tf.sum(tf.mul(g, directions[i]!))));
      });
      const eps = 1e-3;
      const shift = (sign: number) =>
        params.forEach((p, i) => p.assign(tf.tidy(() => tf.add(p, tf.mul(directions[i]!, sign * eps)))));
      shift(1);
      const plus = totalLoss();
      shift(-2);
      const minus = totalLoss();
      shift(1);
      const numeric = ((await plus.data())[0]! - (await minus.data())[0]!) / (2 * eps);
      const analytic = (await predicted.data())[0]!;
      expect(Math.abs(numeric - analytic) / Math.abs(analytic), `${act}/${param}/${task}`).toBeLessThan(5e-3);
      tf.dispose([x, y, predicted, plus, minus, ...directions]);
      model.dispose();
    }
  });
});
