"""Importing QuestionnaireResponses (alone or in a Bundle) for the instruments Attunement knows.

A response is recognised by its ``questionnaire`` canonical:

1. Attunement's own ``{base}/fhir/Questionnaire/<id>[|version]`` — linkIds are item ids;
2. a Questionnaire sent alongside (in the Bundle, or passed in) whose ``code`` is the
   instrument's LOINC panel (e.g. the US Core PHQ-9 example, LOINC 44249-1) — its items are
   matched by their LOINC item codes, answers by LOINC answer codes or ``ordinalValue``;
3. a canonical whose last path segment is the LOINC panel code (``…/Questionnaire/44249-1``).

The response is checked against its Questionnaire (:mod:`._fhir_check`), mapped to the
instrument's item order and scored with :func:`attunement.instruments.score` — the one
scoring engine. Each resource is judged on its own: a bad one is listed in ``refused`` with
its reasons and never rejects the others; resources Attunement does not import are listed
in ``ignored`` with why. Re-imports are the services layer's to skip, by ``source_key``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from attunement.errors import AttunementError, InputError, quote
from attunement.fhir._check import (
    FINAL_STATUSES,
    answer_value,
    questionnaire_items,
    questionnaire_problems,
    response_answers,
)
from attunement.fhir._common import LOINC, FhirBase, fhir_id, validated
from attunement.fhir._questionnaire import questionnaire as export_questionnaire
from attunement.fhir._reasons import (
    ANSWER_WITHOUT_SCORE,
    NO_CANONICAL,
    NO_ITEM_MAPPED,
    NO_KNOWN_PANEL,
    NO_RESOURCE,
    NOT_AN_ITEM,
    NOT_FINAL,
    NOT_IMPORTED_TYPE,
    NOT_SCORED,
    NOT_VALID,
    OTHER_VERSION,
    QUESTIONNAIRE_NOT_VALID,
    QUESTIONNAIRE_USED,
    TOTAL_AGREES,
    TOTAL_DIFFERS,
    UNKNOWN_QUESTIONNAIRE,
    WITH_PROBLEM,
    reason,
)
from attunement.instruments import InstrumentDefinition, Score, list_instruments, score
from attunement.monitoring import Worded

__all__ = [
    "IgnoredResource",
    "ImportResult",
    "ImportedResponse",
    "RefusedResource",
    "import_fhir",
]

_ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
_ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class ImportedResponse(_Frozen):
    """A response that fits its Questionnaire, as the instrument's answers and score."""

    index: int
    resource_id: str | None
    full_url: str | None = None
    source_key: str | None
    instrument: str
    version: str
    answers: tuple[int | None, ...]
    language: str
    authored: datetime | None
    subject: str | None
    questionnaire: str
    score: Score
    notes: tuple[str, ...] = ()
    #: the notes with their message ids, for a reader of another language (``fhir._reasons``)
    notes_worded: tuple[Worded, ...] = ()


class RefusedResource(_Frozen):
    """A resource not imported: ``reasons`` in English (data), ``reasons_worded`` the same
    reasons with their message ids, for a reader of another language (``fhir._reasons``)."""

    index: int
    resource_type: str | None
    resource_id: str | None
    reasons: tuple[str, ...]
    reasons_worded: tuple[Worded, ...] = ()


class IgnoredResource(_Frozen):
    """A resource the import does not take: ``reason`` in English (data), ``reason_worded``
    the same with its message id (``fhir._reasons``)."""

    index: int
    resource_type: str | None
    resource_id: str | None
    reason: str
    reason_worded: Worded | None = None


class ImportResult(_Frozen):
    imported: tuple[ImportedResponse, ...] = ()
    refused: tuple[RefusedResource, ...] = ()
    ignored: tuple[IgnoredResource, ...] = ()

    @property
    def source_keys(self) -> tuple[str, ...]:
        """The keys of the imported responses (for the services layer's idempotency)."""
        return tuple(r.source_key for r in self.imported if r.source_key)


