"""Security primitives: passwords, tokens, CSRF, the audit chain and its keys and anchors,
secret strength, headers, log redaction.

Pure helpers (no database): the services apply them with the stored state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.security._audit_anchor import (
        ANCHOR_FORMAT,
        AnchoredHead,
        AnchorSet,
        AuditAnchor,
        read_anchors,
        sign_anchor,
        write_anchor,
    )
    from attunement.security._audit_chain import (
        GENESIS_HASH,
        LEGACY_KEY_ID,
        ChainedEntryFields,
        EntryFields,
        canonical_json,
        canonical_time,
        chained_entry_mac,
        entry_hash,
        entry_mac,
    )
    from attunement.security._audit_keys import (
        AuditKey,
        AuditKeyring,
        load_audit_keys,
        new_audit_key,
    )
    from attunement.security._headers import CONTENT_SECURITY_POLICY, security_headers
    from attunement.security._logging import (
        RedactExceptions,
        RedactTokens,
        exception_summary,
        install_log_redaction,
        serve_log_config,
    )
    from attunement.security._passwords import PasswordCheck, Passwords
    from attunement.security._policy import SecurityPolicy
    from attunement.security._strength import (
        estimated_entropy_bits,
        password_problem,
        secret_problem,
    )
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
    "ANCHOR_FORMAT",
    "API_TOKEN_PREFIX",
    "CONTENT_SECURITY_POLICY",
    "GENESIS_HASH",
    "INVITATION_PREFIX",
    "LEGACY_KEY_ID",
    "SESSION_PREFIX",
    "TOKEN_PATTERN",
    "AnchorSet",
    "AnchoredHead",
    "AuditAnchor",
    "AuditKey",
    "AuditKeyring",
    "ChainedEntryFields",
    "EntryFields",
    "PasswordCheck",
    "Passwords",
    "RedactExceptions",
    "RedactTokens",
    "SecurityPolicy",
    "canonical_json",
    "canonical_time",
    "chained_entry_mac",
    "csrf_token",
    "csrf_valid",
    "entry_hash",
    "entry_mac",
    "estimated_entropy_bits",
    "exception_summary",
    "install_log_redaction",
    "load_audit_keys",
    "new_audit_key",
    "new_token",
    "password_problem",
    "read_anchors",
    "secret_problem",
    "security_headers",
    "serve_log_config",
    "sign_anchor",
    "token_digest",
    "write_anchor",
]

#: The submodule that defines each name. Importing the package imports none of them: a name
#: loads its submodule on first use, so reading the settings (audit keys, secret strength)
#: loads no password hashing or logging set-up. A new name goes in three places: the import
#: above, ``__all__`` and here (tests/cli/test_lazy_exports.py checks).
_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_audit_anchor": (
        "ANCHOR_FORMAT",
        "AnchoredHead",
        "AnchorSet",
        "AuditAnchor",
        "read_anchors",
        "sign_anchor",
        "write_anchor",
    ),
    "_audit_chain": (
        "GENESIS_HASH",
        "LEGACY_KEY_ID",
        "ChainedEntryFields",
        "EntryFields",
        "canonical_json",
        "canonical_time",
        "entry_hash",
        "chained_entry_mac",
        "entry_mac",
    ),
    "_audit_keys": ("AuditKey", "AuditKeyring", "load_audit_keys", "new_audit_key"),
    "_headers": ("CONTENT_SECURITY_POLICY", "security_headers"),
    "_logging": (
        "RedactExceptions",
        "RedactTokens",
        "exception_summary",
        "install_log_redaction",
        "serve_log_config",
    ),
    "_passwords": ("PasswordCheck", "Passwords"),
    "_policy": ("SecurityPolicy",),
    "_strength": ("estimated_entropy_bits", "password_problem", "secret_problem"),
    "_tokens": (
        "API_TOKEN_PREFIX",
        "INVITATION_PREFIX",
        "SESSION_PREFIX",
        "TOKEN_PATTERN",
        "csrf_token",
        "csrf_valid",
        "new_token",
        "token_digest",
    ),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
