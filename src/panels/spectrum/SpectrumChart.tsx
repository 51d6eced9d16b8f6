import { area, axisBottom, axisLeft, curveStepAfter, line, scaleLinear, scaleLog, select } from 'd3';
import { useEffect, useMemo, useRef } from 'react';
import type { WeightInit } from '../../theory/index.ts';
import { formatQuantity } from '../../ui/format.ts';
import { useElementWidth } from '../../ui/useElementWidth.ts';
import type { InitSpectrum } from './model.ts';

const MARGIN = { top: 10, right: 14, bottom: 46, left: 72 } as const;
const HEIGHT = 260;
export const INIT_LABEL: Record<WeightInit, string> = { gaussian: 'Gaussian', orthogonal: 'orthogonal' };
/**
 * How each init is drawn besides its colour (spectrum.css), so that the two read apart in grey
 * or for a reader who does not tell orange from green.
 */
const ENCODING: Record<WeightInit, string> = {
  gaussian: 'hatched bars, solid line',
  orthogonal: 'plain bars with a dashed outline, dashed line',
};

/** Hatching of the Gaussian bars; spectrum.css fills `.spectrum-bars.spectrum-gaussian` with it. */
function HatchPattern() {
  return (
    <defs>
      <pattern
        id="spectrum-hatch-gaussian"
        className="spectrum-gaussian"
        patternUnits="userSpaceOnUse"
        width={6}
        height={6}
        patternTransform="rotate(45)"
      >
        <rect className="spectrum-hatch-ground" width={6} height={6} />
        <line className="spectrum-hatch-line" x1={0} y1={0} x2={0} y2={6} />
      </pattern>
    </defs>
  );
}

/** The legend's sample of an init: a bar and a theory line drawn with the chart's own classes. */
function Swatch({ init }: { init: WeightInit }) {
  return (
    <svg
      className="spectrum-swatch"
      width={40}
      height={14}
      aria-hidden="true"
      data-testid={`spectrum-swatch-${init}`}
    >
      <rect className={`spectrum-bars spectrum-${init}`} x={1} y={1} width={16} height={12} />
      <line className={`spectrum-theory spectrum-${init}`} x1={21} x2={39} y1={7} y2={7} />
    </svg>
  );
}

