"""An instrument definition as a FHIR R4 ``Questionnaire``.

- ``url`` ``{base}/fhir/Questionnaire/<id>`` and ``version`` = the definition version, so a
  response can cite ``url|version`` (R4 canonical references);
- ``code``: the LOINC panel where one exists; each item's ``code``: its LOINC code;
- items: ``linkId`` = the item id, ``type`` ``choice``; each ``answerOption`` a
  ``valueCoding`` — the LOINC answer code (``LA…``) where the definition gives one, else our
  own code system ``{base}/fhir/CodeSystem/<id>-answers`` with the value as code — and the
  R4 ``ordinalValue`` extension carrying the scored value;
- ``copyright``: the licence notice. Scoring-only instruments (item text may not ship) are
  exported without item or option text, and their ``description`` says so.
"""

from __future__ import annotations

import re
from typing import Any

from attunement.fhir._common import LOINC, ORDINAL_VALUE, FhirBase, fhir_id, validated
from attunement.instruments import InstrumentDefinition, ResponseOption

__all__ = ["answer_coding", "computable_name", "questionnaire"]


def computable_name(definition: InstrumentDefinition) -> str:
    """``PHQ-9`` → ``PHQ9``: R4 ``name`` must start with a capital and hold no spaces."""
    name = re.sub(r"[^A-Za-z0-9_]", "", definition.short_name) or definition.id.upper()
    return name if name[0].isupper() else "Q" + name


def answer_coding(
    definition: InstrumentDefinition,
    option: ResponseOption,
    base: FhirBase,
    *,
    language: str = "en",
    with_display: bool = True,
) -> dict[str, Any]:
    """The Coding of one answer option (LOINC answer code, else our code system)."""
    loinc_answers = definition.loinc.answers if definition.loinc else {}
    if option.value in loinc_answers:
        coding = {"system": LOINC, "code": loinc_answers[option.value]}
    else:
        coding = {"system": base.answers_system(definition.id), "code": str(option.value)}
    label = option.label.get(language) or option.label.get("en")
    if with_display and label:
        coding["display"] = label
    return coding


def questionnaire(
    definition: InstrumentDefinition, *, base: FhirBase | None = None, language: str = "en"
) -> dict[str, Any]:
    """The Questionnaire for ``definition``, validated as an R4B resource (plain JSON)."""
    base = base or FhirBase()
    ships = definition.licence.item_text_ships
    notice = definition.licence.notice.get(language) or definition.licence.notice.get("en")
    description = f"{definition.name}. {definition.citation}"
    if not ships or not definition.text_available:
        description += (
            " Item text is not distributed with Attunement (licence: "
            f"{definition.licence.name}); this Questionnaire carries the item ids, answer "
            "codes and scores only, and the clinic supplies the wording it is licensed to use."
        )
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir_id(definition.id),
        "language": language,
        "url": base.questionnaire_url(definition.id),
        "version": definition.version,
        "name": computable_name(definition),
        "title": definition.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": description,
        "copyright": notice or definition.licence.name,
        "item": [_item(definition, item.id, base, language, ships) for item in definition.items],
    }
    if definition.loinc and definition.loinc.panel:
        resource["code"] = [{"system": LOINC, "code": definition.loinc.panel}]
    return validated(resource)


def _item(
    definition: InstrumentDefinition, item_id: str, base: FhirBase, language: str, ships: bool
) -> dict[str, Any]:
    item = next(i for i in definition.items if i.id == item_id)
    entry: dict[str, Any] = {"linkId": item.id, "type": "choice"}
    text = (item.text or {}).get(language) or (item.text or {}).get("en")
    if ships and text:
        entry["text"] = text
    loinc_item = definition.loinc.items.get(item.id) if definition.loinc else None
    if loinc_item:
        entry["code"] = [{"system": LOINC, "code": loinc_item}]
    entry["answerOption"] = [
        {
            "valueCoding": answer_coding(
                definition, option, base, language=language, with_display=ships
            ),
            "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
        }
        for option in definition.response_sets[item.responses]
    ]
    return entry
