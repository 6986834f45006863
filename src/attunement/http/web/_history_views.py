"""The episode's questionnaire history, for the patient page (display only).

Answers are shown with the option label the patient saw; the risk items are the flags
stored with each score when it was recorded (``services``), newest first, never filtered.
Whether an administration endorsed a risk item is ``Flag.endorsed``; the patient's risk
events themselves (open, or history) are :mod:`._risk_views`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from attunement.http.web._display import short_date
from attunement.http.web._questionnaires import definition_or_none
from attunement.i18n import N_, knowledge_text, localised, translate
from attunement.instruments import Flag, InstrumentDefinition
from attunement.services import AdministrationPublic
from attunement.wording import format_number, language_name

__all__ = ["AdministrationView", "AnswerView", "history_views"]


@dataclass(frozen=True)
class AnswerView:
    text: str
    answer: str
    flagged: bool


@dataclass(frozen=True)
class AdministrationView:
    id: int
    title: str
    when: str
    total: str
    meta: str
    flagged: bool
    answers: list[AnswerView] = field(default_factory=list)
    #: "voided: <reason>" or "corrected: <reason>" for a record kept only in the history
    voided: str | None = None
    session_number: int | None = None


def _label(
    definition: InstrumentDefinition | None, index: int, value: object, language: str
) -> str:
    if value is None:
        return translate(N_("not answered"), language)
    shown = format_number(value) if isinstance(value, int | float) else str(value)
    if definition is None or index >= len(definition.items):
        return shown
    options = definition.response_sets[definition.items[index].responses]
    for option in options:
        if option.value == value:
            label = localised(option.label, language)
            return f"{shown} · {label}" if label else shown
    return shown


def _summary(
    administration: AdministrationPublic, definition: InstrumentDefinition | None, language: str
) -> str:
    score = administration.score
    if score is None or not score.scales:
        return ""
    parts = []
    for scale_id, scale in score.scales.items():
        name = scale_id
        if definition is not None:
            name = next((s.name for s in definition.scales if s.id == scale_id), scale_id)
            name = name.removeprefix(f"{definition.short_name} ")
        value = scale.get("value")
        shown = (
            format_number(value) if value is not None else translate(N_("not scorable"), language)
        )
        band = f" ({knowledge_text(str(scale['band']), language)})" if scale.get("band") else ""
        parts.append(f"{name} {shown}{band}")
    return "; ".join(parts[:2])


def _voided(administration: AdministrationPublic, language: str) -> str | None:
    if administration.voided_at is None:
        return None
    message = (
        N_("Corrected on %(date)s: %(reason)s")
        if administration.corrected_by_id
        else N_("Voided on %(date)s: %(reason)s")
    )
    return translate(
        message,
        language,
        date=short_date(administration.voided_at),
        reason=administration.void_reason,
    )


def _session_words(administration: AdministrationPublic, language: str) -> str:
    if administration.session_number:
        return translate(N_("Session %(n)s"), language, n=administration.session_number)
    if administration.counts_toward_session:
        return translate(
            N_("Self-report, counted toward session %(n)s"),
            language,
            n=administration.counts_toward_session,
        )
    return translate(N_("No session"), language)


def history_views(
    administrations: Sequence[AdministrationPublic], language: str = "en"
) -> list[AdministrationView]:
    """Newest first, each with its item-level answers, worded in ``language`` (the clinic's;
    an item's text in that language where the definition has it, else in English)."""
    views = []
    for administration in reversed(administrations):
        definition = definition_or_none(administration.instrument)
        flags = [
            Flag.model_validate(f)
            for f in (administration.score.flags if administration.score else [])
        ]
        flagged_items = {flag.item for flag in flags}
        answers = []
        for index, value in enumerate(administration.answers):
            item = definition.items[index] if definition and index < len(definition.items) else None
            text = (localised(item.text, language) if item else None) or translate(
                N_("Item %(n)s"), language, n=index + 1
            )
            answers.append(
                AnswerView(
                    text=text,
                    answer=_label(definition, index, value, language),
                    flagged=item is not None and item.id in flagged_items,
                )
            )
        who = translate(
            N_("the patient (self-report link)")
            if administration.entered_by.startswith("invitation:")
            else N_("a clinician"),
            language,
        )
        views.append(
            AdministrationView(
                id=administration.id,
                title=(definition.short_name if definition else administration.instrument),
                when=f"{_session_words(administration, language)}, "
                f"{short_date(administration.administered_at)}",
                total=_summary(administration, definition, language),
                meta=translate(
                    N_("Entered by %(who)s; answered in %(language)s; definition v%(version)s."),
                    language,
                    who=who,
                    language=language_name(administration.language, language),
                    version=administration.definition_version,
                ),
                flagged=any(flag.endorsed for flag in flags),
                answers=answers,
                voided=_voided(administration, language),
                session_number=administration.session_number,
            )
        )
    return views
