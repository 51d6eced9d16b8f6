import type { LabConfig, ParamKey } from '../config/index.ts';

/**
 * Parameters that only matter for some values of another: for the rest, why they do not, so that
 * their control is shown disabled with that reason rather than moving nothing.
 */
const UNUSED_BECAUSE: Partial<Record<ParamKey, (config: LabConfig) => string | null>> = {
  olam: (config) =>
    config.orth === 'soft' || config.orth === 'gain'
      ? null
      : 'Not used now: λ is the strength of the soft and gain-adjusted penalties (orthogonality in training).',
  oscale: (config) =>
    config.orth === 'stiefel' || config.orth === 'oblique'
      ? null
      : 'Not used now: the scale is what the Stiefel and Oblique projections keep fixed or let train.',
  dim: (config) =>
    config.data === 'teacher'
      ? null
      : 'Not used now: d is the input dimension of the teacher–student regression (data=teacher); MNIST images have 784 pixels.',
  mirror: (config) =>
    config.arch === 'rnn'
      ? 'Not used with the recurrent network (arch=rnn): mirrored initialization is built for the layered networks.'
      : null,
  L: (config) =>
    config.arch === 'rnn'
      ? 'Not used with the recurrent network (arch=rnn): its depth is the 28 time steps, one per image row, all through one W.'
      : null,
};

/** Why `key` has no effect in `config`, or null when it has one. */
export function unusedBecause(key: ParamKey, config: LabConfig): string | null {
  return UNUSED_BECAUSE[key]?.(config) ?? null;
}
