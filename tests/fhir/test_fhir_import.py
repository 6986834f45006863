"""FHIR R4 import: responses checked against their Questionnaire, scored by the one engine."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.interop import load_fixture

from attunement.errors import InputError
from attunement.fhir import (
    FhirAdministrationRecord,
    FhirBase,
    PatientRecord,
    bundle,
    export_record,
    import_fhir,
    questionnaire_response,
)
from attunement.instruments import load_instrument, score

BASE = FhirBase(base_url="https://clinic.example")
WHEN = datetime(2025, 2, 3, 10, 30, tzinfo=UTC)
US_CORE_Q = load_fixture("fhir/us-core-Questionnaire-phq-9-example.json")
US_CORE_QR = load_fixture("fhir/us-core-QuestionnaireResponse-phq-9-example.json")


def exported(answers: tuple[int | None, ...], instrument: str = "phq9", id_: str = "1") -> dict:
    definition = load_instrument(instrument)
    record = FhirAdministrationRecord(
        id=id_,
        patient_id="7",
        instrument=instrument,
        version=definition.version,
        answers=answers,
        administered_at=WHEN,
    )
    return questionnaire_response(record, definition, base=BASE)


def test_the_us_core_phq9_example_imports_and_scores_12_like_its_own_total() -> None:
    result = import_fhir(bundle([US_CORE_Q, US_CORE_QR], base=BASE), base=BASE)
    assert result.refused == ()
    (response,) = result.imported
    assert response.instrument == "phq9"
    assert response.answers == (2, 2, 2, 2, 1, 1, 2, 0, 0)
    assert response.score.scales["total"].value == 12
    assert response.score.scales["total"].band == "moderate"
    assert response.score.flags == ()
    assert response.subject == "Patient/example"
    assert response.authored == datetime(2022, 11, 29, 20, 50, 32, 718000, tzinfo=UTC)
    assert response.source_key == "QuestionnaireResponse/phq-9-example"
    assert "the response's own total 12 agrees with Attunement's score 12" in response.notes
    assert "linkId '/69722-7' is not an item of PHQ-9; not scored" in response.notes
    assert [i.resource_type for i in result.ignored] == ["Questionnaire"]


def test_the_us_core_response_alone_imports_when_its_questionnaire_is_supplied() -> None:
    result = import_fhir(US_CORE_QR, base=BASE, questionnaires=[US_CORE_Q])
    assert result.imported[0].score.scales["total"].value == 12


def test_the_us_core_response_without_its_questionnaire_is_refused_with_the_reason() -> None:
    result = import_fhir(US_CORE_QR, base=BASE)
    (refused,) = result.refused
    assert refused.resource_id == "phq-9-example"
    assert "is not known" in refused.reasons[0]


def test_a_canonical_ending_in_the_loinc_panel_code_is_recognised() -> None:
    qr = exported((1, 1, 1, 1, 1, 1, 1, 1, 0))
    qr["questionnaire"] = "http://loinc.org/q/44249-1"
    (response,) = import_fhir(qr, base=BASE).imported
    assert response.instrument == "phq9"
    assert response.score.scales["total"].value == 8


answer = st.one_of(st.none(), st.integers(min_value=0, max_value=3))


@settings(max_examples=60, deadline=None)
@given(st.tuples(*[answer] * 9).filter(lambda a: any(v is not None for v in a)))
def test_export_then_import_gives_the_same_answers_and_score(
    answers: tuple[int | None, ...],
) -> None:
    definition = load_instrument("phq9")
    (response,) = import_fhir(exported(answers), base=BASE).imported
    assert response.answers == answers
    assert response.score == score(definition, answers)


def test_a_whole_exported_record_round_trips_to_the_same_scores() -> None:
    definition = load_instrument("gad7")
    admins = [
        FhirAdministrationRecord(
            id=str(i),
            patient_id="7",
            instrument="gad7",
            version=definition.version,
            answers=answers,
            administered_at=WHEN,
        )
        for i, answers in enumerate([(3, 3, 2, 2, 1, 1, 0), (0, 1, 0, 1, 0, 1, None)])
    ]
    record = export_record(PatientRecord(id="7"), admins, generated_at=WHEN, base=BASE)
    result = import_fhir(record, base=BASE)
    assert [r.answers for r in result.imported] == [a.answers for a in admins]
    assert [r.score for r in result.imported] == [score(definition, a.answers) for a in admins]
    assert {i.resource_type for i in result.ignored} == {"Patient", "Questionnaire", "Observation"}
    assert all(i.reason for i in result.ignored)


def _break(qr: dict, how: str) -> dict:
    qr = copy.deepcopy(qr)
    if how == "linkId":
        qr["item"][0]["linkId"] = "phq9_99"
    elif how == "type":
        qr["item"][0]["answer"] = [{"valueString": "often"}]
    elif how == "option":
        qr["item"][0]["answer"][0]["valueCoding"]["code"] = "LA9999-9"
    elif how == "repeats":
        qr["item"][0]["answer"] *= 2
    elif how == "status":
        qr["status"] = "in-progress"
    elif how == "invalid":
        del qr["status"]
    return qr


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("linkId", "linkId 'phq9_99' is not in the Questionnaire"),
        ("type", "linkId 'phq9_1': valueString does not fit a choice question"),
        ("option", "linkId 'phq9_1': http://loinc.org|LA9999-9 is not one of the answer options"),
        ("repeats", "linkId 'phq9_1' has 2 answers but does not repeat"),
        ("status", "only completed or amended responses are imported"),
        ("invalid", "not a valid FHIR R4 QuestionnaireResponse"),
    ],
)
def test_a_bad_response_is_refused_naming_resource_and_linkid_and_the_others_still_import(
    how: str, message: str
) -> None:
    good = exported((1, 1, 1, 1, 1, 1, 1, 1, 0), id_="good")
    bad = _break(exported((2, 2, 2, 2, 2, 2, 2, 2, 0), id_="bad"), how)
    raw = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": bad}, {"resource": good}],
    }
    result = import_fhir(raw, base=BASE)
    assert [r.resource_id for r in result.imported] == ["administration-good"]
    (refused,) = result.refused
    assert refused.resource_id == "administration-bad"
    assert any(
        "QuestionnaireResponse/administration-bad" in r and message in r for r in refused.reasons
    ), refused.reasons


def test_a_required_question_left_unanswered_in_the_us_core_form_is_refused() -> None:
    qr = copy.deepcopy(US_CORE_QR)
    qr["item"] = [i for i in qr["item"] if i["linkId"] != "/44250-9"]
    (refused,) = import_fhir(qr, base=BASE, questionnaires=[US_CORE_Q]).refused
    assert "linkId '/44250-9' is required but has no answer" in refused.reasons[0]


def test_an_endorsed_item_9_in_an_imported_response_raises_the_risk_flag() -> None:
    qr = copy.deepcopy(US_CORE_QR)
    qr["item"][8]["answer"][0]["valueCoding"] = {
        "system": "http://loinc.org",
        "code": "LA6569-3",
        "display": "Several days",
    }
    (response,) = import_fhir(qr, base=BASE, questionnaires=[US_CORE_Q]).imported
    assert [f.id for f in response.score.flags] == ["phq9_item9_risk"]
    assert any("DIFFERS" in note for note in response.notes)


def test_something_that_is_neither_a_bundle_nor_a_response_is_an_input_error() -> None:
    with pytest.raises(InputError, match="resourceType"):
        import_fhir({"resourceType": "Patient"}, base=BASE)


def test_an_entry_without_a_resource_is_refused_not_fatal() -> None:
    result = import_fhir(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"fullUrl": "x"}, {"resource": exported((0,) * 9)}],
        },
        base=BASE,
    )
    assert len(result.imported) == 1
    assert result.refused[0].reasons == ("entry has no resource",)
