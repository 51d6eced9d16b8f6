import { useDeferredValue, useMemo, useState } from 'react';
import { useLab } from '../../state/store.ts';
import { useTraining, type NtkView } from '../../state/training.ts';
import { formatQuantity } from '../../ui/format.ts';
import { ChangeChart, type ChangeLine } from './ChangeChart.tsx';
import { KernelMaps, type KernelMap } from './KernelMaps.tsx';
import { KernelScatter } from './KernelScatter.tsx';
import {
  INITS,
  INIT_LABEL,
  firstRunOf,
  relativeError,
  scatterPoints,
  seedMean,
  shownLayers,
  type Init,
} from './model.ts';
import './ntk.css';

type Shown = 'initial' | 'latest';

/**
 * The neural tangent kernel of the Gaussian and orthogonal networks next to the infinite-width
 * one (heatmaps on one colour scale, and entry against entry), and how far it and the weights
 * move while training: in the lazy regime they barely do, and both inits agree with theory.
 */
const TRAINED_INITS = {
  both: 'Gaussian, orthogonal',
  gaussian: 'Gaussian',
  orthogonal: 'orthogonal',
} as const;

export function NtkPanel() {
  // Deferred: the first kernels put a thousand scatter markers and three heatmaps on the page at
  // once; rendered as a transition, React slices that work instead of holding the thread 50+ ms.
  const ntk = useDeferredValue(useTraining((s) => s.ntk));
  const skipped = useTraining((s) => s.ntkSkipped);
  const runs = useTraining((s) => s.runs);
  const { param, N, L, data, steps, init } = useLab((s) => s.config);
  const [shown, setShown] = useState<Shown>('initial');

  const unitName = data === 'mnist' ? `the logit of digit ${ntk?.unit ?? 0}` : `output ${ntk?.unit ?? 0}`;
  const unitLabel = `Θ(x_a, x_b), ${data === 'mnist' ? 'logit²' : 'output²'}`;
  const count = ntk?.labels.length ?? 32;

  return (
    <section className="panel ntk-panel" aria-labelledby="ntk-title" data-testid="ntk-panel">
      <header className="panel-head">
        <h2 id="ntk-title">Neural tangent kernel: {TRAINED_INITS[init]} and infinite width</h2>
        {ntk && (
          <fieldset className="ntk-toggle" aria-label="kernels at">
            {(['initial', 'latest'] as const).map((value) => (
              <label key={value}>
                <input
                  type="radio"
                  name="ntk-shown"
                  value={value}
                  checked={shown === value}
                  onChange={() => setShown(value)}
                />
                {value === 'initial' ? 'at initialization' : `now (step ${ntk.latest.step})`}
              </label>
            ))}
          </fieldset>
        )}
      </header>
      <p className="ntk-what">
        Θ(x, x′) = Σ_θ ∂f(x)/∂θ · ∂f(x′)/∂θ over every weight and bias, f = {unitName}, on D = {count}{' '}
        held-out {data === 'mnist' ? 'digits sorted by class' : 'inputs'}.{' '}
        {param === 'std'
          ? `Standard parameterization: Θ grows in proportion to the width (here N = ${N}); theory is computed at this N.`
          : 'NTK parameterization: Θ has a finite limit as the width grows.'}{' '}
        <strong>What to look for:</strong> in the lazy regime (wide, shallow, small η) Θ hardly moves and both
        inits agree with theory; deep or with a large η it moves, and the inits part. Deep and narrow, the
        Gaussian kernel strays further from theory than the orthogonal one already at initialization.
      </p>
      {skipped.kernel ? (
        <p className="spectrum-empty" role="status">
          No NTK for this configuration: {skipped.kernel}.
        </p>
      ) : !ntk ? (
        <p className="spectrum-empty">
          Waiting for the networks: the NTK is taken at initialization and during training.
        </p>
      ) : (
        <NtkContent
          ntk={ntk}
          shown={shown}
          runs={runs}
          unitLabel={unitLabel}
          L={L}
          steps={steps}
          skipped={skipped}
        />
      )}
    </section>
  );
}

