"""Signals for cards come from the core models and the evidence base, never invented."""

from __future__ import annotations

import datetime as dt

from attunement.cds_hooks._adapt import evidence_lines, outcome_and_alliance, plan_signal
from attunement.cds_hooks._risk import event_signals, risk_signals
from attunement.evidence import load_evidence
from attunement.instruments import load_instrument, score
from attunement.profile import parse_profile
from attunement.risk import RiskEvent, RiskResponse, endorsements_from_flags
from attunement.tailoring import plan

STATUS = {
    "session": 4,
    "instrument": "phq9",
    "intake": 14.0,
    "latest": 19.0,
    "change": 5.0,
    "rci": None,
    "category": "deteriorated",
    "alert": "red",
    "expected": {"value": 11.0, "low": 7.0, "high": 15.0, "method": "rational", "basis": "x"},
    "alliance": {
        "state": "rupture",
        "alerts": ["WAI-SR dropped"],
        "repair_options": ["Explore it"],
    },
    "flags": [
        {
            "id": "phq9_item9_risk",
            "severity": "critical",
            "item": "phq9_9",
            "message": "Item 9 endorsed",
        }
    ],
    "support_prompts": [
        {"domain": "alliance", "prompt": "Review the alliance", "evidence": ["alliance_adult"]}
    ],
    "norms": {"source": "IAPT"},
}


def test_evidence_lines_are_the_evidence_bases_own_headline_findings() -> None:
    evidence = load_evidence()
    (line,) = evidence_lines(evidence, ["feedback", "no_such_element"])
    headline = next(e for e in evidence.elements if e.id == "feedback").headline_or_none
    assert headline is not None
    assert (line.value, line.metric, line.source) == (
        headline.value,
        headline.metric,
        headline.source,
    )


def test_a_status_becomes_outcome_and_alliance_signals_and_never_risk_signals() -> None:
    # STATUS carries a flag of its latest session: risk comes from stored events only
    outcome, alliance = outcome_and_alliance(
        STATUS, evidence=load_evidence(), alliance_instrument="wai_sr"
    )
    assert outcome is not None
    assert (
        outcome.alert,
        outcome.latest,
        outcome.expected.value if outcome.expected else None,
    ) == ("red", 19.0, 11.0)
    assert outcome.evidence[0].element == "feedback"
    assert outcome.support_prompts[0].evidence[0].element == "alliance_adult"
    assert alliance is not None
    assert (alliance.state, alliance.alerts, alliance.evidence[0].element) == (
        "rupture",
        ("WAI-SR dropped",),
        "rupture_repair",
    )


def test_every_risk_flag_of_a_prefetched_score_becomes_a_risk_signal() -> None:
    definition = load_instrument("phq9")
    endorsed = score(definition, [0, 0, 0, 0, 0, 0, 0, 0, 1]).flags
    blank = score(definition, [0, 0, 0, 0, 0, 0, 0, 0, None]).flags
    (risk,) = risk_signals(endorsed, instrument="phq9", source="ehr")
    assert (risk.source, risk.item, risk.kind) == ("ehr", "phq9_9", "endorsed")
    assert (
        risk.headline
        == "In the EHR's questionnaire data: PHQ-9 item 9 endorsed (answer 1) at an administration"
    )
    (unanswered,) = risk_signals(blank, instrument="phq9", source="ehr")
    assert unanswered.kind == "unanswered"
    assert "left unanswered" in (unanswered.headline or "")


def test_a_risk_answered_in_spanish_reaches_the_clinician_card_in_the_clinic_language() -> None:
    definition = load_instrument("phq9")
    result = score(definition, [0, 0, 0, 0, 0, 0, 0, 0, 2], language="es")
    assert "riesgo suicida" in result.flags[0].message  # the patient-facing language
    (risk,) = risk_signals(result.flags, instrument="phq9", source="ehr")
    assert risk.message.startswith("Item 9")
    assert "suicide risk" in risk.message


def test_a_plan_keeps_its_order_settings_and_evidence() -> None:
    tailored = plan(parse_profile({"reactance": "high", "stage_of_change": "contemplation"}))
    signal = plan_signal(tailored)
    assert signal.directiveness == tailored.directiveness
    assert [i.summary for i in signal.recommendations] == [
        r.summary for r in tailored.recommendations
    ]
    assert all(item.evidence for item in signal.recommendations if item.evidence is not None)
    assert signal.safety == ()


def _event(event_id: int, session: int, answered: bool) -> RiskEvent:
    flags = score(load_instrument("phq9"), [1, 1, 1, 1, 1, 1, 1, 1, 2]).flags
    (endorsement,) = endorsements_from_flags(
        flags, instrument="phq9", route="session", session=session, on=dt.date(2026, 1, session)
    )
    response = (
        RiskResponse(assessed_on=dt.date(2026, 1, 9), level="low", actions=("safety_plan",))
        if answered
        else None
    )
    return RiskEvent(id=event_id, kind="endorsed", endorsements=(endorsement,), response=response)


def test_open_events_are_risk_signals_and_answered_ones_history_in_the_one_wording() -> None:
    risks, history = event_signals([_event(1, 2, answered=True), _event(2, 5, answered=False)])
    (open_one,) = risks
    assert (open_one.event_id, open_one.session, open_one.endorsed_on) == (
        2,
        5,
        (dt.date(2026, 1, 5),),
    )
    assert open_one.headline == (
        "Open risk event: PHQ-9 item 9 endorsed (answer 2) at session 5, 2026-01-05"
    )
    assert "It stays open until a clinician records a risk response." in open_one.lines
    (answered,) = history
    assert answered.headline is not None
    assert answered.headline.startswith("Risk history:")
    assert any(line.startswith("Response recorded") for line in answered.lines)


def test_a_plan_with_an_open_risk_event_leads_its_signal_with_safety() -> None:
    tailored = plan(parse_profile({"reactance": "high"}), open_risk_events=[_event(1, 2, False)])
    (safety,) = plan_signal(tailored).safety
    assert safety.summary.startswith("Safety first")
    assert any("open risk event 1" in b for b in safety.because)


def test_an_event_answered_in_spanish_is_worded_for_the_clinic_in_english() -> None:
    flags = score(load_instrument("phq9"), [1, 1, 1, 1, 1, 1, 1, 1, 2], language="es").flags
    endorsements = endorsements_from_flags(
        flags, instrument="phq9", route="self_report", language="es"
    )
    assert "riesgo suicida" in endorsements[0].message
    (risk,), _ = event_signals([RiskEvent(id=3, kind="endorsed", endorsements=endorsements)])
    assert risk.message.startswith("Item 9")
    assert any("assess suicide risk today" in line for line in risk.lines)
    assert not any("riesgo" in line for line in risk.lines)
