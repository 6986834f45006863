"""Signals for cards come from the core models and the evidence base, never invented."""

from __future__ import annotations

from attunement.evidence import load_evidence
from attunement.instruments import load_instrument, score
from attunement.interop._cds_adapt import (
    evidence_lines,
    outcome_and_alliance,
    plan_signal,
    risk_signals,
)
from attunement.profile import parse_profile
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


def test_a_status_becomes_outcome_alliance_and_risk_signals() -> None:
    outcome, alliance, risks = outcome_and_alliance(
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
    assert [(r.item, r.session) for r in risks] == [("phq9_9", 4)]


def test_only_critical_flags_of_a_score_become_risk_signals() -> None:
    definition = load_instrument("phq9")
    result = score(definition, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    (risk,) = risk_signals(result.flags, instrument="phq9", source="ehr")
    assert risk.source == "ehr"
    assert risk.item == "phq9_9"


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
