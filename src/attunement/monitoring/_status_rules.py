"""The alert decision of a Status: the dose of each session and the consecutive-sessions rule.

Helpers of :func:`attunement.monitoring.assess_episode`: which attended sessions count as
treatment (the dose), whether the scored sessions before the latest were also worse than
their expected bands (``feedback_rules/outcome_alerts.yaml``:
``consecutive_sessions_beyond_band``), and the call of :func:`decide_alert` — or the explicit
``not_assessable`` level when the scale has no change norms at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from attunement.monitoring._alerts import AlertDecision, decide_alert, not_assessable
from attunement.monitoring._change import RELIABLE_CHANGE_Z
from attunement.monitoring._feedback_data import load_alert_limits
from attunement.monitoring._norms import NormsUsed
from attunement.monitoring._series import SessionPoint
from attunement.monitoring._status_maths import ExpectedBand

__all__ = ["attended_doses", "decide", "earlier_beyond_band", "red_threshold"]


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


def earlier_beyond_band(
    scored: Sequence[SessionPoint], trajectory: Sequence[ExpectedBand], norms: NormsUsed
) -> bool:
    """Whether the scored sessions before the latest one that the consecutive-sessions rule
    needs were all worse than their own expected bands (the baseline never is)."""
    runs = int(load_alert_limits().consecutive_sessions_beyond_band.value)
    if runs <= 1:
        return True
    earlier = scored[-runs:-1]
    if len(scored) < runs or earlier[0].session == scored[0].session:
        return False
    bands = {band.session: band for band in trajectory}
    worse = 1.0 if norms.direction == "higher_is_worse" else -1.0
    for point in earlier:
        band = bands.get(point.session)
        if band is None or point.value is None:
            return False
        if worse * (point.value - _worse_edge(band, norms)) <= 1e-9:
            return False
    return True


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
    earlier_beyond_band: bool,
) -> AlertDecision:
    if expected is None or norms.reliable_change is None:
        return not_assessable(
            "no_change_norms",
            f"no reliable-change norms for this scale ({norms.source}): neither a published "
            "threshold nor a reliability to judge change with, so no expected band or colour",
        )
    return decide_alert(
        intake=intake,
        latest=latest,
        at_intake=at_intake,
        direction=norms.direction,
        cutoff=norms.cutoff,
        reliable_change=norms.reliable_change,
        band_worse_edge=_worse_edge(expected, norms),
        outer_limit=expected.outer_limit,
        earlier_beyond_band=earlier_beyond_band,
        red_change=red_threshold(instrument, scale),
    )
