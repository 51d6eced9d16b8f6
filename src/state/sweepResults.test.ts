import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { sweepDefinition, sweepQuery } from '../sweep/definition.ts';
import type { SweepPoint, SweepResultFile } from '../sweep/types.ts';
import {
  MAX_RESULT_CHARS,
  MAX_TOTAL_CHARS,
  RESULT_KEY_PREFIX,
  loadResult,
  rememberResult,
  type ResultStore,
} from './sweepResults.ts';

class MapStore implements ResultStore {
  readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

function result(
  experiment: string,
  options: { complete?: boolean; createdAt?: string; curvePoints?: number } = {},
) {
  const definition = sweepDefinition(DEFAULT_CONFIG, ['lr=0.01,0.1'], 'tau', experiment);
  const points: SweepPoint[] = [0.01, 0.1].map((lr) => ({
    lr,
    init: 'gaussian',
    seed: 1,
    tau: 10,
    diverged: false,
    divergedAtStep: null,
    finalLoss: 0.3,
    stepsTrained: 100,
  }));
  const n = options.curvePoints ?? 3;
  const file: SweepResultFile = {
    format: 'isometry-lab-sweep',
    version: 1,
    labVersion: '0.1.0',
    createdAt: options.createdAt ?? '2025-01-01T00:00:00.000Z',
    backend: 'wasm',
    experiment,
    query: sweepQuery(definition),
    config: DEFAULT_CONFIG,
    over: ['lr=0.01,0.1'],
    measure: 'tau',
    threshold: { metric: 'train', value: 0.5, rule: 'rule' },
    steps: 100,
    points,
    curves: [
      { point: 0, steps: Array.from({ length: n }, (_, i) => i), trainLoss: Array(n).fill(0.123456789) },
    ],
    complete: options.complete ?? true,
    seconds: 12,
  };
  return file;
}

describe('rememberResult', () => {
  it('keeps a result per experiment and reads it back equal', () => {
    const store = new MapStore();
    const file = result('deep-linear');
    expect(rememberResult(file, store)).toBe(true);
    expect(loadResult('deep-linear', store)).toEqual(file);
    expect(loadResult('lazy-regime', store)).toBeNull();
  });

  it('keeps a complete result when a cancelled rerun ends', () => {
    const store = new MapStore();
    rememberResult(result('deep-linear'), store);
    expect(rememberResult(result('deep-linear', { complete: false }), store)).toBe(false);
    expect(loadResult('deep-linear', store)?.complete).toBe(true);
  });

  it('drops the curves of a large result, and refuses none that fits without them', () => {
    const store = new MapStore();
    const big = result('deep-linear', { curvePoints: MAX_RESULT_CHARS / 10 });
    expect(JSON.stringify(big).length).toBeGreaterThan(MAX_RESULT_CHARS);
    expect(rememberResult(big, store)).toBe(true);
    expect(loadResult('deep-linear', store)?.curves).toEqual([]);
    expect(loadResult('deep-linear', store)?.points).toEqual(big.points);
  });

  it('evicts the oldest results past the total bound', () => {
    const store = new MapStore();
    // Each under the per-result bound with its curves: the total admits only a few.
    const ids = ['deep-linear', 'lazy-regime', 'tau-vs-lr-depth', 'tau-vs-lr-width'];
    const chars = JSON.stringify(result('deep-linear', { curvePoints: 45_000 })).length;
    expect(chars).toBeLessThan(MAX_RESULT_CHARS);
    const fit = Math.floor(MAX_TOTAL_CHARS / chars);
    expect(fit).toBeLessThan(ids.length);
    ids.forEach((id, i) =>
      rememberResult(result(id, { curvePoints: 45_000, createdAt: `2025-01-0${i + 1}T00:00:00Z` }), store),
    );
    const kept = ids.filter((id) => store.getItem(RESULT_KEY_PREFIX + id) !== null);
    expect(kept).toEqual(ids.slice(ids.length - fit));
  });

  it('forgets an unreadable entry', () => {
    const store = new MapStore();
    store.setItem(`${RESULT_KEY_PREFIX}deep-linear`, '{"format":"something else"}');
    expect(loadResult('deep-linear', store)).toBeNull();
    expect(store.length).toBe(0);
  });
});
