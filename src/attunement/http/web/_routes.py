"""The web pages' router and how they plug into the app (``include_web``)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from attunement.http.web import (
    _adherence_pages,
    _auth_pages,
    _caseload_pages,
    _chart_pages,
    _clinic_pages,
    _demographics_pages,
    _drafts,
    _episode_pages,
    _intake_pages,
    _intake_questionnaire_pages,
    _invite_pages,
    _kiosk_pages,
    _notification_pages,
    _prompt_pages,
    _record_pages,
    _risk_pages,
    _schedule_pages,
    _selfreport_pages,
    _session_pages,
)
from attunement.http.web._rendering import error_page

__all__ = ["include_web", "router"]

router = APIRouter(include_in_schema=False)
_PARTS = (
    _auth_pages,
    _caseload_pages,
    _intake_pages,  # before _clinic_pages: /patients/new must win over /patients/{id}
    _clinic_pages,
    _chart_pages,  # the patient page's charts (issue 13)
    _risk_pages,
    _notification_pages,
    _prompt_pages,  # marking support prompts discussed (issue 16)
    _adherence_pages,  # whether the plan was followed (issue 15)
    _demographics_pages,  # sex and age band on the intake page (issue 15)
    _episode_pages,
    _invite_pages,
    _intake_questionnaire_pages,
    _session_pages,
    _record_pages,
    _selfreport_pages,
    _kiosk_pages,  # the kiosk / tablet mode (issue 14)
    _schedule_pages,  # due list, clinic settings, opt-out (issue 14)
    _drafts,  # kept forms and the keep-alive (issue 12)
)
for _part in _PARTS:
    router.include_router(_part.router)


def include_web(app: FastAPI) -> None:
    """Add the pages to ``app`` and render its errors outside ``/api`` as pages."""
    app.include_router(router)
    app.state.page_errors = error_page
