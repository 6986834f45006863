"""The stored course predictions through the API (issue 15): what the intake write stored,
newest first, never computed on the read; another clinician's episode is 404. On SQLite and
PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from attunement.services import ServiceContext, list_audit
from tests.http.api.conftest import bearer
from tests.services.world import OPERATOR, World

MODERATE = [2, 2, 2, 2, 2, 2, 2, 2, 0]  # PHQ-9 total 16


def test_the_course_stored_by_the_intake_session_is_returned_and_reads_add_none(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    path = f"/api/v1/episodes/{world.episode_a}/course"
    assert client.get(path, headers=auth).json() == []  # no intake, no course
    session = {
        "number": 1,
        "held_on": "2026-03-02",
        "administrations": [{"instrument": "phq9", "answers": MODERATE}],
    }
    created = client.post(
        f"/api/v1/episodes/{world.episode_a}/sessions", json=session, headers=auth
    )
    assert created.status_code == 201, created.text

    first = client.get(path, headers=auth)
    again = client.get(path, headers=auth)
    assert first.status_code == 200, first.text
    assert first.json() == again.json()
    (course,) = first.json()
    assert course["episode_id"] == world.episode_a
    assert course["intake"] == 16
    assert course["method"] == "rational"
    assert course["made_at_intake"] is True
    assert len(course["points"]) == 12
    assert set(course["neighbours"]["outcomes"]) == {
        "recovered",
        "improved",
        "unchanged",
        "deteriorated",
        "dropped_out",
    }
    actions = [e.action for e in list_audit(ctx, OPERATOR, patient_id=world.patient_a)]
    assert actions.count("course_prediction.list") == 3

    other = client.get(path, headers=bearer(ctx, "ben"))
    assert other.status_code == 404
