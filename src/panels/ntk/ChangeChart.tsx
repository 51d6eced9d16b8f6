import { line, scaleLinear, scaleLog, symbol, symbolCircle, symbolSquare } from 'd3';
import { useCallback } from 'react';
import { SmallChart, type ChartScales } from '../SmallChart.tsx';
import type { Init, StepSeries } from './model.ts';

/** Dots tell the inits apart without colour, as the lines' dashes do: Gaussian ●, orthogonal ■. */
const DOT: Record<Init, string> = {
  gaussian: symbol(symbolCircle, 15)() ?? '',
  orthogonal: symbol(symbolSquare, 15)() ?? '',
};

/** Beyond this many snapshots a curve is a line alone. */
const MAX_DOTS = 60;

/** One curve: its class sets colour and dashes (ntk.css), its name goes in the legend. */
export interface ChangeLine {
  readonly key: string;
  readonly className: string;
  /** Sets the dots' shape, so that the inits differ without colour. */
  readonly init: Init;
  readonly series: StepSeries;
}

interface ChangeChartProps {
  readonly title: string;
  readonly testId: string;
  readonly lines: readonly ChangeLine[];
  /** The last step of training, so that the axis does not rescale as snapshots arrive. */
  readonly lastStep: number;
}

/** A relative change against steps, on a log axis (step 0, where it is 0, is left out). */
export function ChangeChart({ title, testId, lines, lastStep }: ChangeChartProps) {
  const scales = useCallback(
    (innerWidth: number, innerHeight: number): ChartScales => {
      const values = lines.flatMap((l) => l.series.values).filter((v) => v > 0 && Number.isFinite(v));
      const lo = values.length > 0 ? Math.min(...values) : 1e-4;
      const hi = values.length > 0 ? Math.max(...values) : 1e-1;
      // At least a decade, so that a flat curve does not fill the axis with noise.
      const centre = Math.sqrt(lo * hi);
      const [bottom, top] = hi / lo < 10 ? [centre / Math.sqrt(10), centre * Math.sqrt(10)] : [lo, hi];
      return {
        x: scaleLinear()
          .domain([0, Math.max(1, lastStep)])
          .range([0, innerWidth]),
        y: scaleLog().domain([bottom, top]).range([innerHeight, 0]).nice(),
        yFormat: '~g',
      };
    },
    [lines, lastStep],
  );

  return (
    <SmallChart title={title} xLabel="step" testId={testId} scales={scales}>
      {({ x, y }) =>
        lines.map(({ key, className, init, series }) => {
          const indices = series.steps.map((_, i) => i).filter((i) => series.values[i]! > 0);
          return (
            <g key={key} className={className} data-points={indices.length}>
              <path
                className="ntk-change-line"
                d={
                  line<number>()
                    .x((i) => x(series.steps[i]!))
                    .y((i) => y(series.values[i]!))(indices) ?? ''
                }
              />
              {/* Dots too, while few: the first snapshots are single points that a line cannot show. */}
              {(indices.length <= MAX_DOTS ? indices : []).map((i) => (
                <path
                  key={i}
                  className="ntk-change-dot"
                  d={DOT[init]}
                  transform={`translate(${x(series.steps[i]!)},${y(series.values[i]!)})`}
                />
              ))}
            </g>
          );
        })
      }
    </SmallChart>
  );
}
