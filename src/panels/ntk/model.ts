/**
 * What the NTK panel draws, as plain functions of the store's NTK view: which run stands for each
 * init, the class blocks of the probe inputs, one colour domain for every heatmap, the scatter's
 * points and errors, and the change series averaged over seeds.
 */
import type { RunInfo } from '../../engine/index.ts';
import type { NtkChange } from '../../state/training.ts';

export const INITS = ['gaussian', 'orthogonal'] as const;
export type Init = (typeof INITS)[number];
export const INIT_LABEL: Record<Init, string> = { gaussian: 'Gaussian', orthogonal: 'orthogonal' };

/** The run drawn for `init`: its first seed; null when the configuration has none of it. */
export function firstRunOf(runs: readonly RunInfo[], init: Init): number | null {
  return runs.find((run) => run.init === init)?.runId ?? null;
}

/** A run of consecutive probe inputs of one class: rows and columns [start, end). */
export interface ClassBlock {
  readonly label: number;
  readonly start: number;
  readonly end: number;
}

/** The class blocks of inputs sorted by class; none for regression (labels −1). */
export function classBlocks(labels: ArrayLike<number>): ClassBlock[] {
  const blocks: ClassBlock[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0) return [];
    const last = blocks[blocks.length - 1];
    if (last && last.label === label) blocks[blocks.length - 1] = { ...last, end: i + 1 };
    else blocks.push({ label, start: i, end: i + 1 });
  }
  return blocks;
}

/** [min, max] of the finite entries of every matrix: the one colour scale they share. */
export function sharedDomain(matrices: readonly ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of matrices) {
    for (let i = 0; i < m.length; i++) {
      const v = m[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5 * Math.abs(lo || 1), hi + 0.5 * Math.abs(hi || 1)];
  return [lo, hi];
}

/**
 * ‖Θ − Θ_∞‖_F/‖Θ_∞‖_F in double precision (the same ratio as the engine's relativeChange, written
 * again here so that the page's bundle needs no tfjs).
 */
export function relativeError(reference: ArrayLike<number>, value: ArrayLike<number>): number {
  if (reference.length !== value.length) return NaN;
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < reference.length; i++) {
    difference += (value[i]! - reference[i]!) ** 2;
    norm += reference[i]! ** 2;
  }
  return norm === 0 ? NaN : Math.sqrt(difference / norm);
}

/** One kernel entry: the analytic value against the measured one. */
export interface ScatterPoint {
  readonly analytic: number;
  readonly empirical: number;
}

/** The D(D+1)/2 distinct entries of the symmetric kernels (diagonal included), finite ones only. */
export function scatterPoints(
  analytic: ArrayLike<number>,
  empirical: ArrayLike<number>,
  count: number,
): ScatterPoint[] {
  const points: ScatterPoint[] = [];
  for (let a = 0; a < count; a++) {
    for (let b = a; b < count; b++) {
      const point = { analytic: analytic[a * count + b]!, empirical: empirical[a * count + b]! };
      if (Number.isFinite(point.analytic) && Number.isFinite(point.empirical)) points.push(point);
    }
  }
  return points;
}

/** A quantity against steps, averaged over the seeds of one init. */
export interface StepSeries {
  readonly steps: number[];
  readonly values: number[];
}

/**
 * The mean over the seeds of `init` of pick(change, run) at every snapshot; snapshots where any
 * of them is not finite (a diverged run) are left out, as is step 0 when `skipZero` (a log axis).
 */
export function seedMean(
  changes: readonly NtkChange[],
  runs: readonly RunInfo[],
  init: Init,
  pick: (change: NtkChange, runId: number) => number | undefined,
  skipZero = false,
): StepSeries | null {
  const ids = runs.filter((run) => run.init === init).map((run) => run.runId);
  if (ids.length === 0) return null;
  const steps: number[] = [];
  const values: number[] = [];
  for (const change of changes) {
    if (skipZero && change.step === 0) continue;
    let sum = 0;
    let finite = true;
    for (const id of ids) {
      const value = pick(change, id);
      if (value === undefined || !Number.isFinite(value)) finite = false;
      else sum += value;
    }
    if (!finite) continue;
    steps.push(change.step);
    values.push(sum / ids.length);
  }
  return { steps, values };
}

/** A weight layer whose change is drawn: its index among hidden layers 1…L and the readout, and its name. */
export interface ShownLayer {
  readonly index: number;
  readonly label: string;
}

/**
 * The first, middle and last hidden layers and the readout (layer L + 1), each once: the change
 * of the weights is largest at the ends of a deep network and smallest inside it.
 */
export function shownLayers(L: number): ShownLayer[] {
  const hidden = [1, Math.ceil(L / 2), L].filter((l, i, all) => all.indexOf(l) === i);
  return [
    ...hidden.map((l) => ({ index: l - 1, label: `layer ${l}` })),
    { index: L, label: `readout (${L + 1})` },
  ];
}
