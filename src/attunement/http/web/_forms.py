"""Reading submitted forms into the services' inputs, and errors back into form messages.

The forms carry text; the services take typed inputs (``PatientCreate``,
``AdministrationCreate`` …). Reading an answer only turns ``"2"`` into ``2`` (whole numbers
only, as in the API) and checks it is one of the values the instrument definition lists for
the item, so that every wrong answer is marked at once; the scoring engine checks again
when the service records it. Messages quote at most a short prefix of what was typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from pydantic import ValidationError
from starlette.datastructures import FormData

from attunement.errors import QUOTE_LIMIT, InputError, field_problems, quote
from attunement.http.web._questionnaires import allowed_text, item_label
from attunement.instruments import InstrumentDefinition, score
from attunement.wording import format_number

__all__ = [
    "SESSION_LABELS",
    "AnswerEntry",
    "FormError",
    "answer_error",
    "endorsed_risk",
    "form_list",
    "form_strings",
    "labelled",
    "parse_date",
    "parse_int",
    "read_answers",
    "risk_errors",
    "shown",
    "validation_messages",
]

Answer = int | float | None


@dataclass(frozen=True)
class FormError:
    """One message for the error summary; ``anchor`` is the id of the field it is about."""

    message: str
    anchor: str | None = None


def form_strings(form: FormData) -> dict[str, str]:
    """The text fields of a submitted form (first value of each name, stripped)."""
    values: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str) and key not in values:
            values[key] = value.strip()
    return values


def form_list(form: FormData, name: str) -> list[str]:
    """Every text value submitted under ``name`` (checkbox groups), without duplicates."""
    seen: list[str] = []
    for value in form.getlist(name):
        if isinstance(value, str) and value.strip() and value.strip() not in seen:
            seen.append(value.strip())
    return seen


@dataclass
class AnswerEntry:
    """The answers given for one instrument, as entered and as numbers."""

    definition: InstrumentDefinition
    raw: dict[str, str]
    answers: list[Answer]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return all(answer is None for answer in self.answers)


def shown(value: object) -> str:
    """What was typed, in quotation marks, cut to a short prefix (never the whole value)."""
    text = value if isinstance(value, str) else quote(value)
    return f"“{text[:QUOTE_LIMIT]}…”" if len(text) > QUOTE_LIMIT else f"“{text}”"


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,6}")


def _number(text: str) -> int:
    """The whole number a form field holds (every response value is one), or ValueError:
    ``2.0``, ``2,5``, ``nan``, ``٢`` and ``true`` are not answers."""
    if not _WHOLE_NUMBER.fullmatch(text):
        raise ValueError(text)
    return int(text)


def read_answers(
    values: Mapping[str, str],
    definition: InstrumentDefinition,
    *,
    unanswered: str | None = None,
    invalid: str | None = None,
) -> AnswerEntry:
    """Read the fields ``<instrument>.<item>``; blank is a missing answer.

    ``unanswered``/``invalid`` are message templates (with ``%(n)s``) for the patient's form;
    without them the clinician's message names the item, the value and what is allowed.
    """
    raw: dict[str, str] = {}
    answers: list[Answer] = []
    errors: dict[str, str] = {}
    for index, item in enumerate(definition.items):
        text = values.get(f"{definition.id}.{item.id}", "").strip()
        raw[item.id] = text
        if not text:
            answers.append(None)
            if unanswered is not None:
                errors[item.id] = unanswered % {"n": index + 1}
            continue
        allowed = definition.allowed_values(item.id)
        try:
            number = _number(text)
        except ValueError:
            number = None
        if number is None or number not in allowed:
            answers.append(None)
            errors[item.id] = (
                invalid % {"n": index + 1}
                if invalid is not None
                else f"{item_label(definition, index)}: {shown(text)} is not an allowed answer; "
                f"allowed: {allowed_text(definition, index)}"
            )
            continue
        answers.append(number)
    return AnswerEntry(definition=definition, raw=raw, answers=answers, errors=errors)


def answer_error(entry: AnswerEntry, error: InputError, item: str | None = None) -> None:
    """Attach an error the service raised to the entry: at ``item`` (default: the error's
    field, which ``InvalidAnswer`` sets to the item id), else as a general message."""
    ids = entry.definition.item_ids
    item = item or error.field
    if item in ids:
        index = ids.index(item)
        entry.errors[item] = (
            f"{item_label(entry.definition, index)}: {shown(error.value)} is not allowed; "
            f"allowed: {error.allowed}"
        )
    else:
        entry.errors.setdefault("", error.message)


def parse_date(text: str, field_name: str) -> dt.date:
    """A YYYY-MM-DD date, or InputError naming the field."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(field_name, text, "a date as YYYY-MM-DD") from None


