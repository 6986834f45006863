"""The one label of each profile field, beside the fields themselves (issue 16).

``attunement.wording`` re-exports :func:`field_label` for every adapter; the core modules that
word a patient fact (monitoring's dropout and support signals, the tailoring brief) use it
too, so a clinician reads "Stage of change", never ``stage_of_change``.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from attunement.profile._vocabulary import PREFERENCE_ASPECTS

__all__ = ["fact_words", "field_label", "field_value_words", "language_name"]


def _words(value: str) -> str:
    return value.replace("_", " ")


_FIELD_LABELS: Final[dict[str, str]] = {
    "relationship": "Relationship",
    "reactance": "Reactance",
    "stage_of_change": "Stage of change",
    "coping_style": "Coping style",
    "preferences": "Preferences",
    "culture": "Culture",
    "culture.preferred_language": "Preferred language",
    "culture.identity": "Cultural identity",
    "culture.wants_adaptation": "Wants a culturally adapted therapy",
    "religion_spirituality": "Religion and spirituality",
    "religion_spirituality.importance": "Importance of religion or spirituality",
    "religion_spirituality.wants_integration": "Wants religion or spirituality included",
    "attachment": "Attachment",
    "attachment.anxiety": "Attachment anxiety",
    "attachment.avoidance": "Attachment avoidance",
    "expectations": "Expectations",
    "expectations.outcome": "Outcome expectation",
    "expectations.credibility": "Treatment credibility",
    "functional_impairment": "Functional impairment",
    "distress": "Distress",
    "risk": "Open risk event",
}


def field_label(path: str) -> str:
    """The one label of a profile field: ``stage_of_change`` → "Stage of change",
    ``preferences.format`` → "Preference: format", ``expectations.outcome`` → "Outcome
    expectation". An unlisted path is still shown in words, never as an id."""
    if path in _FIELD_LABELS:
        return _FIELD_LABELS[path]
    head, _, tail = path.partition(".")
    if head == "preferences" and tail:
        aspect = PREFERENCE_ASPECTS.get(tail)
        return f"Preference: {aspect.label if aspect else _words(tail)}"
    label = _FIELD_LABELS.get(head, _words(head).capitalize())
    return f"{label}: {_words(tail)}" if tail else label


@cache
def language_name(tag: str | None, in_language: str = "en") -> str:
    """A BCP 47 tag as its name in ``in_language``: ``es`` → "Spanish" ("español" in
    Spanish), ``pt-BR`` → "Portuguese (Brazil)"; from Babel's CLDR data. A tag Babel does
    not know is shown as given, in quotes, so it still reads as a value, not a word."""
    if not tag:
        return "not stated"
    # start-up: Babel and its CLDR data only when a language is named (issue 13)
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag.strip(), sep="-")
        reader = Locale.parse(in_language, sep="-")
    except (ValueError, UnknownLocaleError):
        return f"“{tag}”"
    name = locale.get_display_name(reader)
    return name if name else f"“{tag}”"


def field_value_words(path: str, value: object) -> str:
    """A stored value of a profile field in words: a language by its name (``es`` →
    "Spanish"), True → "yes", ``client_directed`` → "client directed"."""
    head, _, tail = path.partition(".")
    spec = PREFERENCE_ASPECTS.get(tail) if head == "preferences" else None
    if path == "culture.preferred_language" or (spec is not None and spec.values == "bcp47"):
        return language_name(str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return _words(str(value))


def fact_words(path: str, value: object) -> str:
    """One patient fact in words: ``stage_of_change``, ``contemplation`` → "stage of change:
    contemplation"; a preference by its aspect's label; a language by its name."""
    head, _, tail = path.partition(".")
    if head == "preferences" and tail in PREFERENCE_ASPECTS:
        return f"{PREFERENCE_ASPECTS[tail].label}: {field_value_words(path, value)}"
    label = field_label(path)
    return f"{label[:1].lower()}{label[1:]}: {field_value_words(path, value)}"
