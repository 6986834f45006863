"""Idempotent writes at the edge (issue 12): keys in, first results out (pure ASGI).

A write (POST, PUT, PATCH, DELETE) may carry a key: the ``Idempotency-Key`` header (API,
as payment APIs do: 1–255 visible ASCII characters, e.g. a UUID) or, on a web form, the
hidden one-time ``form_token`` field. The middleware

1. reads the body (already bounded by :mod:`attunement.http._limits`) and fingerprints the
   request (method, path, query, content type, body);
2. scopes the key to the caller's credential (API token or sign-in session; patients'
   links are in the path, hence in the fingerprint);
3. answers a key whose first result is stored with that result (``Idempotent-Replayed:
   true``), and a key first used for another request with 422;
4. otherwise runs the request with the key announced to the services, whose first use case
   claims it in its own transaction (:mod:`attunement.services._idempotency`); a request
   that loses a race, or fails because its twin already wrote (a spent patient link),
   waits for the twin's result and answers with it;
5. records a successful (2xx/3xx) result, or releases the claim of a failed one.

Only the status, the body and ``Content-Type``/``Location``/``HX-Redirect`` are kept, never
cookies; sign-in routes (``/api/v1/auth/``, ``/login``, ``/logout``) are not covered (their
answers are credentials). Nothing of the body is logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attunement.security import token_digest
from attunement.services import (
    PendingRequest,
    ServiceContext,
    StoredResult,
    pending_request,
    record_result,
    release_claim,
    stored_result,
)

__all__ = [
    "FORM_TOKEN_FIELD",
    "IDEMPOTENCY_HEADER",
    "IdempotencyMiddleware",
    "document_idempotency",
    "request_body",
]

IDEMPOTENCY_HEADER = "Idempotency-Key"
FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NOT_COVERED = ("/api/v1/auth/", "/login", "/logout")
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_KEPT_HEADERS = ("content-type", "location", "hx-redirect")
_BODY_KEY = "attunement.body"
_WAIT_SECONDS = 15.0
_POLL_SECONDS = 0.05


def document_idempotency(app: FastAPI) -> None:
    """Declare the optional ``Idempotency-Key`` header on every API write in the OpenAPI."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith("/api/v1/") or path.startswith(_NOT_COVERED):
                continue
            for method, operation in operations.items():
                if method.upper() not in _WRITES:
                    continue
                operation.setdefault("parameters", []).append(_HEADER_PARAMETER)
                responses = operation.setdefault("responses", {})
                if "422" not in responses:
                    responses["422"] = {
                        "description": "the input or the Idempotency-Key is refused",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorBody"}
                            }
                        },
                    }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


_HEADER_PARAMETER: dict[str, Any] = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes the write safe to repeat: a repeat with the same key (from the same caller) "
        "answers the first successful result without writing again (header "
        "Idempotent-Replayed: true); the same key with another request is refused (422). "
        "Keys are kept 24 hours; a refused request is not kept, so its repeat runs again."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def request_body(scope: Scope) -> bytes | None:
    """The body of a write as the middleware read it (for the form-draft keeper)."""
    body = scope.get(_BODY_KEY)
    return body if isinstance(body, bytes) else None


