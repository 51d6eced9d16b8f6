import { area, line } from 'd3';
import { useCallback, useMemo } from 'react';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart } from '../SmallChart.tsx';
import { INIT_ORDER, tauLines, tauLinesBestOver, type TauCell, type TauLine } from './aggregate.ts';
import type { SweepValue } from '../../sweep/types.ts';
import { symbolOf } from './describe.ts';
import type { DrawnAxis, SweepChartProps, SweepDrawing } from './drawing.ts';
import { INIT_COLOUR, INIT_DASH, INIT_NAME, markerFill, markerPath, sequenceColour } from './lineStyle.ts';
import { axisPosition, quantityAxis, sweepXAxis } from './scales.ts';
import { SweepLegend, type LegendEntry } from './SweepLegend.tsx';

const HEIGHT = 360;
const COMPACT_HEIGHT = 250;
/** Room above the plot for the marks of runs that never reached τ: a row per init. */
const FAILURE_ROW = 14;
const FAILURE_LANE = 2 * FAILURE_ROW + 8;
const CROSS = 'M-4,-4L4,4M-4,4L4,-4';

interface DrawnLine extends TauLine {
  readonly id: string;
  readonly colour: string;
  readonly name: string;
}

/**
 * τ, the first step at which the threshold is reached, against the swept parameter (Huang et al.
 * Fig. 3): one line per init and value of the second swept parameter, the mean over the seeds that
 * reached it with their min–max band; above the plot, ✕ where seeds diverged and ○ where they
 * trained to the end without reaching it.
 */
export function TauChart({ drawing, compact = false }: SweepChartProps) {
  const height = compact ? COMPACT_HEIGHT : HEIGHT;
  const xAxis = drawing.axes[0]!;
  const bestAxis = drawing.bestOver === null ? null : (drawing.axes[1] ?? null);
  const secondAxis = bestAxis ? null : (drawing.axes[1] ?? null);
  const lines = useMemo(
    () => drawnLines(drawing, xAxis, secondAxis, bestAxis),
    [drawing, xAxis, secondAxis, bestAxis],
  );

  const scales = useCallback(
    (innerWidth: number, innerHeight: number) => {
      const x = sweepXAxis(xAxis, innerWidth);
      const taus = lines.flatMap((l) => l.cells.flatMap((c) => (c.tau ? [c.tau.min, c.tau.max] : [])));
      const y = quantityAxis(taus.length > 0 ? taus : [1, drawing.steps], innerHeight, { zeroFloor: true });
      return {
        x: x.scale,
        y: y.scale,
        ...(x.ticks ? { xTicks: x.ticks } : {}),
        ...(x.format ? { xFormat: x.format } : {}),
        yFormat: '~s',
      };
    },
    [xAxis, lines, drawing.steps],
  );

  const metric = drawing.threshold.metric === 'acc' ? 'accuracy' : `${drawing.threshold.metric} loss`;
  const best = bestAxis
    ? `, each at its best ${bestAxis.label} of ${bestAxis.values.map(String).join(', ')} (labelled)`
    : '';
  const title = `Steps τ to ${metric} ${drawing.threshold.metric === 'acc' ? '≥' : '≤'} ${formatQuantity(drawing.threshold.value)}${best} (mean over seeds, band: min–max)`;
  return (
    <div className="sweep-chart" data-testid="sweep-tau-chart">
      <SmallChart
        title={title}
        xLabel={`${xAxis.label}${xAxis.log ? ' (log scale)' : ''}`}
        yLabel="τ (steps)"
        testId="sweep-tau-svg"
        height={height}
        topMargin={FAILURE_LANE}
        scales={scales}
      >
        {({ x, y }, { innerWidth }) => {
          const px = (cell: TauCell) => x(axisPosition(xAxis, cell.x));
          return (
            <>
              <line className="sweep-lane-rule" x1={0} x2={innerWidth} y1={-4} y2={-4} />
              {INIT_ORDER.map((init, row) => (
                <text key={init} className="sweep-lane-label" x={-8} y={laneY(row) + 3.5} textAnchor="end">
                  {INIT_NAME[init]}
                </text>
              ))}
              {lines.map((l) => {
                const reached = l.cells.map((c, i) => (c.tau ? i : -1)).filter((i) => i >= 0);
                const band = area<number>()
                  .defined((i) => l.cells[i]!.tau !== null)
                  .x((i) => px(l.cells[i]!))
                  .y0((i) => y(l.cells[i]!.tau!.min))
                  .y1((i) => y(l.cells[i]!.tau!.max))(l.cells.map((_, i) => i));
                const path = line<number>()
                  .defined((i) => l.cells[i]!.tau !== null)
                  .x((i) => px(l.cells[i]!))
                  .y((i) => y(l.cells[i]!.tau!.mean))(l.cells.map((_, i) => i));
                const seeds = Math.max(...l.cells.map((c) => c.seeds));
                return (
                  <g key={l.id} data-testid={`sweep-line-${l.id}`} data-points={reached.length}>
                    {seeds > 1 && band && <path className="sweep-band" fill={l.colour} d={band} />}
                    {path && (
                      <path
                        className="sweep-line"
                        stroke={l.colour}
                        strokeDasharray={INIT_DASH[l.init]}
                        d={path}
                      />
                    )}
                    {reached.map((i) => {
                      const cell = l.cells[i]!;
                      const spread = cell.tau!;
                      return (
                        <g key={i}>
                          {spread.count > 1 && spread.max > spread.min && (
                            // The spread at each point too: a band cannot show it where a point stands alone.
                            <path
                              className="sweep-whisker"
                              stroke={l.colour}
                              d={`M${px(cell) - 3},${y(spread.min)}h6M${px(cell)},${y(spread.min)}V${y(spread.max)}M${px(cell) - 3},${y(spread.max)}h6`}
                            />
                          )}
                          <path
                            className="sweep-marker"
                            transform={`translate(${px(cell)},${y(cell.tau!.mean)})`}
                            d={markerPath(l.init)}
                            stroke={l.colour}
                            fill={markerFill(l.init, l.colour)}
                          >
                            <title>{cellText(l, cell, xAxis, bestAxis)}</title>
                          </path>
                          {bestAxis && cell.bestAt && (
                            <text
                              className="sweep-best-at"
                              x={px(cell) + 7}
                              y={y(spread.mean) + (l.init === 'gaussian' ? -6 : 13)}
                              fill={l.colour}
                            >
                              {bestLabel(bestAxis, cell.bestAt)}
                            </text>
                          )}
                        </g>
                      );
                    })}
                  </g>
                );
              })}
              {lines.map((l) =>
                l.cells.map((cell, i) => {
                  if (cell.diverged === 0 && cell.notReached === 0) return null;
                  // One row per init; within it, the second parameter's values side by side.
                  const mine = lines.filter((other) => other.init === l.init);
                  const dx = (mine.indexOf(l) - (mine.length - 1) / 2) * 9;
                  const kind = cell.diverged > 0 ? 'diverged' : 'not-reached';
                  return (
                    <g
                      key={`${l.id}-${i}`}
                      className={`sweep-failure sweep-${kind}`}
                      data-testid="sweep-failure"
                      data-kind={kind}
                      transform={`translate(${px(cell) + dx},${laneY(INIT_ORDER.indexOf(l.init))})`}
                      stroke={l.colour}
                    >
                      {cell.diverged > 0 ? <path d={CROSS} /> : <circle r={4} fill="white" />}
                      <title>{cellText(l, cell, xAxis, bestAxis)}</title>
                    </g>
                  );
                }),
              )}
            </>
          );
        }}
      </SmallChart>
      <SweepLegend entries={legendEntries(lines, secondAxis)} failures />
    </div>
  );
}

