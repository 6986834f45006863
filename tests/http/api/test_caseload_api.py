"""GET /api/v1/caseload, POST /api/v1/caseload/search and the plain-text summary (issue 12)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from attunement.services import ServiceContext
from attunement.wording import alert_words, format_number
from tests.http.api.conftest import bearer
from tests.services.world import FakeClock, World

PHQ9_LOW = [1, 1, 1, 1, 1, 1, 0, 0, 0]
PHQ9_HIGH = [3, 3, 3, 3, 3, 2, 2, 2, 0]
PHQ9_RISK = [1, 1, 1, 1, 1, 1, 0, 0, 2]


def _session(
    client: TestClient, auth: dict[str, str], episode: int, n: int, answers: list[int]
) -> None:
    answered = client.post(
        f"/api/v1/episodes/{episode}/sessions",
        json={
            "number": n,
            "held_on": "2026-03-02",
            "administrations": [{"instrument": "phq9", "answers": answers}],
        },
        headers=auth,
    )
    assert answered.status_code == 201, answered.text


def test_the_caseload_is_paged_with_totals_and_the_overdue_interval(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    body = client.get("/api/v1/caseload", params={"per_page": 1}, headers=auth).json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 1, 1, 1)
    assert body["overdue_days"] == 14
    assert body["counts"]["not_assessable"] == 1
    (entry,) = body["entries"]
    assert entry["episode_id"] == world.episode_a
    assert set(entry) >= {"overdue", "measure_due_on", "last_seen_on", "deterioration"}


def test_filters_and_bad_values_are_named(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    _session(client, auth, world.episode_a, 1, PHQ9_LOW)
    assert client.get("/api/v1/caseload?alert=red", headers=auth).json()["entries"] == []
    refused = client.get("/api/v1/caseload?alert=purple", headers=auth)
    assert refused.status_code == 422
    assert "alert" in refused.text
    assert client.get("/api/v1/caseload?per_page=201", headers=auth).status_code == 422
    assert client.get("/api/v1/caseload?due=late", headers=auth).status_code == 422
    unseen = client.get(f"/api/v1/caseload?clinician_id={world.ben.user_id}", headers=auth)
    assert unseen.status_code == 404


def test_a_name_search_is_a_post_and_never_in_the_url(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    found = client.post("/api/v1/caseload/search", json={"name": "alma"}, headers=auth)
    assert found.status_code == 200
    assert [e["display_name"] for e in found.json()["entries"]] == ["Synthetic Alma"]
    none = client.post("/api/v1/caseload/search", json={"name": "bruno"}, headers=auth)
    assert none.json()["entries"] == []  # another clinician's patient is not found
    unknown = client.post("/api/v1/caseload/search", json={"nom": "alma"}, headers=auth)
    assert unknown.status_code == 422


def test_risk_then_red_in_the_api_order(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    first = client.post("/api/v1/patients", json={"display_name": "Synthetic Zed"}, headers=auth)
    zed = client.post(
        f"/api/v1/patients/{first.json()['id']}/episodes",
        json={"started_on": "2026-03-02"},
        headers=auth,
    ).json()["id"]
    for n, answers in ((1, PHQ9_LOW), (2, PHQ9_HIGH)):
        _session(client, auth, zed, n, answers)
    for n, answers in ((1, PHQ9_LOW), (2, PHQ9_RISK)):
        _session(client, auth, world.episode_a, n, answers)
    entries = client.get("/api/v1/caseload", headers=auth).json()["entries"]
    assert [(e["display_name"], e["risk_flag"], e["alert"]) for e in entries] == [
        ("Synthetic Alma", True, entries[0]["alert"]),
        ("Synthetic Zed", False, "red"),
    ]


def test_the_session_summary_is_plain_text_for_the_record(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    auth = bearer(ctx, "ana")
    missing = client.get(f"/api/v1/episodes/{world.episode_a}/summary", headers=auth)
    assert missing.status_code == 404
    _session(client, auth, world.episode_a, 1, PHQ9_LOW)
    _session(client, auth, world.episode_a, 2, PHQ9_RISK)
    answer = client.get(f"/api/v1/episodes/{world.episode_a}/summary", headers=auth)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    status = client.get(f"/api/v1/episodes/{world.episode_a}/status", headers=auth).json()
    assert "Attunement summary - session 2" in text
    assert f"Outcome (PHQ-9 total): {format_number(status['latest'])} at session 2" in text
    assert f"Alert: {alert_words(status['alert']).plain_label}: " in text
    assert "OPEN RISK: 1 open risk event(s)" in text
    assert "Current plan:" in text
    other = client.get(f"/api/v1/episodes/{world.episode_a}/summary", headers=bearer(ctx, "ben"))
    assert other.status_code == 404
