import * as tf from '@tensorflow/tfjs-core';
import type { LayerInit } from './model.ts';
import { stiefelDeviation } from './orthogonality.ts';
import { OrthogonalityRule, gainSquared, type OrthogonalitySettings } from './orthogonalityRule.ts';

/** Newton–Schulz iterations between two checks of the projection of an init. */
const CHECK_EVERY = 4;
/** A Gaussian N × N draw has σ_min ≈ 1/N, which every iteration multiplies by 1.5 at most. */
const MAX_ITERATIONS = 80;
/** Deviation ‖G/g² − I‖_F/√k at which a projected init counts as on the manifold. */
const TOLERANCE = 1e-5;

/**
 * The runs' initial weights put on the constraint set of `orth` = stiefel or oblique (the others
 * are returned as they are), so that a constrained network is on its manifold from step 0, as
 * Sokół & Park's are, and every later step only has to retract a small step (STEP_ITERATIONS).
 * An orthogonal init is already there (to float32 rounding); a Gaussian one becomes its polar
 * factor times g, the nearest scaled orthogonal matrix, which for a Gaussian matrix is a Haar
 * draw: under stiefel a Gaussian twin is an orthogonal network with other draws. Under oblique
 * each unit's Gaussian weights are rescaled to norm σ_w, which keeps them Gaussian in direction.
 *
 * Async because the Stiefel projection of a matrix far from the manifold iterates until it
 * converges, reading its deviation back every CHECK_EVERY iterations.
 */
export async function constrainInits(
  inits: readonly LayerInit[],
  settings: OrthogonalitySettings,
): Promise<LayerInit[]> {
  const rule = new OrthogonalityRule(settings, 'rows', inits);
  if (!rule.projects) return [...inits];
  const out: LayerInit[] = [];
  for (const [index, init] of inits.entries()) {
    if (!rule.constrains(index)) {
      out.push(init);
      continue;
    }
    const runs = init.weights.length;
    const stacked = tf.tensor3d(concat(init.weights), [runs, init.fanIn, init.fanOut]);
    const projected =
      settings.orth === 'oblique'
        ? tf.tidy(() => rule.project(index, stacked))
        : await iterateToStiefel(rule, index, init, stacked);
    const values = (await projected.data()) as Float32Array;
    tf.dispose([stacked, projected]);
    const size = init.fanIn * init.fanOut;
    out.push({
      ...init,
      weights: Array.from({ length: runs }, (_, r) => values.slice(r * size, (r + 1) * size)),
    });
  }
  return out;
}

async function iterateToStiefel(
  rule: OrthogonalityRule,
  index: number,
  init: LayerInit,
  stacked: tf.Tensor3D,
): Promise<tf.Tensor> {
  const gain = init.scaling.weightGain;
  const g = Math.sqrt(gainSquared(rule.settings.sw2, init.fanIn, init.fanOut));
  let x: tf.Tensor = tf.clone(stacked);
  for (let done = 0; done < MAX_ITERATIONS; done += CHECK_EVERY) {
    const next = tf.tidy(() => rule.project(index, x, CHECK_EVERY));
    x.dispose();
    x = next;
    const deviation = tf.tidy(() => tf.max(stiefelDeviation(x, gain, g)));
    const worst = (await deviation.data())[0]!;
    deviation.dispose();
    // NaN (a matrix of zeros or infinities) is not going to converge either.
    if (!(worst > TOLERANCE)) break;
  }
  return x;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.forEach((part, r) => out.set(part, r * part.length));
  return out;
}
