import type { LabConfig } from '../config/index.ts';
import { fixedPointQ } from '../theory/index.ts';
import type { Experiment } from './experiment.ts';

/** The theory's fixed point q* of the config's (φ, σ_w², σ_b²); null where there is none finite. */
export function configQStar(config: Pick<LabConfig, 'act' | 'sw2' | 'sb2'>): number | null {
  try {
    const q = fixedPointQ(config.act, config.sw2, config.sb2);
    return Number.isFinite(q) ? q : null;
  } catch {
    // No length-map solver for this activation: no q* to report.
    return null;
  }
}

/**
 * `--probe curvature`: λ_max of the Fisher information of every run on `batch` held-out inputs and
 * s²_max of its input–output Jacobian (NetworkMeasurements.curvature), with the config's q*.
 */
export async function curvatureReport(experiment: Experiment, config: LabConfig, batch: number) {
  const measurements = experiment.freeze();
  try {
    const started = performance.now();
    const result = await measurements.curvature({ count: batch, jacobian: true });
    const ms = performance.now() - started;
    const qStar = configQStar(config);
    return {
      loss: result.loss,
      batch: result.count,
      fisher:
        result.loss === 'mse'
          ? 'λ_max of G = (1/D) Σ_a J_aᵀ J_a (J_a = ∂f(x_a)/∂θ, all k outputs, every weight and bias as stored) = λ_max(Θ_all)/D, Θ_all the (k·D)×(k·D) empirical NTK; power iteration'
          : 'λ_max of G = (1/D) Σ_a J_aᵀ H_a J_a, H_a = diag(p_a) − p_a p_aᵀ the softmax output Hessian at the network’s own p_a = λ_max of (1/D) H^{1/2} Θ_all H^{1/2}, Θ_all the (k·D)×(k·D) empirical NTK; power iteration',
      jacobian:
        'sMaxSq: largest squared singular value of J = D^L W^L ··· D^l0 W^l0 over the square hidden layers at the fixed-point probe h ~ N(0, q*), as --probe jacobian',
      iterations: result.iterations,
      converged: result.converged,
      ms,
      qStar,
      runs: experiment.runs.map((run) => ({
        runId: run.runId,
        init: run.init,
        seed: run.seed,
        lambdaMaxFisher: result.lambdaMaxFisher[run.runId]!,
        sMaxSq: result.sMaxSq![run.runId]!,
        qStar,
      })),
    };
  } finally {
    measurements.dispose();
  }
}
