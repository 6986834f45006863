"""The clinic report's tallies: categories, alert levels and intake bands."""

from __future__ import annotations

from collections import Counter

import pytest

from attunement.documents._chart_data import (
    alerts_from_counts,
    categories_from_counts,
    groups_from_counts,
)
from attunement.errors import InputError


def test_categories_are_counted_and_missing_ones_are_insufficient() -> None:
    counts = categories_from_counts(
        Counter(["recovered", "improved", None, "recovered", "deteriorated"])
    )
    assert (counts.recovered, counts.improved, counts.insufficient) == (2, 1, 1)
    assert counts.assessed == 4
    assert counts.total == 5
    assert counts.share("recovered") == 0.5
    with pytest.raises(InputError, match="category"):
        categories_from_counts({"better": 1})


def test_alerts_are_counted_with_risk_flags_separately() -> None:
    alerts = alerts_from_counts({"red": 2, "white": 1, "green": 1}, risk=2)
    assert (alerts.red, alerts.green, alerts.white, alerts.risk, alerts.total) == (2, 1, 1, 2, 4)
    with pytest.raises(InputError, match="alert"):
        alerts_from_counts({"purple": 1}, risk=0)


def test_groups_follow_the_band_order_and_leave_out_empty_bands() -> None:
    groups = groups_from_counts(
        {"severe": {"recovered": 1, "unchanged": 1}, "mild": {None: 1}, "moderate": {}},
        ["minimal", "mild", "moderate", "severe"],
    )
    assert [g.band for g in groups] == ["mild", "severe"]
    assert groups[1].counts.recovered == 1
    assert groups[1].counts.unchanged == 1
