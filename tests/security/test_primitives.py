"""Passwords, tokens, CSRF, the audit hash and log redaction, without a database."""

from __future__ import annotations

import datetime as dt
import logging

from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st

from attunement.security import (
    GENESIS_HASH,
    RedactTokens,
    canonical_time,
    csrf_token,
    csrf_valid,
    entry_hash,
    new_token,
    security_headers,
    token_digest,
)
from attunement.security import Passwords as PasswordsType

FAST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
ENTRY = {
    "seq": 1,
    "at": dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC),
    "actor": "user:3",
    "role": "clinician",
    "action": "patient.read",
    "patient_id": 7,
    "target": None,
    "outcome": "success",
    "detail": {},
    "prev_hash": GENESIS_HASH,
}


def test_passwords_hash_with_argon2id_and_verify() -> None:
    passwords = PasswordsType(PasswordHasher(**FAST))
    stored = passwords.hash("a long enough passphrase")
    assert stored.startswith("$argon2id$")
    assert passwords.verify(stored, "a long enough passphrase").ok
    assert not passwords.verify(stored, "a wrong passphrase").ok
    assert not passwords.verify(None, "anything").ok
    assert not passwords.verify("not-a-hash", "anything").ok


def test_changed_parameters_ask_for_a_rehash() -> None:
    old = PasswordsType(PasswordHasher(**FAST)).hash("a long enough passphrase")
    stronger = PasswordsType(PasswordHasher(**(FAST | {"time_cost": 2})))
    check = stronger.verify(old, "a long enough passphrase")
    assert check.ok
    assert check.needs_rehash


def test_tokens_are_random_prefixed_and_stored_only_as_keyed_digests() -> None:
    first, second = new_token("atk"), new_token("atk")
    assert first != second
    assert first.startswith("atk_")
    assert len(first) >= 40
    digest = token_digest("key-one", first)
    assert len(digest) == 64
    assert first not in digest
    assert digest != token_digest("key-two", first)


def test_csrf_tokens_are_bound_to_their_session_and_key() -> None:
    token = csrf_token("key", "ses_abc")
    assert csrf_valid("key", "ses_abc", token)
    assert not csrf_valid("key", "ses_other", token)
    assert not csrf_valid("other-key", "ses_abc", token)
    assert not csrf_valid("key", None, token)
    assert not csrf_valid("key", "ses_abc", None)


@given(
    field=st.sampled_from(sorted(set(ENTRY) - {"at", "detail", "prev_hash"})),
    value=st.one_of(st.integers(min_value=2), st.text(min_size=1)),
)
def test_changing_any_field_changes_the_hash(field: str, value: object) -> None:
    if ENTRY[field] == value:
        return
    assert entry_hash(**ENTRY) != entry_hash(**(ENTRY | {field: value}))  # type: ignore[arg-type]


def test_the_hash_covers_time_detail_and_the_previous_hash() -> None:
    base = entry_hash(**ENTRY)  # type: ignore[arg-type]
    later = ENTRY | {"at": ENTRY["at"] + dt.timedelta(microseconds=1)}  # type: ignore[operator]
    assert entry_hash(**later) != base  # type: ignore[arg-type]
    assert entry_hash(**(ENTRY | {"detail": {"x": 1}})) != base  # type: ignore[arg-type]
    assert entry_hash(**(ENTRY | {"prev_hash": "f" * 64})) != base  # type: ignore[arg-type]


def test_naive_and_aware_utc_times_hash_alike() -> None:
    aware = dt.datetime(2026, 1, 5, 9, 30, 1, 5, tzinfo=dt.UTC)
    assert canonical_time(aware) == canonical_time(aware.replace(tzinfo=None))
    assert canonical_time(aware) == "2026-01-05T09:30:01.000005Z"


def test_tokens_are_redacted_from_log_records() -> None:
    token = new_token("inv")
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s "%s %s"',
        ("1.2.3.4", "GET", f"/self-report/{token}"),
        None,
    )
    RedactTokens().filter(record)
    assert token not in record.getMessage()
    assert "/self-report/<redacted>" in record.getMessage()


def test_hsts_only_when_https_is_enforced() -> None:
    assert "Strict-Transport-Security" in security_headers(https_only=True)
    assert "Strict-Transport-Security" not in security_headers(https_only=False)
