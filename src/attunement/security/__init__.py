"""Security primitives: passwords, tokens, CSRF, the audit hash chain, headers, log redaction.

Pure helpers (no database): the services apply them with the stored state.
"""

from attunement.security._audit_chain import (
    GENESIS_HASH,
    canonical_json,
    canonical_time,
    entry_hash,
)
from attunement.security._headers import CONTENT_SECURITY_POLICY, security_headers
from attunement.security._logging import RedactTokens, install_log_redaction
from attunement.security._passwords import PasswordCheck, Passwords
from attunement.security._policy import SecurityPolicy
from attunement.security._tokens import (
    API_TOKEN_PREFIX,
    INVITATION_PREFIX,
    SESSION_PREFIX,
    TOKEN_PATTERN,
    csrf_token,
    csrf_valid,
    new_token,
    token_digest,
)

__all__ = [
    "API_TOKEN_PREFIX",
    "CONTENT_SECURITY_POLICY",
    "GENESIS_HASH",
    "INVITATION_PREFIX",
    "SESSION_PREFIX",
    "TOKEN_PATTERN",
    "PasswordCheck",
    "Passwords",
    "RedactTokens",
    "SecurityPolicy",
    "canonical_json",
    "canonical_time",
    "csrf_token",
    "csrf_valid",
    "entry_hash",
    "install_log_redaction",
    "new_token",
    "security_headers",
    "token_digest",
]
