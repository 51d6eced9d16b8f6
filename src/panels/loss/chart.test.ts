import { describe, expect, it } from 'vitest';
import type { InitKind } from '../../engine/index.ts';
import { Series } from '../../state/series.ts';
import type { RunTrace } from '../../state/training.ts';
import { buildLossChart, bucketCount } from './chart.ts';
import { readAt, snapStep } from './hover.ts';
import { metricView } from './metric.ts';
import { describeChart, tauText } from './summary.ts';

function trace(
  runId: number,
  init: InitKind,
  loss: (step: number) => number,
  steps: number,
  diverged: RunTrace['diverged'] = null,
): RunTrace {
  const train = new Series();
  for (let s = 1; s <= steps; s++) train.push(s, loss(s));
  return {
    run: { runId, init, seed: 1 + (runId % 2), lr: 0.05 },
    train,
    testLoss: new Series(),
    testAccuracy: new Series(),
    diverged,
  };
}

const train = metricView('train', 'classification');
const base = { metric: train, width: 700, logY: true, threshold: 0.5, totalSteps: 20000 };

describe('buildLossChart', () => {
  it('draws 12,000 noisy steps per run from a bounded number of vertices', () => {
    const noisy = (scale: number) => (s: number) =>
      scale * (1 + 0.5 * Math.sin(s * 1.7)) * Math.exp(-s / 4000);
    const runs = [
      trace(0, 'gaussian', noisy(2), 12000),
      trace(1, 'gaussian', noisy(2.2), 12000),
      trace(2, 'orthogonal', noisy(1), 12000),
      trace(3, 'orthogonal', noisy(1.1), 12000),
    ];
    const chart = buildLossChart({ ...base, runs });
    expect(chart.curves.map((c) => c.init)).toEqual(['gaussian', 'orthogonal']);
    for (const curve of chart.curves) {
      expect(curve.aggregate.length).toBe(12000);
      expect(curve.drawn.length).toBeLessThanOrEqual(chart.bucketCount + 2);
      expect(curve.linePath).toMatch(/^M/);
      expect(curve.bandPath).toMatch(/^M/);
    }
    expect(chart.bucketCount).toBe(bucketCount(chart.geometry.innerWidth, true));
    expect(chart.lastStep).toBe(12000);
    // 12,000 of 20,000 steps done: the axis has doubled from 64 up to 16,384 steps.
    expect(chart.geometry.x.domain()).toEqual([0, 16384]);
  });

  it('computes τ on the undecimated mean, where a one-step dip counts', () => {
    // Mean loss is 1 everywhere except at step 37, where both seeds dip to 0.2.
    const dip = (s: number) => (s === 37 ? 0.2 : 1);
    const runs = [trace(0, 'gaussian', dip, 2000), trace(1, 'gaussian', dip, 2000)];
    const chart = buildLossChart({ ...base, runs, totalSteps: 2000 });
    const curve = chart.curves[0]!;
    expect(curve.tau).toBe(37);
    const drawnMean = curve.drawn.channels[0]!.subarray(0, curve.drawn.length);
    expect(Math.min(...drawnMean)).toBeGreaterThan(0.5);
  });

  it('leaves a diverged run out of the mean after it diverges and marks its last finite point', () => {
    const runs = [
      trace(0, 'gaussian', (s) => (s < 57 ? 2 : NaN), 100, { step: 57, lastFiniteStep: 56 }),
      trace(1, 'gaussian', () => 1, 100),
    ];
    const chart = buildLossChart({ ...base, runs, totalSteps: 100 });
    const { aggregate } = chart.curves[0]!;
    expect(aggregate.mean[55]).toBe(1.5); // step 56
    expect(aggregate.mean[56]).toBe(1); // step 57
    expect(aggregate.count[56]).toBe(1);
    expect(chart.marks).toEqual([
      { init: 'gaussian', label: 'Gaussian', runId: 0, seed: 1, step: 57, point: { step: 56, value: 2 } },
    ]);
    const reading = readAt(chart.curves, train, 80);
    expect(reading.entries[0]!.mean).toBe(1);
    expect(reading.entries[0]!.runs.map((r) => r.diverged)).toEqual([true, false]);
  });

  it('draws no band for a single seed, and fixes the accuracy axis to [0, 1] linear', () => {
    const single = trace(0, 'orthogonal', () => 0.3, 10);
    single.testAccuracy.push(0, 0.1);
    single.testAccuracy.push(10, 0.8);
    const loss = buildLossChart({ ...base, runs: [single] });
    expect(loss.curves[0]!.bandPath).toBeNull();
    const acc = buildLossChart({
      ...base,
      metric: metricView('acc', 'classification'),
      logY: false,
      runs: [single],
    });
    expect(acc.geometry.y.domain()).toEqual([0, 1]);
    expect(acc.curves[0]!.tau).toBe(10); // accuracy 0.8 ≥ 0.5
    const strict = buildLossChart({
      ...base,
      metric: metricView('acc', 'classification'),
      logY: false,
      runs: [single],
      threshold: 0.9,
    });
    expect(strict.curves[0]!.tau).toBeNull();
  });

  it('is empty but well-formed before the first step', () => {
    const chart = buildLossChart({ ...base, runs: [trace(0, 'gaussian', () => 1, 0)] });
    expect(chart.curves[0]!.aggregate.length).toBe(0);
    expect(chart.curves[0]!.linePath).toBeNull();
    expect(snapStep(chart.curves, 10)).toBeNull();
    expect(describeChart(chart.curves, chart.marks, train, true, 0.5, 20000)).toMatch(/No points yet/);
  });
});

describe('τ readout', () => {
  it('names each init, the speed-up, and "not reached"', () => {
    const runs = [
      trace(0, 'gaussian', (s) => (s >= 340 ? 0.4 : 1), 400),
      trace(2, 'orthogonal', (s) => (s >= 120 ? 0.4 : 1), 400),
    ];
    const chart = buildLossChart({ ...base, runs });
    expect(tauText(chart.curves)).toBe(
      'τ_Gaussian = 340 steps · τ_orthogonal = 120 steps (orthogonal 2.83× sooner)',
    );
    const later = buildLossChart({ ...base, runs, threshold: 0.1 });
    expect(tauText(later.curves)).toBe('τ_Gaussian = not reached · τ_orthogonal = not reached');
  });
});

describe('visible steps', () => {
  it('starts at 64 steps, doubles as the curves grow, and stops at the step limit', async () => {
    const { visibleSteps } = await import('./chart.ts');
    expect(visibleSteps(2000, 0)).toBe(64);
    expect(visibleSteps(2000, 60)).toBe(64);
    expect(visibleSteps(2000, 62)).toBe(128);
    expect(visibleSteps(2000, 700)).toBe(1024);
    expect(visibleSteps(2000, 1000)).toBe(2000);
    expect(visibleSteps(30, 0)).toBe(30);
    expect(visibleSteps(2000, 2500)).toBe(2500);
  });
});
