import { describe, expect, it } from 'vitest';
import {
  BACKEND_CACHE_KEY,
  MAX_ENTRIES,
  loadBackendChoices,
  storeBackendChoice,
  type KeyValueStore,
} from './backendCache.ts';

function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

const measurements = [
  { backend: 'wasm' as const, softwareName: null, software: false, stepMs: 70, capped: false },
];

describe('backend choice cache', () => {
  it('round-trips a choice by key', () => {
    const store = memoryStore();
    storeBackendChoice('k', { active: 'wasm', measurements }, store, 5);
    expect(loadBackendChoices(store)).toEqual({ k: { active: 'wasm', measurements, measuredAt: 5 } });
  });

  it('ignores corrupt or foreign entries', () => {
    const store = memoryStore();
    store.setItem(BACKEND_CACHE_KEY, '{not json');
    expect(loadBackendChoices(store)).toEqual({});
    store.setItem(
      BACKEND_CACHE_KEY,
      JSON.stringify({ a: { active: 'quantum', measurements: [], measuredAt: 1 }, b: 3 }),
    );
    expect(loadBackendChoices(store)).toEqual({});
    expect(loadBackendChoices(null)).toEqual({});
  });

  it('keeps only the newest entries', () => {
    const store = memoryStore();
    for (let i = 0; i < MAX_ENTRIES + 5; i++)
      storeBackendChoice(`k${i}`, { active: 'wasm', measurements }, store, i);
    const keys = Object.keys(loadBackendChoices(store));
    expect(keys).toHaveLength(MAX_ENTRIES);
    expect(keys).not.toContain('k0');
    expect(keys).toContain(`k${MAX_ENTRIES + 4}`);
  });
});
