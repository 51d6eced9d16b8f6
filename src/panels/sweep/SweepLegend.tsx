import type { InitKind } from '../../engine/init.ts';
import { INIT_DASH, markerFill, markerPath } from './lineStyle.ts';

export interface LegendEntry {
  readonly id: string;
  /** The init whose line style the swatch shows; null for a colour-only entry. */
  readonly init: InitKind | null;
  readonly colour: string;
  readonly label: string;
  /** A guide line's dash instead of an init's style. */
  readonly dash?: string;
}

/** Swatches as drawn in the chart: line style and marker for an init, colour for the rest. */
export function SweepLegend({
  entries,
  failures = false,
  markers = true,
}: {
  readonly entries: readonly LegendEntry[];
  /** Explain the marks of runs that diverged or never reached the threshold. */
  readonly failures?: boolean;
  /** Whether the chart marks its points (curves are lines only). */
  readonly markers?: boolean;
}) {
  return (
    <ul className="sweep-legend">
      {entries.map((e) => (
        <li key={e.id}>
          <svg width={30} height={12} aria-hidden="true">
            <line
              x1={1}
              x2={29}
              y1={6}
              y2={6}
              className="sweep-line"
              stroke={e.colour}
              strokeDasharray={e.init ? INIT_DASH[e.init] : e.dash}
            />
            {e.init && markers && (
              <path
                transform="translate(15,6)"
                d={markerPath(e.init)}
                stroke={e.colour}
                strokeWidth={1.5}
                fill={markerFill(e.init, e.colour)}
              />
            )}
          </svg>
          {e.label}
        </li>
      ))}
      {failures && (
        <>
          <li>
            <svg width={14} height={12} aria-hidden="true">
              <path d="M3,2L11,10M3,10L11,2" className="sweep-legend-mark" />
            </svg>
            diverged
          </li>
          <li>
            <svg width={14} height={12} aria-hidden="true">
              <circle cx={7} cy={6} r={4} className="sweep-legend-mark" fill="white" />
            </svg>
            not reached in the steps run (rows above the plot)
          </li>
        </>
      )}
    </ul>
  );
}
