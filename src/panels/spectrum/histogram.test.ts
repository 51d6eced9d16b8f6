import { describe, expect, it } from 'vitest';
import { densityOnAxis } from './axis.ts';
import { binEdges, histogram } from './histogram.ts';

describe('spectrum histogram', () => {
  it('integrates to the binned fraction on linear and log axes', () => {
    const sample = Float64Array.from({ length: 1000 }, (_, i) => 0.01 + (i / 1000) * 3);
    for (const scale of ['linear', 'log'] as const) {
      const edges = binEdges([sample], 40, scale)!;
      const h = histogram(sample, edges, scale);
      let area = 0;
      for (let i = 0; i < 40; i++) {
        const width = scale === 'log' ? Math.log(edges[i + 1]! / edges[i]!) : edges[i + 1]! - edges[i]!;
        area += h.density[i]! * width;
      }
      expect(area).toBeCloseTo(1, 10);
      expect(h.excluded).toBe(0);
    }
  });

  it('excludes zeros on a log axis and non-finite values everywhere', () => {
    const sample = Float64Array.from([0, 1, 2, Infinity, NaN]);
    expect(histogram(sample, binEdges([sample], 4, 'log')!, 'log').excluded).toBe(3);
    expect(histogram(sample, binEdges([sample], 4, 'linear')!, 'linear').excluded).toBe(2);
  });

  it('shares edges across samples, spanning both', () => {
    const edges = binEdges([Float64Array.from([1, 2]), Float64Array.from([0.5, 8])], 4, 'log')!;
    // Four equal ratios from 0.5 to 8: 0.5, 1, 2, 4, 8.
    expect([...edges].map((e) => Number(e.toFixed(12)))).toEqual([0.5, 1, 2, 4, 8]);
  });

  it('changes variables so that the theory density keeps unit area', () => {
    // Uniform λ on [0, 1]: ρ_λ = 1. As σ = √λ: ρ_σ(σ) = 2σ on [0, 1]; per ln σ: 2σ².
    expect(densityOnAxis(0.25, 1, 'sq', 'linear')).toBe(1);
    expect(densityOnAxis(0.25, 1, 'abs', 'linear')).toBeCloseTo(1, 12);
    expect(densityOnAxis(0.25, 1, 'abs', 'log')).toBeCloseTo(0.5, 12);
    expect(densityOnAxis(0.25, 1, 'sq', 'log')).toBeCloseTo(0.25, 12);
  });
});
