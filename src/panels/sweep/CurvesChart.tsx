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
  readonly dash: string | undefined;
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
                    <path className="sweep-line" stroke={c.colour} strokeDasharray={c.dash} d={path} />
                  )}
                </g>
              );
            })}
          </>
        )}
      </SmallChart>
      <SweepLegend
        markers={false}
        entries={drawn.map((c): LegendEntry =>
          c.dash === INIT_DASH[c.group.init]
            ? { id: c.id, init: c.group.init, colour: c.colour, label: c.label }
            : { id: c.id, init: null, colour: c.colour, label: c.label, ...(c.dash ? { dash: c.dash } : {}) },
        )}
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

/** Dashes telling a second axis's values apart when the init does not need the dash. */
const VALUE_DASH: readonly (string | undefined)[] = [undefined, '7 4', '1.5 3.5', '10 3 2 3'];

function drawnCurves(drawing: SweepDrawing, axisKeys: readonly string[]): DrawnCurve[] {
  const groups = curveGroups(drawing.points, drawing.curves, axisKeys);
  const grid = [...new Set(groups.map((g) => JSON.stringify(axisKeys.map((k) => g.at[k]))))];
  // One init over two axes (Sokół & Park's Fig. 1: method × q*): colour by the first axis and
  // dash by the second, so that the lines of one method read as a family.
  const singleInit = new Set(groups.map((g) => g.init)).size === 1;
  const byValue = singleInit && axisKeys.length === 2;
  const valuesOf = (key: string) => [...new Set(groups.map((g) => JSON.stringify(g.at[key])))];
  const [firstValues, secondValues] = axisKeys.map(valuesOf);
  return groups.map((group) => {
    const cell = grid.indexOf(JSON.stringify(axisKeys.map((k) => group.at[k])));
    const where = axisKeys.map((k) => `${symbolOf(k)} = ${String(group.at[k])}`).join(', ');
    const dash = byValue
      ? VALUE_DASH[secondValues!.indexOf(JSON.stringify(group.at[axisKeys[1]!])) % VALUE_DASH.length]
      : INIT_DASH[group.init];
    return {
      id: `${group.init}-${cell}`,
      group,
      dash,
      colour: byValue
        ? // A few values (methods, say) spread over the palette, so that no two look alike.
          sequenceColour(
            firstValues!.indexOf(JSON.stringify(group.at[axisKeys[0]!])) * (firstValues!.length <= 3 ? 2 : 1),
          )
        : grid.length > 1
          ? sequenceColour(cell)
          : INIT_COLOUR[group.init],
      label:
        grid.length > 1 ? `${singleInit ? '' : `${INIT_NAME[group.init]}, `}${where}` : INIT_NAME[group.init],
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
