"""The mean-field numbers an experiment needs before it starts (src/theory, src/engine/inputScaling.ts).

- fixed_point_q: the stable fixed point q* of the length map q -> sw2 * E phi(sqrt(q) z)^2 + sb2
  (Poole et al. 2016), by the lab's Newton iteration on the same quadratures.
- input_scale: the factor on inputs standardized to |x|^2/n0 = 1 that puts layer 1 at q*.
- critical_pair: the (sw2, sb2) of the critical family at a given q* (chi_1 = 1), as a sweep's q*
  axis turns it into the configuration's two numbers (rounded to 12 significant digits).
These match the lab to about 1e-14 relative: only the last bits of exp and tanh differ between
JavaScript's and C's maths libraries.
"""

import math

_THEORY_ACTIVATIONS = ("tanh", "hardtanh", "relu", "linear", "erf")
# The scaled error function erf(beta h) has slope 1 at 0, like tanh.
_THEORY_ERF_BETA_SQ = math.pi / 4
# tanh's trapezoid rule in z: step <= 0.18/sqrt(q) resolves its poles at +-i pi/(2 sqrt(q)) to ~1e-15.
_THEORY_MAX_STEP = 0.3
_THEORY_POLE_STEP = 0.18
_THEORY_EXTENT = 8.5
_THEORY_Q_TOLERANCE = 1e-14
# The schema's limits on sw2 and sb2 (src/config/schema.ts); sb2 has no value in (0, 1e-10).
_THEORY_SW2_RANGE = (0.05, 4.0)
_THEORY_SB2_RANGE = (0.0, 0.5)
_THEORY_SB2_LOG_MIN = 1e-10


def _theory_normal_pdf(z):
    return math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _theory_erf_series(x):
    # erf x = (2/sqrt(pi)) e^{-x^2} sum 2^n x^{2n+1} / (1*3*...*(2n+1)), every term positive.
    two_x_squared = 2 * x * x
    term = x
    total = x
    for n in range(1, 200):
        term *= two_x_squared / (2 * n + 1)
        total += term
        if term <= total * 1e-17:
            break
    return 2 / math.sqrt(math.pi) * math.exp(-x * x) * total


def _theory_erfc_fraction(x):
    # The continued fraction of erfc by the modified Lentz method, for x >= 3.
    if x == math.inf:
        return 0.0
    tiny = 1e-300
    f = x
    c = x
    d = 0.0
    for n in range(1, 500):
        a = n / 2
        d = x + a * d
        d = 1 / tiny if abs(d) < tiny else 1 / d
        c = x + a / c
        if abs(c) < tiny:
            c = tiny
        delta = c * d
        f *= delta
        if abs(delta - 1) < 1e-16:
            break
    return math.exp(-x * x) / (math.sqrt(math.pi) * f)


def _theory_erf(x):
    # The lab's own erf (specialFunctions.ts), not math.erf, so that both round alike.
    if x < 0:
        return -_theory_erf(-x)
    return _theory_erf_series(x) if x < 3 else 1 - _theory_erfc_fraction(x)


def _theory_erfc(x):
    if x < 0:
        return 2 - _theory_erfc(-x)
    return 1 - _theory_erf_series(x) if x < 3 else _theory_erfc_fraction(x)


def _theory_tanh_moments(q):
    """(E phi^2, E phi'^2, E phi'' phi) of tanh at h ~ N(0, q): midpoint rule on z > 0, doubled."""
    if q <= 0:
        return 0.0, 1.0, 0.0
    sigma = math.sqrt(q)
    step = min(_THEORY_MAX_STEP, _THEORY_POLE_STEP / sigma)
    count = math.ceil(_THEORY_EXTENT / step)
    phi_sq = dphi_sq = d2phi_phi = 0.0
    # The normal density at the midpoints by a recurrence, as the lab computes it.
    density = _theory_normal_pdf(step / 2)
    ratio = math.exp(-step * step)
    ratio_factor = ratio
    for j in range(count):
        t = math.tanh(sigma * (j + 0.5) * step)
        t_sq = t * t
        slope = 1 - t_sq
        phi_sq += density * t_sq
        dphi_sq += density * (slope * slope)
        d2phi_phi -= density * 2 * t_sq * slope
        density *= ratio
        ratio *= ratio_factor
    scale = 2 * step
    return phi_sq * scale, dphi_sq * scale, d2phi_phi * scale


def _theory_hardtanh_moments(q):
    # Split at the kinks h = +-1 (a = 1/sqrt(q)): E phi^2 = q(p - 2a pdf(a)) + (1 - p), E phi'^2 = p.
    if q <= 0:
        return 0.0, 1.0, 0.0
    if q == math.inf:
        return 1.0, 0.0, 0.0
    a = 1 / math.sqrt(q)
    p = _theory_erf(1 / math.sqrt(2 * q))
    kink_density = a * _theory_normal_pdf(a)
    return q * (p - 2 * kink_density) + _theory_erfc(a / math.sqrt(2)), p, -2 * kink_density


def _theory_erf_moments(q):
    # Closed forms (Williams 1997) with s = 2 beta^2 q.
    s = 2 * _THEORY_ERF_BETA_SQ * q
    return (
        (2 / math.pi) * math.asin(s / (1 + s)),
        1 / math.sqrt(1 + 2 * s),
        -s / ((1 + s) * math.sqrt(1 + 2 * s)),
    )


