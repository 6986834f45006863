"""The API's one error mapping: typed Attunement errors to HTTP status and a JSON body.

Body: ``{"detail": message, "field": field or null, "allowed": allowed or null}``
(:class:`ErrorBody`; routes document the statuses they may answer with
:func:`error_responses`, so the OpenAPI contract lists every status and its schema).

==========================  ======  ==============================================
error                        status  note
==========================  ======  ==============================================
InputError (InvalidAnswer…)  422     names the field and the allowed values
UnknownInstrument            422     an input naming no known instrument
request body/form invalid    422     FastAPI validation, same body shape; the value
                                     itself is never echoed
body unreadable              400     not JSON or form data Python can parse
body too large               413     see :mod:`attunement.http._limits`
AuthenticationError          401     ``WWW-Authenticate: Bearer``
TooManyAttempts              429     ``Retry-After`` seconds
Forbidden                    403
NotFound, UnknownElement     404     also for records the caller may not see
Conflict                     409
TherapySessionExists                409     ``Location``: the existing session's resource
StorageError                 503     nothing was written
ConfigurationError, other    500     no detail (it may name internals)
==========================  ======  ==============================================

Nothing about the request body is logged. Exceptions no handler here types are answered
500 and logged once, by type and code location only, by
:class:`attunement.http._request_log.RequestLogMiddleware`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from attunement.errors import (
    AttunementError,
    AuthenticationError,
    Conflict,
    Forbidden,
    InputError,
    NotFound,
    StorageError,
    TherapySessionExists,
    UnknownElement,
    UnknownInstrument,
    field_problems,
)
from attunement.services import TooManyAttempts

__all__ = [
    "ErrorBody",
    "error_body",
    "error_responses",
    "install_error_handlers",
    "page_error_responses",
    "status_for",
]

logger = logging.getLogger("attunement.http")

#: Where an existing session is read and edited (the 409 of a repeated create names it).
SESSION_RESOURCE = "/api/v1/episodes/{episode_id}/sessions/{number}"

_STATUS: tuple[tuple[type[AttunementError], int], ...] = (
    (TooManyAttempts, 429),
    (AuthenticationError, 401),
    (InputError, 422),
    (UnknownInstrument, 422),
    (Forbidden, 403),
    (NotFound, 404),
    (UnknownElement, 404),
    (Conflict, 409),
    (StorageError, 503),
)

#: A page renderer for errors outside /api (set by the web pages), else JSON everywhere.
PageErrorHandler = Callable[[Request, int, dict[str, Any]], Response]


def status_for(error: AttunementError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 500


def error_body(detail: str, field: str | None = None, allowed: str | None = None) -> dict[str, Any]:
    return {"detail": detail, "field": field, "allowed": allowed}


class ErrorBody(BaseModel):
    """Every error of the API: one line, the field it is about and what is allowed."""

    detail: str
    field: str | None
    allowed: str | None


_MEANING = {
    303: "Not signed in: the page redirects to the sign-in page",
    400: "The body could not be read",
    401: "Not signed in, or the credentials are wrong, expired or revoked",
    403: "Signed in, but not allowed to do this (or the CSRF token is missing)",
    404: "No such record, or not one the caller may see",
    409: "Clashes with what is stored",
    412: "Required prefetch missing",
    413: "The request body is larger than the configured limit",
    422: "The input does not fit: names the field and what is allowed",
    429: "Too many failed sign-ins: wait Retry-After seconds",
    503: "The database is unavailable; nothing was written",
}


def error_responses(*statuses: int, json_only: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, each with the :class:`ErrorBody`.

    ``json_only``: for a route whose success is another media type (FHIR's
    ``application/fhir+json``), the errors are still plain JSON.
    """
    if json_only:
        schema = {"$ref": "#/components/schemas/ErrorBody"}
        return {
            status: {
                "description": _MEANING[status],
                "content": {"application/json": {"schema": schema}},
            }
            for status in statuses
        }
    return {status: {"model": ErrorBody, "description": _MEANING[status]} for status in statuses}


def page_error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The same for routes outside ``/api`` whose errors are pages (HTML) or a redirect."""
    return {
        status: {"description": _MEANING[status], "content": {"text/html": {}}}
        if status != 303
        else {"description": _MEANING[status]}
        for status in statuses
    }


def _respond(request: Request, status: int, body: dict[str, Any], **headers: str) -> Response:
    page_handler: PageErrorHandler | None = getattr(request.app.state, "page_errors", None)
    if page_handler is not None and not request.url.path.startswith("/api/"):
        response = page_handler(request, status, body)
    else:
        response = JSONResponse(body, status_code=status)
    response.headers.update(headers)
    return response


def _attunement_error(request: Request, exc: Exception) -> Response:
    error = cast(AttunementError, exc)  # registered for this type only
    status = status_for(error)
    if status == 500:
        logger.error("configuration or definition error: %s", type(error).__name__)
        return _respond(request, 500, error_body("internal error"))
    headers: dict[str, str] = {}
    if isinstance(error, TooManyAttempts):
        headers["Retry-After"] = str(error.retry_after)
    elif status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(error, TherapySessionExists):
        headers["Location"] = SESSION_RESOURCE.format(
            episode_id=error.episode_id, number=error.number
        )
    field = getattr(error, "field", None)
    allowed = getattr(error, "allowed", None)
    if isinstance(error, UnknownInstrument):
        field = "instrument"
    return _respond(request, status, error_body(error.message, field, allowed), **headers)


_FIELD_LIMIT = 80
_LOCATION_TAGS = frozenset({"body", "query", "path", "header", "cookie", "form"})
_TYPE_TAGS = frozenset({"int", "float", "str", "bool", "none", "list", "dict"})


def _is_tag(part: object) -> bool:
    """Location and union-member tags pydantic adds to ``loc`` (not field names)."""
    if not isinstance(part, str):
        return False
    return part in _LOCATION_TAGS or part in _TYPE_TAGS or "[" in part


def _validation_error(request: Request, exc: Exception) -> Response:
    error = cast(RequestValidationError, exc)
    problems = field_problems(error)
    if not problems:
        return _respond(request, 422, error_body("invalid request"))
    first = problems[0]
    loc = [str(part) for part in first.loc if not _is_tag(part)]
    field = ".".join(loc)[:_FIELD_LIMIT] or None  # a key of the caller's may be in the path
    allowed = None
    context: dict[str, Any] = dict(error.errors()[0].get("ctx") or {})
    if "expected" in context:
        allowed = str(context["expected"])
    elif "pattern" in context:
        allowed = f"text matching {context['pattern']}"
    message = first.message
    return _respond(
        request, 422, error_body(f"{field}: {message}" if field else message, field, allowed)
    )


def _http_error(request: Request, exc: Exception) -> Response:
    error = cast(StarletteHTTPException, exc)
    headers = dict(error.headers or {})
    return _respond(request, error.status_code, error_body(str(error.detail)), **headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AttunementError, _attunement_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
