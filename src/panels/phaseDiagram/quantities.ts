import {
  interpolateRdBu,
  interpolateViridis,
  interpolateYlGnBu,
  scaleLog,
  scaleSequentialLog,
  type ScaleLogarithmic,
} from 'd3';
import type { LabConfig } from '../../config/index.ts';
import type { PhaseGrid } from '../../theory/index.ts';

export type DiagramQuantity = LabConfig['pd'];

/** How one quantity is read off a grid, coloured, and explained on the colour bar. */
export interface QuantityView {
  readonly title: string;
  readonly values: (grid: PhaseGrid) => Float64Array;
  readonly colour: (value: number) => string;
  /** Log axis for the colour bar, with the bar's ends at the domain. */
  readonly axis: ScaleLogarithmic<number, number>;
  readonly ticks: readonly number[];
  readonly note: string;
}

const MISSING = '#c8c8c8';

function sequentialLog(domain: [number, number], interpolate: (t: number) => string) {
  const scale = scaleSequentialLog(interpolate).domain(domain).clamp(true);
  return (value: number) => {
    if (Number.isNaN(value)) return MISSING;
    if (value === Infinity) return interpolate(1);
    if (value <= 0) return interpolate(0);
    return scale(value);
  };
}

/** χ₁ on a log scale centred at 1: blue where gradients vanish, red where they explode. */
const CHI1_DOMAIN: [number, number] = [1 / 4, 4];
function chi1Colour(value: number): string {
  if (Number.isNaN(value)) return MISSING;
  const t = Math.log(value) / Math.log(CHI1_DOMAIN[1]);
  const clamped = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : Math.sign(t)));
  return interpolateRdBu(0.5 - clamped / 2);
}

export const QUANTITY_VIEWS: Record<DiagramQuantity, QuantityView> = {
  chi1: {
    title: 'χ₁ = σ_w² E[φ′(h)²] (dimensionless, log scale)',
    values: (g) => g.chi1,
    colour: chi1Colour,
    axis: scaleLog().domain(CHI1_DOMAIN),
    ticks: [0.25, 0.5, 1, 2, 4],
    note: 'values beyond the ends are clamped',
  },
  xiC: {
    title: 'ξ_c correlation depth scale (layers, log scale)',
    values: (g) => g.xiC,
    colour: sequentialLog([1, 1000], interpolateViridis),
    axis: scaleLog().domain([1, 1000]),
    ticks: [1, 10, 100, 1000],
    note: '∞ on the critical line',
  },
  qStar: {
    title: 'q* fixed-point pre-activation variance (log scale)',
    values: (g) => g.qStar,
    colour: sequentialLog([1e-6, 100], interpolateYlGnBu),
    axis: scaleLog().domain([1e-6, 100]),
    ticks: [1e-6, 1e-4, 1e-2, 1, 100],
    note: 'darkest: q* → ∞ (the signal explodes)',
  },
};