export function SpectrumChart({
  spectra,
  variable,
  scale,
}: {
  spectra: InitSpectrum[];
  variable: 'sq' | 'abs';
  scale: 'log' | 'linear';
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(containerRef, 560);
  const xAxisRef = useRef<SVGGElement>(null);
  const yAxisRef = useRef<SVGGElement>(null);
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;

  const { x, y } = useMemo(() => {
    let lo = Infinity;
    let hi = -Infinity;
    let top = 0;
    for (const s of spectra) {
      const edges = s.histogram.edges;
      if (edges.length > 0) {
        lo = Math.min(lo, edges[0]!);
        hi = Math.max(hi, edges[edges.length - 1]!);
      }
      for (const d of s.histogram.density) top = Math.max(top, d);
    }
    if (lo === Infinity) [lo, hi] = scale === 'log' ? [0.1, 10] : [0, 2];
    if (scale === 'log' && lo === hi) [lo, hi] = [lo / 2, hi * 2];
    if (scale === 'linear' && lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    const xScale = (scale === 'log' ? scaleLog() : scaleLinear()).domain([lo, hi]).range([0, innerWidth]);
    // Theory may peak above the bars (near-singular peaks); it is clipped at 1.5× the tallest bar.
    if (top === 0) {
      for (const s of spectra)
        if (s.theory && 'y' in s.theory) for (const v of s.theory.y) top = Math.max(top, v);
    } else {
      top *= 1.5;
    }
    return {
      x: xScale,
      y: scaleLinear()
        .domain([0, top > 0 ? top : 1])
        .range([innerHeight, 0]),
    };
  }, [spectra, scale, innerWidth, innerHeight]);

  useEffect(() => {
    if (xAxisRef.current)
      select(xAxisRef.current).call(
        axisBottom(x).ticks(scale === 'log' ? 6 : 8, scale === 'log' ? '~g' : undefined),
      );
    if (yAxisRef.current) select(yAxisRef.current).call(axisLeft(y).ticks(5));
  }, [x, y, scale]);

  const variableLabel = variable === 'sq' ? 'σ² (eigenvalue of JJᵀ)' : 'σ (singular value of J)';
  const densityLabel = scale === 'log' ? `density per unit ln ${variable === 'sq' ? 'σ²' : 'σ'}` : 'density';
  const [xLo, xHi] = x.domain() as [number, number];

  return (
    <div ref={containerRef} className="spectrum-chart">
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Histogram of ${variableLabel} for each initialization, with the free-probability prediction drawn over it`}
      >
        <HatchPattern />
        <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
          {spectra.map((s) => {
            const edges = s.histogram.edges;
            if (edges.length === 0) return null;
            const points = Array.from(s.histogram.density, (d, i) => [edges[i]!, d] as const);
            points.push([edges[edges.length - 1]!, 0]);
            const path = area<readonly [number, number]>()
              .curve(curveStepAfter)
              .x(([e]) => x(e))
              .y0(innerHeight)
              .y1(([, d]) => y(d))(points);
            return (
              <path
                key={`h-${s.init}`}
                className={`spectrum-bars spectrum-${s.init}`}
                d={path ?? ''}
                data-testid={`spectrum-histogram-${s.init}`}
              />
            );
          })}
          {spectra.map((s) => {
            if (!s.theory || !('x' in s.theory)) return null;
            const { x: tx, y: ty } = s.theory;
            const path = line<number>()
              .defined((i) => tx[i]! >= xLo && tx[i]! <= xHi && Number.isFinite(ty[i]!))
              .x((i) => x(tx[i]!))
              .y((i) => y(Math.min(ty[i]!, y.domain()[1]!)))(Array.from(tx.keys()));
            return (
              <path
                key={`t-${s.init}`}
                className={`spectrum-theory spectrum-${s.init}`}
                d={path ?? ''}
                data-testid={`spectrum-theory-${s.init}`}
              />
            );
          })}
          {spectra.flatMap((s) =>
            s.atoms
              .filter((a) => a.x >= xLo && a.x <= xHi)
              .map((a) => (
                <line
                  key={`a-${s.init}-${a.x}`}
                  className={`spectrum-atom spectrum-${s.init}`}
                  x1={x(a.x)}
                  x2={x(a.x)}
                  y1={innerHeight}
                  y2={0}
                  data-testid={`spectrum-atom-${s.init}`}
                >
                  <title>
                    theory: a point mass of {formatQuantity(a.weight * 100, 3)}% at {formatQuantity(a.x)}
                  </title>
                </line>
              )),
          )}
          <g ref={xAxisRef} transform={`translate(0,${innerHeight})`} />
          <g ref={yAxisRef} />
          <text className="axis-title" x={innerWidth / 2} y={innerHeight + 40} textAnchor="middle">
            {variableLabel}
            {scale === 'log' ? ', log scale' : ''}
          </text>
          <text
            className="axis-title"
            transform={`translate(${-MARGIN.left + 14},${innerHeight / 2}) rotate(-90)`}
            textAnchor="middle"
          >
            {densityLabel}
          </text>
        </g>
      </svg>
      <ul className="legend spectrum-legend">
        {spectra.map((s) => (
          <li key={s.init}>
            <Swatch init={s.init} />
            {INIT_LABEL[s.init]} ({ENCODING[s.init]}): {s.histogram.total} values from {s.stats.runs} network
            {s.stats.runs > 1 ? 's' : ''}
            {s.histogram.excluded > 0 && ` (${s.histogram.excluded} off the axis)`}; line: theory
            {s.theory && 'unavailable' in s.theory && (
              <span className="spectrum-unavailable" role="note">
                {' '}
                — theory unavailable here: {s.theory.unavailable}
              </span>
            )}
            {s.atZero > 0 && ` · theory puts ${formatQuantity(s.atZero * 100, 3)}% at σ = 0`}
            {s.offGrid > 1e-3 &&
              ` · ${formatQuantity(s.offGrid * 100, 3)}% of theory’s mass lies beyond double precision`}
          </li>
        ))}
      </ul>
    </div>
  );
}
