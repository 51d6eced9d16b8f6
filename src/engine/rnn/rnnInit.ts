import type { LabConfig } from '../../config/schema.ts';
import type { UnitDrawCache } from '../drawCache.ts';
import { initialLayerSteps, type InitialLayer, type InitKind } from '../init.ts';
import type { RunInfo } from '../runs.ts';
import type { RnnRunArrays, RnnScalings } from './rnnModel.ts';
import type { SequenceShape } from './sequence.ts';

/**
 * Draw-cache keys of the three matrices: U and W take the keys of an MLP's first two layers (0 and
 * 1: W at key 1 is the very N × N draw an MLP's second layer of that seed uses), V the readout's.
 */
const INPUT_KEY = 0;
const RECURRENT_KEY = 1;

export interface RnnInit {
  readonly scalings: RnnScalings;
  /** One per run, in run order. */
  readonly runs: readonly RnnRunArrays[];
}

/**
 * Initial parameters of every run. Only the recurrent W follows the run's init: Gaussian
 * W_ij ~ N(0, σ_w²/N), or σ_w times the Haar orthogonal factor of that very Gaussian draw (the
 * MLP's twins, init.ts), so the twins of a seed differ in W alone. U and V are the lab's standard
 * Gaussian layers (variance σ_w²/fan-in, the draws of both twins equal), the biases N(0, σ_b²):
 * Hlav's networks keep U and V at Keras's Glorot init whatever W is, and compare only W.
 *
 * A generator, as initialLayerSteps is: an orthogonal factor yields every eight columns of its QR.
 */
export function* rnnInitSteps(
  cache: UnitDrawCache,
  config: Pick<LabConfig, 'param' | 'sw2' | 'sb2' | 'N'>,
  runs: readonly Pick<RunInfo, 'init' | 'seed'>[],
  sequence: SequenceShape,
  classes: number,
): Generator<void, RnnInit, void> {
  const width = config.N;
  const layer = (init: InitKind, seed: number, key: 0 | 1 | 'readout', fanIn: number, fanOut: number) =>
    initialLayerSteps(cache, init, config, seed, key, fanIn, fanOut);
  const arrays: RnnRunArrays[] = [];
  let recurrent: InitialLayer | null = null;
  let input: InitialLayer | null = null;
  let readout: InitialLayer | null = null;
  for (const run of runs) {
    recurrent = yield* layer(run.init, run.seed, RECURRENT_KEY, width, width);
    input = yield* layer('gaussian', run.seed, INPUT_KEY, sequence.width, width);
    readout = yield* layer('gaussian', run.seed, 'readout', width, classes);
    arrays.push({
      recurrent: recurrent.weights,
      input: input.weights,
      bias: recurrent.biases,
      readout: readout.weights,
      readoutBias: readout.biases,
    });
  }
  if (!recurrent || !input || !readout) throw new RangeError('a recurrent experiment needs at least one run');
  // The gains depend on the parameterization only (init.ts), so the last run's serve every run.
  return {
    scalings: { recurrent: recurrent.scaling, input: input.scaling, readout: readout.scaling },
    runs: arrays,
  };
}
