"""The outcome alert rules: each colour, their order, and the properties they must keep."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from attunement.monitoring import (
    AlertDecision,
    RedRule,
    Series,
    SessionPoint,
    Trend,
    assess_each_session,
    assess_episode,
    decide_alert,
)

SEVERITY = {"white": 0, "green": 1, "not_assessable": 1, "yellow": 2, "red": 3}


def phq9(*values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def decision(latest: float, **overrides: object) -> AlertDecision:
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
    return decide_alert(**arguments)  # type: ignore[arg-type]


def decide(latest: float, **overrides: object) -> str:
    return decision(latest, **overrides).alert


#: A trend worse than the band expected from its own intake, and one within it.
WORSE_TREND = Trend(intake=20.0, now=18.0, edge=16.0, scores=4)
ON_TRACK = Trend(intake=20.0, now=15.0, edge=16.0, scores=4)


def phq9_red(previous: float | None = None) -> RedRule:
    """The PHQ-9 red rule: 6.93 (Löwe et al. 2004's SEM), 9.11 at once (1% level)."""
    return RedRule(threshold=6.93, at_once=9.11, previous_deterioration=previous)


def test_reliable_deterioration_is_red_even_below_the_cut_off() -> None:
    assert decide(8.0, intake=2.0) == "red"
    assert decide(7.0, intake=2.0) == "white"


def test_healthy_range_is_white() -> None:
    assert decide(9.0) == "white"
    assert decide(10.0) == "green"  # PHQ-9 >= 10 is clinical (Kroenke 2001)


def test_within_or_better_than_the_band_is_green() -> None:
    assert decide(16.0) == "green"
    assert decide(12.0) == "green"


def test_beyond_the_band_with_a_trend_worse_than_expected_is_yellow() -> None:
    assert decide(17.0, trend=WORSE_TREND) == "yellow"
    flat = decision(20.0, trend=WORSE_TREND)  # no change at all: less progress than expected
    assert (flat.alert, flat.rule) == ("yellow", "less_than_expected")
    assert "estimated intake of 20.0" in flat.reason


def test_beyond_the_band_with_the_trend_on_track_stays_green_and_says_why() -> None:
    result = decision(17.0, trend=ON_TRACK)
    assert (result.alert, result.rule) == ("green", "beyond_band_trend_on_track")
    assert "within the band expected from that intake" in result.reason


def test_beyond_the_band_with_too_few_scores_for_a_trend_stays_green() -> None:
    result = decision(17.0)
    assert (result.alert, result.rule) == ("green", "beyond_band_once")
    assert "too few scores" in result.reason


def test_beyond_the_outer_limit_and_worse_than_intake_is_yellow_at_once() -> None:
    # Issue 11: a worsening beyond the outer limit is yellow at once, whatever the trend
    # (one score suffices).
    result = decision(21.0, outer_limit=18.0, trend=ON_TRACK)
    assert (result.alert, result.rule) == ("yellow", "beyond_outer_limit")


def test_outer_limit_better_than_intake_is_moved_back_to_the_intake() -> None:
    assert decision(20.0, outer_limit=18.0, trend=WORSE_TREND).rule == "less_than_expected"
    assert decision(20.5, outer_limit=18.0).rule == "beyond_outer_limit"


def test_a_wider_red_threshold_makes_the_convention_yellow_at_once() -> None:
    # PHQ-9: 6 points is the NHS Talking Therapies convention, 6.93 the Jacobson-Truax bound
    # from Löwe et al. 2004's SEM (outcome_alerts.yaml): 6 is yellow at once, 7 red once
    # confirmed.
    six = decision(26.0, red=phq9_red(), outer_limit=27.0)
    assert (six.alert, six.rule) == ("yellow", "deterioration_by_convention")
    assert decide(27.0, red=phq9_red(previous=7.0)) == "red"
    assert decide(8.0, intake=2.0, red=phq9_red()) == "yellow"  # even below the cut-off
    assert decide(9.0, intake=2.0, red=phq9_red(previous=7.0)) == "red"


def test_a_single_reliable_deterioration_is_yellow_at_once_and_red_when_seen_again() -> None:
    once = decision(27.0, red=phq9_red())
    assert (once.alert, once.rule) == ("yellow", "reliable_deterioration_unconfirmed")
    assert "red if it is seen again" in once.reason
    assert decide(27.0, red=phq9_red(previous=6.0)) == "yellow"  # the previous one was 6
    again = decision(27.0, red=phq9_red(previous=7.0))
    assert (again.alert, again.rule) == ("red", "reliable_deterioration")


def test_a_worsening_beyond_the_one_percent_bound_is_red_at_once() -> None:
    # 2.576 x sqrt(2) x 2.5 = 9.11 (outcome_alerts.yaml red_confirmation.at_once_z)
    assert decide(29.0, intake=20.0, red=phq9_red()) == "yellow"  # +9
    at_once = decision(11.5, intake=2.0, red=phq9_red())  # +9.5, even below the cut-off
    assert (at_once.alert, at_once.rule) == ("red", "reliable_deterioration")
    assert "1% level" in at_once.reason
    assert decide(27.0, intake=17.0, red=phq9_red()) == "red"  # +10


def test_at_intake_a_clinical_score_is_green_and_a_healthy_one_white() -> None:
    assert decide(20.0, at_intake=True, band_worse_edge=20.0, outer_limit=20.0) == "green"
    assert decide(6.0, intake=6.0, at_intake=True, band_worse_edge=6.0, outer_limit=6.0) == "white"


def test_rules_are_direction_aware_for_higher_is_better_scales() -> None:
    better = {"direction": "higher_is_better", "intake": 30.0, "cutoff": 50.0}
    assert decide(60.0, **better, band_worse_edge=35.0, outer_limit=32.0) == "white"
    assert decide(36.0, **better, band_worse_edge=35.0, outer_limit=32.0) == "green"
    slow = Trend(intake=30.0, now=33.0, edge=35.0, scores=4)  # worse: lower
    assert decide(33.0, **better, band_worse_edge=35.0, outer_limit=32.0, trend=slow) == "yellow"
    assert decide(29.0, **better, band_worse_edge=35.0, outer_limit=32.0) == "yellow"
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
    status = assess_episode(phq9(14, 15, 17, 21, 21))  # +7 at two sessions in a row
    assert status.alert == "red"
    assert status.alert_rule == "reliable_deterioration"
    assert status.category == "deteriorated"


def test_vignette_six_points_worse_is_deteriorated_by_convention_and_yellow() -> None:
    # +6 is reliable deterioration by the NHS Talking Therapies convention (the category)
    # but within 1.96 x sqrt(2) x SEM 2.5 = 6.93 (Löwe et al. 2004): yellow at once.
    status = assess_episode(phq9(14, 15, 17, 18, 20))
    assert status.alert == "yellow"
    assert status.alert_rule == "deterioration_by_convention"
    assert status.category == "deteriorated"
    assert "6.93" in status.alert_reason


def test_vignette_worse_than_intake_beyond_measurement_error_late_is_yellow() -> None:
    status = assess_episode(phq9(20, 20, 21, 20, 21, 22, 21, 22, 23, 24, 25, 25))
    assert status.alert == "yellow"
    assert status.alert_rule == "beyond_outer_limit"
    assert status.category == "unchanged"  # +5 is not reliable: not red


@settings(deadline=None, max_examples=60)
@given(
    values=st.lists(st.integers(0, 27), min_size=1, max_size=14),
)
def test_red_is_reliable_deterioration_and_nothing_else(values: list[int]) -> None:
    """Red exactly when the PHQ-9 is worse than intake by 1.96 x sqrt(2) x 2.5 at this and
    the previous scored session after intake, or by 2.576 x sqrt(2) x 2.5 at once; any
    reliable deterioration is at least yellow."""
    series = phq9(*(float(v) for v in values))
    red, at_once = 1.96 * 2**0.5 * 2.5, 2.576 * 2**0.5 * 2.5
    for index, status in enumerate(assess_each_session(series)):
        worse = (status.latest or 0) - (status.intake or 0)
        before = values[index - 1] - values[0] if index >= 2 else None
        confirmed = before is not None and before >= red - 1e-9
        assert (status.alert == "red") == (
            worse >= at_once - 1e-9 or (worse >= red - 1e-9 and confirmed)
        )
        if worse >= 6:
            assert status.alert in ("yellow", "red")


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
