"""The outcome alert rules: each colour, their order, and the properties they must keep."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from attunement.monitoring import Series, SessionPoint, assess_episode, decide_alert

SEVERITY = {"white": 0, "green": 1, "not_assessable": 1, "yellow": 2, "red": 3}


def phq9(*values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def decide(latest: float, **overrides: object) -> str:
    arguments: dict[str, object] = {
        "intake": 20.0,
        "latest": latest,
        "at_intake": False,
        "direction": "higher_is_worse",
        "cutoff": 10.0,
        "reliable_change": 6.0,
        "band_worse_edge": 16.0,
        "outer_limit": 19.0,
    }
    arguments.update(overrides)
    return decide_alert(**arguments).alert  # type: ignore[arg-type]


def test_reliable_deterioration_is_red_even_below_the_cut_off() -> None:
    assert decide(8.0, intake=2.0) == "red"
    assert decide(7.0, intake=2.0) == "white"


def test_healthy_range_is_white() -> None:
    assert decide(9.0) == "white"
    assert decide(10.0) == "green"  # PHQ-9 >= 10 is clinical (Kroenke 2001)


def test_within_or_better_than_the_band_is_green() -> None:
    assert decide(16.0) == "green"
    assert decide(12.0) == "green"


def test_beyond_the_band_but_not_the_outer_limit_is_yellow() -> None:
    assert decide(17.0) == "yellow"
    assert decide(20.0) == "yellow"  # no change at all: less progress than expected


def test_beyond_the_outer_limit_and_worse_than_intake_is_red() -> None:
    assert decide(21.0, outer_limit=18.0) == "red"


def test_outer_limit_better_than_intake_is_moved_back_to_the_intake() -> None:
    assert decide(20.0, outer_limit=18.0) == "yellow"
    assert decide(20.5, outer_limit=18.0) == "red"


def test_at_intake_a_clinical_score_is_green_and_a_healthy_one_white() -> None:
    assert decide(20.0, at_intake=True, band_worse_edge=20.0, outer_limit=20.0) == "green"
    assert decide(6.0, intake=6.0, at_intake=True, band_worse_edge=6.0, outer_limit=6.0) == "white"


def test_rules_are_direction_aware_for_higher_is_better_scales() -> None:
    better = {"direction": "higher_is_better", "intake": 30.0, "cutoff": 50.0}
    assert decide(60.0, **better, band_worse_edge=35.0, outer_limit=32.0) == "white"
    assert decide(36.0, **better, band_worse_edge=35.0, outer_limit=32.0) == "green"
    assert decide(33.0, **better, band_worse_edge=35.0, outer_limit=32.0) == "yellow"
    assert decide(29.0, **better, band_worse_edge=35.0, outer_limit=32.0) == "red"
    assert decide(23.0, **better, band_worse_edge=35.0, outer_limit=20.0) == "red"  # -7 >= 6


@given(
    intake=st.integers(0, 27),
    low=st.integers(0, 27),
    high=st.integers(0, 27),
    edge=st.floats(0, 27),
    outer=st.floats(0, 27),
)
def test_a_worse_score_never_gets_a_milder_colour(
    intake: int, low: int, high: int, edge: float, outer: float
) -> None:
    low, high = sorted((low, high))
    kwargs = {"intake": float(intake), "band_worse_edge": edge, "outer_limit": outer}
    assert SEVERITY[decide(float(low), **kwargs)] <= SEVERITY[decide(float(high), **kwargs)]


@settings(deadline=None)  # the first call loads and caches the definitions
@given(value=st.integers(0, 27), sessions=st.integers(1, 20))
def test_a_constant_series_is_unchanged_and_never_red(value: int, sessions: int) -> None:
    status = assess_episode(phq9(*([float(value)] * sessions)))
    assert status.category == "unchanged"
    assert status.alert != "red"
    assert status.change == 0


def test_vignette_white_recovered_patient() -> None:
    status = assess_episode(phq9(18, 14, 11, 8, 6, 4))
    assert status.alert == "white"
    assert status.alert_rule == "healthy_range"
    assert status.category == "recovered"


def test_vignette_green_patient_improving_as_expected() -> None:
    status = assess_episode(phq9(22, 18, 16, 14, 13, 12))
    assert status.alert == "green"
    assert status.alert_rule == "as_expected"


def test_vignette_yellow_patient_not_improving() -> None:
    status = assess_episode(phq9(*([18.0] * 12)))
    assert status.alert == "yellow"
    assert status.alert_rule == "less_than_expected"


def test_vignette_red_patient_reliably_deteriorating() -> None:
    status = assess_episode(phq9(14, 15, 17, 18, 20))
    assert status.alert == "red"
    assert status.alert_rule == "reliable_deterioration"
    assert status.category == "deteriorated"


def test_vignette_red_patient_worse_than_intake_beyond_measurement_error_late() -> None:
    status = assess_episode(phq9(20, 20, 21, 20, 21, 22, 21, 22, 23, 24, 25, 25))
    assert status.alert == "red"
    assert status.alert_rule == "beyond_outer_limit"
    assert status.category == "unchanged"  # +5 is not reliable: red by the expectation


def test_vignette_three_points_worse_than_intake_late_is_yellow_not_red() -> None:
    # +3 is within 1.5 standard errors of a difference of the intake (outcome_alerts.yaml)
    status = assess_episode(phq9(20, 20, 21, 20, 21, 22, 21, 22, 21, 22, 23, 23))
    assert status.alert == "yellow"


def test_every_status_says_which_expectation_method_it_used() -> None:
    status = assess_episode(phq9(20, 18, 15))
    assert status.expected is not None
    assert status.expected.method in ("rational", "empirical")
    assert status.expected.basis
    assert status.expected.low <= status.expected.value <= status.expected.high
