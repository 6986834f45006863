"""A QuestionnaireResponse checked against its Questionnaire (what fhir.resources does not do).

FHIR R4 QuestionnaireResponse rules (https://hl7.org/fhir/R4/questionnaireresponse.html,
"Questionnaire Response and Questionnaire"): every ``linkId`` must exist in the
Questionnaire; ``display`` and ``group`` items carry no answers; a question that does not
``repeat`` has at most one answer; the answer's ``value[x]`` type follows the question's
``type`` (choice → the type of its ``answerOption`` values, usually ``valueCoding``;
integer → ``valueInteger`` …); a ``choice`` answer must be one of the ``answerOption`` s
(Codings compared by system and code); ``required`` questions are answered in a completed
response. Each problem names the linkId.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from attunement.errors import quote
from attunement.fhir._reasons import (
    ANSWER_WITHOUT_VALUE,
    NO_ANSWERS_HERE,
    NOT_A_STATUS,
    NOT_AN_OPTION,
    NOT_IN_QUESTIONNAIRE,
    ONE_ANSWER_ONLY,
    REQUIRED,
    WRONG_VALUE_TYPE,
    reason,
)
from attunement.monitoring import Worded

__all__ = [
    "FINAL_STATUSES",
    "ITEM_VALUE_TYPES",
    "answer_value",
    "check_against_questionnaire",
    "questionnaire_items",
    "questionnaire_problems",
    "response_answers",
]

#: QuestionnaireResponse.status values whose answers are final enough to import.
FINAL_STATUSES = ("completed", "amended")
_STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")

#: The answer value[x] allowed for each Questionnaire item type (R4 item-type ValueSet).
ITEM_VALUE_TYPES: dict[str, tuple[str, ...]] = {
    "boolean": ("valueBoolean",),
    "decimal": ("valueDecimal",),
    "integer": ("valueInteger",),
    "date": ("valueDate",),
    "dateTime": ("valueDateTime",),
    "time": ("valueTime",),
    "string": ("valueString",),
    "text": ("valueString",),
    "url": ("valueUri",),
    "choice": ("valueCoding", "valueInteger", "valueDate", "valueTime", "valueString"),
    "open-choice": ("valueCoding", "valueInteger", "valueDate", "valueTime", "valueString"),
    "attachment": ("valueAttachment",),
    "reference": ("valueReference",),
    "quantity": ("valueQuantity",),
}
_NO_ANSWERS = ("group", "display")


def questionnaire_items(questionnaire: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every item of a Questionnaire (nested ones too), by linkId."""
    found: dict[str, Mapping[str, Any]] = {}

    def walk(items: Any) -> None:
        for item in items or ():
            if isinstance(item, Mapping) and isinstance(item.get("linkId"), str):
                found[item["linkId"]] = item
                walk(item.get("item"))

    walk(questionnaire.get("item"))
    return found


def response_answers(response: Mapping[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """``(linkId, answers)`` for every item of a response, nested items included."""

    def walk(items: Any) -> Iterator[tuple[str, list[Any]]]:
        for item in items or ():
            if not isinstance(item, Mapping):
                continue
            answers = list(item.get("answer") or ())
            yield str(item.get("linkId")), answers
            yield from walk(item.get("item"))
            for answer in answers:
                if isinstance(answer, Mapping):
                    yield from walk(answer.get("item"))

    yield from walk(response.get("item"))


def answer_value(answer: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The ``(value[x] name, value)`` of one answer, or None when it has no value."""
    for key, value in answer.items():
        if key.startswith("value"):
            return key, value
    return None


def _same_option(value_type: str, value: Any, option: Mapping[str, Any]) -> bool:
    if value_type not in option:
        return False
    wanted = option[value_type]
    if value_type == "valueCoding":
        return bool(
            isinstance(value, Mapping)
            and value.get("code") == wanted.get("code")
            and value.get("system") == wanted.get("system")
        )
    return bool(value == wanted)


def check_against_questionnaire(
    response: Mapping[str, Any], questionnaire: Mapping[str, Any]
) -> list[str]:
    """Every way ``response`` breaks ``questionnaire``, each naming the linkId (empty: fits)."""
    return [problem.text for problem in questionnaire_problems(response, questionnaire)]


def questionnaire_problems(
    response: Mapping[str, Any], questionnaire: Mapping[str, Any]
) -> list[Worded]:
    """:func:`check_against_questionnaire`'s problems, each kept with its message id and
    values (``fhir._reasons``) for a reader of another language."""
    problems: list[Worded] = []
    status = response.get("status")
    if status not in _STATUSES:
        problems.append(reason(NOT_A_STATUS, status=quote(status)))
    items = questionnaire_items(questionnaire)
    answered: set[str] = set()
    for link_id, answers in response_answers(response):
        question = items.get(link_id)
        if question is None:
            problems.append(reason(NOT_IN_QUESTIONNAIRE, link_id=quote(link_id)))
            continue
        kind = str(question.get("type"))
        if answers:
            answered.add(link_id)
        if kind in _NO_ANSWERS and answers:
            problems.append(reason(NO_ANSWERS_HERE, link_id=quote(link_id), kind=kind))
            continue
        if len(answers) > 1 and not question.get("repeats"):
            problems.append(
                reason(ONE_ANSWER_ONLY, link_id=quote(link_id), count=str(len(answers)))
            )
        allowed_types = ITEM_VALUE_TYPES.get(kind, ())
        options = [o for o in question.get("answerOption") or () if isinstance(o, Mapping)]
        if kind == "choice" and options:  # the answer's type is the options' type
            allowed_types = tuple(
                dict.fromkeys(k for o in options for k in o if k.startswith("value"))
            )
        for answer in answers:
            found = answer_value(answer) if isinstance(answer, Mapping) else None
            if found is None:
                problems.append(reason(ANSWER_WITHOUT_VALUE, link_id=quote(link_id)))
                continue
            value_type, value = found
            if value_type not in allowed_types:
                problems.append(
                    reason(
                        WRONG_VALUE_TYPE,
                        link_id=quote(link_id),
                        value_type=value_type,
                        kind=kind,
                        allowed=", ".join(allowed_types) or "—",
                    )
                )
                continue
            if (
                kind == "choice"
                and options
                and not any(_same_option(value_type, value, o) for o in options)
            ):
                problems.append(reason(NOT_AN_OPTION, link_id=quote(link_id), value=_show(value)))
    if status == "completed":
        for link_id, question in items.items():
            # an item with enableWhen may be disabled: its requirement is conditional
            if (
                question.get("required")
                and link_id not in answered
                and question.get("type") not in _NO_ANSWERS
                and not question.get("enableWhen")
            ):
                problems.append(reason(REQUIRED, link_id=quote(link_id)))
    return problems


def _show(value: Any) -> str:
    if isinstance(value, Mapping):
        return f"{value.get('system')}|{value.get('code')}"
    return repr(value)
