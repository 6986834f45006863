"""Clinical-support prompts targeted at what is off for this patient, ranked (issue 16), and
the loop back to the tailored plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attunement.errors import InvalidProfile
from attunement.evidence import load_evidence
from attunement.instruments import load_instrument, score
from attunement.monitoring import (
    Series,
    SessionPoint,
    apply_profile_updates,
    assess_alliance,
    assess_episode,
    replan,
    support_prompts,
)
from attunement.profile import parse_profile
from attunement.risk import RiskEvent, endorsements_from_flags
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


def test_with_nothing_off_yellow_gives_only_the_general_lambert_questions() -> None:
    prompts = support_prompts("yellow")
    assert [p.domain for p in prompts] == ["social_support", "life_events"]
    assert not any(p.targeted for p in prompts)


def test_red_with_deterioration_adds_referral_first() -> None:
    prompts = support_prompts("red", deterioration="PHQ-9 rose 7 points since intake")
    assert [p.domain for p in prompts][:1] == ["referral"]
    assert prompts[0].because == ("PHQ-9 rose 7 points since intake",)
    assert prompts[0].targeted
    assert "edit_plan" in prompts[0].actions


def _open_event() -> RiskEvent:
    flags = score(load_instrument("phq9"), [1, 1, 1, 1, 1, 1, 1, 1, 2]).flags
    endorsements = endorsements_from_flags(
        flags, instrument="phq9", route="session", session=4, on=dt.date(2026, 1, 12)
    )
    return RiskEvent(id=1, kind="endorsed", endorsements=endorsements)


def test_deterioration_with_suicidal_ideation_ranks_risk_then_referral_not_motivation() -> None:
    """Issue 16: every red patient got six cards, motivation first and referral last."""
    profile = parse_profile({"stage_of_change": "contemplation"})
    prompts = support_prompts(
        "red",
        profile=profile,
        risk_events=(_open_event(),),
        deterioration="reliable deterioration since intake",
    )
    domains = [p.domain for p in prompts]
    assert domains[:3] == ["risk", "referral", "motivation"]
    assert "alliance" not in domains
    assert "treatment_fit" not in domains
    risk = prompts[0]
    assert risk.actions == ("record_risk_response",)
    assert "session 4" in risk.because[0]
    assert "no risk response recorded yet" in risk.because[0]


def test_an_open_risk_event_gives_the_risk_prompt_at_every_alert_level() -> None:
    for alert in ("white", "green", "yellow", "red", "not_assessable"):
        assert next(p.domain for p in support_prompts(alert, risk_events=(_open_event(),))) == (
            "risk"
        )


SIGNAL_DOMAIN = {
    "risk": "risk",
    "deterioration": "referral",
    "rupture": "alliance",
    "contemplation": "motivation",
}
RANK = ["risk", "referral", "alliance", "motivation", "treatment_fit"]


@settings(max_examples=30, deadline=None)
@given(
    alert=st.sampled_from(["yellow", "red"]),
    present=st.sets(st.sampled_from(sorted(SIGNAL_DOMAIN))),
)
def test_targeted_cards_are_exactly_what_is_off_in_the_fixed_rank(
    alert: str, present: set[str]
) -> None:
    kwargs: dict[str, Any] = {}
    if "risk" in present:
        kwargs["risk_events"] = (_open_event(),)
    if "deterioration" in present:
        kwargs["deterioration"] = "worse"
    if "rupture" in present:
        kwargs["alliance"] = assess_alliance(wai(4.0, 2.8), session=2)
    if "contemplation" in present:
        kwargs["profile"] = parse_profile({"stage_of_change": "contemplation"})
    prompts = support_prompts(alert, **kwargs)
    targeted = [p.domain for p in prompts if p.targeted]
    assert set(targeted) == {SIGNAL_DOMAIN[s] for s in present}
    assert targeted == sorted(targeted, key=RANK.index)
    general = [p.domain for p in prompts if not p.targeted]
    assert general == ["social_support", "life_events"]  # always after the targeted ones
    assert [p.targeted for p in prompts] == sorted((p.targeted for p in prompts), reverse=True)


def test_an_unaccommodated_strong_preference_brings_the_treatment_fit_card() -> None:
    profile = parse_profile(
        {"preferences": [{"aspect": "format", "value": "video", "strength": "strong"}]}
    )
    status = assess_episode(phq9(*([18.0] * 12)), profile=profile)
    domains = [p.domain for p in status.support_prompts]
    assert "treatment_fit" in domains
    fit = next(p for p in status.support_prompts if p.domain == "treatment_fit")
    assert fit.because
    assert fit.signals == ("unaccommodated_strong_preference",)
    none = assess_episode(phq9(*([18.0] * 12)), profile=parse_profile({"reactance": "high"}))
    assert "treatment_fit" not in [p.domain for p in none.support_prompts]


def test_a_wai_sr_move_within_measurement_error_brings_no_alliance_card() -> None:
    status = assess_episode(phq9(*([18.0] * 12)), alliance=wai(*([4.6] * 11), 4.3))
    assert status.alliance is not None
    assert status.alliance.state == "ok"
    assert status.alliance.repair_options == ()
    assert "alliance" not in [p.domain for p in status.support_prompts]


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
