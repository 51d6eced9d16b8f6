import type { PhaseGrid, PhaseGridSpec } from '../theory/index.ts';

/** Everything the phase diagram draws that depends only on φ and the axes, not on the sliders. */
export interface DiagramGrid {
  readonly grid: PhaseGrid;
  /** σ_w² on the critical line χ₁ = 1 at each of grid.sb2Values; NaN where there is none. */
  readonly criticalSw2: Float64Array;
}

/** Messages to the phase-grid worker: one union, so that both ends are checked by the compiler. */
export type PhaseGridRequest = {
  readonly type: 'evaluate';
  readonly requestId: number;
  readonly spec: PhaseGridSpec;
};

export type PhaseGridEvent =
  | { readonly type: 'grid'; readonly requestId: number; readonly diagram: DiagramGrid }
  | { readonly type: 'error'; readonly requestId: number; readonly message: string };
