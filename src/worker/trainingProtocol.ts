import type { LabConfig } from '../config/index.ts';
import type {
  ExperimentInfo,
  JacobianProbe,
  JacobianSpectrum,
  RunInfo,
  WeightSummary,
} from '../engine/index.ts';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = BackendName | 'auto';

/** One backend tried at start-up: usable only if its small training step gave the right numbers. */
export interface BackendAttempt {
  readonly backend: BackendName;
  readonly ok: boolean;
  /** Why it was not used (missing API, failed init, wrong numbers); absent when it was. */
  readonly reason?: string;
  /** Milliseconds the check took (initialization included). */
  readonly ms?: number;
}

/** One backend's measured training step (auto selection), in the units of the real configuration. */
export interface BackendMeasurement {
  readonly backend: BackendName;
  /** Software GPU behind it ("SwiftShader", "llvmpipe", …), null for hardware, wasm and cpu. */
  readonly softwareName: string | null;
  /** True when `softwareName` is set: a CPU in disguise, never preferred over wasm. */
  readonly software: boolean;
  /** Milliseconds of one training step of the current configuration; null when not timed. */
  readonly stepMs: number | null;
  /** The step was cut short (the warm-up alone took too long): stepMs is an upper bound. */
  readonly capped: boolean;
  /** Why it was not timed (time budget spent, failed), when stepMs is null. */
  readonly note?: string;
}

/** How the active backend was chosen. */
export type BackendSelection = 'forced' | 'only' | 'measured' | 'cached' | 'preference';

/** A remembered auto choice, stored by the page and handed back at 'init'. */
export interface CachedBackendChoice {
  readonly active: BackendName;
  readonly measurements: readonly BackendMeasurement[];
  /** Date.now() when measured. */
  readonly measuredAt: number;
}

/** Weight spectra (an O(N³) SVD per sampled layer on the host) are taken only up to this width. */
export const MAX_WEIGHT_SPECTRUM_WIDTH = 512;

export type TrainingState = 'building' | 'ready' | 'running' | 'paused' | 'done';

/** Requests to the training worker. `generation` numbers each configuration; events carry it back. */
export type TrainingRequest =
  | {
      readonly type: 'init';
      readonly backend: BackendChoice;
      readonly dataUrl: string;
      /** Earlier auto choices by cache key (see backendCacheKey); each is re-checked before use. */
      readonly cachedChoices?: Readonly<Record<string, CachedBackendChoice>>;
    }
  | {
      readonly type: 'configure';
      readonly generation: number;
      readonly config: LabConfig;
      readonly autostart: boolean;
    }
  | { readonly type: 'probe'; readonly probe: JacobianProbe }
  | { readonly type: 'start' }
  | { readonly type: 'pause' }
  | { readonly type: 'step' };

export type TrainingEvent =
  | {
      readonly type: 'building';
      readonly generation: number;
      readonly layersDone: number;
      readonly layerCount: number;
    }
  | {
      readonly type: 'backend';
      readonly active: BackendName;
      readonly adapter: string;
      readonly attempts: readonly BackendAttempt[];
      readonly crossOriginIsolated: boolean;
      /** Software GPU behind the active backend, if any. */
      readonly softwareName: string | null;
      readonly selection: BackendSelection;
      /** Every candidate's step time (auto), fastest first; empty when forced or only one works. */
      readonly measurements: readonly BackendMeasurement[];
      /** Key to remember a measured choice under; null when nothing should be remembered. */
      readonly cacheKey: string | null;
      /** Milliseconds spent choosing (checks and measurements). */
      readonly selectionMs: number;
    }
  | {
      readonly type: 'built';
      readonly generation: number;
      readonly runs: readonly RunInfo[];
      readonly info: ExperimentInfo;
    }
  | {
      readonly type: 'progress';
      readonly generation: number;
      /** Steps covered by this message, in order. */
      readonly steps: Float64Array;
      /** Training loss, step-major: losses[i * runCount + r] is run r at steps[i]. */
      readonly losses: Float32Array;
    }
  | {
      readonly type: 'evaluation';
      readonly generation: number;
      readonly step: number;
      readonly loss: Float32Array;
      readonly accuracy: Float32Array | null;
    }
  | {
      readonly type: 'diverged';
      readonly generation: number;
      readonly runId: number;
      readonly step: number;
      readonly lastFiniteStep: number | null;
    }
  | {
      readonly type: 'spectrum';
      readonly generation: number;
      readonly step: number;
      /** One per run, at the fixed-point probe. */
      readonly spectra: readonly JacobianSpectrum[];
      /** Seconds the snapshot took, for the panel's note on its cost. */
      readonly seconds: number;
    }
  | { readonly type: 'spectrum-skipped'; readonly generation: number; readonly reason: string }
  | {
      readonly type: 'weights';
      readonly generation: number;
      readonly step: number;
      /** Per run: singular values of sampled hidden W^l pooled, and their distance from orthogonality. */
      readonly summaries: readonly WeightSummary[];
      readonly layers: readonly number[];
    }
  | {
      readonly type: 'signal';
      readonly generation: number;
      readonly step: number;
      /** Per run: mean squared pre-activation q^l of hidden layers l = 1 … L on held-out inputs. */
      readonly forward: readonly Float32Array[];
      /** Per run: ‖∂loss/∂h^l‖ for l = 1 … L on the same inputs. */
      readonly backward: readonly Float32Array[];
    }
  | {
      readonly type: 'state';
      readonly generation: number;
      readonly state: TrainingState;
      readonly stepsDone: number;
    }
  | { readonly type: 'error'; readonly generation: number | null; readonly message: string };
