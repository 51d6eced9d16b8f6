import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/schema.ts';
import { jacobianDepth } from './jacobianDepth.ts';

describe('jacobianDepth', () => {
  it('leaves out the first layer when the input width differs from N, and says why', () => {
    const depth = jacobianDepth({ ...DEFAULT_CONFIG, data: 'mnist', L: 50, N: 128 });
    expect(depth).toMatchObject({ layers: 49, hiddenLayers: 50, inputSize: 784, width: 128 });
    expect(depth.note).toContain('49 square hidden layers');
    expect(depth.note).toContain('the first layer maps 784 inputs to 128 units and is left out');
  });

  it('uses every layer when the input has N values', () => {
    const depth = jacobianDepth({ ...DEFAULT_CONFIG, data: 'teacher', dim: 32, L: 8, N: 32 });
    expect(depth.layers).toBe(8);
    expect(depth.note).toMatch(/^The readout and the spectrum panel both use all 8 square hidden layers:/);
  });

  it('says there is none for one layer on another width, and for one square layer speaks in the singular', () => {
    const none = jacobianDepth({ ...DEFAULT_CONFIG, data: 'mnist', L: 1, N: 128 });
    expect(none.layers).toBe(0);
    expect(none.note).toMatch(/^No square hidden layer: the only layer maps 784 inputs to 128 units/);
    expect(jacobianDepth({ ...DEFAULT_CONFIG, data: 'mnist', L: 2, N: 128 }).note).toContain(
      'both use the 1 square hidden layer (128 × 128)',
    );
  });
});
