/**
 * A set of examples that arrives in chunks of `chunkSize` (the last may be shorter), loaded one
 * after another in order, chunk 0 first. Readers ask for examples with `ensure` before reading
 * them with `chunkOf`, which refuses (throws) rather than hand out examples not loaded yet.
 */
export class ChunkedSplit<T> {
  readonly chunkCount: number;
  private readonly loaded: (T | undefined)[];
  private readonly pending: (Promise<T> | undefined)[];

  /** Starts loading every chunk in order at once; `load(k)` reads chunk k. */
  constructor(
    readonly count: number,
    readonly chunkSize: number,
    private readonly load: (chunk: number) => Promise<T>,
    private readonly describe: (chunk: number) => string = (chunk) => `chunk ${chunk}`,
  ) {
    if (!(Number.isInteger(chunkSize) && chunkSize >= 1))
      throw new RangeError(`chunk size ${chunkSize} is not a positive integer`);
    this.chunkCount = Math.ceil(count / chunkSize);
    this.loaded = new Array<T | undefined>(this.chunkCount);
    this.pending = new Array<Promise<T> | undefined>(this.chunkCount);
    let previous: Promise<unknown> = Promise.resolve();
    for (let chunk = 0; chunk < this.chunkCount; chunk++) {
      // One at a time, in order: chunk k starts when chunk k−1 has arrived or failed.
      const started = previous.then(
        () => this.start(chunk),
        () => this.start(chunk),
      );
      started.catch(() => {});
      this.pending[chunk] = started;
      previous = started;
    }
  }

  /** Examples in chunk k. */
  sizeOf(chunk: number): number {
    return Math.min(this.chunkSize, this.count - chunk * this.chunkSize);
  }

  isLoaded(chunk: number): boolean {
    return this.loaded[chunk] !== undefined;
  }

  /** Resolves when chunk k has arrived: at once if it has; a failed chunk is asked for again. */
  chunk(chunk: number): Promise<T> {
    this.check(chunk);
    const data = this.loaded[chunk];
    if (data !== undefined) return Promise.resolve(data);
    return (this.pending[chunk] ??= this.start(chunk));
  }

  /** Resolves when every example of `indices` has arrived; rejects if a chunk failed to load. */
  async ensure(indices: ArrayLike<number>): Promise<void> {
    let waits: Promise<T>[] | undefined;
    let last = -1;
    for (let i = 0; i < indices.length; i++) {
      const chunk = Math.floor(indices[i]! / this.chunkSize);
      if (chunk === last || this.loaded[chunk] !== undefined) continue;
      last = chunk;
      (waits ??= []).push(this.chunk(chunk));
    }
    if (waits) await Promise.all(waits);
  }

  /** The loaded chunk holding example `index`, and the example's place in it; throws if not loaded. */
  chunkOf(index: number): { data: T; offset: number } {
    const chunk = Math.floor(index / this.chunkSize);
    this.check(chunk);
    const data = this.loaded[chunk];
    if (data === undefined)
      throw new Error(
        `example ${index} is in ${this.describe(chunk)}, which has not loaded yet: await ensureTrain(indices) first`,
      );
    return { data, offset: index - chunk * this.chunkSize };
  }

  private start(chunk: number): Promise<T> {
    const attempt = this.load(chunk).then(
      (data) => {
        this.loaded[chunk] = data;
        return data;
      },
      (error: unknown) => {
        // Forgotten, so the next request for this chunk tries again.
        this.pending[chunk] = undefined;
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`${this.describe(chunk)} failed to load: ${reason}`, { cause: error });
      },
    );
    // Nobody may be waiting for this chunk yet: its failure is reported to whoever asks for it.
    attempt.catch(() => {});
    return attempt;
  }

  private check(chunk: number): void {
    if (!(chunk >= 0 && chunk < this.chunkCount))
      throw new RangeError(`no ${this.describe(chunk)}: ${this.count} examples in ${this.chunkCount} chunks`);
  }
}
