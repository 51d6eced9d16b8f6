import type { LabConfig } from './schema.ts';

export interface Preset {
  readonly id: string;
  readonly label: string;
  /** What the room should see, in one sentence. */
  readonly story: string;
  readonly values: Partial<LabConfig>;
}

/** Configurations a lecturer reaches for; values are checked against the schema by the tests. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'edge-of-chaos',
    label: 'Edge of chaos (tanh)',
    story: 'tanh at (1.05, 2.01·10⁻⁵) sits on the critical line: signals neither vanish nor explode.',
    values: { act: 'tanh', sw2: 1.05, sb2: 2.01e-5, L: 200, init: 'both' },
  },
  {
    id: 'ordered',
    label: 'Ordered phase (tanh)',
    story: 'χ₁ < 1: gradients vanish exponentially with depth and every input maps to the same output.',
    values: { act: 'tanh', sw2: 0.6, sb2: 0.05, L: 50 },
  },
  {
    id: 'chaotic',
    label: 'Chaotic phase (tanh)',
    story: 'χ₁ > 1: gradients explode and nearby inputs decorrelate with depth.',
    values: { act: 'tanh', sw2: 3.5, sb2: 0.05, L: 50 },
  },
  {
    id: 'relu-critical',
    label: 'ReLU at criticality (He init)',
    story: 'ReLU is critical only at σ_w² = 2, σ_b² = 0; even there it cannot reach dynamical isometry.',
    values: { act: 'relu', sw2: 2, sb2: 0, L: 50 },
  },
  {
    id: 'deep-linear',
    label: 'Deep linear network',
    story: 'φ(h) = h at σ_w² = 1: orthogonal weights make the Jacobian exactly orthogonal at any depth.',
    values: { act: 'linear', sw2: 1, sb2: 0, L: 200 },
  },
];
