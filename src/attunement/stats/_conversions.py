"""Conversions between the effect-size metrics the evidence base quotes.

The meta-analyses behind the evidence base publish their results as a correlation ``r``
(relationship elements), a standardised mean difference ``d`` or ``g`` (adaptations), or an
odds ratio (dropout). These pure functions translate between them so that figures can be
compared on one scale. The evidence data itself always stores the *published* value: when a
paper gives both r and d, both are kept as printed, because recomputing one from the other
changes the rounding.

References
----------
Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009). *Introduction to
Meta-Analysis*, chapter 7 "Converting among effect sizes". Chichester: Wiley.

Chinn, S. (2000). A simple method for converting an odds ratio to effect size for use in
meta-analysis. *Statistics in Medicine*, 19, 3127–3131.
"""

from __future__ import annotations

import math

from attunement.errors import InputError

__all__ = ["as_d", "d_to_r", "odds_ratio_to_d", "r_to_d"]


def _finite_number(name: str, value: object, allowed: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(name, value, allowed)
    number = float(value)
    if not math.isfinite(number):
        raise InputError(name, value, allowed)
    return number


def r_to_d(r: float) -> float:
    """Convert a correlation to a standardised mean difference.

    .. math:: d = \\frac{2r}{\\sqrt{1 - r^2}}

    The point-biserial conversion for two groups of equal size (Borenstein et al. 2009,
    ch. 7); the one the Norcross task forces use (r = .275 → d = .572, r = .278 → d = .579).

    Parameters
    ----------
    r : float
        Correlation, strictly between -1 and 1.

    Returns
    -------
    float
        Cohen's d.

    Raises
    ------
    InputError
        If ``r`` is not a finite number in the open interval (-1, 1).

    Examples
    --------
    >>> round(r_to_d(0.278), 3)
    0.579
    """
    allowed = "a correlation strictly between -1 and 1"
    value = _finite_number("r", r, allowed)
    if not -1.0 < value < 1.0:
        raise InputError("r", r, allowed)
    return 2.0 * value / math.sqrt((1.0 - value) * (1.0 + value))


def d_to_r(d: float) -> float:
    """Convert a standardised mean difference to a correlation (inverse of :func:`r_to_d`).

    .. math:: r = \\frac{d}{\\sqrt{d^2 + 4}}

    Borenstein et al. (2009, ch. 7) with equal group sizes, where the correction factor
    a = (n1 + n2)² / (n1·n2) equals 4.

    Parameters
    ----------
    d : float
        Cohen's d (any finite number).

    Returns
    -------
    float
        The correlation r, between -1 and 1 (strictly, up to floating-point rounding).

    Raises
    ------
    InputError
        If ``d`` is not a finite number.

    Examples
    --------
    >>> round(d_to_r(0.572), 3)
    0.275
    """
    value = _finite_number("d", d, "a finite standardised mean difference")
    return value / math.hypot(value, 2.0)  # hypot: no overflow for huge d


def odds_ratio_to_d(or_: float) -> float:
    """Convert an odds ratio to a standardised mean difference by the logit method.

    .. math:: d = \\ln(\\mathrm{OR}) \\cdot \\frac{\\sqrt{3}}{\\pi}

    Assumes an underlying logistic distribution in both groups (Chinn 2000; Borenstein et
    al. 2009, ch. 7). An odds ratio below 1 gives a negative d.

    Parameters
    ----------
    or_ : float
        Odds ratio, greater than 0.

    Returns
    -------
    float
        Cohen's d.

    Raises
    ------
    InputError
        If ``or_`` is not a finite number greater than 0.

    Examples
    --------
    >>> round(odds_ratio_to_d(1.79), 3)
    0.321
    """
    allowed = "an odds ratio greater than 0"
    value = _finite_number("odds ratio", or_, allowed)
    if value <= 0.0:
        raise InputError("odds ratio", or_, allowed)
    return math.log(value) * math.sqrt(3.0) / math.pi


def as_d(metric: str, value: float) -> float:
    """An effect size in any metric the evidence base publishes, on the d scale.

    ``r`` by :func:`r_to_d`, ``OR`` by :func:`odds_ratio_to_d` (logit method); ``d`` and
    Hedges' ``g`` are already standardised mean differences and are returned as given
    (Borenstein et al. 2009, ch. 4 and 7).

    Parameters
    ----------
    metric : {"r", "d", "g", "OR"}
        The published metric.
    value : float
        The published value.

    Returns
    -------
    float
        The effect as a standardised mean difference.

    Raises
    ------
    InputError
        If ``metric`` is not one of these, or ``value`` is not a valid value of it (an r
        outside (-1, 1), an odds ratio not above 0, a value that is not finite).

    Examples
    --------
    >>> round(as_d("r", 0.278), 3), as_d("g", 0.42)
    (0.579, 0.42)
    """
    if metric == "r":
        return r_to_d(value)
    if metric == "OR":
        return odds_ratio_to_d(value)
    if metric in ("d", "g"):
        return _finite_number(metric, value, "a finite standardised mean difference")
    raise InputError("metric", metric, "r, d, g, OR")
