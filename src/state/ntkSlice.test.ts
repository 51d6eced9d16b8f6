import { beforeEach, describe, expect, it } from 'vitest';
import { applyTrainingEvent, beginGeneration, useTraining } from './training.ts';

const D = 3;

function ntkEvent(generation: number, step: number, change: number) {
  return {
    type: 'ntk' as const,
    generation,
    step,
    unit: 0,
    labels: Int32Array.from([0, 0, 1]),
    analytic: step === 0 ? new Float64Array(D * D).fill(2) : null,
    kernels: [new Float32Array(D * D).fill(2 + step), new Float32Array(D * D).fill(3 + step)],
    ntkChange: Float32Array.from([change, 2 * change]),
    weightChange: [Float32Array.from([change, change]), Float32Array.from([change, change])],
    seconds: 0.01,
  };
}

describe('the NTK slice of the training view', () => {
  let generation: number;
  beforeEach(() => {
    generation = beginGeneration();
  });

  it('keeps the step-0 kernels and the analytic one, the newest kernels, and every change', () => {
    applyTrainingEvent(ntkEvent(generation, 0, 0));
    applyTrainingEvent(ntkEvent(generation, 10, 0.01));
    applyTrainingEvent(ntkEvent(generation, 20, 0.02));
    const ntk = useTraining.getState().ntk!;
    expect(ntk.initial.step).toBe(0);
    expect(ntk.initial.kernels[1]![0]).toBe(3);
    expect(ntk.latest.step).toBe(20);
    expect(ntk.latest.kernels[0]![0]).toBe(22);
    // Sent with step 0 only, and kept.
    expect(ntk.analytic?.[0]).toBe(2);
    expect(ntk.labels).toEqual(Int32Array.from([0, 0, 1]));
    expect(ntk.changes.map((c) => c.step)).toEqual([0, 10, 20]);
    expect(ntk.changes[2]!.ntkChange[1]).toBeCloseTo(0.04, 6);
  });

  it('records what was skipped and why, drops other generations, and starts clean with a new one', () => {
    applyTrainingEvent({ type: 'ntk-skipped', generation, part: 'weight-change', reason: 'no room' });
    applyTrainingEvent(ntkEvent(generation - 1, 0, 0));
    expect(useTraining.getState()).toMatchObject({ ntk: null, ntkSkipped: { 'weight-change': 'no room' } });
    applyTrainingEvent(ntkEvent(generation, 0, 0));
    expect(useTraining.getState().ntk).not.toBeNull();
    beginGeneration();
    expect(useTraining.getState()).toMatchObject({ ntk: null, ntkSkipped: {} });
  });

  it('thins the change points of a long run, keeping step 0 and the newest', () => {
    for (let step = 0; step <= 450; step++) applyTrainingEvent(ntkEvent(generation, step, step / 1000));
    const changes = useTraining.getState().ntk!.changes;
    expect(changes.length).toBeLessThanOrEqual(400);
    expect(changes.length).toBeGreaterThan(200);
    expect(changes[0]!.step).toBe(0);
    expect(changes.at(-1)!.step).toBe(450);
    const steps = changes.map((c) => c.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });
});
