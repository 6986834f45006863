"""Request bodies are capped and refused before they are read when the caller is unknown.

Issue 18: six parallel unauthenticated 100 MB posts doubled the server's memory, each
answered 401 only after the whole body was read; a 20,000-entry FHIR Bundle took 124 s of
server CPU. The middleware is driven here at the ASGI level, so the tests see exactly how
many bytes the app was made to read.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from attunement.http import create_app
from attunement.services import ServiceContext, login_for_session, login_for_token
from attunement.settings import Settings
from attunement.store import Administration
from tests.http.api.conftest import SECRET, bearer
from tests.http.interop.matrix_rows import US_CORE_Q, US_CORE_QR
from tests.services.world import PASSWORD, FakeClock, World, fast_passwords

MIB = 1024 * 1024
CHUNK = 64 * 1024


class _Body:
    """A request body that counts how much of it the app asked for."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.sent = 0

    async def receive(self) -> dict[str, Any]:
        chunk = min(CHUNK, self.size - self.sent)
        self.sent += chunk
        return {"type": "http.request", "body": b"x" * chunk, "more_body": self.sent < self.size}


def _call(
    app: FastAPI,
    path: str,
    body: _Body,
    *,
    headers: dict[str, str] | None = None,
    declare_length: bool = True,
) -> tuple[int, bytes]:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    raw.append((b"content-type", b"application/json"))
    if declare_length:
        raw.append((b"content-length", str(body.size).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": raw,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 443),
    }
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, body.receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, content


@pytest.fixture
def small_app(engine: Any, clock: FakeClock) -> FastAPI:
    settings = Settings(
        mode="dev",
        secret_key=SECRET,  # type: ignore[arg-type]
        max_body_bytes=MIB,
        max_unverified_body_bytes=128 * 1024,
        max_fhir_entries=3,
    )
    return create_app(settings, engine=engine, clock=clock, passwords=fast_passwords())


def test_an_unauthenticated_100_mb_post_is_refused_without_reading_a_byte(
    small_app: FastAPI,
) -> None:
    body = _Body(100 * MIB)
    status, content = _call(small_app, "/api/v1/patients", body)
    assert status == 413
    assert body.sent == 0
    assert b"ATTUNE_MAX_BODY_BYTES" in content


def test_an_unauthenticated_body_over_the_unverified_limit_is_refused_unread(
    small_app: FastAPI,
) -> None:
    body = _Body(512 * 1024)  # under the limit for accounts, over the one for strangers
    status, _ = _call(small_app, "/api/v1/patients", body)
    assert status == 413
    assert body.sent == 0


def test_a_forged_token_gets_no_further_than_the_unverified_limit(small_app: FastAPI) -> None:
    body = _Body(512 * 1024)
    forged = {"Authorization": "Bearer att_forged-token-of-nobody"}
    status, _ = _call(small_app, "/api/v1/patients", body, headers=forged)
    assert status == 413
    assert body.sent == 0
    chunked = _Body(100 * MIB)
    status, _ = _call(small_app, "/api/v1/patients", chunked, headers=forged, declare_length=False)
    assert status == 413
    assert chunked.sent <= 128 * 1024 + CHUNK


def test_a_stream_without_a_length_is_cut_off_at_the_limit(small_app: FastAPI) -> None:
    body = _Body(100 * MIB)
    status, _ = _call(small_app, "/api/v1/patients", body, declare_length=False)
    assert status == 413
    assert body.sent <= 128 * 1024 + CHUNK


def test_a_signed_in_account_may_send_up_to_the_limit_and_no_more(
    small_app: FastAPI, clock: FakeClock
) -> None:
    from tests.services.world import build_world

    ctx: ServiceContext = small_app.state.context
    build_world(ctx)
    token = login_for_token(ctx, username="ana", password=PASSWORD).access_token
    headers = {"Authorization": f"Bearer {token}"}
    within = _Body(512 * 1024)  # verified first, then read: not JSON, so 422
    status, _ = _call(small_app, "/api/v1/patients", within, headers=headers)
    assert status == 422
    assert within.sent == within.size
    over = _Body(2 * MIB)
    status, _ = _call(small_app, "/api/v1/patients", over, headers=headers)
    assert status == 413
    assert over.sent == 0
    session = login_for_session(ctx, username="ana", password=PASSWORD)
    cookie = {"Cookie": f"attune_session={session.token}"}
    status, _ = _call(small_app, "/api/v1/patients", _Body(512 * 1024), headers=cookie)
    assert status != 413


def test_a_malformed_content_length_is_refused(small_app: FastAPI) -> None:
    with TestClient(small_app, base_url="https://testserver") as client:
        response = client.post(
            "/api/v1/patients", content=b"{}", headers={"Content-Length": "12abc"}
        )
    assert response.status_code == 400


def test_a_fhir_bundle_with_more_entries_than_allowed_is_refused_whole(
    small_app: FastAPI,
) -> None:
    from tests.services.world import build_world

    ctx: ServiceContext = small_app.state.context
    world: World = build_world(ctx)
    response_a = copy.deepcopy(US_CORE_QR) | {"subject": {"reference": "Patient/A-1"}}
    entries = [{"resource": US_CORE_Q}] + [
        {"resource": response_a | {"id": f"r{n}"}} for n in range(3)
    ]
    with TestClient(small_app, base_url="https://testserver") as client:
        response = client.post(
            "/fhir",
            json={"resourceType": "Bundle", "type": "collection", "entry": entries},
            headers=bearer(ctx, "ana"),
        )
        assert response.status_code == 422
        assert response.json()["field"] == "Bundle.entry"
        assert "at most 3 entries" in response.json()["allowed"]
        with ctx.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Administration)) == 0
        allowed = client.post(
            "/fhir",
            json={"resourceType": "Bundle", "type": "collection", "entry": entries[:3]},
            headers=bearer(ctx, "ana"),
        )
    assert allowed.status_code == 200, allowed.text
    assert len(allowed.json()["imported"]) == 2
    assert world.patient_a == allowed.json()["imported"][0]["patient_id"]
