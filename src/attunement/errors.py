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
    │   ├── InvalidEpisode               an episode/session series is malformed
    │   └── InvalidFile                  a file given as input cannot be read or parsed
    ├── UnknownInstrument                no instrument definition with that id
    ├── UnknownElement                   no evidence element with that id
    ├── NotFound                         a record does not exist *or* is not visible to
    │                                    the caller (ids are never confirmed)
    ├── Forbidden                        the caller may see the record but not do this
    ├── AuthenticationError              bad credentials, expired or revoked token
    ├── Conflict                         the request clashes with stored state
    │   └── TherapySessionExists                a session with that number is already recorded
    ├── DeliveryError                    a message could not be handed to its channel
    │                                    (SMTP, SMS); ``permanent`` says whether to retry
    └── StorageError                     the database refused or failed; nothing was written

Pydantic's ``ValidationError`` enters the tree in one place: :func:`field_problems` reads
its problems (dotted field, message, value given) and :func:`invalid_input` turns the first
into an :class:`InputError` (knowledge files, settings and forms word the same problems as a
``DefinitionError``, a ``ConfigurationError`` or a form message).

A message never repeats a whole bad value: :func:`quote` shows at most
:data:`QUOTE_LIMIT` characters of its ``repr`` and an ellipsis, so a 10 MB value gives a
one-line error, not a 10 MB one (issue 18).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:  # a type only: `attune --help` starts without pydantic (issue 13)
    from pydantic import ValidationError

__all__ = [
    "QUOTE_LIMIT",
    "AttunementError",
    "AuthenticationError",
    "ConfigurationError",
    "Conflict",
    "DefinitionError",
    "DeliveryError",
    "FieldProblem",
    "Forbidden",
    "InputError",
    "InvalidAnswer",
    "InvalidEpisode",
    "InvalidFile",
    "InvalidProfile",
    "NotFound",
    "StorageError",
    "TherapySessionExists",
    "UnknownElement",
    "UnknownInstrument",
    "dotted",
    "field_problems",
    "invalid_input",
    "quote",
]

#: How many characters of a bad value an error message repeats at most.
QUOTE_LIMIT = 40


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)`` cut to ``limit`` characters plus "…" (the value itself is kept).

    Long strings are cut before ``repr`` runs, so quoting a huge value stays cheap; a huge
    integer is cut from its leading digits; a structure nested too deeply to ``repr`` is
    named by its type.
    """
    if isinstance(value, str | bytes) and len(value) > limit:
        value = value[: limit + 1]
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        sign = "-" if value < 0 else ""
        return f"{sign}{_leading_digits(abs(value), limit)}… ({value.bit_length()}-bit integer)"
    try:
        text = repr(value)
    except RecursionError:
        return f"<a {type(value).__name__} nested too deeply to show>"
    return text if len(text) <= limit else text[:limit] + "…"


def _leading_digits(number: int, count: int) -> str:
    """The first ``count`` digits of a huge positive integer without converting all of it
    (``str()`` of a number over 4,300 digits raises ValueError since Python 3.11)."""
    digits = math.floor(number.bit_length() * math.log10(2))
    shift = max(0, digits - count - 2)
    return str(number // 10**shift)[:count]


class AttunementError(Exception):
    """Base of every error Attunement raises on purpose.

    Picklable with its attributes whatever its constructor takes: an error raised in a
    worker process (``attune import csv --workers``) reaches the parent as it was."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))


