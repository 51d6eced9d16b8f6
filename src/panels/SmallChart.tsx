import { axisBottom, axisLeft, select, type ScaleContinuousNumeric } from 'd3';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useElementWidth } from '../ui/useElementWidth.ts';

const MARGIN = { top: 8, right: 10, bottom: 36, left: 54 } as const;
const HEIGHT = 205;

type Scale = ScaleContinuousNumeric<number, number>;

export interface ChartScales {
  readonly x: Scale;
  readonly y: Scale;
  /** d3 tick format of the y axis (e.g. '.0e' on log axes). */
  readonly yFormat?: string;
}

interface SmallChartProps {
  readonly title: string;
  readonly xLabel: string;
  readonly testId: string;
  /** Scales for the plot area's size (a useCallback, so that they are rebuilt only when the data change). */
  readonly scales: (innerWidth: number, innerHeight: number) => ChartScales;
  readonly children: (scales: ChartScales, size: { innerWidth: number; innerHeight: number }) => ReactNode;
}

/** The frame the small panels share: a chart that fills its column, axes declared once, a caption. */
export function SmallChart({ title, xLabel, testId, scales, children }: SmallChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(containerRef, 280);
  const xAxisRef = useRef<SVGGElement>(null);
  const yAxisRef = useRef<SVGGElement>(null);
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const chart = useMemo(() => scales(innerWidth, innerHeight), [scales, innerWidth, innerHeight]);

  useEffect(() => {
    if (xAxisRef.current) select(xAxisRef.current).call(axisBottom(chart.x).ticks(5, 'd'));
    if (yAxisRef.current) select(yAxisRef.current).call(axisLeft(chart.y).ticks(4, chart.yFormat));
  }, [chart]);

  return (
    <div ref={containerRef} className="small-chart">
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`${title}, against ${xLabel}`}
        data-testid={testId}
      >
        <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
          {children(chart, { innerWidth, innerHeight })}
          <g ref={xAxisRef} transform={`translate(0,${innerHeight})`} />
          <g ref={yAxisRef} />
          <text className="axis-title" x={innerWidth / 2} y={innerHeight + 31} textAnchor="middle">
            {xLabel}
          </text>
        </g>
      </svg>
      <p className="small-chart-title">{title}</p>
    </div>
  );
}
