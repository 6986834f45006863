"""End to end over HTTP, on the app exactly as ``create_app`` builds it from Settings.

An EHR with its own ES384 key pair, trusted through an ``ATTUNE_CDS_TRUST_FILE``; a clinician
who records a PHQ-9 with item 9 endorsed through the REST API; the EHR opening the chart
(``patient-view``), telling us what the clinician did with the card (feedback, read back
from the audit trail by the admin); and the clinician's FHIR ``$everything``, checked with
the fhir.resources R4B models.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import Engine
from tests.services.world import PASSWORD, FakeClock, World, fast_passwords
from tests.support.app_reuse import AppReuse
from tests.support.interop import assert_valid

from attunement.http import create_app
from attunement.settings import Settings

BASE = "https://attunement.clinic.example"
EHR = "https://ehr.hospital.example/"
SERVICE = "/cds-services/attunement-patient-view"
PHQ9_ITEM9_ENDORSED = [1, 1, 2, 1, 0, 1, 1, 0, 2]
PHQ9_CALM = [1, 1, 2, 1, 0, 1, 1, 0, 0]


class Ehr:
    """The calling EHR: its P-384 key pair (ES384) and the JWTs it signs."""

    def __init__(self, clock: FakeClock) -> None:
        self.private_key = ec.generate_private_key(ec.SECP384R1())
        self.clock = clock

    def public_jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private_key.public_key()))
        return {"keys": [public | {"kid": "ehr-2026", "alg": "ES384", "use": "sig"}]}

    def headers(self, path: str) -> dict[str, str]:
        now = int(self.clock().timestamp())
        claims = {
            "iss": EHR,
            "aud": BASE + path,
            "iat": now,
            "exp": now + 60,
            "jti": str(uuid.uuid4()),
        }
        token = jwt.encode(
            claims, self.private_key, algorithm="ES384", headers={"kid": "ehr-2026", "typ": "JWT"}
        )
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def ehr(clock: FakeClock) -> Ehr:
    return Ehr(clock)


@pytest.fixture
def app(
    engine: Engine, clock: FakeClock, ehr: Ehr, tmp_path: Path, app_reuse: AppReuse
) -> Iterator[FastAPI]:
    trust_file = tmp_path / "cds-trust.yaml"
    trust_file.write_text(
        "# EHRs allowed to call the CDS Hooks service\n"
        + json.dumps({"issuers": [{"iss": EHR, "jwks": ehr.public_jwks()}]}),  # JSON is YAML
        encoding="utf-8",
    )
    settings = Settings(
        mode="dev",
        secret_key="end-to-end-secret-0123456789",  # type: ignore[arg-type]
        public_url=BASE,
        cds_trust_file=trust_file,
    )
    fresh = create_app(settings, engine=engine, clock=clock, passwords=fast_passwords())
    with app_reuse.serving(fresh) as app:  # tests/support/app_reuse.py
        yield app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        yield c


def sign_in(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def patient_view(patient_id: str, **prefetch: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/example", "patientId": patient_id},
    }
    if prefetch:
        body["prefetch"] = prefetch
    return body


def test_a_risk_item_recorded_in_attunement_reaches_the_ehr_as_a_critical_card(
    client: TestClient, world: World, ehr: Ehr
) -> None:
    ana = sign_in(client, "ana")
    recorded = client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        json={"instrument": "phq9", "answers": PHQ9_ITEM9_ENDORSED},
        headers=ana,
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["score"]["has_risk_flag"] is True

    # The EHR sends no prefetch: the cards come from what Attunement holds for A-1.
    response = client.post(SERVICE, json=patient_view("A-1"), headers=ehr.headers(SERVICE))
    assert response.status_code == 200, response.text
    assert_valid("cds-response", response.json())
    cards = response.json()["cards"]
    critical = [card for card in cards if card["indicator"] == "critical"]
    assert len(critical) == 1
    card = critical[0]
    assert card is cards[0]  # most urgent first
    assert len(card["summary"]) < 140
    assert card["summary"].startswith("Open risk event: PHQ-9 item 9 endorsed (answer 2)")
    assert card["source"]["label"] == "Attunement"
    assert card["source"]["url"].startswith(BASE)
    assert card["links"][0]["url"] == f"{BASE}/patients/{world.patient_a}"
    assert card["detail"]


def test_no_prefetch_and_no_data_for_the_patient_is_412(
    client: TestClient, world: World, ehr: Ehr
) -> None:
    unknown = client.post(SERVICE, json=patient_view("never-seen"), headers=ehr.headers(SERVICE))
    assert unknown.status_code == 412
    outcome = unknown.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == ["questionnaireResponses"]
    # The same patient with the prefetch sent as null ("the client has no data") is answered.
    answered = client.post(
        SERVICE,
        json=patient_view("never-seen", questionnaireResponses=None),
        headers=ehr.headers(SERVICE),
    )
    assert answered.status_code == 200
    assert answered.json() == {"cards": []}


def test_feedback_on_a_card_is_in_the_audit_trail(
    client: TestClient, world: World, ehr: Ehr, clock: FakeClock
) -> None:
    ana = sign_in(client, "ana")
    client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        json={"instrument": "phq9", "answers": PHQ9_ITEM9_ENDORSED},
        headers=ana,
    )
    cards = client.post(SERVICE, json=patient_view("A-1"), headers=ehr.headers(SERVICE))
    card_uuid = cards.json()["cards"][0]["uuid"]
    feedback_path = f"{SERVICE}/feedback"
    when = clock().isoformat().replace("+00:00", "Z")
    body = {
        "feedback": [
            {
                "card": card_uuid,
                "outcome": "overridden",
                "overrideReason": {"userComment": "Safety plan reviewed in today's session."},
                "outcomeTimestamp": when,
            }
        ]
    }
    response = client.post(feedback_path, json=body, headers=ehr.headers(feedback_path))
    assert response.status_code == 200, response.text
    assert response.json() == {"recorded": 1}

    trail = client.get("/api/v1/audit", params={"limit": 1000}, headers=sign_in(client, "admin"))
    assert trail.status_code == 200
    (entry,) = [e for e in trail.json() if e["action"] == "cds.feedback"]
    assert entry["actor"] == f"ehr:{EHR}"
    assert entry["target"] == f"card:{card_uuid}"
    assert entry["outcome"] == "overridden"
    assert entry["detail"]["user_comment"] == "Safety plan reviewed in today's session."
    assert datetime.fromisoformat(entry["detail"]["outcome_at"]) == clock()
    views = [e for e in trail.json() if e["action"] == "cds.patient_view"]
    assert [e["patient_id"] for e in views] == [world.patient_a]
    verified = client.get("/api/v1/audit/verify", headers=sign_in(client, "admin"))
    assert verified.json()["intact"] is True


def test_everything_for_ones_own_patient_is_valid_fhir_r4b_and_others_get_404(
    client: TestClient, world: World
) -> None:
    ana = sign_in(client, "ana")
    client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        json={"instrument": "phq9", "answers": PHQ9_ITEM9_ENDORSED},
        headers=ana,
    )
    path = f"/fhir/Patient/{world.patient_a}/$everything"
    response = client.get(path, headers=ana)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    document = response.json()
    bundle = Bundle.model_validate(document)
    assert bundle.type == "searchset"
    kinds = []
    for entry in document["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"].startswith(f"{BASE}/fhir/")
        kinds.append(resource["resourceType"])
    assert {"Patient", "Questionnaire", "QuestionnaireResponse", "Observation"} <= set(kinds)
    questionnaire = next(
        e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Questionnaire"
    )
    assert questionnaire["url"] == f"{BASE}/fhir/Questionnaire/phq9"

    other = client.get(path, headers=sign_in(client, "ben"))
    assert other.status_code == 404
    assert other.headers["content-type"].startswith("application/json")


def _session(client: TestClient, world: World, answers: list[int]) -> None:
    """A session recorded by ana (signed in afresh: the clock moves by weeks)."""
    response = client.post(
        f"/api/v1/episodes/{world.episode_a}/sessions",
        json={"administrations": [{"instrument": "phq9", "answers": answers}]},
        headers=sign_in(client, "ana"),
    )
    assert response.status_code == 201, response.text


def _critical(client: TestClient, ehr: Ehr) -> list[dict[str, Any]]:
    response = client.post(SERVICE, json=patient_view("A-1"), headers=ehr.headers(SERVICE))
    assert response.status_code == 200, response.text
    assert_valid("cds-response", response.json())
    return [c for c in response.json()["cards"] if c["indicator"] == "critical"]


def test_an_open_risk_event_from_session_2_still_gives_a_card_after_a_calm_session_3(
    client: TestClient, world: World, ehr: Ehr, clock: FakeClock
) -> None:
    for answers in (PHQ9_CALM, PHQ9_ITEM9_ENDORSED, PHQ9_CALM):
        _session(client, world, answers)
        clock.advance(days=7)
    (card,) = _critical(client, ehr)
    assert "at session 2" in card["summary"]
    assert "It stays open until a clinician records a risk response." in card["detail"]


def test_an_answered_risk_event_gives_no_urgent_card_and_a_new_endorsement_a_new_one(
    client: TestClient, world: World, ehr: Ehr, clock: FakeClock
) -> None:
    _session(client, world, PHQ9_ITEM9_ENDORSED)
    answered = client.post(
        f"/api/v1/patients/{world.patient_a}/risk-events/response",
        json={
            "assessed_on": clock().date().isoformat(),
            "level": "low",
            "actions": ["safety_plan"],
        },
        headers=sign_in(client, "ana"),
    )
    assert answered.status_code == 200, answered.text
    assert _critical(client, ehr) == []
    clock.advance(days=7)
    _session(client, world, PHQ9_ITEM9_ENDORSED)
    (card,) = _critical(client, ehr)
    assert "at session 2" in card["summary"]
    assert "session 1" not in card["summary"]


def _flags(client: TestClient, world: World, headers: dict[str, str]) -> list[dict[str, Any]]:
    document = client.get(f"/fhir/Patient/{world.patient_a}/$everything", headers=headers).json()
    Bundle.model_validate(document)
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Flag"], {
        e["resource"]["resourceType"] + "/" + e["resource"]["id"] for e in document["entry"]
    }


def test_each_risk_event_is_a_fhir_flag_active_while_open_and_inactive_once_answered(
    client: TestClient, world: World, clock: FakeClock
) -> None:
    ana = sign_in(client, "ana")
    _session(client, world, PHQ9_ITEM9_ENDORSED)
    (flag,), ids = _flags(client, world, ana)
    get_fhir_model_class("Flag").model_validate(flag)
    assert flag["status"] == "active"
    assert flag["subject"] == {"reference": f"Patient/{world.patient_a}"}
    assert flag["category"][0]["coding"][0]["code"] == "clinical"
    assert flag["code"]["text"].startswith("Open risk event: PHQ-9 item 9 endorsed (answer 2)")
    assert "end" not in flag["period"]
    details = [x["valueReference"]["reference"] for x in flag["extension"]]
    assert any(d.startswith("QuestionnaireResponse/") for d in details)
    assert set(details) <= ids  # every reference resolves inside the Bundle
    clock.advance(hours=2)
    client.post(
        f"/api/v1/patients/{world.patient_a}/risk-events/response",
        json={"assessed_on": clock().date().isoformat(), "level": "low", "actions": ["referral"]},
        headers=ana,
    )
    (flag,), _ = _flags(client, world, ana)
    assert flag["status"] == "inactive"
    assert flag["code"]["text"].startswith("Risk history:")
    assert "Referred" in flag["code"]["text"]
    assert flag["period"]["end"] > flag["period"]["start"]
