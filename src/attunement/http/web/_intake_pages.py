"""Registering a patient and the intake profile (HTTP only; services validate and store)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.errors import Conflict, Forbidden, InputError, NotFound, UnknownInstrument
from attunement.http.deps import ContextDep, CsrfProtected, WebActor, get_context
from attunement.http.web._clinic_pages import patient_header, require_own, stored_profile
from attunement.http.web._demographics_form import (
    DEMOGRAPHIC_LABELS,
    age_band_choices,
    sex_choices,
)
from attunement.http.web._display import LANGUAGE_NAMES, language_label
from attunement.http.web._forms import FormError, form_strings, parse_date, validation_messages
from attunement.http.web._patient_context import render_patient_page
from attunement.http.web._preference_form import (
    preference_row,
    preference_rows,
    read_preference_rows,
)
from attunement.http.web._profile_form import merge_profile, profile_groups
from attunement.http.web._rendering import ROUTES, Viewer, clinic_words, redirect, render, url
from attunement.http.web._risk_views import event_views, open_endorsements, risk_recorded
from attunement.i18n import N_, resolve_language
from attunement.instruments import (
    DEFAULT_ALLIANCE_INSTRUMENT,
    MeasureRole,
    instruments_with_role,
    list_instruments,
)
from attunement.profile import PREFERENCE_ASPECTS
from attunement.services import (
    EpisodeCreate,
    PatientCreate,
    check_episode_start,
    get_patient,
    list_risk_events,
    register_patient,
    start_episode,
    update_profile,
)
from attunement.wording import dimension_label

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_PATIENT_LABELS = {
    "display_name": "Name",
    "external_id": "Record number",
    "preferred_language": "Preferred language",
    **DEMOGRAPHIC_LABELS,
    "outcome_instrument": "Outcome questionnaire",
    "alliance_instrument": "Alliance questionnaire",
    "started_on": "Episode starts on",
}


def _new_patient_page(
    request: Request,
    actor: Any,
    form: dict[str, str],
    field_errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    lang = resolve_language(get_context(request).clinic_language)

    def choices(role: MeasureRole) -> list[tuple[str, str]]:
        return [(d.id, f"{d.short_name} — {d.name}") for d in instruments_with_role(role)]

    return render(
        request,
        "pages/patient_new.html",
        status_code=status_code,
        title=clinic_words(request, N_("New patient")),
        viewer=Viewer.of(actor),
        nav="new",
        form=form,
        field_errors=field_errors,
        errors=[FormError(m, f"f-{k}") for k, m in field_errors.items()],
        languages=[(tag, language_label(tag, lang)) for tag in LANGUAGE_NAMES],
        sexes=sex_choices(lang),
        age_bands=age_band_choices(lang),
        outcome_instruments=choices("outcome"),
        alliance_instruments=choices("alliance"),
    )


@router.get(ROUTES["patient_new"], response_class=HTMLResponse)
def new_patient_page(request: Request, context: ContextDep, actor: WebActor) -> Response:
    if not actor.treats_patients:
        raise Forbidden("this account has no access to clinical records")
    today = context.now().date().isoformat()
    form = {
        "preferred_language": "en",
        "outcome_instrument": "phq9",
        "alliance_instrument": DEFAULT_ALLIANCE_INSTRUMENT,  # WAI-SR unless changed
        "started_on": today,
    }
    return _new_patient_page(request, actor, form, {})


@router.post(ROUTES["patient_new"], response_class=HTMLResponse)
async def new_patient(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected
) -> Response:
    """Register the patient and open the episode, then continue to the intake profile."""
    values = form_strings(await request.form())
    errors: dict[str, str] = {}
    try:
        data = PatientCreate(
            display_name=values.get("display_name", ""),
            preferred_language=values.get("preferred_language") or "en",
            external_id=values.get("external_id") or None,
            sex=values.get("sex") or None,
            age_band=values.get("age_band") or None,
        )
    except ValidationError as error:
        errors.update(validation_messages(error, _PATIENT_LABELS))
    try:
        started = parse_date(values.get("started_on", ""), "started_on")
        episode = EpisodeCreate(
            started_on=started,
            outcome_instrument=values.get("outcome_instrument") or "phq9",
            alliance_instrument=values.get("alliance_instrument") or None,
        )
        check_episode_start(context, episode)  # before the patient is stored
    except InputError as error:
        name = error.field if error.field in _PATIENT_LABELS else "started_on"
        errors[name] = f"{_PATIENT_LABELS[name]}: {error.message.split(': ', 1)[-1]}"
    except UnknownInstrument as error:
        alliance = error.instrument_id == values.get("alliance_instrument")
        errors["alliance_instrument" if alliance else "outcome_instrument"] = error.message
    except ValidationError as error:
        errors.update(validation_messages(error, _PATIENT_LABELS))
    if errors:
        return _new_patient_page(request, actor, values, errors, 422)
    try:
        patient = register_patient(context, actor, data)
    except Conflict:
        errors["external_id"] = "Record number: another patient already has this number."
        return _new_patient_page(request, actor, values, errors, 409)
    start_episode(context, actor, patient.id, episode)
    return redirect(request, url("intake", patient_id=patient.id), saved="registered")


# --------------------------------------------------------------------------- intake


def _profile_instruments(language: str) -> list[dict[str, str]]:
    found = []
    for definition in list_instruments():
        if definition.profile is None:
            continue
        keys = sorted({o.key.split(".")[0] for o in definition.profile.outputs})
        found.append(
            {
                "id": definition.id,
                "name": f"{definition.short_name} — {definition.name}",
                "dimensions": ", ".join(dimension_label(k, language) for k in keys),
            }
        )
    return found


def _intake_page(
    request: Request,
    actor: Any,
    patient: Any,
    *,
    submitted: dict[str, str] | None = None,
    rows: list[Any] | None = None,
    field_errors: dict[str, str] | None = None,
    extra: list[FormError] | None = None,
    notice: str | None = None,
    risk_notice: list[str] | None = None,
    demographics: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The intake page; ``demographics`` is a refused sex and age band form, kept as sent."""
    profile, problem = stored_profile(patient)
    lang = resolve_language(get_context(request).clinic_language)
    field_errors = field_errors or {}
    errors = [FormError(m, f"f-{k}") for k, m in field_errors.items()] + (extra or [])
    if problem:
        errors.insert(0, FormError(problem))
    return render_patient_page(
        request,
        "pages/intake.html",
        patient,
        actor,
        status_code=status_code,
        title=clinic_words(request, N_("Intake: %(name)s"), name=patient.display_name),
        groups=profile_groups(profile, submitted, field_errors, language=lang),
        preferences=rows if rows is not None else preference_rows(patient.profile),
        profile_instruments=_profile_instruments(lang),
        errors=errors,
        notice=notice,
        risk_notice=risk_notice,
        sexes=sex_choices(lang),
        age_bands=age_band_choices(lang),
        demographics=demographics or {"sex": patient.sex or "", "age_band": patient.age_band or ""},
        field_errors=field_errors,
    )


