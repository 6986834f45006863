"""The audit keys: secrets kept outside the database that MAC the audit trail.

A keyring holds one or more keys; the first signs new entries and anchors, every key
verifies. Each key is named by a key id derived from it (``HMAC-SHA256(key, "attunement
audit key id")``, 16 hex digits): the id is stored with each entry, reveals nothing about
the key, and needs no separate configuration. Rotation: put a new key first and keep the
old ones after it (``ATTUNE_AUDIT_KEY=new,old`` or one per line in the key file, newest
first); entries keep verifying under the key that signed them.

Where the keys come from (:func:`load_audit_keys`, called by ``Settings.audit_keyring``):
``ATTUNE_AUDIT_KEY`` (comma-separated), else ``ATTUNE_AUDIT_KEY_FILE`` (one key per line;
refused when group or others may read it), else — in demo and dev mode only — the file
``audit.key`` in the data directory, created with mode 0600 on first use. Production needs
one of the two settings, and every key must pass :func:`secret_problem`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from attunement.errors import ConfigurationError
from attunement.security._strength import secret_problem

__all__ = ["AuditKey", "AuditKeyring", "load_audit_keys", "new_audit_key"]

_ID_LABEL = b"attunement audit key id"
DEV_KEY_FILE = "audit.key"


@dataclass(frozen=True)
class AuditKey:
    """One audit key and its public id."""

    key_id: str
    secret: bytes = b""

    def __repr__(self) -> str:  # never print the secret
        return f"AuditKey(key_id={self.key_id!r})"

    @classmethod
    def of(cls, secret: str) -> AuditKey:
        raw = secret.encode("utf-8")
        digest = hmac.new(raw, _ID_LABEL, hashlib.sha256).hexdigest()[:16]
        return cls(key_id=f"k-{digest}", secret=raw)

    def mac(self, label: bytes, message: bytes) -> str:
        """HMAC-SHA256 (hex) of ``message`` under this key, domain-separated by ``label``."""
        return hmac.new(self.secret, label + b"\n" + message, hashlib.sha256).hexdigest()


class AuditKeyring:
    """The configured audit keys: the first signs, all verify."""

    def __init__(self, secrets_: Sequence[str]) -> None:
        keys = [AuditKey.of(s) for s in secrets_ if s]
        if not keys:
            raise ConfigurationError("ATTUNE_AUDIT_KEY", "holds no key")
        self.signing = keys[0]
        self._by_id = {key.key_id: key for key in keys}

    @classmethod
    def derived_from(cls, signing_key: str) -> AuditKeyring:
        """A keyring derived from the signing key, for programmatic use and tests.

        The edges (app, CLI) always pass the configured keyring instead.
        """
        derived = hmac.new(signing_key.encode(), b"attunement audit key", hashlib.sha256)
        return cls([derived.hexdigest()])

    def get(self, key_id: str) -> AuditKey | None:
        return self._by_id.get(key_id)

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def __repr__(self) -> str:
        return f"AuditKeyring(key_ids={list(self._by_id)!r})"


def new_audit_key() -> str:
    """A fresh random audit key (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def _split(text: str, separator: str) -> list[str]:
    return [part.strip() for part in text.split(separator) if part.strip()]


def _read_key_file(path: Path, *, private: bool) -> list[str]:
    try:
        info = path.stat()
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            "ATTUNE_AUDIT_KEY_FILE", f"cannot read {str(path)!r} ({exc.strerror})"
        ) from None
    if private and stat.S_IMODE(info.st_mode) & 0o077:
        raise ConfigurationError(
            "ATTUNE_AUDIT_KEY_FILE",
            f"{str(path)!r} may be read by group or others; chmod 600 it",
        )
    return _split(text, "\n")


def _dev_key_file(data_dir: Path) -> Path:
    """``<data dir>/audit.key``, created 0600 with a fresh key when missing.

    Written to a private temporary file, then linked into place: a concurrent first use
    sees either no file or the whole key, never an empty one.
    """
    path = data_dir / DEV_KEY_FILE
    if path.exists():
        return path
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = data_dir / f".{DEV_KEY_FILE}.{secrets.token_hex(8)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(new_audit_key() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first; use its key
        finally:
            temporary.unlink()
    except OSError as exc:
        raise ConfigurationError(
            "ATTUNE_DATA_DIR", f"cannot create the audit key file ({exc.strerror})"
        ) from None
    return path


def load_audit_keys(
    *, keys: str | None, key_file: Path | None, data_dir: Path, production: bool
) -> AuditKeyring:
    """The keyring from the settings (see the module docstring for the order)."""
    if keys:
        found, setting = _split(keys, ","), "ATTUNE_AUDIT_KEY"
    elif key_file is not None:
        found, setting = _read_key_file(key_file, private=True), "ATTUNE_AUDIT_KEY_FILE"
    elif production:
        raise ConfigurationError(
            "ATTUNE_AUDIT_KEY",
            "is required in production mode (or ATTUNE_AUDIT_KEY_FILE); keep it outside "
            "the database",
        )
    else:
        path = _dev_key_file(data_dir)
        found, setting = _read_key_file(path, private=False), "ATTUNE_AUDIT_KEY_FILE"
    if not found:
        raise ConfigurationError(setting, "holds no key")
    if production:
        for position, value in enumerate(found, start=1):
            problem = secret_problem(value)
            if problem:
                raise ConfigurationError(setting, f"key {position} {problem}")
    return AuditKeyring(found)
