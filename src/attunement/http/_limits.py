"""Request-body limits, enforced before the app reads a byte (pure ASGI middleware).

Six parallel unauthenticated 100 MB posts once doubled the server's memory, each answered
401 only after the whole body had been read (issue 18). Here:

* a declared ``Content-Length`` over the limit is answered 413 at once, without reading;
* a body without a length (chunked) is counted as it streams and cut off at the limit
  (413; the app sees the client disconnect and its late response is dropped);
* a caller without a verified clinic account (no credentials, a patient's link, an EHR's
  JWT) may send at most ``unverified_bytes``; beyond that the API token or session is
  checked (:func:`credentials_check`) *before* more of the body is read, and a caller who
  fails is refused (413) having sent no more than ``unverified_bytes``.

``ATTUNE_MAX_BODY_BYTES`` sets the limit for signed-in clinic accounts (default 2 MiB: a
FHIR Bundle of the largest allowed size fits) and ``ATTUNE_MAX_UNVERIFIED_BODY_BYTES`` the
limit before sign-in is proven (default 256 KiB: a sign-in form, a patient's
questionnaires, a CDS Hooks call with prefetch). Memory per request is thereby bounded by
the limit whatever the client sends.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attunement.errors import AttunementError
from attunement.security import API_TOKEN_PREFIX
from attunement.services import ServiceContext, actor_for_session, actor_for_token

__all__ = ["BodyLimitMiddleware", "credentials_check"]

#: Answers whether the request's credentials belong to a live clinic account.
CredentialsCheck = Callable[[Headers], Awaitable[bool]]


def credentials_check(
    context: Callable[[], ServiceContext], session_cookie: str
) -> CredentialsCheck:
    """A check of the API token (``Authorization: Bearer``) or the web session cookie.

    ``context`` is read at each check (``lambda: app.state.context``), as the routes read
    ``request.app.state.context``, so every part of the app uses the same context.
    """

    def signed_in(headers: Headers) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        try:
            if scheme.lower() == "bearer" and token.startswith(f"{API_TOKEN_PREFIX}_"):
                actor_for_token(context(), token)
                return True
            cookie = _cookie(headers, session_cookie)
            if cookie:
                actor_for_session(context(), cookie)
                return True
        except AttunementError:
            return False
        return False

    async def check(headers: Headers) -> bool:
        return await run_in_threadpool(signed_in, headers)

    return check


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


@dataclass
class _Stream:
    received: int = 0
    verified: bool = False
    refused: bool = False
    started: bool = False


class BodyLimitMiddleware:
    """Refuse bodies over the caller's limit before reading them (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        unverified_bytes: int,
        check: CredentialsCheck,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.unverified_bytes = min(unverified_bytes, max_bytes)
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        stream = _Stream()
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit() or len(declared) > 18:
                await _refuse(send, 400, "Content-Length must be a whole number of bytes")
                return
            size = int(declared)
            if size > self.max_bytes:
                await _refuse(send, 413, self._too_large())
                return
            if size > self.unverified_bytes:
                if not await self.check(headers):
                    await _refuse(send, 413, self._needs_account())
                    return
                stream.verified = True

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] != "http.request" or stream.refused:
                return message
            stream.received += len(message.get("body", b""))
            if stream.received > self.unverified_bytes and not stream.verified:
                stream.verified = await self.check(headers)
                if not stream.verified:
                    return await self._cut_off(send, stream, self._needs_account())
            if stream.received > self.max_bytes:
                return await self._cut_off(send, stream, self._too_large())
            return message

        async def guarded_send(message: Message) -> None:
            if stream.refused:
                return  # the app's answer to the cut-off body; ours was sent
            if message["type"] == "http.response.start":
                stream.started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _cut_off(self, send: Send, stream: _Stream, detail: str) -> Message:
        if not stream.started:
            await _refuse(send, 413, detail)
        stream.refused = True
        return {"type": "http.disconnect"}

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes (ATTUNE_MAX_BODY_BYTES)"

    def _needs_account(self) -> str:
        return (
            f"a request body over {self.unverified_bytes} bytes needs a signed-in clinic "
            "account (a valid API token or session)"
        )


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail, "field": "body", "allowed": None}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
