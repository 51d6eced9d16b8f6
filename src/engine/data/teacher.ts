import { RandomStream } from '../random.ts';
import { writeStandardized, type Dataset } from './dataset.ts';

export interface TeacherOptions {
  /** Input dimension d. */
  readonly inputSize: number;
  /** Hidden tanh units of the teacher. */
  readonly hiddenUnits: number;
  readonly trainCount: number;
  readonly testCount: number;
  /** Standard deviation of the label noise, relative to the unit-variance clean target. */
  readonly noise: number;
}

export const DEFAULT_TEACHER: TeacherOptions = {
  inputSize: 32,
  hiddenUnits: 64,
  trainCount: 2048,
  testCount: 512,
  noise: 0.1,
};

/**
 * Teacher–student regression, all drawn from the seed. Inputs x ~ N(0, I_d), standardized to
 * ‖x‖²/d = 1. Teacher: f*(x) = Σ_k a_k tanh(u_k·x/√d)/√H with u_k ~ N(0, I_d), a_k ~ N(0, 1),
 * a one-hidden-layer network of width H (64 by default: a smooth target that a student of any
 * width can fit, so training speed rather than capacity is what differs). Targets are f*
 * rescaled to mean 0, variance 1 on the training set, plus N(0, noise²) label noise, so a
 * perfect student reaches test MSE ≈ noise² and predicting 0 gives ≈ 1.
 */
export function teacherDataset(seed: number, options: Partial<TeacherOptions> = {}): Dataset {
  const { inputSize: d, hiddenUnits, trainCount, testCount, noise } = { ...DEFAULT_TEACHER, ...options };
  const total = trainCount + testCount;
  const raw = new RandomStream(seed, 'teacher', 'inputs').fillNormal(new Float64Array(total * d));
  const inputs = new Float32Array(total * d);
  for (let n = 0; n < total; n++) writeStandardized(raw, n * d, d, 1, inputs, n * d);

  const weights = new RandomStream(seed, 'teacher', 'weights');
  const u = weights.fillNormal(new Float64Array(hiddenUnits * d));
  const a = weights.fillNormal(new Float64Array(hiddenUnits));
  const clean = new Float64Array(total);
  for (let n = 0; n < total; n++) {
    let f = 0;
    for (let k = 0; k < hiddenUnits; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += u[k * d + i]! * inputs[n * d + i]!;
      f += a[k]! * Math.tanh(dot / Math.sqrt(d));
    }
    clean[n] = f / Math.sqrt(hiddenUnits);
  }
  let mean = 0;
  for (let n = 0; n < trainCount; n++) mean += clean[n]!;
  mean /= trainCount;
  let variance = 0;
  for (let n = 0; n < trainCount; n++) variance += (clean[n]! - mean) ** 2;
  const std = Math.sqrt(variance / trainCount) || 1;
  const labelNoise = new RandomStream(seed, 'teacher', 'noise');
  const targets = new Float32Array(total);
  for (let n = 0; n < total; n++) targets[n] = (clean[n]! - mean) / std + noise * labelNoise.nextNormal();

  const fill = (
    index: (b: number) => number,
    batch: number,
    scale: number,
    x: Float32Array,
    y: Float32Array,
  ): void => {
    for (let b = 0; b < batch; b++) {
      const example = index(b);
      for (let i = 0; i < d; i++) x[b * d + i] = inputs[example * d + i]! * scale;
      y[b] = targets[example]!;
    }
  };
  return {
    name: 'teacher',
    task: 'regression',
    inputSize: d,
    outputSize: 1,
    trainCount,
    testCount,
    fillTrain: (indices, scale, x, y) => fill((b) => indices[b]!, indices.length, scale, x, y),
    fillTest: (start, count, scale, x, y) => fill((b) => trainCount + start + b, count, scale, x, y),
  };
}
