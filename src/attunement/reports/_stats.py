"""The clinic report's tallies, as pure functions over plain numbers.

The reports render the numbers these (and :mod:`attunement.stats`) return and nothing else,
so a test can compare the figure printed in a report with the figure computed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from attunement.errors import InputError
from attunement.monitoring import ALERT_LEVELS
from attunement.reports._chart_data import CategoryCounts, SeverityGroup

__all__ = ["AlertCounts", "count_alerts", "count_categories", "group_by_band"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AlertCounts(_Frozen):
    """Episodes by alert level at their latest session, and those with a risk flag."""

    red: int = 0
    yellow: int = 0
    not_assessable: int = 0
    green: int = 0
    white: int = 0
    risk: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, level) for level in ALERT_LEVELS)


def count_categories(categories: Iterable[str | None]) -> CategoryCounts:
    """Count Jacobson–Truax categories; ``None`` (too few scores) counts as insufficient."""
    tally = {"recovered": 0, "improved": 0, "unchanged": 0, "deteriorated": 0, "insufficient": 0}
    for category in categories:
        key = "insufficient" if category is None else category
        if key not in tally:
            raise InputError("category", category, [*tally, None])
        tally[key] += 1
    return CategoryCounts(**tally)


def count_alerts(alerts: Iterable[tuple[str, bool]]) -> AlertCounts:
    """Count ``(alert level, has risk flag)`` pairs, one per episode."""
    tally = dict.fromkeys(ALERT_LEVELS, 0)
    risk = 0
    for level, flagged in alerts:
        if level not in tally:
            raise InputError("alert", level, ALERT_LEVELS)
        tally[level] += 1
        risk += bool(flagged)
    return AlertCounts(risk=risk, **tally)


def group_by_band(
    pairs: Iterable[tuple[str, str | None]], band_order: Sequence[str]
) -> tuple[SeverityGroup, ...]:
    """Categories grouped by intake band, in ``band_order`` (bands never seen are left out)."""
    by_band: dict[str, list[str | None]] = {band: [] for band in band_order}
    for band, category in pairs:
        if band not in by_band:
            raise InputError("intake band", band, band_order)
        by_band[band].append(category)
    return tuple(
        SeverityGroup(band=band, counts=count_categories(found))
        for band, found in by_band.items()
        if found
    )
