import { useMemo } from 'react';
import { useLab } from '../state/store.ts';
import { MNIST_ROWS } from '../engine/rnn/sequence.ts';
import {
  criticalSigmaW2,
  jacobianMoments,
  meanFieldPoint,
  sMaxSquared,
  trainableDepth,
  type JacobianMoments,
  type MaxSingularValueSquared,
} from '../theory/index.ts';
import { formatQuantity } from '../ui/format.ts';
import { jacobianDepth, type JacobianDepth } from './spectrum/jacobianDepth.ts';
// The depth note's style (.jacobian-depth-note) lives with the spectrum panel's, which it matches.
import './spectrum/spectrum.css';

/** Mean-field numbers for the current point, all computed from the theory engine on every change. */
export function TheoryReadout() {
  const { act, sw2, sb2, L, N, data, dim, arch } = useLab((s) => s.config);
  const point = useMemo(() => meanFieldPoint(act, sw2, sb2), [act, sw2, sb2]);
  const critical = useMemo(() => criticalSigmaW2(act, sb2), [act, sb2]);
  // The spectrum panel's depth (the square hidden layers), from the one function both read.
  const depth = useMemo(() => jacobianDepth({ L, N, data, dim }), [L, N, data, dim]);
  const layers = depth.layers;
  const jacobian = useMemo(
    () => (layers > 0 ? jacobianMoments(act, sw2, sb2, layers) : null),
    [act, sw2, sb2, layers],
  );
  const sMax = useMemo(
    () => (layers > 0 ? sMaxSquared(act, sw2, sb2, layers) : null),
    [act, sw2, sb2, layers],
  );
  const depthLimit = trainableDepth(point);

  const rows: [string, number, string, string][] = [
    [
      'q*',
      point.qStar,
      Number.isNaN(point.qStar)
        ? 'every variance is a fixed point here: the length map is the identity'
        : 'fixed point of the length map (pre-activation variance)',
      'qStar',
    ],
    ['χ₁', point.chi1, 'mean squared singular value of one layer’s Jacobian', 'chi1'],
    ['c*', point.cStar, 'fixed point of the correlation map', 'cStar'],
    ['χ_c', point.chiC, 'slope of the correlation map at c*', 'chiC'],
    ['ξ_q', point.xiQ, 'depth scale of the length map (layers)', 'xiQ'],
    ['ξ_c', point.xiC, 'depth scale of correlations (layers)', 'xiC'],
    ['σ_w² crit.', critical, 'σ_w² on the critical line at this σ_b²', 'criticalSw2'],
  ];

  return (
    <section className="panel readout" aria-labelledby="readout-title">
      <h2 id="readout-title">Mean-field theory at this point</h2>
      <p className={`phase-badge phase-${point.phase}`} data-testid="phase">
        {point.phase}
      </p>
      <table className="numbers">
        <tbody>
          {rows.map(([symbol, value, meaning, id]) => (
            <tr key={id} title={meaning}>
              <th scope="row">{symbol}</th>
              <td data-testid={`readout-${id}`}>
                {/* Only where the length map is the identity (ReLU at (2, 0), linear at (1, 0)) is q* NaN. */}
                {id === 'qStar' && Number.isNaN(value) ? 'any q' : formatQuantity(value)}
              </td>
              <td className="meaning">{meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="verdict" data-testid="trainability">
        {arch === 'rnn'
          ? `arch=rnn: the depth is the ${MNIST_ROWS.steps} time steps through one W; the trainable depth ≈ ${formatQuantity(depthLimit, 3)} layers of the layered theory is a guide only.`
          : L <= depthLimit
            ? `Depth L = ${L} is within the trainable depth ≈ ${formatQuantity(depthLimit, 3)} layers.`
            : `Depth L = ${L} exceeds the trainable depth ≈ ${formatQuantity(depthLimit, 3)} layers: expect training to fail.`}
      </p>
      {arch === 'rnn' ? (
        <p className="spectrum-empty">
          No Jacobian theory for the recurrent network: it is that of independent layers W^l, and every time
          step shares one W.
        </p>
      ) : (
        <JacobianTheory depth={depth} jacobian={jacobian} sMax={sMax} />
      )}
    </section>
  );
}

/** The Jacobian moments at the spectrum panel's depth, or why there are none. */
function JacobianTheory({
  depth,
  jacobian,
  sMax,
}: {
  depth: JacobianDepth;
  jacobian: JacobianMoments | null;
  sMax: MaxSingularValueSquared | null;
}) {
  const note = (
    <p className="jacobian-depth-note" data-testid="jacobian-depth-note">
      {depth.note}
    </p>
  );
  if (!jacobian) return note;
  return (
    <>
      <h3 data-testid="jacobian-depth">
        Jacobian JJᵀ over {depth.layers} square hidden layer{depth.layers === 1 ? '' : 's'} (infinite width,
        input at q*)
      </h3>
      {note}
      <table className="numbers jacobian">
        <thead>
          <tr>
            <td />
            <th scope="col">Gaussian</th>
            <th scope="col">orthogonal</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">mean of σ²</th>
            <td>{formatQuantity(jacobian.gaussian.meanSq)}</td>
            <td>{formatQuantity(jacobian.orthogonal.meanSq)}</td>
          </tr>
          <tr>
            <th scope="row">variance of σ²</th>
            <td data-testid="variance-gaussian">{formatQuantity(jacobian.gaussian.variance)}</td>
            <td data-testid="variance-orthogonal">{formatQuantity(jacobian.orthogonal.variance)}</td>
          </tr>
          {sMax && (
            <tr>
              <th scope="row">s²_max</th>
              <td>{formatQuantity(sMax.gaussian)}</td>
              <td>{formatQuantity(sMax.orthogonal)}</td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
