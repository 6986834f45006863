"""One access-log line per request and one error line per unexpected exception.

The access log names the matched route's template (``GET /api/v1/patients/{patient_id}``),
never the path or the query string: a caseload search (``?q=<name>``), an external id in a
FHIR path or an invitation token would otherwise be written on every request. Requests
that match no route are logged as ``<unmatched>``.

An exception no handler typed (a bug, a database failure) is answered here with a plain
500 and logged once, as one line with its type and code location only — an exception's
message may quote stored values. Catching it here, inside Starlette's outermost error
middleware, means the server neither logs it a second time with its full text nor drops
the connection.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attunement.security import exception_summary

__all__ = ["RequestLogMiddleware"]

access_log = logging.getLogger("attunement.access")
error_log = logging.getLogger("attunement.http")

_BODY = json.dumps({"detail": "internal error", "field": None, "allowed": None}).encode()


def _route(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else "<unmatched>"


class RequestLogMiddleware:
    """Access log by route template; unexpected errors become one log line and a 500."""

    def __init__(self, app: ASGIApp, *, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = []

        async def remember_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        except Exception as error:  # the last resort: answer and log once, never re-raise
            error_log.error(
                "unhandled %s on %s %s", exception_summary(error), scope["method"], _route(scope)
            )
            if not status:
                await self._internal_error(remember_status)
        finally:
            client = scope.get("client")
            access_log.info(
                '%s "%s %s" %s %.0fms',
                client[0] if client else "-",
                scope["method"],
                _route(scope),
                status[0] if status else "-",
                (time.perf_counter() - started) * 1000,
            )

    async def _internal_error(self, send: Send) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(_BODY)).encode()),
            (b"cache-control", b"no-store"),
            *self.headers,
        ]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": _BODY})
