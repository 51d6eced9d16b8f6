import { color } from 'd3';
import { useEffect, useRef } from 'react';
import type { PhaseGrid } from '../../theory/index.ts';
import type { DiagramGeometry } from './geometry.ts';
import type { QuantityView } from './quantities.ts';

/**
 * The coloured field, one canvas pixel per grid point, stretched so that pixel centres sit on the
 * grid points; the browser's smoothing interpolates between them.
 */
export function Heatmap({
  grid,
  view,
  geometry,
  dimmed,
}: {
  grid: PhaseGrid;
  view: QuantityView;
  geometry: DiagramGeometry;
  dimmed: boolean;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const nx = grid.spec.sw2.count;
  const ny = grid.spec.sb2.count;

  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(nx, ny);
    const values = view.values(grid);
    for (let row = 0; row < ny; row++) {
      for (let col = 0; col < nx; col++) {
        const rgb = color(view.colour(values[row * nx + col]!))?.rgb();
        // Row 0 is the smallest σ_b², drawn at the bottom.
        const offset = ((ny - 1 - row) * nx + col) * 4;
        image.data[offset] = rgb?.r ?? 0;
        image.data[offset + 1] = rgb?.g ?? 0;
        image.data[offset + 2] = rgb?.b ?? 0;
        image.data[offset + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
  }, [grid, view, nx, ny]);

  const cellWidth = geometry.innerWidth / (nx - 1);
  const cellHeight = geometry.innerHeight / (ny - 1);
  return (
    <canvas
      ref={canvasRef}
      className="heatmap"
      width={nx}
      height={ny}
      style={{
        left: -cellWidth / 2,
        top: -cellHeight / 2,
        width: geometry.innerWidth + cellWidth,
        height: geometry.innerHeight + cellHeight,
        opacity: dimmed ? 0.45 : 1,
      }}
    />
  );
}
