import type { PanelId } from './panels.ts';
import { PAPERS } from './papers.ts';
import { DEFAULT_CONFIG, type LabConfig } from './schema.ts';

export interface Preset {
  readonly id: string;
  readonly title: string;
  /** Two sentences: what the room should look at. `$…$` is TeX (typeset by KaTeX). */
  readonly caption: string;
  /** Lecture mode steps through these after the caption, one point each (`$…$` TeX). */
  readonly steps: readonly string[];
  readonly paper: string;
  readonly figure: string;
  /** What the paper ran, where the preset is made smaller to make its point within 30 s here. */
  readonly whatPaperUsed: string;
  /** Every parameter, view options included, so that a preset looks the same whatever came before. */
  readonly values: LabConfig;
  /** The panels that make the point: lecture mode enlarges them. */
  readonly focus: readonly PanelId[];
}

/** Every parameter: the preset's own values over the defaults (view options included). */
function complete(values: Partial<LabConfig>): LabConfig {
  return { ...DEFAULT_CONFIG, ...values };
}

const TANH_DEPTH_50 = { act: 'tanh', L: 50, N: 128, init: 'both', lr: 0.05, opt: 'sgd', bs: 64 } as const;
const PENNINGTON_TANH = 'tanh networks of depth 200 and width 400 on CIFAR-10, 4 optimizers.';

/**
 * Configurations a lecturer reaches for, in gallery order (← / → step through them). Sizes and
 * learning rates are chosen so that each makes its point within 30 s on a two-core machine on
 * WASM; `whatPaperUsed` says what the paper ran. The tests check each against the schema.
 */