class IdempotencyMiddleware:
    """See the module docstring; ``context`` gives the services' database."""

    def __init__(self, app: ASGIApp, *, context: Callable[[], ServiceContext]) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES:
            await self.app(scope, receive, send)
            return
        body, complete = await _read_body(receive)
        replay = _replaying_receive(body, receive)
        if not complete:  # cut off by the body limit, or the client went away
            await self.app(scope, replay, send)
            return
        scope[_BODY_KEY] = body
        headers = Headers(scope=scope)
        path: str = scope["path"]
        key = _key_of(headers, body, path)
        if key is None:
            await self.app(scope, replay, send)
            return
        if not _KEY.fullmatch(key):
            refusal = _refusal(scope, 422, key[:40], "1 to 255 visible ASCII characters")
            await _send(scope, send, refusal)
            return
        ctx = self.context()
        pending = PendingRequest(
            scope=_scope_of(ctx, headers), key=key, fingerprint=_fingerprint(scope, body)
        )
        first = await run_in_threadpool(stored_result, ctx, scope=pending.scope, key=key)
        if first is not None:
            await _send(scope, send, await self._first_result(ctx, scope, pending, first))
            return
        buffered = _Buffer()
        with pending_request(pending):
            await self.app(scope, replay, buffered.send)
        status = buffered.status
        if pending.claimed:
            if 200 <= status < 400:
                await run_in_threadpool(
                    record_result,
                    ctx,
                    scope=pending.scope,
                    key=key,
                    status_code=status,
                    headers=buffered.kept_headers(),
                    body=buffered.body,
                )
            else:
                await run_in_threadpool(release_claim, ctx, scope=pending.scope, key=key)
            await buffered.flush(send)
            return
        if pending.repeated or status >= 400:
            twin = await run_in_threadpool(stored_result, ctx, scope=pending.scope, key=key)
            if twin is not None:
                await _send(scope, send, await self._first_result(ctx, scope, pending, twin))
                return
        await buffered.flush(send)

    async def _first_result(
        self, ctx: ServiceContext, scope: Scope, pending: PendingRequest, first: StoredResult
    ) -> Response:
        """The stored first result; waits while its request is still being answered."""
        if first.fingerprint != pending.fingerprint:
            return _refusal(
                scope,
                422,
                pending.key[:40],
                "the same request as the key's first use (method, path and body), or a new key",
            )
        waited = 0.0
        result: StoredResult | None = first
        while result is not None and not result.complete and waited < _WAIT_SECONDS:
            await asyncio.sleep(_POLL_SECONDS)
            waited += _POLL_SECONDS
            result = await run_in_threadpool(
                stored_result, ctx, scope=pending.scope, key=pending.key
            )
        if result is None or result.status_code is None:
            return _refusal(
                scope,
                409,
                pending.key[:40],
                "a moment later: the first request with this key is still being answered",
                detail="a request with this Idempotency-Key is still in progress; retry shortly",
            )
        return Response(
            content=result.body,
            status_code=result.status_code,
            headers={**result.headers, "Idempotent-Replayed": "true"},
        )


class _Buffer:
    """The app's response, held until the key's fate is known."""

    def __init__(self) -> None:
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.messages: list[Message] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
        self.messages.append(message)

    @property
    def status(self) -> int:
        return int(self.start["status"]) if self.start else 500

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    def kept_headers(self) -> dict[str, str]:
        headers = Headers(raw=self.start["headers"]) if self.start else Headers()
        return {name: headers[name] for name in _KEPT_HEADERS if name in headers}

    async def flush(self, send: Send) -> None:
        for message in self.messages:
            await send(message)


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replaying_receive(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # the disconnect, when the client goes away

    return replay


def _key_of(headers: Headers, body: bytes, path: str) -> str | None:
    if path.startswith(_NOT_COVERED):
        return None
    header = headers.get(IDEMPOTENCY_HEADER)
    if header is not None:
        return header
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        try:
            values = parse_qs(body.decode("utf-8"), max_num_fields=10_000)
        except (UnicodeDecodeError, ValueError):
            return None
        tokens = values.get(FORM_TOKEN_FIELD)
        if tokens:
            return tokens[0].strip()
    return None


def _scope_of(ctx: ServiceContext, headers: Headers) -> str:
    """Whose keys: a digest of the API token or of the sign-in session (never stored raw)."""
    credential = headers.get("authorization", "")
    if not credential:
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "attune_session" and value:
                credential = f"session {value}"
    return token_digest(ctx.signing_key, credential or "anonymous")


def _fingerprint(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    headers = Headers(scope=scope)
    for part in (
        scope["method"].encode(),
        scope["path"].encode(),
        scope.get("query_string", b""),
        headers.get("content-type", "").encode(),
    ):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(body)
    return digest.hexdigest()


def _refusal(
    scope: Scope, status: int, value: str, allowed: str, *, detail: str | None = None
) -> Response:
    """422 (key malformed or reused) or 409 (still in progress): JSON for the API, a page
    for a web form."""
    message = detail or (
        f"{IDEMPOTENCY_HEADER} “{value}” was already used for a different request; "
        f"allowed: {allowed}"
        if status == 422 and "same request" in allowed
        else f"{IDEMPOTENCY_HEADER} “{value}” is not allowed; allowed: {allowed}"
    )
    body = {"detail": message, "field": IDEMPOTENCY_HEADER, "allowed": allowed}
    request = Request(scope)
    page_errors = getattr(getattr(scope.get("app"), "state", None), "page_errors", None)
    if page_errors is not None and not request.url.path.startswith("/api/"):
        if status == 422:
            body["detail"] = (
                "This form was already saved with other entries. Reload the page to enter "
                "something new."
            )
        response: Response = page_errors(request, status, body)
        return response
    return Response(json.dumps(body).encode(), status_code=status, media_type="application/json")


async def _send(scope: Scope, send: Send, response: Response) -> None:
    async def no_receive() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_receive, send)
