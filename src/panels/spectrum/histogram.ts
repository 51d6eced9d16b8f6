import type { SpectrumScale } from './axis.ts';

export interface Histogram {
  /** Bin edges on the axis variable (count + 1 of them). */
  readonly edges: Float64Array;
  /** Density per bin: the fraction of values in the bin over its width (in ln v on a log axis). */
  readonly density: Float64Array;
  /** Values outside the drawable range: zeros and non-finite ones on a log axis, non-finite otherwise. */
  readonly excluded: number;
  readonly total: number;
}

/** Shared bins for several samples, so their histograms overlay bar for bar. */
export function binEdges(
  samples: readonly Float64Array[],
  bins: number,
  scale: SpectrumScale,
): Float64Array | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const sample of samples) {
    for (const v of sample) {
      if (!Number.isFinite(v) || (scale === 'log' && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return null;
  if (scale === 'linear') lo = Math.min(0, lo);
  if (hi <= lo) hi = scale === 'log' ? lo * 1.1 : lo + 1;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) {
    const t = i / bins;
    edges[i] = scale === 'log' ? lo * Math.pow(hi / lo, t) : lo + t * (hi - lo);
  }
  return edges;
}

/** Normalized so that Σ density·width = fraction of the sample that was binned. */
export function histogram(sample: Float64Array, edges: Float64Array, scale: SpectrumScale): Histogram {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const lo = edges[0]!;
  const hi = edges[bins]!;
  const position =
    scale === 'log'
      ? (v: number) => Math.log(v / lo) / Math.log(hi / lo)
      : (v: number) => (v - lo) / (hi - lo);
  let excluded = 0;
  for (const v of sample) {
    if (!Number.isFinite(v) || (scale === 'log' && v <= 0)) {
      excluded++;
      continue;
    }
    const index = Math.min(bins - 1, Math.max(0, Math.floor(position(v) * bins)));
    counts[index]! += 1;
  }
  const density = new Float64Array(bins);
  const total = sample.length;
  for (let i = 0; i < bins; i++) {
    const width = scale === 'log' ? Math.log(edges[i + 1]! / edges[i]!) : edges[i + 1]! - edges[i]!;
    density[i] = total > 0 ? counts[i]! / total / width : 0;
  }
  return { edges, density, excluded, total };
}
