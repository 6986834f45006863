"""Recording a risk response from the patient page (HTTP only; the services decide).

The treating clinician answers the patient's open risk events with a structured risk
response; it is checked by ``services.respond_to_risk`` (and the core's ``RiskResponse``)
and audited there. A refused response comes back on the patient page with each error
naming the field as the form labels it, and everything typed kept; nothing is stored.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.errors import InputError
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._clinic_pages import patient_page_response
from attunement.http.web._forms import form_list, form_strings
from attunement.http.web._patient_context import require_own
from attunement.http.web._rendering import ROUTES, redirect, url
from attunement.http.web._risk_views import RiskFormInput, read_risk_response, risk_form_errors
from attunement.services import get_patient, respond_to_risk

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.post(ROUTES["risk_response"], response_class=HTMLResponse)
async def record_risk_response(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Answer the open events ticked on the form; the page shows them as history after."""
    form = await request.form()
    submitted = RiskFormInput(
        values=form_strings(form),
        actions=form_list(form, "actions"),
        event_ids=form_list(form, "event_ids"),
    )
    require_own(get_patient(context, actor, patient_id), actor)
    try:
        respond_to_risk(context, actor, patient_id, read_risk_response(submitted))
    except (ValidationError, InputError) as error:
        submitted.errors = risk_form_errors(error)
        return patient_page_response(
            request, context, actor, patient_id, risk_input=submitted, status_code=422
        )
    return redirect(request, url("patient", patient_id=patient_id), saved="risk")
