import { line, scaleLinear, scaleLog } from 'd3';
import { useCallback, useMemo } from 'react';
import { useLab } from '../../state/store.ts';
import { useTraining, type SignalSnapshot } from '../../state/training.ts';
import { meanFieldPoint, qMap } from '../../theory/index.ts';
import { formatQuantity } from '../../ui/format.ts';
import { SmallChart, type ChartScales } from '../SmallChart.tsx';
import './signal.css';

interface Curve {
  readonly key: string;
  readonly className: string;
  readonly values: ArrayLike<number>;
}

/** Layer-by-layer signal: forward q^l against the q-map, backward gradient norms against √χ₁ per layer. */
export function SignalPanel() {
  const { act, sw2, sb2 } = useLab((s) => s.config);
  const signals = useTraining((s) => s.signals);
  const runs = useTraining((s) => s.runs);
  const q1 = useTraining((s) => s.info?.inputScaling.q1 ?? null);
  const arch = useLab((s) => s.config.arch);
  const first = signals[0];
  const latest = signals[signals.length - 1];
  const layers = latest?.forward[0]?.length ?? 0;

  const theory = useMemo(() => {
    if (q1 === null || layers === 0) return null;
    const forward = new Float64Array(layers);
    forward[0] = q1;
    for (let l = 1; l < layers; l++) forward[l] = qMap(act, sw2, sb2, forward[l - 1]!);
    return { forward, chi1: meanFieldPoint(act, sw2, sb2).chi1 };
  }, [act, sw2, sb2, q1, layers]);

  if (!latest || !first || arch === 'rnn') {
    return (
      <section className="panel signal-panel" aria-labelledby="signal-title" data-testid="signal-panel">
        <h2 id="signal-title">Signal propagation through the layers</h2>
        <p className="spectrum-empty">
          {arch === 'rnn'
            ? 'Not for the recurrent network (arch=rnn): its depth is time, every step shares one W, and the inputs enter at every step; the weights panel tracks W.'
            : 'Waiting for the networks…'}
        </p>
      </section>
    );
  }

  const curves = (pick: (s: SignalSnapshot) => readonly Float32Array[]) => {
    const now = pick(latest).map((values, r) => ({
      key: `now-${r}`,
      className: `signal-line signal-${runs[r]?.run.init ?? 'gaussian'}`,
      values,
    }));
    const before =
      latest === first
        ? []
        : pick(first).map((values, r) => ({
            key: `init-${r}`,
            className: `signal-line signal-at-init signal-${runs[r]?.run.init ?? 'gaussian'}`,
            values,
          }));
    return [...before, ...now];
  };

  // Backward theory: from the last layer inwards each layer multiplies the norm by √χ₁ (at q*).
  const backwardTheory = (() => {
    if (!theory) return null;
    const last = latest.backward.map((b) => b[layers - 1]!).filter((v) => Number.isFinite(v) && v > 0);
    if (last.length === 0) return null;
    const anchor = Math.exp(last.reduce((a, v) => a + Math.log(v), 0) / last.length);
    return Float64Array.from(
      { length: layers },
      (_, l) => anchor * Math.pow(theory.chi1, (layers - 1 - l) / 2),
    );
  })();

  return (
    <section className="panel signal-panel" aria-labelledby="signal-title" data-testid="signal-panel">
      <h2 id="signal-title">Signal propagation through the layers</h2>
      <div className="signal-charts">
        <LayerChart
          title="forward: q^l = mean (h^l)² on held-out inputs"
          curves={[
            ...curves((s) => s.forward),
            ...(theory ? [{ key: 'theory', className: 'signal-theory', values: theory.forward }] : []),
          ]}
          testId="signal-forward"
        />
        <LayerChart
          title="backward: ‖∂loss/∂h^l‖"
          curves={[
            ...curves((s) => s.backward),
            ...(backwardTheory
              ? [{ key: 'theory', className: 'signal-theory', values: backwardTheory }]
              : []),
          ]}
          testId="signal-backward"
        />
      </div>
      <p className="signal-legend">
        Orange: Gaussian runs; green, dashed: orthogonal; thin and pale: at initialization; black: theory —
        the q-map iterated from q¹ = {q1 === null ? '—' : formatQuantity(q1, 3)}, and a factor √χ₁ ={' '}
        {theory ? formatQuantity(Math.sqrt(theory.chi1), 4) : '—'} per layer for gradients. Step {latest.step}
        .
      </p>
    </section>
  );
}

function LayerChart({ title, curves, testId }: { title: string; curves: readonly Curve[]; testId: string }) {
  const layers = curves[0]?.values.length ?? 1;
  const scales = useCallback(
    (innerWidth: number, innerHeight: number): ChartScales => {
      let lo = Infinity;
      let hi = 0;
      for (const c of curves) {
        for (let i = 0; i < c.values.length; i++) {
          const v = c.values[i]!;
          if (Number.isFinite(v) && v > 0) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
      if (lo === Infinity) [lo, hi] = [0.1, 10];
      if (lo === hi) [lo, hi] = [lo / 2, hi * 2];
      return {
        x: scaleLinear()
          .domain([1, Math.max(2, layers)])
          .range([0, innerWidth]),
        y: scaleLog().domain([lo, hi]).range([innerHeight, 0]).nice(),
        yFormat: '.0e',
      };
    },
    [curves, layers],
  );
  return (
    <SmallChart title={`${title} (log scale)`} xLabel="hidden layer l" testId={testId} scales={scales}>
      {({ x, y }) =>
        curves.map((c) => (
          <path
            key={c.key}
            className={c.className}
            d={
              line<number>()
                .defined((l) => Number.isFinite(c.values[l]!) && c.values[l]! > 0)
                .x((l) => x(l + 1))
                .y((l) => y(c.values[l]!))(Array.from({ length: c.values.length }, (_, l) => l)) ?? ''
            }
          />
        ))
      }
    </SmallChart>
  );
}
