/** The training engine: stacked Gaussian/orthogonal twins on tfjs-core, no DOM, no fs. */
export {
  createExperiment,
  planRuns,
  type EvalResult,
  type Experiment,
  type ExperimentInfo,
  type ExperimentOptions,
  type Formulation,
  FORMULATIONS,
  preferredFormulation,
  type RunInfo,
  type RunStatus,
  type StepResult,
} from './experiment.ts';
export { datasetShape, estimateCost, squareHiddenLayers, widestFeasibleWidth, type RunCost } from './cost.ts';
export { UnitDrawCache, sharedDrawCache, type LayerKey } from './drawCache.ts';
export { haarFactor, householderQr, formQ } from './haar.ts';
export { layerScaling, initialLayer, mlpLayerShapes, type InitKind, type LayerScaling } from './init.ts';
export { inputScaling, type InputScaling } from './inputScaling.ts';
export { RandomStream, type StreamKeyPart } from './random.ts';
export { StackedModel } from './model.ts';
export { EVAL_CHUNK, HeldOutEvaluation } from './evaluation.ts';
export { NetworkMeasurements, SIGNAL_EXAMPLES, type MeasurementContext } from './measurements.ts';
export {
  accumulateJacobian,
  fixedPointProbe,
  jacobianLayers,
  jacobianSpectra,
  spectrumFromScaled,
  type AccumulatedJacobian,
  type JacobianOptions,
  type JacobianProbe,
  type JacobianSpectrum,
} from './jacobian.ts';
export { bidiagonalSingularValues, bidiagonalize, singularValues, type Bidiagonal } from './svd.ts';
export {
  sampledLayers,
  summarizeLayers,
  weightSpectra,
  type LayerWeightSpectrum,
  type WeightSummary,
  type WeightSpectra,
  type WeightSpectraOptions,
} from './weightSpectra.ts';
export { gradientNorms, type GradientNorms } from './gradientNorms.ts';
export { MaskedOptimizer, type OptimizerId } from './optimizer.ts';
export type { ByteSource, Dataset, Task } from './data/dataset.ts';
export { MNIST_MANIFEST, fetchByteSource, loadMnist, mnistDataset, type MnistData } from './data/mnist.ts';
export { DEFAULT_TEACHER, teacherDataset, type TeacherOptions } from './data/teacher.ts';
export { SAMPLING_NOTE, reportToCsv, runHeadless, type HeadlessReport, type RunRecord } from './headless.ts';
