import { describe, expect, it } from 'vitest';
import { kernelTick } from './KernelScatter.tsx';

describe('kernel scatter ticks', () => {
  it('write large and tiny kernel values with a power of ten, the rest plainly', () => {
    expect(kernelTick(4e8)).toBe('4·10⁸');
    expect(kernelTick(-2.5e9)).toBe('-2.5·10⁹');
    expect(kernelTick(1.5e-4)).toBe('1.5·10⁻⁴');
    expect(kernelTick(250)).toBe('250');
    expect(kernelTick(0.5)).toBe('0.5');
    expect(kernelTick(0)).toBe('0');
    // Never longer than a few characters, whatever the magnitude (a 7.25·10⁻¹² is the longest).
    for (let exponent = -12; exponent <= 12; exponent++)
      expect(kernelTick(7.25 * 10 ** exponent).length, `${exponent}`).toBeLessThanOrEqual(10);
  });
});
