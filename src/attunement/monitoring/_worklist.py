"""How urgent an episode is within its alert level: the caseload's severity.

The caseload is a worklist (issue 12): open risk events first, then the alert levels in
their one order (:func:`attunement.monitoring.alert_rank`), and within a level the most
severe first — the larger deterioration, then the longer since the patient was last seen.

The deterioration size is the change from intake in the scale's *worse* direction, in
units of the reliable-change criterion the status used (Jacobson & Truax 1991: a change of
one criterion is the smallest reliable one), so that scales of different lengths compare.
Where the status has no reliable-change criterion the size is the change in scale points.
Improvement and no change give 0. This is an ordering key, not a clinical cut-off.
"""

from __future__ import annotations

from attunement.monitoring._status import Status

__all__ = ["deterioration_size"]


def deterioration_size(status: Status | None) -> float:
    """The change from intake towards worse (≥ 0), in reliable-change criteria when known.

    >>> deterioration_size(None)
    0.0
    """
    if status is None or status.change is None:
        return 0.0
    worse = status.change if status.norms.direction == "higher_is_worse" else -status.change
    if worse <= 0:
        return 0.0
    criterion = status.reliable_change
    if criterion is not None and criterion > 0:
        return float(worse / criterion)
    return float(worse)
