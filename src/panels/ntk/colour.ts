import { interpolateRdBu, interpolateViridis, scaleDiverging, scaleSequential } from 'd3';

/** The colour of a kernel entry, the same function for every heatmap and the colour bar. */
export interface KernelColour {
  readonly domain: readonly [number, number];
  readonly colour: (value: number) => string;
  /** Whether entries of both signs occur: then 0 is white and the scale is symmetric about it. */
  readonly diverging: boolean;
}

/**
 * Viridis over [min, max] when every entry has one sign (kernels of non-negative inputs usually
 * do), so that the class blocks stand out; otherwise red–blue symmetric about 0, so that a sign is
 * read at a glance.
 */
export function kernelColour([lo, hi]: readonly [number, number]): KernelColour {
  if (lo < 0 && hi > 0) {
    const bound = Math.max(-lo, hi);
    // RdBu runs red → blue; reversed, positive entries are red.
    const scale = scaleDiverging((t: number) => interpolateRdBu(1 - t)).domain([-bound, 0, bound]);
    return { domain: [-bound, bound], colour: (v) => scale(v), diverging: true };
  }
  const scale = scaleSequential(interpolateViridis).domain([lo, hi]).clamp(true);
  return { domain: [lo, hi], colour: (v) => scale(v), diverging: false };
}