function NtkContent({
  ntk,
  shown,
  runs,
  unitLabel,
  L,
  steps,
  skipped,
}: {
  ntk: NtkView;
  shown: Shown;
  runs: ReturnType<typeof useTraining.getState>['runs'];
  unitLabel: string;
  L: number;
  steps: number;
  skipped: ReturnType<typeof useTraining.getState>['ntkSkipped'];
}) {
  const runInfos = useMemo(() => runs.map((trace) => trace.run), [runs]);
  const snapshot = shown === 'initial' ? ntk.initial : ntk.latest;
  const count = ntk.labels.length;
  // The first seed of each init present, with its kernel at the step shown.
  const shownKernels = useMemo(
    () =>
      INITS.flatMap((init) => {
        const run = firstRunOf(runInfos, init);
        return run === null ? [] : [{ init, kernel: snapshot.kernels[run]! }];
      }),
    [runInfos, snapshot],
  );
  const present = shownKernels.map((k) => k.init);
  const analytic = ntk.analytic;
  const maps: KernelMap[] = useMemo(
    () => [
      ...shownKernels.map(({ init, kernel }) => ({
        key: init,
        title: `${INIT_LABEL[init]}, step ${snapshot.step}`,
        matrix: kernel,
      })),
      ...(analytic ? [{ key: 'analytic', title: 'infinite width (theory)', matrix: analytic }] : []),
    ],
    [shownKernels, snapshot.step, analytic],
  );
  const scatter = useMemo(
    () =>
      analytic
        ? shownKernels.map(({ init, kernel }) => ({ init, points: scatterPoints(analytic, kernel, count) }))
        : [],
    [analytic, shownKernels, count],
  );
  const errors = analytic
    ? present.map((init) => {
        const ids = runInfos.filter((run) => run.init === init).map((run) => run.runId);
        const each = ids.map((id) => relativeError(analytic, snapshot.kernels[id]!));
        return {
          init,
          first: each[0]!,
          mean: each.reduce((a, b) => a + b, 0) / each.length,
          seeds: ids.length,
        };
      })
    : [];

  const ntkLines: ChangeLine[] = present.flatMap((init) => {
    const series = seedMean(ntk.changes, runInfos, init, (c, r) => c.ntkChange[r], true);
    return series ? [{ key: init, className: `ntk-init-${init}`, init, series }] : [];
  });
  const layers = shownLayers(L);
  const weightLines: ChangeLine[] = present.flatMap((init) =>
    layers.flatMap((layer, k) => {
      const series = seedMean(ntk.changes, runInfos, init, (c, r) => c.weightChange[r]?.[layer.index], true);
      return series
        ? [{ key: `${init}-${layer.index}`, className: `ntk-init-${init} ntk-layer-${k}`, init, series }]
        : [];
    }),
  );
  const latestChange = (init: Init) => ntkLines.find((l) => l.key === init)?.series.values.at(-1);

  return (
    <>
      <KernelMaps maps={maps} labels={ntk.labels} unitLabel={unitLabel} />
      {skipped.analytic && <p className="spectrum-empty">No theory kernel: {skipped.analytic}.</p>}
      <div className="ntk-charts">
        <div>
          {analytic ? (
            <KernelScatter series={scatter} title={`measured Θ against theory, step ${snapshot.step}`} />
          ) : (
            <p className="spectrum-empty">No theory to compare with.</p>
          )}
          <p className="ntk-figures" data-testid="ntk-errors">
            ‖Θ − Θ_∞‖_F/‖Θ_∞‖_F:{' '}
            {errors.map(({ init, first, mean, seeds }, i) => (
              <span key={init}>
                {i > 0 && ' · '}
                {init === 'gaussian' ? '○' : '×'} {INIT_LABEL[init]}{' '}
                <strong data-testid={`ntk-error-${init}`}>{formatQuantity(first, 3)}</strong>
                {seeds > 1 && ` (mean of ${seeds} seeds ${formatQuantity(mean, 3)})`}
              </span>
            ))}
          </p>
        </div>
        <div>
          <ChangeChart
            title="‖Θ_t − Θ_0‖_F/‖Θ_0‖_F (log scale)"
            testId="ntk-change"
            lines={ntkLines}
            lastStep={steps}
          />
          <p className="ntk-figures">
            Newest:{' '}
            {present.map((init, i) => (
              <span key={init}>
                {i > 0 && ' · '}
                {INIT_LABEL[init]} <strong>{formatQuantity(latestChange(init) ?? NaN, 3)}</strong>
              </span>
            ))}
          </p>
        </div>
        <div>
          {skipped['weight-change'] ? (
            <p className="spectrum-empty" role="status">
              No weight change: {skipped['weight-change']}.
            </p>
          ) : (
            <ChangeChart
              title="‖W_t − W_0‖_F/‖W_0‖_F per layer (log scale)"
              testId="ntk-weight-change"
              lines={weightLines}
              lastStep={steps}
            />
          )}
          <ul className="legend ntk-layer-legend">
            {layers.map((layer, k) => (
              <li key={layer.index}>
                <span className={`ntk-layer-swatch ntk-layer-${k}`} aria-hidden="true" />
                {layer.label}
              </li>
            ))}
          </ul>
        </div>
      </div>
      <p className="signal-legend">
        Heatmaps and scatter: the first seed of each init; curves: means over seeds, Gaussian solid with ●,
        orthogonal dashed with ■; the scatter’s line is y = x. The kernels of step {snapshot.step} took{' '}
        {formatQuantity(snapshot.seconds * 1000, 2)} ms to measure ({runs.length} runs).
      </p>
    </>
  );
}
