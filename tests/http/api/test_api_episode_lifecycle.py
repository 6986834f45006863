"""Issue 12: episodes are closed and reopened; a closed episode is read-only; measures have
roles. Through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from attunement.services import ServiceContext, list_audit
from tests.http.api.conftest import bearer
from tests.services.world import OPERATOR, FakeClock, World

PHQ9 = [2, 2, 1, 1, 2, 1, 1, 1, 0]


def _session(
    client: TestClient, auth: dict[str, str], episode: int, held_on: str, phq9: list[int] = PHQ9
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/episodes/{episode}/sessions",
        json={
            "held_on": held_on,
            "administrations": [
                {"instrument": "phq9", "answers": phq9},
                {"instrument": "wai_sr", "answers": [4] * 12},
            ],
        },
        headers=auth,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_end_reasons_come_from_the_data_file_with_label_and_definition(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = client.get("/api/v1/episodes/end-reasons", headers=bearer(ctx, "ana"))
    assert response.status_code == 200
    reasons = {r["id"]: r for r in response.json()}
    assert list(reasons) == ["planned_end", "dropout", "referral", "other"]
    assert reasons["dropout"]["label"] == "Dropout"
    assert "without an agreed ending" in reasons["dropout"]["definition"]
    assert "Swift" in reasons["dropout"]["source"]
    assert reasons["other"]["note_required"] is True


def test_closing_stores_reason_date_note_and_the_last_outcome_as_final_measure(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=30)
    auth = bearer(ctx, "ana")
    _session(client, auth, world.episode_a, "2026-03-02")
    last = _session(client, auth, world.episode_a, "2026-03-16", [1, 1, 0, 0, 1, 0, 0, 0, 0])
    response = client.post(
        f"/api/v1/episodes/{world.episode_a}/close",
        json={"end_reason": "planned_end", "ended_on": "2026-03-20", "note": "Goals met."},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ended_on"] == "2026-03-20"
    assert (body["end_reason"], body["end_note"]) == ("planned_end", "Goals met.")
    phq9_last, wai_last = (a["id"] for a in last["administrations"])
    assert body["final_outcome_administration_id"] == phq9_last
    assert body["final_alliance_administration_id"] == wai_last
    assert [e["event"] for e in body["lifecycle"]] == ["closed"]
    listed = client.get(f"/api/v1/patients/{world.patient_a}/episodes", headers=auth).json()
    assert listed[0]["end_reason"] == "planned_end"
    # closed → not on the caseload any more
    caseload = client.get("/api/v1/caseload", headers=auth).json()
    assert world.episode_a not in [row["episode_id"] for row in caseload["entries"]]


def test_a_closed_episode_refuses_new_sessions_administrations_invitations_and_plan_changes(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=10)
    auth = bearer(ctx, "ana")
    _session(client, auth, world.episode_a, "2026-03-02")
    closed = client.post(
        f"/api/v1/episodes/{world.episode_a}/close",
        json={"end_reason": "dropout", "ended_on": "2026-03-09"},
        headers=auth,
    )
    assert closed.status_code == 200, closed.text
    refused = [
        client.post(
            f"/api/v1/episodes/{world.episode_a}/sessions",
            json={"administrations": [{"instrument": "phq9", "answers": PHQ9}]},
            headers=auth,
        ),
        client.post(
            f"/api/v1/episodes/{world.episode_a}/administrations",
            json={"instrument": "phq9", "answers": PHQ9},
            headers=auth,
        ),
        client.post(f"/api/v1/episodes/{world.episode_a}/invitations", json={}, headers=auth),
        client.put(
            f"/api/v1/patients/{world.patient_a}/profile",
            json={"reactance": "low"},
            headers=auth,
        ),
    ]
    for response in refused:
        assert response.status_code == 409, response.text
        detail = response.json()["detail"]
        assert f"episode {world.episode_a} was closed on 2026-03-09 (Dropout)" in detail
        assert "read-only" in detail
    sessions = client.get(f"/api/v1/episodes/{world.episode_a}/sessions", headers=auth).json()
    assert len(sessions) == 1  # nothing was added; reads still work
    again = client.post(
        f"/api/v1/episodes/{world.episode_a}/close",
        json={"end_reason": "planned_end"},
        headers=auth,
    )
    assert again.status_code == 409


def test_closing_revokes_the_patients_unused_link(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    issued = client.post(
        f"/api/v1/episodes/{world.episode_a}/invitations",
        json={"instruments": ["phq9"]},
        headers=auth,
    ).json()
    client.post(
        f"/api/v1/episodes/{world.episode_a}/close",
        json={"end_reason": "referral"},
        headers=auth,
    )
    patient = {"Authorization": f"Bearer {issued['token']}"}
    assert client.get("/api/v1/self-report", headers=patient).status_code == 401


def test_bad_close_requests_name_the_field_value_and_what_is_allowed(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=20)
    auth = bearer(ctx, "ana")
    stored = _session(client, auth, world.episode_a, "2026-03-10")
    url = f"/api/v1/episodes/{world.episode_a}/close"
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"end_reason": "cured"}, "end_reason", "planned_end, dropout, referral, other"),
        ({"end_reason": "other"}, "note", "a note saying what happened"),
        ({"end_reason": "dropout", "ended_on": "2026-04-30"}, "ended_on", "on or before"),
        (
            {"end_reason": "dropout", "ended_on": "2026-03-05"},
            "ended_on",
            "on or after the episode's last session, 2026-03-10",
        ),
        (
            {"end_reason": "dropout", "final_outcome_administration_id": 999999},
            "final_outcome_administration_id",
            f"a phq9 administration of episode {world.episode_a}",
        ),
        (
            {
                "end_reason": "dropout",
                # the WAI-SR administration is not an outcome administration
                "final_outcome_administration_id": stored["administrations"][1]["id"],
            },
            "final_outcome_administration_id",
            "phq9",
        ),
    ]
    for body, field, allowed in cases:
        response = client.post(url, json=body, headers=auth)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field
        assert allowed in response.json()["allowed"], response.json()
    episode = client.get(f"/api/v1/patients/{world.patient_a}/episodes", headers=auth).json()[0]
    assert episode["ended_on"] is None  # nothing was written


def test_reopen_needs_a_reason_keeps_it_in_the_lifecycle_and_is_audited(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    url = f"/api/v1/episodes/{world.episode_a}"
    assert client.post(f"{url}/reopen", json={"reason": "x"}, headers=auth).status_code == 409
    client.post(f"{url}/close", json={"end_reason": "planned_end"}, headers=auth)
    missing = client.post(f"{url}/reopen", json={}, headers=auth)
    assert missing.status_code == 422
    reopened = client.post(f"{url}/reopen", json={"reason": "Relapse in week 2."}, headers=auth)
    assert reopened.status_code == 200, reopened.text
    body = reopened.json()
    assert body["ended_on"] is None
    assert body["end_reason"] is None
    assert [e["event"] for e in body["lifecycle"]] == ["closed", "reopened"]
    assert body["lifecycle"][1]["reason"] == "Relapse in week 2."
    assert body["lifecycle"][0]["end_reason"] == "planned_end"
    recorded = client.post(
        f"{url}/administrations", json={"instrument": "phq9", "answers": PHQ9}, headers=auth
    )
    assert recorded.status_code == 201  # open again
    audit = [e for e in list_audit(ctx, OPERATOR) if e.action.startswith("episode.")]
    actions = [(e.action, e.outcome) for e in audit]
    assert ("episode.close", "success") in actions
    assert ("episode.reopen", "success") in actions
    reopen = next(e for e in audit if e.action == "episode.reopen" and e.outcome == "success")
    assert "Relapse" not in str(reopen.detail)  # the reason is patient data: not in the trail


def test_a_patient_may_start_a_new_episode_only_after_the_last_one_closed(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=40)
    auth = bearer(ctx, "ana")
    episodes = f"/api/v1/patients/{world.patient_a}/episodes"
    second = client.post(episodes, json={"outcome_instrument": "gad7"}, headers=auth)
    assert second.status_code == 409
    assert f"already has an open episode (episode {world.episode_a}" in second.json()["detail"]
    client.post(
        f"/api/v1/episodes/{world.episode_a}/close",
        json={"end_reason": "planned_end", "ended_on": "2026-03-20"},
        headers=auth,
    )
    early = client.post(episodes, json={"started_on": "2026-03-10"}, headers=auth)
    assert early.status_code == 422
    assert early.json()["field"] == "started_on"
    assert "2026-03-20" in early.json()["allowed"]
    new = client.post(episodes, json={"started_on": "2026-04-01"}, headers=auth)
    assert new.status_code == 201, new.text
    assert new.json()["alliance_instrument"] == "wai_sr"  # the default alliance measure
    # the old one cannot be reopened while the new one is open
    reopen = client.post(
        f"/api/v1/episodes/{world.episode_a}/reopen", json={"reason": "mistake"}, headers=auth
    )
    assert reopen.status_code == 409
    assert f"another open episode (episode {new.json()['id']}" in reopen.json()["detail"]
    # the profile may change again now that an episode is open
    profile = client.put(
        f"/api/v1/patients/{world.patient_a}/profile", json={"reactance": "low"}, headers=auth
    )
    assert profile.status_code == 200


def test_outcome_and_alliance_measures_must_declare_the_role(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    patient = client.post("/api/v1/patients", json={"display_name": "Synthetic Rolf"}, headers=auth)
    episodes = f"/api/v1/patients/{patient.json()['id']}/episodes"
    durel = client.post(episodes, json={"outcome_instrument": "durel"}, headers=auth)
    assert durel.status_code == 422
    assert durel.json()["field"] == "outcome_instrument"
    assert durel.json()["allowed"].endswith("outcome role: phq9, gad7, k10, core10")
    phq9 = client.post(episodes, json={"alliance_instrument": "phq9"}, headers=auth)
    assert phq9.status_code == 422
    assert phq9.json()["field"] == "alliance_instrument"
    assert phq9.json()["allowed"].endswith("alliance role: wai_sr")
    future = client.post(episodes, json={"started_on": "2030-01-01"}, headers=auth)
    assert future.status_code == 422
    assert future.json()["field"] == "started_on"
    none = client.post(episodes, json={"alliance_instrument": None}, headers=auth)
    assert none.status_code == 201
    assert none.json()["alliance_instrument"] is None  # asked for explicitly: none
