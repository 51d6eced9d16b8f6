import { contours, geoPath, geoTransform, line } from 'd3';
import { useMemo } from 'react';
import type { DiagramGrid } from '../../worker/theoryProtocol.ts';
import { gridIndexToPixel, type DiagramGeometry } from './geometry.ts';

/** Contours need finite numbers: an infinite trainable depth is simply "deeper than any L". */
const FINITE_STAND_IN = 1e12;

/** The critical line, the trainable region for depth L, and the phase labels, over the heatmap. */
export function Annotations({
  diagram,
  geometry,
  depth,
}: {
  diagram: DiagramGrid;
  geometry: DiagramGeometry;
  depth: number;
}) {
  const { grid, criticalSw2 } = diagram;
  const toPixel = useMemo(() => gridIndexToPixel(geometry, grid.spec), [geometry, grid.spec]);

  const criticalPath = useMemo(() => {
    const [lo, hi] = geometry.x.domain() as [number, number];
    const points = Array.from(grid.sb2Values, (b, i) => [criticalSw2[i]!, b] as const);
    return line<readonly [number, number]>()
      .defined(([w]) => Number.isFinite(w) && w >= lo && w <= hi)
      .x(([w]) => geometry.x(w))
      .y(([, b]) => geometry.y(b))(points);
  }, [grid, criticalSw2, geometry]);

  const trainablePath = useMemo(() => {
    const nx = grid.spec.sw2.count;
    const ny = grid.spec.sb2.count;
    const values = Array.from(grid.trainableDepth, (d) =>
      Number.isNaN(d) ? 0 : Math.min(d, FINITE_STAND_IN),
    );
    const [region] = contours().size([nx, ny]).thresholds([depth])(values);
    const project = geoTransform({
      point(gx, gy) {
        const [px, py] = toPixel(gx, gy);
        this.stream.point(px, py);
      },
    });
    return region ? geoPath(project)(region) : null;
  }, [grid, depth, toPixel]);

  const labels = useMemo(() => phaseLabelPositions(grid), [grid]);

  return (
    <g pointerEvents="none">
      {trainablePath && (
        <path className="trainable-region" data-testid="trainable-region" d={trainablePath} />
      )}
      {criticalPath && <path className="critical-line halo" d={criticalPath} />}
      {criticalPath && <path className="critical-line" data-testid="critical-line" d={criticalPath} />}
      {labels.map((label) => (
        <text
          key={label.text}
          className="phase-label"
          x={geometry.x(label.sw2)}
          y={geometry.innerHeight * 0.42}
          textAnchor="middle"
        >
          {label.text}
        </text>
      ))}
    </g>
  );
}

/** Places "ordered" and "chaotic" on either side of where χ₁ crosses 1 on the middle row. */
function phaseLabelPositions(grid: DiagramGrid['grid']): { text: string; sw2: number }[] {
  const nx = grid.spec.sw2.count;
  const row = Math.floor(grid.spec.sb2.count * 0.58) * nx;
  const { min, max } = grid.spec.sw2;
  let crossing = -1;
  for (let i = 0; i < nx; i++) {
    if (grid.chi1[row + i]! >= 1) {
      crossing = i;
      break;
    }
  }
  if (crossing === 0) return [{ text: 'chaotic (χ₁ > 1)', sw2: (min + max) / 2 }];
  if (crossing < 0) return [{ text: 'ordered (χ₁ < 1)', sw2: (min + max) / 2 }];
  const boundary = grid.sw2Values[crossing]!;
  return [
    { text: 'ordered', sw2: (min + boundary) / 2 },
    { text: 'chaotic', sw2: (boundary + max) / 2 },
  ];
}
