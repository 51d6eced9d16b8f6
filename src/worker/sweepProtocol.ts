import type {
  SweepCurve,
  SweepDefinition,
  SweepPoint,
  SweepProgress,
  SweepResultFile,
} from '../sweep/types.ts';
import type { BackendChoice, BackendName, CachedBackendChoice } from './trainingProtocol.ts';

/**
 * Requests to the sweep worker. `id` numbers each sweep; its events carry it back, so that the
 * page drops what an earlier, cancelled sweep still says.
 */
export type SweepRequest =
  | {
      readonly type: 'start';
      readonly id: number;
      readonly definition: SweepDefinition;
      /** `backend=` of the link ('auto' picks one as the training worker does). */
      readonly backend: BackendChoice;
      /** Where MNIST's files are served (the page's base URL + 'data/'). */
      readonly dataUrl: string;
      /** Remembered auto choices (the page's localStorage), so that a sweep need not time backends. */
      readonly cachedChoices: Readonly<Record<string, CachedBackendChoice>>;
    }
  /** Stop after the step in flight; the worker then sends 'done' with the points finished by then. */
  | { readonly type: 'cancel'; readonly id: number };

/** Events from the sweep worker. */
export type SweepEvent =
  | { readonly type: 'backend'; readonly id: number; readonly active: BackendName; readonly adapter: string }
  | { readonly type: 'progress'; readonly id: number; readonly progress: SweepProgress }
  /** Every point finished so far, in grid order, and their curves (sent as each group ends). */
  | {
      readonly type: 'points';
      readonly id: number;
      readonly points: readonly SweepPoint[];
      readonly curves: readonly SweepCurve[];
    }
  /** The sweep ended: complete, or cancelled (`result.complete` false). */
  | { readonly type: 'done'; readonly id: number; readonly result: SweepResultFile }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
