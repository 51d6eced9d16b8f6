import { useMemo } from 'react';
import {
  DEFAULT_BUDGET,
  formatBytes,
  formatSeconds,
  predict,
  refuse,
  type BackendFacts,
  type BackendKind,
} from '../engine/budget.ts';
import { estimateCost } from '../engine/cost.ts';
import { useLab } from '../state/store.ts';
import { useTraining } from '../state/training.ts';
import { formatQuantity } from './format.ts';

const MB = 2 ** 20;

/**
 * What the current runs cost, from the configuration alone, so it follows every slider at once:
 * parameters, tensors and FLOPs, and the budget's predictions (src/engine/budget.ts, the same the
 * worker applies) of peak memory and seconds per step on the backend in use. A configuration the
 * worker will refuse is marked as such, with the nearest one within the budget, before it says so.
 */
export function CostReadout() {
  const { L, N, bs, opt, init, seeds, seed, data, backend: chosen } = useLab((s) => s.config);
  const active = useTraining((s) => s.backend);
  // The backend the worker trains on; before it has said, the forced one, or WASM (auto's usual pick).
  const kind: BackendKind = active?.active ?? (chosen === 'auto' ? 'wasm' : chosen);
  const software = active !== null && active.softwareName !== null;
  const estimate = useMemo(() => {
    const config = { L, N, bs, opt, init, seeds, seed, data };
    const facts: BackendFacts = { backend: kind, software };
    return { cost: estimateCost(config), prediction: predict(config, facts), refusal: refuse(config, facts) };
  }, [L, N, bs, opt, init, seeds, seed, data, kind, software]);
  const { cost, prediction, refusal } = estimate;
  const scaling = useTraining((s) => s.info?.inputScaling ?? null);
  return (
    <dl className="cost" data-testid="cost" data-over-budget={refusal !== null}>
      <dt>runs</dt>
      <dd>{cost.runCount}</dd>
      <dt>parameters</dt>
      <dd>
        {formatQuantity(cost.parameterCount, 3)} per run ·{' '}
        {formatQuantity(cost.parameterCount * cost.runCount, 3)} in all
      </dd>
      <dt>memory</dt>
      <dd title="Peak: tensors, the weights as drawn, the draw cache and the measurement buffers (src/engine/budget.ts)">
        ≈ {formatQuantity(cost.memoryBytes / MB, 3)} MB of tensors · ≈ {formatBytes(prediction.memoryBytes)}{' '}
        at peak
      </dd>
      <dt>work</dt>
      <dd>{formatQuantity(cost.flopsPerStep / 1e9, 3)} GFLOP per step</dd>
      <dt>time</dt>
      <dd
        data-testid="cost-time"
        title={`Predicted on ${kind}${software ? ' (software GPU)' : ''} from a conservative table; the worker also scales it by the steps it has timed. Budget: ${formatSeconds(DEFAULT_BUDGET.stepSeconds)} a step, ${formatSeconds(DEFAULT_BUDGET.buildSeconds)} to draw, ${formatBytes(DEFAULT_BUDGET.memoryBytes)}.`}
      >
        ≈ {formatSeconds(prediction.stepSeconds)} per step on {kind}
        {prediction.buildSeconds >= 1 && ` · ≈ ${formatSeconds(prediction.buildSeconds)} to draw`}
      </dd>
      {refusal && (
        <>
          <dt>budget</dt>
          <dd className="over-budget" data-testid="cost-refusal">
            over it: {refusal.reason}
            {refusal.suggestionFits &&
              ` · nearest within it: ${Object.entries(refusal.suggestion)
                .map(([key, value]) => `${key} = ${value}`)
                .join(', ')}`}
          </dd>
        </>
      )}
      {scaling && (
        <>
          <dt>inputs</dt>
          <dd title={scaling.note}>
            q¹ = {formatQuantity(scaling.q1, 3)}
            {scaling.atFixedPoint ? ' = q*' : ' (not at q*)'}
          </dd>
        </>
      )}
    </dl>
  );
}
