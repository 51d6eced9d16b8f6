import { area, line, scaleLinear } from 'd3';
import { useCallback, useMemo } from 'react';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart } from '../SmallChart.tsx';
import { symbolOf } from './describe.ts';
import type { SweepChartProps } from './drawing.ts';
import { INIT_COLOUR, INIT_DASH, INIT_NAME, sequenceColour } from './lineStyle.ts';
import { quantityAxis } from './scales.ts';
import {
  heldOutLines,
  singularValueLines,
  type HeldOutLine,
  type SingularValueLine,
} from './singularValueSeries.ts';
import { SweepLegend, type LegendEntry } from './SweepLegend.tsx';

const HEIGHT = 340;
const COMPACT_HEIGHT = 240;
/** The min and max lines: thinner than the mean's, so the band and the mean lead. */
const EXTREME_WIDTH = 0.9;

interface DrawnLine {
  readonly id: string;
  readonly line: SingularValueLine;
  readonly colour: string;
  readonly label: string;
}

/**
 * The singular values of the weights during training (measure=weights; for arch=rnn the recurrent
 * W), Hlav Fig. 7: per grid point and init, the mean over the singular values with a ± std band,
 * and thin lines at the smallest and largest, against steps. One colour per grid point, the init
 * by dash; a dotted line at σ_w, where an orthogonal W starts and the gain-adjusted penalty pulls.
 * Beside it, where the sweep evaluated (lm=acc or test), the held-out metric against steps (Fig. 8).
 */
export function SingularValuesChart({ drawing, compact = false }: SweepChartProps) {
  const height = compact ? COMPACT_HEIGHT : HEIGHT;
  const keys = useMemo(() => drawing.axes.map((a) => a.key), [drawing.axes]);
  const drawn = useMemo(
    () => drawnLines(singularValueLines(drawing.points, drawing.curves, keys), keys),
    [drawing, keys],
  );
  const heldOut = useMemo(() => heldOutLines(drawing.points, drawing.curves, keys), [drawing, keys]);
  const sweptGain = keys.includes('sw2');
  const gain = sweptGain ? null : Math.sqrt(drawing.config.sw2);
  const lastStep = Math.max(1, ...drawn.map((d) => d.line.steps[d.line.steps.length - 1] ?? 0));
  const scales = useCallback(
    (innerWidth: number, innerHeight: number) => {
      const values = drawn.flatMap((d) => [...d.line.min, ...d.line.max]);
      if (gain !== null) values.push(gain);
      const y = quantityAxis(values.length > 0 ? values : [0, 2], innerHeight, {
        zeroFloor: true,
        logRatio: Infinity,
      });
      return {
        x: scaleLinear().domain([0, lastStep]).range([0, innerWidth]),
        y: y.scale,
        yFormat: '~g',
      };
    },
    [drawn, gain, lastStep],
  );

  return (
    <div className="sweep-chart" data-testid="sweep-sv-chart">
      <div className={heldOut.length > 0 ? 'sweep-chart-pair' : undefined}>
        <SmallChart
          title="Singular values of W during training: mean ± std (band), min and max (thin)"
          xLabel="step"
          yLabel="singular value σ"
          testId="sweep-sv-svg"
          height={height}
          scales={scales}
        >
          {({ x, y }) => (
            <>
              {gain !== null && (
                <line
                  className="sweep-guide"
                  strokeDasharray="2 3"
                  x1={x(0)}
                  x2={x(lastStep)}
                  y1={y(gain)}
                  y2={y(gain)}
                >
                  <title>{`σ_w = ${formatQuantity(gain, 3)}`}</title>
                </line>
              )}
              {drawn.map((d) => {
                const { steps, mean, std, min, max } = d.line;
                const index = steps.map((_, i) => i);
                const band = area<number>()
                  .x((i) => x(steps[i]!))
                  .y0((i) => y(mean[i]! - std[i]!))
                  .y1((i) => y(mean[i]! + std[i]!))(index);
                const through = (values: readonly number[]) =>
                  line<number>()
                    .x((i) => x(steps[i]!))
                    .y((i) => y(values[i]!))(index);
                const dash = INIT_DASH[d.line.init];
                return (
                  <g key={d.id} data-testid={`sweep-sv-${d.id}`} data-points={steps.length}>
                    {band && <path className="sweep-band" fill={d.colour} d={band} />}
                    {[min, max].map((values, k) => (
                      <path
                        key={k}
                        className="sweep-line"
                        stroke={d.colour}
                        strokeWidth={EXTREME_WIDTH}
                        strokeDasharray={dash}
                        d={through(values) ?? ''}
                      />
                    ))}
                    <path
                      className="sweep-line"
                      stroke={d.colour}
                      strokeDasharray={dash}
                      d={through(mean) ?? ''}
                    >
                      <title>{`${d.label}: at step ${steps[steps.length - 1]}, σ in ${formatQuantity(min[min.length - 1]!, 3)}–${formatQuantity(max[max.length - 1]!, 3)}, mean ${formatQuantity(mean[mean.length - 1]!, 3)}`}</title>
                    </path>
                  </g>
                );
              })}
            </>
          )}
        </SmallChart>
        {heldOut.length > 0 && (
          <HeldOutPlot
            lines={heldOut}
            drawn={drawn}
            keys={keys}
            metric={drawing.config.lm}
            lastStep={drawing.steps}
            height={height}
          />
        )}
      </div>
      <SweepLegend
        markers={false}
        entries={[
          ...drawn.map((d): LegendEntry => ({
            id: d.id,
            init: d.line.init,
            colour: d.colour,
            label: d.label,
          })),
          ...(gain !== null
            ? [{ id: 'gain', init: null, colour: '#444', label: 'σ_w (the init’s gain)', dash: '2 3' }]
            : []),
        ]}
      />
      {drawn.length === 0 && (
        <p className="sweep-note">
          The singular values are drawn as each group finishes; they are taken by sweeps that measure the
          weights (measure=weights).
        </p>
      )}
    </div>
  );
}

