import { formatQuantity } from '../../ui/format.ts';
import type { DivergedMark, InitCurve } from './chart.ts';
import { axisTitle, type MetricView } from './metric.ts';

/** "τ_Gaussian = 340 steps · τ_orthogonal = 120 steps (orthogonal 2.8× sooner)", or "not reached". */
export function tauText(curves: readonly InitCurve[]): string {
  const text = curves
    .map((c) => `τ_${c.label} = ${c.tau === null ? 'not reached' : `${c.tau} steps`}`)
    .join(' · ');
  const [a, b] = curves;
  if (a && b && a.tau !== null && b.tau !== null && a.tau !== b.tau && a.tau > 0 && b.tau > 0) {
    const [fast, slow] = a.tau < b.tau ? [a.tau, b.tau] : [b.tau, a.tau];
    const faster = a.tau < b.tau ? a.label : b.label;
    return `${text} (${faster} ${formatQuantity(slow / fast, 3)}× sooner)`;
  }
  return text;
}

/** The threshold condition in words: "mean training loss ≤ 0.5". */
export function thresholdCondition(metric: MetricView, threshold: number): string {
  return `mean ${metric.name} ${metric.direction === 'down' ? '≤' : '≥'} ${formatQuantity(threshold)}`;
}

export function divergedText(mark: DivergedMark): string {
  return `${mark.label} seed ${mark.seed}: diverged at step ${mark.step}`;
}

/** One paragraph for screen readers: what is plotted, where each curve stands, τ and divergences. */
export function describeChart(
  curves: readonly InitCurve[],
  marks: readonly DivergedMark[],
  metric: MetricView,
  logY: boolean,
  threshold: number,
  xMax: number,
): string {
  const head = `${capitalize(axisTitle(metric, logY))} against training step, 0 to ${xMax}.`;
  if (curves.every((c) => c.aggregate.length === 0)) return `${head} No points yet.`;
  const lines = curves.map((c) => {
    const n = c.aggregate.length;
    if (n === 0) return `${c.label}: no points yet.`;
    const seeds = c.runs.length === 1 ? '1 seed' : `mean of ${c.runs.length} seeds with min–max band`;
    return `${c.label} (${seeds}): ${formatQuantity(c.aggregate.mean[n - 1]!)} at step ${c.aggregate.steps[n - 1]}.`;
  });
  const tau = `Threshold ${thresholdCondition(metric, threshold)}: ${tauText(curves)}.`;
  const diverged = marks.map((m) => `${divergedText(m)}.`);
  return [head, ...lines, tau, ...diverged].join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
