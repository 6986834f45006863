"""Clinical-support prompts on yellow and red, and the loop back to the tailored plan."""

from __future__ import annotations

import pytest

from attunement.errors import InvalidProfile
from attunement.evidence import load_evidence
from attunement.monitoring import (
    Series,
    SessionPoint,
    apply_profile_updates,
    assess_episode,
    replan,
    support_prompts,
)
from attunement.profile import parse_profile
from attunement.tailoring import plan

LAMBERT_DOMAINS = {"alliance", "motivation", "social_support", "life_events"}


def phq9(*values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def wai(*values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="wai_sr", scale="total", points=points)


@pytest.mark.parametrize("alert", ["white", "green"])
def test_no_support_prompts_when_on_track_or_healthy(alert: str) -> None:
    assert support_prompts(alert) == ()


def test_yellow_gives_lambert_domains_plus_treatment_fit_but_no_referral() -> None:
    domains = [p.domain for p in support_prompts("yellow")]
    assert LAMBERT_DOMAINS <= set(domains)
    assert "treatment_fit" in domains
    assert "referral" not in domains
    # White et al. 2015: social support, then motivation, then alliance
    assert domains[:3] == ["social_support", "motivation", "alliance"]


def test_red_adds_referral_to_medication_or_a_higher_level_of_care() -> None:
    assert "referral" in [p.domain for p in support_prompts("red")]


def test_every_prompt_links_to_known_evidence_elements() -> None:
    base = load_evidence()
    for prompt in support_prompts("red"):
        assert prompt.evidence
        for element_id in prompt.evidence:
            base.element(element_id)


def test_statuses_carry_prompts_only_when_yellow_or_red() -> None:
    green = assess_episode(phq9(22, 18, 16, 14, 13, 12))
    yellow = assess_episode(phq9(*([18.0] * 12)))
    red = assess_episode(phq9(14, 21))
    white = assess_episode(phq9(18, 4))
    assert green.support_prompts == ()
    assert white.support_prompts == ()
    assert yellow.support_prompts
    assert red.support_prompts


def test_a_ruptured_alliance_moves_the_alliance_prompt_first_and_says_why() -> None:
    status = assess_episode(phq9(*([18.0] * 12)), alliance=wai(*([4.0] * 11), 2.8))
    assert status.alert == "yellow"
    first = status.support_prompts[0]
    assert first.domain == "alliance"
    assert first.because
    assert "rupture" in first.because[0]


def test_motivation_prompt_suggests_reassessing_stage_of_change_with_urica_or_ruler() -> None:
    profile = parse_profile({"stage_of_change": "precontemplation"})
    status = assess_episode(phq9(*([18.0] * 12)), profile=profile)
    motivation = next(p for p in status.support_prompts if p.domain == "motivation")
    assert motivation.because  # precontemplation is a signal
    update = next(u for u in motivation.profile_updates if u.field == "stage_of_change")
    assert set(update.instruments) == {"urica", "readiness_ruler"}
    assert update.current.startswith("precontemplation")


def test_accepting_the_update_regenerates_the_plan_the_loop_closes() -> None:
    profile = parse_profile({"stage_of_change": "precontemplation", "reactance": "high"})
    before = plan(profile)
    updated, after = replan(
        profile,
        {"stage_of_change": {"instrument": "readiness_ruler", "answers": [9]}},
    )
    assert updated.stage_of_change is not None
    assert updated.stage_of_change.value == "action"
    assert updated.stage_of_change.provenance.instrument == "readiness_ruler"
    assert updated.reactance == profile.reactance  # other dimensions untouched
    assert before.stance == "nurturing_parent"
    assert after.stance == "consultant"
    assert after.processes_of_change != before.processes_of_change


def test_updates_replace_flags_of_the_updated_dimension_only() -> None:
    profile = parse_profile({"stage_of_change": "contemplation"})
    updated = apply_profile_updates(profile, {"expectations": {"outcome": "low"}})
    assert updated.expectations is not None
    assert updated.expectations.outcome == "low"
    assert updated.stage_of_change == profile.stage_of_change


def test_an_invalid_update_names_the_field() -> None:
    with pytest.raises(InvalidProfile, match="stage_of_change"):
        apply_profile_updates(None, {"stage_of_change": "ready"})
