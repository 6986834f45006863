"""The outcome alert of one session: red, yellow, not assessable, green or white.

The levels and their order are defined once, in :mod:`attunement.monitoring._levels`, and
the level of a session is decided here, once: every adapter (``attune status``, the web
status view, reports, CDS cards) shows the Status this function's decision went into.
Direction-aware: "worse" means higher on a scale where higher is worse (PHQ-9) and lower
where higher is better. Rules, first match:

1. **red — reliable deterioration**: the change from intake toward worse is at least the
   red threshold at this and the previous scored session after the intake (confirmed), or at
   least the red threshold at the 1% level (× 2.576 / 1.96) at once, so red is reachable at
   any session. The red threshold is the reliable-change bound (Jacobson & Truax 1991:
   1.96·√2·SE, or the instrument's published reliable-change figure), or — where
   ``feedback_rules/outcome_alerts.yaml`` gives a published standard error of measurement
   whose Jacobson–Truax bound is wider — that bound (PHQ-9: 1.96·√2·2.5 = 6.93 points from
   Löwe et al. 2004's SEM, against the NHS Talking Therapies convention of 6; at once:
   2.576·√2·2.5 = 9.1 points).
2. **yellow — reliable deterioration at one session**: beyond the red threshold at this
   scored session only: yellow at once, red if it is seen again at the next scored session.
3. **yellow — deterioration by the convention**: worse by at least the published
   reliable-change convention but less than the wider red threshold (PHQ-9: 6 points):
   yellow at once, whatever the expectation says.
4. **white — healthy range**: the latest score is on the healthy side of the caseness
   cut-off (PHQ-9: below 10, Kroenke et al. 2001; the clinic's convention may differ).
5. **green — on track (intake)**: at the intake there is nothing to compare with yet.
6. **green — progress as expected**: the latest score is within the expected band for this
   intake after this many attended sessions, or better.
7. **yellow — worse than intake beyond the outer limit**: the latest score is beyond the
   outer limit of the expectation method, which never lies on the healthy side of the
   intake: yellow at once (one score suffices).
8. **green — beyond the band, too few scores for a trend**: fewer scored sessions than the
   trend needs (3: ``feedback_rules/outcome_alerts.yaml``), so a single noisy score does not
   make a patient yellow.
9. **green — beyond the band, trend on track**: the least-squares line of the scores since
   intake on log dose (:class:`Trend`) is within the band expected from the line's own
   intake: the latest score alone is worse.
10. **yellow — less progress than expected**: the latest score and the trend are both worse
    than expected.

A constant series is never red (its change is 0). When nothing can be judged (no scorable
outcome value, or no change norms at all) the level is **not_assessable**, with the rule
that says why (:func:`not_assessable`): never null. The expected band and outer limit come
from the expected-treatment-response method named in the status (rational or empirical;
see :mod:`attunement.monitoring._status_maths`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.monitoring._alert_reasons import reason
from attunement.monitoring._levels import Alert
from attunement.monitoring._worded import Worded, WordedValue

__all__ = [
    "OUTER_LIMIT_ALERT",
    "Alert",
    "AlertDecision",
    "RedRule",
    "Trend",
    "decide_alert",
    "not_assessable",
]

Direction = Literal["higher_is_worse", "higher_is_better"]
_EPS = 1e-9

#: How a reason writes its figures (format specs): scores as given, the band's edge, the
#: outer limit and a trend's values to one decimal, the red thresholds to three figures.
_FIGURES = {
    "latest": "g",
    "intake": "g",
    "cutoff": "g",
    "change": "g",
    "previous": "g",
    "edge": ".1f",
    "limit": ".1f",
    "now": ".1f",
    "trend_intake": ".1f",
    "trend_edge": ".1f",
    "threshold": ".3g",
    "at_once": ".3g",
}
#: The rules of the module docstring, by name.
Rule = Literal[
    "reliable_deterioration",
    "reliable_deterioration_unconfirmed",
    "deterioration_by_convention",
    "healthy_range",
    "intake",
    "as_expected",
    "beyond_outer_limit",
    "less_than_expected",
    "beyond_band_once",
    "beyond_band_trend_on_track",
    "no_scorable_value",
    "no_change_norms",
]

#: The level of a score beyond the outer limit of the expectation (rule 6): yellow at once.
#: Red is reliable deterioration only (rule 1). Adapters that show the outer limit name its
#: level from here.
OUTER_LIMIT_ALERT: Alert = "yellow"


class AlertDecision(BaseModel):
    """The colour and the rule that gave it, in words a clinician can check."""

    model_config = FROZEN

    alert: Alert
    rule: Rule
    reason: str
    #: the reason's message id and values (``attunement.wording.status_in`` words it)
    worded: Worded


class Trend(BaseModel):
    """The least-squares line of the scored sessions since intake on log dose, in score units:
    its level at the intake (``intake``, an estimate that does not rest on the intake score
    alone), its level now (``now``), and the worse edge of the band expected now from that
    intake (``edge``), over ``scores`` scored sessions."""

    model_config = FROZEN

    intake: float
    now: float
    edge: float
    scores: int


class RedRule(BaseModel):
    """The red threshold (score units), the worsening that is red at once, and the worsening
    at the previous scored session after the intake (None: the previous one is the intake,
    or there is none)."""

    model_config = FROZEN

    threshold: float
    at_once: float
    previous_deterioration: float | None = None


def _decided(alert: Alert, rule: Rule, why: Worded) -> AlertDecision:
    return AlertDecision(alert=alert, rule=rule, reason=why.text, worded=why)


def not_assessable(
    rule: Literal["no_scorable_value", "no_change_norms"], **values: str
) -> AlertDecision:
    """The explicit level for an episode nothing can be judged about, and why (``values``
    fill the rule's sentence: ``source`` of the norms for ``no_change_norms``)."""
    return _decided("not_assessable", rule, reason(rule, **values))


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
    trend: Trend | None = None,
    red: RedRule | None = None,
) -> AlertDecision:
    """Apply the rules of the module docstring, in order.

    ``band_worse_edge`` is the edge of the expected band on the worse side (PHQ-9: the high
    edge) and ``outer_limit`` the outer limit of the expectation method (beyond it:
    :data:`OUTER_LIMIT_ALERT` at once), both in score units.
    ``trend`` is the line of the scores since intake (None: too few scores for one).
    ``reliable_change`` is the instrument's reliable-change bound and ``red`` the red rule
    (None: red at the bound itself, at once).
    """
    worse = 1.0 if direction == "higher_is_worse" else -1.0
    deterioration = worse * (latest - intake)
    if red is None and reliable_change is not None:
        red = RedRule(threshold=reliable_change, at_once=reliable_change)
    if red is not None and deterioration >= red.threshold - _EPS:
        return _red_or_yellow(deterioration, red)
    if reliable_change is not None and deterioration >= reliable_change - _EPS:
        wider = red.threshold if red is not None else reliable_change
        return _decided(
            "yellow",
            "deterioration_by_convention",
            reason(
                "convention",
                {"change": "g", "convention": "g", "wider": ".3g" if red is not None else "g"},
                change=deterioration,
                convention=reliable_change,
                wider=wider,
            ),
        )
    if cutoff is not None and worse * (latest - cutoff) < 0:
        return _decided(
            "white",
            "healthy_range",
            reason("healthy_range", _FIGURES, latest=latest, cutoff=cutoff),
        )
    if at_intake:
        return _decided("green", "intake", reason("intake"))
    if worse * (latest - band_worse_edge) <= _EPS:
        return _decided(
            "green",
            "as_expected",
            reason("as_expected", _FIGURES, latest=latest, edge=band_worse_edge),
        )
    limit = outer_limit if worse * (outer_limit - intake) >= 0 else intake
    if worse * (latest - limit) > _EPS:
        return _decided(
            OUTER_LIMIT_ALERT,
            "beyond_outer_limit",
            reason("beyond_outer_limit", _FIGURES, latest=latest, limit=limit, intake=intake),
        )
    if trend is None:
        return _decided(
            "green",
            "beyond_band_once",
            reason("beyond_band_once", _FIGURES, latest=latest, edge=band_worse_edge),
        )
    line: dict[str, WordedValue] = {
        "latest": latest,
        "edge": band_worse_edge,
        "scores": trend.scores,
        "now": trend.now,
        "trend_intake": trend.intake,
        "trend_edge": trend.edge,
    }
    if worse * (trend.now - trend.edge) <= _EPS:
        return _decided(
            "green", "beyond_band_trend_on_track", reason("trend_on_track", _FIGURES, **line)
        )
    return _decided("yellow", "less_than_expected", reason("less_than_expected", _FIGURES, **line))


def _red_or_yellow(deterioration: float, red: RedRule) -> AlertDecision:
    """Rules 1 and 2: red when confirmed or beyond the at-once bound, else yellow."""
    previous = red.previous_deterioration
    figures: dict[str, WordedValue] = {
        "change": deterioration,
        "threshold": red.threshold,
        "at_once": red.at_once,
    }
    if deterioration >= red.at_once - _EPS:
        return _decided("red", "reliable_deterioration", reason("red_at_once", _FIGURES, **figures))
    if previous is not None and previous >= red.threshold - _EPS:
        return _decided(
            "red",
            "reliable_deterioration",
            reason("red_consecutive", _FIGURES, previous=previous, **figures),
        )
    return _decided(
        "yellow",
        "reliable_deterioration_unconfirmed",
        reason("red_unconfirmed", _FIGURES, **figures),
    )
