"""Sex and age band on the intake page: saving the form (HTTP only).

The service (``services.update_patient``) checks, stores and audits them; a refused value
comes back on the intake page naming the field. Registration sets them too
(:mod:`._intake_pages`); this form changes them later.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._demographics_form import DEMOGRAPHIC_LABELS
from attunement.http.web._forms import form_strings, validation_messages
from attunement.http.web._intake_pages import intake_page_response
from attunement.http.web._patient_context import require_own
from attunement.http.web._rendering import ROUTES, redirect, url
from attunement.services import PatientUpdate, get_patient, update_patient

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.post(ROUTES["patient_demographics"], response_class=HTMLResponse)
async def save_demographics(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Set both fields as chosen (an empty choice: not recorded)."""
    values = form_strings(await request.form())
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    try:
        data = PatientUpdate.model_validate(
            {"sex": values.get("sex") or None, "age_band": values.get("age_band") or None}
        )
    except ValidationError as error:
        return intake_page_response(
            request,
            actor,
            patient,
            demographics=values,
            field_errors=validation_messages(error, DEMOGRAPHIC_LABELS),
            status_code=422,
        )
    update_patient(context, actor, patient_id, data)
    return redirect(request, url("intake", patient_id=patient_id), saved="demographics")
