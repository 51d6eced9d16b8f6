import type { LabConfig } from '../../config/schema.ts';
import { datasetShape, squareHiddenLayers } from '../../engine/cost.ts';

/**
 * The depth at which both the theory readout and the spectrum panel evaluate the Jacobian theory,
 * with why, in words: one function, so that the two panels cannot disagree.
 */
export interface JacobianDepth {
  /** Square N × N hidden layers in J (0: none, and no Jacobian theory). */
  readonly layers: number;
  /** All hidden layers, L. */
  readonly hiddenLayers: number;
  readonly inputSize: number;
  readonly width: number;
  /** One sentence a student understands, shown by both panels. */
  readonly note: string;
}

function layersWord(count: number): string {
  return `${count} square hidden layer${count === 1 ? '' : 's'}`;
}

export function jacobianDepth(
  config: Pick<LabConfig, 'L' | 'N' | 'data'> & Partial<Pick<LabConfig, 'dim'>>,
): JacobianDepth {
  const { inputSize } = datasetShape(config);
  const layers = Math.max(0, squareHiddenLayers(config));
  const { L, N } = config;
  const base = { layers, hiddenLayers: L, inputSize, width: N };
  if (inputSize === N)
    return {
      ...base,
      note: `The readout and the spectrum panel both use all ${layersWord(layers)}: the input has ${inputSize} values, as many as the ${N} units, so every layer is a square ${N} × ${N} matrix.`,
    };
  if (layers === 0)
    return {
      ...base,
      note: `No square hidden layer: the only layer maps ${inputSize} inputs to ${N} units, and the Jacobian theory (like the spectrum panel) is about products of square ${N} × ${N} layers; choose L ≥ 2.`,
    };
  return {
    ...base,
    note: `The readout and the spectrum panel both use the ${layersWord(layers)} (${N} × ${N}): the first layer maps ${inputSize} inputs to ${N} units and is left out, because free probability describes products of square matrices.`,
  };
}
