"""The profile's fields, values, preference aspects and strengths in the reader's language.

The labels and how a label is made from them live beside the fields in
:mod:`attunement.profile` (English message ids); this module gives them the catalogue's
language, once, for every adapter and for the plan's wording (issue 17: the profile imports
no catalogue, the catalogue's resolver is built on the profile).
"""

from __future__ import annotations

from functools import lru_cache

from attunement import profile
from attunement.i18n import SOURCE_LANGUAGE, translate, translate_in_context

__all__ = [
    "aspect_label",
    "field_label",
    "field_value_words",
    "strength_label",
    "value_label",
]


@lru_cache(maxsize=64)  # bounded: a language tag may come from a request
def _in(language: str) -> profile.LabelLanguage:
    """The catalogue's words in ``language`` (a tag the catalogue resolves)."""
    return profile.LabelLanguage(
        tag=language,
        say=lambda message: translate(message, language),
        say_in=lambda context, message: translate_in_context(context, message, language),
    )


def field_label(path: str, language: str = SOURCE_LANGUAGE) -> str:
    """The one label of a profile field, in ``language``: ``stage_of_change`` → "Stage of
    change", ``preferences.format`` → "Preference: format" (an unlisted path in words)."""
    return profile.field_label(path, _in(language))


def aspect_label(aspect: str, language: str = SOURCE_LANGUAGE) -> str:
    """A preference aspect by its label in ``language``: ``session_frequency`` → "session
    frequency" (an unknown aspect in words)."""
    return profile.aspect_label(aspect, _in(language))


def strength_label(strength: str, language: str = SOURCE_LANGUAGE) -> str:
    """How strongly a preference is held, in ``language``: ``strong`` → "strong"."""
    return profile.strength_label(strength, _in(language))


def value_label(value: str, language: str = SOURCE_LANGUAGE) -> str:
    """A closed profile value by its label in ``language``: ``contemplation`` →
    "contemplation" ("contemplación"); a value without a label in words as given."""
    return profile.value_label(value, _in(language))


def field_value_words(path: str, value: object, language: str = SOURCE_LANGUAGE) -> str:
    """A stored value of a profile field in words, in ``language``: a language by its name
    (``es`` → "Spanish"), True → "yes", ``client_directed`` → "client directed"; free text
    (a cultural identity, in the patient's own words) as given."""
    return profile.field_value_words(path, value, _in(language))
