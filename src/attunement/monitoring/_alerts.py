"""The outcome alert of one session: red, yellow, not assessable, green or white.

The levels and their order are defined once, in :mod:`attunement.monitoring._levels`, and
the level of a session is decided here, once: every adapter (``attune status``, the web
status view, reports, CDS cards) shows the Status this function's decision went into.
Direction-aware: "worse" means higher on a scale where higher is worse (PHQ-9) and lower
where higher is better. Rules, first match:

1. **red — reliable deterioration**: the change from intake toward worse is at least the
   red threshold, at any session: the reliable-change bound (Jacobson & Truax 1991:
   1.96·√2·SE, or the instrument's published reliable-change figure), or — where
   ``feedback_rules/outcome_alerts.yaml`` gives a published standard error of measurement
   whose Jacobson–Truax bound is wider — that bound (PHQ-9: 1.96·√2·2.5 = 6.93 points from
   Löwe et al. 2004's SEM, against the NHS Talking Therapies convention of 6).
2. **yellow — deterioration by the convention**: worse by at least the published
   reliable-change convention but less than the wider red threshold (PHQ-9: 6 points):
   yellow at once, whatever the expectation says.
3. **white — healthy range**: the latest score is on the healthy side of the caseness
   cut-off (PHQ-9: below 10, Kroenke et al. 2001; the clinic's convention may differ).
4. **green — on track (intake)**: at the intake there is nothing to compare with yet.
5. **green — progress as expected**: the latest score is within the expected band for this
   intake after this many attended sessions, or better.
6. **yellow — worse than intake beyond the outer limit**: the latest score is beyond the
   outer limit of the expectation method, which never lies on the healthy side of the
   intake: yellow at once (one score suffices; red needs a reliable deterioration).
7. **green — beyond the band once**: worse than the expected band at fewer than the required
   consecutive scored sessions (2: a single noisy score does not make a patient yellow;
   ``feedback_rules/outcome_alerts.yaml``).
8. **yellow — less progress than expected**: worse than the expected band at this and the
   previous scored session(s).

A constant series is never red (its change is 0). When nothing can be judged (no scorable
outcome value, or no change norms at all) the level is **not_assessable**, with the rule
that says why (:func:`not_assessable`): never null. The expected band and outer limit come
from the expected-treatment-response method named in the status (rational or empirical;
see :mod:`attunement.monitoring._status_maths`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.monitoring._levels import Alert

__all__ = ["OUTER_LIMIT_ALERT", "Alert", "AlertDecision", "decide_alert", "not_assessable"]

Direction = Literal["higher_is_worse", "higher_is_better"]
_EPS = 1e-9

#: The level of a score beyond the outer limit of the expectation (rule 6): yellow at once.
#: Red is reliable deterioration only (rule 1). Adapters that show the outer limit name its
#: level from here.
OUTER_LIMIT_ALERT: Alert = "yellow"


class AlertDecision(BaseModel):
    """The colour and the rule that gave it, in words a clinician can check."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    alert: Alert
    rule: Literal[
        "reliable_deterioration",
        "deterioration_by_convention",
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
    red_change: float | None = None,
) -> AlertDecision:
    """Apply the rules of the module docstring, in order.

    ``band_worse_edge`` is the edge of the expected band on the worse side (PHQ-9: the high
    edge) and ``outer_limit`` the outer limit of the expectation method (beyond it:
    :data:`OUTER_LIMIT_ALERT` at once), both in score units.
    ``earlier_beyond_band`` says whether the required earlier scored sessions were also
    worse than their bands (rule 7; True when the caller does not track it).
    ``reliable_change`` is the instrument's reliable-change bound and ``red_change`` the red
    threshold when it is wider (None: the bound itself).
    """
    worse = 1.0 if direction == "higher_is_worse" else -1.0
    deterioration = worse * (latest - intake)
    red = red_change if red_change is not None else reliable_change
    if reliable_change is not None and red is not None and red < reliable_change:
        red = reliable_change
    if red is not None and deterioration >= red - _EPS:
        return AlertDecision(
            alert="red",
            rule="reliable_deterioration",
            reason=f"worse by {deterioration:g} since intake; the red threshold for "
            f"reliable deterioration is {red:.3g}",
        )
    if reliable_change is not None and deterioration >= reliable_change - _EPS:
        return AlertDecision(
            alert="yellow",
            rule="deterioration_by_convention",
            reason=f"worse by {deterioration:g} since intake: reliable deterioration by the "
            f"published convention ({reliable_change:g}), within the wider red threshold "
            f"{red:.3g} from the published measurement error; red at {red:.3g}",
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
            alert=OUTER_LIMIT_ALERT,
            rule="beyond_outer_limit",
            reason=f"{latest:g} is worse than the outer limit {limit:.1f} "
            f"and than the intake {intake:g}: yellow at once; red if the worsening since "
            "intake becomes reliable",
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
        f"at consecutive scored sessions",
    )
