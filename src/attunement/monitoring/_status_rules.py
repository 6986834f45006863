"""The alert decision of a Status: the dose of each session, the trend and the red rule.

Helpers of :func:`attunement.monitoring.assess_episode`: which attended sessions count as
treatment (the dose), the trend of the scores since intake that less progress than expected
is judged on (``feedback_rules/outcome_alerts.yaml``: ``less_than_expected_trend``), the
red rule (the red threshold, its confirmation at consecutive scored sessions and the bound
that is red at once: ``red_confirmation``), and the call of :func:`decide_alert` — or the
explicit ``not_assessable`` level when the scale has no change norms at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from attunement.monitoring._alerts import (
    AlertDecision,
    RedRule,
    Trend,
    decide_alert,
    not_assessable,
)
from attunement.monitoring._change import RELIABLE_CHANGE_Z
from attunement.monitoring._feedback_data import load_alert_limits
from attunement.monitoring._norms import NormsUsed
from attunement.monitoring._series import SessionPoint
from attunement.monitoring._status_maths import BandMaker, ExpectedBand

__all__ = ["attended_doses", "decide", "red_rule", "red_threshold", "trend"]


def attended_doses(points: Sequence[SessionPoint], first: int, last: int) -> list[tuple[int, int]]:
    """(session, dose) for each attended session from the baseline ``first`` to ``last``:
    the dose counts attended sessions since the baseline (1 = baseline); missed
    appointments are not sessions of treatment (Howard et al. 1986's dose is sessions
    received)."""
    doses: list[tuple[int, int]] = []
    for point in points:
        if first <= point.session <= last and point.attended:
            doses.append((point.session, len(doses) + 1))
    return doses


def _worse_edge(band: ExpectedBand, norms: NormsUsed) -> float:
    return band.high if norms.direction == "higher_is_worse" else band.low


def trend(
    scored: Sequence[SessionPoint], doses: Sequence[tuple[int, int]], maker: BandMaker
) -> Trend | None:
    """The least-squares line of the scored values on ln(dose) since the baseline, or None
    with fewer scores than ``less_than_expected_trend.minimum_scores`` (or no band).

    ``a + b·ln d`` (ordinary least squares): ``a`` estimates the intake from every score
    (ln 1 = 0), ``a + b·ln D`` the level at the latest dose D; ``edge`` is the worse edge of
    the band the expectation method gives at D for the intake ``a``.
    """
    minimum = int(load_alert_limits().less_than_expected_trend.minimum_scores.value)
    dose_of = dict(doses)
    pairs = [
        (math.log(dose_of[p.session]), float(p.value))
        for p in scored
        if p.value is not None and p.session in dose_of
    ]
    if len(pairs) < minimum or not doses:
        return None
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in pairs)
    if sxx <= 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in pairs) / sxx
    intercept = mean_y - slope * mean_x
    last = doses[-1][1]
    edge = maker.worse_edge_for(intercept, last)
    if edge is None:
        return None
    return Trend(intake=intercept, now=intercept + slope * math.log(last), edge=edge, scores=n)


def red_rule(
    instrument: str, scale: str, reliable_change: float, previous_deterioration: float | None
) -> RedRule:
    """The red threshold (the wider of the reliable-change bound and the Jacobson–Truax bound
    from a published SEM), the worsening red at once (the threshold x ``at_once_z`` / 1.96)
    and the worsening at the previous scored session (``red_confirmation``).

    >>> rule = red_rule("phq9", "total", 6.0, None)
    >>> round(rule.threshold, 2), round(rule.at_once, 2)
    (6.93, 9.11)
    """
    threshold = max(red_threshold(instrument, scale) or reliable_change, reliable_change)
    confirmation = load_alert_limits().red_confirmation
    at_once = threshold * confirmation.at_once_z.value / RELIABLE_CHANGE_Z
    if int(confirmation.consecutive_scored_sessions.value) <= 1:
        at_once = threshold
    return RedRule(
        threshold=threshold, at_once=at_once, previous_deterioration=previous_deterioration
    )


def red_threshold(instrument: str, scale: str) -> float | None:
    """The Jacobson–Truax bound 1.96·√2·SEM from the published standard error of measurement
    in ``outcome_alerts.yaml`` (``red_deterioration``), or None where none is given.

    >>> round(red_threshold("phq9", "total") or 0, 2)  # Löwe et al. 2004: SEM 2.5
    6.93
    """
    red = load_alert_limits().red_deterioration.get(instrument)
    if red is None or red.scale != scale:
        return None
    return RELIABLE_CHANGE_Z * math.sqrt(2.0) * red.standard_error_of_measurement.value


def decide(
    norms: NormsUsed,
    *,
    instrument: str,
    scale: str,
    intake: float,
    latest: float,
    at_intake: bool,
    expected: ExpectedBand | None,
    trend: Trend | None,
    previous: float | None = None,
) -> AlertDecision:
    """The alert of a status (``previous``: the scored value before the latest, None when
    that is the intake)."""
    if expected is None or norms.reliable_change is None:
        return not_assessable("no_change_norms", source=norms.source)
    worse = 1.0 if norms.direction == "higher_is_worse" else -1.0
    before = None if previous is None else worse * (previous - intake)
    return decide_alert(
        intake=intake,
        latest=latest,
        at_intake=at_intake,
        direction=norms.direction,
        cutoff=norms.cutoff,
        reliable_change=norms.reliable_change,
        band_worse_edge=_worse_edge(expected, norms),
        outer_limit=expected.outer_limit,
        trend=trend,
        red=red_rule(instrument, scale, norms.reliable_change, before),
    )
