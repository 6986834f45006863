"""The patient values in a plan's texts, in the reader's language (issue 16).

A rule's text is a template with ``{slots}`` (``{aspect_label}``, ``{value_label}``,
``{strength}``, a profile field such as ``{culture.preferred_language}``) that
:mod:`attunement.tailoring` fills with English words when it makes the plan. ``plan_in``
translates the template; this module gives the same slots their values in the reader's
language, from the patient facts the recommendation gives as its reasons (``because``): the
preference's aspect, value and strength, each field's value, each labelled by
:mod:`attunement.profile` (the one place that labels them). A value no fact explains (free
text, a slot the facts do not hold) stays as the plan wrote it.

A matching caution cited as evidence keeps its caution's own name (``caution_name``) beside
the English name the tailoring gives it; :func:`caution_name_in` frames that name in the
reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Protocol

from attunement import tailoring  # loads its names on first use
from attunement.i18n import N_
from attunement.wording._labels import value_words
from attunement.wording._profile_labels import aspect_label, field_value_words, strength_label

if TYPE_CHECKING:
    from attunement.tailoring import EvidenceCitation, PatientFact

__all__ = ["caution_name_in", "values_filled_in"]

#: A slot of a rule text (the rule loader admits only these plain names).
_SLOT: Final = re.compile(r"\{([a-z_.]+)\}")
#: Joins the values read back from a text (a character no rule text holds).
_UNIT: Final = "\x1f"
_CAUTION: Final = N_("Not for routine matching: %(caution)s")
_PREFERENCE: Final = "preferences."


def _english(fact: PatientFact) -> set[str]:
    """How the tailoring may have written the fact's value in English."""
    return {value_words(fact.value), field_value_words(fact.field, fact.value)}


def _said(slot: str, shown: str, because: Sequence[PatientFact], language: str) -> str:
    """The value of ``slot`` (written ``shown`` in English) in ``language``, from a fact."""
    preferences = [f for f in because if f.field.startswith(_PREFERENCE)]
    for fact in preferences:
        aspect = fact.field.removeprefix(_PREFERENCE)
        if slot in ("aspect_label", "aspect") and shown in (aspect_label(aspect), aspect):
            return aspect_label(aspect, language)
        if slot == "value_label" and shown in _english(fact):
            return field_value_words(fact.field, fact.value, language)
        if slot == "strength" and fact.strength is not None and shown == fact.strength:
            return strength_label(fact.strength, language)
    for fact in because:
        if fact.field == slot and shown in _english(fact):
            return field_value_words(fact.field, fact.value, language)
    return shown


def values_filled_in(
    template: str,
    shown: str,
    translation: str,
    because: Sequence[PatientFact],
    language: str,
) -> str | None:
    """``translation`` (of the rule text ``template``) with the values that made ``shown``
    from it, each in ``language`` where a fact of ``because`` explains it; None when
    ``shown`` was not made from ``template``."""
    slots = _SLOT.findall(template)
    marker = _UNIT.join("{" + slot + "}" for slot in slots)
    read = tailoring.refill_translation(template, shown, marker)
    if read is None or not slots:
        return None if read is None else translation
    values = dict(zip(slots, read.split(_UNIT), strict=True))
    said = {slot: _said(slot, value, because, language) for slot, value in values.items()}
    in_language = _SLOT.sub(lambda m: said.get(m.group(1), m.group(0)), template)
    return tailoring.refill_translation(template, in_language, translation)


class _Words(Protocol):
    def __call__(self, text: str) -> str: ...

    def sentence(self, template: str, /, **values: str) -> str: ...


def caution_name_in(citation: EvidenceCitation, words: _Words) -> str:
    """A cited evidence's name in the language of ``words``: a matching caution framed
    ("Not for routine matching: …") around its own name, translated; any other name (and a
    caution of a plan stored without its own name) as ``words`` gives it."""
    if citation.caution_name is None:
        return words(citation.element_name)
    return words.sentence(_CAUTION, caution=words(citation.caution_name))
