/**
 * The one table of every parameter the lab knows. Controls, URL parsing and writing, validation,
 * presets and the CLI all read this table; nothing else lists parameters.
 *
 * URL keys are part of the public link format (version 1): never rename one, only add.
 */

/** 'meanField' parameters drive the theory panels; the rest configure the trained networks. */
export type ParamGroup = 'meanField' | 'network' | 'training' | 'view' | 'runtime';

interface ParamBase {
  /** Short key used in the URL and on the CLI. */
  readonly urlKey: string;
  /** Human label, starting with the math symbol so that controls are found by it. */
  readonly label: string;
  /** One-line help shown next to the control. */
  readonly help: string;
  readonly group: ParamGroup;
  /** The math symbol charts and descriptions name the parameter by (η, L, σ_w²), where it has one. */
  readonly symbol?: string;
}

export interface NumberParam extends ParamBase {
  readonly kind: 'number';
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly integer: boolean;
  /**
   * 'log' controls move in equal ratios. `zeroAllowed` puts an exact 0 at the slider's left end,
   * below `logMin` (σ_b² = 0 is where ReLU is critical). Values strictly between 0 and `logMin`
   * have no slider position, so the configuration never holds one (validate.ts, settleNumber).
   */
  readonly scale: 'linear' | 'log';
  readonly logMin?: number;
  readonly zeroAllowed?: boolean;
  /**
   * Significant digits of values made by pointing (slider positions, clicks on the diagram), so
   * that dragging does not leak 1.0500000000000003 into links. Typed and linked values are never
   * rounded to it: they keep every digit a 64-bit float holds.
   */
  readonly digits: number;
  readonly unit: string;
  /**
   * No slider: a number entry and a button that draws a new random value (the seed: its slider
   * jumped two million per step, and no position on it means more than another).
   */
  readonly entryOnly?: boolean;
}

export interface ChoiceParam<V extends string = string> extends ParamBase {
  readonly kind: 'choice';
  readonly choices: readonly { readonly value: V; readonly label: string }[];
  readonly default: V;
}

export type Param = NumberParam | ChoiceParam;

const choice = <V extends string>(
  spec: Omit<ChoiceParam<V>, 'kind' | 'choices'> & { choices: readonly (readonly [V, string])[] },
): ChoiceParam<V> => ({
  ...spec,
  kind: 'choice',
  choices: spec.choices.map(([value, label]) => ({ value, label })),
});

const number = (spec: Omit<NumberParam, 'kind'>): NumberParam => ({ ...spec, kind: 'number' });

/**
 * Defaults tell the central story on a laptop without a discrete GPU: tanh on the critical line
 * (Pennington et al. 2017, used by Huang et al. §5), deep enough that Gaussian and orthogonal
 * twins differ, narrow enough to train within a minute.
 */
