import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../../config/schema.ts';
import { memoryBoundChunk, predict, refuse } from '../budget.ts';
import { estimateCost } from '../cost.ts';

const RNN: LabConfig = {
  ...DEFAULT_CONFIG,
  arch: 'rnn',
  data: 'mnist',
  N: 64,
  bs: 64,
  init: 'both',
  seeds: 1,
  opt: 'adam',
};

describe('cost of the recurrent network', () => {
  it('counts W, U, V and biases, and 28 steps of products forward and back, whatever L', () => {
    const cost = estimateCost(RNN);
    // 64² + 28·64 + 64 + 64·10 + 10.
    expect(cost.parameterCount).toBe(4096 + 1792 + 64 + 640 + 10);
    // Per example forward: U x_t at 28 steps (28·28·64), W h at 27 (h_0 = 0), V h_28 once.
    const forward = 28 * 28 * 64 + 27 * 64 * 64 + 64 * 10;
    expect(cost.flopsPerStep).toBe(6 * 64 * forward * 2);
    expect(estimateCost({ ...RNN, L: 500 })).toEqual(cost);
    // orth=gain adds one Gram matrix and one product of W (4N³) per run.
    expect(estimateCost({ ...RNN, orth: 'gain' }).flopsPerStep - cost.flopsPerStep).toBe(2 * 4 * 64 ** 3);
    // The 28 stored steps dominate the activations: memory grows with the batch, not with L.
    expect(estimateCost({ ...RNN, bs: 256 }).memoryBytes).toBeGreaterThan(
      cost.memoryBytes + 4 * 2 * 192 * 4 * 28 * 64 - 1,
    );
  });

  it('fits the budget at the paper’s size (N = 64, batch 256) and predicts no Jacobian spectrum', () => {
    const config = { ...RNN, bs: 256 };
    expect(refuse(config, { backend: 'wasm' })).toBeNull();
    const prediction = predict(config, { backend: 'wasm' });
    expect(prediction.spectrumSeconds).toBe(0);
    // A step: 6·B·forward FLOPs of both runs at the table's 8 GFLOP/s, plus 30 sequential kernels a run.
    expect(prediction.stepSeconds).toBeGreaterThan(0.02);
    expect(prediction.stepSeconds).toBeLessThan(0.5);
    expect(memoryBoundChunk(config)).toBeGreaterThan(16);
  });

  it('refuses a recurrent network too wide for the budget, lowering its width', () => {
    const refusal = refuse({ ...RNN, N: 4096, bs: 256 }, { backend: 'cpu' });
    expect(refusal).not.toBeNull();
    expect(refusal!.suggestion.N).toBeLessThan(4096);
    expect(refusal!.suggestion.L).toBeUndefined();
  });
});
