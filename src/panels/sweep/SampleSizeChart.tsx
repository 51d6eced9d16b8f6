import { area, line } from 'd3';
import { useCallback, useMemo } from 'react';
import { DEFAULT_TEACHER } from '../../engine/data/teacher.ts';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart } from '../SmallChart.tsx';
import type { DrawnAxis, SweepChartProps } from './drawing.ts';
import { INIT_DASH, INIT_NAME, markerFill, markerPath } from './lineStyle.ts';
import {
  MIRROR_NAME,
  SAMPLE_SIZE_KEY,
  guideAnchor,
  guideValue,
  predictedExponent,
  sampleSizeLines,
  type Mirror,
  type SampleSizeLine,
} from './sampleSize.ts';
import { logLogScales } from './scales.ts';
import { SweepLegend, type LegendEntry } from './SweepLegend.tsx';

const HEIGHT = 340;
const COMPACT_HEIGHT = 250;
/** Colour tells standard from mirrored; line style and marker tell the init (lineStyle.ts). */
const MIRROR_COLOUR: Record<Mirror, string> = { '0': '#08306b', '1': '#d7301f' };
const GUIDE_DASH: Record<Mirror, string> = { '0': '7 4', '1': '10 3 2 3' };

/**
 * Chen, Li & Lin's comparison on log-log axes: the excess held-out error (final held-out MSE less
 * the label noise's variance) against the number n of training examples, one line per (mirror,
 * init) with its fitted slope in the legend, and the predicted rates n^(−3/(d+3)) (standard) and
 * n^(−1/2) (mirrored) as grey dashed guides through the first points of those lines.
 */
export function SampleSizeChart({ drawing, compact = false }: SweepChartProps) {
  const height = compact ? COMPACT_HEIGHT : HEIGHT;
  const xAxis = drawing.axes.find((a) => a.key === SAMPLE_SIZE_KEY) ?? drawing.axes[0]!;
  const { config } = drawing;
  // The held-out labels carry the teacher's label noise too: noise² is the error of f* itself.
  const floor = config.data === 'teacher' ? DEFAULT_TEACHER.noise ** 2 : 0;
  const lines = useMemo(
    () => sampleSizeLines(drawing.points, config.mirror, floor),
    [drawing.points, config.mirror, floor],
  );
  const guides = (['0', '1'] as const)
    .map((mirror) => ({
      mirror,
      anchor: guideAnchor(lines, mirror),
      exponent: predictedExponent(mirror, config.dim),
    }))
    .filter((g) => g.anchor !== null);

  const scales = useCallback(
    (innerWidth: number, innerHeight: number) => {
      const values = lines.flatMap((l) => l.cells.flatMap((c) => [c.value.min, c.value.max]));
      return logLogScales(xAxis, values, innerWidth, innerHeight);
    },
    [lines, xAxis],
  );

  const floorText = floor > 0 ? ` − noise² (${formatQuantity(floor)})` : '';
  const legend: LegendEntry[] = [
    ...lines.map((l) => ({
      id: `${l.mirror}-${l.init}`,
      init: l.init,
      colour: MIRROR_COLOUR[l.mirror],
      label: `${MIRROR_NAME[l.mirror]}, ${INIT_NAME[l.init]}: slope ${l.fit ? formatSlope(l.fit.slope) : '—'}`,
    })),
    ...guides.map((g) => ({
      id: `guide-${g.mirror}`,
      init: null,
      colour: '#777',
      dash: GUIDE_DASH[g.mirror],
      label:
        g.mirror === '1'
          ? 'guide n^−½ (mirrored, smoothness s ≈ 1)'
          : `guide n^(−3/(d+3)) = n^${formatSlope(g.exponent)}, d = ${config.dim} (standard)`,
    })),
  ];
  return (
    <div className="sweep-chart" data-testid="sweep-sample-size-chart">
      <SmallChart
        title={`Held-out MSE${floorText} after ${drawing.steps} steps against n (log-log; mean over seeds, band: min–max)`}
        xLabel={`${xAxis.label} (log scale)`}
        yLabel={`held-out MSE${floorText}`}
        testId="sweep-sample-size-svg"
        height={height}
        scales={scales}
      >
        {({ x, y }) => {
          const [x0, x1] = x.domain() as [number, number];
          return (
            <>
              <g className="sweep-guides">
                {guides.map((g) => (
                  <path
                    key={g.mirror}
                    className="sweep-guide"
                    data-testid={`sample-size-guide-${g.mirror}`}
                    strokeDasharray={GUIDE_DASH[g.mirror]}
                    d={`M${x(x0)},${y(guideValue(g.anchor!, g.exponent, x0))}L${x(x1)},${y(guideValue(g.anchor!, g.exponent, x1))}`}
                  />
                ))}
              </g>
              {lines.map((l) => (
                <SampleSizeSeries key={`${l.mirror}-${l.init}`} line={l} xAxis={xAxis} x={x} y={y} />
              ))}
            </>
          );
        }}
      </SmallChart>
      <SweepLegend entries={legend} />
    </div>
  );
}

function SampleSizeSeries({
  line: l,
  xAxis,
  x,
  y,
}: {
  readonly line: SampleSizeLine;
  readonly xAxis: DrawnAxis;
  readonly x: (value: number) => number;
  readonly y: (value: number) => number;
}) {
  const colour = MIRROR_COLOUR[l.mirror];
  // Cells whose excess is not positive have no place on a log axis.
  const cells = l.cells.filter((c) => c.value.min > 0);
  const indices = cells.map((_, i) => i);
  const band = area<number>()
    .x((i) => x(cells[i]!.x))
    .y0((i) => y(cells[i]!.value.min))
    .y1((i) => y(cells[i]!.value.max))(indices);
  const path = line<number>()
    .x((i) => x(cells[i]!.x))
    .y((i) => y(cells[i]!.value.mean))(indices);
  return (
    <g data-testid={`sample-size-${l.mirror}-${l.init}`} data-points={cells.length}>
      {band && <path className="sweep-band" fill={colour} d={band} />}
      {path && <path className="sweep-line" stroke={colour} strokeDasharray={INIT_DASH[l.init]} d={path} />}
      {cells.map((c) => (
        <path
          key={c.x}
          className="sweep-marker"
          transform={`translate(${x(c.x)},${y(c.value.mean)})`}
          d={markerPath(l.init)}
          stroke={colour}
          fill={markerFill(l.init, colour)}
        >
          <title>{`${MIRROR_NAME[l.mirror]}, ${INIT_NAME[l.init]}, ${xAxis.label} = ${c.x}: ${formatQuantity(c.value.mean, 3)}${c.value.count > 1 ? ` (mean of ${c.value.count} seeds)` : ''}`}</title>
        </path>
      ))}
    </g>
  );
}

function formatSlope(slope: number): string {
  return (slope < 0 ? '−' : '') + Math.abs(slope).toFixed(2);
}
