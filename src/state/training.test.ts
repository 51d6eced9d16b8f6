import { beforeEach, describe, expect, it } from 'vitest';
import { applyTrainingEvent, beginGeneration, useTraining } from './training.ts';

describe('training view', () => {
  let generation: number;
  beforeEach(() => {
    generation = beginGeneration();
  });

  it('shows a refused configuration as refused, not as still drawing weights', () => {
    applyTrainingEvent({ type: 'building', generation, layersDone: 3, layerCount: 51 });
    expect(useTraining.getState().building).not.toBeNull();
    applyTrainingEvent({ type: 'error', generation, message: 'These runs need ≈ 750 GB of tensors' });
    const view = useTraining.getState();
    expect(view.state).toBe('refused');
    expect(view.building).toBeNull();
    expect(view.error).toEqual({ message: 'These runs need ≈ 750 GB of tensors', fatal: false });
    // A new generation (Reset, a changed parameter) starts clean.
    beginGeneration();
    expect(useTraining.getState()).toMatchObject({ state: 'building', error: null, building: null });
  });

  it('shows a worker without a backend as failed, and ignores the supervisor’s own events', () => {
    applyTrainingEvent({ type: 'pong' });
    applyTrainingEvent({ type: 'device-lost', backend: 'webgpu', reason: 'destroyed', message: '' });
    expect(useTraining.getState().state).toBe('building');
    applyTrainingEvent({ type: 'error', generation: null, message: 'No tfjs backend works here' });
    expect(useTraining.getState()).toMatchObject({
      state: 'failed',
      error: { message: 'No tfjs backend works here', fatal: true },
    });
  });

  it('drops an error of an older generation', () => {
    applyTrainingEvent({ type: 'error', generation: generation - 1, message: 'stale' });
    expect(useTraining.getState()).toMatchObject({ state: 'building', error: null });
  });
});
