"""Keep credentials out of application logs.

Access logs carry request paths; an invitation link carries its token in the path. This
filter replaces any Attunement token in a log record with ``<redacted>`` before it is
written. Patient data never reaches the logs in the first place: services log nothing
about patients and the API logs only exception types and route templates.
"""

from __future__ import annotations

import logging

from attunement.security._tokens import TOKEN_PATTERN

__all__ = ["RedactTokens", "install_log_redaction"]


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


def install_log_redaction(*logger_names: str) -> None:
    """Attach :class:`RedactTokens` to the named loggers' handlers and the loggers."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
        for handler in logger.handlers:
            if not any(isinstance(f, RedactTokens) for f in handler.filters):
                handler.addFilter(RedactTokens())
