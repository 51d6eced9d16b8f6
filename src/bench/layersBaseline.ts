import * as tf from '@tensorflow/tfjs';
import type { LabConfig } from '../config/index.ts';
import {
  initialLayer,
  inputScaling,
  mlpLayerShapes,
  planRuns,
  sharedDrawCache,
  teacherDataset,
  type Dataset,
} from '../engine/index.ts';
import { BatchOrder } from '../engine/data/batchOrder.ts';

/**
 * The plain tfjs-layers baseline the engine is measured against: what a tfjs user would write for
 * the same twins. One `tf.sequential` per run (L dense tanh layers of width N, a linear dense
 * readout), MSE loss, `tf.train.sgd` through `optimizer.minimize` (tfjs autodiff), one device read
 * per step for all runs' losses, as the engine does. The runs start from the engine's own initial
 * weights (the same unit draws, so the same Gaussian/orthogonal twins) and see the same batches.
 */
export interface LayersBaseline {
  readonly runCount: number;
  /** Kernel shapes [fanIn, fanOut] of one run, input layer first, readout last. */
  readonly kernelShapes: readonly (readonly [number, number])[];
  /** 6 × batch × weights × runs: the engine's `estimateCost` count for the same shapes. */
  readonly flopsPerStep: number;
  readonly stepsDone: number;
  /** One SGD step of every run; resolves to each run's minibatch loss before the update. */
  step(): Promise<Float32Array>;
  dispose(): void;
}

/**
 * Builds the baseline for a teacher-task config (the bench's: data 'teacher', opt 'sgd', standard
 * parameterization) on the current tfjs backend.
 */
export function createLayersBaseline(
  config: LabConfig,
  dataset: Dataset = teacherDataset(config.seed),
): LayersBaseline {
  if (config.opt !== 'sgd') throw new Error('the tfjs-layers baseline trains with plain SGD only');
  if (config.param !== 'std') throw new Error('the tfjs-layers baseline uses the standard parameterization');
  if (dataset.task !== 'regression')
    throw new Error('the tfjs-layers baseline trains the MSE (teacher) task');
  const runs = planRuns(config);
  const batch = Math.min(config.bs, dataset.trainCount);
  const { inputSize, outputSize } = dataset;
  const shapes = mlpLayerShapes(config, inputSize, outputSize);
  const activation = config.act === 'tanh' ? 'tanh' : null;
  if (!activation) throw new Error('the tfjs-layers baseline is written for tanh');

  const models = runs.map((run) => {
    const model = tf.sequential();
    shapes.forEach((shape, index) => {
      const last = index === shapes.length - 1;
      model.add(
        tf.layers.dense({
          units: shape.fanOut,
          activation: last ? 'linear' : activation,
          // Zero-cost initializers: the engine's own draws are set just below.
          kernelInitializer: 'zeros',
          biasInitializer: 'zeros',
          ...(index === 0 ? { inputShape: [shape.fanIn] } : {}),
        }),
      );
    });
    const weights = shapes.flatMap((shape) => {
      const layer = initialLayer(
        sharedDrawCache,
        run.init,
        config,
        run.seed,
        shape.key,
        shape.fanIn,
        shape.fanOut,
      );
      return [tf.tensor2d(layer.weights, [shape.fanIn, shape.fanOut]), tf.tensor1d(layer.biases)];
    });
    model.setWeights(weights);
    tf.dispose(weights);
    return model;
  });
  const variables = models.map((model) => model.trainableWeights.map((w) => w.read() as tf.Variable));
  const optimizers = models.map(() => tf.train.sgd(config.lr));
  const order = new BatchOrder(config.seed, dataset.trainCount, batch, dataset.trainChunkSize);
  const scale = inputScaling(config.act, config.sw2, config.sb2).scale;
  const x = new Float32Array(batch * inputSize);
  const y = new Float32Array(batch * outputSize);
  const weightCount = shapes.reduce((sum, s) => sum + s.fanIn * s.fanOut, 0);
  let steps = 0;

  return {
    runCount: runs.length,
    kernelShapes: shapes.map((s) => [s.fanIn, s.fanOut] as const),
    flopsPerStep: 6 * batch * weightCount * runs.length,
    get stepsDone() {
      return steps;
    },
    async step() {
      const indices = order.indices(steps);
      if (dataset.ensureTrain) await dataset.ensureTrain(indices);
      dataset.fillTrain(indices, scale, x, y);
      const losses = tf.tidy(() => {
        const xs = tf.tensor2d(x, [batch, inputSize]);
        const ys = tf.tensor2d(y, [batch, outputSize]);
        const costs = models.map((model, r) =>
          optimizers[r]!.minimize(
            () =>
              tf.losses.meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
            true,
            variables[r],
          )!,
        );
        return tf.stack(costs);
      });
      const values = (await losses.data()) as Float32Array;
      losses.dispose();
      steps += 1;
      return values;
    },
    dispose() {
      for (const model of models) model.dispose();
      for (const optimizer of optimizers) optimizer.dispose();
    },
  };
}
