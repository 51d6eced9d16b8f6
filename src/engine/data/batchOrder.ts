import { RandomStream } from '../random.ts';

/**
 * The training examples of every step. All runs see the same batches, and step t's batch depends
 * only on (seed, t), not on how many steps were taken before in this session or on when data
 * arrived.
 *
 * Without a chunk size: a seeded shuffle of all examples per epoch, consecutive batches of it, the
 * last partial batch of an epoch dropped.
 *
 * With a chunk size c (a dataset that arrives in chunks of c examples, chunk 0 first): each epoch
 * visits the chunks in order, and within chunk k a seeded shuffle of its examples k·c … k·c+c−1,
 * in consecutive batches; the partial batch at the end of every chunk is dropped, so no batch
 * straddles two chunks, and the first ⌊c/B⌋ steps need chunk 0 only. When B > c, groups of
 * ⌈B/c⌉ chunks act as one.
 */
export class BatchOrder {
  readonly batchesPerEpoch: number;
  /** Examples per (effective) chunk; the whole set when the order is not chunked. */
  readonly chunkSize: number;
  private readonly chunked: boolean;
  /** Batches in each chunk and before it, within an epoch. */
  private readonly batchesInChunk: number[] = [];
  private readonly batchesBefore: number[] = [];
  private epoch = -1;
  private chunk = -1;
  private permutation: Uint32Array = new Uint32Array(0);
  private readonly batch: Uint32Array;

  constructor(
    private readonly seed: number,
    readonly exampleCount: number,
    readonly batchSize: number,
    chunkSize?: number,
  ) {
    if (batchSize < 1 || batchSize > exampleCount)
      throw new RangeError(`batch size ${batchSize} outside 1 … ${exampleCount}`);
    if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize >= 1))
      throw new RangeError(`chunk size ${chunkSize} is not a positive integer`);
    this.chunked = chunkSize !== undefined;
    this.chunkSize = chunkSize === undefined ? exampleCount : chunkSize * Math.ceil(batchSize / chunkSize);
    let before = 0;
    for (let start = 0; start < exampleCount; start += this.chunkSize) {
      const batches = Math.floor(Math.min(this.chunkSize, exampleCount - start) / batchSize);
      this.batchesBefore.push(before);
      this.batchesInChunk.push(batches);
      before += batches;
    }
    this.batchesPerEpoch = before;
    if (before === 0) throw new RangeError(`batch size ${batchSize} leaves no full batch per chunk`);
    this.batch = new Uint32Array(batchSize);
  }

  /** Example indices of step `step` (0-based): a view, valid until the next call. */
  indices(step: number): Uint32Array {
    const epoch = Math.floor(step / this.batchesPerEpoch);
    const within = step - epoch * this.batchesPerEpoch;
    let chunk = 0;
    while (within >= this.batchesBefore[chunk]! + this.batchesInChunk[chunk]!) chunk++;
    if (epoch !== this.epoch || chunk !== this.chunk) {
      const size = Math.min(this.chunkSize, this.exampleCount - chunk * this.chunkSize);
      // The unchunked stream key is the one the order always had, so its batches are unchanged.
      const stream = this.chunked
        ? new RandomStream(this.seed, 'data order', epoch, 'chunk', chunk)
        : new RandomStream(this.seed, 'data order', epoch);
      this.permutation = stream.permutation(size);
      this.epoch = epoch;
      this.chunk = chunk;
    }
    const start = (within - this.batchesBefore[chunk]!) * this.batchSize;
    const local = this.permutation.subarray(start, start + this.batchSize);
    if (chunk === 0) return local;
    const offset = chunk * this.chunkSize;
    for (let b = 0; b < this.batchSize; b++) this.batch[b] = local[b]! + offset;
    return this.batch;
  }
}
