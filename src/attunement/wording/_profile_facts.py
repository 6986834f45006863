"""A patient's profile fact inside a sentence the core composed (a dropout indicator's or a
support prompt's "because": "outcome expectation: low", "preference: format: online
(strong)"; a suggested update's current value: "contemplation"), in the reader's language.

The core keeps the fact's field path and stored value beside its English
(:class:`attunement.monitoring.ProfileWords`); here they are worded with the profile's labels
in the reader's language, the same way the English was (``attunement.profile.fact_words``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement.profile import PREFERENCE_ASPECTS
from attunement.wording._numbers import format_figure
from attunement.wording._profile_labels import (
    aspect_label,
    field_label,
    field_value_words,
    strength_label,
)

if TYPE_CHECKING:
    from attunement.monitoring import ProfileWords

__all__ = ["profile_fact_words", "profile_words"]


def _value_words(path: str, value: object, language: str) -> str:
    """A stored value in ``language``: a number (a subscale mean) as its English was
    written (``g``) with the reader's decimal separator, the rest by the profile's labels."""
    if isinstance(value, float):
        return format_figure(value, "g", language=language)
    return field_value_words(path, value, language)


def profile_fact_words(path: str, value: object, language: str) -> str:
    """One patient fact in words in ``language``: ``stage_of_change``, ``precontemplation``
    → "stage of change: precontemplation" ("etapa de cambio: precontemplación"); a
    preference by its aspect's label."""
    head, _, tail = path.partition(".")
    shown = _value_words(path, value, language)
    if head == "preferences" and tail in PREFERENCE_ASPECTS:
        return f"{aspect_label(tail, language)}: {shown}"
    label = field_label(path, language)
    return f"{label[:1].lower()}{label[1:]}: {shown}"


def profile_words(words: ProfileWords, language: str) -> str:
    """A profile fact, a value alone or a preference's strength of a composed sentence, in
    ``language``."""
    if words.kind == "strength":
        return strength_label(str(words.value), language)
    if words.kind == "value":
        return _value_words(words.path, words.value, language)
    return profile_fact_words(words.path, words.value, language)
