"""The rational expected treatment response: works from the first day, with no data.

Rule
----
Expected improvement at session s (s = 1 is the intake administration), in raw points::

    improvement(s) = share × B × ln(s) / ln(s*)
    expected(s)    = intake − improvement(s)      (+ for a higher-is-better scale)
    band           = expected(s) ± B

with B the instrument's reliable-change bound (its published RCI, else 1.96 · S_diff; see
:func:`reliable_change_bound`), s* = 8 and share = 1. Each parameter is in
:data:`RATIONAL_PARAMETERS` with its source or marked as an assumption:

* **s* = 8**: "Fifty percent of patients reliably improve after 8 sessions of treatment"
  (Lambert, *Top 10 things learned after two decades of tracking client treatment
  progress*, Society for the Advancement of Psychotherapy; also Kadera, Lambert & Andrews
  1996, *J Psychother Pract Res* 5:132: "50% improve by 8 sessions", after Howard et al. 1986).
* **share = 1**: if half of the patients have improved reliably by session 8, the median
  improvement at session 8 is exactly one reliable-change bound (derived). *Assumption*: the
  median patient is the expected one.
* **log-linear in s**: improvement is fastest early and slows (the dose–effect curve of
  Howard, Kopta, Krause & Orlinsky 1986); outcome curves are modelled on log(session) by
  Finch, Lambert & Schaalje (2001) for the OQ-45.
* **band ± B**: *assumption* — a score within one reliable-change bound of the expected
  score cannot be told apart from it at the 95% level (Jacobson & Truax 1991).
* **s = 1 is intake** (expected change 0 there): *assumption* about session numbering.

The rule ignores how severe the intake is; the empirical method (``GrowthModel``) uses it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from attunement.errors import InputError
from attunement.monitoring._change import RELIABLE_CHANGE_Z, reliable_change_bound
from attunement.monitoring._models import DIRECTIONS, ChangeNorms, Direction, Expectation, NormsLike
from attunement.monitoring._results import RciPolicy

__all__ = ["RATIONAL_PARAMETERS", "rational_expectation"]

_LAMBERT = (
    "Lambert MJ, 'Top 10 things learned after two decades of tracking client treatment "
    "progress', Society for the Advancement of Psychotherapy (societyforpsychotherapy.org): "
    "50% of patients reliably improve after 8 sessions"
)
_KADERA = (
    "Kadera SW, Lambert MJ, Andrews AA (1996) J Psychother Pract Res 5(2):132-151 "
    "(PMC3330412): 50% improve by 8 sessions"
)

#: The rational method's parameters: value and where it comes from.
RATIONAL_PARAMETERS: Mapping[str, tuple[float, str]] = {
    "anchor_session": (8.0, f"{_LAMBERT}; {_KADERA}"),
    "anchor_share_of_bound": (
        1.0,
        "derived: half reliably improved by the anchor session means the median improvement "
        "there equals one reliable-change bound; assumption: median = expected",
    ),
    "band_half_width_in_bounds": (
        1.0,
        "assumption: within one reliable-change bound of the expected score is "
        "indistinguishable from it at the 95% level (Jacobson & Truax 1991)",
    ),
    "first_session": (1.0, "assumption: session 1 is the intake administration"),
}


def _session(session: int) -> int:
    if isinstance(session, bool) or not isinstance(session, int) or session < 1:
        raise InputError("session", session, "a whole session number >= 1 (1 = intake)")
    return session


def rational_expectation(
    intake: float,
    session: int,
    norms: NormsLike,
    direction: Direction | None = None,
    *,
    policy: RciPolicy = "prefer_published",
    anchor_session: float = 8.0,
    anchor_share: float = 1.0,
    score_range: tuple[float, float] | None = None,
) -> Expectation:
    """Expected score and band at ``session`` from the intake score (module docstring).

    Parameters
    ----------
    intake : float
        Score at intake (session 1).
    session : int
        Session number, 1 = intake.
    norms : NormsLike
        Change norms of the instrument (SD and reliability, or a published RCI).
    direction : {"higher_is_worse", "higher_is_better"}, optional
        Defaults to ``norms.direction``.
    anchor_session, anchor_share : float
        s* and the share of a reliable change expected by then (8 and 1; see above).
    score_range : (min, max), optional
        Clamp value and band to the scale's range.

    Examples
    --------
    >>> n = ChangeNorms(published_rci=6, source="CORE-10, Barkham et al. 2013")
    >>> e = rational_expectation(20, 8, n)
    >>> (e.value, e.low, e.high)
    (14.0, 8.0, 20.0)
    """
    x0 = float(intake)
    if not math.isfinite(x0):
        raise InputError("intake", intake, "a finite score")
    s = _session(session)
    n = ChangeNorms.from_norms(norms)
    d = direction or n.direction
    if d not in DIRECTIONS:
        raise InputError("direction", d, DIRECTIONS)
    if not (math.isfinite(anchor_session) and anchor_session > 1):
        raise InputError("anchor_session", anchor_session, "a session number > 1")
    if not (math.isfinite(anchor_share) and anchor_share > 0):
        raise InputError("anchor_share", anchor_share, "a number > 0")
    bound = reliable_change_bound(n, policy=policy, z=RELIABLE_CHANGE_Z)
    improvement = anchor_share * bound.points * math.log(s) / math.log(anchor_session)
    value = x0 - improvement if d == "higher_is_worse" else x0 + improvement
    low, high = value - bound.points, value + bound.points
    if score_range is not None:
        lo, hi = (float(v) for v in score_range)
        if not lo < hi:
            raise InputError("score_range", score_range, "(min, max) with min < max")
        value, low, high = (min(max(v, lo), hi) for v in (value, low, high))
    rule = "published RCI" if bound.method == "published_rci" else "1.96 x S_diff"
    basis = (
        f"rational: expected improvement = {anchor_share:g} x {bound.points:.3g} points "
        f"({rule}) x ln({s})/ln({anchor_session:g}); band = expected +/- {bound.points:.3g}"
    )
    return Expectation(
        session=s,
        intake=x0,
        value=value,
        low=low,
        high=high,
        method="rational",
        basis=basis,
        sources=(
            f"norms: {n.source}",
            *(f"{name}: {why}" for name, (_, why) in RATIONAL_PARAMETERS.items()),
        ),
    )
