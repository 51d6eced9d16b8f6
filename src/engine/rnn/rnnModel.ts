import * as tf from '@tensorflow/tfjs-core';
import type { ActivationId } from '../../theory/index.ts';
import { activationDerivative, applyActivation } from '../activation.ts';
import { scaled } from '../gain.ts';
import type { LayerScaling } from '../init.ts';
import { runMatMul, splitsRunMatMul } from '../runMatMul.ts';
import { variableFrom } from '../variables.ts';
import type { SequenceShape } from './sequence.ts';

/** The forward gains of the three weight matrices (see LayerScaling); biases take the recurrent one's. */
export interface RnnScalings {
  /** W, N × N. */
  readonly recurrent: LayerScaling;
  /** U, width × N. */
  readonly input: LayerScaling;
  /** V, N × classes. */
  readonly readout: LayerScaling;
}

/** The stacked parameters of R recurrent networks, run axis first, in the order `backward` returns gradients. */
export interface RnnParameters {
  /** W, [R, N, N], acting as h·W (row vectors, as the MLP's layers). */
  readonly recurrent: tf.Variable<tf.Rank.R3>;
  /** U, [R, width, N]. */
  readonly input: tf.Variable<tf.Rank.R3>;
  /** b, [R, 1, N]. */
  readonly bias: tf.Variable<tf.Rank.R3>;
  /** V, [R, N, classes]. */
  readonly readout: tf.Variable<tf.Rank.R3>;
  /** c, [R, 1, classes]. */
  readonly readoutBias: tf.Variable<tf.Rank.R3>;
}

/** What the backward pass needs from the forward pass. */
export interface RnnPass {
  /** Logits V h_T + c, [R, B, classes]. */
  readonly output: tf.Tensor3D;
  /** The inputs time-major, [1, T·B, width]: rows t·B … t·B + B − 1 are x_t of every example. */
  readonly sequence: tf.Tensor3D;
  /** a_t = W h_{t−1} + U x_t + b, t = 1 … T, each [R, B, N]. */
  readonly preActivations: readonly tf.Tensor3D[];
  /** h_t = φ(a_t), t = 1 … T. */
  readonly states: readonly tf.Tensor3D[];
}

/**
 * R vanilla recurrent networks h_t = φ(W h_{t−1} + U x_t + b), h_0 = 0, read out once at the last
 * step (logits = V h_T + c), as one tensor program: the products by W and V are batched matMuls
 * over the run axis, like StackedModel's layers, so R runs cost the dispatches of one.
 *
 * The input products U x_t of all T steps and runs are one 2-D matMul over the time-major sequence
 * (they do not depend on h), so a step of the recurrence is one N × N product, an add and φ. Back-propagation
 * through time is written out, as StackedModel's is (tfjs autodiff's gradient registry does not
 * load in plain Node): the recurrence runs backward once, and the weight gradients, sums over time,
 * are each one matMul over the stacked steps.
 */
export class StackedRnn {
  readonly parameters: RnnParameters;

  constructor(
    readonly runCount: number,
    readonly activation: ActivationId,
    readonly sequence: SequenceShape,
    readonly scalings: RnnScalings,
    parameters: RnnParameters,
  ) {
    this.parameters = parameters;
  }

  /** From per-run initial arrays (row-major, as LayerInit holds them). */
  static fromArrays(
    activation: ActivationId,
    sequence: SequenceShape,
    scalings: RnnScalings,
    width: number,
    classes: number,
    perRun: readonly RnnRunArrays[],
  ): StackedRnn {
    const runs = perRun.length;
    const make = (pick: (p: RnnRunArrays) => Float32Array, rows: number, cols: number) =>
      variableFrom(tf.tensor3d(concat(perRun.map(pick)), [runs, rows, cols]));
    return new StackedRnn(runs, activation, sequence, scalings, {
      recurrent: make((p) => p.recurrent, width, width),
      input: make((p) => p.input, sequence.width, width),
      bias: make((p) => p.bias, 1, width),
      readout: make((p) => p.readout, width, classes),
      readoutBias: make((p) => p.readoutBias, 1, classes),
    });
  }

  /** A copy whose parameters share data with these now (tfjs tensors are immutable): for measurements. */
  copy(): StackedRnn {
    const p = this.parameters;
    const clone = (v: tf.Variable<tf.Rank.R3>) => variableFrom(tf.clone(v));
    return new StackedRnn(this.runCount, this.activation, this.sequence, this.scalings, {
      recurrent: clone(p.recurrent),
      input: clone(p.input),
      bias: clone(p.bias),
      readout: clone(p.readout),
      readoutBias: clone(p.readoutBias),
    });
  }

  /** Hidden width N. */
  get width(): number {
    return this.parameters.recurrent.shape[1];
  }

  get parameterList(): tf.Variable[] {
    const p = this.parameters;
    return [p.recurrent, p.input, p.bias, p.readout, p.readoutBias];
  }

