"""Issue 12 through the API: explicit session create vs edit, corrections and voids with a
trail, and self-reports on the timeline (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from attunement.services import ServiceContext, list_audit
from tests.http.api.conftest import bearer
from tests.services.world import OPERATOR, FakeClock, World

PHQ9_23 = [3, 3, 3, 3, 3, 3, 3, 2, 0]  # 23: severe, no risk item
PHQ9_5 = [1, 1, 1, 1, 1, 0, 0, 0, 0]
PHQ9_RISK = [1, 1, 1, 1, 1, 0, 0, 0, 2]  # item 9 endorsed


def _session(client: TestClient, auth: dict[str, str], episode: int, **body: Any) -> Any:
    return client.post(f"/api/v1/episodes/{episode}/sessions", json=body, headers=auth)


def _phq9(answers: list[int]) -> dict[str, Any]:
    return {"instrument": "phq9", "answers": answers}


def test_an_existing_session_number_is_refused_with_a_link_to_edit_it(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    auth = bearer(ctx, "ana")
    first = _session(
        client,
        auth,
        world.episode_a,
        number=1,
        held_on="2026-03-02",
        administrations=[_phq9(PHQ9_23)],
    )
    assert first.status_code == 201, first.text
    clock.advance(days=7)
    auth = bearer(ctx, "ana")  # the token expired meanwhile
    again = _session(client, auth, world.episode_a, number=1, administrations=[_phq9(PHQ9_5)])
    assert again.status_code == 409
    assert again.headers["Location"] == f"/api/v1/episodes/{world.episode_a}/sessions/1"
    assert again.json()["field"] == "number"
    stored = client.get(again.headers["Location"], headers=auth).json()
    assert stored["held_on"] == "2026-03-02"  # the date did not move to today
    assert [a["score"]["scales"]["total"]["value"] for a in stored["administrations"]] == [23]
    status = client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()
    assert status["latest"] == 23


def test_a_session_is_edited_explicitly_and_only_the_fields_given_change(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    auth = bearer(ctx, "ana")
    clock.advance(days=3)
    auth = bearer(ctx, "ana")  # the token expired meanwhile
    _session(
        client,
        auth,
        world.episode_a,
        number=1,
        held_on="2026-03-02",
        administrations=[_phq9(PHQ9_5)],
    )
    edited = client.patch(
        f"/api/v1/episodes/{world.episode_a}/sessions/1",
        json={"held_on": "2026-03-03", "rupture_markers": ["withdrawal"], "reason": "typo"},
        headers=auth,
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["held_on"], body["attended"], body["rupture_markers"]) == (
        "2026-03-03",
        True,
        ["withdrawal"],
    )
    missed = client.patch(
        f"/api/v1/episodes/{world.episode_a}/sessions/1", json={"attended": False}, headers=auth
    )
    assert missed.status_code == 422
    assert missed.json()["field"] == "attended"
    future = client.patch(
        f"/api/v1/episodes/{world.episode_a}/sessions/1",
        json={"held_on": "2030-01-01"},
        headers=auth,
    )
    assert future.status_code == 422
    assert future.json()["field"] == "held_on"
    unknown = client.patch(
        f"/api/v1/episodes/{world.episode_a}/sessions/9", json={"attended": True}, headers=auth
    )
    assert unknown.status_code == 404


def test_a_correction_replaces_the_score_everywhere_and_keeps_the_original(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    auth = bearer(ctx, "ana")
    _session(client, auth, world.episode_a, number=1, administrations=[_phq9(PHQ9_23)])
    clock.advance(days=7)
    auth = bearer(ctx, "ana")  # the token expired meanwhile
    second = _session(client, auth, world.episode_a, number=2, administrations=[_phq9(PHQ9_5)])
    wrong = second.json()["administrations"][0]
    assert (
        client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()["latest"] == 5
    )
    corrected = client.post(
        f"/api/v1/administrations/{wrong['id']}/correction",
        json={"answers": PHQ9_23, "reason": "paper form misread"},
        headers=auth,
    )
    assert corrected.status_code == 201, corrected.text
    replacement = corrected.json()
    assert (replacement["session_number"], replacement["voided_at"]) == (2, None)
    status = client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()
    assert status["latest"] == 23
    live = client.get(f"/api/v1/episodes/{world.episode_a}/administrations", headers=auth).json()
    assert wrong["id"] not in [a["id"] for a in live]
    assert replacement["id"] in [a["id"] for a in live]
    history = client.get(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        params={"include_voided": "true"},
        headers=auth,
    ).json()
    original = next(a for a in history if a["id"] == wrong["id"])
    assert original["corrected_by_id"] == replacement["id"]
    assert original["void_reason"] == "paper form misread"
    assert original["answers"] == PHQ9_5  # the original is kept as entered
    twice = client.post(
        f"/api/v1/administrations/{wrong['id']}/correction",
        json={"answers": PHQ9_23, "reason": "again"},
        headers=auth,
    )
    assert twice.status_code == 422
    trail = list_audit(ctx, OPERATOR, patient_id=world.patient_a, action="administration.correct")
    assert [e.outcome for e in trail] == ["success", "rejected"]
    assert trail[0].detail["corrected_by"] == replacement["id"]


def test_a_void_needs_a_reason_and_leaves_an_open_risk_event_open(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    _session(client, auth, world.episode_a, number=1, administrations=[_phq9(PHQ9_23)])
    risky = client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        json={**_phq9(PHQ9_RISK), "session_number": 1},
        headers=auth,
    ).json()
    no_reason = client.post(f"/api/v1/administrations/{risky['id']}/void", json={}, headers=auth)
    assert no_reason.status_code == 422
    assert no_reason.json()["field"] == "reason"
    voided = client.post(
        f"/api/v1/administrations/{risky['id']}/void",
        json={"reason": "entered for the wrong patient"},
        headers=auth,
    )
    assert voided.status_code == 200, voided.text
    assert voided.json()["void_reason"] == "entered for the wrong patient"
    events = client.get(f"/api/v1/patients/{world.patient_a}/risk-events", headers=auth).json()
    assert [e["open"] for e in events] == [True]  # never silently closed
    status = client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()
    assert status["latest"] == 23  # the voided PHQ-9 counts nowhere
    trail = list_audit(ctx, OPERATOR, patient_id=world.patient_a, action="administration.void")
    assert trail[-1].detail["risk_events_left_open"] == [events[0]["id"]]


def test_a_voided_session_counts_nowhere_and_its_number_is_not_reused(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    auth = bearer(ctx, "ana")
    _session(client, auth, world.episode_a, number=1, administrations=[_phq9(PHQ9_23)])
    clock.advance(days=7)
    auth = bearer(ctx, "ana")  # the token expired meanwhile
    _session(client, auth, world.episode_a, number=2, administrations=[_phq9(PHQ9_5)])
    voided = client.post(
        f"/api/v1/episodes/{world.episode_a}/sessions/2/void",
        json={"reason": "session belonged to another episode"},
        headers=auth,
    )
    assert voided.status_code == 200, voided.text
    assert voided.json()["voided_at"] is not None
    listed = client.get(f"/api/v1/episodes/{world.episode_a}/sessions", headers=auth).json()
    assert [s["number"] for s in listed] == [1]
    everything = client.get(
        f"/api/v1/episodes/{world.episode_a}/sessions",
        params={"include_voided": "true"},
        headers=auth,
    ).json()
    assert [s["void_reason"] for s in everything] == [None, "session belonged to another episode"]
    assert everything[1]["administrations"][0]["voided_at"] is not None
    status = client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()
    assert (status["latest"], status["latest_session"]) == (23, 1)
    reused = _session(client, auth, world.episode_a, number=2)
    assert reused.status_code == 409
    following = _session(client, auth, world.episode_a)
    assert following.json()["number"] == 3


def test_a_self_report_is_its_own_administration_counted_toward_the_next_session(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    auth = bearer(ctx, "ana")
    _session(client, auth, world.episode_a, number=1, administrations=[_phq9(PHQ9_23)])
    invitation = client.post(
        f"/api/v1/episodes/{world.episode_a}/invitations",
        json={"instruments": ["phq9"]},
        headers=auth,
    ).json()
    submitted = client.post(
        "/api/v1/self-report",
        json={"responses": [_phq9(PHQ9_5)]},
        headers={"Authorization": f"Bearer {invitation['token']}"},
    )
    assert submitted.status_code == 201, submitted.text
    sessions = client.get(f"/api/v1/episodes/{world.episode_a}/sessions", headers=auth).json()
    assert [(s["number"], len(s["administrations"])) for s in sessions] == [(1, 1)]  # same day
    history = client.get(f"/api/v1/episodes/{world.episode_a}/administrations", headers=auth).json()
    report = history[-1]
    assert (report["self_report"], report["session_number"]) == (True, None)
    assert report["counts_toward_session"] == 2
    status = client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()
    assert (status["latest"], status["latest_session"]) == (5, 2)
    clock.advance(days=7)
    auth = bearer(ctx, "ana")  # the token expired meanwhile
    held = _session(client, auth, world.episode_a, administrations=[_phq9(PHQ9_23)])
    assert held.json()["number"] == 2  # the self-report did not take a session number
    status = client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()
    assert (status["latest"], status["latest_session"]) == (23, 2)  # the session's own score


def test_a_session_number_out_of_range_is_not_found_on_every_session_route(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    for number in (0, 1001, 10**22):  # 10**22 overflowed the database integer (a 500 before)
        base = f"/api/v1/episodes/{world.episode_a}/sessions/{number}"
        responses = [
            client.get(base, headers=auth),
            client.patch(base, json={"held_on": "2026-03-02", "reason": "typo"}, headers=auth),
            client.post(f"{base}/void", json={"reason": "entered in error"}, headers=auth),
        ]
        assert [r.status_code for r in responses] == [404, 404, 404], [r.text for r in responses]
