"""Opaque random tokens stored as keyed digests, and CSRF tokens bound to a session.

A token is ``<prefix>_<43 url-safe characters>`` (256 random bits, ``secrets``). The
database keeps only HMAC-SHA256(signing key, token): a copy of the database does not hold
usable credentials, and rotating ``ATTUNE_SECRET_KEY`` invalidates every token at once. The
prefix tells which kind a bearer token is (and lets log filters redact it).

CSRF uses the synchronizer-token pattern without server state (OWASP CSRF Prevention Cheat
Sheet, "signed double-submit"): the token is HMAC(signing key, "csrf:" + binding), where the
binding is the session token (or a pre-session nonce for anonymous forms).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

__all__ = [
    "API_TOKEN_PREFIX",
    "INVITATION_PREFIX",
    "SESSION_PREFIX",
    "TOKEN_PATTERN",
    "csrf_token",
    "csrf_valid",
    "new_token",
    "token_digest",
]

API_TOKEN_PREFIX = "atk"  # noqa: S105  (a prefix, not a secret)
SESSION_PREFIX = "ses"
INVITATION_PREFIX = "inv"

#: Matches any token this module issues (used to redact them from logs).
TOKEN_PATTERN = re.compile(r"\b(?:atk|ses|inv)_[A-Za-z0-9_-]{20,}")


def new_token(prefix: str) -> str:
    """A fresh opaque token with ``prefix`` (256 bits of randomness)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_digest(key: str, token: str) -> str:
    """HMAC-SHA256 of ``token`` under ``key`` (hex), the only form ever stored."""
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()


def csrf_token(key: str, binding: str) -> str:
    """The CSRF token for forms rendered within ``binding`` (a session token or nonce)."""
    return hmac.new(key.encode(), f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(key: str, binding: str | None, submitted: str | None) -> bool:
    """Whether ``submitted`` is the CSRF token of ``binding`` (constant-time comparison)."""
    if not binding or not submitted:
        return False
    # as bytes: compare_digest refuses str with non-ASCII characters (a forged form field)
    expected = csrf_token(key, binding).encode()
    return hmac.compare_digest(expected, submitted.encode("utf-8", "surrogatepass"))
