"""The caseload as a worklist: one page at a time, most urgent first (issue 12).

``GET /api/v1/caseload`` takes the filters as query parameters; a search by name is a
``POST /api/v1/caseload/search`` with the filters in the JSON body, so that no patient name
ever lands in a URL (URLs reach access logs, proxies and browser history).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services import CaseloadFilter, CaseloadPage, caseload

router = APIRouter(
    prefix="/api/v1",
    tags=["caseload"],
    responses=error_responses(400, 401, 403, 404, 413, 422, 503),
)

AlertParam = Literal["risk", "red", "yellow", "not_assessable", "green", "white"]


@router.get("/caseload", response_model=CaseloadPage)
def get_caseload(
    context: ContextDep,
    actor: CurrentActor,
    *,
    alert: Annotated[
        AlertParam | None, Query(description="risk: an open risk event; else the alert level.")
    ] = None,
    clinician_id: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="Only this clinician's patients (404 if unseen)."),
    ] = None,
    due: Annotated[
        Literal["due", "overdue"] | None,
        Query(
            description="overdue: no outcome measure for longer than ATTUNE_OVERDUE_DAYS; "
            "due: that interval is reached."
        ),
    ] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """Open risk events first, then red, yellow, not assessable, green, white; within each,
    the larger deterioration (in reliable-change criteria), then the longest since last
    seen. Paginated (``page``, ``per_page``); ``counts`` and ``overdue`` cover the whole
    caseload. No name search here: use ``POST /api/v1/caseload/search``."""
    return _sent(
        caseload(
            context,
            actor,
            CaseloadFilter(
                alert=alert, clinician_id=clinician_id, due=due, page=page, per_page=per_page
            ),
        )
    )


@router.post("/caseload/search", response_model=CaseloadPage)
def search_caseload(context: ContextDep, actor: CurrentActor, body: CaseloadFilter) -> Response:
    """The caseload filtered by part of the patient's name (``name``, case-insensitive) and
    the filters of ``GET /api/v1/caseload``, in the same order. Reads only."""
    return _sent(caseload(context, actor, body))


def _sent(page: CaseloadPage) -> Response:
    """The page as JSON, serialised once by its own model: a returned model would be
    validated again as the response model, on a worker thread of its own (issue 13)."""
    return Response(page.model_dump_json(), media_type="application/json")