export const PARAMS = {
  act: choice({
    urlKey: 'act',
    symbol: 'φ',
    label: 'activation φ',
    help: 'Nonlinearity applied after every hidden layer.',
    group: 'meanField',
    default: 'tanh',
    choices: [
      ['tanh', 'tanh'],
      ['hardtanh', 'hard tanh'],
      ['relu', 'ReLU'],
      ['linear', 'linear'],
      ['erf', 'erf (scaled)'],
    ],
  }),
  sw2: number({
    urlKey: 'sw2',
    symbol: 'σ_w²',
    label: 'σ_w² weight variance',
    help: 'Variance of each weight times fan-in; orthogonal weights are scaled to the same gain.',
    group: 'meanField',
    min: 0.05,
    max: 4,
    default: 1.05,
    integer: false,
    scale: 'linear',
    digits: 5,
    unit: '',
  }),
  sb2: number({
    urlKey: 'sb2',
    symbol: 'σ_b²',
    label: 'σ_b² bias variance',
    help: 'Variance of each bias. The slider is logarithmic; its left end is exactly 0.',
    group: 'meanField',
    min: 0,
    max: 0.5,
    default: 2.01e-5,
    integer: false,
    scale: 'log',
    // Critical tanh networks with small q* need tiny biases: q* = 9·10⁻⁴ (Sokół & Park's Fig. 1)
    // sits at σ_b² ≈ 10⁻⁹, since σ_b² grows like q*³ along the critical family.
    logMin: 1e-10,
    zeroAllowed: true,
    digits: 4,
    unit: '',
  }),
  L: number({
    urlKey: 'L',
    symbol: 'L',
    label: 'depth L',
    help: 'Number of hidden layers.',
    group: 'meanField',
    min: 1,
    max: 1000,
    default: 50,
    integer: true,
    scale: 'log',
    digits: 4,
    unit: 'layers',
  }),
  N: number({
    urlKey: 'N',
    symbol: 'N',
    label: 'width N',
    help: 'Units in every hidden layer.',
    group: 'network',
    min: 2,
    max: 2048,
    default: 128,
    integer: true,
    scale: 'log',
    digits: 4,
    unit: 'units',
  }),
  init: choice({
    urlKey: 'init',
    label: 'initialization',
    help: 'Hidden-weight distribution; "both" trains Gaussian and orthogonal twins side by side.',
    group: 'network',
    default: 'both',
    choices: [
      ['gaussian', 'Gaussian'],
      ['orthogonal', 'orthogonal'],
      ['both', 'both (twins)'],
    ],
  }),
  param: choice({
    urlKey: 'param',
    label: 'parameterization',
    help: 'Standard: W ~ N(0, σ_w²/n). NTK: W = σ_w ω/√n with ω ~ N(0, 1); same function, other dynamics.',
    group: 'network',
    default: 'std',
    choices: [
      ['std', 'standard'],
      ['ntk', 'NTK'],
    ],
  }),
  arch: choice({
    urlKey: 'arch',
    label: 'architecture',
    help: 'A deep fully connected network (MLP), or a vanilla RNN h_t = φ(W h_{t−1} + U x_t + b) reading an MNIST image one 28-pixel row per step.',
    group: 'network',
    default: 'mlp',
    choices: [
      ['mlp', 'MLP (layers)'],
      ['rnn', 'RNN (MNIST rows)'],
    ],
  }),
  mirror: choice({
    urlKey: 'mirror',
    label: 'mirrored initialization',
    help: 'Mirrored: the network is f = (g_a − g_b)/√2 with g_b an exact copy of g_a at initialization, so its output starts at exactly 0 while its tangent kernel is that of g_a (Chen, Li & Lin); both copies then train.',
    group: 'network',
    default: '0',
    choices: [
      ['0', 'off'],
      ['1', 'mirrored'],
    ],
  }),
  lr: number({
    urlKey: 'lr',
    symbol: 'η',
    label: 'η learning rate',
    help: 'Step size of the optimizer.',
    group: 'training',
    min: 1e-5,
    max: 10,
    // With seeds 1 and T = 1000 these defaults make the lab's point on a CPU within seconds: at
    // η = 0.05 the orthogonal twin's loss falls about twice as fast as the Gaussian one's from
    // the first tens of steps (README, "Why these defaults").
    default: 0.05,
    integer: false,
    scale: 'log',
    digits: 3,
    unit: '',
  }),
  opt: choice({
    urlKey: 'opt',
    label: 'optimizer',
    help: 'Update rule used for every run.',
    group: 'training',
    default: 'sgd',
    choices: [
      ['sgd', 'SGD'],
      ['momentum', 'SGD + momentum'],
      ['adam', 'Adam'],
      ['rmsprop', 'RMSProp'],
    ],
  }),
  orth: choice({
    urlKey: 'orth',
    label: 'orthogonality in training',
    help: 'What keeps the hidden weights W¹…W^L orthogonal while training (the readout is free): nothing, a penalty λ‖WᵀW − I‖², the gain-adjusted penalty λ‖WᵀW/σ_w² − I‖², or a projection after every step.',
    group: 'training',
    default: 'none',
    choices: [
      ['none', 'none (Euclidean)'],
      ['soft', 'soft penalty'],
      ['gain', 'gain-adjusted penalty'],
      ['stiefel', 'Stiefel (projection)'],
      ['oblique', 'Oblique (unit norms)'],
    ],
  }),
  olam: number({
    urlKey: 'olam',
    label: 'λ orthogonality penalty',
    help: 'Strength λ of the soft and gain-adjusted penalties, summed over the hidden layers and added to the loss’s gradient; unused by none, stiefel and oblique.',
    group: 'training',
    min: 1e-5,
    max: 10,
    default: 1e-3,
    integer: false,
    scale: 'log',
    digits: 3,
    unit: '',
  }),
  oscale: choice({
    urlKey: 'oscale',
    label: 'scale of constrained weights',
    help: 'Under stiefel and oblique: the weights’ overall scale stays at the init’s gain (fixed), or follows each step while only their shape is constrained (free: W = s·Q with s trained, as Sokół & Park did).',
    group: 'training',
    default: 'fixed',
    choices: [
      ['fixed', 'fixed (init gain)'],
      ['free', 'free (trained)'],
    ],
  }),
  bs: number({
    urlKey: 'bs',
    symbol: 'B',
    label: 'B batch size',
    help: 'Examples per training step.',
    group: 'training',
    min: 1,
    max: 1024,
    default: 64,
    integer: true,
    scale: 'log',
    digits: 4,
    unit: 'examples',
  }),
  data: choice({
    urlKey: 'data',
    label: 'dataset',
    help: 'MNIST digits (classification) or a random teacher network (regression).',
    group: 'training',
    default: 'mnist',
    choices: [
      ['mnist', 'MNIST'],
      ['teacher', 'teacher–student'],
    ],
  }),
  ntrain: number({
    urlKey: 'ntrain',
    symbol: 'n',
    label: 'n training examples',
    help: 'Train on the first n examples of the training set only (0: all of it); the held-out set is unchanged.',
    group: 'training',
    min: 0,
    max: 60000,
    default: 0,
    integer: true,
    scale: 'log',
    logMin: 1,
    zeroAllowed: true,
    digits: 5,
    unit: 'examples',
  }),
  dim: number({
    urlKey: 'dim',
    symbol: 'd',
    label: 'd teacher input dimension',
    help: 'Input dimension of the teacher–student regression (data=teacher).',
    group: 'training',
    min: 1,
    max: 256,
    default: 32,
    integer: true,
    scale: 'log',
    digits: 3,
    unit: '',
  }),
  seeds: number({
    urlKey: 'seeds',
    label: 'S seeds per init',
    help: 'Independent runs per initialization; curves show mean and spread.',
    group: 'training',
    min: 1,
    max: 8,
    default: 1,
    integer: true,
    scale: 'linear',
    digits: 1,
    unit: 'runs',
  }),
  seed: number({
    urlKey: 'seed',
    label: 'seed',
    help: 'Seed of every random draw: the same link gives the same weights and data order.',
    group: 'training',
    min: 0,
    max: 2147483647,
    default: 1,
    integer: true,
    scale: 'linear',
    digits: 10,
    unit: '',
    entryOnly: true,
  }),
  steps: number({
    urlKey: 'steps',
    symbol: 'T',
    label: 'T steps',
    help: 'Training stops after this many steps.',
    group: 'training',
    min: 1,
    max: 100000,
    default: 1000,
    integer: true,
    scale: 'log',
    digits: 6,
    unit: 'steps',
  }),
  pd: choice({
    urlKey: 'pd',
    label: 'diagram shows',
    help: 'Quantity coloured on the phase diagram.',
    group: 'view',
    default: 'chi1',
    choices: [
      ['chi1', 'χ₁ (gradient growth per layer)'],
      ['xiC', 'ξ_c (correlation depth scale)'],
      ['qStar', 'q* (fixed-point variance)'],
    ],
  }),
  pdy: choice({
    urlKey: 'pdy',
    label: 'σ_b² axis',
    help: 'Scale of the phase diagram’s σ_b² axis.',
    group: 'view',
    default: 'log',
    choices: [
      ['log', 'log'],
      ['linear', 'linear'],
    ],
  }),
  lm: choice({
    urlKey: 'lm',
    label: 'curve shows',
    help: 'Metric drawn on the training panel.',
    group: 'view',
    default: 'train',
    choices: [
      ['train', 'training loss'],
      ['test', 'test loss'],
      ['acc', 'test accuracy'],
    ],
  }),
  ly: choice({
    urlKey: 'ly',
    label: 'y axis',
    help: 'Scale of the training panel’s y axis.',
    group: 'view',
    default: 'log',
    choices: [
      ['log', 'log'],
      ['linear', 'linear'],
    ],
  }),
  thr: number({
    urlKey: 'thr',
    label: 'threshold',
    help: 'Target in the units of the shown metric; τ is the first step each init reaches it (≤ for losses, ≥ for accuracy).',
    group: 'view',
    min: 0,
    max: 10,
    default: 0.5,
    integer: false,
    scale: 'linear',
    digits: 3,
    unit: '',
  }),
  sv: choice({
    urlKey: 'sv',
    label: 'spectrum of',
    help: 'Squared singular values σ² of the Jacobian (eigenvalues of JJᵀ) or the singular values σ.',
    group: 'view',
    default: 'sq',
    choices: [
      ['sq', 'σ² (eigenvalues of JJᵀ)'],
      ['abs', 'σ (singular values)'],
    ],
  }),
  sx: choice({
    urlKey: 'sx',
    label: 'x axis',
    help: 'Scale of the spectrum panel’s x axis; on a log axis densities are per unit of ln x.',
    group: 'view',
    default: 'log',
    choices: [
      ['log', 'log'],
      ['linear', 'linear'],
    ],
  }),
  jp: choice({
    urlKey: 'jp',
    label: 'Jacobian at',
    help: 'Input at which J is taken: a probe with variance q* in every layer (as theory assumes), or a held-out example.',
    group: 'runtime',
    default: 'fixed-point',
    choices: [
      ['fixed-point', 'fixed-point probe'],
      ['data', 'a test example'],
    ],
  }),
  backend: choice({
    urlKey: 'backend',
    label: 'backend',
    help: 'tfjs backend for training; auto times the configuration on each working backend and keeps the fastest (never a software GPU over WASM).',
    group: 'runtime',
    default: 'auto',
    choices: [
      ['auto', 'auto'],
      ['webgpu', 'WebGPU'],
      ['webgl', 'WebGL'],
      ['wasm', 'WASM'],
      ['cpu', 'CPU'],
    ],
  }),
} as const;

