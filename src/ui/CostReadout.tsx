import { useMemo } from 'react';
import { estimateCost } from '../engine/cost.ts';
import { useLab } from '../state/store.ts';
import { useTraining } from '../state/training.ts';
import { formatQuantity } from './format.ts';

const MB = 2 ** 20;

/** What the current runs cost, from the configuration alone, so it follows every slider at once. */
export function CostReadout() {
  const { L, N, bs, opt, init, seeds, seed, data } = useLab((s) => s.config);
  const cost = useMemo(
    () => estimateCost({ L, N, bs, opt, init, seeds, seed, data }),
    [L, N, bs, opt, init, seeds, seed, data],
  );
  const scaling = useTraining((s) => s.info?.inputScaling ?? null);
  return (
    <dl className="cost" data-testid="cost">
      <dt>runs</dt>
      <dd>{cost.runCount}</dd>
      <dt>parameters</dt>
      <dd>
        {formatQuantity(cost.parameterCount, 3)} per run ·{' '}
        {formatQuantity(cost.parameterCount * cost.runCount, 3)} in all
      </dd>
      <dt>memory</dt>
      <dd>≈ {formatQuantity(cost.memoryBytes / MB, 3)} MB of tensors</dd>
      <dt>work</dt>
      <dd>{formatQuantity(cost.flopsPerStep / 1e9, 3)} GFLOP per step</dd>
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
