import { area, line } from 'd3';
import { useCallback, useMemo } from 'react';
import type { SweepPoint } from '../../sweep/types.ts';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart } from '../SmallChart.tsx';
import { sampledLayers, valueLines, type ValueLine } from './aggregate.ts';
import type { DrawnAxis, SweepChartProps } from './drawing.ts';
import { INIT_COLOUR, INIT_DASH, INIT_NAME, markerFill, markerPath, sequenceColour } from './lineStyle.ts';
import { symbolOf } from './describe.ts';
import { fitPowerLaw } from './powerLaw.ts';
import { logLogScales } from './scales.ts';
import { SweepLegend, type LegendEntry } from './SweepLegend.tsx';

const HEIGHT = 320;
const COMPACT_HEIGHT = 240;
const GUIDE_INV_N = '7 4';
const GUIDE_INV_SQRT_N = '10 3 2 3';

/** One drawn quantity against width, for one init. */
interface ChangeSeries extends ValueLine {
  readonly id: string;
  readonly quantity: string;
  readonly colour: string;
  /** Huang et al.'s predicted exponent: −1 for the NTK and the square middle layers, −½ otherwise. */
  readonly expected: number;
}

/**
 * Huang et al. Fig. 1 on log-log axes: the relative change of the empirical NTK and of the first,
 * a middle and the last layer's weights between initialization and the last step, against width,
 * for both inits, with their fitted slopes and 1/n, 1/√n guides.
 */
