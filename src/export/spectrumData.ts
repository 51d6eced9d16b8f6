import type { LabConfig } from '../config/index.ts';
import type { SpectrumSnapshot } from '../state/training.ts';
import type { JacobianDensity, WeightInit } from '../theory/index.ts';
import type { CsvTable, CsvValue } from './csv.ts';
import { finiteOrNull, type ExportSource } from './trainingData.ts';

export type SpectrumDensities = Partial<Record<WeightInit, JacobianDensity>>;

export const SPECTRUM_HEADER = [
  'series',
  'init',
  'seed',
  'step',
  'index',
  'sigma',
  'log_sigma',
  'lambda',
  'density',
  'mass',
] as const;

/**
 * One snapshot's spectra as one long table: a `measured` row per singular value of each network
 * (σ, ln σ, which stays exact where σ underflows, and λ = σ², the eigenvalue of JJᵀ), then the
 * theory of each init: `theory` rows for the continuous density ρ(λ) per unit λ on its grid, and
 * `theory_atom` rows for its point masses (λ = 0 included), whose weight is in `mass`.
 */
export function spectrumTable(snapshot: SpectrumSnapshot, densities: SpectrumDensities): CsvTable {
  const rows: CsvValue[][] = [];
  for (const network of snapshot.spectra) {
    network.singularValues.forEach((sigma, i) => {
      const logSigma = network.logSingularValues[i]!;
      rows.push([
        'measured',
        network.init,
        network.seed,
        snapshot.step,
        i,
        sigma,
        logSigma,
        Math.exp(2 * logSigma),
        null,
        null,
      ]);
    });
  }
  for (const init of ['gaussian', 'orthogonal'] as const) {
    const density = densities[init];
    if (!density?.ok) continue;
    density.lambda.forEach((lambda, i) => {
      rows.push([
        'theory',
        init,
        null,
        null,
        i,
        Math.sqrt(lambda),
        density.logLambda[i]! / 2,
        lambda,
        density.density[i]!,
        null,
      ]);
    });
    const atoms = [...(density.atZero > 0 ? [{ lambda: 0, weight: density.atZero }] : []), ...density.atoms];
    atoms.forEach((atom, i) => {
      rows.push([
        'theory_atom',
        init,
        null,
        null,
        i,
        Math.sqrt(atom.lambda),
        Math.log(atom.lambda) / 2,
        atom.lambda,
        null,
        atom.weight,
      ]);
    });
  }
  return { header: SPECTRUM_HEADER, rows };
}

/** The snapshot's networks (every singular value and its summary) and each init's theory. */
export function spectrumJson(
  snapshot: SpectrumSnapshot,
  densities: SpectrumDensities,
  config: LabConfig,
  source: ExportSource,
) {
  return {
    format: 'isometry-lab-spectrum' as const,
    version: 1 as const,
    ...source,
    config,
    step: snapshot.step,
    secondsToCompute: snapshot.seconds,
    networks: snapshot.spectra.map((s) => ({
      runId: s.runId,
      init: s.init,
      seed: s.seed,
      probe: s.probe,
      depth: s.depth,
      firstLayer: s.firstLayer,
      probeVariance: s.probeVariance,
      meanSq: s.meanSq,
      variance: s.variance,
      sMax: s.sMax,
      conditionNumber: finiteOrNull(s.conditionNumber),
      singularValues: Array.from(s.singularValues),
      logSingularValues: Array.from(s.logSingularValues, finiteOrNull),
    })),
    theory: Object.fromEntries(
      (['gaussian', 'orthogonal'] as const)
        .filter((init) => densities[init])
        .map((init) => [init, theoryJson(densities[init]!)]),
    ),
  };
}

function theoryJson(density: JacobianDensity) {
  if (!density.ok) return { ok: false, reason: density.reason ?? 'the numerical solve failed' };
  return {
    ok: true,
    depth: density.depth,
    qStar: density.qStar,
    lambda: Array.from(density.lambda),
    density: Array.from(density.density),
    atZero: density.atZero,
    atoms: density.atoms,
    tailMass: density.tailMass,
    topMass: density.topMass,
    support: density.support,
  };
}
