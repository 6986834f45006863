"""Anchors: the audit chain's head, signed with the audit key and kept outside the database.

A keyed MAC stops anyone without the key from forging or re-chaining entries, but not from
deleting the newest ones: a shorter chain is still a valid chain. An anchor records the
head of every audit chain (``heads``: chain, position, global ``seq`` and MAC of its newest
entry; the trail is several chains since issue 13) at a moment, signed with the audit key,
with ``seq``/``mac`` naming the ``audit.anchor`` entry written for it. Verification against
the latest anchor then detects truncation of any chain (an anchored entry is missing) and
any rewrite up to it (the anchored MAC differs), and names the entry. Anchors of format 1
(one chain, before migration 0016) name only ``seq``/``mac``: that entry is chain 0's.

``attune audit anchor`` writes one JSON file per anchor into the anchor directory
(``ATTUNE_AUDIT_ANCHOR_DIR``) and prints the same JSON on one line, ready to ship to an
append-only sink the database's administrators cannot rewrite (syslog to a remote
collector, an object store with retention lock, a WORM volume, a ticket or e-mail). The
signature is ``HMAC-SHA256(audit key, "attunement-audit-anchor-v1" ‖ canonical JSON of
the other fields)``; a file whose signature fails is itself reported as tampering.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from attunement.security._audit_chain import canonical_json, canonical_time
from attunement.security._audit_keys import AuditKey, AuditKeyring

__all__ = [
    "ANCHOR_FORMAT",
    "AnchorSet",
    "AnchoredHead",
    "AuditAnchor",
    "read_anchors",
    "sign_anchor",
    "write_anchor",
]

ANCHOR_FORMAT: Final = "attunement-audit-anchor/2"
_SINGLE_CHAIN_FORMAT: Final = "attunement-audit-anchor/1"
_LABEL = b"attunement-audit-anchor-v1"
_HEX64 = r"^[0-9a-f]{64}$"


class AnchoredHead(BaseModel):
    """The newest entry of one chain when the anchor was made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    chain: int = Field(ge=0)
    chain_seq: int = Field(ge=0)
    seq: int = Field(ge=0)
    mac: str = Field(pattern=_HEX64)


class AuditAnchor(BaseModel):
    """One signed checkpoint of the heads of the audit chains."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["attunement-audit-anchor/1", "attunement-audit-anchor/2"] = ANCHOR_FORMAT
    seq: int = Field(ge=0)
    mac: str = Field(pattern=_HEX64)
    at: dt.datetime
    key_id: str = Field(max_length=40)
    heads: tuple[AnchoredHead, ...] = Field(default=(), max_length=1024)
    signature: str = Field(pattern=_HEX64)

    def signed_body(self) -> bytes:
        body: dict[str, object] = {
            "format": self.format,
            "seq": self.seq,
            "mac": self.mac,
            "at": canonical_time(self.at),
            "key_id": self.key_id,
        }
        if self.format != _SINGLE_CHAIN_FORMAT:
            body["heads"] = [head.model_dump() for head in self.heads]
        return canonical_json(body).encode("utf-8")

    def chain_heads(self) -> dict[int, AnchoredHead]:
        """Each anchored chain's head; a format-1 anchor's entry is chain 0's (its place in
        the chain is its ``seq``, as for every entry stored before migration 0016)."""
        if self.format == _SINGLE_CHAIN_FORMAT:
            return {0: AnchoredHead(chain=0, chain_seq=self.seq, seq=self.seq, mac=self.mac)}
        return {head.chain: head for head in self.heads}

    def signature_valid(self, keyring: AuditKeyring) -> bool:
        key = keyring.get(self.key_id)
        return key is not None and hmac.compare_digest(
            key.mac(_LABEL, self.signed_body()), self.signature
        )

    def to_line(self) -> str:
        """The anchor as one line of JSON (what the file holds and what is shipped)."""
        exclude = {"heads"} if self.format == _SINGLE_CHAIN_FORMAT else set()
        return json.dumps(self.model_dump(mode="json", exclude=exclude), sort_keys=True)


def sign_anchor(
    key: AuditKey,
    *,
    seq: int,
    mac: str,
    at: dt.datetime,
    heads: tuple[AnchoredHead, ...] = (),
) -> AuditAnchor:
    unsigned = AuditAnchor(
        seq=seq, mac=mac, at=at, key_id=key.key_id, heads=heads, signature="0" * 64
    )
    return unsigned.model_copy(update={"signature": key.mac(_LABEL, unsigned.signed_body())})


def write_anchor(directory: Path, anchor: AuditAnchor) -> Path:
    """Write ``anchor`` as a new file (never overwriting one) and sync it to disk."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = anchor.at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"anchor-{anchor.seq:012d}-{stamp}.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(anchor.to_line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    folder = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return path


@dataclass
class AnchorSet:
    """The anchors read from a file or directory: those signed by a configured key, and
    the files that are not (each with the reason)."""

    valid: list[AuditAnchor] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def latest(self) -> AuditAnchor | None:
        return max(self.valid, key=lambda a: (a.seq, a.at), default=None)


def _anchor_files(location: Path) -> list[Path]:
    if location.is_file():
        return [location]
    if not location.is_dir():
        return []
    return sorted(location.glob("anchor-*.json"))


def read_anchors(location: Path | None, keyring: AuditKeyring) -> AnchorSet:
    """Every anchor in ``location`` (a directory of anchor files, or one file)."""
    found = AnchorSet()
    if location is None:
        return found
    for path in _anchor_files(location):
        try:
            anchor = AuditAnchor.model_validate_json(path.read_bytes()[:262_144])
        except (OSError, ValidationError, ValueError):
            found.problems.append(f"anchor file {path.name} is not a readable anchor")
            continue
        if keyring.get(anchor.key_id) is None:
            found.problems.append(
                f"anchor file {path.name} is signed with key {anchor.key_id}, which is not "
                "configured (add it to ATTUNE_AUDIT_KEY to check it)"
            )
        elif not anchor.signature_valid(keyring):
            found.problems.append(f"anchor file {path.name} has a signature that does not match")
        else:
            found.valid.append(anchor)
    return found
