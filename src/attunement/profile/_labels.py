"""The one label of each profile field and of each of its values, beside the fields
themselves (issues 16 and 17), in whatever language the caller gives.

The labels are the catalogue's English message ids (marked for extraction; a value in the
context "profile value", since the same English word may be a band label elsewhere with
another translation). This module composes a label from them through a
:class:`LabelLanguage` — how a message id reads in the reader's language — and never reads
the catalogue itself: ``attunement.i18n`` builds its language resolver on this package, and
putting a label into a language is presentation. ``attunement.wording`` gives the
catalogue's language (``wording.field_label(path, language)`` and its neighbours: what every
adapter calls); the core keeps English, the message ids themselves (:func:`fact_words`, the
fact a status stores beside its message id; the values a tailoring rule text is filled with),
so a clinician reads "Stage of change", never ``stage_of_change``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Final

from attunement._markers import N_, NC_
from attunement.profile._vocabulary import PREFERENCE_ASPECTS, preference_value_key

__all__ = [
    "ENGLISH",
    "VALUE_CONTEXT",
    "LabelLanguage",
    "aspect_label",
    "fact_words",
    "field_label",
    "field_value_words",
    "language_name",
    "strength_label",
    "value_label",
]


def _as_written(message: str) -> str:
    return message


def _as_written_in(context: str, message: str) -> str:
    del context
    return message


@dataclass(frozen=True)
class LabelLanguage:
    """The language labels are given in: its BCP 47 ``tag`` (a language is named in it),
    ``say`` (a message id in it) and ``say_in`` (a message id of a gettext context in it).
    English, the message ids as written, unless the caller gives the catalogue's words."""

    tag: str = "en"
    say: Callable[[str], str] = _as_written
    say_in: Callable[[str, str], str] = _as_written_in


#: The labels as written: English, the source language of the catalogue.
ENGLISH: Final = LabelLanguage()

#: The gettext context of a profile value's label.
VALUE_CONTEXT: Final = "profile value"


def _words(value: str) -> str:
    return value.replace("_", " ")


#: The label of every closed value a profile field or a preference may take (its words in
#: English; the catalogue gives them in another language).
_VALUE_LABELS: Final[dict[str, str]] = {
    "low": NC_("profile value", "low"),
    "moderate": NC_("profile value", "moderate"),
    "high": NC_("profile value", "high"),
    "none": NC_("profile value", "none"),
    "precontemplation": NC_("profile value", "precontemplation"),
    "contemplation": NC_("profile value", "contemplation"),
    "preparation": NC_("profile value", "preparation"),
    "action": NC_("profile value", "action"),
    "maintenance": NC_("profile value", "maintenance"),
    "internalizing": NC_("profile value", "internalizing"),
    "externalizing": NC_("profile value", "externalizing"),
    "mixed": NC_("profile value", "mixed"),
    "female": NC_("profile value", "female"),
    "male": NC_("profile value", "male"),
    "non_binary": NC_("profile value", "non binary"),
    "individual": NC_("profile value", "individual"),
    "couple": NC_("profile value", "couple"),
    "family": NC_("profile value", "family"),
    "group": NC_("profile value", "group"),
    "in_person": NC_("profile value", "in person"),
    "video": NC_("profile value", "video"),
    "telephone": NC_("profile value", "telephone"),
    "more_than_weekly": NC_("profile value", "more than weekly"),
    "weekly": NC_("profile value", "weekly"),
    "fortnightly": NC_("profile value", "fortnightly"),
    "monthly": NC_("profile value", "monthly"),
    "flexible": NC_("profile value", "flexible"),
    "brief": NC_("profile value", "brief"),
    "medium": NC_("profile value", "medium"),
    "long": NC_("profile value", "long"),
    "open_ended": NC_("profile value", "open ended"),
    "therapist_directed": NC_("profile value", "therapist directed"),
    "client_directed": NC_("profile value", "client directed"),
    "intensity": NC_("profile value", "intensity"),
    "reserve": NC_("profile value", "reserve"),
    "past": NC_("profile value", "past"),
    "present": NC_("profile value", "present"),
    "warm_support": NC_("profile value", "warm support"),
    "focused_challenge": NC_("profile value", "focused challenge"),
}

#: Treatment types a preference commonly names (the aspect is free text, so any other is
#: shown as written): each by its label, which the catalogue gives in another language.
#: Keyed by :func:`preference_value_key`, so every spelling of one value finds its label.
_TREATMENT_TYPE_LABELS: Final[dict[str, str]] = {
    "cbt": NC_("profile value", "CBT"),
    "psychodynamic_therapy": NC_("profile value", "psychodynamic therapy"),
    "interpersonal_therapy": NC_("profile value", "interpersonal therapy"),
}

