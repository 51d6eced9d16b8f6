import { RandomStream } from '../random.ts';

/**
 * The training examples of every step: a seeded shuffle per epoch, consecutive batches of it, the
 * last partial batch of an epoch dropped. All runs see the same batches, and step t's batch
 * depends only on (seed, t), not on how many steps were taken before in this session.
 */
export class BatchOrder {
  readonly batchesPerEpoch: number;
  private epoch = -1;
  private permutation: Uint32Array = new Uint32Array(0);

  constructor(
    private readonly seed: number,
    readonly exampleCount: number,
    readonly batchSize: number,
  ) {
    if (batchSize < 1 || batchSize > exampleCount)
      throw new RangeError(`batch size ${batchSize} outside 1 … ${exampleCount}`);
    this.batchesPerEpoch = Math.floor(exampleCount / batchSize);
  }

  /** Example indices of step `step` (0-based): a view, valid until the next call. */
  indices(step: number): Uint32Array {
    const epoch = Math.floor(step / this.batchesPerEpoch);
    if (epoch !== this.epoch) {
      this.permutation = new RandomStream(this.seed, 'data order', epoch).permutation(this.exampleCount);
      this.epoch = epoch;
    }
    const start = (step % this.batchesPerEpoch) * this.batchSize;
    return this.permutation.subarray(start, start + this.batchSize);
  }
}