def import_fhir(
    document: Mapping[str, Any],
    *,
    base: FhirBase | None = None,
    definitions: Sequence[InstrumentDefinition] | None = None,
    questionnaires: Sequence[Mapping[str, Any]] = (),
    max_entries: int | None = None,
) -> ImportResult:
    """Import a Bundle or a single QuestionnaireResponse; see the module docstring.

    ``max_entries`` refuses a larger Bundle as a whole before any entry is read (checking
    one entry costs milliseconds, so an unbounded Bundle is unbounded server time).
    """
    base = base or FhirBase()
    known = tuple(definitions) if definitions is not None else list_instruments()
    kind = document.get("resourceType")
    if kind == "Bundle":
        entries = document.get("entry")
        if entries is not None and not isinstance(entries, list):
            raise InputError("Bundle.entry", type(entries).__name__, "a list of entries")
        if max_entries is not None and entries is not None and len(entries) > max_entries:
            raise InputError(
                "Bundle.entry",
                f"{len(entries)} entries",
                f"at most {max_entries} entries per Bundle; send the rest in further Bundles",
            )
        pairs = [
            (e.get("resource") if isinstance(e, Mapping) else None, _full_url(e))
            for e in entries or ()
        ]
    elif kind == "QuestionnaireResponse":
        pairs = [(document, None)]
    else:
        raise InputError("resourceType", kind, ("Bundle", "QuestionnaireResponse"))
    sent, invalid = _sent_questionnaires(pairs)
    library = [*questionnaires, *sent]
    imported: list[ImportedResponse] = []
    refused: list[RefusedResource] = []
    ignored: list[IgnoredResource] = []
    for index, (resource, full_url) in enumerate(pairs):
        if not isinstance(resource, Mapping):
            refused.append(
                RefusedResource(
                    index=index,
                    resource_type=None,
                    resource_id=None,
                    reasons=(reason(NO_RESOURCE).text,),
                    reasons_worded=(reason(NO_RESOURCE),),
                )
            )
            continue
        rtype, rid = _text(resource.get("resourceType")), _text(resource.get("id"))
        if rtype != "QuestionnaireResponse":
            why = reason(NOT_IMPORTED_TYPE)
            if rtype == "Questionnaire":
                why = invalid.get(index, reason(QUESTIONNAIRE_USED))
            ignored.append(
                IgnoredResource(
                    index=index,
                    resource_type=rtype,
                    resource_id=rid,
                    reason=why.text,
                    reason_worded=why,
                )
            )
        else:
            try:
                imported.append(_import_one(index, resource, full_url, base, (known, library)))
            except _Refusal as refusal:
                refused.append(
                    RefusedResource(
                        index=index,
                        resource_type=rtype,
                        resource_id=rid,
                        reasons=tuple(r.text for r in refusal.reasons),
                        reasons_worded=refusal.reasons,
                    )
                )
    return ImportResult(imported=tuple(imported), refused=tuple(refused), ignored=tuple(ignored))


class _Refusal(Exception):
    def __init__(self, *reasons: Worded) -> None:
        super().__init__("; ".join(r.text for r in reasons))
        self.reasons = reasons


def _sent_questionnaires(
    pairs: Sequence[tuple[Any, str | None]],
) -> tuple[list[Mapping[str, Any]], dict[int, Worded]]:
    """The valid Questionnaires of a Bundle (checked like responses, since mapping reads
    their codes and options), and why each invalid one is not used, by entry index."""
    sent: list[Mapping[str, Any]] = []
    invalid: dict[int, Worded] = {}
    for index, (resource, _) in enumerate(pairs):
        if isinstance(resource, Mapping) and resource.get("resourceType") == "Questionnaire":
            try:
                sent.append(validated(dict(resource)))
            except InputError as exc:
                invalid[index] = reason(QUESTIONNAIRE_NOT_VALID, problem=exc.message)
    return sent, invalid


def _text(value: Any) -> str | None:
    """A resource's type or id as the report names it: text, cut short, or None (the
    sender's value may be anything; the resource is then judged by its validation)."""
    if not isinstance(value, str):
        return None
    return value if len(value) <= 64 else value[:64] + "…"


