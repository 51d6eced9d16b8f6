import { describe, expect, it } from 'vitest';
import type { JacobianSpectrum } from '../../engine/index.ts';
import { jacobianDensity } from '../../theory/index.ts';
import { buildSpectra } from './model.ts';

function spectrum(runId: number, init: 'gaussian' | 'orthogonal', sigmas: number[]): JacobianSpectrum {
  const singularValues = Float64Array.from(sigmas);
  const squares = sigmas.map((s) => s * s);
  const meanSq = squares.reduce((a, b) => a + b, 0) / squares.length;
  const variance = squares.reduce((a, b) => a + (b - meanSq) ** 2, 0) / squares.length;
  return {
    runId,
    init,
    seed: 1,
    probe: 'fixed-point',
    depth: 1,
    firstLayer: 1,
    probeVariance: 1,
    logScale: 0,
    singularValues,
    logSingularValues: singularValues.map(Math.log),
    meanSq,
    logMeanSq: Math.log(meanSq),
    variance,
    logVariance: Math.log(variance),
    sMax: Math.max(...sigmas),
    conditionNumber: Math.max(...sigmas) / Math.min(...sigmas),
  };
}

describe('spectrum panel model', () => {
  const spectra = [spectrum(0, 'gaussian', [0.5, 1, 2]), spectrum(1, 'orthogonal', [1, 1, 1])];

  it('bins both inits on shared edges and averages the statistics over seeds', () => {
    const [gaussian, orthogonal] = buildSpectra(spectra, {}, 'sq', 'log');
    expect(gaussian!.histogram.edges).toBe(orthogonal!.histogram.edges);
    expect(gaussian!.histogram.edges[0]).toBeCloseTo(0.25, 12);
    expect(gaussian!.stats.meanSq).toBeCloseTo((0.25 + 1 + 4) / 3, 12);
    expect(orthogonal!.stats.variance).toBe(0);
    expect(gaussian!.theory).toBeNull();
  });

  it('draws the theory in the axis variable, and says when it is unavailable', () => {
    const density = jacobianDensity('linear', 1, 0, 1, 'gaussian');
    const [gaussian] = buildSpectra(spectra, { gaussian: density }, 'abs', 'linear');
    const theory = gaussian!.theory;
    if (!theory || !('x' in theory)) throw new Error('expected a theory curve');
    // Marchenko–Pastur in σ: ρ_σ(σ) = 2σ·√((4 − σ²)/σ²)/(2π) = √(4 − σ²)/π.
    const i = Math.floor(theory.x.length / 2);
    expect(theory.y[i]).toBeCloseTo(Math.sqrt(4 - theory.x[i]! ** 2) / Math.PI, 5);
    const failed = { ...density, ok: false, reason: 'beyond the double range' };
    expect(buildSpectra(spectra, { gaussian: failed }, 'sq', 'log')[0]!.theory).toEqual({
      unavailable: 'beyond the double range',
    });
  });

  it('shows a delta spectrum as an atom', () => {
    const delta = jacobianDensity('linear', 1, 0, 50, 'orthogonal');
    const [, orthogonal] = buildSpectra(spectra, { orthogonal: delta }, 'sq', 'log');
    expect(orthogonal!.atoms).toEqual([{ x: 1, weight: 1 }]);
  });

  it('gives each init the spread of its moments: over the draws at initialization, else a bootstrap', () => {
    const draws = { gaussian: [spectrum(5, 'gaussian', [0.2, 1, 3])] };
    const [gaussian, orthogonal] = buildSpectra(spectra, {}, 'sq', 'log', { step: 0, draws });
    expect(gaussian!.spread).toMatchObject({ source: 'draws', count: 2 });
    expect(gaussian!.spread!.intervals.sMax).toEqual({ lo: 2, hi: 3 });
    expect(orthogonal!.spread!.source).toBe('bootstrap');
    expect(buildSpectra(spectra, {}, 'sq', 'log', { step: 100 })[0]!.spread!.source).toBe('bootstrap');
  });
});
