"""A CDS Hooks token is accepted once by the whole clinic, on SQLite and PostgreSQL.

The replay guard lives in the database (issue 13): two app instances on one database — as
two worker processes or two machines would be — share it, so a token accepted by one is a
replay at the other. Expired uses are forgotten, and a full store refuses new tokens rather
than forget live ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from tests.services.world import FakeClock
from tests.support.interop import EhrKeys, app_trusting_the_ehr

from attunement.errors import AuthenticationError
from attunement.services import ServiceContext, claim_token_use, service_context
from attunement.store import CdsTokenUse

BASE = "https://testserver"
ISS = "https://ehr.example.org"


@pytest.fixture
def ctx(engine: Engine, clock: FakeClock) -> ServiceContext:
    return service_context(engine, signing_key="replay-test-key-not-secret", clock=clock)


def claim(ctx: ServiceContext, jti: str, *, lifetime: float = 60, capacity: int = 100) -> None:
    expires = ctx.now() + dt.timedelta(seconds=lifetime)
    claim_token_use(ctx, iss=ISS, jti=jti, expires_at=expires, capacity=capacity)


def stored(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(CdsTokenUse)) or 0)


def test_a_second_use_of_a_jti_is_a_replay(ctx: ServiceContext) -> None:
    claim(ctx, "a")
    with pytest.raises(AuthenticationError, match="replay"):
        claim(ctx, "a")


def test_the_same_jti_from_another_issuer_is_another_token(ctx: ServiceContext) -> None:
    claim(ctx, "a")
    expires = ctx.now() + dt.timedelta(seconds=60)
    claim_token_use(ctx, iss="https://other.example", jti="a", expires_at=expires, capacity=10)


def test_expired_uses_are_forgotten(ctx: ServiceContext, clock: FakeClock, engine: Engine) -> None:
    claim(ctx, "a", lifetime=60, capacity=1)
    clock.advance(seconds=120)
    claim(ctx, "b", lifetime=60, capacity=1)
    assert stored(engine) == 1


def test_a_full_store_refuses_new_tokens_rather_than_forget_live_ones(
    ctx: ServiceContext, engine: Engine
) -> None:
    claim(ctx, "a", capacity=2)
    claim(ctx, "b", capacity=2)
    with pytest.raises(AuthenticationError, match="too many live tokens"):
        claim(ctx, "c", capacity=2)
    with pytest.raises(AuthenticationError, match="replay"):
        claim(ctx, "a", capacity=2)
    assert stored(engine) == 2


@pytest.fixture
def two_apps(
    engine: Engine, clock: FakeClock, ehr_keys: EhrKeys, tmp_path: Path
) -> Iterator[tuple[TestClient, TestClient]]:
    folders = [tmp_path / "first", tmp_path / "second"]
    for folder in folders:
        folder.mkdir()
    first, second = (
        app_trusting_the_ehr(engine, clock, ehr_keys, folder, base=BASE) for folder in folders
    )
    with (
        TestClient(first, base_url=BASE, raise_server_exceptions=False) as one,
        TestClient(second, base_url=BASE, raise_server_exceptions=False) as other,
    ):
        yield one, other


def test_a_token_accepted_by_one_app_process_is_a_replay_at_another(
    two_apps: tuple[TestClient, TestClient], ehr_keys: EhrKeys, clock: FakeClock
) -> None:
    one, other = two_apps
    token = ehr_keys.sign(aud=f"{BASE}/cds-services", now=clock())
    headers = {"Authorization": f"Bearer {token}"}
    assert one.get("/cds-services", headers=headers).status_code == 200
    replayed = other.get("/cds-services", headers=headers)
    assert replayed.status_code == 401
    assert "replay" in replayed.text
