"""The caseload page: the worklist, one page at a time (HTTP only; services do the rest).

Filters (alert, clinician, due/overdue) and the page number travel in the query string;
a search by name is a POST (with the CSRF token), so that no patient name reaches a URL,
an access log or the browser history. The order and the overdue marker are the service's.
"""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.errors import InputError, invalid_input
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._forms import form_strings
from attunement.http.web._rendering import ROUTES, Viewer, clinic_words, render
from attunement.http.web._views import caseload_rows
from attunement.i18n import N_, resolve_language
from attunement.services import AlertFilter, CaseloadFilter, caseload

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_ALERT_CHOICES = get_args(AlertFilter)
_DUE_CHOICES = ("due", "overdue")


def _filter_from(values: dict[str, str]) -> CaseloadFilter:
    """The filter a form or query string asks for; a bad value is an InputError naming it."""
    alert = values.get("alert") or None
    due = values.get("due") or None
    clinician = values.get("clinician") or None
    page = values.get("page") or "1"
    if alert is not None and alert not in _ALERT_CHOICES:
        raise InputError("alert", alert, _ALERT_CHOICES)
    if due is not None and due not in _DUE_CHOICES:
        raise InputError("due", due, _DUE_CHOICES)
    try:
        return CaseloadFilter.model_validate(
            {
                "alert": alert,
                "due": due,
                "clinician_id": clinician,
                "page": page,
                "name": (values.get("name") or "").strip()[:100] or None,
            }
        )
    except ValidationError as error:
        raise invalid_input(
            error, otherwise="filter", names={"clinician_id": "clinician"}
        ) from None


def _page(
    request: Request, context: ContextDep, actor: WebActor, values: dict[str, str]
) -> Response:
    wanted = _filter_from(values)
    result = caseload(context, actor, wanted)
    viewer = Viewer.of(actor)
    return render(
        request,
        "pages/caseload.html",
        title=clinic_words(request, N_("Caseload")),
        viewer=viewer,
        nav="caseload",
        rows=caseload_rows(result.entries, resolve_language(context.clinic_language)),
        counts={**result.counts, "overdue": result.overdue},
        result=result,
        wanted=wanted,
        alert_choices=_ALERT_CHOICES,
        show_clinician=len(result.clinicians) > 1 or actor.role == "supervisor",
        scope_text=N_("Your patients and those of the clinicians you supervise.")
        if actor.role == "supervisor"
        else N_("Your patients."),
        synthetic=any(e.synthetic for e in result.entries),
    )


@router.get(ROUTES["caseload"], response_class=HTMLResponse)
def caseload_page(request: Request, context: ContextDep, actor: WebActor) -> Response:
    """Open risk events first, then red … white, each by deterioration, then days since
    last seen; overdue marked; filtered (``alert``, ``clinician``, ``due``) and paged
    (``page``) in the service. A ``name`` in the query string is ignored: search posts."""
    query = request.query_params
    values = {key: query.get(key, "") for key in ("alert", "clinician", "due", "page")}
    return _page(request, context, actor, values)


@router.post(ROUTES["caseload"], response_class=HTMLResponse)
async def caseload_search(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected
) -> Response:
    """The same page searched by name (the name stays in the request body)."""
    values = form_strings(await request.form())
    return _page(request, context, actor, values)
