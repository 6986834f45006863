"""What an attacker with write access to the database (but not the audit key) can do.

Each helper acts directly on the database, as the adversarial test of issue 18 did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from attunement.security import GENESIS_HASH, LEGACY_KEY_ID, AuditKey, entry_hash, entry_mac
from attunement.store import AuditEntry

Hasher = Callable[[dict[str, Any]], tuple[str, str]]  # fields -> (entry_hash, key_id)


def allow_tampering(engine: Engine) -> None:
    """Drop the append-only guard, as the owner of the database can."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            for name in ("audit_log_no_update", "audit_log_no_delete", "audit_log_next_only"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))


_COLUMNS = ("seq", "at", "actor", "role", "action", "patient_id", "target", "outcome", "detail")


def rows(engine: Engine) -> list[dict[str, Any]]:
    """Every stored entry as a dict of typed values (read through the ORM)."""
    with Session(engine) as session:
        found = session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        return [
            {name: getattr(e, name) for name in (*_COLUMNS, "prev_hash", "entry_hash", "key_id")}
            for e in found
        ]


def _fields(row: Mapping[str, Any], prev: str) -> dict[str, Any]:
    return {name: row[name] for name in _COLUMNS} | {"prev_hash": prev}


def unkeyed_sha256(keep_key_id: bool) -> Hasher:
    """Re-chain with the old unkeyed SHA-256 (the pre-issue-18 tool), keeping or dropping the
    key id (dropping it claims the entry is legacy)."""

    def hasher(fields: dict[str, Any]) -> tuple[str, str]:
        return entry_hash(**fields), "" if keep_key_id else LEGACY_KEY_ID

    return hasher


def with_key(key: AuditKey) -> Hasher:
    """Re-chain with a key: a guessed one, or the real one (an insider holding it)."""

    def hasher(fields: dict[str, Any]) -> tuple[str, str]:
        return entry_mac(key, **fields), key.key_id

    return hasher


def rewrite_and_rechain(
    engine: Engine,
    changes: Mapping[int, Mapping[str, Any]],
    hasher: Hasher,
    *,
    all_entries: bool = False,
    last: int | None = None,
) -> None:
    """Apply ``changes`` (seq -> columns) and recompute the chain from the first change on
    (``all_entries``: from entry 1) up to entry ``last`` (default: the newest)."""
    allow_tampering(engine)
    stored = rows(engine)
    start = 1 if all_entries else min(changes)
    previous = GENESIS_HASH
    with engine.begin() as connection:
        for row in stored:
            if row["seq"] < start:
                previous = row["entry_hash"]
                continue
            if last is not None and row["seq"] > last:
                break
            updated = {**row, **changes.get(row["seq"], {})}
            digest, key_id = hasher(_fields(updated, previous))
            columns = dict(changes.get(row["seq"], {}))
            columns.update(prev_hash=previous, entry_hash=digest, key_id=key_id or row["key_id"])
            assignments = ", ".join(f"{name} = :{name}" for name in columns)
            connection.execute(
                text(f"UPDATE audit_log SET {assignments} WHERE seq = :seq"),
                {**columns, "seq": row["seq"]},
            )
            previous = digest


def delete(engine: Engine, where: str) -> None:
    allow_tampering(engine)
    with engine.begin() as connection:
        connection.execute(text(f"DELETE FROM audit_log WHERE {where}"))
