import { color } from 'd3';
import { useEffect, useRef, useState } from 'react';
import { formatQuantity } from '../../ui/format.ts';
import type { KernelColour } from './colour.ts';
import type { ClassBlock } from './model.ts';

/** Room for the class labels left of and above the matrix… */
export const HEATMAP_LABEL_SPACE = 16;
/** …under a caption of this height: the matrix starts HEATMAP_TOP below the figure's top. */
const CAPTION_HEIGHT = 18;
export const HEATMAP_TOP = CAPTION_HEIGHT + HEATMAP_LABEL_SPACE;
/** Classes with fewer pixels than this get a boundary but no label (the labels would collide). */
const MIN_LABELLED_PIXELS = 9;

interface KernelHeatmapProps {
  readonly title: string;
  /** D×D, row-major. */
  readonly matrix: ArrayLike<number>;
  readonly count: number;
  readonly blocks: readonly ClassBlock[];
  readonly colour: KernelColour;
  /** Side of the matrix in CSS pixels. */
  readonly size: number;
  readonly testId: string;
}

/**
 * Θ(x_a, x_b) as a D×D image, one canvas pixel per entry (drawn without smoothing), with the
 * class blocks of the sorted inputs outlined and labelled; hovering reads out an entry.
 */
export function KernelHeatmap({ title, matrix, count, blocks, colour, size, testId }: KernelHeatmapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ a: number; b: number } | null>(null);

  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(count, count);
    for (let i = 0; i < count * count; i++) {
      const value = matrix[i]!;
      const rgb = Number.isFinite(value) ? color(colour.colour(value))?.rgb() : null;
      image.data[4 * i] = rgb?.r ?? 128;
      image.data[4 * i + 1] = rgb?.g ?? 128;
      image.data[4 * i + 2] = rgb?.b ?? 128;
      image.data[4 * i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, [matrix, count, colour]);

  const cell = size / count;
  const side = HEATMAP_LABEL_SPACE + size;
  const onMove = (event: React.MouseEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const a = Math.floor(((event.clientY - box.top) / box.height) * count);
    const b = Math.floor(((event.clientX - box.left) / box.width) * count);
    setHover(a >= 0 && a < count && b >= 0 && b < count ? { a, b } : null);
  };
  const labelOf = (i: number) => blocks.find((block) => i >= block.start && i < block.end)?.label;

  return (
    <figure className="ntk-heatmap" data-testid={testId}>
      <figcaption style={{ height: CAPTION_HEIGHT, lineHeight: `${CAPTION_HEIGHT}px` }}>{title}</figcaption>
      <div className="ntk-heatmap-frame" style={{ width: side, height: side }}>
        <canvas
          ref={canvasRef}
          width={count}
          height={count}
          style={{ left: HEATMAP_LABEL_SPACE, top: HEATMAP_LABEL_SPACE, width: size, height: size }}
          onMouseMove={onMove}
          onMouseLeave={() => setHover(null)}
          role="img"
          aria-label={`${title}: a ${count}×${count} kernel`}
        />
        <svg width={side} height={side} aria-hidden="true">
          <g transform={`translate(${HEATMAP_LABEL_SPACE},${HEATMAP_LABEL_SPACE})`}>
            {blocks.slice(1).map((block) => (
              <g key={block.start} className="ntk-class-boundary">
                <line x1={block.start * cell} x2={block.start * cell} y1={0} y2={size} />
                <line x1={0} x2={size} y1={block.start * cell} y2={block.start * cell} />
              </g>
            ))}
            {blocks.map((block) => {
              if ((block.end - block.start) * cell < MIN_LABELLED_PIXELS) return null;
              const middle = ((block.start + block.end) / 2) * cell;
              return (
                <g key={`label-${block.start}`} className="ntk-class-label">
                  <text x={middle} y={-4} textAnchor="middle">
                    {block.label}
                  </text>
                  <text x={-4} y={middle} dy="0.35em" textAnchor="end">
                    {block.label}
                  </text>
                </g>
              );
            })}
          </g>
        </svg>
      </div>
      <p className="ntk-hover" aria-live="polite">
        {hover
          ? `Θ(x${hover.a + 1}, x${hover.b + 1}) = ${formatQuantity(matrix[hover.a * count + hover.b]!)}` +
            (blocks.length > 0 ? ` · classes ${labelOf(hover.a)} and ${labelOf(hover.b)}` : '')
          : '\u00a0'}
      </p>
    </figure>
  );
}
