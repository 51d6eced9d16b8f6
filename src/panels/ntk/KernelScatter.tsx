import { format, scaleLinear, symbol, symbolCircle, symbolTimes } from 'd3';
import { useCallback } from 'react';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart, type ChartScales } from '../SmallChart.tsx';
import { INIT_LABEL, type Init, type ScatterPoint } from './model.ts';

/** Marker shapes tell the inits apart without colour: Gaussian ○, orthogonal ×. */
const MARKER: Record<Init, string> = {
  gaussian: symbol(symbolCircle, 22)() ?? '',
  orthogonal: symbol(symbolTimes, 26)() ?? '',
};

export interface InitPoints {
  readonly init: Init;
  readonly points: readonly ScatterPoint[];
}

const plainTick = format('~g');

/**
 * A kernel value as an axis tick. Large and tiny values read as 4·10⁸ (a chaotic network's kernel
 * reaches 10⁹, whose plain digits ran out of the chart's margin); others in d3's shortest form.
 */
export function kernelTick(value: number): string {
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)
    ? formatQuantity(value, 3)
    : plainTick(value);
}

/** [min, max] of the values, widened by 4 % either way (by 1 when they are all equal). */
function padded(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? 0.04 * (hi - lo) : 1;
  return [lo - pad, hi + pad];
}

/**
 * Every distinct entry of the measured kernel (y) against the infinite-width one (x), per init,
 * with the line y = x: at infinite width every marker would sit on it.
 */
export function KernelScatter({ series, title }: { series: readonly InitPoints[]; title: string }) {
  const scales = useCallback(
    (innerWidth: number, innerHeight: number): ChartScales => {
      const all = series.flatMap((s) => s.points);
      return {
        x: scaleLinear()
          .domain(padded(all.map((p) => p.analytic)))
          .range([0, innerWidth])
          .nice(),
        y: scaleLinear()
          .domain(padded(all.map((p) => p.empirical)))
          .range([innerHeight, 0])
          .nice(),
        // Kernel values are not whole numbers (SmallChart's default x ticks are steps).
        xTickFormat: kernelTick,
        yTickFormat: kernelTick,
      };
    },
    [series],
  );

  return (
    <SmallChart title={title} xLabel="Θ_∞ (analytic)" testId="ntk-scatter" scales={scales}>
      {({ x, y }) => {
        // y = x where it crosses the plot (each axis fits its own values: after training the
        // measured kernel may span ten times the range of theory's).
        const [x0, x1] = x.domain() as [number, number];
        const [y0, y1] = y.domain() as [number, number];
        const from = Math.max(x0, y0);
        const to = Math.min(x1, y1);
        return (
          <>
            {from < to && <line className="ntk-identity" x1={x(from)} y1={y(from)} x2={x(to)} y2={y(to)} />}
            {series.map(({ init, points }) => (
              <g
                key={init}
                className={`ntk-scatter-${init}`}
                data-testid={`ntk-scatter-${init}`}
                data-points={points.length}
              >
                <title>{INIT_LABEL[init]}</title>
                {points.map((p, i) => (
                  <path
                    key={i}
                    d={MARKER[init]}
                    transform={`translate(${x(p.analytic)},${y(p.empirical)})`}
                  />
                ))}
              </g>
            ))}
          </>
        );
      }}
    </SmallChart>
  );
}
