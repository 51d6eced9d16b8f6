import { interpolateViridis } from 'd3';
import { useCallback, useMemo } from 'react';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart } from '../SmallChart.tsx';
import { INIT_ORDER } from './aggregate.ts';
import { curvatureCorrelation, curvaturePoints, qStarValues, type CurvaturePoint } from './curvatureData.ts';
import type { SweepChartProps } from './drawing.ts';
import { INIT_NAME, markerFill, markerPath } from './lineStyle.ts';
import { quantityAxis } from './scales.ts';
import { SweepLegend, type LegendEntry } from './SweepLegend.tsx';

const HEIGHT = 360;
const COMPACT_HEIGHT = 250;
/** Networks without a q* (deep linear ones): drawn in black. */
const NO_QSTAR_COLOUR = '#222';
/** Up to this many q* values are named one by one in the legend; more get the two ends. */
const MAX_NAMED_QSTARS = 7;

/**
 * Sokół & Park Fig. 2: λ_max of the Fisher information against s²_max of the input–output
 * Jacobian at initialization, one mark per run (log-log; ● Gaussian, □ orthogonal), coloured by
 * the configuration's q* (dark small to light large; black where there is none, e.g. deep linear
 * networks), with Pearson's ρ of the logs and of the values printed.
 */
export function CurvatureScatter({ drawing, compact = false }: SweepChartProps) {
  const height = compact ? COMPACT_HEIGHT : HEIGHT;
  const points = useMemo(() => curvaturePoints(drawing.points), [drawing.points]);
  const rho = useMemo(() => curvatureCorrelation(points), [points]);
  const colourOf = useMemo(() => qStarColours(qStarValues(points)), [points]);

  const scales = useCallback(
    (innerWidth: number, innerHeight: number) => {
      const x = quantityAxis(points.length > 0 ? points.map((p) => p.sMaxSq) : [1, 10], innerWidth, {
        forceLog: true,
      });
      x.scale.range([0, innerWidth]);
      const y = quantityAxis(points.length > 0 ? points.map((p) => p.lambdaMax) : [1, 10], innerHeight, {
        forceLog: true,
      });
      return { x: x.scale, y: y.scale, xFormat: '~g', yFormat: '~g' };
    },
    [points],
  );

  const inits = INIT_ORDER.filter((init) => points.some((p) => p.init === init));
  const legend: LegendEntry[] = [
    ...inits.map((init) => ({ id: init, init, colour: '#444', label: INIT_NAME[init] })),
    ...colourOf.legend,
    ...(points.some((p) => p.qStar === null)
      ? [{ id: 'no-qstar', init: null, colour: NO_QSTAR_COLOUR, label: 'no q* (e.g. deep linear)' }]
      : []),
  ];
  return (
    <div className="sweep-chart" data-testid="sweep-curvature-scatter">
      <SmallChart
        title="λ_max of the Fisher information against s²_max of the Jacobian, at initialization (log-log)"
        xLabel="s²_max of the input–output Jacobian (log scale)"
        yLabel="λ_max(Fisher)"
        testId="sweep-curvature-svg"
        height={height}
        scales={scales}
      >
        {({ x, y }) =>
          points.map((p) => (
            <path
              key={p.index}
              className="sweep-marker"
              data-testid="curvature-point"
              transform={`translate(${x(p.sMaxSq)},${y(p.lambdaMax)})`}
              d={markerPath(p.init)}
              stroke={colourOf.colour(p)}
              fill={markerFill(p.init, colourOf.colour(p))}
            >
              <title>{pointTitle(p)}</title>
            </path>
          ))
        }
      </SmallChart>
      <SweepLegend entries={legend} />
      {points.length === 0 ? (
        <p className="sweep-note">
          Each run is drawn as soon as its curvature at initialization is measured.
        </p>
      ) : (
        <p className="sweep-ntk-change" data-testid="curvature-correlation">
          Pearson ρ of log λ_max and log s²_max: <strong>{formatRho(rho.log)}</strong>; of the values
          themselves: <strong>{formatRho(rho.linear)}</strong> ({rho.count} runs; the paper: ρ = 0.64).
        </p>
      )}
    </div>
  );
}

function pointTitle(p: CurvaturePoint): string {
  const q = p.qStar === null ? 'no q*' : `q* = ${formatQuantity(p.qStar, 3)}`;
  return `${INIT_NAME[p.init]}, seed ${p.seed}, ${q}: s²_max = ${formatQuantity(p.sMaxSq, 3)}, λ_max = ${formatQuantity(p.lambdaMax, 3)}`;
}

function formatRho(value: number | null): string {
  if (value === null) return '—';
  return (value < 0 ? '−' : '') + Math.abs(value).toFixed(2);
}

/**
 * Viridis along log q* (from its dark end to 0.85, where yellow still reads on white); one colour
 * when all runs share a q*.
 */
function qStarColours(values: readonly number[]): {
  colour: (p: CurvaturePoint) => string;
  legend: LegendEntry[];
} {
  const lo = Math.log(values[0] ?? 1);
  const hi = Math.log(values[values.length - 1] ?? 1);
  const of = (q: number) => interpolateViridis(hi === lo ? 0.4 : (0.85 * (Math.log(q) - lo)) / (hi - lo));
  const named = values.length <= MAX_NAMED_QSTARS ? values : [values[0]!, values[values.length - 1]!];
  return {
    colour: (p) => (p.qStar === null ? NO_QSTAR_COLOUR : of(p.qStar)),
    legend: named.map((q) => ({
      id: `q${q}`,
      init: null,
      colour: of(q),
      label: `q* = ${formatQuantity(q, 3)}`,
    })),
  };
}
