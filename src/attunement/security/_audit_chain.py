"""The audit trail's chain: each entry carries a keyed MAC over its fields and the previous MAC.

``entry_mac = HMAC-SHA256(audit key, "attunement-audit-entry-v2" ‖ canonical_json(entry
fields, including key_id and prev_hash))`` (HMAC: RFC 2104; SHA-256: FIPS 180-4). The first
entry chains to 64 zeros. Canonical JSON here is sorted keys, no insignificant whitespace,
UTF-8, timestamps as UTC ISO-8601 with microseconds (the scheme of RFC 8785 for the values
used: strings, integers, null, nested objects). Changing any stored field, deleting an
entry or reordering entries breaks the chain at that entry, and without the key — which
lives outside the database — nobody can compute a valid MAC for a forged or re-chained one.

Since migration 0016 (issue 13) the trail is several chains that transactions append to in
parallel: ``chained_entry_mac`` uses the label ``"attunement-audit-entry-v3"`` and also covers
the entry's ``chain`` and ``chain_seq`` (its place in that chain), so an entry cannot be
moved to another chain or place. The v2 MACs of the entries stored before stay valid as the
start of chain 0, where ``chain_seq = seq`` (which their MAC covers).

Entries written before the key existed (schema 0005) carry :data:`LEGACY_KEY_ID` and an
unkeyed ``entry_hash = SHA-256(canonical_json(fields without key_id))``. They are accepted
only as the first, contiguous part of the trail, and the first keyed entry's MAC covers the
last legacy hash, so re-chaining them is caught there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any, TypedDict, Unpack

from attunement.security._audit_keys import AuditKey

__all__ = [
    "GENESIS_HASH",
    "LEGACY_KEY_ID",
    "ChainedEntryFields",
    "EntryFields",
    "canonical_json",
    "canonical_time",
    "chained_entry_mac",
    "entry_hash",
    "entry_mac",
]

GENESIS_HASH = "0" * 64
#: ``key_id`` of the entries chained by plain SHA-256 before the audit key existed.
LEGACY_KEY_ID = "sha256-legacy"
_ENTRY_LABEL = b"attunement-audit-entry-v2"
_CHAINED_LABEL = b"attunement-audit-entry-v3"


def canonical_time(moment: dt.datetime) -> str:
    """UTC ISO-8601 with microseconds; naive values (SQLite) are read as UTC."""
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class EntryFields(TypedDict):
    """The stored fields of one audit entry that its hash or MAC covers."""

    seq: int
    at: dt.datetime
    actor: str
    role: str | None
    action: str
    patient_id: int | None
    target: str | None
    outcome: str
    detail: Mapping[str, Any]
    prev_hash: str


def _canonical_fields(entry: EntryFields) -> dict[str, Any]:
    return {**entry, "at": canonical_time(entry["at"]), "detail": dict(entry["detail"])}


def entry_hash(**entry: Unpack[EntryFields]) -> str:
    """The legacy, unkeyed SHA-256 (hex) of an entry's canonical JSON (before schema 0005)."""
    return hashlib.sha256(canonical_json(_canonical_fields(entry)).encode("utf-8")).hexdigest()


def entry_mac(key: AuditKey, **entry: Unpack[EntryFields]) -> str:
    """HMAC-SHA256 (hex) of the entry's canonical JSON, which includes the key id."""
    fields = _canonical_fields(entry)
    fields["key_id"] = key.key_id
    return key.mac(_ENTRY_LABEL, canonical_json(fields).encode("utf-8"))


class ChainedEntryFields(EntryFields):
    """An entry's fields with its place: which chain, and its position in that chain."""

    chain: int
    chain_seq: int


def chained_entry_mac(key: AuditKey, **entry: Unpack[ChainedEntryFields]) -> str:
    """HMAC-SHA256 (hex) of the entry's canonical JSON with its key id and chain position."""
    fields = {
        **entry,
        "at": canonical_time(entry["at"]),
        "detail": dict(entry["detail"]),
        "key_id": key.key_id,
    }
    return key.mac(_CHAINED_LABEL, canonical_json(fields).encode("utf-8"))
