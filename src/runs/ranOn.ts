/**
 * Where a result file (runs or sweep) was computed, in words for its banner: the lab's own engine
 * on a tfjs backend, or another engine (the exported PyTorch program) with its device and
 * precision, and which part of a sharded sweep a file is.
 */

/** The tfjs backends the lab's engine runs on (in the page and in the CLIs). */
const TFJS_BACKENDS: readonly string[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/** What a result file says about where it ran: `backend`, and `engine` when another engine wrote it. */
export interface RanOnFields {
  readonly backend: string;
  readonly engine?: unknown;
}

/** Whether another engine than the lab's computed the file. */
export function ranElsewhere(file: RanOnFields): boolean {
  return file.engine !== undefined || !TFJS_BACKENDS.includes(file.backend);
}

/**
 * "pytorch 2.4 · cuda (NVIDIA H200) (float32, Python 3.11.2)", or "the lab's engine (tfjs wasm)":
 * the backend as written, with what `engine` adds that the backend does not already say.
 */
export function ranOn(file: RanOnFields): string {
  if (!ranElsewhere(file)) return `the lab’s engine (tfjs ${file.backend})`;
  const engine = isRecord(file.engine) ? file.engine : {};
  const details = [
    textOf(engine.deviceName),
    textOf(engine.precision),
    textOf(engine.python) && `Python ${textOf(engine.python)}`,
  ].filter((detail): detail is string => Boolean(detail) && !file.backend.includes(detail as string));
  return details.length > 0 ? `${file.backend} (${details.join(', ')})` : file.backend;
}

/** A part of a sharded sweep: `shard: {index, count}` with index k of `--shard k/n` (1 … n). */
export interface ShardPart {
  readonly index: number;
  readonly count: number;
}

/** The file's shard, when it is a part of a sweep split with --shard k/n; null otherwise. */
export function shardOf(file: object): ShardPart | null {
  const shard = (file as { readonly shard?: unknown }).shard;
  if (!isRecord(shard)) return null;
  const { index, count } = shard;
  if (typeof index !== 'number' || typeof count !== 'number') return null;
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 1 || index > count) return null;
  return { index, count };
}

/** What a part file is and how to join the parts: "a sweep split with --shard k/2: … --merge …". */
export function shardNote(shard: ShardPart): string {
  return `a sweep split with --shard k/${shard.count}: only this part’s runs are drawn. Merge the parts with python3 run.py --merge part*.json --out result.json and open the result.`;
}

/** The parts a merged sweep was joined from (`mergedFrom`, written by run.py --merge); 0 when none. */
export function mergedParts(file: object): number {
  const parts = (file as { readonly mergedFrom?: unknown }).mergedFrom;
  return Array.isArray(parts) ? parts.length : 0;
}

/** "Merged from 2 parts (run.py --shard k/2), their times added." */
export function mergedNote(parts: number): string {
  return `Merged from ${parts} part${parts === 1 ? '' : 's'} (run.py --shard k/${parts}), their times added.`;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}
