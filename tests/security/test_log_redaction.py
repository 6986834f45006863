"""The log filters of ``attune serve`` drop exception messages and tokens from any record."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager

from attunement.security import RedactExceptions, new_token, serve_log_config

NAME = "Synthetic Marker Patient"


def _record_with_exception() -> logging.LogRecord:
    try:
        try:
            raise KeyError(NAME)
        except KeyError as inner:
            raise ValueError(f"could not store {NAME!r}") from inner
    except ValueError as error:
        return logging.LogRecord(
            "sqlalchemy.pool",
            logging.ERROR,
            __file__,
            1,
            "failed: %s",
            (error,),
            (
                type(error),
                error,
                error.__traceback__,
            ),
        )


def test_an_exception_keeps_its_types_and_frames_but_loses_its_messages() -> None:
    record = _record_with_exception()
    RedactExceptions().filter(record)
    text = logging.Formatter().format(record)
    assert NAME not in text
    assert "ValueError" in text
    assert "KeyError" in text
    assert "_record_with_exception" in text  # the frame is kept


@contextmanager
def _logging_restored() -> Iterator[None]:
    """dictConfig changes global loggers: put every one back as it was."""
    names = [None, *logging.root.manager.loggerDict]
    saved: dict[str | None, tuple[list[logging.Handler], int, bool, bool]] = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = (list(logger.handlers), logger.level, logger.propagate, logger.disabled)
    try:
        yield
    finally:
        for name, (handlers, level, propagate, disabled) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate, logger.disabled = propagate, disabled
        for name in set(logging.root.manager.loggerDict) - set(saved):
            logger = logging.getLogger(name)
            logger.handlers.clear()
            logger.setLevel(logging.NOTSET)
            logger.propagate, logger.disabled = True, False


def test_the_serve_log_config_filters_every_logger_that_reaches_stderr() -> None:
    config = serve_log_config()
    stream = io.StringIO()
    config["handlers"]["stderr"]["stream"] = stream
    with _logging_restored():
        logging.config.dictConfig(config)
        token = new_token("inv")
        logging.getLogger("uvicorn.error").error("bad request for /self-report/%s", token)
        logging.getLogger("sqlalchemy.pool").handle(_record_with_exception())
        logging.getLogger("attunement.http").info("no tokens here: %s", token)
        logging.getLogger("uvicorn.access").warning("GET /caseload?q=%s", NAME)
    written = stream.getvalue()
    assert token not in written
    assert NAME not in written
    assert "<redacted>" in written
    assert "ValueError" in written