export function ChangeChart({ drawing, compact = false }: SweepChartProps) {
  const height = compact ? COMPACT_HEIGHT : HEIGHT;
  const xAxis = drawing.axes[0]!;
  const { ntk, weights } = useMemo(() => changeSeries(drawing.points, xAxis), [drawing.points, xAxis]);
  const slopes = [...ntk, ...weights].map((s) => ({
    series: s,
    fit: fitPowerLaw(
      s.cells.map((c) => c.x),
      s.cells.map((c) => c.value.mean),
    ),
  }));
  const quantities = [...new Set(slopes.map((s) => s.series.quantity))];
  const inits = [...new Set(slopes.map((s) => s.series.init))];

  return (
    <div className="sweep-chart" data-testid="sweep-change-chart">
      <div className="sweep-chart-pair">
        <ChangePlot
          title="NTK change ‖Θ_T − Θ₀‖/‖Θ₀‖ (log-log; guides 1/n, 1/√n)"
          series={ntk}
          xAxis={xAxis}
          testId="sweep-ntk-change"
          height={height}
          legend={[...initEntries(ntk, true), ...GUIDE_ENTRIES]}
        />
        <ChangePlot
          title="Weight change ‖W_T − W₀‖/‖W₀‖ per layer (log-log)"
          series={weights}
          xAxis={xAxis}
          testId="sweep-weight-change"
          height={height}
          legend={[...initEntries(weights, false), ...layerEntries(weights), ...GUIDE_ENTRIES]}
        />
      </div>
      <table className="sweep-slopes" data-testid="sweep-slopes">
        <caption>Fitted slope of log(change) against log(width)</caption>
        <thead>
          <tr>
            <th scope="col">quantity</th>
            {inits.map((init) => (
              <th key={init} scope="col">
                {INIT_NAME[init]}
              </th>
            ))}
            <th scope="col">theory</th>
          </tr>
        </thead>
        <tbody>
          {quantities.map((q) => {
            const row = slopes.filter((s) => s.series.quantity === q);
            return (
              <tr key={q}>
                <th scope="row">{q}</th>
                {inits.map((init) => {
                  const fit = row.find((s) => s.series.init === init)?.fit ?? null;
                  return (
                    <td key={init} data-testid={`slope-${q}-${init}`}>
                      {fit ? formatSlope(fit.slope) : '—'}
                    </td>
                  );
                })}
                <td>{row[0]!.series.expected === -1 ? '−1 (1/n)' : '−½ (1/√n)'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ChangePlot({
  title,
  series,
  xAxis,
  testId,
  legend,
  height,
}: {
  readonly title: string;
  readonly series: readonly ChangeSeries[];
  readonly xAxis: DrawnAxis;
  readonly testId: string;
  readonly legend: readonly LegendEntry[];
  readonly height: number;
}) {
  const anchor = guideAnchor(series);
  const scales = useCallback(
    (innerWidth: number, innerHeight: number) => {
      const values = series.flatMap((s) => s.cells.flatMap((c) => [c.value.min, c.value.max]));
      return logLogScales(xAxis, values, innerWidth, innerHeight);
    },
    [series, xAxis],
  );
  return (
    <div>
      <SmallChart
        title={title}
        xLabel={`${xAxis.label} (log scale)`}
        yLabel="relative change"
        testId={testId}
        height={height}
        scales={scales}
      >
        {({ x, y }) => {
          const [x0, x1] = x.domain() as [number, number];
          const guide = (power: number) =>
            anchor
              ? `M${x(x0)},${y(anchor.y * (x0 / anchor.x) ** power)}L${x(x1)},${y(anchor.y * (x1 / anchor.x) ** power)}`
              : '';
          return (
            <>
              {anchor && (
                <g className="sweep-guides">
                  <path className="sweep-guide" strokeDasharray={GUIDE_INV_N} d={guide(-1)} />
                  <path className="sweep-guide" strokeDasharray={GUIDE_INV_SQRT_N} d={guide(-0.5)} />
                </g>
              )}
              {series.map((s) => {
                const band = area<number>()
                  .x((i) => x(s.cells[i]!.x))
                  .y0((i) => y(s.cells[i]!.value.min))
                  .y1((i) => y(s.cells[i]!.value.max))(s.cells.map((_, i) => i));
                const path = line<number>()
                  .x((i) => x(s.cells[i]!.x))
                  .y((i) => y(s.cells[i]!.value.mean))(s.cells.map((_, i) => i));
                return (
                  <g key={s.id} data-testid={`sweep-change-${s.id}`} data-points={s.cells.length}>
                    {band && <path className="sweep-band" fill={s.colour} d={band} />}
                    {path && (
                      <path
                        className="sweep-line"
                        stroke={s.colour}
                        strokeDasharray={INIT_DASH[s.init]}
                        d={path}
                      />
                    )}
                    {s.cells.map((c) => (
                      <path
                        key={c.x}
                        className="sweep-marker"
                        transform={`translate(${x(c.x)},${y(c.value.mean)})`}
                        d={markerPath(s.init)}
                        stroke={s.colour}
                        fill={markerFill(s.init, s.colour)}
                      >
                        <title>{`${INIT_NAME[s.init]}, ${s.quantity}, ${symbolOf(xAxis.key)} = ${c.x}: ${formatQuantity(c.value.mean, 3)}${c.value.count > 1 ? ` (mean of ${c.value.count} seeds)` : ''}`}</title>
                      </path>
                    ))}
                  </g>
                );
              })}
            </>
          );
        }}
      </SmallChart>
      <SweepLegend entries={legend} />
    </div>
  );
}

function changeSeries(points: readonly SweepPoint[], xAxis: DrawnAxis) {
  const ntk: ChangeSeries[] = valueLines(points, xAxis.key, (p) => p.ntkChange).map((l) => ({
    ...l,
    id: `ntk-${l.init}`,
    quantity: 'NTK',
    colour: INIT_COLOUR[l.init],
    expected: -1,
  }));
  const layerCount = Math.max(0, ...points.map((p) => p.weightChange?.length ?? 0));
  const layers = sampledLayers(layerCount);
  const weights: ChangeSeries[] = layers.flatMap((layer, k) =>
    valueLines(points, xAxis.key, (p) => p.weightChange?.[layer.index]).map((l) => ({
      ...l,
      id: `w${layer.index + 1}-${l.init}`,
      quantity: layer.label,
      colour: sequenceColour(k),
      expected: layer.index === 0 || layer.index === layerCount - 1 ? -0.5 : -1,
    })),
  );
  return { ntk, weights };
}

/** The guides pass through the mean of the drawn values at the smallest width. */
function guideAnchor(series: readonly ChangeSeries[]): { x: number; y: number } | null {
  const firsts = series.map((s) => s.cells[0]).filter((c) => c !== undefined);
  if (firsts.length === 0) return null;
  const x = Math.min(...firsts.map((c) => c.x));
  const at = firsts.filter((c) => c.x === x).map((c) => Math.log(c.value.mean));
  return { x, y: Math.exp(at.reduce((a, b) => a + b, 0) / at.length) };
}

/** Inits by line style; in their own colours where colour means the init, in grey where it means the layer. */
function initEntries(series: readonly ChangeSeries[], coloured: boolean): LegendEntry[] {
  return [...new Set(series.map((s) => s.init))].map((init) => ({
    id: init,
    init,
    colour: coloured ? INIT_COLOUR[init] : '#444',
    label: INIT_NAME[init],
  }));
}

function layerEntries(weights: readonly ChangeSeries[]): LegendEntry[] {
  return [...new Map(weights.map((s) => [s.quantity, s.colour])).entries()].map(([label, colour]) => ({
    id: label,
    init: null,
    colour,
    label,
  }));
}

const GUIDE_ENTRIES: readonly LegendEntry[] = [
  { id: 'inv-n', init: null, colour: '#777', dash: GUIDE_INV_N, label: '1/n' },
  { id: 'inv-sqrt-n', init: null, colour: '#777', dash: GUIDE_INV_SQRT_N, label: '1/√n' },
];

function formatSlope(slope: number): string {
  return (slope < 0 ? '−' : '') + Math.abs(slope).toFixed(2);
}
