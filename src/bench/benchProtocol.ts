import type { BackendChoice } from '../worker/trainingProtocol.ts';
import type { BenchGrid, BenchResult } from './measure.ts';

export type BenchRequest = {
  readonly backend: BackendChoice;
  readonly grid: BenchGrid;
  readonly seconds: number;
};

export type BenchEvent =
  | { readonly type: 'backend'; readonly active: string; readonly adapter: string }
  | { readonly type: 'result'; readonly result: BenchResult }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly message: string };
