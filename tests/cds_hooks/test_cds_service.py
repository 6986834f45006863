"""The patient-view service: discovery, prefetch, 412, cards, feedback — checked against the
specification's own examples and our JSON schemas written from it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.support.interop import assert_valid, load_fixture

from attunement.cds_hooks import (
    SERVICE_ID,
    AllianceSignal,
    Card,
    CardContext,
    CardSource,
    CdsExpectedBand,
    CdsPlanItem,
    CdsRequest,
    CdsSupportPrompt,
    EvidenceLine,
    FeedbackRequest,
    OutcomeSignal,
    PatientSignals,
    PlanSignal,
    PrefetchMissing,
    RiskSignal,
    SafetySignal,
    VerifiedClient,
    build_cards,
    discovery_document,
    feedback_records,
    fit_summary,
    merge_signals,
    patient_view_response,
    read_patient_view,
    wire,
)
from attunement.errors import InputError, NotFound

PAGE = "https://attunement.example/patients/7"
CONTEXT = CardContext(
    hook_instance="d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    patient_page_url=PAGE,
    source_url="https://attunement.example/about",
)
FEEDBACK = EvidenceLine(
    element="feedback",
    element_name="Collecting client feedback",
    authors="Lambert, Whipple & Kleinstäuber",
    year=2018,
    k=24,
    n=10921,
    metric="d",
    value=0.14,
    source="Psychotherapy 55(4), 520-537",
)
RISK = RiskSignal(
    instrument="phq9",
    item="9",
    message="Thoughts of self-harm endorsed (item 9 = 2)",
    session=3,
    observed_on=date(2025, 2, 20),
)
RED = OutcomeSignal(
    alert="red",
    instrument="phq9",
    scale="total",
    session=4,
    intake=14,
    latest=19,
    change=5,
    rci=2.1,
    category="deteriorated",
    expected=CdsExpectedBand(value=11, low=7, high=15, method="rational"),
    norms_source="Kroenke 2001",
    support_prompts=(
        CdsSupportPrompt(domain="alliance", prompt="Review the alliance", evidence=(FEEDBACK,)),
    ),
    evidence=(FEEDBACK,),
)
RUPTURE = AllianceSignal(
    state="rupture",
    instrument="wai_sr",
    alerts=("WAI-SR fell by 1.2",),
    repair_options=("Explore the rupture together",),
)
PLAN = PlanSignal(
    directiveness="low",
    stance="experienced_coach",
    focus="balanced",
    recommendations=tuple(
        CdsPlanItem(summary=f"Option {i}", because=("high reactance",), evidence=(FEEDBACK,))
        for i in range(7)
    ),
    not_assessed=("attachment",),
)
CLIENT = VerifiedClient(
    iss="https://ehr.example.org/", jti="j", expires_at=datetime(2025, 1, 1, tzinfo=UTC)
)


def test_the_discovery_document_advertises_patient_view_with_its_prefetch_templates() -> None:
    document = wire(discovery_document())
    assert_valid("cds-discovery", document)
    (service,) = document["services"]
    assert service["hook"] == "patient-view"
    assert service["id"] == SERVICE_ID
    assert service["prefetch"] == {
        "patient": "Patient/{{context.patientId}}",
        "questionnaireResponses": (
            "QuestionnaireResponse?patient={{context.patientId}}&status=completed"
        ),
        "observations": "Observation?patient={{context.patientId}}&category=survey",
    }


@pytest.mark.parametrize(
    ("schema", "fixture"),
    [
        ("cds-discovery", "discovery-example.json"),
        ("cds-request", "patient-view-request-example.json"),
        ("cds-response", "response-example.json"),
        ("cds-feedback", "feedback-accepted-example.json"),
        ("cds-feedback", "feedback-overridden-example.json"),
        ("cds-feedback", "feedback-override-reason-example.json"),
    ],
)
def test_our_schemas_accept_the_specifications_examples(schema: str, fixture: str) -> None:
    assert_valid(schema, load_fixture(f"cds_hooks/{fixture}"))


def test_our_response_schema_rejects_a_long_summary_and_a_null() -> None:
    card = {"summary": "x" * 140, "indicator": "info", "source": {"label": "A"}}
    with pytest.raises(AssertionError, match="too long"):
        assert_valid("cds-response", {"cards": [card]})
    with pytest.raises(AssertionError, match="None"):
        assert_valid("cds-response", {"cards": [{**card, "summary": "ok", "detail": None}]})


def test_the_specifications_request_without_our_prefetch_and_no_attunement_data_gives_412() -> None:
    request = CdsRequest.model_validate(load_fixture("cds_hooks/patient-view-request-example.json"))
    data = read_patient_view(request)
    assert data.patient_id == "1288992"
    assert data.missing_required == ("questionnaireResponses",)
    with pytest.raises(PrefetchMissing, match="questionnaireResponses") as raised:
        patient_view_response(data, from_ehr=None, from_attunement=None, context=CONTEXT)
    assert raised.value.missing == ("questionnaireResponses",)
    with pytest.raises(PrefetchMissing):
        patient_view_response(
            data, from_ehr=None, from_attunement=PatientSignals(), context=CONTEXT
        )


def test_the_specifications_request_is_answered_from_attunements_own_record() -> None:
    request = CdsRequest.model_validate(load_fixture("cds_hooks/patient-view-request-example.json"))
    data = read_patient_view(request)
    response = wire(
        patient_view_response(
            data,
            from_ehr=None,
            from_attunement=PatientSignals(risks=(RISK,), plan=PLAN),
            context=CONTEXT,
        )
    )
    assert_valid("cds-response", response)
    assert [c["indicator"] for c in response["cards"]] == ["critical", "info"]


def test_a_null_prefetch_value_means_no_data_not_missing() -> None:
    request = CdsRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "context": {"patientId": "p"},
            "prefetch": {"questionnaireResponses": None},
        }
    )
    data = read_patient_view(request)
    assert data.missing_required == ()
    assert wire(
        patient_view_response(
            data, from_ehr=PatientSignals(), from_attunement=None, context=CONTEXT
        )
    ) == {"cards": []}


def test_bundles_are_unpacked_and_an_operation_outcome_counts_as_not_sent() -> None:
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed"}
    request = CdsRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "context": {"patientId": "p"},
            "prefetch": {
                "questionnaireResponses": {
                    "resourceType": "Bundle",
                    "type": "searchset",
                    "entry": [{"resource": qr}],
                },
                "observations": {"resourceType": "OperationOutcome", "issue": []},
            },
        }
    )
    data = read_patient_view(request)
    assert data.questionnaire_responses == (qr,)
    assert "observations" not in data.satisfied
    assert data.prefetch_problems == (
        "observations: the client reported an error (OperationOutcome)",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hook": "order-sign", "hookInstance": "h", "context": {"patientId": "p"}}, "hook"),
        ({"hook": "patient-view", "hookInstance": "h", "context": {}}, "context.patientId"),
    ],
)
def test_a_call_for_another_hook_or_without_patient_id_is_refused(
    body: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError, match=field):
        read_patient_view(CdsRequest.model_validate(body))


def test_cards_come_most_urgent_first_one_per_signal() -> None:
    cards = build_cards(
        PatientSignals(risks=(RISK,), outcome=RED, alliance=RUPTURE, plan=PLAN), CONTEXT
    )
    assert [c.indicator for c in cards] == ["critical", "warning", "warning", "info"]
    response = {"cards": [wire(c) for c in cards]}
    assert_valid("cds-response", response)
    for card in response["cards"]:
        assert card["uuid"]
        assert card["detail"]
        assert len(card["summary"]) < 140
        assert card["source"] == {"label": "Attunement", "url": "https://attunement.example/about"}
        assert card["links"] == [
            {"label": "Open the patient in Attunement", "url": PAGE, "type": "absolute"}
        ]


def test_every_risk_item_gets_its_own_critical_card() -> None:
    other = RISK.model_copy(update={"session": 4})
    cards = build_cards(PatientSignals(risks=(RISK, other)), CONTEXT)
    assert [c.indicator for c in cards] == ["critical", "critical"]
    assert len({c.uuid for c in cards}) == 2
    assert "Thoughts of self-harm endorsed" in (cards[0].detail or "")


@pytest.mark.parametrize(
    ("alert", "cards"), [("red", 1), ("yellow", 1), ("green", 0), ("white", 0)]
)
def test_only_red_and_yellow_outcome_alerts_give_a_warning(alert: str, cards: int) -> None:
    outcome = RED.model_copy(update={"alert": alert})
    assert len(build_cards(PatientSignals(outcome=outcome), CONTEXT)) == cards


def test_the_outcome_card_shows_the_numbers_and_the_evidence() -> None:
    (card,) = build_cards(PatientSignals(outcome=RED), CONTEXT)
    assert card.summary == "Not on track: PHQ-9 total 19 at session 4 (expected 11)"
    detail = card.detail or ""
    for text in (
        "Intake: 14",
        "Latest: 19",
        "Reliable change index: 2.1",
        "deteriorated",
        "band 7–15, rational method",
        "Kroenke 2001",
        "d = 0.14, k = 24, N = 10,921",
        "Review the alliance",
    ):
        assert text in detail


@pytest.mark.parametrize(("state", "cards"), [("rupture", 1), ("at_risk", 0), ("ok", 0)])
def test_only_an_alliance_rupture_gives_a_warning(state: str, cards: int) -> None:
    alliance = RUPTURE.model_copy(update={"state": state})
    assert len(build_cards(PatientSignals(alliance=alliance), CONTEXT)) == cards


def test_the_plan_card_summarises_and_points_to_the_rest() -> None:
    (card,) = build_cards(PatientSignals(plan=PLAN), CONTEXT)
    assert card.indicator == "info"
    assert (
        card.summary
        == "Tailored plan: directiveness low, stance experienced coach, focus balanced "
        "(7 recommendations)"
    )
    assert "2 more on the patient's page" in (card.detail or "")
    assert "Not yet assessed: Attachment." in (card.detail or "")  # the field by its label


def test_a_spanish_clinics_cards_word_their_headings_in_spanish() -> None:
    spanish = CONTEXT.model_copy(update={"language": "es"})
    alliance, plan = build_cards(PatientSignals(alliance=RUPTURE, plan=PLAN), spanish)
    assert (alliance.summary or "").startswith("Posible ruptura de la alianza")
    assert "**Opciones de reparación:**" in (alliance.detail or "")
    assert "Repair options" not in (alliance.detail or "")
    detail = plan.detail or ""
    assert detail.startswith("**Plan adaptado** — opciones con su evidencia")
    assert "**Recomendaciones:**" in detail
    assert "2 más en la página del paciente." in detail
    assert "Aún sin evaluar: Apego." in detail  # the field by its one label, in Spanish
    assert plan.summary == (
        "Plan adaptado: directividad baja, postura de entrenador experimentado, "
        "foco: equilibrado (7 recomendaciones)"
    )
    assert "- Directividad baja" in detail
    assert "directiveness" not in detail.lower()


def test_a_spanish_clinics_risk_outcome_and_unread_cards_and_their_link_are_in_spanish() -> None:
    spanish = CONTEXT.model_copy(update={"language": "es"})
    signals = PatientSignals(risks=(RISK,), outcome=RED, unread=("observations: broken",))
    risk, unread, outcome = build_cards(signals, spanish)
    assert (risk.summary or "").startswith("Ítem de riesgo respondido afirmativamente")
    assert "- Cuándo: sesión 3, 2025-02-20" in (risk.detail or "")
    assert "Origen: el registro de Attunement" in (risk.detail or "")
    assert "Evalúe la seguridad según el protocolo de riesgo" in (risk.detail or "")
    assert unread.summary == (
        "1 elemento de cuestionario de la historia clínica electrónica sin revisar en busca de "
        "ítems de riesgo"
    )
    assert outcome.summary == (
        "No va según lo previsto: PHQ-9 total 19 en la sesión 4 (esperado 11)"
    )
    detail = outcome.detail or ""
    assert detail.startswith("**No va según lo previsto** (Rojo · no va según lo previsto)")
    assert "- Cambio desde la evaluación inicial: +5" in detail
    assert "- Normas de cambio: Kroenke 2001" in detail
    assert "**Apoyo clínico — considere:**" in detail
    assert [link.label for card in (risk, unread, outcome) for link in card.links or ()] == [
        "Abrir el paciente en Attunement"
    ] * 3


def test_card_uuids_are_reproducible_per_hook_call_and_differ_between_calls() -> None:
    signals = PatientSignals(risks=(RISK,), plan=PLAN)
    first = [c.uuid for c in build_cards(signals, CONTEXT)]
    again = [c.uuid for c in build_cards(signals, CONTEXT)]
    other = [
        c.uuid for c in build_cards(signals, CONTEXT.model_copy(update={"hook_instance": "x"}))
    ]
    assert first == again
    assert not set(first) & set(other)


def test_without_a_patient_page_cards_carry_no_links() -> None:
    (card,) = build_cards(PatientSignals(plan=PLAN), CardContext(hook_instance="h"))
    assert "links" not in wire(card)


def test_a_card_refuses_a_summary_of_140_characters() -> None:
    with pytest.raises(ValidationError, match="fewer than 140"):
        Card(uuid="u", summary="x" * 140, indicator="info", source=CardSource(label="A"))


@given(st.text(min_size=1, max_size=400).filter(lambda t: t.strip()))
def test_fit_summary_always_fits(text: str) -> None:
    fitted = fit_summary(text)
    assert 0 < len(fitted) < 140
    if len(" ".join(text.split())) < 140:
        assert fitted == " ".join(text.split())


def test_markdown_in_data_is_escaped() -> None:
    risk = RISK.model_copy(update={"message": "[click](http://evil.example) *now*"})
    (card,) = build_cards(PatientSignals(risks=(risk,)), CONTEXT)
    assert "\\[click\\](http://evil.example) \\*now\\*" in (card.detail or "")


def test_risks_from_both_sources_are_kept_and_the_ehrs_outcome_wins() -> None:
    ehr_risk = RISK.model_copy(
        update={"session": None, "observed_on": date(2025, 2, 27), "source": "ehr"}
    )
    merged = merge_signals(
        PatientSignals(risks=(ehr_risk,), outcome=RED.model_copy(update={"source": "ehr"})),
        PatientSignals(risks=(RISK,), outcome=RED.model_copy(update={"alert": "green"}), plan=PLAN),
    )
    assert merged.risks == (ehr_risk, RISK)
    assert merged.outcome is not None
    assert merged.outcome.source == "ehr"
    assert merged.plan == PLAN


@pytest.mark.parametrize(
    ("fixture", "outcome", "reason"),
    [
        ("feedback-accepted-example.json", "accepted", None),
        ("feedback-overridden-example.json", "overridden", None),
        ("feedback-override-reason-example.json", "overridden", "d7ecf885"),
    ],
)
def test_the_specifications_feedback_examples_become_records(
    fixture: str, outcome: str, reason: str | None
) -> None:
    request = FeedbackRequest.model_validate(load_fixture(f"cds_hooks/{fixture}"))
    received = datetime(2025, 3, 1, tzinfo=UTC)
    (record,) = feedback_records(
        request, service_id=SERVICE_ID, client=CLIENT, received_at=received
    )
    assert record.outcome == outcome
    assert record.override_code == reason
    assert record.outcome_at == datetime(2020, 12, 11, tzinfo=UTC)
    assert record.client == "https://ehr.example.org/"


def test_feedback_for_an_unknown_service_is_not_found() -> None:
    request = FeedbackRequest.model_validate(
        load_fixture("cds_hooks/feedback-overridden-example.json")
    )
    with pytest.raises(NotFound):
        feedback_records(
            request, service_id="other", client=CLIENT, received_at=datetime(2025, 1, 1, tzinfo=UTC)
        )


def test_prefetched_data_that_could_not_be_read_gets_a_warning_card() -> None:
    signals = PatientSignals(
        unread=("QuestionnaireResponse/x: questionnaire http://a/b is not known",)
    )
    (card,) = build_cards(signals, CONTEXT)
    assert card.indicator == "warning"
    assert card.summary == "1 EHR questionnaire item not checked for risk items"
    assert "is not known" in (card.detail or "")
    assert not signals.is_empty


def test_a_prefetched_risk_item_attunement_holds_as_an_event_is_not_shown_twice() -> None:
    day = date(2025, 2, 20)
    prefetched = RISK.model_copy(update={"session": None, "observed_on": day, "source": "ehr"})
    event = RISK.model_copy(
        update={"event_id": 4, "headline": "Open risk event: …", "endorsed_on": (day,)}
    )
    merged = merge_signals(PatientSignals(risks=(prefetched,)), PatientSignals(risks=(event,)))
    assert merged.risks == (event,)
    answered = event.model_copy(update={"headline": "Risk history: …"})
    merged = merge_signals(
        PatientSignals(risks=(prefetched,)), PatientSignals(risk_history=(answered,))
    )
    assert merged.risks == ()  # answered in Attunement: history, no urgent card
    assert build_cards(merged, CONTEXT) == ()
    later = prefetched.model_copy(update={"observed_on": date(2025, 3, 6)})
    merged = merge_signals(PatientSignals(risks=(later,)), PatientSignals(risk_history=(answered,)))
    assert merged.risks == (later,)  # a new endorsement in the EHR still surfaces


def test_an_event_card_says_what_the_one_wording_says() -> None:
    event = RISK.model_copy(
        update={
            "event_id": 4,
            "headline": "Open risk event: PHQ-9 item 9 endorsed (answer 2) at session 2",
            "lines": ("Assess suicide risk today.", "It stays open until a response."),
        }
    )
    (card,) = build_cards(PatientSignals(risks=(event,)), CONTEXT)
    assert card.indicator == "critical"
    assert card.summary == "Open risk event: PHQ-9 item 9 endorsed (answer 2) at session 2"
    assert "- Assess suicide risk today." in (card.detail or "")
    assert "record the risk response in Attunement" in (card.detail or "")


def test_the_plan_card_leads_with_safety_while_a_risk_event_is_open() -> None:
    safety = SafetySignal(
        summary="Safety first: assess the risk today.",
        detail="A risk item was endorsed.",
        because=("PHQ-9 item phq9_9 endorsed (open risk event 4): …",),
        held_back=("Arousal is not raised while a risk event is open.",),
    )
    (card,) = build_cards(
        PatientSignals(plan=PLAN.model_copy(update={"safety": (safety,)})), CONTEXT
    )
    assert card.summary.startswith("Tailored plan (safety first: a risk event is open)")
    detail = card.detail or ""
    assert detail.index("Safety first") < detail.index("Recommendations")
    assert "Held back while a risk event is open" in detail
