import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { useLab } from './store.ts';

describe('the store keeps values that go together', () => {
  beforeEach(() => useLab.getState().load({ ...DEFAULT_CONFIG, data: 'teacher', mirror: '1' }, []));

  it('switching to the recurrent network moves data to MNIST and mirror off, and says so', () => {
    useLab.getState().update({ arch: 'rnn' });
    const { config, notice } = useLab.getState();
    expect(config).toMatchObject({ arch: 'rnn', data: 'mnist', mirror: '0' });
    expect(notice?.fixes.map((fix) => [fix.key, fix.raw, fix.applied])).toEqual([
      ['data', 'teacher', 'mnist'],
      ['mirror', '1', '0'],
    ]);
  });

  it('a change that needs nothing else leaves the notice alone', () => {
    useLab.getState().update({ L: 10 });
    expect(useLab.getState().config).toMatchObject({ L: 10, data: 'teacher', mirror: '1' });
    expect(useLab.getState().notice).toBeNull();
  });
});
