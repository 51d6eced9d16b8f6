/** The theory engine: pure numerics of mean-field signal propagation and Jacobian spectra. */
export {
  DEFAULT_HERMITE_NODES,
  gaussHermiteRule,
  gaussLegendreRule,
  gaussianExpectation,
  integrateOnInterval,
  type QuadratureRule,
} from './quadrature.ts';
export { erf, erfc, normalPdf } from './specialFunctions.ts';
export {
  ACTIVATION_IDS,
  getActivation,
  isActivationId,
  resolveActivation,
  type Activation,
  type ActivationId,
  type CorrelatedMoments,
  type GaussianMoments,
} from './activations.ts';
export {
  CRITICAL_TOLERANCE,
  DEFAULT_CORRELATION_TOLERANCE,
  TRAINABLE_DEPTH_FACTOR,
  cMap,
  chi1,
  chiC,
  classifyPhase,
  criticalSigmaW2,
  criticalPairAtQ,
  type CriticalPair,
  depthScale,
  fixedPointC,
  fixedPointQ,
  gradientDepthScale,
  meanFieldPoint,
  qMap,
  qMapSlope,
  solveCorrelationFixedPoint,
  trainableDepth,
  type ActivationLike,
  type CorrelationFixedPoint,
  type MeanFieldPoint,
  type Phase,
} from './meanField.ts';
export {
  S1,
  jacobianMoments,
  sMaxSquared,
  type JacobianMoments,
  type MaxSingularValueSquared,
  type SpectrumMoments,
} from './jacobianMoments.ts';
export {
  GRID_CORRELATION_TOLERANCE,
  axisValues,
  criticalLine,
  evaluatePhaseGrid,
  type GridAxis,
  type PhaseGrid,
  type PhaseGridSpec,
} from './phaseGrid.ts';
export {
  cumulativeDistribution,
  jacobianDensity,
  singularValueDensity,
  spectralMoment,
  type JacobianDensity,
  type JacobianDensityOptions,
  type PointMass,
  type WeightInit,
} from './jacobianDensity.ts';
export { analyticNtk, type NtkSpec } from './ntk.ts';
