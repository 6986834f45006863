"""Questionnaires as forms: the items, options and notices of an instrument definition.

Item text, option labels, instructions and the licence notice come from the instrument
definition in the requested language (the definition's own translation, e.g. the Pfizer
Spanish PHQ-9), with English as the fallback. Nothing here scores or validates answers
clinically; :mod:`attunement.http.web._forms` reads the submitted values and the services score
them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from attunement.errors import UnknownInstrument
from attunement.i18n import localised
from attunement.instruments import InstrumentDefinition, list_instruments, load_instrument

__all__ = [
    "OptionView",
    "QuestionView",
    "QuestionnaireView",
    "allowed_text",
    "definition_or_none",
    "instrument_choices",
    "item_label",
    "questionnaire_view",
]


@dataclass(frozen=True)
class OptionView:
    value: int
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionView:
    """One item: its text, its options, what was entered and any message about it."""

    id: str
    number: int
    text: str
    options: tuple[OptionView, ...]
    raw: str
    allowed: str
    error: str | None
    risk: bool = False


@dataclass(frozen=True)
class QuestionnaireView:
    """One instrument as a form section (``prefix`` is the instrument id)."""

    prefix: str
    title: str
    short_title: str
    subtitle: str
    instructions: str | None
    notice: str | None
    legend: str | None
    questions: tuple[QuestionView, ...]
    show_values: bool
    required: bool
    language: str


def item_label(definition: InstrumentDefinition, index: int) -> str:
    """ "PHQ-9 item 9" — how messages name an item."""
    return f"{definition.short_name} item {index + 1}"


def _options(definition: InstrumentDefinition, item_index: int, language: str) -> list[OptionView]:
    item = definition.items[item_index]
    return [
        OptionView(value=o.value, label=localised(o.label, language) or str(o.value), checked=False)
        for o in definition.response_sets[item.responses]
    ]


def allowed_text(definition: InstrumentDefinition, item_index: int, language: str = "en") -> str:
    """The allowed answers in words: "0–3" or "1, 2, 4" (all values, in order)."""
    values = [o.value for o in _options(definition, item_index, language)]
    if values and values == list(range(values[0], values[-1] + 1)) and len(values) > 2:
        return f"{values[0]}–{values[-1]}"
    return ", ".join(str(v) for v in values)


def _legend(definition: InstrumentDefinition, language: str) -> str | None:
    """ "0 = Not at all · 1 = Several days …" when every item shares one labelled set."""
    sets = {item.responses for item in definition.items}
    if len(sets) != 1:
        return None
    options = definition.response_sets[sets.pop()]
    labels = [(o.value, localised(o.label, language)) for o in options]
    if not all(label for _, label in labels):
        return None
    return " · ".join(f"{value} = {label}" for value, label in labels)


def questionnaire_view(
    definition: InstrumentDefinition,
    *,
    language: str,
    raw: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    show_values: bool = True,
    required: bool = False,
) -> QuestionnaireView:
    """The form section for ``definition`` with the previous input and messages, if any."""
    raw = raw or {}
    errors = errors or {}
    questions = []
    risk_items = {rule.item for rule in definition.flags}  # every flag rule is a risk item
    for index, item in enumerate(definition.items):
        entered = raw.get(item.id, "")
        options = tuple(
            OptionView(o.value, o.label, checked=entered == str(o.value))
            for o in _options(definition, index, language)
        )
        questions.append(
            QuestionView(
                id=item.id,
                number=index + 1,
                text=localised(item.text, language) or f"Item {index + 1}",
                options=options,
                raw=entered,
                allowed=allowed_text(definition, index, language),
                error=errors.get(item.id),
                risk=item.id in risk_items,
            )
        )
    return QuestionnaireView(
        prefix=definition.id,
        title=definition.name,
        short_title=definition.short_name,
        subtitle=f"{definition.short_name} v{definition.version}",
        instructions=localised(definition.instructions, language),
        notice=localised(definition.licence.notice, language),
        legend=_legend(definition, language),
        questions=tuple(questions),
        show_values=show_values,
        required=required,
        language=language,
    )


def instrument_choices(
    *, language: str | None = None, kind: str = "self_report", need_text: bool = True
) -> list[InstrumentDefinition]:
    """Instruments of ``kind`` (with item text, when ``need_text``; in ``language``)."""
    found = []
    for definition in list_instruments():
        if definition.kind != kind or (need_text and not definition.text_available):
            continue
        if language is not None and language not in definition.languages:
            continue
        found.append(definition)
    return found


def definition_or_none(instrument_id: str) -> InstrumentDefinition | None:

    try:
        return load_instrument(instrument_id)
    except UnknownInstrument:
        return None
