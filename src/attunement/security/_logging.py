"""Keep credentials and health data out of every log.

Three layers, so that no single mistake leaks a patient's name, answers or free text:

* the app logs only route templates (``/api/v1/patients/{patient_id}``), never a request's
  path or query string, and only exception types and code locations, never an exception's
  message (:mod:`attunement.http._request_log`);
* every engine hides SQL parameters (``hide_parameters=True``), so a database error's text
  carries no values (:mod:`attunement.store._engine`);
* ``attune serve`` configures logging (:func:`serve_log_config`) with two filters on every
  handler: :class:`RedactTokens` replaces any Attunement token with ``<redacted>``, and
  :class:`RedactExceptions` replaces an exception attached to any record (the server's,
  SQLAlchemy's, a library's) by its types and frames, without its message — a database
  driver's message may quote a stored value (PostgreSQL's ``DETAIL: Key (…)=(…)``).
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

from attunement.security._tokens import TOKEN_PATTERN

__all__ = [
    "RedactExceptions",
    "RedactTokens",
    "exception_summary",
    "install_log_redaction",
    "redacted_traceback",
    "serve_log_config",
]

_WITHHELD = "<message withheld: it may quote stored values>"


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _chain(error: BaseException) -> list[BaseException]:
    chain, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    return list(reversed(chain))


def redacted_traceback(error: BaseException) -> str:
    """A traceback of ``error`` and its causes: types and frames, never messages."""
    parts = []
    for link in _chain(error):
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(link.__traceback__))
        parts.append(f"{_type_name(link)}: {_WITHHELD}\n")
    return "".join(parts).rstrip("\n")


def exception_summary(error: BaseException, *, limit: int = 6) -> str:
    """One line: the type of ``error`` and where it was raised, innermost frame first.

    The innermost frame, then Attunement's own frames (framework frames add nothing to
    find the bug), at most ``limit``; never the message.
    """
    frames = list(reversed(traceback.extract_tb(error.__traceback__)))
    ours = [f for f in frames[1:] if "/attunement/" in f.filename.replace("\\", "/")]
    shown = (frames[:1] + ours)[:limit]
    where = " < ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in shown)
    return f"{_type_name(error)} at {where or 'an unknown location'}"


class RedactTokens(logging.Filter):
    """A logging filter that redacts bearer, session and invitation tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = TOKEN_PATTERN.sub("<redacted>", record.msg)
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(
                TOKEN_PATTERN.sub("<redacted>", a) if isinstance(a, str) else a for a in args
            )
        return True


class RedactExceptions(logging.Filter):
    """Replace any exception on a record by its types and frames (no message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1])
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = _WITHHELD
        if isinstance(record.args, tuple) and any(
            isinstance(a, BaseException) for a in record.args
        ):
            record.args = tuple(
                _type_name(a) if isinstance(a, BaseException) else a for a in record.args
            )
        return True


def install_log_redaction(*logger_names: str) -> None:
    """Attach both filters to the named loggers and their handlers."""
    for name in logger_names:
        logger = logging.getLogger(name)
        for owner in (logger, *logger.handlers):
            for kind in (RedactTokens, RedactExceptions):
                if not any(isinstance(f, kind) for f in owner.filters):
                    owner.addFilter(kind())


def serve_log_config(level: str = "INFO") -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of ``attune serve`` (handed to uvicorn).

    One handler on stderr, both filters on it; the app's access log
    (``attunement.access``) replaces uvicorn's, which would print raw paths and query
    strings; SQLAlchemy logs warnings only (its INFO/DEBUG levels print statements and
    result rows).
    """
    filters = ["redact_tokens", "redact_exceptions"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact_tokens": {"()": RedactTokens},
            "redact_exceptions": {"()": RedactExceptions},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "plain",
                "filters": filters,
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "attunement": {"handlers": ["stderr"], "level": level, "propagate": False},
            "sqlalchemy": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
