import type { TrainingEvent } from './trainingProtocol.ts';

/**
 * What the page is told, once per recurrent configuration (arch=rnn), about the measurements of
 * the layered networks it does not take: the panels show these reasons instead of a chart.
 */
export const RNN_SKIPS = {
  spectrum:
    'the input–output Jacobian spectrum is of the layered networks (arch=mlp); the recurrent kernel W is tracked in the weights panel',
  ntk: 'the lab computes the NTK of the layered networks only (arch=mlp)',
} as const;

export function rnnSkipEvents(generation: number): TrainingEvent[] {
  return [
    { type: 'spectrum-skipped', generation, reason: RNN_SKIPS.spectrum },
    { type: 'ntk-skipped', generation, part: 'kernel', reason: RNN_SKIPS.ntk },
  ];
}
