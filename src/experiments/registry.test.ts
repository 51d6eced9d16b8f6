import { describe, expect, it } from 'vitest';
import { parseSweepQuery } from '../sweep/definition.ts';
import { EXPERIMENTS, experimentById } from './registry.ts';

describe('named experiments', () => {
  it('each has a unique id, its own id in its link, and a link that runs', () => {
    expect(new Set(EXPERIMENTS.map((named) => named.id)).size).toBe(EXPERIMENTS.length);
    for (const named of EXPERIMENTS) {
      const { definition, fixes } = parseSweepQuery(named.query);
      expect(fixes, named.id).toEqual([]);
      expect(definition.experiment).toBe(named.id);
      expect(experimentById(named.id)).toBe(named);
      expect(named.explanation, named.id).not.toMatch(/\n/);
    }
  });

  it('draws what its sweep measures', () => {
    for (const named of EXPERIMENTS) {
      const { definition } = parseSweepQuery(named.query);
      if (named.chart === 'change-vs-width') {
        expect(definition.measure, named.id).toBe('ntk');
        expect(
          definition.axes.map((axis) => axis.key),
          named.id,
        ).toEqual(['N']);
      }
      if (named.chart === 'tau-vs-x') expect(definition.axes.length, named.id).toBeGreaterThan(0);
      // One curve per grid cell and init: any axes (none for the lazy regime).
      if (named.chart === 'curves') expect(definition.axes.length, named.id).toBeLessThanOrEqual(2);
      if (named.chart === 'curvature-scatter') expect(definition.measure, named.id).toBe('curvature');
      if (named.chart === 'singular-values') expect(definition.measure, named.id).toBe('weights');
      if (named.chart === 'error-vs-n') {
        expect(definition.axes.map((axis) => axis.key)).toContain('ntrain');
        // The error is the held-out loss at the last step: the sweep must evaluate, to the end.
        expect(definition.base.lm, named.id).not.toBe('train');
        expect(definition.measure, named.id).not.toBe('tau');
      }
      // The best τ is taken over one of two axes, the other drawn along x.
      if (named.bestOver)
        expect(
          definition.axes.map((axis) => axis.key),
          named.id,
        ).toContain(named.bestOver);
      if (named.bestOver) expect(definition.axes, named.id).toHaveLength(2);
    }
  });
});
