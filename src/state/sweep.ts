import { create } from 'zustand';
import type { Fix } from '../config/index.ts';
import type {
  SweepCurve,
  SweepDefinition,
  SweepPoint,
  SweepProgress,
  SweepResultFile,
} from '../sweep/types.ts';
import type { BackendName } from '../worker/trainingProtocol.ts';
import type { SweepEvent } from '../worker/sweepProtocol.ts';

/**
 * 'starting': the worker loads and picks a backend; 'cancelling': Cancel was pressed and the step
 * in flight finishes; 'done' / 'cancelled' / 'failed': the sweep ended (its partial points stay).
 */
export type SweepPhase = 'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

/** Where the shown result came from: computed here, opened from a file, or the last one saved. */
export type SweepOrigin = 'computed' | 'opened' | 'stored';

export interface SweepView {
  /** Numbers each sweep; events of older ones are dropped. */
  readonly id: number;
  readonly phase: SweepPhase;
  /** The sweep computed (or last computed) here; null for an opened file. */
  readonly definition: SweepDefinition | null;
  /** The link query that reruns what is shown. */
  readonly query: string | null;
  /** What was changed in the sweep link's base configuration on the way (clamped, ignored keys). */
  readonly fixes: readonly Fix[];
  readonly backend: { readonly active: BackendName; readonly adapter: string } | null;
  readonly progress: SweepProgress | null;
  /** Points finished so far, in grid order, and their training curves. */
  readonly points: readonly SweepPoint[];
  readonly curves: readonly SweepCurve[];
  /** The whole file once the sweep ended (or as opened); null while it runs. */
  readonly result: SweepResultFile | null;
  readonly origin: SweepOrigin | null;
  readonly error: string | null;
  /** Why a file could not be opened (the shown result, if any, stays). */
  readonly fileError: string | null;
  /** Live training was paused for this sweep, and resumes when it ends. */
  readonly pausedTraining: boolean;
}

export const INITIAL_SWEEP_VIEW: SweepView = {
  id: 0,
  phase: 'idle',
  definition: null,
  query: null,
  fixes: [],
  backend: null,
  progress: null,
  points: [],
  curves: [],
  result: null,
  origin: null,
  error: null,
  fileError: null,
  pausedTraining: false,
};

export const useSweep = create<SweepView>()(() => INITIAL_SWEEP_VIEW);

/** True while a sweep occupies the sweep worker. */
export function isSweepActive(phase: SweepPhase): boolean {
  return phase === 'starting' || phase === 'running' || phase === 'cancelling';
}

/** Starts a new sweep's view: what an earlier one showed is dropped at once. */
export function beginSweep(definition: SweepDefinition, query: string, fixes: readonly Fix[] = []): number {
  const id = useSweep.getState().id + 1;
  useSweep.setState({
    ...INITIAL_SWEEP_VIEW,
    id,
    phase: 'starting',
    definition,
    query,
    fixes,
    origin: 'computed',
    pausedTraining: useSweep.getState().pausedTraining,
  });
  return id;
}

/** Shows a finished result (opened from a file or from storage) without computing anything. */
export function showResult(result: SweepResultFile, origin: SweepOrigin): void {
  useSweep.setState((view) => ({
    ...INITIAL_SWEEP_VIEW,
    id: view.id + 1,
    phase: result.complete ? 'done' : 'cancelled',
    query: result.query,
    points: result.points,
    curves: result.curves,
    result,
    origin,
    pausedTraining: view.pausedTraining,
  }));
}

/** Folds one worker event into the view. */
export function applySweepEvent(event: SweepEvent): void {
  const view = useSweep.getState();
  if (event.id !== view.id || !isSweepActive(view.phase)) return;
  switch (event.type) {
    case 'backend':
      useSweep.setState({ backend: { active: event.active, adapter: event.adapter } });
      return;
    case 'progress':
      useSweep.setState({
        progress: event.progress,
        ...(view.phase === 'starting' ? { phase: 'running' as const } : {}),
      });
      return;
    case 'points':
      useSweep.setState({ points: event.points, curves: event.curves });
      return;
    case 'done':
      useSweep.setState({
        phase: event.result.complete ? 'done' : 'cancelled',
        result: event.result,
        points: event.result.points,
        curves: event.result.curves,
      });
      return;
    case 'error':
      useSweep.setState({ phase: 'failed', error: event.message });
      return;
  }
}
