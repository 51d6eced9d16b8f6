import { line, scaleLinear } from 'd3';
import { useCallback, useMemo } from 'react';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart } from '../SmallChart.tsx';
import { lambdaLines, type LambdaLine } from './curvatureData.ts';
import { symbolOf } from './describe.ts';
import type { SweepChartProps } from './drawing.ts';
import { INIT_COLOUR, INIT_DASH, INIT_NAME, sequenceColour } from './lineStyle.ts';
import { quantityAxis } from './scales.ts';
import { SweepLegend, type LegendEntry } from './SweepLegend.tsx';

const HEIGHT = 340;
const COMPACT_HEIGHT = 240;

interface DrawnLambdaLine extends LambdaLine {
  readonly colour: string;
  /** The grid cell (swept values) the run belongs to, for the legend. */
  readonly cell: string;
}

/**
 * Sokół & Park Fig. 3: λ_max of the Fisher information against training steps (log y), one line
 * per run, dashed by init (Gaussian solid, orthogonal dotted), coloured by its grid cell (e.g.
 * orth × q*), so seeds of one cell share a colour.
 */
export function LambdaChart({ drawing, compact = false }: SweepChartProps) {
  const height = compact ? COMPACT_HEIGHT : HEIGHT;
  const keys = useMemo(() => drawing.axes.map((a) => a.key), [drawing.axes]);
  const lines = useMemo(
    () => drawnLines(lambdaLines(drawing.points, drawing.curves, keys), keys),
    [drawing, keys],
  );

  const scales = useCallback(
    (innerWidth: number, innerHeight: number) => {
      const values = lines.flatMap((l) => l.values);
      const y = quantityAxis(values.length > 0 ? values : [1, 10], innerHeight, { forceLog: true });
      return {
        x: scaleLinear().domain([0, drawing.steps]).range([0, innerWidth]),
        y: y.scale,
        yFormat: '~g',
      };
    },
    [lines, drawing.steps],
  );

  return (
    <div className="sweep-chart" data-testid="sweep-lambda-chart">
      <SmallChart
        title="λ_max of the Fisher information during training, one line per run (log scale)"
        xLabel="step"
        yLabel="λ_max(Fisher)"
        testId="sweep-lambda-svg"
        height={height}
        scales={scales}
      >
        {({ x, y }) =>
          lines.map((l) => {
            const path = line<number>()
              .x((i) => x(l.steps[i]!))
              .y((i) => y(l.values[i]!))(l.steps.map((_, i) => i));
            return (
              <g key={l.point} data-testid="lambda-line" data-points={l.steps.length}>
                {path && (
                  <path className="sweep-line" stroke={l.colour} strokeDasharray={INIT_DASH[l.init]} d={path}>
                    <title>{`${INIT_NAME[l.init]}, seed ${l.seed}${l.cell ? `, ${l.cell}` : ''}: λ_max ${formatQuantity(l.values[0]!, 3)} → ${formatQuantity(l.values[l.values.length - 1]!, 3)}`}</title>
                  </path>
                )}
              </g>
            );
          })
        }
      </SmallChart>
      <SweepLegend markers={false} entries={legendOf(lines)} />
      {lines.length === 0 && (
        <p className="sweep-note">Each run's λ_max is drawn as soon as its group finishes training.</p>
      )}
    </div>
  );
}

/** Colour by grid cell where there are several, by init where there is one. */
function drawnLines(lines: readonly LambdaLine[], keys: readonly string[]): DrawnLambdaLine[] {
  const cellOf = (l: LambdaLine) =>
    keys
      .filter((k) => l.at[k] !== undefined)
      .map((k) => `${symbolOf(k)} = ${formatValue(l.at[k]!)}`)
      .join(', ');
  const cells = [...new Set(lines.map(cellOf))];
  return lines.map((l) => {
    const cell = cellOf(l);
    return {
      ...l,
      cell,
      colour: cells.length > 1 ? sequenceColour(cells.indexOf(cell)) : INIT_COLOUR[l.init],
    };
  });
}

/** One entry per (init, cell) drawn. */
function legendOf(lines: readonly DrawnLambdaLine[]): LegendEntry[] {
  const entries = new Map<string, LegendEntry>();
  for (const l of lines) {
    const id = `${l.init}|${l.cell}`;
    if (!entries.has(id))
      entries.set(id, {
        id,
        init: l.init,
        colour: l.colour,
        label: l.cell ? `${INIT_NAME[l.init]}, ${l.cell}` : INIT_NAME[l.init],
      });
  }
  return [...entries.values()];
}

function formatValue(value: number | string): string {
  return typeof value === 'number' ? formatQuantity(value, 3) : value;
}
