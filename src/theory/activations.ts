import type { Activation, ActivationId } from './activation.ts';
import { erf } from './nonlinearities/erf.ts';
import { hardTanh } from './nonlinearities/hardTanh.ts';
import { linear } from './nonlinearities/linear.ts';
import { relu } from './nonlinearities/relu.ts';
import { tanh } from './nonlinearities/tanh.ts';

export type {
  Activation,
  ActivationDefinition,
  ActivationId,
  CorrelatedMoments,
  GaussianMoments,
} from './activation.ts';

const ACTIVATIONS: Readonly<Record<ActivationId, Activation>> = {
  tanh,
  hardtanh: hardTanh,
  relu,
  linear,
  erf,
};

/** Every activation id, in the order the lab lists them. */
export const ACTIVATION_IDS: readonly ActivationId[] = ['tanh', 'hardtanh', 'relu', 'linear', 'erf'];

export function isActivationId(value: unknown): value is ActivationId {
  return typeof value === 'string' && Object.hasOwn(ACTIVATIONS, value);
}

export function getActivation(id: ActivationId): Activation {
  const activation = ACTIVATIONS[id];
  if (!activation) throw new RangeError(`unknown activation '${String(id)}'`);
  return activation;
}

/** Accepts an activation or its id, so callers can pass whichever they hold. */
export function resolveActivation(act: Activation | ActivationId): Activation {
  return typeof act === 'string' ? getActivation(act) : act;
}
