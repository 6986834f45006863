"""The card for EHR data Attunement could not read says why in the clinic's language (issue
16): a prefetch of the wrong resource type and a questionnaire response the FHIR import
refused, each worded from its message id; what the EHR sent (a type, a URL) as sent."""

from __future__ import annotations

from typing import Any

import pytest
from tests.support.interop import load_fixture

from attunement.cds_hooks import (
    CardContext,
    CdsRequest,
    PatientSignals,
    build_cards,
    read_patient_view,
)
from attunement.fhir import FhirBase, import_fhir

SPANISH = CardContext(
    hook_instance="d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    patient_page_url="https://attunement.example/patients/7",
    source_url="https://attunement.example/about",
    language="es",
)
US_CORE_QR = load_fixture("fhir/us-core-QuestionnaireResponse-phq-9-example.json")


def _request(observations: Any) -> CdsRequest:
    return CdsRequest.model_validate(
        {
            "hook": "patient-view",
            "hookInstance": "h",
            "context": {"patientId": "p"},
            "prefetch": {"questionnaireResponses": None, "observations": observations},
        }
    )


def _unread_detail(signals: PatientSignals) -> str:
    (card,) = build_cards(signals, SPANISH)
    assert card.indicator == "warning"
    return card.detail or ""


@pytest.mark.parametrize(
    ("observations", "english", "spanish"),
    [
        (
            {"resourceType": "Patient", "id": "p"},
            "observations: expected Observation or a Bundle of them, got 'Patient'",
            "observations: se esperaba Observation o un Bundle de ellos y se recibió 'Patient'",
        ),
        (
            ["not", "a", "resource"],
            "observations: expected a FHIR resource or Bundle, got list",
            "observations: se esperaba un recurso FHIR o un Bundle y se recibió list",
        ),
        (
            {"resourceType": "OperationOutcome", "issue": []},
            "observations: the client reported an error (OperationOutcome)",
            "observations: el sistema que llama informó de un error (OperationOutcome)",
        ),
    ],
)
def test_a_prefetch_that_could_not_be_read_is_explained_in_spanish(
    observations: Any, english: str, spanish: str
) -> None:
    data = read_patient_view(_request(observations))
    assert data.prefetch_problems == (english,)
    signals = PatientSignals(
        unread=data.prefetch_problems, unread_worded=data.prefetch_problems_worded
    )
    detail = _unread_detail(signals)
    assert spanish.replace("_", "\\_") in detail.replace("\\'", "'")
    assert "expected" not in detail


def test_a_refused_questionnaire_response_is_explained_in_spanish() -> None:
    (refused,) = import_fhir(US_CORE_QR, base=FhirBase(base_url="https://c.example")).refused
    assert [r.text for r in refused.reasons_worded] == list(refused.reasons)
    signals = PatientSignals(unread=refused.reasons[:1], unread_worded=refused.reasons_worded)
    detail = _unread_detail(signals)
    assert "no se conoce; envíe su Questionnaire" in detail
    assert "is not known" not in detail
    assert "QuestionnaireResponse/phq-9-example" in detail.replace("\\", "")


def test_a_reason_without_its_twin_is_shown_as_before() -> None:
    signals = PatientSignals(unread=("QuestionnaireResponse/x: questionnaire http://a/b is new",))
    assert "questionnaire http://a/b is new" in _unread_detail(signals).replace("\\", "")
