"""Risk events on the pages: the open-event panel, its response form, and the risk history.

Every word about an event is :func:`attunement.wording.describe_event` (in the clinic's
language, ``ATTUNE_CLINIC_LANGUAGE``): an open event leads with what was endorsed and the
instrument's instruction; an answered one reads as history. The form offers the vocabulary
of ``risk/responses.yaml`` (levels as radio buttons with the NICE NG225 caveat beside them,
actions as checkboxes); what a response must hold is checked by the service and the core
(``RiskResponse``), and their errors come back here worded with the form's own labels.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from attunement.errors import InputError, field_problems
from attunement.http.web._forms import FormError
from attunement.http.web._questionnaires import definition_or_none
from attunement.i18n import SOURCE_LANGUAGE, localised
from attunement.risk import RiskEvent, load_response_vocabulary
from attunement.services import RiskEventPublic, RiskResponseCreate
from attunement.wording import describe_event, item_label, response_vocabulary_in

__all__ = [
    "LABELS",
    "QuotedAnswer",
    "RiskEventView",
    "RiskForm",
    "RiskFormInput",
    "event_views",
    "open_endorsements",
    "read_risk_response",
    "risk_form",
    "risk_form_errors",
    "risk_recorded",
]

#: The form's labels, by field of ``RiskResponseCreate``: errors name fields by these.
LABELS: Mapping[str, str] = {
    "assessed_on": "Assessed on",
    "level": "Level of concern",
    "actions": "Action taken",
    "reason": "Reason",
    "note": "Note",
    "event_ids": "Open risk events this response answers",
}


@dataclass(frozen=True)
class QuotedAnswer:
    """The patient's own answer to a risk item, in the language they answered in: the
    clinician's text (``lead``) and the quoted option label, marked ``lang`` on the page."""

    lead: str
    text: str
    lang: str


def _quoted_answers(event: RiskEvent) -> tuple[QuotedAnswer, ...]:
    quoted = []
    for endorsement in event.endorsements:
        if endorsement.answer is None:
            continue
        definition = definition_or_none(endorsement.instrument)
        if definition is None or endorsement.item not in definition.item_ids:
            continue
        item = definition.items[definition.item_ids.index(endorsement.item)]
        for option in definition.response_sets[item.responses]:
            label = localised(option.label, endorsement.language)
            if option.value == endorsement.answer and label:
                lead = f"{item_label(endorsement.instrument, endorsement.item)}, answered"
                quoted.append(QuotedAnswer(lead, label, endorsement.language))
    return tuple(dict.fromkeys(quoted))


@dataclass(frozen=True)
class RiskEventView:
    id: int
    open: bool
    headline: str
    lines: tuple[str, ...]
    answers: tuple[QuotedAnswer, ...] = ()


def event_views(
    events: Sequence[RiskEventPublic], language: str, *, current_session: int | None = None
) -> list[RiskEventView]:
    """The events in the services' order (open first, then history), in the one wording and
    in ``language`` (the clinic's: risk events are instructions and history for the
    clinician); an open event from before ``current_session`` reads as history awaiting its
    response."""
    views = []
    for public in events:
        event = RiskEvent(
            id=public.id,
            kind="unanswered" if public.kind == "unanswered" else "endorsed",
            endorsements=tuple(public.endorsements),
            response=public.response,
        )
        headline, *lines = describe_event(event, language, current_session=current_session)
        views.append(
            RiskEventView(public.id, event.open, headline, tuple(lines), _quoted_answers(event))
        )
    return views


def open_endorsements(events: Sequence[RiskEventPublic]) -> dict[int, int]:
    """How many endorsements each open event holds (to tell whether a save added one)."""
    return {e.id: len(e.endorsements) for e in events if e.open}


def risk_recorded(before: Mapping[int, int], after: Mapping[int, int]) -> bool:
    """True when a save opened a risk event or added an endorsement to an open one."""
    return any(count > before.get(event, 0) for event, count in after.items())


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class RiskFormInput:
    """What the clinician submitted (kept when the form comes back with its errors)."""

    values: dict[str, str] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    event_ids: list[str] | None = None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RiskForm:
    assessed_on: str
    levels: list[Choice]
    actions: list[Choice]
    reason: str
    note: str
    events: list[Choice]
    caveat: str
    caveat_source: str
    reason_for: str
    errors: dict[str, str]
    summary: list[FormError]


