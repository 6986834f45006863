"""/api/v1/notifications: a patient's risk answer at home reaches the clinician (issue 14).

End to end over HTTP: the clinician issues a link, the patient answers PHQ-9 item 9 with the
link as bearer, the clinician's badge counts one risk notification, the list names the
patient, an acknowledgement empties the badge; preferences refuse switching a risk
notification off in the app and name the field. Both backends.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from attunement.services import ServiceContext
from tests.http.api.conftest import bearer
from tests.services.world import World

ITEM9 = [2, 2, 2, 2, 2, 2, 2, 2, 3]


def _patient_answers(client: TestClient, auth: dict[str, str], episode: int) -> None:
    issued = client.post(
        f"/api/v1/episodes/{episode}/invitations", json={"instruments": ["phq9"]}, headers=auth
    )
    assert issued.status_code == 201, issued.text
    submitted = client.post(
        "/api/v1/self-report",
        json={"responses": [{"instrument": "phq9", "answers": ITEM9}]},
        headers={"Authorization": f"Bearer {issued.json()['token']}"},
    )
    assert submitted.status_code == 201, submitted.text


def test_a_risk_answer_at_home_reaches_the_clinician_until_acknowledged(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    ana = bearer(ctx, "ana")
    _patient_answers(client, ana, world.episode_a)
    assert client.get("/api/v1/notifications/waiting", headers=ana).json() == {
        "waiting": 1,
        "risk": 1,
    }
    (notice,) = client.get("/api/v1/notifications", headers=ana).json()
    assert notice["kind"] == "risk"
    assert notice["patient_id"] == world.patient_a
    assert notice["title"] == "A risk answer arrived without you present"
    acknowledged = client.post(f"/api/v1/notifications/{notice['id']}/acknowledge", headers=ana)
    assert acknowledged.status_code == 204
    assert client.get("/api/v1/notifications/waiting", headers=ana).json()["waiting"] == 0
    everything = client.get(
        "/api/v1/notifications", params={"include_acknowledged": "true"}, headers=ana
    ).json()
    assert [n["id"] for n in everything] == [notice["id"]]
    # the risk event itself stays open until a risk response is recorded
    events = client.get(f"/api/v1/patients/{world.patient_a}/risk-events", headers=ana).json()
    assert events[0]["open"] is True


def test_preferences_keep_risk_in_the_app_and_name_the_field(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    ben = bearer(ctx, "ben")
    refused = client.put(
        "/api/v1/notifications/preferences",
        json={"channels": {"risk": {"in_app": False, "email": True}}},
        headers=ben,
    )
    assert refused.status_code == 422
    assert "risk.in_app" in refused.text
    chosen = client.put(
        "/api/v1/notifications/preferences",
        json={"channels": {"weekly_digest": {"in_app": True, "email": True}}},
        headers=ben,
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["channels"]["weekly_digest"] == {"in_app": True, "email": True}
    assert chosen.json()["channels"]["risk"] == {"in_app": True, "email": True}
    unknown = client.put(
        "/api/v1/notifications/preferences",
        json={"channels": {"horoscope": {"in_app": True, "email": True}}},
        headers=ben,
    )
    assert unknown.status_code == 422
    assert "horoscope" in unknown.text
    assert client.get("/api/v1/notifications", params={"limit": 0}, headers=ben).status_code == 422


def test_an_address_with_a_control_character_is_refused_not_a_server_error(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    """PostgreSQL text refuses a NUL: it must be refused at the door, naming the field."""
    refused = client.put(
        "/api/v1/notifications/email",
        json={"email": "ana\u0000x@example.org"},
        headers=bearer(ctx, "ana"),
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "email"
