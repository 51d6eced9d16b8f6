/**
 * The papers' figures as sweeps: each a link (a sweep query, src/sweep/definition.ts) that the
 * Experiments view lists and `npm run sweep -- --experiment <id>` runs. Scaled so that each
 * qualitative result appears within a few minutes on a two-core machine on WASM; `whatPaperUsed`
 * says what the paper ran instead (README, "Experiments", has the measured times and results).
 */

import type { ParamKey } from '../config/schema.ts';
import { PAPERS } from '../config/papers.ts';

/** How the Experiments view draws a result. */
export type ExperimentChart =
  'tau-vs-x' | 'change-vs-width' | 'curves' | 'curvature-scatter' | 'singular-values' | 'error-vs-n';

export interface NamedExperiment {
  readonly id: string;
  readonly title: string;
  readonly paper: string;
  readonly figure: string;
  /** One line: what to look for. */
  readonly explanation: string;
  /** The sweep link (a query string starting with '?'), `exp=<id>` included. */
  readonly query: string;
  readonly whatPaperUsed: string;
  readonly chart: ExperimentChart;
  /**
   * 'tau-vs-x' over two axes: draw, for each value of the other axis and each init, the smallest
   * τ over this axis's values (the best learning rate at each depth, as Saxe et al. chose it),
   * instead of one line per value.
   */
  readonly bestOver?: ParamKey;
}

const HUANG = PAPERS.huang;
const SAXE = PAPERS.saxe;
const SOKOL_PARK = PAPERS.sokolPark;
const HLAV = PAPERS.hlav;
const CHEN = PAPERS.chen;