#: How strongly a preference is held, in words (context: a strength is not a level).
_STRENGTH_LABELS: Final[dict[str, str]] = {
    "mild": NC_("preference strength", "mild"),
    "moderate": NC_("preference strength", "moderate"),
    "strong": NC_("preference strength", "strong"),
}

_FIELD_LABELS: Final[dict[str, str]] = {
    "relationship": N_("Relationship"),
    "reactance": N_("Reactance"),
    "stage_of_change": N_("Stage of change"),
    "coping_style": N_("Coping style"),
    "preferences": N_("Preferences"),
    "culture": N_("Culture"),
    "culture.preferred_language": N_("Preferred language"),
    "culture.identity": N_("Cultural identity"),
    "culture.wants_adaptation": N_("Wants a culturally adapted therapy"),
    "religion_spirituality": N_("Religion and spirituality"),
    "religion_spirituality.importance": N_("Importance of religion or spirituality"),
    "religion_spirituality.wants_integration": N_("Wants religion or spirituality included"),
    "attachment": N_("Attachment"),
    "attachment.anxiety": N_("Attachment anxiety"),
    "attachment.avoidance": N_("Attachment avoidance"),
    "expectations": N_("Expectations"),
    "expectations.outcome": N_("Outcome expectation"),
    "expectations.credibility": N_("Treatment credibility"),
    "functional_impairment": N_("Functional impairment"),
    "distress": N_("Distress"),
    "risk": N_("Open risk event"),
}


def field_label(path: str, language: LabelLanguage = ENGLISH) -> str:
    """The one label of a profile field, in ``language``: ``stage_of_change`` → "Stage of
    change", ``preferences.format`` → "Preference: format", ``expectations.outcome`` →
    "Outcome expectation". An unlisted path is still shown in words, never as an id."""
    if path in _FIELD_LABELS:
        return language.say(_FIELD_LABELS[path])
    head, _, tail = path.partition(".")
    if head == "preferences" and tail:
        return language.say(N_("Preference: %(aspect)s")) % {"aspect": aspect_label(tail, language)}
    label = language.say(_FIELD_LABELS[head]) if head in _FIELD_LABELS else None
    label = label or _words(head).capitalize()
    return f"{label}: {_words(tail)}" if tail else label


def aspect_label(aspect: str, language: LabelLanguage = ENGLISH) -> str:
    """A preference aspect by its label in ``language``: ``session_frequency`` → "session
    frequency" (an unknown aspect in words)."""
    spec = PREFERENCE_ASPECTS.get(aspect)
    return language.say(spec.label) if spec is not None else _words(aspect)


def strength_label(strength: str, language: LabelLanguage = ENGLISH) -> str:
    """How strongly a preference is held, in ``language``: ``strong`` → "strong"."""
    label = _STRENGTH_LABELS.get(strength)
    if label is None:
        return _words(strength)
    return language.say_in("preference strength", label)


def value_label(value: str, language: LabelLanguage = ENGLISH) -> str:
    """A closed profile value by its label in ``language``: ``contemplation`` →
    "contemplation" ("contemplación"), ``in_person`` → "in person"; a value without a label
    (free text) in words as given."""
    label = _VALUE_LABELS.get(value)
    if label is None:
        return _words(value)
    return language.say_in(VALUE_CONTEXT, label)


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


def field_value_words(path: str, value: object, language: LabelLanguage = ENGLISH) -> str:
    """A stored value of a profile field in words, in ``language``: a language by its name
    (``es`` → "Spanish"), True → "yes", ``client_directed`` → "client directed"; free text
    (a cultural identity, in the patient's own words) as given."""
    head, _, tail = path.partition(".")
    spec = PREFERENCE_ASPECTS.get(tail) if head == "preferences" else None
    if path == "culture.preferred_language" or (spec is not None and spec.values == "bcp47"):
        return language_name(str(value), language.tag)
    if isinstance(value, bool):
        return language.say(N_("yes") if value else N_("no"))
    if isinstance(value, float):
        return f"{value:g}"
    closed = spec is not None and isinstance(spec.values, tuple)
    if closed or (head != "preferences" and str(value) in _VALUE_LABELS):
        return value_label(str(value), language)
    treatment = _TREATMENT_TYPE_LABELS.get(preference_value_key(str(value)))
    if path == "preferences.treatment_type" and treatment is not None:
        return language.say_in(VALUE_CONTEXT, treatment)
    return _words(str(value))


def fact_words(path: str, value: object) -> str:
    """One patient fact in words: ``stage_of_change``, ``contemplation`` → "stage of change:
    contemplation"; a preference by its aspect's label; a language by its name."""
    head, _, tail = path.partition(".")
    if head == "preferences" and tail in PREFERENCE_ASPECTS:
        return f"{PREFERENCE_ASPECTS[tail].label}: {field_value_words(path, value)}"
    label = field_label(path)
    return f"{label[:1].lower()}{label[1:]}: {field_value_words(path, value)}"
