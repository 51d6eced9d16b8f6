import { axisRight, format, scaleLinear, select } from 'd3';
import { useEffect, useId, useMemo, useRef } from 'react';
import type { KernelColour } from './colour.ts';

const BAR_WIDTH = 12;
const STOPS = 32;
/** Room right of the bar: tick labels, then the title written upwards. */
export const COLOUR_BAR_WIDTH = 78;

/** The heatmaps' one colour scale, upright beside them, its axis in the kernel's own units. */
export function KernelColourBar({
  colour,
  height,
  top,
  label,
}: {
  colour: KernelColour;
  /** Height of the bar: the heatmaps' side… */
  height: number;
  /** …starting this far down, level with them. */
  top: number;
  label: string;
}) {
  const axisRef = useRef<SVGGElement>(null);
  const gradientId = useId();
  const [lo, hi] = colour.domain;
  const axis = useMemo(() => scaleLinear().domain([lo, hi]).range([height, 0]), [lo, hi, height]);
  const stops = useMemo(
    () =>
      Array.from({ length: STOPS + 1 }, (_, i) => ({
        offset: `${(100 * i) / STOPS}%`,
        colour: colour.colour(lo + ((hi - lo) * i) / STOPS),
      })),
    [colour, lo, hi],
  );
  useEffect(() => {
    if (axisRef.current)
      select(axisRef.current).call(
        axisRight(axis)
          .ticks(6)
          .tickFormat((d) => format('~g')(d as number)),
      );
  }, [axis]);
  const range = `${format('~g')(lo)} to ${format('~g')(hi)}`;
  return (
    <svg
      className="colour-bar ntk-colour-bar"
      width={COLOUR_BAR_WIDTH}
      height={top + height + 4}
      role="img"
      aria-label={`Colour scale of every heatmap: ${label}, from ${range}`}
      data-testid="ntk-colour-bar"
    >
      <defs>
        {/* Bottom to top: low values at the bottom. */}
        <linearGradient id={gradientId} x1="0" y1="1" x2="0" y2="0">
          {stops.map((s) => (
            <stop key={s.offset} offset={s.offset} stopColor={s.colour} />
          ))}
        </linearGradient>
      </defs>
      <g transform={`translate(2,${top})`}>
        <rect width={BAR_WIDTH} height={height} fill={`url(#${gradientId})`} />
        <g ref={axisRef} transform={`translate(${BAR_WIDTH},0)`} />
        <text
          className="axis-title"
          transform={`translate(${COLOUR_BAR_WIDTH - 8},${height / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {label}
        </text>
      </g>
    </svg>
  );
}
