import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/index.ts';
import { exportFileName, sweepExportFileName } from './fileName.ts';

describe('export file names', () => {
  it('name the panel, the activation and the depth', () => {
    expect(exportFileName('spectrum', { ...DEFAULT_CONFIG, act: 'tanh', L: 50 }, 'svg')).toBe(
      'isometry-lab-spectrum-tanh-L50.svg',
    );
    expect(exportFileName('training', { ...DEFAULT_CONFIG, act: 'relu', L: 7 }, 'csv')).toBe(
      'isometry-lab-training-relu-L7.csv',
    );
  });

  it('name a sweep by its experiment, or else by its swept keys', () => {
    expect(sweepExportFileName('deep-linear', ['L=2..64:6:log'], 'csv')).toBe(
      'isometry-lab-sweep-deep-linear-points.csv',
    );
    expect(sweepExportFileName(null, ['lr=0.01,0.1', 'L=10,20'], 'csv')).toBe(
      'isometry-lab-sweep-lr-L-points.csv',
    );
  });
});
