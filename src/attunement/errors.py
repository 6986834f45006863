"""The typed errors of Attunement.

Every error a user can cause is one of these, raised with a message a clinician or an
operator can act on: it names the field, the value and what is allowed. Adapters map them
once each — the CLI to exit code 2, the API to an HTTP status, the web pages to a form
message — and never show a traceback.

::

    AttunementError                      base; ``.message`` is the one-line text
    ├── ConfigurationError               a setting is malformed, unreachable or unsafe
    ├── DefinitionError                  a packaged or imported knowledge file is invalid
    │                                    (evidence, instrument, rule); names file and field
    ├── InputError                       user input does not fit (CLI files, API bodies)
    │   ├── InvalidAnswer                an answer to an instrument item is not allowed
    │   ├── InvalidProfile               a profile field is unknown, mistyped or out of range
    │   └── InvalidEpisode               an episode/session series is malformed
    ├── UnknownInstrument                no instrument definition with that id
    ├── UnknownElement                   no evidence element with that id
    ├── NotFound                         a record does not exist *or* is not visible to
    │                                    the caller (ids are never confirmed)
    ├── Forbidden                        the caller may see the record but not do this
    ├── AuthenticationError              bad credentials, expired or revoked token
    ├── Conflict                         the request clashes with stored state
    └── StorageError                     the database refused or failed; nothing was written
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AttunementError",
    "AuthenticationError",
    "ConfigurationError",
    "Conflict",
    "DefinitionError",
    "Forbidden",
    "InputError",
    "InvalidAnswer",
    "InvalidEpisode",
    "InvalidProfile",
    "NotFound",
    "StorageError",
    "UnknownElement",
    "UnknownInstrument",
]


class AttunementError(Exception):
    """Base of every error Attunement raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigurationError(AttunementError):
    """A setting is malformed, unreachable or unsafe.

    ``setting`` is the environment variable or flag, e.g. ``ATTUNE_DATABASE_URL``.
    """

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting


class DefinitionError(AttunementError):
    """A knowledge file (evidence element, instrument definition, rule set) is invalid."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field


def _allowed_text(allowed: Iterable[object] | str) -> str:
    if isinstance(allowed, str):
        return allowed
    return ", ".join(str(a) for a in allowed)


class InputError(AttunementError):
    """User input does not fit: names the field, the value given and what is allowed.

    ``risk`` carries the messages of risk items endorsed elsewhere in the same refused input
    (an administration refused for item 1 whose item 9 was endorsed): they are appended to
    the message, so an error can never hide an endorsed risk item. Re-raise with
    ``risk=error.risk`` when translating one input error into another.
    """

    def __init__(
        self,
        field: str,
        value: object,
        allowed: Iterable[object] | str,
        *,
        risk: Iterable[str] = (),
    ) -> None:
        allowed_text = _allowed_text(allowed)
        risks = tuple(risk)
        message = f"{field}: {value!r} is not allowed; allowed: {allowed_text}"
        if risks:
            message += "".join(f" RISK: {text}" for text in risks)
        super().__init__(message)
        self.field = field
        self.value = value
        self.allowed = allowed_text
        self.risk = risks


class InvalidAnswer(InputError):
    """An answer to an instrument item is out of range, mistyped, or for an unknown item."""


class InvalidProfile(InputError):
    """A profile dimension is unknown, mistyped or out of range."""


class InvalidEpisode(InputError):
    """An episode file or session series is malformed (names the session and field)."""


class UnknownInstrument(AttunementError):
    """No instrument definition has this id."""

    def __init__(self, instrument_id: str, known: Iterable[str]) -> None:
        super().__init__(
            f"instrument: {instrument_id!r} is not known; known: {', '.join(sorted(known))}"
        )
        self.instrument_id = instrument_id


class UnknownElement(AttunementError):
    """No evidence element has this id."""

    def __init__(self, element_id: str, known: Iterable[str]) -> None:
        super().__init__(f"element: {element_id!r} is not known; known: {', '.join(sorted(known))}")
        self.element_id = element_id


class NotFound(AttunementError):
    """The record does not exist, or the caller may not know that it exists."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class Forbidden(AttunementError):
    """The caller is known but may not do this."""


class AuthenticationError(AttunementError):
    """Credentials or token are wrong, expired or revoked (never says which)."""


class Conflict(AttunementError):
    """The request clashes with what is stored (e.g. a duplicate external id)."""


class StorageError(AttunementError):
    """The database refused or failed; the transaction was rolled back."""
