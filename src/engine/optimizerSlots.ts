import type { LabConfig } from '../config/schema.ts';

export type OptimizerId = LabConfig['opt'];

/** Per-parameter state each optimizer keeps (momentum buffers, Adam's two moments): memory costs need it. */
export const SLOT_COUNT: Readonly<Record<OptimizerId, number>> = { sgd: 0, momentum: 1, adam: 2, rmsprop: 1 };
