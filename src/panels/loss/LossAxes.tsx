import { axisBottom, axisLeft, format, select } from 'd3';
import { useEffect, useRef } from 'react';
import { MARGIN, type LossGeometry } from './chart.ts';

const stepFormat = format('~s');
const valueFormat = format('~g');

/** Steps below, the metric on the left; declared once from the chart's scales. */
export function LossAxes({ geometry, yTitle }: { geometry: LossGeometry; yTitle: string }) {
  const detailAt = yTitle.indexOf(' (');
  const yName = detailAt < 0 ? yTitle : yTitle.slice(0, detailAt);
  const yDetail = detailAt < 0 ? '' : yTitle.slice(detailAt);
  const xRef = useRef<SVGGElement>(null);
  const yRef = useRef<SVGGElement>(null);
  useEffect(() => {
    if (xRef.current) {
      select(xRef.current).call(
        axisBottom(geometry.x)
          .ticks(Math.max(2, Math.floor(geometry.innerWidth / 90)))
          .tickFormat((d) => stepFormat(d as number)),
      );
    }
    if (yRef.current) {
      const axis = axisLeft(geometry.y);
      if (geometry.logY) axis.ticks(5, '~g');
      else axis.ticks(6).tickFormat((d) => valueFormat(d as number));
      select(yRef.current).call(axis);
    }
  }, [geometry]);
  return (
    <g className="axes">
      <g ref={xRef} transform={`translate(0,${geometry.innerHeight})`} />
      <g ref={yRef} />
      <text
        className="axis-title"
        x={geometry.innerWidth / 2}
        y={geometry.innerHeight + 36}
        textAnchor="middle"
      >
        step
      </text>
      <text
        className="axis-title"
        transform={`translate(${-MARGIN.left + 14},${geometry.innerHeight / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {yName}
        {/* The unit's detail gives way in lecture mode, where the title is set large (lecture.css). */}
        {yDetail && <tspan className="axis-title-detail">{yDetail}</tspan>}
      </text>
    </g>
  );
}
