import {
  criticalSigmaW2,
  jacobianDensity,
  jacobianMoments,
  meanFieldPoint,
  sMaxSquared,
  trainableDepth,
  type JacobianDensity,
} from '../theory/index.ts';
import { runCli, toJson, type CliFlag } from './args.ts';

const FLAGS: readonly CliFlag[] = [
  { name: 'act', param: 'act', help: 'activation φ' },
  { name: 'sw2', param: 'sw2', help: 'σ_w², weight variance × fan-in' },
  { name: 'sb2', param: 'sb2', help: 'σ_b², bias variance' },
  { name: 'depth', param: 'L', help: 'depth L (hidden layers)' },
  { name: 'config', help: 'a link’s query string, e.g. "?act=relu&sw2=2"; flags override it' },
  {
    name: 'density',
    boolean: true,
    help: 'add the free-probability density of the eigenvalues of JJᵀ (Gaussian and orthogonal weights)',
  },
];

function densityJson(result: JacobianDensity): Record<string, unknown> {
  return {
    lambda: Array.from(result.lambda),
    density: Array.from(result.density),
    atZero: result.atZero,
    atoms: result.atoms,
    tailMass: result.tailMass,
    topMass: result.topMass,
    support: result.support,
    scale: result.scale,
    ok: result.ok,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
  };
}

runCli('theory', FLAGS, ({ config, flags }) => {
  const { act, sw2, sb2, L: depth } = config;
  const point = meanFieldPoint(act, sw2, sb2);
  const jacobian = jacobianMoments(act, sw2, sb2, depth);
  const sMax = sMaxSquared(act, sw2, sb2, depth);
  console.log(
    toJson({
      act,
      sw2,
      sb2,
      depth,
      qStar: point.qStar,
      chi1: point.chi1,
      chiC: point.chiC,
      cStar: point.cStar,
      xiQ: point.xiQ,
      xiC: point.xiC,
      xiGrad: point.xiGrad,
      trainableDepth: trainableDepth(point),
      phase: point.phase,
      criticalSw2: criticalSigmaW2(act, sb2),
      jacobian: {
        gaussian: { meanSq: jacobian.gaussian.meanSq, variance: jacobian.gaussian.variance },
        orthogonal: { meanSq: jacobian.orthogonal.meanSq, variance: jacobian.orthogonal.variance },
        ...(sMax ? { sMaxSq: sMax } : {}),
        assumptions:
          'eigenvalues of JJᵀ at infinite width with the input at the fixed point q*; the variance is χ₁^{2L}·L(μ₂/μ₁² − 1 − s₁) (free multiplicative convolution), which is THEORY.md’s L(μ₂/μ₁² − 1 − s₁) on the critical line',
      },
      ...(flags.has('density')
        ? {
            density: {
              gaussian: densityJson(jacobianDensity(act, sw2, sb2, depth, 'gaussian')),
              orthogonal: densityJson(jacobianDensity(act, sw2, sb2, depth, 'orthogonal')),
              assumptions:
                'continuous part ρ(λ) on the grid (log-adapted); point masses: atZero at λ = 0 and atoms at λ > 0; atZero + Σ atoms + ∫ρ dλ + tailMass + topMass = 1, tailMass (topMass) being the continuous mass below lambda[0] (above the last λ, where ρ diverges at the upper edge)',
            },
          }
        : {}),
    }),
  );
});
