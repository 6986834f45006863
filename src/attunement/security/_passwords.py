"""Password hashing with Argon2id (argon2-cffi), rehash on login, and no timing oracle.

Argon2id is the password hash recommended by RFC 9106 and the OWASP Password Storage Cheat
Sheet; argon2-cffi's ``PasswordHasher`` uses it with the RFC 9106 low-memory profile.
Sign-in for an unknown or deactivated account still verifies against a dummy hash, so the
response time does not reveal which usernames exist.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["PasswordCheck", "Passwords"]


class PasswordCheck:
    """Outcome of one verification: ``ok``, and whether the stored hash should be renewed."""

    __slots__ = ("needs_rehash", "ok")

    def __init__(self, *, ok: bool, needs_rehash: bool) -> None:
        self.ok = ok
        self.needs_rehash = needs_rehash


class Passwords:
    """Hash and verify passwords with one Argon2id parameter set."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    @functools.cached_property
    def _dummy_hash(self) -> str:
        return self.hasher.hash("attunement-dummy-password-for-timing")

    def verify(self, stored: str | None, password: str) -> PasswordCheck:
        """Check ``password`` against ``stored``; with no stored hash, spend the same time."""
        if stored is None:
            self._verify_quietly(self._dummy_hash, password)
            return PasswordCheck(ok=False, needs_rehash=False)
        if not self._verify_quietly(stored, password):
            return PasswordCheck(ok=False, needs_rehash=False)
        return PasswordCheck(ok=True, needs_rehash=self.hasher.check_needs_rehash(stored))

    def _verify_quietly(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
