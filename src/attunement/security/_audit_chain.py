"""The audit trail's hash chain: canonical JSON of each entry plus the previous hash.

``entry_hash = SHA-256(canonical_json(entry fields, including prev_hash))``; the first entry
chains to 64 zeros. Canonical JSON here is sorted keys, no insignificant whitespace, UTF-8,
timestamps as UTC ISO-8601 with microseconds (the scheme of RFC 8785 for the values used:
strings, integers, null, nested objects). Changing any stored field, deleting an entry or
reordering entries breaks the chain at that entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["GENESIS_HASH", "canonical_json", "canonical_time", "entry_hash"]

GENESIS_HASH = "0" * 64


def canonical_time(moment: dt.datetime) -> str:
    """UTC ISO-8601 with microseconds; naive values (SQLite) are read as UTC."""
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    role: str | None,
    action: str,
    patient_id: int | None,
    target: str | None,
    outcome: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the entry's canonical JSON, which includes ``prev_hash``."""
    fields = {
        "seq": seq,
        "at": canonical_time(at),
        "actor": actor,
        "role": role,
        "action": action,
        "patient_id": patient_id,
        "target": target,
        "outcome": outcome,
        "detail": dict(detail),
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()
