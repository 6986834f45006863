"""The interoperability routes' rows of the permission matrix.

Collected by ``tests/http/api/test_permission_matrix`` (every route of the app needs a row).

FHIR routes follow the API's rules (bearer token or session cookie): any clinic account
reads a Questionnaire; a patient's record ($everything) is read like
``GET /api/v1/patients/{id}``; an import needs a caseload, and each response in it is then
checked against the caller's access (a patient the caller may not change is *refused in the
report*, status 200 — see ``test_interop_permissions``). An invitation token is not a clinic
account.

CDS Hooks routes authenticate the calling EHR by its signed JWT, never a user: every user
token, an invitation token and no credential get 401 (the shared matrix's app has no trust
file, so there no EHR is trusted at all). The column the shared matrix has not — a valid EHR
JWT — is :data:`EHR_EXPECT`, checked on an app with a trust file in
``test_interop_permissions``, where an EHR's JWT is also refused by the FHIR routes.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.http.api.permission_matrix import (
    ALLOW,
    CASELOAD,
    READ,
    Cell,
    Row,
    _expect,
    default_params,
)
from tests.support.interop import load_fixture

SERVICE_PATH = "/cds-services/attunement-patient-view"

US_CORE_Q = load_fixture("fhir/us-core-Questionnaire-phq-9-example.json")
# authored within the world's episodes (they start 2026-03-02; earlier answers are refused)
US_CORE_QR = load_fixture("fhir/us-core-QuestionnaireResponse-phq-9-example.json") | {
    "authored": "2026-03-02T08:50:32Z"
}


ANY_ACCOUNT = _expect(
    admin=ALLOW,
    supervisor=ALLOW,
    clinician_own=ALLOW,
    clinician_other=ALLOW,
    anonymous=401,
    patient=403,
)
#: A patient's record ($everything) is read like GET /api/v1/patients/{id}.
PATIENT_RECORD = READ
EHR_ONLY = _expect(
    admin=401,
    supervisor=401,
    clinician_own=401,
    clinician_other=401,
    anonymous=401,
    patient=401,
)


def import_bundle(cell: Cell | None = None) -> dict[str, Any]:
    """The US Core PHQ-9 example Questionnaire and a response to it for patient A (A-1)."""
    del cell
    response = copy.deepcopy(US_CORE_QR) | {"subject": {"reference": "Patient/A-1"}}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": US_CORE_Q}, {"resource": response}],
    }


def patient_view(cell: Cell | None = None) -> dict[str, Any]:
    """A ``patient-view`` call for patient A; the EHR has no responses (prefetch null)."""
    del cell
    return {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/example", "patientId": "A-1"},
        "prefetch": {"questionnaireResponses": None},
    }


def _questionnaire(cell: Cell) -> dict[str, Any]:
    return {**default_params(cell), "questionnaire_id": "phq9"}


def _service(cell: Cell) -> dict[str, Any]:
    return {"service_id": "attunement-patient-view"}


ROWS: list[Row] = [
    Row("GET", "/fhir/Questionnaire/{questionnaire_id}", ANY_ACCOUNT, params=_questionnaire),
    Row("GET", "/fhir/Patient/{patient_id}/$everything", PATIENT_RECORD),
    Row(
        "POST",
        "/fhir",
        CASELOAD,
        json=import_bundle,
        notes="supervisor and other clinician: 200 with the response refused in the report",
    ),
    Row("GET", "/cds-services", EHR_ONLY),
    Row("POST", SERVICE_PATH, EHR_ONLY, json=patient_view),
    Row(
        "POST",
        "/cds-services/{service_id}/feedback",
        EHR_ONLY,
        json=lambda cell: load_fixture("cds_hooks/feedback-accepted-example.json"),
        params=_service,
    ),
]

#: With a valid EHR JWT (and a trust file): CDS Hooks allowed, FHIR refused (not a user).
EHR_EXPECT: dict[tuple[str, str], int | str] = {
    ("GET", "/fhir/Questionnaire/{questionnaire_id}"): 401,
    ("GET", "/fhir/Patient/{patient_id}/$everything"): 401,
    ("POST", "/fhir"): 401,
    ("GET", "/cds-services"): ALLOW,
    ("POST", SERVICE_PATH): ALLOW,
    ("POST", "/cds-services/{service_id}/feedback"): ALLOW,
}
