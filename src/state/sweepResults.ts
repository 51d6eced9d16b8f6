/**
 * The last result of every named experiment, kept in localStorage so that the Experiments view
 * shows (and redraws) it after a reload without computing anything. Bounded: a result larger than
 * MAX_RESULT_CHARS loses its curves (the points are what the charts of τ and of changes draw); one
 * larger still is not kept; past MAX_TOTAL_CHARS over all experiments the oldest go first.
 */
import { parseSweepResult } from '../sweep/resultFile.ts';
import type { SweepResultFile } from '../sweep/types.ts';
import type { KeyValueStore } from './backendCache.ts';

export const RESULT_KEY_PREFIX = 'isometry-lab.sweep-result.v1.';
/** localStorage holds about 5 M characters per origin; the backend cache needs little of it. */
export const MAX_RESULT_CHARS = 1_000_000;
export const MAX_TOTAL_CHARS = 3_000_000;

/** The Storage methods used here; tests pass a Map-backed one. */
export type ResultStore = KeyValueStore & Pick<Storage, 'removeItem' | 'key' | 'length'>;

function defaultStore(): ResultStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled: nothing is remembered
  }
}

/** The kept result of an experiment, or null (none, or unreadable: then it is dropped). */
export function loadResult(
  experiment: string,
  store: ResultStore | null = defaultStore(),
): SweepResultFile | null {
  const text = store?.getItem(RESULT_KEY_PREFIX + experiment);
  if (!text) return null;
  try {
    return parseSweepResult(text);
  } catch {
    store?.removeItem(RESULT_KEY_PREFIX + experiment);
    return null;
  }
}

/**
 * Keeps `result` as its experiment's last one. A complete result always replaces the kept one; a
 * cancelled one replaces only a cancelled one, so that stopping a rerun early keeps the full
 * result. Returns whether it was kept (false without an experiment, points, room or storage).
 */
export function rememberResult(result: SweepResultFile, store: ResultStore | null = defaultStore()): boolean {
  if (!store || result.experiment === null || result.points.length === 0) return false;
  const key = RESULT_KEY_PREFIX + result.experiment;
  const kept = loadResult(result.experiment, store);
  if (kept?.complete && !result.complete) return false;
  let text = JSON.stringify(result);
  if (text.length > MAX_RESULT_CHARS) text = JSON.stringify({ ...result, curves: [] });
  if (text.length > MAX_RESULT_CHARS) return false;
  store.removeItem(key);
  evictOldest(store, MAX_TOTAL_CHARS - text.length);
  try {
    store.setItem(key, text);
    return true;
  } catch {
    return false; // over the browser's quota after all
  }
}

/** Drops kept results, oldest first, until they take at most `room` characters. */
function evictOldest(store: ResultStore, room: number): void {
  const entries: { key: string; chars: number; createdAt: number }[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (!key?.startsWith(RESULT_KEY_PREFIX)) continue;
    const text = store.getItem(key) ?? '';
    let createdAt = 0;
    try {
      createdAt = Date.parse((JSON.parse(text) as { createdAt?: string }).createdAt ?? '') || 0;
    } catch {
      // unreadable: oldest of all
    }
    entries.push({ key, chars: text.length, createdAt });
  }
  entries.sort((a, b) => a.createdAt - b.createdAt);
  let total = entries.reduce((sum, e) => sum + e.chars, 0);
  for (const entry of entries) {
    if (total <= room) break;
    store.removeItem(entry.key);
    total -= entry.chars;
  }
}
