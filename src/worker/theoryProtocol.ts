import type { InitDraw, InitDrawSpec } from '../engine/jacobianDraws.ts';
import type { ActivationId, JacobianDensity, PhaseGrid, PhaseGridSpec, WeightInit } from '../theory/index.ts';

/** Everything the phase diagram draws that depends only on φ and the axes, not on the sliders. */
export interface DiagramGrid {
  readonly grid: PhaseGrid;
  /** σ_w² on the critical line χ₁ = 1 at each of grid.sb2Values; NaN where there is none. */
  readonly criticalSw2: Float64Array;
}

export interface DensitySpec {
  readonly act: ActivationId;
  readonly sw2: number;
  readonly sb2: number;
  readonly depth: number;
  readonly init: WeightInit;
}

/** The theory worker's jobs: what each request asks for and what its answer carries. */
export interface TheoryJobs {
  readonly 'phase-grid': { readonly spec: PhaseGridSpec; readonly result: DiagramGrid };
  readonly density: { readonly spec: DensitySpec; readonly result: JacobianDensity };
  /** One more network at initialization, for the spread of the spectrum's moments (jacobianDraws.ts). */
  readonly 'jacobian-draw': { readonly spec: InitDrawSpec; readonly result: InitDraw };
}
export type TheoryJob = keyof TheoryJobs;

/** Messages to the theory worker: one union, so that both ends are checked by the compiler. */
export type TheoryRequest = {
  [J in TheoryJob]: { readonly job: J; readonly requestId: number; readonly spec: TheoryJobs[J]['spec'] };
}[TheoryJob];

export type TheoryEvent =
  | {
      [J in TheoryJob]: {
        readonly type: 'result';
        readonly job: J;
        readonly requestId: number;
        readonly result: TheoryJobs[J]['result'];
      };
    }[TheoryJob]
  | { readonly type: 'error'; readonly requestId: number; readonly message: string };