intake_page_response = _intake_page  # the sex and age band form's refusals use it too


#: What the intake page says after a save, by ``?saved=`` (message ids: the template
#: translates them into the clinic's language).
_NOTICES = {
    "registered": N_("Patient registered and episode started. Now record what is known at intake."),
    "1": N_("Profile saved."),
    "demographics": N_("Sex and age band saved."),
}


@router.get(ROUTES["intake"], response_class=HTMLResponse)
def intake_page(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int
) -> Response:
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    saved = request.query_params.get("saved")
    notice = _NOTICES.get(saved or "")
    risk_notice = None
    if saved == "risk":  # the questionnaire endorsed a risk item: say so, with the event
        language = resolve_language(context.clinic_language)
        events = event_views(list_risk_events(context, actor, patient_id), language)
        risk_notice = [e.headline for e in events if e.open]
    return _intake_page(request, actor, patient, notice=notice, risk_notice=risk_notice)


def _profile_error_target(field: str, origin: dict[int, str]) -> tuple[str, str | None]:
    """Map an InvalidProfile field (``preferences[2].value``, ``reactance.value``) to the form."""
    if field.startswith("preferences["):
        index = int(field[len("preferences[") : field.index("]")])
        part = field.rsplit(".", 1)[-1] if "." in field else "aspect"
        return f"pref:{origin.get(index, '')}", part
    head = field.removesuffix(".value")
    return head, None


@router.post(ROUTES["intake"], response_class=HTMLResponse)
async def save_intake(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Merge the form into the stored profile and save it (the service validates it all)."""
    values = form_strings(await request.form())
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    rows = read_preference_rows(values)
    if values.get("add_preference"):  # the no-JavaScript way to add a row
        return _intake_page(
            request, actor, patient, submitted=values, rows=[*rows, preference_row()]
        )
    profile, _ = stored_profile(patient)
    merged, origin = merge_profile(patient.profile, profile, values, rows, context.now().date())
    before = open_endorsements(list_risk_events(context, actor, patient_id))
    try:
        update_profile(context, actor, patient_id, merged)
    except InputError as error:
        target, part = _profile_error_target(error.field, origin)
        message = error.message
        field_errors: dict[str, str] = {}
        if target.startswith("pref:"):
            for row in rows:
                if row.key == target[5:]:
                    row.errors[part or "aspect"] = message
        else:
            field_errors[target] = message
        return _intake_page(
            request,
            actor,
            patient,
            submitted=values,
            rows=rows,
            field_errors=field_errors,
            extra=[FormError(message)] if target.startswith("pref:") else None,
            status_code=422,
        )
    after = open_endorsements(list_risk_events(context, actor, patient_id))
    saved = "risk" if risk_recorded(before, after) else "1"
    return redirect(request, url("intake", patient_id=patient_id), saved=saved)


@router.get(ROUTES["preference_row"], response_class=HTMLResponse)
def preference_row_partial(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int
) -> Response:
    """One preference row (htmx: "Add a preference", or the value choices of an aspect)."""
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    params = request.query_params
    key = params.get("key")
    prefix = f"pref-{key}." if key else ""
    aspect = params.get(f"{prefix}aspect", "") if key else ""
    if aspect and aspect not in PREFERENCE_ASPECTS:
        raise NotFound("preference aspect", aspect)
    row = preference_row(
        aspect,
        params.get(f"{prefix}value", "") if key else "",
        params.get(f"{prefix}strength", "") if key else "",
        key=key,
    )
    return render(
        request,
        "partials/preference_row.html",
        viewer=Viewer.of(actor),
        p=patient_header(patient, actor, resolve_language(context.clinic_language)),
        row=row,
    )
