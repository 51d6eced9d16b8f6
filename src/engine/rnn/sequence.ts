// No tfjs here: cost.ts (which the page imports for its cost readout) uses these shapes.

/**
 * How the recurrent network reads one example: `steps` time steps of `width` inputs each, the
 * example's inputs taken in order (an image row by row, as the dataset stores it row-major).
 */
export interface SequenceShape {
  readonly steps: number;
  readonly width: number;
}

/** Row-sequential MNIST: 28 time steps of the 28 pixels of a row (Hlav §5, Le et al. 2015). */
export const MNIST_ROWS: SequenceShape = { steps: 28, width: 28 };

/** The sequence shape an RNN reads `inputSize` inputs as: MNIST's rows, the only data it takes. */
export function sequenceOf(inputSize: number): SequenceShape {
  if (inputSize !== MNIST_ROWS.steps * MNIST_ROWS.width)
    throw new Error(
      `arch=rnn reads MNIST images row by row (784 inputs); these examples have ${inputSize} inputs: use data=mnist`,
    );
  return MNIST_ROWS;
}

/** Why a measurement of the layered networks has no meaning for the recurrent one. */
export function notForRnn(what: string, why: string): Error {
  return new Error(`${what} does not apply to arch=rnn: ${why}`);
}
