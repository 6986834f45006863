"""Dependencies for routes and pages: the service context, the actor, cookies and CSRF.

For the REST API a caller authenticates with ``Authorization: Bearer <token>`` (an API
token from ``/api/v1/auth/token`` or a patient's invitation token) or with the web session
cookie; cookie-authenticated requests that change state must carry ``X-CSRF-Token``.

For the web pages (``attunement.http.web``):

* ``WebActor`` — the signed-in user of the session cookie (401 otherwise);
* ``CsrfProtected`` — put it on every state-changing form route: it requires the form
  field ``csrf_token`` (or header ``X-CSRF-Token``) to match the session's CSRF token, or,
  before sign-in, the pre-session cookie's;
* ``csrf_token_for(request, response)`` — the token to render into a form (sets the
  pre-session cookie when there is no session yet); ``verify_csrf(request, submitted,
  binding=...)`` for forms bound to something else (the patient's invitation token);
* ``set_session_cookie`` / ``clear_session_cookie`` after ``services.login_for_session`` /
  ``services.end_session``.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import OAuth2PasswordBearer

from attunement.errors import AuthenticationError, Forbidden
from attunement.security import csrf_token, csrf_valid
from attunement.services import (
    Actor,
    InvitationActor,
    ServiceContext,
    UserActor,
    WebSessionIssued,
    actor_for_session,
    actor_for_token,
)

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "PRESESSION_COOKIE",
    "SESSION_COOKIE",
    "ContextDep",
    "CsrfProtected",
    "CurrentActor",
    "PatientActor",
    "UserActorDep",
    "WebActor",
    "bearer_token",
    "clear_session_cookie",
    "csrf_token_for",
    "get_context",
    "require_csrf",
    "set_session_cookie",
    "verify_csrf",
]

SESSION_COOKIE = "attune_session"
PRESESSION_COOKIE = "attune_presession"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.context
    return context


async def _context(request: Request) -> ServiceContext:
    """:func:`get_context` as a dependency. The dependencies that neither wait nor block
    are ``async``: FastAPI runs a plain ``def`` dependency on a worker thread, a hand-over
    and back on every request that cost more than the function itself (issue 13)."""
    return get_context(request)


ContextDep = Annotated[ServiceContext, Depends(_context)]


async def bearer_token(token: Annotated[str | None, Depends(_oauth2)]) -> str | None:
    return token


def _csrf_binding(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE)


def verify_csrf(request: Request, submitted: str | None, *, binding: str | None = None) -> None:
    """Raise Forbidden unless ``submitted`` is the CSRF token of the binding."""
    context = get_context(request)
    if not csrf_valid(context.signing_key, binding or _csrf_binding(request), submitted):
        raise Forbidden("the form's security token is missing or stale; reload the page")


def current_actor(
    request: Request,
    context: ContextDep,
    token: Annotated[str | None, Depends(bearer_token)],
) -> Actor:
    """Bearer token first, then the session cookie (with CSRF for state changes)."""
    if token:
        return actor_for_token(context, token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        actor = actor_for_session(context, cookie)
        if request.method not in _SAFE_METHODS:
            verify_csrf(request, request.headers.get(CSRF_HEADER), binding=cookie)
        return actor
    raise AuthenticationError("sign in first: send a bearer token or a session cookie")


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def user_actor(actor: CurrentActor) -> UserActor:
    """A signed-in user (a patient's invitation token is not enough)."""
    if not isinstance(actor, UserActor):
        raise Forbidden("this needs a clinic account")
    return actor


UserActorDep = Annotated[UserActor, Depends(user_actor)]


async def patient_actor(actor: CurrentActor) -> InvitationActor:
    """A patient holding an invitation token."""
    if not isinstance(actor, InvitationActor):
        raise Forbidden("this is for a patient's invitation link")
    return actor


PatientActor = Annotated[InvitationActor, Depends(patient_actor)]


def web_actor(request: Request, context: ContextDep) -> UserActor:
    """The user of the session cookie (pages); no cookie or an idle session → 401."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise AuthenticationError("sign in first")
    return actor_for_session(context, cookie)


WebActor = Annotated[UserActor, Depends(web_actor)]


async def require_csrf(request: Request) -> None:
    """Every state-changing form: the ``csrf_token`` field or ``X-CSRF-Token`` header."""
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and request.method not in _SAFE_METHODS:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    verify_csrf(request, submitted)


CsrfProtected = Annotated[None, Depends(require_csrf)]


def _secure(request: Request) -> bool:
    return bool(request.app.state.secure_cookies)


def csrf_token_for(request: Request, response: Response) -> str:
    """The CSRF token to put in a form; before sign-in it sets a pre-session cookie."""
    context = get_context(request)
    binding = _csrf_binding(request)
    if binding is None:
        binding = secrets.token_urlsafe(32)
        response.set_cookie(
            PRESESSION_COOKIE,
            binding,
            httponly=True,
            secure=_secure(request),
            samesite="lax",
            path="/",
        )
    return csrf_token(context.signing_key, binding)


def set_session_cookie(request: Request, response: Response, issued: WebSessionIssued) -> None:
    """Secure (unless disabled in dev/demo), HttpOnly, SameSite=Lax session cookie."""
    lifetime = get_context(request).policy.session_lifetime
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        secure=_secure(request),
        samesite="lax",
        path="/",
    )
    response.delete_cookie(PRESESSION_COOKIE, path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, secure=_secure(request), samesite="lax"
    )
