"""Session entry: attendance, the completed questionnaires and rupture markers (HTTP only).

Every answer of every questionnaire on the form is read first; if any is not allowed the
form comes back with a message at each such item (naming the item and the allowed values)
and nothing is stored. Only then does ``services.record_session`` store the whole session
in one transaction (it scores every answer again; an answer it refuses comes back at its
item, and nothing is stored).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from attunement.errors import InputError, NotFound, TherapySessionExists
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._clinic_pages import current_episode, require_own
from attunement.http.web._form_completeness import refuse_incomplete
from attunement.http.web._forms import (
    SESSION_LABELS,
    AnswerEntry,
    FormError,
    answer_error,
    endorsed_risk,
    form_list,
    form_strings,
    labelled,
    parse_date,
    parse_int,
    read_answers,
    risk_errors,
    shown,
)
from attunement.http.web._patient_context import render_patient_page
from attunement.http.web._questionnaires import (
    definition_or_none,
    instrument_choices,
    questionnaire_view,
)
from attunement.http.web._rendering import ROUTES, clinic_words, redirect, url
from attunement.i18n import N_
from attunement.instruments import InstrumentDefinition
from attunement.services import (
    PatientPublic,
    TherapySessionAdministration,
    TherapySessionAnswerInvalid,
    TherapySessionCreate,
    get_patient,
    list_sessions,
    record_session,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: The rupture marker kinds offered on the form (Safran & Muran; the API takes every marker
#: of ``monitoring/feedback_rules/alliance.yaml``).
MARKERS: tuple[tuple[str, str], ...] = (
    ("withdrawal", "Withdrawal — moving away: avoiding, deferring, vague or minimal answers"),
    ("confrontation", "Confrontation — moving against: anger, criticism, trying to control"),
)


def _definitions(ids: list[str]) -> list[InstrumentDefinition]:
    found = [definition_or_none(i) for i in ids]
    return [d for d in found if d is not None]


def _session_page(
    request: Request,
    actor: Any,
    patient: PatientPublic,
    definitions: list[InstrumentDefinition],
    *,
    form: dict[str, str],
    entries: dict[str, AnswerEntry] | None = None,
    markers: list[str] | None = None,
    field_errors: dict[str, str] | None = None,
    risk: tuple[str, ...] = (),
    status_code: int = 200,
    existing: str | None = None,
) -> Response:
    entries = entries or {}
    markers = markers or []
    field_errors = field_errors or {}
    questionnaires = [
        questionnaire_view(
            d,
            language="en",
            raw=entries[d.id].raw if d.id in entries else None,
            errors=entries[d.id].errors if d.id in entries else None,
        )
        for d in definitions
    ]
    errors = risk_errors(risk)  # an endorsed risk item is never hidden behind another error
    errors += [FormError(m, f"f-{k}") for k, m in field_errors.items()]
    for q in questionnaires:
        errors += [FormError(x.error, f"n-{q.prefix}-{x.id}") for x in q.questions if x.error]
        general = entries.get(q.prefix)
        if general is not None and "" in general.errors:
            errors.append(FormError(general.errors[""]))
    picked = {d.id for d in definitions}
    return render_patient_page(
        request,
        "pages/session_entry.html",
        patient,
        actor,
        status_code=status_code,
        title=clinic_words(request, N_("Session: %(name)s"), name=patient.display_name),
        heading=clinic_words(request, N_("Session for %(name)s"), name=patient.display_name),
        choices=[
            (d.id, f"{d.short_name} — {d.name}", d.id in picked)
            for d in instrument_choices(need_text=False)
        ],
        questionnaires=questionnaires,
        form=form,
        markers=[(value, text, value in markers) for value, text in MARKERS],
        missed=form.get("attended") == "no",
        field_errors=field_errors,
        errors=errors,
        existing=existing,
    )


@router.get(ROUTES["session_new"], response_class=HTMLResponse)
def session_page(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int
) -> Response:
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    episode = current_episode(context, actor, patient_id)
    if episode is None:
        raise NotFound("episode of patient", patient_id)
    chosen = [v for v in request.query_params.getlist("instrument") if v]
    if not chosen:
        chosen = [i for i in (episode.outcome_instrument, episode.alliance_instrument) if i]
    numbers = [v.number for v in list_sessions(context, actor, episode.id, include_voided=True)]
    form = {
        "session": str(max(numbers, default=0) + 1),
        "held_on": context.now().date().isoformat(),
        "attended": "yes",
    }
    return _session_page(request, actor, patient, _definitions(chosen), form=form)


@router.post(ROUTES["session_new"], response_class=HTMLResponse)
async def save_session(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    submitted = await request.form()
    values = form_strings(submitted)
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    episode = current_episode(context, actor, patient_id)
    if episode is None:
        raise NotFound("episode of patient", patient_id)
    definitions = _definitions(form_list(submitted, "instrument"))
    markers = [m for m in form_list(submitted, "marker") if m in dict(MARKERS)]
    attended = values.get("attended", "yes") != "no"
    field_errors: dict[str, str] = {}
    number = 0
    held_on = dt.date.min
    try:
        number = parse_int(values.get("session", ""), "session", minimum=1, maximum=1000)
    except InputError as error:
        field_errors["session"] = (
            f"Session number: {shown(error.value)} is not allowed; allowed: {error.allowed}"
        )
    try:
        held_on = parse_date(values.get("held_on", ""), "held_on")
    except InputError:
        field_errors["held_on"] = "Held on: enter the date as YYYY-MM-DD."
    entries = {d.id: read_answers(values, d) for d in definitions}
    given = [e for e in entries.values() if not e.blank or e.errors]
    if attended and not given and not markers and not field_errors:
        field_errors["session"] = (
            "Enter the answers of at least one questionnaire, a rupture marker, "
            "or record the session as missed."
        )
    if not attended and (given or markers):
        field_errors["attended"] = (
            "Attendance: a missed session has no questionnaires or rupture markers; "
            "clear them or record the session as attended."
        )

    def again(risk: tuple[str, ...] | None = None) -> Response:  # nothing was stored
        if risk is None:  # refused here: name every risk item endorsed on the form
            risk = tuple(m for e in entries.values() for m in endorsed_risk(e))
        return _session_page(
            request,
            actor,
            patient,
            definitions,
            form=values,
            entries=entries,
            markers=markers,
            field_errors=field_errors,
            risk=risk,
            status_code=422,
        )

    incomplete = refuse_incomplete(entries.values(), attended=attended)  # issue 12, seen #4
    if field_errors or incomplete or any(e.errors for e in entries.values()):
        return again()
    data = TherapySessionCreate(
        number=number,
        held_on=held_on,
        attended=attended,
        administrations=[
            TherapySessionAdministration(
                instrument=e.definition.id, answers=e.answers, language="en"
            )
            for e in given
        ],
        rupture_markers=markers or None,  # none ticked: keep what is stored
    )
    try:
        record_session(context, actor, episode.id, data)
    except TherapySessionAnswerInvalid as error:
        entry = entries.get(error.instrument)
        if entry is None:
            field_errors["session"] = error.message
        else:
            answer_error(entry, error, item=error.item or "")
        return again(error.risk)
    except TherapySessionExists as error:  # never merged: the edit page is one link away
        field_errors["session"] = error.message
        return _session_page(
            request,
            actor,
            patient,
            definitions,
            form=values,
            entries=entries,
            markers=markers,
            field_errors=field_errors,
            status_code=409,
            existing=None
            if error.voided
            else url("session_edit", patient_id=patient_id, number=error.number),
        )
    except InputError as error:  # its message names any endorsed risk item (error.risk)
        name = error.field if error.field in ("held_on", "attended") else "session"
        field_errors[name] = labelled(error, SESSION_LABELS)
        return again(risk=())
    return redirect(request, url("patient", patient_id=patient_id), saved="session")
