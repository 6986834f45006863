"""The rational expected treatment response: works from the first day, with no clinic data.

Rule (every parameter in ``feedback_rules/expected_response.yaml`` with its source or as an
explicit assumption; see :mod:`attunement.monitoring._expected_data`), for an intake score
I on a higher-is-worse scale (mirrored for a higher-is-better one) at dose d, the number of
attended sessions since the baseline (d = 1 is the intake administration)::

    excess(I)   = max(0, I − h)                       h: the healthy reference
    share(d)    = min(1, π* · (ln d / ln d*)^a)       d* = 8, a = 1 (dose curve)
    expected(d) = I − share(d) · excess(I)            (proportional to the excess)
    band        = expected(d) ± k · S_diff            S_diff = B / 1.96

* **d* = 8**: about half of the patients are measurably/reliably improved after 8 sessions
  (Howard, Kopta, Krause & Orlinsky 1986, *Am Psychol* 41:159; Kadera, Lambert & Andrews
  1996; Lambert). If half have improved reliably by then, the median patient has improved
  by one reliable-change bound B: for the average treatment-seeking intake I_ref,
  π* = B / (I_ref − h) (PHQ-9: 6 / (16.4 − 2.9) = 0.44).
* **ln d**: improvement is fastest early and slows (Howard et al. 1986's probit on log
  dose; Finch, Lambert & Schaalje 2001 model recovery curves on log(session)).
* **proportional to the excess**: a severe intake is expected to fall further in points
  than a mild one (direction: Driessen et al. 2010; size: an assumption), and the expected
  score never passes the healthy reference or leaves the scale.
* **band ± k · S_diff**: a score within k standard errors of a difference of the expected
  score counts as on course (k: an assumption, tuned on a synthetic clinic).

Examples
--------
>>> n = ChangeNorms(published_rci=6, source="PHQ-9, IAPT")
>>> p = RationalParameters(anchor_session=8, share_at_anchor=0.5, dose_power=1,
...                        healthy_reference=2, band_half_width_in_sdiff=1)
>>> e = rational_expectation(18, 8, n, parameters=p)
>>> (e.value, round(e.high - e.value, 2))
(10.0, 3.06)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from attunement.errors import InputError
from attunement.monitoring import _band_basis as band_basis
from attunement.monitoring._change import RELIABLE_CHANGE_Z, reliable_change_bound
from attunement.monitoring._expected_data import (
    RationalParameters,
    default_rational_parameters,
    load_expected_response,
)
from attunement.monitoring._models import DIRECTIONS, ChangeNorms, Direction, Expectation, NormsLike
from attunement.monitoring._results import RciPolicy
from attunement.monitoring._worded import Worded, WordedValue

__all__ = [
    "RATIONAL_PARAMETERS",
    "RationalParameters",
    "expected_share",
    "healthy_reference",
    "rational_basis",
    "rational_expectation",
    "rational_value",
]


def _parameters() -> Mapping[str, tuple[float, str]]:
    rules = load_expected_response()
    return {
        name: (figure.value, figure.basis)
        for name, figure in (
            ("anchor_session", rules.anchor_session),
            ("anchor_improvement_in_bounds", rules.anchor_improvement_in_bounds),
            ("dose_curve", rules.dose_curve),
            ("default_share_at_anchor", rules.default_share_at_anchor),
            ("band_half_width_in_sdiff", rules.band_half_width_in_sdiff),
        )
    }


class _LazyParameters(Mapping[str, tuple[float, str]]):
    """The rational method's parameters: value and where it comes from (read from data)."""

    def __getitem__(self, key: str) -> tuple[float, str]:
        return _parameters()[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(_parameters())

    def __len__(self) -> int:
        return len(_parameters())


#: The rational method's parameters (value, source or assumption), from the data file.
RATIONAL_PARAMETERS: Mapping[str, tuple[float, str]] = _LazyParameters()


def _dose(session: int) -> int:
    if isinstance(session, bool) or not isinstance(session, int) or session < 1:
        raise InputError("session", session, "a whole session number >= 1 (1 = intake)")
    return session


def expected_share(dose: int, parameters: RationalParameters) -> float:
    """share(d) = min(1, π* · (ln d / ln d*)^a): the share of the excess expected to be gone."""
    d = _dose(dose)
    p = parameters
    ratio: float = (math.log(d) / math.log(p.anchor_session)) ** p.dose_power
    return min(1.0, p.share_at_anchor * ratio)


def healthy_reference(
    parameters: RationalParameters, direction: Direction, score_range: tuple[float, float] | None
) -> float:
    """h: the parameters' healthy reference, else the healthy end of the score range."""
    if parameters.healthy_reference is not None:
        return parameters.healthy_reference
    if score_range is None:
        raise InputError(
            "healthy_reference", None, "a healthy reference in the parameters, or a score range"
        )
    return score_range[0] if direction == "higher_is_worse" else score_range[1]


def rational_value(
    intake: float, dose: int, parameters: RationalParameters, healthy: float, worse: float
) -> tuple[float, float, float]:
    """(expected, share, excess): ``expected = I − worse · share(d) · max(0, worse·(I − h))``."""
    excess = max(0.0, worse * (intake - healthy))
    share = expected_share(dose, parameters)
    return intake - worse * share * excess, share, excess


def rational_basis(
    *,
    share: float,
    excess: float,
    healthy: float,
    dose: int,
    parameters: RationalParameters,
    s_diff: float,
    bound: Worded,
    worse: float,
) -> Worded:
    """The rule with this episode's numbers, in words (the status's ``basis``; the sentence
    is :func:`attunement.monitoring._band_basis.rational`)."""
    p = parameters
    figures: dict[str, WordedValue] = {
        "sign": "-" if worse > 0 else "+",
        "share": share,
        "excess": excess,
        "healthy": healthy,
        "anchor_share": p.share_at_anchor,
        "dose": dose,
        "anchor": p.anchor_session,
        "width": p.band_half_width_in_sdiff,
        "s_diff": s_diff,
    }
    return band_basis.rational(figures, bound)


def rational_expectation(
    intake: float,
    session: int,
    norms: NormsLike,
    direction: Direction | None = None,
    *,
    policy: RciPolicy = "prefer_published",
    parameters: RationalParameters | None = None,
    score_range: tuple[float, float] | None = None,
) -> Expectation:
    """Expected score and band after ``session`` attended sessions (module docstring).

    Parameters
    ----------
    intake : float
        Score at the baseline (dose 1).
    session : int
        Attended sessions since the baseline, counting it (1 = intake).
    norms : NormsLike
        Change norms of the instrument: the band is ± k · S_diff with S_diff = B / 1.96.
    direction : {"higher_is_worse", "higher_is_better"}, optional
        Defaults to ``norms.direction``.
    parameters : RationalParameters, optional
        The instrument's parameters (``rational_parameters(instrument, scale)``); default:
        the file's defaults, with the healthy end of ``score_range`` as the reference.
    score_range : (min, max), optional
        Clamp value and band to the scale's range.
    """
    x0 = float(intake)
    if not math.isfinite(x0):
        raise InputError("intake", intake, "a finite score")
    d = _dose(session)
    n = ChangeNorms.from_norms(norms)
    way = direction or n.direction
    if way not in DIRECTIONS:
        raise InputError("direction", way, DIRECTIONS)
    if score_range is not None:
        lo, hi = (float(v) for v in score_range)
        if not lo < hi:
            raise InputError("score_range", score_range, "(min, max) with min < max")
    p = parameters or default_rational_parameters()
    healthy = healthy_reference(p, way, score_range)
    worse = 1.0 if way == "higher_is_worse" else -1.0
    value, share, excess = rational_value(x0, d, p, healthy, worse)
    bound = reliable_change_bound(n, policy=policy, z=RELIABLE_CHANGE_Z)
    s_diff = bound.standard_error_of_difference or bound.points / RELIABLE_CHANGE_Z
    half = p.band_half_width_in_sdiff * s_diff
    low, high = value - half, value + half
    if score_range is not None:
        value, low, high = (min(max(v, lo), hi) for v in (value, low, high))
    basis = rational_basis(
        share=share,
        excess=excess,
        healthy=healthy,
        dose=d,
        parameters=p,
        s_diff=s_diff,
        bound=band_basis.bound_words(bound.method == "published_rci", bound.points),
        worse=worse,
    ).text
    return Expectation(
        session=d,
        intake=x0,
        value=value,
        low=low,
        high=high,
        method="rational",
        basis=basis,
        sources=(f"norms: {n.source}", *p.sources),
    )
