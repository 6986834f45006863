"""FHIR R4 export: every resource built from the core models and valid as an R4B model."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from attunement.fhir import (
    LOINC,
    ORDINAL_VALUE,
    FhirAdministrationRecord,
    FhirBase,
    PatientRecord,
    bundle,
    export_record,
    observations,
    patient,
    questionnaire,
    questionnaire_response,
    risk_flag,
)
from attunement.instruments import list_instruments, load_instrument, score
from attunement.risk import RiskEvent, RiskResponse, endorsements_from_flags

BASE = FhirBase(base_url="https://clinic.example/")
WHEN = datetime(2025, 2, 3, 10, 30, tzinfo=UTC)
PHQ9 = load_instrument("phq9")


def administration(
    answers: tuple[int | None, ...], instrument: str = "phq9", id_: str = "1"
) -> FhirAdministrationRecord:
    return FhirAdministrationRecord(
        id=id_,
        patient_id="7",
        instrument=instrument,
        version=load_instrument(instrument).version,
        answers=answers,
        administered_at=WHEN,
    )


@pytest.mark.parametrize("definition", list_instruments(), ids=lambda d: d.id)
def test_every_instrument_exports_as_a_valid_questionnaire(definition) -> None:
    q = questionnaire(definition, base=BASE)
    assert q["resourceType"] == "Questionnaire"
    assert (
        q["url"] == f"https://clinic.example/fhir/Questionnaire/{definition.id.replace('_', '-')}"
    )
    assert q["version"] == definition.version
    assert [i["linkId"] for i in q["item"]] == list(definition.item_ids)
    assert q["copyright"]
    for item, q_item in zip(definition.items, q["item"], strict=True):
        ordinals = [o["extension"][0] for o in q_item["answerOption"]]
        assert all(e["url"] == ORDINAL_VALUE for e in ordinals)
        assert [e["valueDecimal"] for e in ordinals] == [
            o.value for o in definition.response_sets[item.responses]
        ]


@pytest.mark.parametrize(
    "definition",
    [d for d in list_instruments() if not d.licence.item_text_ships],
    ids=lambda d: d.id,
)
def test_scoring_only_instruments_export_without_item_text_and_say_so(definition) -> None:
    q = questionnaire(definition, base=BASE)
    assert all("text" not in item for item in q["item"])
    assert all(
        "display" not in o["valueCoding"] for item in q["item"] for o in item["answerOption"]
    )
    assert "Item text is not distributed with Attunement" in q["description"]


def test_phq9_questionnaire_carries_its_loinc_codes_and_notice() -> None:
    q = questionnaire(PHQ9, base=BASE)
    assert q["code"] == [{"system": LOINC, "code": "44249-1"}]
    assert q["item"][0]["code"] == [{"system": LOINC, "code": "44250-9"}]
    assert q["item"][8]["code"] == [{"system": LOINC, "code": "44260-8"}]
    assert [o["valueCoding"]["code"] for o in q["item"][0]["answerOption"]] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    assert q["item"][0]["text"] == "Little interest or pleasure in doing things"
    assert "No permission required" in q["copyright"]


def test_a_spanish_questionnaire_uses_the_spanish_text() -> None:
    q = questionnaire(PHQ9, base=BASE, language="es")
    assert q["language"] == "es"
    assert q["item"][0]["text"] == "Poco interés o placer en hacer cosas"
    assert q["item"][0]["answerOption"][0]["valueCoding"]["display"] == "Ningún día"


def test_a_response_cites_the_versioned_canonical_and_leaves_missing_answers_out() -> None:
    qr = questionnaire_response(administration((1, 2, None, 0, 3, 1, 0, 0, 0)), PHQ9, base=BASE)
    assert qr["questionnaire"] == "https://clinic.example/fhir/Questionnaire/phq9|" + PHQ9.version
    assert qr["status"] == "completed"
    assert qr["subject"] == {"reference": "Patient/7"}
    assert [i["linkId"] for i in qr["item"]] == [
        "phq9_1",
        "phq9_2",
        "phq9_4",
        "phq9_5",
        "phq9_6",
        "phq9_7",
        "phq9_8",
        "phq9_9",
    ]
    assert qr["item"][1]["answer"][0]["valueCoding"]["code"] == "LA6570-1"


def test_the_total_score_is_an_observation_with_loinc_band_and_derivation() -> None:
    admin = administration((2, 2, 2, 2, 1, 1, 2, 0, 0))
    (total,) = observations(admin, PHQ9, score(PHQ9, admin.answers), base=BASE)
    assert total["category"][0]["coding"][0]["code"] == "survey"
    assert total["code"]["coding"][0] == {"system": LOINC, "code": "44261-6"}
    assert total["valueQuantity"]["value"] == 12
    assert total["valueQuantity"]["code"] == "{score}"
    assert total["interpretation"][0]["text"] == "moderate"
    assert total["derivedFrom"] == [{"reference": "QuestionnaireResponse/administration-1"}]


def test_an_unscorable_scale_has_a_data_absent_reason_never_a_zero() -> None:
    admin = administration((None, None, None, 1, 1, 1, 1, 1, 0))
    (total,) = observations(admin, PHQ9, score(PHQ9, admin.answers), base=BASE)
    assert "valueQuantity" not in total
    assert total["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    assert total["note"]


def test_an_endorsed_risk_item_travels_as_its_own_observation() -> None:
    admin = administration((0, 0, 0, 0, 0, 0, 0, 0, 2))
    resources = observations(admin, PHQ9, score(PHQ9, admin.answers), base=BASE)
    flag = resources[-1]
    assert flag["valueBoolean"] is True
    assert flag["interpretation"] == [{"text": "critical"}]
    assert "Item 9" in flag["note"][0]["text"]


def test_a_synthetic_patient_is_labelled_test_data() -> None:
    resource = patient(
        PatientRecord(id="7", external_id="MRN-1", display_name="Synthetic Sam", synthetic=True),
        base=BASE,
    )
    assert resource["meta"]["security"][0]["code"] == "HTEST"
    assert {
        "system": "https://clinic.example/fhir/NamingSystem/external-id",
        "value": "MRN-1",
    } in resource["identifier"]


def test_the_whole_record_is_a_valid_bundle_in_order() -> None:
    record = export_record(
        PatientRecord(id="7"),
        [
            administration((3, 3, 3, 3, 3, 3, 3, 3, 0), id_="2"),
            administration((1, 1, 1, 1, 1, 1, 1, 1, 0), id_="1"),
            administration((1, 1, 1, 1, 1, 1, 1), instrument="gad7", id_="3"),
        ],
        generated_at=WHEN,
        base=BASE,
    )
    types = [e["resource"]["resourceType"] for e in record["entry"]]
    assert record["type"] == "collection"
    assert types[:3] == ["Patient", "Questionnaire", "Questionnaire"]
    assert types.count("QuestionnaireResponse") == 3
    assert record["entry"][0]["fullUrl"] == "https://clinic.example/fhir/Patient/7"


def test_everything_is_a_searchset_with_the_patient_as_the_match() -> None:
    result = bundle(
        [patient(PatientRecord(id="7"), base=BASE), questionnaire(PHQ9, base=BASE)],
        kind="searchset",
        base=BASE,
    )
    assert result["total"] == 1
    assert [e["search"]["mode"] for e in result["entry"]] == ["match", "include"]


def _risk_event(*, administration_id: int | None, answered: bool) -> RiskEvent:
    flags = score(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, 3]).flags
    endorsements = endorsements_from_flags(
        flags,
        instrument="phq9",
        route="session" if administration_id else "intake",
        session=2 if administration_id else None,
        at=WHEN if administration_id else None,
        on=WHEN.date(),
        administration_id=administration_id,
    )
    response = (
        RiskResponse(
            assessed_on=WHEN.date(),
            level="moderate",
            actions=("safety_plan", "increased_contact"),
            recorded_at=WHEN.replace(hour=12),
        )
        if answered
        else None
    )
    return RiskEvent(id=5, kind="endorsed", endorsements=endorsements, response=response)


def test_an_open_risk_event_is_an_active_flag_pointing_at_its_response_and_observation() -> None:
    record = export_record(
        PatientRecord(id="7"),
        [administration((1, 1, 1, 1, 1, 1, 1, 1, 3), id_="9")],
        risk_events=[_risk_event(administration_id=9, answered=False)],
        generated_at=WHEN,
        base=BASE,
    )
    resources = [e["resource"] for e in record["entry"]]
    (flag,) = [r for r in resources if r["resourceType"] == "Flag"]
    assert flag["status"] == "active"
    assert flag["id"] == "risk-event-5"
    assert flag["code"]["coding"][0]["system"] == "https://clinic.example/fhir/CodeSystem/flags"
    assert flag["code"]["text"].startswith("Open risk event: PHQ-9 item 9 endorsed (answer 3)")
    assert flag["period"] == {"start": "2025-02-03T10:30:00Z"}
    ids = {f"{r['resourceType']}/{r['id']}" for r in resources}
    references = [x["valueReference"]["reference"] for x in flag["extension"]]
    assert references == [
        "QuestionnaireResponse/administration-9",
        "Observation/administration-9-flag-phq9-item9-risk",
    ]
    assert set(references) <= ids


def test_an_answered_intake_risk_event_is_an_inactive_flag_with_its_response_in_words() -> None:
    flag = risk_flag(_risk_event(administration_id=None, answered=True), patient_id="7", base=BASE)
    assert flag["status"] == "inactive"
    assert "extension" not in flag  # an intake questionnaire has no stored response
    assert flag["period"] == {"start": "2025-02-03", "end": "2025-02-03T12:30:00Z"}
    assert "Moderate concern" in flag["code"]["text"]
    assert flag["code"]["text"].startswith("Risk history: PHQ-9 item 9 endorsed (answer 3)")
    assert "assess suicide risk today" not in flag["code"]["text"]  # history, no instruction


def test_the_care_plan_leads_with_the_safety_item_while_a_risk_event_is_open() -> None:
    from attunement.fhir import care_plan
    from attunement.profile import parse_profile
    from attunement.tailoring import plan

    profile = parse_profile(
        {"distress": {"instrument": "phq9", "answers": [0, 0, 1, 1, 0, 1, 0, 0, 2]}}
    )
    event = _risk_event(administration_id=9, answered=False)
    resource = care_plan(
        plan(profile, open_risk_events=[event]), patient_id="7", created=WHEN, base=BASE
    )
    first = resource["activity"][0]["detail"]["description"]
    assert first.startswith("Safety first")
    assert "open risk event 5" in first
    assert any(
        n["text"].startswith("Held back while a risk event is open") for n in resource["note"]
    )
    calm = care_plan(plan(parse_profile({"reactance": "high"})), patient_id="7", created=WHEN)
    assert not calm["activity"][0]["detail"]["description"].startswith("Safety first")


def test_a_spanish_clinics_care_plan_is_worded_in_spanish_around_its_translated_texts() -> None:
    from attunement.fhir import care_plan
    from attunement.profile import parse_profile
    from attunement.tailoring import plan
    from attunement.wording import plan_in

    tailored = plan(parse_profile({"reactance": "low", "stage_of_change": "action"}))
    resource = care_plan(
        plan_in(tailored, "es"), patient_id="7", created=WHEN, base=BASE, language="es"
    )
    assert resource["title"] == "Plan de psicoterapia adaptado (Attunement)"
    assert resource["description"].endswith(plan_in(tailored, "es").disclaimer)
    assert resource["description"].split(". ", 1)[1].startswith("Estas son opciones")
    # the settings as the CDS card words them, never an id or an English word
    assert resource["description"].startswith("directividad alta, postura de consultor")
    activities = "\n".join(a["detail"]["description"] for a in resource["activity"])
    assert "\nHacer: " in activities
    assert "\nDo: " not in activities
    assert all(n["text"].startswith("Evidencia de «") for n in resource["note"])
    english = care_plan(tailored, patient_id="7", created=WHEN, base=BASE)
    assert english["title"] == "Tailored psychotherapy plan (Attunement)"
    assert all(n["text"].startswith("Evidence for “") for n in english["note"])
