import { useMemo, useRef } from 'react';
import { useElementWidth } from '../../ui/useElementWidth.ts';
import { kernelColour } from './colour.ts';
import { COLOUR_BAR_WIDTH, KernelColourBar } from './KernelColourBar.tsx';
import { HEATMAP_LABEL_SPACE, HEATMAP_TOP, KernelHeatmap } from './KernelHeatmap.tsx';
import { classBlocks, sharedDomain } from './model.ts';

/** One heatmap to draw: its caption and its D×D entries. */
export interface KernelMap {
  readonly key: string;
  readonly title: string;
  readonly matrix: ArrayLike<number>;
}

const GAP = 12;
const MAX_SIDE = 260;

/** The kernels side by side, on one colour scale whose bar sits under them. */
export function KernelMaps({
  maps,
  labels,
  unitLabel,
}: {
  maps: readonly KernelMap[];
  labels: Int32Array;
  unitLabel: string;
}) {
  const rowRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(rowRef, 840);
  const count = labels.length;
  const blocks = useMemo(() => classBlocks(labels), [labels]);
  const colour = useMemo(() => kernelColour(sharedDomain(maps.map((m) => m.matrix))), [maps]);
  // Three across whatever the number drawn, so that sizes do not jump when theory is missing.
  const side = Math.max(
    96,
    Math.min(MAX_SIDE, Math.floor((width - COLOUR_BAR_WIDTH - 3 * GAP) / 3) - HEATMAP_LABEL_SPACE),
  );

  return (
    <div ref={rowRef} className="ntk-maps" style={{ gap: GAP }}>
      {maps.map((map) => (
        <KernelHeatmap
          key={map.key}
          title={map.title}
          matrix={map.matrix}
          count={count}
          blocks={blocks}
          colour={colour}
          size={side}
          testId={`ntk-heatmap-${map.key}`}
        />
      ))}
      <KernelColourBar
        colour={colour}
        height={side}
        top={HEATMAP_TOP}
        label={`${unitLabel}${colour.diverging ? ' (white: 0)' : ''}`}
      />
    </div>
  );
}
