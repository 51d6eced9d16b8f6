import { describe, expect, it } from 'vitest';
import { PRESETS, type Preset } from '../config/presets.ts';
import { captionCount, captionText, nextCaptionStep } from './captions.ts';

const preset: Preset = {
  ...(PRESETS[0] as Preset),
  caption: 'What to look at.',
  steps: ['First point.', 'Second point.'],
};

describe('caption steps', () => {
  it('steps through the caption, then each step, held at both ends', () => {
    expect(captionCount(preset)).toBe(3);
    const seen = [captionText(preset, 0)];
    let step = 0;
    for (let i = 0; i < 4; i++) {
      step = nextCaptionStep(step, 1, preset);
      seen.push(captionText(preset, step));
    }
    expect(seen).toEqual([
      'What to look at.',
      'First point.',
      'Second point.',
      'Second point.',
      'Second point.',
    ]);
    expect(nextCaptionStep(2, -1, preset)).toBe(1);
    expect(nextCaptionStep(0, -1, preset)).toBe(0);
  });

  it('a preset without steps has its caption only', () => {
    const bare = { ...preset, steps: [] };
    expect(captionCount(bare)).toBe(1);
    expect(nextCaptionStep(0, 1, bare)).toBe(0);
    expect(captionText(bare, 3)).toBe('What to look at.');
  });

  it('every preset has a caption to show first', () => {
    for (const p of PRESETS) expect(captionText(p, 0)).toBe(p.caption);
  });
});
