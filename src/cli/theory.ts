import {
  criticalSigmaW2,
  jacobianMoments,
  meanFieldPoint,
  sMaxSquared,
  trainableDepth,
} from '../theory/index.ts';
import { runCli, toJson, type CliFlag } from './args.ts';

const FLAGS: readonly CliFlag[] = [
  { name: 'act', param: 'act', help: 'activation φ' },
  { name: 'sw2', param: 'sw2', help: 'σ_w², weight variance × fan-in' },
  { name: 'sb2', param: 'sb2', help: 'σ_b², bias variance' },
  { name: 'depth', param: 'L', help: 'depth L (hidden layers)' },
  { name: 'config', help: 'a link’s query string, e.g. "?act=relu&sw2=2"; flags override it' },
];

runCli('theory', FLAGS, ({ config }) => {
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
    }),
  );
});
