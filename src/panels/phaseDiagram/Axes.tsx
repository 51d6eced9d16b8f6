import { axisBottom, axisLeft, format, select } from 'd3';
import { useEffect, useRef } from 'react';
import { MARGIN, type DiagramGeometry, type Sb2AxisScale } from './geometry.ts';

const sb2TickFormat = (scale: Sb2AxisScale) => (scale === 'log' ? format('.0e') : format('.2'));

/** σ_w² below, σ_b² on the left; declared once from the geometry's scales. */
export function Axes({ geometry, scale }: { geometry: DiagramGeometry; scale: Sb2AxisScale }) {
  const xRef = useRef<SVGGElement>(null);
  const yRef = useRef<SVGGElement>(null);
  useEffect(() => {
    if (xRef.current) select(xRef.current).call(axisBottom(geometry.x).ticks(8));
    if (yRef.current) {
      const axis = axisLeft(geometry.y).tickFormat((d) => sb2TickFormat(scale)(d as number));
      if (scale === 'log') axis.tickValues([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
      else axis.ticks(6);
      select(yRef.current).call(axis);
    }
  }, [geometry, scale]);
  return (
    <g className="axes">
      <g ref={xRef} transform={`translate(0,${geometry.innerHeight})`} />
      <g ref={yRef} />
      <text
        className="axis-title"
        x={geometry.innerWidth / 2}
        y={geometry.innerHeight + 40}
        textAnchor="middle"
      >
        σ_w² (weight variance × fan-in)
      </text>
      <text
        className="axis-title"
        transform={`translate(${-MARGIN.left + 14},${geometry.innerHeight / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        σ_b² (bias variance{scale === 'log' ? ', log' : ''})
      </text>
    </g>
  );
}
