import type { DrawPlan } from './initDraws.ts';
import type { InitSpectrum } from './model.ts';

/** Where the extra networks at initialization stand, for the note under the table. */
export interface DrawStatus {
  readonly plan: DrawPlan | null;
  readonly done: number;
  readonly error: string | null;
  /** Whether the snapshot shown is the one at initialization (the only one draws apply to). */
  readonly atInit: boolean;
}

function drawing(status: DrawStatus): string {
  const { plan, done, error } = status;
  if (error) return `the extra networks failed: ${error}`;
  if (!plan) return '';
  if ('none' in plan) return `no extra networks drawn: ${plan.none}`;
  return done < plan.count ? `drawing ${plan.count} more networks in the background, ${done} done` : '';
}

/**
 * One short paragraph saying what the grey intervals under the measured values are (spread.ts),
 * so that a student knows how much of a gap to theory is finite-size noise.
 */
export function spreadNote(spectra: readonly InitSpectrum[], status: DrawStatus, width: number): string {
  const spread = spectra.find((s) => s.spread)?.spread;
  if (!spread) return '';
  const runs = spectra[0]?.stats.runs ?? 1;
  const progress = status.atInit ? drawing(status) : '';
  const after = progress ? ` (${progress})` : '';
  // During training, point to the snapshot where the spread between networks is shown.
  const drawn = !status.atInit && status.plan && 'spec' in status.plan && status.done > 0;
  const atStepZero = drawn
    ? ` The step-0 snapshot shows the spread over ${runs + status.done} networks at initialization.`
    : '';
  if (spread.source === 'draws') {
    const plan = status.plan && 'spec' in status.plan ? status.plan : null;
    const extra = spread.count - runs;
    const seeds = plan ? ` with seeds ${plan.firstSeed}–${plan.firstSeed + extra - 1}` : '';
    return (
      `Grey: smallest–largest over ${spread.count} networks at initialization, ${runs === 1 ? 'this one' : `these ${runs}`} ` +
      `and ${extra} more drawn the same way${seeds}${after}: how far one network of width ${width} ` +
      'scatters around the infinite-width theory. The variance of σ² scatters most.'
    );
  }
  if (spread.source === 'seeds')
    return (
      `Grey: smallest–largest over the ${spread.count} seeds of each init${after}.` +
      (status.atInit ? '' : ' During training no new network can be drawn.') +
      atStepZero
    );
  const why = status.atInit
    ? after
    : '; during training no new network can be drawn (more seeds show the spread between networks)';
  return (
    `Grey: a 90% bootstrap interval over the ${spread.count} eigenvalues of this one network, ` +
    `the noise of its eigenvalues, not the spread between networks${why}. s_max and the condition ` +
    `number have none.${atStepZero}`
  );
}
