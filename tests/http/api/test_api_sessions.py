"""``POST /api/v1/episodes/{id}/sessions``: a whole session in one request, or nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from attunement.services import ServiceContext
from attunement.store import Administration, TherapySession
from tests.http.api.conftest import bearer
from tests.services.test_episodes import _count
from tests.services.world import World

PHQ9 = [2, 2, 1, 1, 2, 1, 1, 1, 0]


def test_a_session_is_recorded_with_its_questionnaires_and_markers(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    response = client.post(
        f"/api/v1/episodes/{world.episode_a}/sessions",
        json={
            "number": 1,
            "held_on": "2026-03-02",
            "administrations": [
                {"instrument": "phq9", "answers": PHQ9},
                {"instrument": "wai_sr", "answers": [4] * 12},
            ],
            "rupture_markers": ["withdrawal"],
        },
        headers=auth,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["number"], body["attended"], body["rupture_markers"]) == (1, True, ["withdrawal"])
    assert [a["score"]["scales"]["total"]["value"] for a in body["administrations"]] == [11, 4]
    listed = client.get(f"/api/v1/episodes/{world.episode_a}/sessions", headers=auth)
    assert listed.json() == [body]
    status = client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()
    assert [m["marker"] for m in status["alliance"]["markers"]] == ["withdrawal"]
    assert status["expected"]["method"] == "rational"  # no ETR model stored


def test_an_invalid_answer_answers_422_naming_instrument_and_item_and_stores_nothing(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = client.post(
        f"/api/v1/episodes/{world.episode_a}/sessions",
        json={
            "administrations": [
                {"instrument": "phq9", "answers": PHQ9},
                {"instrument": "wai_sr", "answers": [4] * 11 + [6]},
            ]
        },
        headers=bearer(ctx, "ana"),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "wai_sr.wai_sr_12"
    assert body["allowed"] == "1, 2, 3, 4, 5"
    assert _count(ctx, TherapySession) == 0
    assert _count(ctx, Administration) == 0


def test_an_unknown_marker_answers_422_with_the_known_ones(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = client.post(
        f"/api/v1/episodes/{world.episode_a}/sessions",
        json={"rupture_markers": ["sulking"]},
        headers=bearer(ctx, "ana"),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "rupture_markers"
    assert "withdrawal" in response.json()["allowed"]
    assert _count(ctx, TherapySession) == 0


def test_patient_and_caseload_carry_the_fields_the_pages_need(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    patient = client.get(f"/api/v1/patients/{world.patient_a}", headers=auth).json()
    assert patient["clinician_name"] == "Ana"
    client.post(
        f"/api/v1/episodes/{world.episode_a}/sessions",
        json={
            "number": 1,
            "held_on": "2026-03-02",
            "administrations": [{"instrument": "phq9", "answers": PHQ9}],
        },
        headers=auth,
    )
    (entry,) = client.get("/api/v1/caseload", headers=auth).json()["entries"]
    assert entry["outcome_instrument"] == "phq9"
    assert (entry["latest_session"], entry["latest_on"]) == (1, "2026-03-02")