export type ParamKey = keyof typeof PARAMS;
export const PARAM_KEYS = Object.keys(PARAMS) as ParamKey[];

type ValueOf<P> = P extends ChoiceParam<infer V> ? V : P extends NumberParam ? number : never;

/** A complete configuration of the lab: one value per parameter. */
export type LabConfig = { readonly [K in ParamKey]: ValueOf<(typeof PARAMS)[K]> };

export type ChoiceKey = { [K in ParamKey]: (typeof PARAMS)[K] extends ChoiceParam ? K : never }[ParamKey];
export type NumberKey = Exclude<ParamKey, ChoiceKey>;

export const DEFAULT_CONFIG: LabConfig = Object.fromEntries(
  PARAM_KEYS.map((key) => [key, PARAMS[key].default]),
) as unknown as LabConfig;

export function paramsInGroup(group: ParamGroup): ParamKey[] {
  return PARAM_KEYS.filter((key) => PARAMS[key].group === group);
}

export const URL_VERSION = 1;

const KEY_BY_URL_KEY = new Map<string, ParamKey>(PARAM_KEYS.map((key) => [PARAMS[key].urlKey, key]));

/** The parameter a URL (and CLI) key names, or undefined for a key the schema does not have. */
export function paramKeyOf(urlKey: string): ParamKey | undefined {
  return KEY_BY_URL_KEY.get(urlKey);
}
