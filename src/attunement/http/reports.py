"""Report downloads for the web app: the same reports as ``attune report``, per request.

``GET /reports/patients/{id}.pdf|.html`` and ``GET /reports/clinic.pdf|.html`` for a
signed-in user (session cookie or bearer token) who may see the patient or the caseload;
access and audit are the service layer's (``services.reports``). Files are sent as
downloads (``Content-Disposition: attachment``): the HTML report is a self-contained
document with its own stylesheet, meant to be saved or printed, not shown inside the app
(whose Content-Security-Policy refuses inline styles). Include with
``app.include_router(reports_router)``.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from attunement.http._errors import page_error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services.reports import clinic_report_document, patient_report_document

__all__ = ["router"]

#: Outside ``/api`` errors are pages (HTML), and a caller who is not signed in is sent to
#: the sign-in page (303).
router = APIRouter(
    prefix="/reports",
    tags=["reports"],
    responses=page_error_responses(303, 403, 404, 413, 422, 503),
)

_MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def _download(content: bytes, fmt: str, filename: str) -> Response:
    return Response(
        content=content,
        media_type=_MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


_DOCUMENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the report as a download",
        "content": {"application/pdf": {}, "text/html": {}},
    }
}


@router.get("/patients/{patient_id}.{fmt}", response_class=Response, responses=_DOCUMENT)
def patient_report(
    patient_id: int,
    fmt: Literal["pdf", "html"],
    context: ContextDep,
    actor: CurrentActor,
    patient_page: bool = Query(True, description="Add the plain-language patient page."),
) -> Response:
    """The patient's progress report (latest episode) as a PDF or HTML download."""
    content = patient_report_document(
        context, actor, patient_id, fmt=fmt, patient_page=patient_page
    )
    return _download(content, fmt, f"attunement-patient-{patient_id}.{fmt}")


@router.get("/clinic.{fmt}", response_class=Response, responses=_DOCUMENT)
def clinic_report(
    fmt: Literal["pdf", "html"], context: ContextDep, actor: CurrentActor
) -> Response:
    """The clinic report over the caller's caseload as a PDF or HTML download."""
    content = clinic_report_document(context, actor, fmt=fmt)
    return _download(content, fmt, f"attunement-clinic.{fmt}")
