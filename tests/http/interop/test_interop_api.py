"""The interop HTTP routes on the real app: FHIR with the API's access rules, CDS Hooks
with the EHR's JWT — every CDS response checked against our schema from the spec."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.services.world import PASSWORD, FakeClock, World
from tests.support.interop import EhrKeys, assert_valid, load_fixture

from attunement.services import (
    AdministrationCreate,
    PatientCreate,
    ServiceContext,
    login_for_token,
    record_administration,
    register_patient,
    update_profile,
)

BASE = "https://testserver"
US_CORE_Q = load_fixture("fhir/us-core-Questionnaire-phq-9-example.json")
# authored within the world's episodes (they start 2026-03-02; earlier answers are refused)
US_CORE_QR = load_fixture("fhir/us-core-QuestionnaireResponse-phq-9-example.json") | {
    "authored": "2026-03-02T08:50:32Z"
}


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        yield c


def bearer(ctx: ServiceContext, username: str) -> dict[str, str]:
    token = login_for_token(ctx, username=username, password=PASSWORD).access_token
    return {"Authorization": f"Bearer {token}"}


def ehr(keys: EhrKeys, clock: FakeClock, path: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {keys.sign(aud=BASE + path, now=clock())}"}


def test_a_questionnaire_is_served_to_a_signed_in_user_only(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    assert client.get("/fhir/Questionnaire/phq9").status_code == 401
    response = client.get("/fhir/Questionnaire/phq9", headers=bearer(ctx, "ana"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert response.json()["url"] == f"{BASE}/fhir/Questionnaire/phq9"
    assert client.get("/fhir/Questionnaire/wai-sr", headers=bearer(ctx, "ana")).status_code == 200
    assert client.get("/fhir/Questionnaire/nope", headers=bearer(ctx, "ana")).status_code == 404


def test_everything_follows_the_apis_access_rules(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=[1, 1, 1, 1, 1, 1, 1, 1, 0]),
    )
    own = client.get(f"/fhir/Patient/{world.patient_a}/$everything", headers=bearer(ctx, "ana"))
    assert own.status_code == 200
    bundle = own.json()
    assert bundle["type"] == "searchset"
    assert [e["resource"]["resourceType"] for e in bundle["entry"]][:2] == [
        "Patient",
        "Questionnaire",
    ]
    assert (
        client.get(
            f"/fhir/Patient/{world.patient_a}/$everything", headers=bearer(ctx, "sam")
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"/fhir/Patient/{world.patient_a}/$everything", headers=bearer(ctx, "ben")
        ).status_code
        == 404
    )


def test_importing_the_us_core_example_twice_stores_it_once(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    body = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": US_CORE_Q}, {"resource": US_CORE_QR}],
    }
    first = client.post(
        f"/fhir?patient_id={world.patient_a}", json=body, headers=bearer(ctx, "ana")
    ).json()
    assert [(r["status"], r["scales"]["total"]) for r in first["imported"]] == [("imported", 12.0)]
    again = client.post(
        f"/fhir?patient_id={world.patient_a}", json=body, headers=bearer(ctx, "ana")
    ).json()
    assert [r["status"] for r in again["imported"]] == ["already_imported"]
    assert again["imported"][0]["administration_id"] == first["imported"][0]["administration_id"]


def _qr_with_item9(answer_code: str, qr_id: str) -> dict[str, object]:
    """A PHQ-9 QuestionnaireResponse (LOINC answer codes) with every item given that answer."""
    qr = copy.deepcopy(US_CORE_QR) | {"id": qr_id, "questionnaire": "http://loinc.org/q/44249-1"}
    qr["item"] = [
        {
            "linkId": f"phq9_{i}",
            "answer": [{"valueCoding": {"system": "http://loinc.org", "code": answer_code}}],
        }
        for i in range(1, 10)
    ]
    return qr


def test_a_fhir_import_with_item_9_endorsed_opens_a_risk_event_pinned_on_the_caseload(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    body = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": _qr_with_item9("LA6569-3", "ehr-qr-9")}],
    }
    report = client.post(
        f"/fhir?patient_id={world.patient_a}", json=body, headers=bearer(ctx, "ana")
    )
    assert report.status_code == 200, report.text
    assert report.json()["imported"][0]["flags"] == ["phq9_item9_risk"]
    events = client.get(
        f"/api/v1/patients/{world.patient_a}/risk-events", headers=bearer(ctx, "ana")
    ).json()
    (event,) = events
    assert event["open"] is True
    assert event["endorsements"][0]["route"] == "fhir_import"
    assert event["headline"].startswith("Open risk event: PHQ-9 item 9 endorsed (answer 1)")
    caseload = client.get("/api/v1/caseload", headers=bearer(ctx, "ana")).json()["entries"]
    assert (caseload[0]["patient_id"], caseload[0]["risk_flag"]) == (world.patient_a, True)
    again = client.post(
        f"/fhir?patient_id={world.patient_a}", json=body, headers=bearer(ctx, "ana")
    )
    assert again.json()["imported"][0]["status"] == "already_imported"
    events = client.get(
        f"/api/v1/patients/{world.patient_a}/risk-events", headers=bearer(ctx, "ana")
    ).json()
    assert [len(e["endorsements"]) for e in events] == [1]  # a re-import adds nothing


def test_a_response_for_a_patient_by_external_id_is_matched_and_others_refused(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    mine = copy.deepcopy(US_CORE_QR) | {"id": "mine", "subject": {"reference": "Patient/A-1"}}
    theirs = copy.deepcopy(US_CORE_QR) | {"id": "theirs", "subject": {"reference": "Patient/B-1"}}
    body = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": US_CORE_Q}, {"resource": mine}, {"resource": theirs}],
    }
    report = client.post("/fhir", json=body, headers=bearer(ctx, "ana")).json()
    assert [(r["resource_id"], r["patient_id"]) for r in report["imported"]] == [
        ("mine", world.patient_a)
    ]
    assert report["refused"][0]["resource_id"] == "theirs"
    assert "not found" in report["refused"][0]["reasons"][0]


def test_discovery_needs_the_ehrs_jwt_and_answers_with_the_service(
    client: TestClient, clock: FakeClock, ehr_keys: EhrKeys
) -> None:
    assert client.get("/cds-services").status_code == 401
    response = client.get("/cds-services", headers=ehr(ehr_keys, clock, "/cds-services"))
    assert response.status_code == 200
    assert_valid("cds-discovery", response.json())
    wrong_aud = ehr(ehr_keys, clock, "/cds-services/attunement-patient-view")
    assert client.get("/cds-services", headers=wrong_aud).status_code == 401


def test_a_replayed_token_is_refused(
    client: TestClient, clock: FakeClock, ehr_keys: EhrKeys
) -> None:
    headers = ehr(ehr_keys, clock, "/cds-services")
    assert client.get("/cds-services", headers=headers).status_code == 200
    assert client.get("/cds-services", headers=headers).status_code == 401


def test_the_specifications_request_for_an_unknown_patient_gets_412(
    client: TestClient, clock: FakeClock, ehr_keys: EhrKeys, world: World
) -> None:
    path = "/cds-services/attunement-patient-view"
    response = client.post(
        path,
        json=load_fixture("cds_hooks/patient-view-request-example.json"),
        headers=ehr(ehr_keys, clock, path),
    )
    assert response.status_code == 412
    assert response.json()["resourceType"] == "OperationOutcome"


def test_prefetched_responses_with_item_9_endorsed_give_a_critical_card(
    client: TestClient, clock: FakeClock, ehr_keys: EhrKeys, world: World
) -> None:
    qr = copy.deepcopy(US_CORE_QR)
    qr["questionnaire"] = "http://loinc.org/q/44249-1"
    qr["item"] = [
        {
            "linkId": f"phq9_{i}",
            "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "LA6569-3"}}],
        }
        for i in range(1, 10)
    ]
    body = copy.deepcopy(load_fixture("cds_hooks/patient-view-request-example.json"))
    body["prefetch"] = {
        "questionnaireResponses": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": qr}],
        }
    }
    path = "/cds-services/attunement-patient-view"
    response = client.post(path, json=body, headers=ehr(ehr_keys, clock, path))
    assert response.status_code == 200
    assert_valid("cds-response", response.json())
    (card,) = response.json()["cards"]
    assert card["indicator"] == "critical"
    assert "links" not in card  # the patient is not known to Attunement


def test_a_known_patients_plan_card_links_to_the_patient_page(
    client: TestClient, ctx: ServiceContext, clock: FakeClock, ehr_keys: EhrKeys, world: World
) -> None:
    patient = register_patient(
        ctx,
        world.ana,
        PatientCreate(display_name="Synthetic Cleo", preferred_language="en", external_id="C-1"),
    )
    update_profile(
        ctx, world.ana, patient.id, {"reactance": "high", "stage_of_change": "contemplation"}
    )
    body = {
        "hook": "patient-view",
        "hookInstance": "8c0b8f2e-7b1e-4f5e-9d1f-1c2b3a4d5e6f",
        "context": {"patientId": "C-1"},
        "prefetch": {"questionnaireResponses": None},
    }
    path = "/cds-services/attunement-patient-view"
    response = client.post(path, json=body, headers=ehr(ehr_keys, clock, path))
    assert response.status_code == 200
    assert_valid("cds-response", response.json())
    (card,) = response.json()["cards"]
    assert card["indicator"] == "info"
    assert card["links"] == [
        {
            "label": "Open the patient in Attunement",
            "url": f"{BASE}/patients/{patient.id}",
            "type": "absolute",
        }
    ]


def test_feedback_is_recorded_in_the_audit_trail(
    client: TestClient, ctx: ServiceContext, clock: FakeClock, ehr_keys: EhrKeys, world: World
) -> None:
    from attunement.services import OperatorActor, list_audit

    path = "/cds-services/attunement-patient-view/feedback"
    for name in ("feedback-accepted-example.json", "feedback-override-reason-example.json"):
        response = client.post(
            path, json=load_fixture(f"cds_hooks/{name}"), headers=ehr(ehr_keys, clock, path)
        )
        assert response.status_code == 200
        assert response.json() == {"recorded": 1}
    entries = [e for e in list_audit(ctx, OperatorActor(name="t")) if e.action == "cds.feedback"]
    assert sorted(e.outcome for e in entries) == ["accepted", "overridden"]
    other = "/cds-services/other/feedback"
    assert (
        client.post(
            other,
            json=load_fixture("cds_hooks/feedback-accepted-example.json"),
            headers=ehr(ehr_keys, clock, other),
        ).status_code
        == 404
    )


def test_a_prefetched_response_for_an_unknown_questionnaire_is_flagged_not_dropped(
    client: TestClient, clock: FakeClock, ehr_keys: EhrKeys, world: World
) -> None:
    body = copy.deepcopy(load_fixture("cds_hooks/patient-view-request-example.json"))
    body["prefetch"] = {"questionnaireResponses": US_CORE_QR}
    path = "/cds-services/attunement-patient-view"
    response = client.post(path, json=body, headers=ehr(ehr_keys, clock, path))
    assert response.status_code == 200
    assert_valid("cds-response", response.json())
    (card,) = response.json()["cards"]
    assert card["indicator"] == "warning"
    assert "not checked for risk items" in card["summary"]
