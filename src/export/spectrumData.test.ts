import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { spectrumFromScaled } from '../engine/jacobianSummary.ts';
import type { SpectrumSnapshot } from '../state/training.ts';
import { jacobianDensity } from '../theory/index.ts';
import { csvNumber, parseCsv, toCsv } from './csv.ts';
import { SPECTRUM_HEADER, spectrumJson, spectrumTable } from './spectrumData.ts';

/** Two networks as the worker reports them: the second with a σ that underflows as a float. */
const snapshot: SpectrumSnapshot = {
  step: 40,
  seconds: 0.5,
  spectra: [
    spectrumFromScaled(
      { runId: 0, init: 'gaussian', seed: 3, lr: 0.01 },
      'fixed-point',
      10,
      2,
      0.3,
      0.5,
      Float64Array.from([0.8, 0.5, 0.3]),
    ),
    spectrumFromScaled(
      { runId: 1, init: 'orthogonal', seed: 3, lr: 0.01 },
      'fixed-point',
      10,
      2,
      0.3,
      -800,
      Float64Array.from([0.6, 0.58, 0.55]),
    ),
  ],
};
// ReLU: theory puts a point mass at λ = 0 besides its continuous density.
const densities = {
  gaussian: jacobianDensity('relu', 2, 0.01, 10, 'gaussian', { points: 40 }),
  orthogonal: jacobianDensity('relu', 2, 0.01, 10, 'orthogonal', { points: 40 }),
};
const source = { link: 'http://x/?v=1', query: '?v=1', createdAt: '2026-01-01T00:00:00Z', labVersion: '1' };

describe('spectrum data export', () => {
  it('lists every singular value of each network and the theory density, as the store holds them', () => {
    const rows = parseCsv(toCsv(spectrumTable(snapshot, densities)));
    expect(rows[0]).toEqual([...SPECTRUM_HEADER]);
    const col = (name: string) => SPECTRUM_HEADER.indexOf(name as (typeof SPECTRUM_HEADER)[number]);
    const measured = rows.filter((r) => r[0] === 'measured');
    expect(measured).toHaveLength(6);
    snapshot.spectra.forEach((network, n) => {
      network.singularValues.forEach((sigma, i) => {
        const row = measured[3 * n + i]!;
        expect([row[1], Number(row[2]), Number(row[3]), Number(row[4])]).toEqual([network.init, 3, 40, i]);
        expect(csvNumber(row[col('sigma')]!)).toBe(sigma);
        expect(csvNumber(row[col('log_sigma')]!)).toBe(network.logSingularValues[i]);
        expect(csvNumber(row[col('lambda')]!)).toBeCloseTo(sigma ** 2, 15);
      });
    });
    // σ = e^−800 underflows to 0 but its log is kept exact.
    expect(Number(measured[3]![col('sigma')])).toBe(0);
    expect(Number(measured[3]![col('log_sigma')])).toBeCloseTo(-800 + Math.log(0.6), 12);
    for (const init of ['gaussian', 'orthogonal'] as const) {
      const density = densities[init];
      expect(density.ok).toBe(true);
      const theory = rows.filter((r) => r[0] === 'theory' && r[1] === init);
      expect(theory.map((r) => Number(r[col('lambda')]))).toEqual(Array.from(density.lambda));
      expect(theory.map((r) => Number(r[col('density')]))).toEqual(Array.from(density.density));
      const atoms = rows.filter((r) => r[0] === 'theory_atom' && r[1] === init);
      const mass = atoms.reduce((m, r) => m + Number(r[col('mass')]), 0);
      expect(mass).toBeCloseTo(density.atZero + density.atoms.reduce((m, a) => m + a.weight, 0), 15);
      expect(Number(atoms[0]![col('lambda')])).toBe(0);
    }
  });

  it('carries the same numbers in JSON, with the networks’ summaries and the configuration', () => {
    const json = JSON.parse(JSON.stringify(spectrumJson(snapshot, densities, DEFAULT_CONFIG, source)));
    expect(json.step).toBe(40);
    expect(json.networks).toHaveLength(2);
    expect(json.networks[0].singularValues).toEqual(Array.from(snapshot.spectra[0]!.singularValues));
    expect(json.networks[1].logSingularValues).toEqual(Array.from(snapshot.spectra[1]!.logSingularValues));
    expect(json.networks[1].meanSq).toBe(snapshot.spectra[1]!.meanSq);
    expect(json.theory.gaussian.density).toEqual(Array.from(densities.gaussian.density));
    expect(json.theory.orthogonal.atZero).toBe(densities.orthogonal.atZero);
    expect(json.config).toEqual(DEFAULT_CONFIG);
  });
});
