"""Concurrent use cases keep one unbroken audit chain; the migration goes both ways."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import inspect, text

from attunement.services import ServiceContext, get_patient, verify_audit_chain
from attunement.store import make_engine, migrate
from tests.services.world import OPERATOR, World

NEW_TABLES = {"audit_log", "api_tokens", "web_sessions", "login_throttle", "invitations"}


def test_parallel_requests_append_one_unbroken_chain(ctx: ServiceContext, world: World) -> None:
    before = verify_audit_chain(ctx, OPERATOR).entries

    def read(_: int) -> int:
        return get_patient(ctx, world.ana, world.patient_a).id

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read, range(40)))
    assert results == [world.patient_a] * 40
    after = verify_audit_chain(ctx, OPERATOR)
    assert after.intact
    assert after.entries == before + 40


def test_the_accounts_migration_upgrades_and_downgrades(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine)
    assert NEW_TABLES <= set(inspect(engine).get_table_names())
    migrate_down(engine, "0001")
    tables = set(inspect(engine).get_table_names())
    assert not NEW_TABLES & tables
    assert "also_clinician" not in {c["name"] for c in inspect(engine).get_columns("users")}
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (seq, at, actor, action, outcome, detail, prev_hash,"
                " entry_hash, key_id, chain, chain_seq) VALUES (1, CURRENT_TIMESTAMP, 'a', 'b',"
                " 'c', '{}', 'x', 'y', 'k', 0, 1)"
            )
        )
    engine.dispose()


def migrate_down(engine: object, revision: str) -> None:
    from alembic import command

    from attunement.store import alembic_config

    command.downgrade(alembic_config(engine), revision)  # type: ignore[arg-type]
