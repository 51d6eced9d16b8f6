import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './schema.ts';
import { settleCrossField } from './validate.ts';

describe('settings that contradict one another', () => {
  it('gives the recurrent network MNIST and no mirror, with a fix saying why', () => {
    const { config, fixes } = settleCrossField({
      ...DEFAULT_CONFIG,
      arch: 'rnn',
      data: 'teacher',
      mirror: '1',
    });
    expect(config).toMatchObject({ arch: 'rnn', data: 'mnist', mirror: '0' });
    expect(fixes.map((f) => [f.key, f.raw, f.applied])).toEqual([
      ['data', 'teacher', 'mnist'],
      ['mirror', '1', '0'],
    ]);
    expect(fixes[0]!.reason).toMatch(/row by row/);
  });

  it('leaves a consistent configuration as it is', () => {
    const rnn = { ...DEFAULT_CONFIG, arch: 'rnn' as const, data: 'mnist' as const };
    expect(settleCrossField(rnn)).toEqual({ config: rnn, fixes: [] });
    const teacher = {
      ...DEFAULT_CONFIG,
      arch: 'mlp' as const,
      data: 'teacher' as const,
      mirror: '1' as const,
    };
    expect(settleCrossField(teacher)).toEqual({ config: teacher, fixes: [] });
  });
});
