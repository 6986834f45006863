"""The words for alert levels, profile fields, stored values and scale directions.

Display only: which levels exist and their order are decided in ``attunement.monitoring``
(``ALERT_LEVELS``, ``ALERT_MEANINGS``); which profile fields exist in
``attunement.profile``; a scale's direction in its instrument definition. This module only
names them, once, for every adapter — so no internal id (``stage_of_change``,
``not_assessable``) reaches clinical text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from attunement import evidence  # loads its names on first use: a status names no element
from attunement.errors import UnknownElement
from attunement.i18n import N_, SOURCE_LANGUAGE, knowledge_text
from attunement.monitoring import ALERT_LEVELS, ALERT_MEANINGS
from attunement.profile import DIMENSIONS, PROFILE_FIELDS, language_name
from attunement.wording._numbers import DASH, format_number
from attunement.wording._profile_labels import field_label

__all__ = [
    "ALERT_ORDER",
    "AlertWords",
    "alert_words",
    "dimension_label",
    "direction_words",
    "element_name",
    "higher_is_worse",
    "language_name",
    "value_words",
]

#: The alert levels most urgent first: monitoring's order, named here, never re-decided.
ALERT_ORDER: Final = ALERT_LEVELS


@dataclass(frozen=True)
class AlertWords:
    """One alert level in words: its name, a short meaning, the full meaning, its rank."""

    level: str
    name: str
    short: str
    meaning: str
    rank: int

    @property
    def label(self) -> str:
        """``Red · not on track`` (a level without a short meaning: its name alone)."""
        return f"{self.name} · {self.short}" if self.short else self.name

    @property
    def plain_label(self) -> str:
        """``Red - not on track``: the label in ASCII, for text pasted into a record."""
        return f"{self.name} - {self.short}" if self.short else self.name

    @property
    def headline(self) -> str:
        """``Not on track``: the short meaning as a heading (the name when there is none)."""
        return self.short[:1].upper() + self.short[1:] if self.short else self.name


_ALERT_NAMES: Final[dict[str, tuple[str, str]]] = {  # message ids: shown translated
    "red": (N_("Red"), N_("not on track")),
    "yellow": (N_("Yellow"), N_("less progress than expected")),
    "not_assessable": (N_("Not assessable"), ""),
    "green": (N_("Green"), N_("on track")),
    "white": (N_("White"), N_("healthy range")),
}
_ALERTS: Final[dict[str, AlertWords]] = {
    level: AlertWords(level, *_ALERT_NAMES[level], ALERT_MEANINGS[level], rank)
    for rank, level in enumerate(ALERT_ORDER)
}
_NO_STATUS: Final = AlertWords(
    "", N_("No status yet"), "", "No outcome questionnaire is recorded yet.", len(ALERT_ORDER)
)


def alert_words(level: str | None) -> AlertWords:
    """The words of an alert level (none or unknown: "No status yet", ranked last)."""
    return _ALERTS.get(level or "", _NO_STATUS)


def element_name(element_id: str, language: str = SOURCE_LANGUAGE) -> str:
    """An evidence element by its name: ``coping_style`` → "Coping style" (the evidence
    base's own name, in ``language`` where translated; an unknown id in words)."""
    try:
        name = evidence.load_evidence().element(element_id).name
    except UnknownElement:
        return value_words(element_id).capitalize()
    return name if language == SOURCE_LANGUAGE else knowledge_text(name, language)


def dimension_label(dimension: str, language: str = SOURCE_LANGUAGE) -> str:
    """The one label of a tailoring dimension, wherever a dimension is named (the plan
    adherence form, the learning report, ``attune learn report``): a profile dimension by
    its field's label (``reactance`` → "Reactance"), one that is not a profile field
    (``rupture_repair``) by its evidence element's name ("Repairing alliance ruptures")."""
    if dimension in DIMENSIONS or dimension in PROFILE_FIELDS:
        return field_label(dimension, language)
    return element_name(dimension, language)


def value_words(value: object, digits: int = 2) -> str:
    """A stored value in words: ``client_directed`` → "client directed", True → "yes",
    ``3.5`` → "3.5", None → "—"."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return format_number(value, digits)
    return str(value).replace("_", " ")


def higher_is_worse(direction: str) -> bool | None:
    """Whether a higher score is worse on a scale of this direction (the instrument's own
    ``direction``): True, False, or None for a ``neutral`` scale, which has no better end."""
    return {"higher_is_worse": True, "higher_is_better": False}.get(direction)


def direction_words(direction: str) -> str | None:
    """``higher_is_worse`` → "lower is better"; a neutral scale → None (nothing to say)."""
    worse = higher_is_worse(direction)
    return None if worse is None else "lower is better" if worse else "higher is better"
