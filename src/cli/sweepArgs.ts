/**
 * The flags that say which sweep to run or export (`npm run sweep`, `npm run export`): a base link
 * and axes, a sweep link as the page shows it, or a named experiment, with single parameters
 * overridden by flags.
 */
import type { LabConfig, ParamKey } from '../config/index.ts';
import { experimentById, EXPERIMENTS } from '../experiments/registry.ts';
import {
  SweepDefinitionError,
  isSweepQuery,
  parseSweepQuery,
  sweepDefinition,
  type SweepDefinition,
} from '../sweep/index.ts';
import { UsageError, type CliFlag, type ParsedArgs } from './args.ts';

export const SWEEP_DEFINITION_FLAGS: readonly CliFlag[] = [
  {
    name: 'config',
    help: 'the base configuration: a link’s query string, e.g. "?act=tanh&L=50", or a whole sweep link (with over=…) as the page shows it; flags override it',
  },
  {
    name: 'over',
    repeatable: true,
    help: 'a swept parameter, once or twice: key=a..b:n:log, key=a..b:n or key=v1,v2,… (URL keys: lr, L, N, act, …)',
  },
  { name: 'steps', param: 'steps', help: 'training steps of every run (τ is "not reached" beyond them)' },
  { name: 'threshold', param: 'thr', help: 'τ is the first step at which the metric reaches this' },
  {
    name: 'metric',
    param: 'lm',
    help: 'what τ reads: train (training loss), test (held-out loss), acc (accuracy)',
  },
  {
    name: 'measure',
    help: 'tau (default) | ntk (the relative change of the NTK and of each layer’s weights from step 0 to the last) | curvature (λ_max of the Fisher and s²_max at init, λ_max along training) | weights (singular values of the hidden or recurrent weights along training) | curves (only the curves and final losses; every run trains to its last step, where tau stops a group once all reached τ)',
  },
  {
    name: 'experiment',
    help: `a named experiment, its link and axes as in the Experiments view: ${EXPERIMENTS.map((named) => named.id).join(' | ')}`,
  },
];

/** The sweep the flags describe: --experiment's link, or --config and --over; flags override the base. */
export function sweepDefinitionOf({ config, values, lists }: ParsedArgs): SweepDefinition {
  const id = values.get('experiment');
  const measure = values.get('measure');
  try {
    const link = values.get('config');
    if (id === undefined && link !== undefined && isSweepQuery(link)) {
      // A sweep link copied from the page: its axes, measure and experiment, flags overriding.
      const { definition } = parseSweepQuery(link);
      if (lists.has('over'))
        throw new UsageError('--config is a sweep link with its own over=; drop --over or the link’s axes');
      return sweepDefinition(
        config,
        definition.axes.map((axis) => axis.spec),
        measure ?? definition.measure,
        definition.experiment,
      );
    }
    if (id === undefined) {
      if (!lists.has('over') && measure === undefined)
        throw new UsageError('say what to sweep: --over key=a..b:n[:log] (or --experiment <id>)');
      return sweepDefinition(config, lists.get('over') ?? [], measure ?? 'tau', null);
    }
    const named = experimentById(id);
    if (!named)
      throw new UsageError(`--experiment ${id}: expected one of ${EXPERIMENTS.map((e) => e.id).join(', ')}`);
    if (values.has('config') || lists.has('over'))
      throw new UsageError(
        '--experiment carries its own link and axes; change single parameters with --steps, --threshold, --metric',
      );
    const { definition } = parseSweepQuery(named.query);
    // Only the flags given override the experiment's base (parseArgs read them onto the defaults).
    const overrides: Partial<Record<ParamKey, unknown>> = {};
    for (const flag of SWEEP_DEFINITION_FLAGS)
      if (flag.param && values.has(flag.name)) overrides[flag.param] = config[flag.param];
    const base = { ...definition.base, ...overrides } as LabConfig;
    return sweepDefinition(
      base,
      definition.axes.map((axis) => axis.spec),
      measure ?? definition.measure,
      named.id,
    );
  } catch (error) {
    if (error instanceof SweepDefinitionError) throw new UsageError(error.message);
    throw error;
  }
}