def _rebuilt(kind: type[AttunementError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """An unpickled :class:`AttunementError`: its arguments and attributes, without running
    its constructor again (whose parameters differ per kind)."""
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigurationError(AttunementError):
    """A setting is malformed, unreachable or unsafe.

    ``setting`` is the environment variable or flag, e.g. ``ATTUNE_DATABASE_URL``.
    """

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting


class DefinitionError(AttunementError):
    """A knowledge file (evidence element, instrument definition, rule set) is invalid.

    ``source`` is the file, ``field`` the dotted field (``findings[2].source``), ``line`` the
    1-based line in the file when it is known; the message reads ``file:line: field: problem``.
    """

    def __init__(self, source: str, field: str, problem: str, line: int | None = None) -> None:
        super().__init__(f"{source if line is None else f'{source}:{line}'}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem
        self.line = line


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
        if len(field) > 2 * QUOTE_LIMIT:  # a field path may hold a caller's dict key
            field = field[: 2 * QUOTE_LIMIT] + "…"
        risks = tuple(risk)
        message = f"{field}: {quote(value)} is not allowed; allowed: {allowed_text}"
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


class InvalidFile(InputError):
    """A file given as input cannot be read or parsed: ``where`` is the file (and line)."""

    def __init__(self, where: str, problem: str) -> None:
        AttunementError.__init__(self, f"{where}: {problem}")
        self.field = "file"
        self.value = where
        self.allowed = problem


class UnknownInstrument(AttunementError):
    """No instrument definition has this id."""

    def __init__(self, instrument_id: str, known: Iterable[str]) -> None:
        super().__init__(
            f"instrument: {quote(instrument_id)} is not known; known: {', '.join(sorted(known))}"
        )
        self.instrument_id = instrument_id


class UnknownElement(AttunementError):
    """No evidence element has this id."""

    def __init__(self, element_id: str, known: Iterable[str]) -> None:
        super().__init__(
            f"element: {quote(element_id)} is not known; known: {', '.join(sorted(known))}"
        )
        self.element_id = element_id


class NotFound(AttunementError):
    """The record does not exist, or the caller may not know that it exists."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {quote(key)} not found")
        self.kind = kind
        self.key = key


class Forbidden(AttunementError):
    """The caller is known but may not do this."""


class AuthenticationError(AttunementError):
    """Credentials or token are wrong, expired or revoked (never says which)."""


class Conflict(AttunementError):
    """The request clashes with what is stored (e.g. a duplicate external id)."""


class TherapySessionExists(Conflict):
    """Creating a session whose number the episode already has (issue 12).

    Creating and editing are different actions: nothing is merged. Adapters point to the
    existing session's edit resource (``episode_id``, ``number``).
    """

    def __init__(self, episode_id: int, number: int, *, voided: bool = False) -> None:
        state = "was recorded and voided" if voided else "is already recorded"
        super().__init__(
            f"session {number} {state} in episode {episode_id}; "
            + ("record the next number" if voided else "edit it instead of creating it again")
        )
        self.episode_id = episode_id
        self.number = number
        self.voided = voided
        self.field = "number"


class DeliveryError(AttunementError):
    """A message could not be handed to its channel (an SMTP server, an SMS provider).

    ``permanent`` is true when trying again cannot help (the server rejected the recipient
    or the message: a 5xx reply); false for a refused connection or a 4xx reply.
    """

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class StorageError(AttunementError):
    """The database refused or failed; the transaction was rolled back."""


# --------------------------------------------------------------------------- validation


def dotted(path: Iterable[str | int]) -> str:
    """``("findings", 2, "source")`` → ``findings[2].source``; the empty path is ``""``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class FieldProblem(NamedTuple):
    """One problem pydantic found: where (``loc`` and its dotted form), what, and the value."""

    loc: tuple[str | int, ...]
    field: str
    kind: str
    message: str
    value: object


class _Problems(Protocol):
    """pydantic's ``ValidationError`` or FastAPI's ``RequestValidationError``."""

    def errors(self) -> Sequence[Any]: ...


def field_problems(error: ValidationError | _Problems) -> tuple[FieldProblem, ...]:
    """Every problem of a pydantic ``ValidationError`` (or FastAPI's request validation
    error, which carries the same records), in pydantic's order; the message has pydantic's
    "Value error, " prefix removed (our validators' text is the message)."""
    return tuple(_problem(problem) for problem in error.errors())


def _problem(problem: Mapping[str, Any]) -> FieldProblem:
    loc = tuple(problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return FieldProblem(loc, dotted(loc), str(problem["type"]), message, problem.get("input"))


def invalid_input(
    error: ValidationError,
    *,
    where: str = "",
    otherwise: str = "body",
    names: Mapping[str, str] | None = None,
) -> InputError:
    """The first problem of ``error`` as an :class:`InputError`: the field (``where`` put
    before it; ``otherwise`` when the whole input is at fault; renamed by ``names``), the
    value given and pydantic's account of what is allowed. Raise it ``from None``."""
    first = field_problems(error)[0]
    field = (names or {}).get(first.field, first.field) or otherwise
    return InputError(f"{where}{field}", first.value, first.message)
