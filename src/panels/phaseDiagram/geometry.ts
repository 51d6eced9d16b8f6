import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3';
import { PARAMS, normalizeNumber, type LabConfig } from '../../config/index.ts';
import type { PhaseGridSpec } from '../../theory/index.ts';

export const MARGIN = { top: 12, right: 16, bottom: 44, left: 64 } as const;
/** Cells per axis: fine enough that the critical line and contours look smooth when scaled up. */
const SW2_CELLS = 200;
const SB2_CELLS = 150;

export type Sb2AxisScale = LabConfig['pdy'];

/**
 * The lowest σ_b² of the diagram's log axis: a log axis cannot hold 0, and below 10⁻⁶ the phases
 * of every activation look as they do at 0 (the slider goes lower, for the critical family's tiny
 * biases; such a configuration is marked at the axis's foot).
 */
const LOG_AXIS_SB2_MIN = 1e-6;

/** The σ_b² range the diagram shows. */
export function sb2Domain(scale: Sb2AxisScale): [number, number] {
  return scale === 'log' ? [LOG_AXIS_SB2_MIN, PARAMS.sb2.max] : [PARAMS.sb2.min, PARAMS.sb2.max];
}

export function gridSpec(act: LabConfig['act'], scale: Sb2AxisScale): PhaseGridSpec {
  const [sb2Min, sb2Max] = sb2Domain(scale);
  return {
    act,
    sw2: { min: PARAMS.sw2.min, max: PARAMS.sw2.max, count: SW2_CELLS },
    sb2: { min: sb2Min, max: sb2Max, count: SB2_CELLS, scale },
  };
}

export interface DiagramGeometry {
  readonly width: number;
  readonly height: number;
  readonly innerWidth: number;
  readonly innerHeight: number;
  readonly x: ScaleContinuousNumeric<number, number>;
  readonly y: ScaleContinuousNumeric<number, number>;
}

export function diagramGeometry(width: number, scale: Sb2AxisScale): DiagramGeometry {
  const height = Math.round(Math.min(520, Math.max(280, width * 0.6)));
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  const x = scaleLinear().domain([PARAMS.sw2.min, PARAMS.sw2.max]).range([0, innerWidth]);
  const y = (scale === 'log' ? scaleLog() : scaleLinear()).domain(sb2Domain(scale)).range([innerHeight, 0]);
  return { width, height, innerWidth, innerHeight, x, y };
}

/** Pointer position inside the plot area → (σ_w², σ_b²), clamped and rounded as the sliders would. */
export function pointToValues(
  geometry: DiagramGeometry,
  px: number,
  py: number,
): { sw2: number; sb2: number } {
  const cx = Math.min(geometry.innerWidth, Math.max(0, px));
  const cy = Math.min(geometry.innerHeight, Math.max(0, py));
  return {
    sw2: normalizeNumber(PARAMS.sw2, geometry.x.invert(cx)),
    sb2: normalizeNumber(PARAMS.sb2, geometry.y.invert(cy)),
  };
}

/**
 * Maps a fractional grid index (as d3-contour returns them, cell centres at i + 0.5) to pixels.
 * Grid points are uniform in the axis's own scale, so the map is linear in the index.
 */
export function gridIndexToPixel(geometry: DiagramGeometry, spec: PhaseGridSpec) {
  const { x, y } = geometry;
  const [x0, x1] = [x(spec.sw2.min), x(spec.sw2.max)];
  const [y0, y1] = [y(spec.sb2.min), y(spec.sb2.max)];
  return (gx: number, gy: number): [number, number] => [
    x0 + ((gx - 0.5) / (spec.sw2.count - 1)) * (x1 - x0),
    y0 + ((gy - 0.5) / (spec.sb2.count - 1)) * (y1 - y0),
  ];
}
