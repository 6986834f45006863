"""Scoring a questionnaire or rating form into the intake profile (HTTP only).

The answers go into the stored profile as ``{instrument, answers, assessed_on}`` under each
dimension the instrument gives; ``attunement.profile.parse_profile`` (called by the service)
scores them, so the instrument and its version stay the value's source.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from attunement.errors import InputError, NotFound
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._clinic_pages import require_own
from attunement.http.web._forms import (
    AnswerEntry,
    FormError,
    endorsed_risk,
    form_strings,
    parse_date,
    read_answers,
    risk_errors,
)
from attunement.http.web._patient_context import render_patient_page
from attunement.http.web._questionnaires import definition_or_none, questionnaire_view
from attunement.http.web._rendering import ROUTES, redirect, url
from attunement.http.web._risk_views import open_endorsements, risk_recorded
from attunement.instruments import InstrumentDefinition
from attunement.services import PatientPublic, get_patient, list_risk_events, update_profile

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _profile_definition(instrument_id: str) -> InstrumentDefinition:
    definition = definition_or_none(instrument_id)
    if definition is None or definition.profile is None:
        raise NotFound("profile questionnaire", instrument_id)
    return definition


def _labelled(definition: InstrumentDefinition) -> bool:
    """Show radio buttons when every item has text and every answer a label."""
    labels = [o.label for options in definition.response_sets.values() for o in options]
    return definition.text_available and all(labels)


def _dimensions(definition: InstrumentDefinition) -> list[str]:
    if definition.profile is None:
        return []
    return sorted({o.key.split(".")[0] for o in definition.profile.outputs})


def _intake_instrument_page(
    request: Request,
    actor: Any,
    patient: PatientPublic,
    definition: InstrumentDefinition,
    *,
    form: dict[str, str],
    entry: AnswerEntry | None = None,
    field_errors: dict[str, str] | None = None,
    risk: tuple[str, ...] = (),
    status_code: int = 200,
) -> Response:
    view = questionnaire_view(
        definition,
        language="en",
        raw=entry.raw if entry else None,
        errors=entry.errors if entry else None,
    )
    field_errors = field_errors or {}
    errors = risk_errors(risk)  # an endorsed risk item is never hidden behind another error
    errors += [FormError(m, f"f-{k}") for k, m in field_errors.items()]
    errors += [FormError(q.error, f"n-{view.prefix}-{q.id}") for q in view.questions if q.error]
    if entry is not None and "" in entry.errors:
        errors.append(FormError(entry.errors[""]))
    return render_patient_page(
        request,
        "pages/intake_instrument.html",
        patient,
        actor,
        status_code=status_code,
        title=definition.short_name,
        q=view,
        dimensions=", ".join(d.replace("_", " ") for d in _dimensions(definition)),
        choices=_labelled(definition),
        form=form,
        field_errors=field_errors,
        errors=errors,
    )


@router.get(ROUTES["intake_instrument"], response_class=HTMLResponse)
def intake_instrument_page(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int, instrument_id: str
) -> Response:
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    definition = _profile_definition(instrument_id)
    form = {"assessed_on": context.now().date().isoformat()}
    return _intake_instrument_page(request, actor, patient, definition, form=form)


@router.post(ROUTES["intake_instrument"], response_class=HTMLResponse)
async def save_intake_instrument(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    _csrf: CsrfProtected,
    patient_id: int,
    instrument_id: str,
) -> Response:
    """Put the administration into the profile; the profile parser scores it (with its source)."""
    values = form_strings(await request.form())
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    definition = _profile_definition(instrument_id)
    entry = read_answers(values, definition)
    field_errors: dict[str, str] = {}
    try:
        assessed_on = parse_date(values.get("assessed_on", ""), "assessed_on")
    except InputError:
        field_errors["assessed_on"] = "Completed on: enter the date as YYYY-MM-DD."
    if entry.blank and not entry.errors:
        entry.errors[""] = "Enter the answers first."
    if field_errors or entry.errors:
        return _intake_instrument_page(
            request,
            actor,
            patient,
            definition,
            form=values,
            entry=entry,
            field_errors=field_errors,
            risk=endorsed_risk(entry),
            status_code=422,
        )
    administration = {
        "instrument": definition.id,
        "answers": entry.answers,
        "assessed_on": assessed_on.isoformat(),
    }
    profile = dict(patient.profile)
    for dimension in _dimensions(definition):
        if dimension == "preferences":
            kept = [
                p
                for p in profile.get("preferences") or []
                if not (isinstance(p, dict) and p.get("instrument") == definition.id)
            ]
            profile["preferences"] = [*kept, administration]
        else:
            profile[dimension] = administration
    before = open_endorsements(list_risk_events(context, actor, patient_id))
    try:
        update_profile(context, actor, patient_id, profile)
    except InputError as error:  # its message names any endorsed risk item (error.risk)
        entry.errors[""] = error.message
        return _intake_instrument_page(
            request, actor, patient, definition, form=values, entry=entry, status_code=422
        )
    after = open_endorsements(list_risk_events(context, actor, patient_id))
    saved = "risk" if risk_recorded(before, after) else "1"  # never just "Profile saved."
    return redirect(request, url("intake", patient_id=patient_id), saved=saved)
