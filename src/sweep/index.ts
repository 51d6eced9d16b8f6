/**
 * Sweeps: one mechanism for every grid of runs, in the worker and in the CLI (see types.ts). No
 * tfjs behind these exports, so the page can read links and files; the runner (runner.ts, which
 * trains) is imported from its own module by the worker and the CLI.
 */
export * from './types.ts';
export { MAX_AXIS_VALUES, SweepDefinitionError, formatAxis, parseAxis } from './axis.ts';
export {
  MAX_AXES,
  SWEEP_MEASURES,
  isSweepQuery,
  parseSweepQuery,
  sweepDefinition,
  sweepQuery,
  type ParsedSweep,
} from './definition.ts';
export { planSweep, type PlanOptions, type PlannedPoint, type SweepGroup, type SweepPlan } from './plan.ts';
export { CURVE_POINTS, EVAL_EXAMPLES, TRAIN_WINDOW, evalEvery, tauRule } from './tau.ts';
export {
  SWEEP_FILE_FORMAT,
  SWEEP_FILE_VERSION,
  SweepFileError,
  parseSweepResult,
  sweepResultText,
} from './resultFile.ts';
export { LAB_VERSION } from './labVersion.ts';
