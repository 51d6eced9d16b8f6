import { area, line, scaleLinear } from 'd3';
import { useCallback, useMemo } from 'react';
import { aggregateSeeds, type SeedAggregate } from '../loss/aggregate.ts';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart } from '../SmallChart.tsx';
import { INIT_ORDER, curveGroups, spreadOf, type CurveGroup } from './aggregate.ts';
import { symbolOf } from './describe.ts';
import type { SweepChartProps, SweepDrawing } from './drawing.ts';
import { INIT_COLOUR, INIT_DASH, INIT_NAME, sequenceColour } from './lineStyle.ts';
import { quantityAxis } from './scales.ts';
import { SweepLegend, type LegendEntry } from './SweepLegend.tsx';

const HEIGHT = 340;
const COMPACT_HEIGHT = 240;

interface DrawnCurve {
  readonly id: string;
  readonly group: CurveGroup;
  readonly colour: string;
  readonly label: string;
  readonly aggregate: SeedAggregate;
}

/**
 * The training-loss curves of every init (mean over seeds, min–max band), one per grid point, with
 * the NTK change each init's networks went through printed beside them (Huang et al. Fig. 2: in
 * the lazy regime the two inits' curves coincide and their kernels barely move).
 */
export function CurvesChart({ drawing, compact = false }: SweepChartProps) {
  const height = compact ? COMPACT_HEIGHT : HEIGHT;
  const drawn = useMemo(
    () =>
      drawnCurves(
        drawing,
        drawing.axes.map((a) => a.key),
      ),
    [drawing],
  );
  const scales = useCallback(
    (innerWidth: number, innerHeight: number) => {
      const values = drawn.flatMap((c) => [
        ...c.aggregate.lo.subarray(0, c.aggregate.length),
        ...c.aggregate.hi.subarray(0, c.aggregate.length),
      ]);
      const y = quantityAxis(values.length > 0 ? values : [0.01, 1], innerHeight, { logRatio: 10 });
      return {
        x: scaleLinear().domain([0, drawing.steps]).range([0, innerWidth]),
        y: y.scale,
        yFormat: y.log ? '.0e' : '~g',
      };
    },
    [drawn, drawing.steps],
  );
  const changes = INIT_ORDER.map((init) => ({
    init,
    ntk: spreadOf(
      drawing.points.filter((p) => p.init === init && p.ntkChange !== undefined).map((p) => p.ntkChange!),
    ),
  })).filter((c) => c.ntk !== null);

  return (
    <div className="sweep-chart" data-testid="sweep-curves-chart">
      <SmallChart
        title="Training loss, mean over seeds (band: min–max)"
        xLabel="step"
        yLabel="training loss"
        testId="sweep-curves-svg"
        height={height}
        scales={scales}
      >
        {({ x, y }) => (
          <>
            {drawn.map((c) => {
              const a = c.aggregate;
              const index = Array.from({ length: a.length }, (_, i) => i);
              const band = area<number>()
                .x((i) => x(a.steps[i]!))
                .y0((i) => y(a.lo[i]!))
                .y1((i) => y(a.hi[i]!))(index);
              const path = line<number>()
                .x((i) => x(a.steps[i]!))
                .y((i) => y(a.mean[i]!))(index);
              return (
                <g key={c.id} data-testid={`sweep-curve-${c.id}`} data-points={a.length}>
                  {c.group.seeds.length > 1 && band && (
                    <path className="sweep-band" fill={c.colour} d={band} />
                  )}
                  {path && (
                    <path
                      className="sweep-line"
                      stroke={c.colour}
                      strokeDasharray={INIT_DASH[c.group.init]}
                      d={path}
                    />
                  )}
                </g>
              );
            })}
          </>
        )}
      </SmallChart>
      <SweepLegend
        markers={false}
        entries={drawn.map((c): LegendEntry => ({
          id: c.id,
          init: c.group.init,
          colour: c.colour,
          label: c.label,
        }))}
      />
      {drawn.length === 0 && (
        <p className="sweep-note">Each group's curves are drawn as soon as its runs finish.</p>
      )}
      {changes.length > 0 && (
        <p className="sweep-ntk-change" data-testid="sweep-ntk-printed">
          NTK change ‖Θ_T − Θ₀‖/‖Θ₀‖ over the {drawing.steps} steps:{' '}
          {changes.map((c, i) => (
            <span key={c.init}>
              {i > 0 && ', '}
              {INIT_NAME[c.init]} <strong>{formatQuantity(c.ntk!.mean, 3)}</strong>
              {c.ntk!.count > 1 && ` (${formatQuantity(c.ntk!.min, 2)}–${formatQuantity(c.ntk!.max, 2)})`}
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

function drawnCurves(drawing: SweepDrawing, axisKeys: readonly string[]): DrawnCurve[] {
  const groups = curveGroups(drawing.points, drawing.curves, axisKeys);
  const grid = [...new Set(groups.map((g) => JSON.stringify(axisKeys.map((k) => g.at[k]))))];
  return groups.map((group) => {
    const cell = grid.indexOf(JSON.stringify(axisKeys.map((k) => group.at[k])));
    const where = axisKeys.map((k) => `${symbolOf(k)} = ${String(group.at[k])}`).join(', ');
    return {
      id: `${group.init}-${cell}`,
      group,
      colour: grid.length > 1 ? sequenceColour(cell) : INIT_COLOUR[group.init],
      label: grid.length > 1 ? `${INIT_NAME[group.init]}, ${where}` : INIT_NAME[group.init],
      aggregate: aggregateSeeds(
        group.seeds.map((s) => ({
          steps: s.steps,
          values: s.values,
          length: s.steps.length,
          cutoff: Infinity,
        })),
      ),
    };
  });
}
