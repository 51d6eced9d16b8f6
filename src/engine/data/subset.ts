import type { Dataset } from './dataset.ts';

/**
 * The first `count` training examples of `dataset` only (the held-out set unchanged): how the lab
 * varies the sample size n (generalization against n, Chen, Li & Lin). The first examples, not a
 * random draw, so that a larger n contains every smaller one and curves over n are nested.
 */
export function trainingSubset(dataset: Dataset, count: number): Dataset {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`a training subset needs a whole number of examples ≥ 1, not ${count}`);
  if (count >= dataset.trainCount) return dataset;
  const within = (indices: ArrayLike<number>): void => {
    for (let i = 0; i < indices.length; i++)
      if (indices[i]! >= count)
        throw new Error(`training example ${indices[i]} is outside the subset of the first ${count}`);
  };
  const subset: Dataset = {
    name: `${dataset.name} (first ${count} training examples)`,
    task: dataset.task,
    inputSize: dataset.inputSize,
    outputSize: dataset.outputSize,
    trainCount: count,
    testCount: dataset.testCount,
    fillTrain: (indices, scale, x, y) => {
      within(indices);
      dataset.fillTrain(indices, scale, x, y);
    },
    fillTest: (start, n, scale, x, y) => dataset.fillTest(start, n, scale, x, y),
  };
  const { ensureTrain, trainChunkSize } = dataset;
  return {
    ...subset,
    ...(trainChunkSize !== undefined ? { trainChunkSize } : {}),
    ...(ensureTrain
      ? { ensureTrain: (indices: ArrayLike<number>) => ensureTrain.call(dataset, indices) }
      : {}),
  };
}
