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
};

/** Why `key` has no effect in `config`, or null when it has one. */
export function unusedBecause(key: ParamKey, config: LabConfig): string | null {
  return UNUSED_BECAUSE[key]?.(config) ?? null;
}
