import { DEFAULT_BUDGET } from '../../engine/budget.ts';
import { planSweep } from '../../sweep/plan.ts';
import type { SweepDefinition } from '../../sweep/types.ts';

/**
 * The budget's prediction of a sweep's time on WebAssembly (building and every step of every
 * group): an upper bound for τ sweeps, whose groups stop once every run has reached τ or
 * diverged. Null where the plan refuses the sweep.
 */
export function predictedSweepSeconds(definition: SweepDefinition): number | null {
  try {
    const plan = planSweep(definition, { budget: DEFAULT_BUDGET });
    return plan.groups.reduce((sum, g) => sum + g.buildSeconds + g.config.steps * g.stepSeconds, 0);
  } catch {
    return null;
  }
}
