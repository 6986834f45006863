"""The outcome alert of one session: red, yellow, not assessable, green or white.

The levels and their order are defined once, in :mod:`attunement.monitoring._levels`.
Direction-aware: "worse" means higher on a scale where higher is worse (PHQ-9) and lower
where higher is better. Rules, first match:

1. **red — reliable deterioration**: the change from intake toward worse is at least the
   reliable-change bound (Jacobson & Truax 1991: 1.96·√2·SE, or the instrument's published
   reliable-change figure — PHQ-9: 6 points), at any session.
2. **white — healthy range**: the latest score is on the healthy side of the caseness
   cut-off (PHQ-9: below 10, Kroenke et al. 2001; the clinic's convention may differ).
3. **green — on track (intake)**: at the intake there is nothing to compare with yet.
4. **green — progress as expected**: the latest score is within the expected band for this
   intake after this many attended sessions, or better.
5. **red — not on track and worse**: the latest score is beyond the red limit, which never
   lies on the healthy side of the intake — a patient is red only by getting worse, so a
   constant series is never red.
6. **green — beyond the band once**: worse than the expected band at fewer than the required
   consecutive scored sessions (2: a single noisy score does not make a patient yellow;
   ``feedback_rules/outcome_alerts.yaml``).
7. **yellow — less progress than expected**: worse than the expected band at this and the
   previous scored session(s), not red.

When nothing can be judged (no scorable outcome value, or no change norms at all) the level
is **not_assessable**, with the rule that says why (:func:`not_assessable`): never null.
The expected band and red limit come from the expected-treatment-response method named in
the status (rational or empirical; see :mod:`attunement.monitoring._status_maths`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.monitoring._levels import Alert

__all__ = ["Alert", "AlertDecision", "decide_alert", "not_assessable"]

Direction = Literal["higher_is_worse", "higher_is_better"]
_EPS = 1e-9


class AlertDecision(BaseModel):
    """The colour and the rule that gave it, in words a clinician can check."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    alert: Alert
    rule: Literal[
        "reliable_deterioration",
        "healthy_range",
        "intake",
        "as_expected",
        "beyond_outer_limit",
        "less_than_expected",
        "beyond_band_once",
        "no_scorable_value",
        "no_change_norms",
    ]
    reason: str


def not_assessable(
    rule: Literal["no_scorable_value", "no_change_norms"], reason: str
) -> AlertDecision:
    """The explicit level for an episode nothing can be judged about, and why."""
    return AlertDecision(alert="not_assessable", rule=rule, reason=reason)


def decide_alert(
    *,
    intake: float,
    latest: float,
    at_intake: bool,
    direction: Direction,
    cutoff: float | None,
    reliable_change: float | None,
    band_worse_edge: float,
    outer_limit: float,
    earlier_beyond_band: bool = True,
) -> AlertDecision:
    """Apply the rules of the module docstring, in order.

    ``band_worse_edge`` is the edge of the expected band on the worse side (PHQ-9: the high
    edge) and ``outer_limit`` the red limit of the expectation method, both in score units.
    ``earlier_beyond_band`` says whether the required earlier scored sessions were also
    worse than their bands (rule 6; True when the caller does not track it).
    """
    worse = 1.0 if direction == "higher_is_worse" else -1.0
    deterioration = worse * (latest - intake)
    if reliable_change is not None and deterioration >= reliable_change - _EPS:
        return AlertDecision(
            alert="red",
            rule="reliable_deterioration",
            reason=f"worse by {deterioration:g} since intake; "
            f"reliable change is {reliable_change:g}",
        )
    if cutoff is not None and worse * (latest - cutoff) < 0:
        return AlertDecision(
            alert="white",
            rule="healthy_range",
            reason=f"{latest:g} is on the healthy side of the clinical cut-off {cutoff:g}",
        )
    if at_intake:
        return AlertDecision(
            alert="green", rule="intake", reason="intake: no expectation to compare with yet"
        )
    if worse * (latest - band_worse_edge) <= _EPS:
        return AlertDecision(
            alert="green",
            rule="as_expected",
            reason=f"{latest:g} is within or better than the expected band "
            f"(edge {band_worse_edge:.1f})",
        )
    limit = outer_limit if worse * (outer_limit - intake) >= 0 else intake
    if worse * (latest - limit) > _EPS:
        return AlertDecision(
            alert="red",
            rule="beyond_outer_limit",
            reason=f"{latest:g} is worse than the outer limit {limit:.1f} "
            f"and than the intake {intake:g}",
        )
    if not earlier_beyond_band:
        return AlertDecision(
            alert="green",
            rule="beyond_band_once",
            reason=f"{latest:g} is worse than the expected band (edge {band_worse_edge:.1f}) "
            "at this session only: yellow if it is again at the next scored session",
        )
    return AlertDecision(
        alert="yellow",
        rule="less_than_expected",
        reason=f"{latest:g} is worse than the expected band (edge {band_worse_edge:.1f}) "
        f"at consecutive scored sessions, not beyond {limit:.1f}",
    )