def _full_url(entry: Any) -> str | None:
    url = entry.get("fullUrl") if isinstance(entry, Mapping) else None
    return url if isinstance(url, str) else None


def _import_one(
    index: int,
    resource: Mapping[str, Any],
    full_url: str | None,
    base: FhirBase,
    catalogue: tuple[Sequence[InstrumentDefinition], Sequence[Mapping[str, Any]]],
) -> ImportedResponse:
    known, library = catalogue
    name = f"QuestionnaireResponse/{resource.get('id', f'#{index}')}"
    try:
        validated(dict(resource))
    except InputError as exc:
        raise _Refusal(reason(NOT_VALID, name=name, problem=exc.message)) from None
    if resource.get("status") not in FINAL_STATUSES:
        raise _Refusal(reason(NOT_FINAL, name=name, status=quote(resource.get("status"))))
    canonical = resource.get("questionnaire")
    if not isinstance(canonical, str) or not canonical:
        raise _Refusal(reason(NO_CANONICAL, name=name))
    definition, questionnaire, how = _resolve(canonical, base, known, library, name)
    problems = questionnaire_problems(resource, questionnaire)
    if problems:
        raise _Refusal(*(reason(WITH_PROBLEM, name=name, parts={"problem": p}) for p in problems))
    answers, notes = _answers(resource, definition, questionnaire, name)
    language = resource.get("language") or "en"
    try:
        result = score(
            definition, answers, language=language if language in definition.languages else "en"
        )
    except AttunementError as exc:
        raise _Refusal(reason(NOT_SCORED, name=name, problem=exc.message)) from None
    notes += _reported_totals(resource, definition, questionnaire, result)
    version = canonical.partition("|")[2]
    if version and version != definition.version:
        notes.append(
            reason(
                OTHER_VERSION, instrument=definition.id, version=version, scored=definition.version
            )
        )
    rid = resource.get("id")
    authored = resource.get("authored")
    subject = (resource.get("subject") or {}).get("reference")
    return ImportedResponse(
        index=index,
        resource_id=rid,
        full_url=full_url,
        source_key=f"QuestionnaireResponse/{rid}" if rid else full_url,
        instrument=definition.id,
        version=definition.version,
        answers=answers,
        language=language,
        authored=datetime.fromisoformat(authored.replace("Z", "+00:00"))
        if isinstance(authored, str) and "T" in authored
        else None,
        subject=subject if isinstance(subject, str) else None,
        questionnaire=f"{canonical} ({how})",
        score=result,
        notes=tuple(note.text for note in notes),
        notes_worded=tuple(notes),
    )


def _resolve(
    canonical: str,
    base: FhirBase,
    known: Sequence[InstrumentDefinition],
    library: Sequence[Mapping[str, Any]],
    name: str,
) -> tuple[InstrumentDefinition, Mapping[str, Any], str]:
    url = canonical.partition("|")[0]
    for definition in known:
        if url == base.questionnaire_url(definition.id):
            return (
                definition,
                export_questionnaire(definition, base=base),
                "Attunement canonical URL",
            )
    sent = next((q for q in library if q.get("url") == url), None)
    panels = {d.loinc.panel: d for d in known if d.loinc and d.loinc.panel}
    if sent is not None:
        codes = [c.get("code") for c in sent.get("code") or () if c.get("system") == LOINC]
        for code in codes:
            if code in panels:
                return panels[code], sent, f"LOINC panel {code} of the Questionnaire sent"
        raise _Refusal(reason(NO_KNOWN_PANEL, name=name, url=url))
    last = url.rstrip("/").rsplit("/", 1)[-1]
    if last in panels:
        definition = panels[last]
        return (
            definition,
            export_questionnaire(definition, base=base),
            f"LOINC panel {last} in the canonical",
        )
    raise _Refusal(reason(UNKNOWN_QUESTIONNAIRE, name=name, canonical=canonical))


def _item_for(
    link_id: str, question: Mapping[str, Any], definition: InstrumentDefinition
) -> str | None:
    ids = set(definition.item_ids)
    if link_id in ids:
        return link_id
    by_loinc = {
        code: item for item, code in (definition.loinc.items if definition.loinc else {}).items()
    }
    for coding in question.get("code") or ():
        if coding.get("system") == LOINC and coding.get("code") in by_loinc:
            return by_loinc[coding["code"]]
    return by_loinc.get(link_id.lstrip("/"))


