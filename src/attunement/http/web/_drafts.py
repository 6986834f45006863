"""Nothing typed is lost when the sign-in expires (issue 12, seen #3) — the web side.

* :func:`keep_posted_form` — called for a clinic form posted with an expired session: the
  posted form is kept as a server-side draft (:func:`services.keep_form_draft`) and the
  browser goes through sign-in back to the form, ``?draft=<id>`` (the questionnaires picked
  are kept in the address too);
* ``GET /drafts/{draft_id}`` — the signed-in user's own draft as JSON; ``static/forms.js``
  fills the form with it and says so;
* ``GET /session/keep-alive`` — 204 while the sign-in is live (it renews the idle timer, as
  any page does); ``forms.js`` calls it from the warning shown before the idle limit.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from attunement.http import request_body
from attunement.http.deps import SESSION_COOKIE, ContextDep, WebActor, get_context
from attunement.services import keep_form_draft, open_form_draft

__all__ = ["DRAFT_PATH", "KEEP_ALIVE_PATH", "keep_posted_form", "router"]

router = APIRouter(include_in_schema=False)

DRAFT_PATH = "/drafts/{draft_id}"
KEEP_ALIVE_PATH = "/session/keep-alive"
_NOT_KEPT = ("/api/", "/self-report", "/login", "/logout", "/drafts/", "/session/")


def keep_posted_form(request: Request) -> str | None:
    """Keep a clinic form posted after the sign-in expired; the address to return to after
    signing in (the form, with ``draft=``), or None when there was nothing to keep."""
    path = request.url.path
    cookie = request.cookies.get(SESSION_COOKIE)
    body = request_body(request.scope)
    form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    if request.method != "POST" or not cookie or not body or not form or path.startswith(_NOT_KEPT):
        return None
    draft_id = keep_form_draft(get_context(request), session_token=cookie, path=path, body=body)
    if draft_id is None:
        return None
    try:
        picked = [v for k, v in parse_qsl(body.decode("utf-8")) if k == "instrument"]
    except UnicodeDecodeError:
        picked = []
    query = urlencode([*(("instrument", v) for v in picked[:20]), ("draft", draft_id)])
    return f"{path}?{query}"


@router.get(DRAFT_PATH)
def draft(context: ContextDep, actor: WebActor, draft_id: str) -> Response:
    """The user's kept form: ``{"path": ..., "fields": [[name, value], ...]}``."""
    kept = open_form_draft(context, actor, draft_id)
    return JSONResponse(
        {"path": kept.path, "fields": [list(pair) for pair in kept.fields]},
        headers={"Cache-Control": "no-store"},
    )


@router.get(KEEP_ALIVE_PATH)
def keep_alive(actor: WebActor) -> Response:
    """The sign-in is live (and its idle timer renewed by ``WebActor``)."""
    return Response(status_code=204)
