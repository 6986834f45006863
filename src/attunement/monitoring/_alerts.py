"""The outcome alert of one session: white, green, yellow or red.

The colours are those clinicians know from outcome-feedback systems (Lambert's OQ-45
signals; PCOMS/OpenFIT zones: green at or beyond the target, orange/yellow below the target
but not beyond the outer limit, red beyond it — OpenFIT dashboard alerts,
support.openfit.care article 204000069702). Direction-aware: "worse" means higher on a
scale where higher is worse (PHQ-9) and lower where higher is better. Rules, first match:

1. **red — reliable deterioration**: the change from intake toward worse is at least the
   reliable-change bound (Jacobson & Truax 1991: 1.96·√2·SE, or the instrument's published
   reliable-change figure — PHQ-9: 6 points).
2. **white — healthy range**: the latest score is on the healthy side of the instrument's
   clinical cut-off (PHQ-9: below 10, Kroenke et al. 2001).
3. **green — on track (intake)**: at the intake (the first scored session) there is nothing
   to compare with yet: clinical and on track by definition.
4. **green — progress as expected**: the latest score is within the expected band or better.
5. **red — not on track**: the latest score is worse than the band's outer limit *and* worse
   than the intake. The outer limit never lies on the healthy side of the intake: a patient
   who has not changed at all has made less progress than expected (yellow) but is red only
   by getting worse — so a constant series is never red.
6. **yellow — less progress than expected**: worse than the expected band, not red.

The expected band and outer limit come from the expected-treatment-response method named in
the status (rational or empirical; see :mod:`attunement.monitoring._status_maths`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Alert", "AlertDecision", "decide_alert"]

Alert = Literal["white", "green", "yellow", "red"]
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
    ]
    reason: str


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
) -> AlertDecision:
    """Apply the rules of the module docstring, in order.

    ``band_worse_edge`` is the edge of the expected band on the worse side (PHQ-9: the high
    edge) and ``outer_limit`` the red limit of the expectation method, both in score units.
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
    return AlertDecision(
        alert="yellow",
        rule="less_than_expected",
        reason=f"{latest:g} is worse than the expected band (edge {band_worse_edge:.1f}), "
        f"not beyond {limit:.1f}",
    )