def _anchor(name: str, form: RiskForm) -> str:
    choices = {"level": form.levels, "actions": form.actions, "event_ids": form.events}
    if choices.get(name):
        return choices[name][0].id
    return f"f-risk-{name.replace('_', '-')}"


def risk_form(
    open_events: Sequence[RiskEventView],
    today: dt.date,
    submitted: RiskFormInput | None = None,
    *,
    language: str = SOURCE_LANGUAGE,
) -> RiskForm:
    """The response form for the open events: assessed today, every open event ticked;
    its words in ``language`` (the page's)."""
    words = response_vocabulary_in(load_response_vocabulary(), language)
    given = submitted or RiskFormInput()
    values = given.values
    ticked = given.event_ids if given.event_ids is not None else [str(e.id) for e in open_events]
    form = RiskForm(
        assessed_on=values.get("assessed_on", today.isoformat()),
        levels=[
            Choice(key, term.label, values.get("level") == key, f"f-risk-level-{key}")
            for key, term in words.levels.items()
        ],
        actions=[
            Choice(key, term.label, key in given.actions, f"f-risk-action-{key}")
            for key, term in words.actions.items()
        ],
        reason=values.get("reason", ""),
        note=values.get("note", ""),
        events=[
            Choice(str(e.id), e.headline, str(e.id) in ticked, f"f-risk-event-{e.id}")
            for e in open_events
        ],
        caveat=words.caveat,
        caveat_source=words.caveat_source,
        reason_for=", ".join(
            f"“{term.label}”" for term in words.actions.values() if term.requires_reason
        ),
        errors=given.errors,
        summary=[],
    )
    form.summary.extend(FormError(m, _anchor(k, form)) for k, m in given.errors.items())
    return form


def read_risk_response(submitted: RiskFormInput) -> RiskResponseCreate:
    """The service's input from the form (ValidationError or InputError naming a field).

    The form lists the open events (``events_listed``): none ticked there is an error, not
    "all"; a form that does not list them answers every open event, as the API does.
    """
    values = submitted.values
    ids: list[int] | None = None  # not offered on the form: every open event
    if submitted.event_ids or values.get("events_listed"):
        ids = []
        for value in submitted.event_ids or []:
            if not value.isdigit():
                raise InputError("event_ids", value, "the open risk events listed")
            ids.append(int(value))
    return RiskResponseCreate.model_validate(
        {
            "event_ids": ids,
            "assessed_on": values.get("assessed_on", ""),
            "level": values.get("level", ""),
            "actions": submitted.actions,
            "reason": values.get("reason") or None,
            "note": values.get("note") or None,
        }
    )


def _labelled(text: str) -> str:
    """Vocabulary keys in a message replaced by their labels (``no_action`` → “No action
    taken”), so an error reads in the form's words."""
    words = load_response_vocabulary()
    terms = {key: t.label for group in (words.levels, words.actions) for key, t in group.items()}
    keys = sorted(terms, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, keys)) + r")\b")
    return pattern.sub(lambda match: f"“{terms[match.group(1)]}”", text)


_EMPTY = {
    "assessed_on": "enter the date you assessed the risk, as YYYY-MM-DD",
    "level": "choose the level of concern after your assessment",
    "actions": "tick at least one action (or “No action taken”, with the reason)",
    "event_ids": "tick at least one open risk event",
}


def risk_form_errors(error: ValidationError | InputError) -> dict[str, str]:
    """``{field: message}``, each message starting with the field's label on the form."""
    if isinstance(error, InputError):
        name = error.field if error.field in LABELS else "level"
        value = error.value
        if value in (None, "", []):
            return {name: f"{LABELS[name]}: required — {_labelled(error.allowed)}."}
        if isinstance(value, list):  # vocabulary keys: each shown by its label
            shown = ", ".join(_labelled(str(v)) for v in value)
        else:
            shown = f"“{value}”"
        return {
            name: f"{LABELS[name]}: {shown} is not allowed; allowed: {_labelled(error.allowed)}."
        }
    messages: dict[str, str] = {}
    for problem in field_problems(error):
        name = str(problem.loc[0]) if problem.loc else "level"
        label = LABELS.get(name, name.replace("_", " "))
        empty = problem.value in (None, "", [])
        text = _EMPTY.get(name) if empty else None
        messages.setdefault(name, f"{label}: {text or problem.message}.")
    return messages