export const PRESETS: readonly Preset[] = [
  {
    id: 'edge-of-chaos',
    title: 'Edge of chaos: tanh on the critical line',
    caption:
      'At $\\sigma_w^2 = 1.05$, $\\sigma_b^2 = 2\\cdot10^{-5}$ the tanh network sits on the critical line $\\chi_1 = 1$: signals neither vanish nor explode through 50 layers. Both initializations train; the orthogonal one faster.',
    steps: [
      "$\\chi_1 = \\sigma_w^2\\,\\mathbb{E}[\\phi'(h)^2]$ is the mean squared singular value of one layer's Jacobian: the black line is $\\chi_1 = 1$.",
      'The dashed curves bound the depths that still train: $L \\le 6\\,\\xi_c$, with $\\xi_c = -1/\\ln \\chi_c$ the depth over which two inputs decorrelate.',
      'Orthogonal weights keep every singular value of each layer at $\\sigma_w$: the product over 50 layers stays well conditioned, and training is faster.',
    ],
    paper: PAPERS.pennington,
    figure: 'Hlav Fig. 1 (phase diagram) and Fig. 3',
    whatPaperUsed: PENNINGTON_TANH,
    values: complete({ ...TANH_DEPTH_50, sw2: 1.05, sb2: 2.01e-5 }),
    focus: ['phase', 'training'],
  },
  {
    id: 'ordered',
    title: 'Ordered phase: gradients vanish',
    caption:
      'At $\\sigma_w^2 = 0.6$ the same 50-layer tanh network is in the ordered phase, $\\chi_1 < 1$: the backward signal shrinks by $\\sqrt{\\chi_1}$ per layer. The loss stays at chance ($\\ln 10 \\approx 2.3$) for either initialization.',
    steps: [
      'Signal panel, right: $\\lVert\\partial\\,\\text{loss}/\\partial h^l\\rVert$ falls exponentially towards the input: the first layers get no gradient.',
      'Orthogonal weights cannot help: every layer already shrinks the signal on average, whatever the distribution of its singular values.',
    ],
    paper: PAPERS.pennington,
    figure: 'Hlav Fig. 1 (ordered side)',
    whatPaperUsed: PENNINGTON_TANH,
    values: complete({ ...TANH_DEPTH_50, sw2: 0.6, sb2: 0.05 }),
    focus: ['signal', 'training'],
  },
  {
    id: 'chaotic',
    title: 'Chaotic phase: gradients explode',
    caption:
      'At $\\sigma_w^2 = 3.5$ the network is chaotic, $\\chi_1 > 1$: gradients grow towards the input and nearby inputs decorrelate within a few layers. Training at depth 50 stalls for either initialization.',
    steps: [
      'Signal panel, right: $\\lVert\\partial\\,\\text{loss}/\\partial h^l\\rVert$ grows by $\\sqrt{\\chi_1}$ per layer towards the input: see the thin pale curves (at initialization) along the black theory; training then pulls the gradients down.',
      "The correlation map's fixed point $c^* < 1$: two different images end up as unrelated outputs, so the last layer has nothing to read.",
    ],
    paper: PAPERS.pennington,
    figure: 'Hlav Fig. 1 (chaotic side)',
    whatPaperUsed: PENNINGTON_TANH,
    values: complete({ ...TANH_DEPTH_50, sw2: 3.5, sb2: 0.05 }),
    focus: ['signal', 'training'],
  },
  {
    id: 'orthogonal-depth',
    title: 'Deep and critical: orthogonal trains faster',
    caption:
      "At depth 100 on the critical line, the orthogonal network reaches a training loss the Gaussian one reaches much later. The spectrum shows why: the Gaussian Jacobian's singular values spread over many decades, the orthogonal one's stay near 1.",
    steps: [
      'Free probability: at $\\chi_1 = 1$ the variance of the squared singular values of $J$ grows like $L$ for Gaussian weights and stays bounded for orthogonal weights when $q^*$ is small.',
      'Huang et al.: the deeper the network, the larger the orthogonal advantage, outside the NTK regime.',
    ],
    paper: PAPERS.huang,
    figure: 'Fig. 4 (and Pennington et al. via Hlav Fig. 3)',
    whatPaperUsed: 'Depth 100, width 400, SGD η = 0.01, CIFAR-10, 5·10⁴ steps, 30 instantiations averaged.',
    values: complete({ ...TANH_DEPTH_50, L: 100, sw2: 1.05, sb2: 2.01e-5 }),
    focus: ['training', 'spectrum'],
  },
  {
    id: 'ntk-regime',
    title: 'NTK regime: the initializations coincide',
    caption:
      'A wide, shallow network in NTK parameterization hardly moves its kernel while it trains, and Gaussian and orthogonal weights give the same kernel and the same loss curve. Outside this regime (deep, narrow, large $\\eta$) they part.',
    steps: [
      'NTK panel: the heatmaps of $\\Theta$ for both inits match the infinite-width kernel, and $\\lVert\\Theta_t - \\Theta_0\\rVert/\\lVert\\Theta_0\\rVert$ stays small.',
      "Huang et al., Theorem 3: at infinite width the orthogonal network's NTK equals the Gaussian one's, at initialization and throughout training.",
    ],
    paper: PAPERS.huang,
    figure: 'Fig. 2',
    whatPaperUsed:
      'tanh, depth 5, width 800, σ_w² = 2, σ_b² = 0.1, SGD η = 10⁻³ for 10⁵ steps on CIFAR-10, 30 networks.',
    values: complete({
      act: 'tanh',
      sw2: 2,
      sb2: 0.1,
      L: 5,
      N: 512,
      param: 'ntk',
      lr: 1,
      opt: 'sgd',
      bs: 64,
      init: 'both',
    }),
    focus: ['training', 'ntk'],
  },
  {
    id: 'relu-no-isometry',
    title: 'ReLU cannot reach dynamical isometry',
    caption:
      'ReLU is critical only at $\\sigma_w^2 = 2$, $\\sigma_b^2 = 0$, and there half the units are switched off in every layer. Even orthogonal weights then give a Jacobian whose singular values spread with depth.',
    steps: [
      'Orthogonal ReLU: the variance of $\\sigma^2$ grows linearly with depth (theory: 1 per square layer), twice as fast for Gaussian weights; tanh at small $q^*$ keeps it near 0.',
      "The spectrum panel's measured moments carry their spread over independent draws: one network's variance is a noisy number.",
    ],
    paper: PAPERS.pennington,
    figure: 'Hlav §3 and Fig. 3 (black curves)',
    whatPaperUsed: 'ReLU networks of depth 200, width 400, CIFAR-10.',
    values: complete({ act: 'relu', sw2: 2, sb2: 0, L: 50, N: 128, init: 'both', lr: 0.01 }),
    focus: ['spectrum', 'readout'],
  },
  {
    id: 'deep-linear',
    title: 'Deep linear networks',
    caption:
      'With $\\phi(h) = h$ and orthogonal weights at $\\sigma_w^2 = 1$ the Jacobian is exactly orthogonal at any depth: every singular value is 1. Gaussian weights give a spread that grows with depth, and train more slowly.',
    steps: [
      'Saxe et al.: orthogonal deep linear networks learn in a time independent of depth; Gaussian ones in a time growing with depth.',
    ],
    paper: PAPERS.saxe,
    figure: 'Hlav Fig. 2',
    whatPaperUsed: 'Deep linear networks on MNIST, depth up to 100, time to a fixed training error.',
    values: complete({ act: 'linear', sw2: 1, sb2: 0, L: 50, N: 128, init: 'both', lr: 0.005 }),
    focus: ['spectrum', 'training'],
  },
  {
    id: 'rnn-orthogonal',
    title: 'Recurrent network: orthogonal W',
    caption:
      'A vanilla RNN reads an MNIST image one 28-pixel row per step, multiplying by the same $W$ 28 times. With orthogonal $W$ every singular value starts at the gain and the held-out accuracy rises a little faster than with Gaussian $W$.',
    steps: [
      'Weights panel: the singular values of $W$ during training; the orthogonal ones spread out from the gain as training moves them.',
    ],
    paper: PAPERS.hlav,
    figure: 'Figs. 7–8',
    whatPaperUsed: 'Sequential MNIST (784 steps of one pixel), Cayley-constrained and soft-penalized RNNs.',
    values: complete({
      arch: 'rnn',
      act: 'tanh',
      sw2: 1.21,
      sb2: 1e-4,
      N: 64,
      bs: 64,
      init: 'both',
      opt: 'adam',
      lr: 1e-3,
      lm: 'acc',
      thr: 0.85,
    }),
    focus: ['training', 'weights'],
  },
  {
    id: 'mirrored',
    title: 'Mirrored initialization: output exactly zero',
    caption:
      "Mirrored initialization trains $f = (g_a - g_b)/\\sqrt2$ with $g_b$ a copy of $g_a$, so the network outputs exactly 0 at initialization while its NTK is unchanged. On the teacher task its held-out error is lower than the standard network's.",
    steps: [
      'Set mirrored initialization to off: the held-out loss now starts several times higher (the random initial function is part of the error) and ends about twice as high.',
      'Chen, Li & Lin: the random initial function adds an error term that mirrored initialization removes, improving the rate in $n$.',
    ],
    paper: PAPERS.chen,
    figure: 'comparison of generalization error (slides)',
    whatPaperUsed: 'Infinite-width gradient flow; the slides do not give sizes.',
    values: complete({
      data: 'teacher',
      dim: 8,
      act: 'relu',
      sw2: 2,
      sb2: 0.5,
      L: 1,
      N: 256,
      param: 'ntk',
      opt: 'sgd',
      lr: 0.4,
      bs: 256,
      ntrain: 256,
      mirror: '1',
      lm: 'test',
      init: 'both',
    }),
    focus: ['training', 'ntk'],
  },
  {
    id: 'stiefel',
    title: 'Training on the Stiefel manifold',
    caption:
      "Orthogonal weights trained on the Stiefel manifold stay orthogonal at every step: the weights panel's $\\lVert W^\\top W/\\sigma_w^2 - I\\rVert$ stays at rounding level. Their singular values stay exactly at $\\sigma_w$ while the loss falls.",
    steps: [
      'Set orthogonality in training to none (Euclidean training): $\\lVert W^\\top W/\\sigma_w^2 - I\\rVert$ jumps from rounding level to about $10^{-2}$ within the first steps.',
      "Sokół & Park: the Fisher information's largest eigenvalue tracks the Jacobian's, and manifold training keeps it small.",
    ],
    paper: PAPERS.sokolPark,
    figure: 'Figs. 1 and 3',
    whatPaperUsed: 'tanh, depth 200, width 400, CIFAR-10 and SVHN, Adam.',
    values: complete({
      act: 'tanh',
      L: 32,
      N: 128,
      sw2: 1.05,
      sb2: 2.01e-5,
      init: 'orthogonal',
      opt: 'adam',
      lr: 1e-3,
      orth: 'stiefel',
      oscale: 'fixed',
    }),
    focus: ['weights', 'training'],
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}
