import * as tf from '@tensorflow/tfjs-core';
import type { CurvatureMeasurement } from '../curvatureMeasurement.ts';
import type { GradientNorms } from '../gradientNorms.ts';
import type { JacobianSpectrum } from '../jacobian.ts';
import { NetworkMeasurements, type MeasurementContext, type NtkMeasurement } from '../measurements.ts';
import { StackedModel } from '../model.ts';
import { weightSpectra, type WeightSpectra, type WeightSpectraOptions } from '../weightSpectra.ts';
import type { FrozenRnn } from './rnnTrainer.ts';
import { notForRnn } from './sequence.ts';

/**
 * The measurements of a recurrent experiment at one step. Held-out evaluation is the base class's
 * (it needs only the outputs); the weight spectra are those of the recurrent kernel W, reported as
 * hidden layer 1 (Hlav Figs. 7–8 track exactly that matrix). The measurements of a stack of
 * layers (signal propagation, gradient norms per layer, the Jacobian spectrum, the NTK, the
 * curvature, the weight change per layer) throw an Error saying why they do not apply.
 */
export class RnnMeasurements extends NetworkMeasurements {
  constructor(
    step: number,
    private readonly frozen: FrozenRnn,
    private readonly rnnContext: MeasurementContext,
  ) {
    super(step, frozen, rnnContext);
  }

  override prepare(): void {
    // Nothing to slice: the recurrent measurements read W once.
  }

  override signal(): Promise<Float32Array[]> {
    return Promise.reject(notForRnn('signal propagation', 'its depth is time, and every step shares one W'));
  }

  override jacobianSpectrum(): Promise<JacobianSpectrum[]> {
    return Promise.reject(
      notForRnn(
        'the input–output Jacobian spectrum',
        'the recurrent kernel W is tracked by the weight spectra',
      ),
    );
  }

  override ntk(): Promise<NtkMeasurement> {
    return Promise.reject(
      notForRnn('the empirical NTK', 'the lab computes it for the layered networks only'),
    );
  }

  override curvature(): Promise<CurvatureMeasurement> {
    return Promise.reject(
      notForRnn('λ_max of the Fisher (curvature)', 'the lab computes it from the layered networks’ NTK'),
    );
  }

  override get gradientNormsByRun(): boolean {
    return false;
  }

  override gradientNormsOf(): Promise<GradientNorms[]> {
    return Promise.reject(
      notForRnn('gradient norms per layer', 'it has one hidden layer, unrolled over time'),
    );
  }

  override weightChangeSince(): Promise<Float32Array[]> {
    return Promise.reject(notForRnn('the weight change per layer', 'its parameters are W, U and V'));
  }

  /**
   * Singular values of every run's recurrent W (as it acts, gain included), summarized as hidden
   * layer 1, with its deviation from σ_w·orthogonal and the `orth` penalty it pays. `layers` may
   * only be [1].
   */
  override async weightSpectra(options: WeightSpectraOptions = {}): Promise<WeightSpectra[]> {
    const { config, runs } = this.rnnContext;
    const rnn = this.frozen.rnn;
    const p = rnn.parameters;
    const { recurrent, readout } = rnn.scalings;
    // W as the one hidden layer of a layered view (the readout only completes its shape).
    const view = StackedModel.fromStacked(
      rnn.activation,
      [
        { fanIn: rnn.width, fanOut: rnn.width, scaling: recurrent },
        { fanIn: rnn.width, fanOut: p.readout.shape[2], scaling: readout },
      ],
      [tf.clone(p.recurrent), tf.clone(p.readout)],
      [tf.clone(p.bias), tf.clone(p.readoutBias)],
    );
    try {
      return await weightSpectra(view, runs, config.sw2, options, config);
    } finally {
      view.dispose();
    }
  }
}