  /** Forward pass for inputs shared by all runs ([B, T·width], each example's steps in order); call inside tf.tidy. */
  forward(x: tf.Tensor2D): RnnPass {
    const { steps, width } = this.sequence;
    const batch = x.shape[0];
    const p = this.parameters;
    const { recurrent, input } = this.scalings;
    const runs = this.runCount;
    const n = this.width;
    const rows = tf.reshape(tf.transpose(tf.reshape(x, [batch, steps, width]), [1, 0, 2]), [
      steps * batch,
      width,
    ]);
    // U x_t + b of every step and run at once, as one 2-D product by U of all runs side by side
    // ([width, R·N]): its rows are time-major, so the T steps are contiguous blocks of B rows, cut
    // without the strided slices a [R, T·B, N] split needs (slow on WASM), then put run-first.
    const inputAll = tf.reshape(tf.transpose(p.input, [1, 0, 2]), [width, runs * n]);
    const driven = tf.add(
      scaled(tf.matMul(rows, inputAll), input.weightGain),
      scaled(tf.reshape(p.bias, [1, runs * n]), recurrent.biasGain),
    );
    const drives = (tf.split(driven, steps, 0) as tf.Tensor2D[]).map(
      (block) => tf.transpose(tf.reshape(block, [batch, runs, n]), [1, 0, 2]) as tf.Tensor3D,
    );
    const sequence = tf.reshape(rows, [1, steps * batch, width]) as tf.Tensor3D;
    const recurrentByRun = this.recurrentByRun(false);
    const preActivations: tf.Tensor3D[] = [];
    const states: tf.Tensor3D[] = [];
    drives.forEach((drive, t) => {
      // h_0 = 0: the first step has no recurrent term.
      const a =
        t === 0
          ? drive
          : (tf.add(
              drive,
              scaled(
                runMatMul(states[t - 1]!, p.recurrent, false, false, recurrentByRun),
                recurrent.weightGain,
              ),
            ) as tf.Tensor3D);
      preActivations.push(a);
      states.push(recurrentActivation(this.activation, a));
    });
    const output = tf.add(
      scaled(runMatMul(states[steps - 1]!, p.readout), this.scalings.readout.weightGain),
      scaled(p.readoutBias, this.scalings.readout.biasGain),
    ) as tf.Tensor3D;
    return { output, sequence, preActivations, states };
  }

  /**
   * Gradients of Σ_r loss_r with respect to [W, U, b, V, c] (parameterList's order), given
   * ∂loss/∂logits ([R, B, classes]). With δ_t = ∂loss/∂a_t:
   *   g_T = γ_V δ_out Vᵀ, δ_t = g_t ⊙ φ′(a_t), g_{t−1} = γ_W δ_t Wᵀ,
   *   ∂W = γ_W Σ_{t≥2} h_{t−1}ᵀ δ_t, ∂U = γ_U Σ_t x_tᵀ δ_t, ∂b = γ_b Σ_t Σ_batch δ_t.
   * Every op acts within one run's slice, so each run gets exactly its own gradient.
   */
  backward(pass: RnnPass, outputGradient: tf.Tensor3D): tf.Tensor[] {
    const p = this.parameters;
    const { recurrent, input, readout } = this.scalings;
    const steps = pass.states.length;
    const last = pass.states[steps - 1]!;
    const dReadout = scaled(runMatMul(last, outputGradient, true, false), readout.weightGain);
    const dReadoutBias = scaled(tf.sum(outputGradient, 1, true), readout.biasGain);
    let g = scaled(runMatMul(outputGradient, p.readout, false, true), readout.weightGain);
    const deltas: tf.Tensor3D[] = new Array<tf.Tensor3D>(steps);
    const transposedByRun = this.recurrentByRun(true);
    for (let t = steps - 1; t >= 0; t--) {
      const slope = activationDerivative(this.activation, pass.preActivations[t]!, pass.states[t]!);
      const delta = (slope ? tf.mul(g, slope) : g) as tf.Tensor3D;
      deltas[t] = delta;
      if (t > 0)
        g = scaled(runMatMul(delta, p.recurrent, false, true, transposedByRun), recurrent.weightGain);
    }
    const allDeltas = tf.concat(deltas, 1) as tf.Tensor3D;
    const dRecurrent =
      steps > 1
        ? scaled(
            runMatMul(
              tf.concat(pass.states.slice(0, steps - 1), 1) as tf.Tensor3D,
              tf.concat(deltas.slice(1), 1) as tf.Tensor3D,
              true,
              false,
            ),
            recurrent.weightGain,
          )
        : tf.zerosLike(p.recurrent);
    const dInput = scaled(runMatMul(pass.sequence, allDeltas, true, false), input.weightGain);
    const dBias = scaled(tf.sum(allDeltas, 1, true), recurrent.biasGain);
    return [dRecurrent, dInput, dBias, dReadout, dReadoutBias];
  }

  /**
   * W's per-run matrices (transposed if asked) where runMatMul splits by run (WASM): sliced once
   * per pass rather than at each of the T steps. Call inside tf.tidy.
   */
  private recurrentByRun(transposed: boolean): tf.Tensor2D[] | undefined {
    if (!splitsRunMatMul()) return undefined;
    const parts = tf.unstack(this.parameters.recurrent) as tf.Tensor2D[];
    return transposed ? parts.map((m) => tf.transpose(m)) : parts;
  }

  dispose(): void {
    for (const v of this.parameterList) v.dispose();
  }
}

/**
 * φ(a) for the recurrence. tanh on WASM as 2σ(2a) − 1 (equal to float32 rounding, 2·10⁻⁷): its
 * Tanh kernel measured 3× slower than Sigmoid there, and the recurrence applies φ at every step.
 */
function recurrentActivation(id: ActivationId, a: tf.Tensor3D): tf.Tensor3D {
  if (id === 'tanh' && splitsRunMatMul()) return tf.sub(tf.mul(tf.sigmoid(tf.mul(a, 2)), 2), 1);
  return applyActivation(id, a) as tf.Tensor3D;
}

/** One run's initial parameters, row-major. */
export interface RnnRunArrays {
  readonly recurrent: Float32Array;
  readonly input: Float32Array;
  readonly bias: Float32Array;
  readonly readout: Float32Array;
  readonly readoutBias: Float32Array;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
