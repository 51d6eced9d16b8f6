import type { BackendChoice } from '../worker/trainingProtocol.ts';
import type { BenchGrid, BenchResult } from './measure.ts';

/** One worker measures every backend in turn, so unit draws (Haar factors) are made once. */
export type BenchRequest = {
  readonly backends: readonly BackendChoice[];
  readonly grid: BenchGrid;
  readonly seconds: number;
};

export type BenchEvent =
  | {
      readonly type: 'backend';
      readonly requested: BackendChoice;
      readonly active: string;
      readonly adapter: string;
    }
  | { readonly type: 'result'; readonly result: BenchResult }
  | { readonly type: 'error'; readonly requested: BackendChoice; readonly message: string }
  | { readonly type: 'done' };
