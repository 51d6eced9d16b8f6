import type { JacobianSpectrum, SpectrumSummary } from '../../engine/jacobianSummary.ts';
import type { JacobianDensity, WeightInit } from '../../theory/index.ts';
import { densityOnAxis, toAxis, type SpectrumScale, type SpectrumVariable } from './axis.ts';
import { binEdges, histogram, type Histogram } from './histogram.ts';
import { initSpread, type Spread } from './spread.ts';

export const INITS: readonly WeightInit[] = ['gaussian', 'orthogonal'];
const BINS = 40;

/** Measured statistics of one init's runs, averaged over seeds. */
export interface SpectrumStats {
  readonly runs: number;
  readonly meanSq: number;
  readonly variance: number;
  readonly sMax: number;
  readonly conditionNumber: number;
}

export interface InitSpectrum {
  readonly init: WeightInit;
  readonly histogram: Histogram;
  readonly stats: SpectrumStats;
  /** How far one network's moments scatter (over draws, seeds, or a bootstrap); see spread.ts. */
  readonly spread: Spread | null;
  /** The theory density on the axis variable, or why there is none. */
  readonly theory:
    { readonly x: Float64Array; readonly y: Float64Array } | { readonly unavailable: string } | null;
  /** Point masses on the axis (atoms of the theory at λ > 0), and the theory's mass at λ = 0. */
  readonly atoms: readonly { readonly x: number; readonly weight: number }[];
  readonly atZero: number;
  /** Theory's continuous mass beyond the drawable range (deep Gaussian spectra reach below 1e-300). */
  readonly offGrid: number;
}

/** λ = σ² of every singular value, in Float64 even where σ² overflows (it then becomes Infinity). */
function squaredValues(spectra: readonly JacobianSpectrum[]): Float64Array {
  const total = spectra.reduce((n, s) => n + s.logSingularValues.length, 0);
  const out = new Float64Array(total);
  let offset = 0;
  for (const spectrum of spectra) {
    for (const logSigma of spectrum.logSingularValues) out[offset++] = Math.exp(2 * logSigma);
  }
  return out;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function theoryOnAxis(
  density: JacobianDensity | undefined,
  variable: SpectrumVariable,
  scale: SpectrumScale,
) {
  if (!density) return null;
  if (!density.ok) return { unavailable: density.reason ?? 'the numerical solve failed' };
  const x = new Float64Array(density.lambda.length);
  const y = new Float64Array(density.lambda.length);
  density.lambda.forEach((lambda, i) => {
    x[i] = toAxis(lambda, variable);
    y[i] = densityOnAxis(lambda, density.density[i]!, variable, scale);
  });
  return { x, y };
}

/**
 * Everything the spectrum panel draws for one snapshot: shared bins so the two inits overlay bar
 * for bar, histograms normalized as densities of the axis variable, the theory changed to the
 * same variable, and the spread of the moments. `draws` are extra networks at initialization:
 * pass them for the step-0 snapshot only.
 */
export function buildSpectra(
  spectra: readonly JacobianSpectrum[],
  densities: Partial<Record<WeightInit, JacobianDensity>>,
  variable: SpectrumVariable,
  scale: SpectrumScale,
  {
    step = 0,
    draws = {},
  }: {
    step?: number;
    draws?: Partial<Record<WeightInit, readonly SpectrumSummary[]>>;
  } = {},
): InitSpectrum[] {
  const byInit = INITS.map((init) => ({ init, runs: spectra.filter((s) => s.init === init) })).filter(
    (group) => group.runs.length > 0,
  );
  const samples = byInit.map(({ runs }) => squaredValues(runs).map((lambda) => toAxis(lambda, variable)));
  const edges = binEdges(samples, BINS, scale);
  return byInit.map(({ init, runs }, i) => {
    const density = densities[init];
    return {
      init,
      histogram: edges
        ? histogram(samples[i]!, edges, scale)
        : {
            edges: new Float64Array(),
            density: new Float64Array(),
            excluded: samples[i]!.length,
            total: samples[i]!.length,
          },
      stats: {
        runs: runs.length,
        meanSq: mean(runs.map((r) => r.meanSq)),
        variance: mean(runs.map((r) => r.variance)),
        sMax: mean(runs.map((r) => r.sMax)),
        conditionNumber: mean(runs.map((r) => r.conditionNumber)),
      },
      spread: initSpread(runs, draws[init] ?? [], step),
      theory: theoryOnAxis(density, variable, scale),
      atoms: density?.ok
        ? density.atoms.map((a) => ({ x: toAxis(a.lambda, variable), weight: a.weight }))
        : [],
      atZero: density?.ok ? density.atZero : 0,
      offGrid: density?.ok ? density.tailMass + density.topMass : 0,
    };
  });
}
