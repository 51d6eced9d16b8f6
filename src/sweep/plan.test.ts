import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LabConfig } from '../config/index.ts';
import { BudgetRefusal, DEFAULT_BUDGET, refuse } from '../engine/budget.ts';
import { costConfigOf } from '../engine/runs.ts';
import { sweepDefinition } from './definition.ts';
import { planSweep } from './plan.ts';

const BASE: LabConfig = { ...DEFAULT_CONFIG, data: 'teacher', L: 4, N: 16, init: 'both', seeds: 2 };

describe('planning a sweep', () => {
  it('stacks runs that differ only in learning rate into one program, in grid order', () => {
    const plan = planSweep(sweepDefinition(BASE, ['lr=0.01,0.1,1']));
    expect(plan.points).toHaveLength(3 * 2 * 2);
    expect(plan.groups).toHaveLength(1);
    expect(plan.groups[0]!.points).toEqual(plan.points.map((_, i) => i));
    // lr outermost, then inits, then seeds.
    expect(plan.points.slice(0, 4).map((p) => [p.values.lr, p.init, p.seed])).toEqual([
      [0.01, 'gaussian', 1],
      [0.01, 'gaussian', 2],
      [0.01, 'orthogonal', 1],
      [0.01, 'orthogonal', 2],
    ]);
    expect(plan.points.map((p) => p.config.lr)).toEqual([
      0.01, 0.01, 0.01, 0.01, 0.1, 0.1, 0.1, 0.1, 1, 1, 1, 1,
    ]);
  });

  it('runs different shapes (or anything else that changes training) one after another', () => {
    const plan = planSweep(sweepDefinition(BASE, ['lr=0.01,0.1', 'L=2,8']));
    expect(plan.groups).toHaveLength(2);
    const depths = plan.groups.map((group) => group.points.map((i) => plan.points[i]!.config.L));
    expect(depths).toEqual([Array(8).fill(2), Array(8).fill(8)]);
    // Each depth's program holds both learning rates.
    for (const group of plan.groups)
      expect(new Set(group.points.map((i) => plan.points[i]!.config.lr))).toEqual(new Set([0.01, 0.1]));
    expect(planSweep(sweepDefinition(BASE, ['act=tanh,relu'])).groups).toHaveLength(2);
    expect(planSweep(sweepDefinition(BASE, ['opt=sgd,adam'])).groups).toHaveLength(2);
    // The threshold only reads the curves: one program.
    expect(planSweep(sweepDefinition(BASE, ['thr=0.1,0.2'])).groups).toHaveLength(1);
    expect(planSweep(sweepDefinition(BASE, [])).points).toHaveLength(4);
  });

  it('splits a group over the budget into the fewest programs that each fit it', () => {
    const wide: LabConfig = { ...BASE, data: 'mnist', L: 10, N: 1024, seeds: 1 };
    const definition = sweepDefinition(wide, ['lr=1e-3..1:8:log']);
    const facts = { backend: 'wasm' } as const;
    const plan = planSweep(definition, { budget: DEFAULT_BUDGET, facts });
    expect(plan.groups.length).toBeGreaterThan(1);
    const covered = plan.groups.flatMap((group) => group.points);
    expect(covered).toEqual(plan.points.map((_, i) => i));
    for (const group of plan.groups) {
      const runs = group.points.map((i) => plan.points[i]!);
      expect(refuse(costConfigOf(wide, runs), facts, DEFAULT_BUDGET)).toBeNull();
    }
    // One program fewer would not fit: some chunk of the next larger size is refused.
    const size = Math.ceil(plan.points.length / (plan.groups.length - 1));
    const larger = plan.points.slice(0, size);
    expect(refuse(costConfigOf(wide, larger), facts, DEFAULT_BUDGET)).not.toBeNull();
    // Without a budget it is one program.
    expect(planSweep(definition).groups).toHaveLength(1);
  });

  it('refuses, as the lab refuses any configuration, a sweep one of whose runs does not fit', () => {
    const huge = sweepDefinition({ ...BASE, data: 'mnist', L: 1000, N: 2048 }, ['lr=0.01,0.1']);
    expect(() => planSweep(huge, { budget: DEFAULT_BUDGET, facts: { backend: 'wasm' } })).toThrow(
      BudgetRefusal,
    );
  });
});
