import { axisBottom, format, select } from 'd3';
import { useEffect, useId, useMemo, useRef } from 'react';
import type { QuantityView } from './quantities.ts';

const BAR_HEIGHT = 12;
const STOPS = 32;

/** A horizontal colour bar with a log axis, its title saying what is coloured and in which units. */
export function ColourBar({ view, width }: { view: QuantityView; width: number }) {
  const axisRef = useRef<SVGGElement>(null);
  const gradientId = useId();
  const axis = useMemo(() => view.axis.copy().range([0, width]), [view, width]);
  const [lo, hi] = view.axis.domain() as [number, number];
  const stops = useMemo(
    () =>
      Array.from({ length: STOPS + 1 }, (_, i) => {
        const t = i / STOPS;
        return { offset: `${t * 100}%`, colour: view.colour(lo * Math.pow(hi / lo, t)) };
      }),
    [view, lo, hi],
  );
  useEffect(() => {
    if (axisRef.current) {
      select(axisRef.current).call(
        axisBottom(axis)
          .tickValues([...view.ticks])
          .tickFormat((d) => formatTick(d as number)),
      );
    }
  }, [axis, view]);
  return (
    <svg
      className="colour-bar"
      width={width + 40}
      height={48}
      role="img"
      aria-label={`Colour scale: ${view.title}`}
    >
      <defs>
        <linearGradient id={gradientId}>
          {stops.map((s) => (
            <stop key={s.offset} offset={s.offset} stopColor={s.colour} />
          ))}
        </linearGradient>
      </defs>
      <g transform="translate(20,4)">
        <rect width={width} height={BAR_HEIGHT} fill={`url(#${gradientId})`} />
        <g ref={axisRef} transform={`translate(0,${BAR_HEIGHT})`} />
      </g>
    </svg>
  );
}

function formatTick(value: number): string {
  return value >= 0.01 && value < 1e4 ? format('~g')(value) : format('.0e')(value);
}
