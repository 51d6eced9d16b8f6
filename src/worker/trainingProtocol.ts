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

/**
 * Whether an error message means that the GPU behind a backend is gone: a lost or destroyed WebGPU
 * device (a pending read-back then fails with "Failed to execute 'mapAsync' on 'GPUBuffer'…") or
 * a lost WebGL context. Such a backend is unusable until the page reloads.
 */
export function isDeviceLossMessage(message: string): boolean {
  return /mapAsync|\bdevice\b[^.]{0,40}\b(lost|destroyed)\b|CONTEXT_LOST|\bcontext\b[^.]{0,20}\blost\b/i.test(
    message,
  );
}

/** Weight spectra (an O(N³) SVD per sampled layer on the host) are taken only up to this width. */
export const MAX_WEIGHT_SPECTRUM_WIDTH = 512;

/** The parts of the NTK snapshots, each of which may be skipped on its own. */
export type NtkPart = 'kernel' | 'analytic' | 'weight-change';

export type TrainingState = 'building' | 'ready' | 'running' | 'paused' | 'done';

/** Requests to the training worker. `generation` numbers each configuration; events carry it back. */
export type TrainingRequest =
  | {
      readonly type: 'init';
      readonly backend: BackendChoice;
      readonly dataUrl: string;
      /** Earlier auto choices by cache key (see backendCacheKey); each is re-checked before use. */
      readonly cachedChoices?: Readonly<Record<string, CachedBackendChoice>>;
      /**
       * Backends that failed on this page (a lost GPU device, a worker that died on them twice):
       * never selected, even when forced; a forced one that is excluded falls back to auto.
       */
      readonly exclude?: readonly BackendName[];
      /**
       * A Web Lock the worker holds for as long as it lives, so that the page learns at once when
       * it is closed or crashes (the page's request for the same lock is granted then).
       */
      readonly lockName?: string | null;
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
  | { readonly type: 'step' }
  /** Heartbeat: answered with 'pong' from the message handler (so, between training steps). */
  | { readonly type: 'ping' };

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
      /** Backends left out because they failed earlier on this page (see the 'init' request). */
      readonly excluded?: readonly BackendName[];
    }
  /** Answers a 'ping'. Any event shows the worker is alive; this one says only that. */
  | { readonly type: 'pong' }
  /** The worker holds the Web Lock named at 'init': the page may now wait on it. */
  | { readonly type: 'lock-held' }
  /**
   * The active backend's GPU is gone (GPUDevice.lost, a lost WebGL context, or a read-back that
   * failed because of it). The worker cannot go on on this backend.
   */
  | {
      readonly type: 'device-lost';
      readonly backend: BackendName;
      /** GPUDeviceLostInfo.reason ('destroyed', 'unknown') or 'context lost'. */
      readonly reason: string;
      /** The browser's own words, if any. */
      readonly message: string;
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
  /**
   * The empirical NTK of one output unit of every run on the same D held-out probe inputs (sorted
   * by class), with how far it and the weights moved since step 0 (see ntkSnapshots.ts).
   */
  | {
      readonly type: 'ntk';
      readonly generation: number;
      readonly step: number;
      /** The output unit whose kernel this is (for MNIST, the logit of that digit). */
      readonly unit: number;
      /** Class of each of the D probe inputs, in the kernels' order; −1 for regression. */
      readonly labels: Int32Array;
      /** Infinite-width kernel (D×D, row-major) of the same unit: with the step-0 event only. */
      readonly analytic: Float64Array | null;
      /** Per run, D×D row-major. */
      readonly kernels: readonly Float32Array[];
      /** Per run, ‖Θ_t − Θ_0‖_F/‖Θ_0‖_F (0 at step 0). */
      readonly ntkChange: Float32Array;
      /** Per run, per layer (hidden layers 1…L, then the readout): ‖W_t − W_0‖_F/‖W_0‖_F; empty when not kept. */
      readonly weightChange: readonly Float32Array[];
      /** Seconds the kernels and the weight change took (the analytic kernel not included). */
      readonly seconds: number;
    }
  /** A part of the NTK snapshots not taken for this configuration, and why (told once). */
  | {
      readonly type: 'ntk-skipped';
      readonly generation: number;
      readonly part: NtkPart;
      readonly reason: string;
    }
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
