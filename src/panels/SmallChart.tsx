import { axisBottom, axisLeft, select, type ScaleContinuousNumeric } from 'd3';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useElementWidth } from '../ui/useElementWidth.ts';

// The right margin holds half of the last x tick label ("1000", "100k").
const MARGIN = { top: 8, right: 16, bottom: 42, left: 54 } as const;
/** With a y-axis title, the left margin makes room for it beside the tick labels. */
const Y_TITLE_MARGIN = 16;
const HEIGHT = 205;

type Scale = ScaleContinuousNumeric<number, number>;

export interface ChartScales {
  readonly x: Scale;
  readonly y: Scale;
  /** d3 tick format of the x axis; 'd' (whole numbers) unless given, e.g. '.0e' on a log η axis. */
  readonly xFormat?: string;
  /** Ticks at these x values with these labels (a sweep's grid), instead of d3's choice. */
  readonly xTicks?: { readonly values: readonly number[]; readonly format: (value: number) => string };
  /** d3 tick format of the y axis (e.g. '.0e' on log axes). */
  readonly yFormat?: string;
  /** Label of a tick at d3's choice of positions, where no d3 format string says it (both axes). */
  readonly xTickFormat?: (value: number) => string;
  readonly yTickFormat?: (value: number) => string;
}

interface SmallChartProps {
  readonly title: string;
  readonly xLabel: string;
  /** Written along the y axis; without it the caption says what is drawn. */
  readonly yLabel?: string;
  readonly testId: string;
  /** Pixel height of the whole chart (axes included); the small panels' 205 unless given. */
  readonly height?: number;
  /** Space kept above the plot area (for marks drawn above the data, e.g. "not reached"). */
  readonly topMargin?: number;
  /** Scales for the plot area's size (a useCallback, so that they are rebuilt only when the data change). */
  readonly scales: (innerWidth: number, innerHeight: number) => ChartScales;
  readonly children: (scales: ChartScales, size: { innerWidth: number; innerHeight: number }) => ReactNode;
}

/** The frame the small panels share: a chart that fills its column, axes declared once, a caption. */
export function SmallChart({
  title,
  xLabel,
  yLabel,
  testId,
  height = HEIGHT,
  topMargin = MARGIN.top,
  scales,
  children,
}: SmallChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(containerRef, 280);
  const xAxisRef = useRef<SVGGElement>(null);
  const yAxisRef = useRef<SVGGElement>(null);
  const left = MARGIN.left + (yLabel ? Y_TITLE_MARGIN : 0);
  const innerWidth = width - left - MARGIN.right;
  const innerHeight = height - topMargin - MARGIN.bottom;
  const chart = useMemo(() => scales(innerWidth, innerHeight), [scales, innerWidth, innerHeight]);

  useEffect(() => {
    if (xAxisRef.current) {
      const axis = axisBottom(chart.x);
      const ticks = chart.xTicks;
      const xTickFormat = chart.xTickFormat;
      if (ticks) axis.tickValues([...ticks.values]).tickFormat((value) => ticks.format(Number(value)));
      else if (xTickFormat) axis.ticks(5).tickFormat((value) => xTickFormat(Number(value)));
      else if (chart.xFormat) axis.ticks(5, chart.xFormat);
      // Whole-number axes (steps, layers) tick whole numbers only: on a short domain (before
      // training, or L = 1) d3's 0.2-spaced ticks would all read "0 0 0 1 1 1".
      else axis.tickValues(wholeTicks(chart.x)).tickFormat((value) => String(value));
      select(xAxisRef.current).call(axis);
    }
    if (yAxisRef.current) {
      const yTickFormat = chart.yTickFormat;
      const axis = yTickFormat
        ? axisLeft(chart.y)
            .ticks(4)
            .tickFormat((value) => yTickFormat(Number(value)))
        : axisLeft(chart.y).ticks(4, chart.yFormat);
      select(yAxisRef.current).call(axis);
    }
  }, [chart]);

  return (
    <div ref={containerRef} className="small-chart">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${title}, against ${xLabel}`}
        data-testid={testId}
      >
        <g transform={`translate(${left},${topMargin})`}>
          {children(chart, { innerWidth, innerHeight })}
          <g ref={xAxisRef} transform={`translate(0,${innerHeight})`} />
          <g ref={yAxisRef} />
          <text className="axis-title" x={innerWidth / 2} y={innerHeight + 37} textAnchor="middle">
            {xLabel}
          </text>
          {yLabel && (
            <text
              className="axis-title"
              transform={`translate(${-left + 12},${innerHeight / 2}) rotate(-90)`}
              textAnchor="middle"
            >
              {yLabel}
            </text>
          )}
        </g>
      </svg>
      <p className="small-chart-title">{title}</p>
    </div>
  );
}

/** About five ticks of a linear or log axis, whole numbers only (every one on a short domain). */
export function wholeTicks(scale: ScaleContinuousNumeric<number, number>): number[] {
  const ticks = scale.ticks(5).filter((value) => Number.isInteger(value));
  if (ticks.length >= 2) return ticks;
  const [lo, hi] = scale.domain() as [number, number];
  const whole: number[] = [];
  for (let value = Math.ceil(Math.min(lo, hi)); value <= Math.max(lo, hi) && whole.length < 6; value++)
    whole.push(value);
  return whole;
}
