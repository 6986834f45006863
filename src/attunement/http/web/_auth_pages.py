"""Sign in, sign out, the start page, the admin page and the static files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from attunement.errors import AuthenticationError, InputError, NotFound
from attunement.http.deps import (
    SESSION_COOKIE,
    ContextDep,
    CsrfProtected,
    WebActor,
    clear_session_cookie,
    set_session_cookie,
)
from attunement.http.web._rendering import ROUTES, Viewer, clinic_words, redirect, render, url
from attunement.http.web._templates import static_file
from attunement.i18n import N_
from attunement.services import (
    TooManyAttempts,
    actor_for_session,
    end_session,
    list_access_grants,
    list_users,
    login_for_session,
    verify_audit_chain,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never ``//host`` or a scheme) may be the return address."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _expiry_notice(next_url: str | None) -> str:
    if next_url and "draft=" in next_url:  # a form posted too late was kept (issue 12)
        return (
            "Your sign-in ended after a period of inactivity before the form was saved. "
            "What you entered is kept: sign in again to return to the filled form and save it."
        )
    return "Your session ended after a period of inactivity. Please sign in again."


def _landing(viewer: Viewer) -> str:
    return url("caseload") if viewer.treats_patients else url("admin")


@router.get(ROUTES["home"])
def home(request: Request, context: ContextDep) -> Response:
    """Signed in: the caseload (admins: the admin page); otherwise the sign-in page."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            return redirect(request, _landing(Viewer.of(actor_for_session(context, cookie))))
        except AuthenticationError:
            pass
    return redirect(request, url("login"))


@router.get(ROUTES["login"], response_class=HTMLResponse)
def login_page(
    request: Request, context: ContextDep, next: str | None = None, expired: str | None = None
) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            viewer = Viewer.of(actor_for_session(context, cookie))
            return redirect(request, _safe_next(next) or _landing(viewer))
        except AuthenticationError:
            pass
    return render(
        request,
        "pages/login.html",
        title=clinic_words(request, N_("Sign in")),
        username="",
        next_url=_safe_next(next) or "",
        error=None,
        notice=_expiry_notice(next) if expired else None,
    )


@router.post(ROUTES["login"], response_class=HTMLResponse)
def login(
    request: Request,
    context: ContextDep,
    _csrf: CsrfProtected,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    client = request.client.host if request.client else None
    try:
        issued = login_for_session(context, username=username, password=password, client=client)
    except (AuthenticationError, InputError) as error:
        if isinstance(error, InputError):  # a control character, which no username holds
            message, status_code = "A username holds no control characters.", 422
        elif isinstance(error, TooManyAttempts):
            message, status_code = error.message.capitalize() + ".", 429
        else:
            message, status_code = "The username or password is not right.", 401
        return render(
            request,
            "pages/login.html",
            status_code=status_code,
            title=clinic_words(request, N_("Sign in")),
            username=username,
            next_url=_safe_next(next) or "",
            error=message,
        )
    treats = issued.user.role != "admin" or issued.user.also_clinician
    landing = url("caseload") if treats else url("admin")
    response = redirect(request, _safe_next(next) or landing)
    set_session_cookie(request, response, issued)
    return response


@router.post(ROUTES["logout"])
def logout(request: Request, context: ContextDep, _csrf: CsrfProtected) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        end_session(context, cookie)
    response = redirect(request, url("login"))
    clear_session_cookie(request, response)
    return response


@router.get(ROUTES["admin"], response_class=HTMLResponse)
def admin_page(request: Request, context: ContextDep, actor: WebActor) -> Response:
    """Accounts and the audit trail's integrity (admins; others get Forbidden)."""
    users = list_users(context, actor)
    grants = list_access_grants(context, actor, limit=20)
    chain = verify_audit_chain(context, actor)
    return render(
        request,
        "pages/admin.html",
        title=clinic_words(request, N_("Administration")),
        viewer=Viewer.of(actor),
        nav="admin",
        users=users,
        grants=grants,
        chain=chain,
    )


@router.get(ROUTES["static"])
def static(name: str) -> Response:
    """A packaged static file; versioned URLs make a year of caching safe."""
    found = static_file(name)
    if found is None:
        raise NotFound("file", name)
    return Response(
        content=found.body,
        media_type=found.media_type,
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "ETag": f'"{found.version}"',
        },
    )
