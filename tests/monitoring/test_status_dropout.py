"""Dropout-risk indicators: alliance, expectancy, precontemplation, preferences, misses."""

from __future__ import annotations

from attunement.monitoring import Series, SessionPoint, assess_episode
from attunement.profile import parse_profile


def phq9(*values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def indicators(**kwargs: object) -> list[str]:
    status = assess_episode(phq9(20, 18), **kwargs)  # type: ignore[arg-type]
    return [r.indicator for r in status.dropout_risks]


def test_no_profile_no_alliance_no_misses_means_no_indicators() -> None:
    assert indicators() == []


def test_weak_alliance_below_threshold() -> None:
    alliance = Series(
        instrument="wai_sr",
        scale="total",
        points=(SessionPoint(session=1, value=2.6), SessionPoint(session=2, value=2.7)),
    )
    assert indicators(alliance=alliance) == ["weak_alliance"]


def test_low_expectancy_and_precontemplation_from_the_profile() -> None:
    profile = parse_profile(
        {"expectations": {"outcome": "low"}, "stage_of_change": "precontemplation"}
    )
    assert indicators(profile=profile) == ["low_expectancy", "precontemplation"]


def test_strong_preference_counts_until_recorded_as_accommodated() -> None:
    profile = parse_profile(
        {"preferences": [{"aspect": "therapist_gender", "value": "female", "strength": "strong"}]}
    )
    assert indicators(profile=profile) == ["unaccommodated_strong_preference"]
    assert indicators(profile=profile, accommodated_preferences={"therapist_gender"}) == []


def test_mild_preference_is_not_a_dropout_indicator() -> None:
    profile = parse_profile(
        {"preferences": [{"aspect": "format", "value": "video", "strength": "mild"}]}
    )
    assert indicators(profile=profile) == []


def test_indicators_link_evidence_and_state_their_basis() -> None:
    profile = parse_profile(
        {"preferences": [{"aspect": "format", "value": "video", "strength": "strong"}]}
    )
    risk = assess_episode(phq9(20, 18), profile=profile).dropout_risks[0]
    assert risk.evidence == ("preferences",)
    assert "1.79" in risk.basis
    assert risk.facts == ("format: video (strong)",)


def test_the_strong_preferences_cited_do_not_depend_on_the_order_they_were_listed() -> None:
    listed = [
        {"aspect": "treatment_length", "value": "brief", "strength": "strong"},
        {"aspect": "format", "value": "video", "strength": "strong"},
        {"aspect": "session_frequency", "value": "fortnightly", "strength": "strong"},
    ]
    facts = {
        assess_episode(phq9(20, 18), profile=parse_profile({"preferences": order}))
        .dropout_risks[0]
        .facts
        for order in (listed, listed[::-1], listed[1:] + listed[:1])
    }
    assert len(facts) == 1
    assert len(next(iter(facts))) == 3
