import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LabConfig } from '../config/index.ts';
import { createExperiment } from '../engine/index.ts';
import { NTK_PROBES, NTK_UNIT } from './ntkSnapshots.ts';
import { loopRecorder, TINY_LOOP_CONFIG } from './loopTestKit.ts';
import type { TrainingEvent } from './trainingProtocol.ts';

type NtkEvent = Extract<TrainingEvent, { type: 'ntk' }>;

const MIRRORED: LabConfig = { ...TINY_LOOP_CONFIG, steps: 40, lr: 0.1, mirror: '1' };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the NTK panel with mirror=1', () => {
  it('shows the mirrored network’s kernel: at step 0 the unmirrored one, then moving with training', async () => {
    const { events, loop, until } = loopRecorder();
    await loop.configure(1, MIRRORED, true);
    await until((e) => e.type === 'state' && e.state === 'done' && e.generation === 1, 60_000);
    await loop.idle();
    const snapshots = events.filter((e): e is NtkEvent => e.type === 'ntk');
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const [first, ...later] = snapshots;
    expect(first!.step).toBe(0);

    // Step 0: the kernel of the same network unmirrored (Θ = (Θ_a + Θ_b)/2 = Θ_a).
    const plain = await createExperiment({ ...MIRRORED, mirror: '0' }, { evalExamples: 32 });
    const frozen = plain.freeze();
    const direct = await frozen.ntk(NTK_PROBES, NTK_UNIT);
    frozen.dispose();
    plain.dispose();
    direct.kernels.forEach((kernel, r) => {
      const scale = Math.max(...kernel.map(Math.abs));
      kernel.forEach((value, i) =>
        expect(Math.abs(first!.kernels[r]![i]! - value)).toBeLessThan(1e-5 * scale),
      );
    });

    // Later snapshots: the mirrored network's kernel changes as both copies train.
    expect(later.length).toBeGreaterThan(0);
    expect(later.at(-1)!.ntkChange[0]).toBeGreaterThan(0);
    loop.dispose();
    await loop.idle();
  });
});