function drawnLines(lines: readonly SingularValueLine[], keys: readonly string[]): DrawnLine[] {
  const grid = [...new Set(lines.map((l) => JSON.stringify(keys.map((k) => l.at[k]))))];
  return lines.map((l) => {
    const cell = grid.indexOf(JSON.stringify(keys.map((k) => l.at[k])));
    const where = keys.map((k) => `${symbolOf(k)} = ${String(l.at[k])}`).join(', ');
    const seeds = l.seeds > 1 ? ` (${l.seeds} seeds)` : '';
    return {
      id: `${l.init}-${cell}`,
      line: l,
      colour: grid.length > 1 ? sequenceColour(cell) : INIT_COLOUR[l.init],
      label: `${INIT_NAME[l.init]}${where ? `, ${where}` : ''}${seeds}`,
    };
  });
}

/** The held-out metric against steps, in the colours and dashes of the singular-value lines. */
function HeldOutPlot({
  lines,
  drawn,
  keys,
  metric,
  lastStep,
  height,
}: {
  readonly lines: readonly HeldOutLine[];
  readonly drawn: readonly DrawnLine[];
  readonly keys: readonly string[];
  readonly metric: string;
  readonly lastStep: number;
  readonly height: number;
}) {
  const accuracy = metric === 'acc';
  const colourOf = (l: HeldOutLine) => {
    const where = JSON.stringify(keys.map((k) => l.at[k]));
    const match = drawn.find(
      (d) => d.line.init === l.init && JSON.stringify(keys.map((k) => d.line.at[k])) === where,
    );
    return match?.colour ?? INIT_COLOUR[l.init];
  };
  const scales = useCallback(
    (innerWidth: number, innerHeight: number) => {
      const values = lines.flatMap((l) => l.mean);
      const y = accuracy
        ? { scale: scaleLinear().domain([0, 1]).range([innerHeight, 0]) }
        : quantityAxis(values.length > 0 ? values : [0.1, 1], innerHeight);
      return { x: scaleLinear().domain([0, lastStep]).range([0, innerWidth]), y: y.scale, yFormat: '~g' };
    },
    [lines, accuracy, lastStep],
  );
  return (
    <SmallChart
      title={accuracy ? 'Held-out accuracy, mean over seeds' : 'Held-out loss, mean over seeds'}
      xLabel="step"
      yLabel={accuracy ? 'accuracy' : 'loss'}
      testId="sweep-sv-held-out"
      height={height}
      scales={scales}
    >
      {({ x, y }) => (
        <>
          {lines.map((l, k) => {
            const path = line<number>()
              .x((i) => x(l.steps[i]!))
              .y((i) => y(l.mean[i]!))(l.steps.map((_, i) => i));
            return (
              <path
                key={k}
                className="sweep-line"
                stroke={colourOf(l)}
                strokeDasharray={INIT_DASH[l.init]}
                d={path ?? ''}
                data-testid={`sweep-held-out-${l.init}-${k}`}
              >
                <title>{`${INIT_NAME[l.init]}${keys.map((key) => `, ${symbolOf(key)} = ${String(l.at[key])}`).join('')}: ${formatQuantity(l.mean[l.mean.length - 1]!, 3)} at step ${l.steps[l.steps.length - 1]}`}</title>
              </path>
            );
          })}
        </>
      )}
    </SmallChart>
  );
}
