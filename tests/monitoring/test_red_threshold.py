"""Issue 11: red is reliable deterioration only, at a threshold whose source is in the data."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from attunement.errors import DefinitionError
from attunement.monitoring import (
    ALERT_LEVELS,
    ALERT_MEANINGS,
    RedRule,
    Series,
    SessionPoint,
    assess_episode,
    decide_alert,
    red_limit,
)
from attunement.monitoring._feedback_data import alert_limits_from, read_rules
from attunement.monitoring._status_rules import red_rule, red_threshold


def test_phq9_red_threshold_is_jacobson_truax_from_the_published_sem() -> None:
    # Löwe et al. 2004: 2 SEM = 5 points; Jacobson & Truax 1991: 1.96 x sqrt(2) x SEM
    assert red_threshold("phq9", "total") == pytest.approx(1.96 * math.sqrt(2) * 2.5)
    assert red_threshold("phq9", "total") == pytest.approx(6.93, abs=0.005)


def test_instruments_without_a_published_sem_use_their_reliable_change_bound() -> None:
    assert red_threshold("gad7", "total") is None
    assert red_threshold("phq9", "another_scale") is None


def _raw() -> Any:
    return yaml.safe_load(yaml.safe_dump(read_rules("feedback_rules", "outcome_alerts.yaml").data))


def test_every_red_standard_error_has_a_source() -> None:
    limits = alert_limits_from(_raw(), "outcome_alerts.yaml")
    for red in limits.red_deterioration.values():
        assert red.standard_error_of_measurement.source


def test_an_unknown_instrument_in_the_red_thresholds_is_refused_by_name() -> None:
    raw = _raw()
    raw["red_deterioration"]["phq99"] = raw["red_deterioration"]["phq9"]
    with pytest.raises(DefinitionError, match=r"red_deterioration\.phq99"):
        alert_limits_from(raw, "outcome_alerts.yaml")


def test_a_red_standard_error_without_a_source_is_refused() -> None:
    raw = _raw()
    del raw["red_deterioration"]["phq9"]["standard_error_of_measurement"]["source"]
    with pytest.raises(DefinitionError, match="standard_error_of_measurement"):
        alert_limits_from(raw, "outcome_alerts.yaml")


@given(
    intake=st.floats(0, 27),
    latest=st.floats(0, 27),
    reliable=st.floats(1, 10),
    extra=st.floats(0, 5),
    edge=st.floats(0, 27),
    outer=st.floats(0, 27),
    previous=st.one_of(st.none(), st.floats(-27, 27)),
)
def test_red_exactly_when_confirmed_or_beyond_the_at_once_bound_and_never_milder_than_yellow(
    intake: float,
    latest: float,
    reliable: float,
    extra: float,
    edge: float,
    outer: float,
    previous: float | None,
) -> None:
    red = reliable + extra
    at_once = red * 2.576 / 1.96
    result = decide_alert(
        intake=intake,
        latest=latest,
        at_intake=False,
        direction="higher_is_worse",
        cutoff=10.0,
        reliable_change=reliable,
        red=RedRule(threshold=red, at_once=at_once, previous_deterioration=previous),
        band_worse_edge=edge,
        outer_limit=outer,
    )
    worse = latest - intake
    confirmed = previous is not None and previous >= red - 1e-9
    assert (result.alert == "red") == (
        worse >= at_once - 1e-9 or (worse >= red - 1e-9 and confirmed)
    )
    if worse >= reliable - 1e-9 and result.alert != "red":
        assert result.alert == "yellow"


def test_the_red_rule_takes_the_wider_threshold_and_its_one_percent_bound() -> None:
    phq9 = red_rule("phq9", "total", 6.0, None)
    assert phq9.threshold == pytest.approx(1.96 * math.sqrt(2) * 2.5)
    assert phq9.at_once == pytest.approx(2.576 * math.sqrt(2) * 2.5)
    gad7 = red_rule("gad7", "total", 4.0, 5.0)  # no published SEM: the bound itself
    assert (gad7.threshold, gad7.previous_deterioration) == (4.0, 5.0)
    assert gad7.at_once == pytest.approx(4.0 * 2.576 / 1.96)


def test_a_red_threshold_narrower_than_the_reliable_change_is_not_used() -> None:
    assert red_rule("phq9", "total", 8.0, None).threshold == 8.0


def test_a_confirmation_below_one_session_or_an_at_once_z_below_1_96_is_refused() -> None:
    raw = _raw()
    raw["red_confirmation"]["consecutive_scored_sessions"]["value"] = 0
    with pytest.raises(DefinitionError, match="consecutive_scored_sessions"):
        alert_limits_from(raw, "outcome_alerts.yaml")
    raw = _raw()
    raw["red_confirmation"]["at_once_z"]["value"] = 1.5
    with pytest.raises(DefinitionError, match="at_once_z"):
        alert_limits_from(raw, "outcome_alerts.yaml")
    raw = _raw()
    raw["less_than_expected_trend"]["minimum_scores"]["value"] = 1
    with pytest.raises(DefinitionError, match="minimum_scores"):
        alert_limits_from(raw, "outcome_alerts.yaml")


def test_every_level_has_one_meaning_and_red_says_reliable_deterioration_only() -> None:
    assert set(ALERT_MEANINGS) == set(ALERT_LEVELS)
    assert "Reliably worse" in ALERT_MEANINGS["red"]
    assert "outer limit" not in ALERT_MEANINGS["red"]


def test_the_red_limit_charts_draw_is_the_intake_plus_the_red_threshold_the_reason_names() -> None:
    points = tuple(SessionPoint(session=i + 1, value=v) for i, v in enumerate((12, 19, 19)))
    status = assess_episode(Series(instrument="phq9", scale="total", points=points))
    assert status.alert == "red"
    assert "red threshold 6.93" in (status.alert_reason or "")
    assert red_limit(status) == pytest.approx(12 + 6.93, abs=0.005)
    flat = assess_episode(
        Series(instrument="gad7", scale="total", points=(SessionPoint(session=1, value=9),))
    )
    assert red_limit(flat) == pytest.approx(9 + 4)  # the GAD-7's reliable-change bound


@pytest.mark.parametrize(
    "path",
    [("empirical", "outer_level"), ("rational", "outer_in_sdiff"), ("worse_than_intake_in_sdiff",)],
)
def test_a_figure_the_outer_limit_shows_takes_no_maintainers_assumption(
    path: tuple[str, ...],
) -> None:
    """Issue 16: a clinician reads its basis, so its assumption is a ``shown_assumption``
    (translated); a maintainers' ``assumption`` there is refused by name."""
    raw = _raw()
    figure = raw
    for key in path:
        figure = figure[key]
    figure["assumption"] = figure.pop("shown_assumption")
    with pytest.raises(DefinitionError, match=r"assumption"):
        alert_limits_from(raw, "outcome_alerts.yaml")