def _answers(
    resource: Mapping[str, Any],
    definition: InstrumentDefinition,
    questionnaire: Mapping[str, Any],
    name: str,
) -> tuple[tuple[int | None, ...], list[Worded]]:
    questions = questionnaire_items(questionnaire)
    values: dict[str, int] = {}
    problems: list[Worded] = []
    notes: list[Worded] = []
    for link_id, answers in response_answers(resource):
        item = _item_for(link_id, questions.get(link_id, {}), definition)
        if item is None:
            if answers and not _is_total(questions.get(link_id, {}), definition):
                notes.append(
                    reason(NOT_AN_ITEM, link_id=quote(link_id), instrument=definition.short_name)
                )
            continue
        if not answers:
            continue
        found = answer_value(answers[0])
        number = _number(found, questions.get(link_id, {}), definition) if found else None
        if number is None or number not in definition.allowed_values(item):
            problems.append(
                reason(
                    ANSWER_WITHOUT_SCORE,
                    name=name,
                    link_id=quote(link_id),
                    answer=quote(found[1] if found else None),
                    allowed=str(definition.allowed_values(item)),
                )
            )
            continue
        values[item] = int(number)  # an allowed value: a whole number even if sent as 2.0
    if problems:
        raise _Refusal(*problems)
    if not values:
        raise _Refusal(reason(NO_ITEM_MAPPED, name=name, instrument=definition.short_name))
    return tuple(values.get(item) for item in definition.item_ids), notes


def _number(
    found: tuple[str, Any], question: Mapping[str, Any], definition: InstrumentDefinition
) -> int | float | None:
    value_type, value = found
    if value_type in ("valueInteger", "valueDecimal") and not isinstance(value, bool):
        return value if isinstance(value, int | float) else None
    if value_type != "valueCoding" or not isinstance(value, Mapping):
        return None
    system, code = value.get("system"), value.get("code")
    loinc_answers = definition.loinc.answers if definition.loinc else {}
    if system == LOINC:
        for number, answer_code in loinc_answers.items():
            if answer_code == code:
                return number
    if system and system.endswith(f"/CodeSystem/{fhir_id(definition.id)}-answers"):
        try:
            return int(str(code))
        except ValueError:
            return None
    for option in question.get("answerOption") or ():
        coding = option.get("valueCoding") or {}
        if coding.get("system") == system and coding.get("code") == code:
            for extension in option.get("extension") or ():
                if extension.get("url") in (_ORDINAL, _ITEM_WEIGHT):
                    weight = extension.get("valueDecimal", extension.get("valueInteger"))
                    if isinstance(weight, int | float):
                        return int(weight) if float(weight).is_integer() else weight
    return None


def _is_total(question: Mapping[str, Any], definition: InstrumentDefinition) -> bool:
    total = definition.loinc.total if definition.loinc else None
    return bool(total) and any(c.get("code") == total for c in question.get("code") or ())


def _reported_totals(
    resource: Mapping[str, Any],
    definition: InstrumentDefinition,
    questionnaire: Mapping[str, Any],
    result: Score,
) -> list[Worded]:
    """Compare a total score the response itself reports with Attunement's."""
    questions = questionnaire_items(questionnaire)
    ours = result.scales.get("total")
    notes = []
    for link_id, answers in response_answers(resource):
        if not answers or not _is_total(questions.get(link_id, {}), definition):
            continue
        found = answer_value(answers[0])
        reported = found[1] if found else None
        if isinstance(reported, Mapping):
            reported = reported.get("value")
        if ours is None or ours.value is None or not isinstance(reported, int | float):
            continue
        agrees = abs(float(reported) - ours.value) < 1e-9
        formats = {"reported": "g", "ours": "g"}
        template = TOTAL_AGREES if agrees else TOTAL_DIFFERS
        notes.append(reason(template, formats=formats, reported=reported, ours=ours.value))
    return notes