def parse_int(text: str, field_name: str, *, minimum: int, maximum: int) -> int:
    """A whole number in range, or InputError naming the field."""
    try:
        number = int(text)
    except ValueError:
        raise InputError(field_name, text, f"a whole number from {minimum} to {maximum}") from None
    if not minimum <= number <= maximum:
        raise InputError(field_name, number, f"a whole number from {minimum} to {maximum}")
    return number


#: The session forms' fields as their labels read (entry and edit pages).
SESSION_LABELS: Final = {
    "held_on": "Held on",
    "attended": "Attended",
    "session": "Session number",
    "number": "Session number",
    "reason": "Reason",
}


def labelled(error: InputError, labels: Mapping[str, str]) -> str:
    """An input error worded for a form: the field as the form labels it (never its id),
    the value given, what is allowed, and any endorsed risk item it must not hide."""
    label = labels.get(error.field, error.field.replace("_", " ").capitalize())
    text = f"{label}: {quote(error.value)} is not allowed; allowed: {error.allowed}"
    return text + "".join(f" RISK: {risk}" for risk in error.risk)


def _plain(kind: str, message: str, context: Mapping[str, object], value: object) -> str:
    """pydantic's account of a problem in a clinician's words (no type names, no regex)."""
    limit = context.get("min_length") or context.get("max_length")
    if kind in ("missing", "string_too_short") and limit in (None, 1):
        return "please fill this in"
    if kind == "string_too_short":
        return f"at least {limit} characters, please"
    if kind == "string_too_long":
        return f"{quote(value)} is too long; at most {limit} characters"
    if kind == "string_pattern_mismatch":
        return f"{quote(value)} is not in the form this field takes (see its hint)"
    return message


def validation_messages(error: ValidationError, labels: Mapping[str, str]) -> dict[str, str]:
    """Pydantic errors of a service input as ``{field: message}`` for the form, each naming
    the field as the form labels it."""
    messages: dict[str, str] = {}
    for problem, record in zip(field_problems(error), error.errors(), strict=True):
        name = str(problem.loc[0]) if problem.loc else ""
        label = labels.get(name, name.replace("_", " ").capitalize())
        text = _plain(problem.kind, problem.message, record.get("ctx") or {}, problem.value)
        messages.setdefault(name, f"{label}: {text}")
    return messages


def endorsed_risk(entry: AnswerEntry, language: str = "en") -> tuple[str, ...]:
    """The risk items endorsed among the entry's allowed answers, for a refused form.

    Whatever else the form refused (another answer, the date), an endorsed risk item is
    named: the scoring engine raises the flags (``Flag.endorsed``), and the message is the
    instrument's own (``flag_message``, in ``language``, the clinician's), with the answer
    given — as ``InvalidAnswer.risk`` words it.
    """

    definition = entry.definition
    result = score(definition, entry.answers, clinician_language=language)
    return tuple(
        f"{definition.flag_message(flag.id, language) or flag.message} "
        f"(answer given: {format_number(flag.answer, 2)})"
        for flag in result.flags
        if flag.endorsed and flag.answer is not None
    )


def risk_errors(messages: Iterable[str]) -> list[FormError]:
    """Summary lines for endorsed risk items of a form that was refused (listed first)."""
    return [
        FormError(
            f"Risk item endorsed — {message}. Nothing was saved: correct the answers marked "
            "below and save again, so that the risk item is recorded."
        )
        for message in messages
    ]
