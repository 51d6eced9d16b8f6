/**
 * The variable a spectrum is drawn in. Theory gives the density ρ(λ) of λ = σ² (eigenvalues of
 * JJᵀ); drawing σ, or a log axis, changes variables, and the histogram and the theory curve must
 * change the same way to stay comparable.
 */
export type SpectrumVariable = 'sq' | 'abs';
export type SpectrumScale = 'linear' | 'log';

/** λ = σ² → the value on the x axis. */
export function toAxis(lambda: number, variable: SpectrumVariable): number {
  return variable === 'sq' ? lambda : Math.sqrt(lambda);
}

/**
 * Density of the axis variable at the point whose λ is given: ρ_σ(σ) = 2σ ρ_λ(σ²); on a log axis
 * the density per unit of ln v, v·ρ_v(v), so that areas under the curve stay probabilities.
 */
export function densityOnAxis(
  lambda: number,
  densityLambda: number,
  variable: SpectrumVariable,
  scale: SpectrumScale,
): number {
  const value = toAxis(lambda, variable);
  const perUnit = variable === 'sq' ? densityLambda : 2 * value * densityLambda;
  return scale === 'log' ? value * perUnit : perUnit;
}
