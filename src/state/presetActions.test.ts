import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PRESETS, toQuery, type LabConfig } from '../config/index.ts';
import { neighbourPresetId, statusOf } from './presetActions.ts';
import { useLab } from './store.ts';

/** States a lecturer may have set before choosing a preset: view options, another architecture. */
const BEFORE: readonly Partial<LabConfig>[] = [
  {},
  { pd: 'qStar', pdy: 'linear', ly: 'linear', lm: 'acc', sv: 'abs', sx: 'linear', jp: 'data', thr: 0.9 },
  { arch: 'rnn', data: 'mnist', N: 32, orth: 'gain', opt: 'adam', seeds: 3, seed: 77 },
  { data: 'teacher', dim: 3, mirror: '1', param: 'ntk', L: 1, ntrain: 100, backend: 'cpu' },
];

describe('a preset applied to the store', () => {
  it('gives exactly its state whatever was set before, and then reads as not modified', () => {
    for (const before of BEFORE) {
      for (const preset of PRESETS) {
        useLab.setState({ config: DEFAULT_CONFIG });
        useLab.getState().update(before);
        useLab.getState().update(preset.values);
        const config = useLab.getState().config;
        expect(toQuery(config), `${preset.id} after ${JSON.stringify(before)}`).toBe(toQuery(preset.values));
        expect(statusOf(preset.id, config)?.modified).toBe(false);
      }
    }
  });

  it('reads as modified once any parameter moves, view options included', () => {
    const preset = PRESETS[0];
    if (!preset) throw new Error('no presets');
    expect(statusOf(preset.id, { ...preset.values, L: preset.values.L + 1 })?.modified).toBe(true);
    expect(
      statusOf(preset.id, { ...preset.values, ly: preset.values.ly === 'log' ? 'linear' : 'log' })?.modified,
    ).toBe(true);
    expect(statusOf(null, preset.values)).toBeNull();
    expect(statusOf('no-such-preset', preset.values)).toBeNull();
  });
});

describe('stepping through presets', () => {
  it('goes to the next and previous in gallery order, wrapping, from none to the first or last', () => {
    const ids = PRESETS.map((preset) => preset.id);
    const last = ids.length - 1;
    expect(neighbourPresetId(null, 1)).toBe(ids[0]);
    expect(neighbourPresetId(null, -1)).toBe(ids[last]);
    expect(neighbourPresetId(ids[0] ?? '', 1)).toBe(ids[1]);
    expect(neighbourPresetId(ids[0] ?? '', -1)).toBe(ids[last]);
    expect(neighbourPresetId(ids[last] ?? '', 1)).toBe(ids[0]);
    // Walking forward visits every preset once.
    const visited = new Set<string>();
    let id: string | null = null;
    for (const _ of ids) visited.add((id = neighbourPresetId(id, 1)));
    expect(visited.size).toBe(ids.length);
  });
});
