/**
 * Remembered backend choices (page side: workers have no localStorage). The worker measures the
 * backends once per device and shape class (see backendCacheKey in src/worker/backendChoice.ts)
 * and reports what it found; the page keeps it here and hands it back at the next 'init', so a
 * reload does not measure again. The worker still runs the check step on a remembered backend.
 */
import type { BackendName, CachedBackendChoice } from '../worker/trainingProtocol.ts';

export const BACKEND_CACHE_KEY = 'isometry-lab.backend-choices.v1';
/** The newest entries kept; older ones are dropped (a user rarely visits more shape classes). */
export const MAX_ENTRIES = 24;

/** The Storage methods used, so that tests can pass a Map-backed one. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStore(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy settings): nothing is remembered
  }
}

const NAMES: readonly string[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

function isChoice(value: unknown): value is CachedBackendChoice {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof CachedBackendChoice, unknown>>;
  return (
    typeof v.active === 'string' &&
    NAMES.includes(v.active) &&
    Array.isArray(v.measurements) &&
    typeof v.measuredAt === 'number'
  );
}

/** Every remembered choice by key; anything unreadable is ignored. */
export function loadBackendChoices(
  store: KeyValueStore | null = defaultStore(),
): Record<string, CachedBackendChoice> {
  const choices: Record<string, CachedBackendChoice> = {};
  try {
    const parsed: unknown = JSON.parse(store?.getItem(BACKEND_CACHE_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return choices;
    for (const [key, value] of Object.entries(parsed)) if (isChoice(value)) choices[key] = value;
  } catch {
    // a corrupt entry is the same as none
  }
  return choices;
}

/** Remembers a measured choice under `key`, keeping the newest MAX_ENTRIES. */
export function storeBackendChoice(
  key: string,
  choice: { readonly active: BackendName; readonly measurements: CachedBackendChoice['measurements'] },
  store: KeyValueStore | null = defaultStore(),
  now = Date.now(),
): void {
  if (!store) return;
  const choices = loadBackendChoices(store);
  choices[key] = { active: choice.active, measurements: choice.measurements, measuredAt: now };
  const newest = Object.entries(choices)
    .sort(([, a], [, b]) => b.measuredAt - a.measuredAt)
    .slice(0, MAX_ENTRIES);
  try {
    store.setItem(BACKEND_CACHE_KEY, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // quota exceeded or storage disabled: measuring again next time is harmless
  }
}