export const EXPERIMENTS: readonly NamedExperiment[] = [
  {
    id: 'ntk-change-vs-width',
    title: 'NTK change against width',
    paper: HUANG,
    figure: 'Fig. 1',
    explanation:
      'The relative change of the NTK and of the weights after training falls with width, about as 1/n, for both inits alike.',
    query:
      '?act=erf&sw2=1&sb2=0.01&L=3&param=ntk&lr=1&opt=sgd&bs=20&data=mnist&init=both&seeds=1&steps=200&over=N=64..2048:6:log&measure=ntk&exp=ntk-change-vs-width',
    whatPaperUsed:
      '3 hidden erf layers, NTK parameterization, full-batch gradient descent with η = 1 on D = 20 MNIST images for T = 2¹⁵ steps; widths up to 2¹³ or so.',
    chart: 'change-vs-width',
  },
  {
    id: 'tau-vs-lr-depth',
    title: 'Steps to threshold against learning rate, several depths',
    paper: HUANG,
    figure: 'Fig. 3(c)',
    explanation:
      'At tanh (1.05, 2.01·10⁻⁵) the orthogonal τ(η) (dotted) lies below the Gaussian one (solid), and the gap widens with depth.',
    query:
      '?act=tanh&sw2=1.05&sb2=2.01e-5&N=64&bs=32&data=mnist&init=both&seeds=1&steps=300&lm=train&thr=1.5&over=lr=0.01,0.03,0.1,0.3&over=L=8,32,128&measure=tau&exp=tau-vs-lr-depth',
    whatPaperUsed:
      'CIFAR-10, width 400, depths 50, 100, 200, SGD, τ to a training (and test) accuracy threshold, η on a log grid.',
    chart: 'tau-vs-x',
  },
  {
    id: 'tau-vs-lr-width',
    title: 'Steps to threshold against learning rate, several widths',
    paper: HUANG,
    figure: 'Fig. 3(a)',
    explanation:
      'At fixed depth the orthogonal τ(η) (dotted) lies below the Gaussian one (solid) at every width, and the gap narrows as the width grows.',
    query:
      '?act=tanh&sw2=1.05&sb2=2.01e-5&L=32&bs=32&data=mnist&init=both&seeds=1&steps=300&lm=train&thr=1.5&over=lr=0.01,0.03,0.1,0.3&over=N=32,64,128&measure=tau&exp=tau-vs-lr-width',
    whatPaperUsed: 'CIFAR-10, depth 50, widths 400, 800, 1600, SGD, τ to a training accuracy threshold.',
    chart: 'tau-vs-x',
  },
  {
    id: 'lazy-regime',
    title: 'The lazy (NTK) regime',
    paper: HUANG,
    figure: 'Fig. 2',
    explanation:
      'A wide, shallow network in the NTK parameterization, where η = 1 moves each weight by only O(1/√N): the Gaussian and orthogonal loss curves coincide within the spread of seeds, while each hidden layer moves by about 1.5 %.',
    query:
      '?act=tanh&sw2=2&sb2=0.1&L=5&N=512&param=ntk&lr=1&opt=sgd&bs=64&data=mnist&init=both&seeds=2&steps=300&measure=ntk&exp=lazy-regime',
    whatPaperUsed:
      'tanh, L = 5, width 800, σ_w² = 2, σ_b² = 0.1, SGD with η = 10⁻³ for 10⁵ steps, batch 1000, on full CIFAR-10 (and ReLU, L = 9, width 1600, RMSProp on MNIST).',
    chart: 'curves',
  },
  {
    id: 'deep-linear',
    title: 'Deep linear networks: time to a fixed loss against depth',
    paper: SAXE,
    figure: 'Hlav Fig. 2 (Saxe et al. Fig. 7)',
    explanation:
      'Linear networks at σ_w² = 1, each depth at its best learning rate: the orthogonal τ stays flat as depth grows, the Gaussian τ grows.',
    query:
      '?act=linear&sw2=1&sb2=0&N=32&data=teacher&init=both&seeds=1&steps=600&lm=train&thr=0.1&over=L=1,4,16,64&over=lr=1e-3,3e-3,0.01,0.03,0.1,0.3&measure=tau&exp=deep-linear',
    whatPaperUsed:
      'Saxe et al.: deep linear networks on MNIST, epochs to a fixed training error against depth up to 100, the learning rate chosen best for each depth, orthogonal against scaled Gaussian weights.',
    chart: 'tau-vs-x',
    bestOver: 'lr',
  },
  {
    id: 'curvature-at-init',
    title: 'Curvature against the Jacobian at initialization',
    paper: SOKOL_PARK,
    figure: 'Fig. 2',
    explanation:
      'Along the critical line (χ₁ = 1), λ_max of the Fisher rises with s²_max of the Jacobian as q* grows; the orthogonal networks line up almost exactly, the Gaussian ones scatter with their draws.',
    query:
      '?act=tanh&L=32&N=128&data=mnist&init=both&seeds=3&steps=1&over=qstar=0.001..0.0625:7:log&measure=curvature&exp=curvature-at-init',
    whatPaperUsed:
      'tanh, depth 200, width 400, CIFAR-10, critical initializations with q* from about 9·10⁻⁴ to 1/64 and beyond, 5 networks each, and 5 deep linear networks (inputs scaled as at q* = 1/64).',
    chart: 'curvature-scatter',
  },
  {
    id: 'manifold-vs-euclidean',
    title: 'Euclidean, Stiefel and Oblique training at two q*',
    paper: SOKOL_PARK,
    figure: 'Figs. 1 and 3',
    explanation:
      'Critical tanh networks at q* = 9·10⁻⁴ and 1/64: the Stiefel networks (scale free) train faster than the Euclidean ones and alike at both q*; λ_max of the Fisher (below) jumps within the first steps of Euclidean training, most at the small q*.',
    query:
      '?act=tanh&L=32&N=128&opt=adam&lr=1e-3&bs=64&data=mnist&init=orthogonal&seeds=1&steps=300&oscale=free&over=orth=none,stiefel,oblique&over=qstar=9e-4,0.015625&measure=curvature&exp=manifold-vs-euclidean',
    whatPaperUsed:
      'tanh, depth 200, width 400, CIFAR-10 and SVHN, Riemannian Adam (learning rates by Bayesian optimization), batch 1000, 5 networks each, 200 epochs; the manifold weights carried a trained isotropic scale, as oscale=free does here.',
    chart: 'curves',
  },
  {
    id: 'rnn-gain-penalty',
    title: 'Recurrent network: orthogonal W and the gain-adjusted penalty',
    paper: HLAV,
    figure: 'Figs. 7–8',
    explanation:
      'A tanh RNN reads MNIST row by row: the Gaussian W’s singular values spread from 0 to 2.2, the orthogonal one’s start at the gain 1.1; the soft penalty holds them near 1, the gain-adjusted one near 1.1, and trains at least as fast.',
    query:
      '?arch=rnn&act=tanh&sw2=1.21&sb2=1e-4&N=64&bs=64&data=mnist&init=both&seeds=1&steps=1000&opt=adam&lr=1e-3&olam=0.1&lm=acc&thr=0.85&over=orth=none,soft,gain&measure=weights&exp=rnn-gain-penalty',
    whatPaperUsed:
      'Keras SimpleRNN with 64 units on row-sequential MNIST (28 steps of 28 pixels), batch 256, several epochs; Glorot against orthogonal recurrent kernels with gains, the plain and gain-adjusted penalties.',
    chart: 'singular-values',
  },
  {
    id: 'error-vs-n-mirrored',
    title: 'Generalization error against sample size: standard against mirrored initialization',
    paper: CHEN,
    figure: 'comparison of generalization error (slides)',
    explanation:
      'A wide one-layer ReLU network trained by full-batch gradient descent on a smooth teacher in d = 8: the mirrored network (output 0 at init) has the lower held-out error at every n; grey guides: the predicted rates n^(−3/(d+3)) and n^(−1/2).',
    query:
      '?data=teacher&dim=8&act=relu&sw2=2&sb2=0.5&L=1&N=256&param=ntk&opt=sgd&lr=0.4&bs=1024&lm=test&init=both&seeds=1&steps=1000&over=ntrain=64..1024:5:log&over=mirror=0,1&measure=curves&exp=error-vs-n-mirrored',
    whatPaperUsed:
      'Gradient flow on networks of width m → ∞ (Gaussian weights and biases, √(2/m) scaling), a target of smoothness s ≥ 3/(d+1) with label noise, rates at a well-chosen stopping time; the slides do not give the sizes of their figure.',
    chart: 'error-vs-n',
  },
];

export function experimentById(id: string): NamedExperiment | undefined {
  return EXPERIMENTS.find((named) => named.id === id);
}