def _theory_moments(act, q):
    """(E phi(h)^2, E phi'(h)^2, E phi''(h) phi(h)) at h ~ N(0, q)."""
    if act == "tanh":
        return _theory_tanh_moments(q)
    if act == "hardtanh":
        return _theory_hardtanh_moments(q)
    if act == "erf":
        return _theory_erf_moments(q)
    if act == "relu":
        return q / 2, 0.5, 0.0
    if act == "linear":
        return q, 1.0, 0.0
    raise ValueError("unknown activation %r (one of %s)" % (act, ", ".join(_THEORY_ACTIVATIONS)))


def fixed_point_q(act, sw2, sb2):
    """The stable fixed point q* of the length map (lengthMap.ts fixedPointQ).

    ReLU and linear: the map is affine, q* = sb2/(1 - gain) for gain = sw2 E phi(z)^2 < 1, inf above
    (or at gain 1 with sb2 > 0), nan at gain 1 with sb2 = 0 (every q is fixed). Bounded activations:
    0 when sb2 = 0 and the slope at q = 0 is <= 1, else Newton from the upper bound with bisection.
    """
    if not (0 <= sw2 < math.inf) or not (0 <= sb2 < math.inf):
        raise ValueError("sw2 and sb2 must be finite and >= 0, got sw2 = %r, sb2 = %r" % (sw2, sb2))
    if act in ("relu", "linear"):
        gain = sw2 * _theory_moments(act, 1)[0]
        if gain < 1:
            return sb2 / (1 - gain)
        return math.nan if gain == 1 and sb2 == 0 else math.inf
    phi_sq_0, dphi_sq_0, d2phi_phi_0 = _theory_moments(act, 0)
    if sb2 == 0 and sw2 * (dphi_sq_0 + d2phi_phi_0) <= 1:
        return 0.0
    # Invariant: the residual qMap(q) - q is >= 0 at lo and <= 0 at hi (sup phi^2 = 1 for all three).
    lo = 0.0
    hi = sw2 * 1 + sb2
    q = hi
    for _ in range(200):
        phi_sq, dphi_sq, d2phi_phi = _theory_moments(act, q)
        residual = sw2 * phi_sq + sb2 - q
        if residual == 0:
            return q
        if residual > 0:
            lo = q
        else:
            hi = q
        slope = sw2 * (dphi_sq + d2phi_phi) - 1
        following = q - residual / slope
        if not (lo < following < hi):
            following = (lo + hi) / 2
        if abs(following - q) <= _THEORY_Q_TOLERANCE * q or hi - lo <= _THEORY_Q_TOLERANCE * hi:
            return following
        q = following
    return q


def input_scale(act, sw2, sb2):
    """Factor on standardized inputs that makes q^1 = sw2 * scale^2 + sb2 equal q* (inputScaling.ts);
    1 where no such scale exists (q* nan, infinite, or not above sb2)."""
    q_star = fixed_point_q(act, sw2, sb2)
    if math.isnan(q_star) or q_star == math.inf:
        return 1.0
    excess = q_star - sb2
    if not excess > 1e-12 * max(1.0, q_star):
        return 1.0
    return math.sqrt(excess / sw2)


def _theory_precision(x, digits):
    # JavaScript's Number(x.toPrecision(digits)): the nearest double to x rounded to `digits` digits.
    return float("%.*e" % (digits - 1, x))


def critical_pair(act, qstar):
    """(sw2, sb2) of the critical family at q* (chi_1 = sw2 E phi'^2 = 1, sb2 = q* - sw2 E phi^2),
    each kept to 12 significant digits, as the lab's sweeps set them (criticalFamily.ts).
    Raises ValueError where the lab refuses the point (no family, or a value outside the sliders)."""
    if not (0 < qstar < math.inf):
        raise ValueError("qstar=%r: q* must be finite and > 0" % (qstar,))
    if act in ("relu", "linear"):
        raise ValueError("qstar=%r: %s has no critical family indexed by q*" % (qstar, act))
    phi_sq, dphi_sq, _ = _theory_moments(act, qstar)
    sw2 = 1 / dphi_sq
    sb2 = qstar - sw2 * phi_sq
    if not sb2 > 0:
        raise ValueError("qstar=%r: the critical sb2 is %r, so q* is not a stable fixed point for %s"
                         % (qstar, sb2, act))
    sw2 = _theory_precision(sw2, 12)
    sb2 = _theory_precision(sb2, 12)
    if not _THEORY_SW2_RANGE[0] <= sw2 <= _THEORY_SW2_RANGE[1]:
        raise ValueError("qstar=%r with act=%s needs sw2 = %.4g, outside %g ... %g"
                         % (qstar, act, sw2, _THEORY_SW2_RANGE[0], _THEORY_SW2_RANGE[1]))
    if not _THEORY_SB2_RANGE[0] <= sb2 <= _THEORY_SB2_RANGE[1] or 0 < sb2 < _THEORY_SB2_LOG_MIN:
        raise ValueError("qstar=%r with act=%s needs sb2 = %.4g, outside %g ... %g (or below its smallest"
                         " non-zero value %g)" % (qstar, act, sb2, _THEORY_SB2_RANGE[0], _THEORY_SB2_RANGE[1],
                                                  _THEORY_SB2_LOG_MIN))
    return sw2, sb2