/** The y of an init's row of "no τ" marks, above the plot area. */
function laneY(row: number): number {
  return -FAILURE_LANE + FAILURE_ROW / 2 + row * FAILURE_ROW;
}

function drawnLines(
  drawing: SweepDrawing,
  xAxis: DrawnAxis,
  secondAxis: DrawnAxis | null,
  bestAxis: DrawnAxis | null,
): DrawnLine[] {
  const lines = bestAxis
    ? tauLinesBestOver(drawing.points, xAxis.key, bestAxis.key)
    : tauLines(drawing.points, xAxis.key, secondAxis?.key ?? null);
  return lines.map((l) => {
    const secondIndex = secondAxis && l.second !== null ? secondAxis.values.indexOf(l.second) : -1;
    return {
      ...l,
      id: secondAxis ? `${l.init}-${String(l.second)}` : l.init,
      colour: secondIndex >= 0 ? sequenceColour(secondIndex) : INIT_COLOUR[l.init],
      name:
        secondAxis && l.second !== null
          ? `${INIT_NAME[l.init]}, ${symbolOf(secondAxis.key)} = ${String(l.second)}`
          : INIT_NAME[l.init],
    };
  });
}

function legendEntries(lines: readonly DrawnLine[], secondAxis: DrawnAxis | null): LegendEntry[] {
  if (!secondAxis) return lines.map((l) => ({ id: l.id, init: l.init, colour: l.colour, label: l.name }));
  // Inits by line style, then the second parameter's values by colour.
  const inits = [...new Set(lines.map((l) => l.init))];
  const seconds = secondAxis.values.filter((v) => lines.some((l) => l.second === v));
  return [
    ...inits.map((init) => ({ id: init, init, colour: '#333', label: INIT_NAME[init] })),
    ...seconds.map((v, i) => ({
      id: `second-${String(v)}`,
      init: null,
      colour: sequenceColour(secondAxis.values.indexOf(v) >= 0 ? secondAxis.values.indexOf(v) : i),
      label: `${symbolOf(secondAxis.key)} = ${String(v)}`,
    })),
  ];
}

/** e.g. "lr 0.03", or "lr 0.01–0.03" where the seeds' best values differ. */
function bestLabel(axis: DrawnAxis, at: readonly SweepValue[]): string {
  const values = [...new Set(at)].map((v) => (typeof v === 'number' ? v : axis.values.indexOf(v)));
  const shown = (v: number) => formatQuantity(v, 2);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return `${symbolOf(axis.key)} ${lo === hi ? shown(lo) : `${shown(lo)}–${shown(hi)}`}`;
}

function cellText(l: DrawnLine, cell: TauCell, xAxis: DrawnAxis, bestAxis: DrawnAxis | null): string {
  const where = `${l.name}, ${symbolOf(xAxis.key)} = ${typeof cell.x === 'number' ? formatQuantity(cell.x) : cell.x}`;
  const parts: string[] = [];
  if (cell.tau) {
    const spread = cell.tau.count > 1 ? ` (mean of ${cell.tau.count}; ${cell.tau.min}–${cell.tau.max})` : '';
    parts.push(`τ = ${formatQuantity(cell.tau.mean)}${spread}`);
    if (bestAxis && cell.bestAt)
      parts.push(`best ${symbolOf(bestAxis.key)} per seed: ${cell.bestAt.map(String).join(', ')}`);
  }
  if (cell.diverged > 0) parts.push(`${cell.diverged} of ${cell.seeds} seeds diverged`);
  if (cell.notReached > 0) parts.push(`${cell.notReached} of ${cell.seeds} never reached it`);
  return `${where}: ${parts.join('; ')}`;
}
