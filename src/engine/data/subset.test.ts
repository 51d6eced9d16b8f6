import { describe, expect, it } from 'vitest';
import { trainingSubset } from './subset.ts';
import { teacherDataset } from './teacher.ts';

describe('trainingSubset', () => {
  const whole = teacherDataset(3, { inputSize: 4, trainCount: 100, testCount: 20 });

  it('keeps the first n training examples as they were, and the held-out set whole', () => {
    const subset = trainingSubset(whole, 10);
    expect([subset.trainCount, subset.testCount]).toEqual([10, 20]);
    const read = (dataset: typeof whole, indices: number[]) => {
      const x = new Float32Array(indices.length * 4);
      const y = new Float32Array(indices.length);
      dataset.fillTrain(indices, 1, x, y);
      return [...x, ...y];
    };
    expect(read(subset, [0, 9, 3])).toEqual(read(whole, [0, 9, 3]));
    expect(() => read(subset, [10])).toThrow(/outside the subset of the first 10/);
  });

  it('is the dataset itself when n covers it, and refuses n < 1', () => {
    expect(trainingSubset(whole, 100)).toBe(whole);
    expect(() => trainingSubset(whole, 0)).toThrow(/≥ 1/);
  });
});
