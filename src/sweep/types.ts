import type { LabConfig } from '../config/schema.ts';
import type { InitKind } from '../engine/init.ts';
import type { AxisKey } from './axisKey.ts';

/** A value a swept parameter takes: a number, or a choice's value (e.g. 'relu'). */
export type SweepValue = number | string;

/** One swept parameter and the values it takes, in the order they run and are drawn. */
export interface SweepAxis {
  /** A parameter, or `qstar` (the critical pair with that fixed point: see axisKey.ts). */
  readonly key: AxisKey;
  readonly values: readonly SweepValue[];
  /**
   * Canonical text of the axis, as links and files carry it, e.g. 'lr=0.001..1:9:log' (parseAxis
   * of it gives this axis again).
   */
  readonly spec: string;
  /** Drawn on a log scale: a `:log` range, or a list of positive values of a log-scale parameter. */
  readonly log: boolean;
}

/**
 * What is measured at every grid point besides τ (always taken, from the configuration's `lm` and
 * `thr`): 'ntk' adds the relative change of the empirical NTK and of each layer's weights between
 * initialization and the last step; 'curvature' the largest eigenvalue of the Fisher information
 * and s²_max of the input–output Jacobian at initialization, and λ_max(Fisher) along training;
 * 'weights' the singular values of the hidden (or recurrent) weights along training; 'curves'
 * nothing more, but like every measure other than 'tau' it trains each run to its last step
 * (a τ sweep stops a group once every run has reached τ).
 */
export type SweepMeasure = 'tau' | 'ntk' | 'curvature' | 'weights' | 'curves';

/**
 * A grid over one or two parameters (axes) × the base configuration's inits × seeds. Every
 * parameter not swept is the base configuration's.
 */
export interface SweepDefinition {
  readonly base: LabConfig;
  readonly axes: readonly SweepAxis[];
  readonly measure: SweepMeasure;
  /** The named experiment this sweep is, if any (src/experiments/registry.ts). */
  readonly experiment: string | null;
}

/**
 * One run of the grid: the swept parameters' values under their URL keys, at the top level (so the
 * file reads `{"lr": 0.01, "L": 50, "init": "orthogonal", "seed": 1, "tau": 120, …}`).
 */
export interface SweepPoint {
  readonly init: InitKind;
  readonly seed: number;
  /** First step at which the threshold was reached; null when not reached (or diverged first). */
  readonly tau: number | null;
  readonly diverged: boolean;
  readonly divergedAtStep: number | null;
  /**
   * Mean of the last 10 finite minibatch losses (src/sweep/tau.ts), at the last step trained; null
   * when none was finite.
   */
  readonly finalLoss: number | null;
  /**
   * The last step trained with a finite loss: the configuration's steps, or fewer where the run
   * diverged, or where measure=tau stopped its group once every run had reached τ or diverged.
   */
  readonly stepsTrained: number;
  /** measure 'ntk': ‖Θ_T − Θ_0‖_F/‖Θ_0‖_F on the NTK probe inputs. */
  readonly ntkChange?: number;
  /** measure 'ntk': ‖W_T − W_0‖_F/‖W_0‖_F per layer (hidden layers 1…L, then the readout). */
  readonly weightChange?: readonly number[];
  /** measure 'curvature': λ_max of the Fisher information at initialization. */
  readonly lambdaMaxFisher?: number;
  /** measure 'curvature': the largest squared singular value of the input–output Jacobian at init. */
  readonly sMaxSq?: number;
  /** measure 'curvature': the fixed point q* of the point's (φ, σ_w², σ_b²); null where there is none. */
  readonly qStar?: number | null;
  /** lm=test or acc: the held-out loss at the last step (MSE for regression); null once diverged. */
  readonly finalTestLoss?: number | null;
  readonly [sweptUrlKey: string]: SweepValue | boolean | null | undefined | readonly number[];
}

/** Singular values of weight matrices at a series of steps, one entry per step. */
export interface SingularValueSeries {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly min: readonly number[];
  readonly max: readonly number[];
}

/** A run's training curve, decimated (at most a few hundred points), for redrawing. */
export interface SweepCurve {
  /** Index of the run's point in `points`. */
  readonly point: number;
  readonly steps: readonly number[];
  /** Mean minibatch loss over the steps since the previous entry (NaN once diverged). */
  readonly trainLoss: readonly number[];
  /** lm=test or acc: the held-out metric τ was read from, at `evalSteps` (step 0 included). */
  readonly evalSteps?: readonly number[];
  readonly evalMetric?: readonly number[];
  /** measure 'curvature': λ_max of the Fisher information at `curvatureSteps` (step 0 included). */
  readonly curvatureSteps?: readonly number[];
  readonly lambdaMax?: readonly number[];
  /**
   * measure 'weights': singular values of the hidden square weights W²…W^L pooled (arch=rnn: the
   * recurrent W) at `weightSteps` (step 0 included).
   */
  readonly weightSteps?: readonly number[];
  readonly weightSv?: SingularValueSeries;
}

export interface SweepProgress {
  readonly runsDone: number;
  readonly runsTotal: number;
  /** Training steps done and to do, summed over runs weighted by their cost (so 0…1 is fair). */
  readonly workDone: number;
  readonly workTotal: number;
  readonly groupIndex: number;
  readonly groupCount: number;
  /** What the current group is doing: drawing its weights, or training (and measuring). */
  readonly phase: 'building' | 'training';
  readonly elapsedSeconds: number;
  /** Extrapolated from the work done so far; null until there is something to extrapolate from. */
  readonly remainingSeconds: number | null;
  /**
   * Whether groups may stop before their last step (measure=tau stops a group once every run has
   * reached τ or diverged): remainingSeconds is then an upper bound.
   */
  readonly mayStopEarly: boolean;
}

/** The file a sweep is saved as, by the page and by `npm run sweep` alike. */
export interface SweepResultFile {
  readonly format: 'isometry-lab-sweep';
  readonly version: 1;
  /** package.json's version of the lab that computed it. */
  readonly labVersion: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Where it ran: the tfjs backend ('wasm', 'cpu', 'webgpu', …) or another engine's name. */
  readonly backend: string;
  readonly experiment: string | null;
  /** The link query that reruns this sweep. */
  readonly query: string;
  readonly config: LabConfig;
  readonly over: readonly string[];
  readonly measure: SweepMeasure;
  readonly threshold: {
    readonly metric: LabConfig['lm'];
    readonly value: number;
    /** How τ was read, in words (the running mean of the training loss, or the evaluation period). */
    readonly rule: string;
  };
  readonly steps: number;
  readonly points: readonly SweepPoint[];
  readonly curves: readonly SweepCurve[];
  /** False when the sweep was cancelled: the points are those finished by then. */
  readonly complete: boolean;
  readonly seconds: number;
}
