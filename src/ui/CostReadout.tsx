import { useTraining } from '../state/training.ts';
import { formatQuantity } from './format.ts';

const MB = 1024 * 1024;

/** What the current runs cost: parameters, tensor memory and arithmetic per training step. */
export function CostReadout() {
  const info = useTraining((s) => s.info);
  if (!info) return <p className="cost">Cost: drawing the networks…</p>;
  return (
    <dl className="cost" data-testid="cost">
      <dt>runs</dt>
      <dd>{info.runCount}</dd>
      <dt>parameters</dt>
      <dd>
        {formatQuantity(info.parameterCount, 3)} per run ·{' '}
        {formatQuantity(info.parameterCount * info.runCount, 3)} in all
      </dd>
      <dt>memory</dt>
      <dd>≈ {formatQuantity(info.memoryBytes / MB, 3)} MB of tensors</dd>
      <dt>work</dt>
      <dd>{formatQuantity(info.flopsPerStep / 1e9, 3)} GFLOP per step</dd>
      <dt>inputs</dt>
      <dd title={info.inputScaling.note}>
        {info.dataset.name}: q¹ = {formatQuantity(info.inputScaling.q1, 3)}
        {info.inputScaling.atFixedPoint ? ' = q*' : ' (not at q*)'}
      </dd>
    </dl>
  );
}
