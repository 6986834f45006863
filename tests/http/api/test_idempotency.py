"""``Idempotency-Key`` on API writes (issue 12, seen #2): a repeat answers the first result.

Each test runs on SQLite and PostgreSQL; the race test sends two identical requests from
two threads at once and finds one session stored.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
from fastapi.testclient import TestClient

from attunement.services import ServiceContext
from attunement.store import Administration, AuditEntry, IdempotencyKey, TherapySession
from tests.http.api.conftest import bearer
from tests.services.test_episodes import _count
from tests.services.world import FakeClock, World

PHQ9 = [2, 2, 1, 1, 2, 1, 1, 1, 0]


def _session(number: int, phq9: list[int] = PHQ9) -> dict[str, Any]:
    return {
        "number": number,
        "held_on": "2026-03-02",
        "administrations": [
            {"instrument": "phq9", "answers": phq9},
            {"instrument": "wai_sr", "answers": [4] * 12},
        ],
    }


def _post(
    client: TestClient, world: World, auth: dict[str, str], key: str, body: dict[str, Any]
) -> httpx.Response:
    return client.post(
        f"/api/v1/episodes/{world.episode_a}/sessions",
        json=body,
        headers={**auth, "Idempotency-Key": key},
    )


def test_a_repeated_key_answers_the_first_result_and_stores_nothing_twice(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    first = _post(client, world, auth, "3f0c-first-save", _session(1))
    again = _post(client, world, auth, "3f0c-first-save", _session(1))
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["content-type"] == first.headers["content-type"]
    assert _count(ctx, TherapySession) == 1
    assert _count(ctx, Administration) == 2  # PHQ-9 and WAI-SR once, not twice


def test_the_same_key_with_another_body_is_refused_422_and_nothing_is_stored(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    assert _post(client, world, auth, "key-1", _session(1)).status_code == 201
    other = _post(client, world, auth, "key-1", _session(1, [3] * 9))
    assert other.status_code == 422
    body = other.json()
    assert body["field"] == "Idempotency-Key"
    assert "already used for a different request" in body["detail"]
    assert _count(ctx, Administration) == 2


def test_a_malformed_key_is_refused_naming_what_is_allowed(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = _post(client, world, bearer(ctx, "ana"), "x" * 256, _session(1))
    assert response.status_code == 422
    assert response.json()["allowed"] == "1 to 255 visible ASCII characters"
    assert _count(ctx, TherapySession) == 0


def test_keys_are_scoped_to_the_caller(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    assert _post(client, world, bearer(ctx, "ana"), "shared", _session(1)).status_code == 201
    # the same key from the supervisor (who may not write ana's episode) is not a replay
    supervisor = _post(client, world, bearer(ctx, "sam"), "shared", _session(1))
    assert "Idempotent-Replayed" not in supervisor.headers
    assert supervisor.status_code in (403, 404)


def test_a_refused_request_is_not_kept_so_the_corrected_one_runs(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    bad = _session(1, [2] * 8 + [7])
    assert _post(client, world, auth, "retry-me", bad).status_code == 422
    fixed = _post(client, world, auth, "retry-me", _session(1))
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed.headers
    assert _count(ctx, TherapySession) == 1


def test_keys_expire_after_24_hours(
    client: TestClient, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    auth = bearer(ctx, "ana")
    assert _post(client, world, auth, "daily", _session(1)).status_code == 201
    clock.advance(hours=23)
    assert _post(client, world, auth, "daily", _session(2)).status_code == 422
    clock.advance(hours=2)
    auth = bearer(ctx, "ana")  # the first token may have lapsed meanwhile
    later = _post(client, world, auth, "daily", _session(2))
    assert later.status_code == 201, later.text
    assert _count(ctx, TherapySession) == 2


def test_a_replay_is_audited_as_a_repeat_without_a_second_write(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    _post(client, world, auth, "audited", _session(1))
    before = _count(ctx, AuditEntry)
    _post(client, world, auth, "audited", _session(1))
    assert _count(ctx, AuditEntry) == before  # answered from the store, no use case ran
    assert _count(ctx, IdempotencyKey) == 1


def test_two_racing_requests_with_one_key_store_one_session(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    for round_number in range(1, 4):
        answers = _race(client, world, auth, round_number)
        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        assert answers[0].json() == answers[1].json()
        replayed = [a.headers.get("Idempotent-Replayed") for a in answers]
        assert replayed.count("true") == 1
        assert _count(ctx, TherapySession) == round_number
        assert _count(ctx, Administration) == 2 * round_number


def _race(
    client: TestClient, world: World, auth: dict[str, str], number: int
) -> list[httpx.Response]:
    """Two identical requests released at the same moment from two threads."""
    start = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def send() -> None:
        start.wait()
        answers.append(_post(client, world, auth, f"race-{number}", _session(number)))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
