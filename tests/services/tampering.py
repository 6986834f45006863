"""What an attacker with write access to the database (but not the audit key) can do.

Each helper acts directly on the database, as the adversarial test of issue 18 did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from attunement.security import (
    GENESIS_HASH,
    LEGACY_KEY_ID,
    AuditKey,
    chained_entry_mac,
    entry_hash,
    entry_mac,
)
from attunement.store import AuditEntry

Hasher = Callable[[dict[str, Any]], tuple[str, str]]  # fields -> (entry_hash, key_id)


def allow_tampering(engine: Engine) -> None:
    """Drop the append-only guard, as the owner of the database can."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            for name in (
                "audit_log_no_update",
                "audit_log_no_delete",
                "audit_log_next_only",
                "audit_chain_heads_no_insert",
                "audit_chain_heads_no_delete",
                "audit_chain_heads_advance",
            ):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
            connection.execute(text("ALTER TABLE audit_chain_heads DISABLE TRIGGER USER"))


_COLUMNS = ("seq", "at", "actor", "role", "action", "patient_id", "target", "outcome", "detail")
_PLACE = ("chain", "chain_seq")


def rows(engine: Engine) -> list[dict[str, Any]]:
    """Every stored entry as a dict of typed values (read through the ORM)."""
    with Session(engine) as session:
        found = session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        names = (*_COLUMNS, "prev_hash", "entry_hash", "key_id", *_PLACE)
        return [{name: getattr(e, name) for name in names} for e in found]


def _fields(row: Mapping[str, Any], prev: str) -> dict[str, Any]:
    return {name: row[name] for name in (*_COLUMNS, *_PLACE)} | {"prev_hash": prev}


def _without_place(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name not in _PLACE}


def unkeyed_sha256(keep_key_id: bool) -> Hasher:
    """Re-chain with the old unkeyed SHA-256 (the pre-issue-18 tool), keeping or dropping the
    key id (dropping it claims the entry is legacy)."""

    def hasher(fields: dict[str, Any]) -> tuple[str, str]:
        return entry_hash(**_without_place(fields)), "" if keep_key_id else LEGACY_KEY_ID

    return hasher


def with_key(key: AuditKey) -> Hasher:
    """Re-chain with a key, by the current rule: a guessed key, or the real one (an insider
    holding it)."""

    def hasher(fields: dict[str, Any]) -> tuple[str, str]:
        return chained_entry_mac(key, **fields), key.key_id

    return hasher


def single_chain_rule(key: AuditKey) -> Hasher:
    """Re-chain with a key by the rule before migration 0016 (no chain position)."""

    def hasher(fields: dict[str, Any]) -> tuple[str, str]:
        return entry_mac(key, **_without_place(fields)), key.key_id

    return hasher


def move_heads_to_newest(engine: Engine) -> None:
    """Set every chain's head row to its newest stored entry, as a careful attacker would."""
    allow_tampering(engine)
    newest: dict[int, dict[str, Any]] = {}
    for row in rows(engine):
        if row["chain_seq"] > newest.get(row["chain"], {"chain_seq": 0})["chain_seq"]:
            newest[row["chain"]] = row
    with engine.begin() as connection:
        heads = connection.execute(text("SELECT chain FROM audit_chain_heads")).scalars()
        for chain in list(heads):
            row = newest.get(chain, {"chain_seq": 0, "seq": 0, "entry_hash": GENESIS_HASH})
            connection.execute(
                text(
                    "UPDATE audit_chain_heads SET chain_seq = :chain_seq, seq = :seq, "
                    "mac = :mac WHERE chain = :chain"
                ),
                {**row, "mac": row["entry_hash"], "chain": chain},
            )


def rewrite_and_rechain(
    engine: Engine,
    changes: Mapping[int, Mapping[str, Any]],
    hasher: Hasher,
    *,
    all_entries: bool = False,
    last: int | None = None,
) -> None:
    """Apply ``changes`` (seq -> columns) and recompute the chains they are in from the
    first change on (``all_entries``: every chain from its start) up to entry ``last``
    (default: the newest), then move the chains' head rows to match (with ``last``: left
    as they were)."""
    allow_tampering(engine)
    stored = sorted(rows(engine), key=lambda row: (row["chain"], row["chain_seq"]))
    start = 1 if all_entries else min(changes)
    touched = {row["chain"] for row in stored if all_entries or row["seq"] in changes}
    previous: dict[int, str] = {}
    with engine.begin() as connection:
        for row in stored:
            chain = row["chain"]
            if (
                chain not in touched
                or row["seq"] < start
                or (last is not None and row["seq"] > last)
            ):
                previous[chain] = row["entry_hash"]
                continue
            updated = {**row, **changes.get(row["seq"], {})}
            digest, key_id = hasher(_fields(updated, previous.get(chain, GENESIS_HASH)))
            columns = dict(changes.get(row["seq"], {}))
            columns.update(
                prev_hash=previous.get(chain, GENESIS_HASH),
                entry_hash=digest,
                key_id=key_id or row["key_id"],
            )
            assignments = ", ".join(f"{name} = :{name}" for name in columns)
            connection.execute(
                text(f"UPDATE audit_log SET {assignments} WHERE seq = :seq"),
                {**columns, "seq": row["seq"]},
            )
            previous[chain] = digest
    if last is None:
        move_heads_to_newest(engine)


def delete(engine: Engine, where: str, *, move_heads: bool = True) -> None:
    """Delete entries, and (``move_heads``) move the chains' head rows back to match."""
    allow_tampering(engine)
    with engine.begin() as connection:
        connection.execute(text(f"DELETE FROM audit_log WHERE {where}"))
    if move_heads:
        move_heads_to_newest(engine)
