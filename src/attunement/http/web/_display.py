"""Words for what the pages show: alert levels, languages, profile values, numbers.

Display only — no clinical decision is made here. The alert level itself comes from
``attunement.monitoring``; this module says what each level is called on screen, with an
icon and words, so that colour is never the only carrier of meaning (WCAG 2.1 SC 1.4.1).
The rules behind each colour, and what each means, are ``attunement.monitoring``'s
(``ALERT_MEANINGS``, beside the rules of ``monitoring._alerts``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from attunement.monitoring import ALERT_MEANINGS

__all__ = [
    "LANGUAGE_NAMES",
    "StatusWords",
    "humanise",
    "language_label",
    "number",
    "short_date",
    "status_words",
]


@dataclass(frozen=True)
class StatusWords:
    """How one alert level is shown: CSS class, icon, short label and its meaning."""

    css: str
    icon: str
    label: str
    meaning: str


_STATUS: Final[dict[str, StatusWords]] = {
    "red": StatusWords(
        "red",
        "red",
        "Red · not on track",
        ALERT_MEANINGS["red"],
    ),
    "yellow": StatusWords(
        "yellow",
        "yellow",
        "Yellow · behind expected",
        ALERT_MEANINGS["yellow"],
    ),
    "not_assessable": StatusWords(
        "none",
        "info",
        "Not assessable",
        ALERT_MEANINGS["not_assessable"],
    ),
    "green": StatusWords(
        "green",
        "green",
        "Green · on track",
        ALERT_MEANINGS["green"],
    ),
    "white": StatusWords(
        "white",
        "white",
        "White · healthy range",
        ALERT_MEANINGS["white"],
    ),
}
_NONE = StatusWords("none", "info", "No status yet", "No outcome questionnaire is recorded yet.")


def status_words(alert: str | None) -> StatusWords:
    """The on-screen words for an alert level (unknown or missing: "No status yet")."""
    return _STATUS.get(alert or "", _NONE)


#: Names of the languages offered in forms (BCP 47 tag → name in English and in itself).
LANGUAGE_NAMES: Final[dict[str, str]] = {
    "en": "English",
    "es": "Spanish (español)",
    "fr": "French (français)",
    "de": "German (Deutsch)",
    "pt": "Portuguese (português)",
    "it": "Italian (italiano)",
    "nl": "Dutch (Nederlands)",
    "pl": "Polish (polski)",
    "ar": "Arabic (العربية)",
    "zh": "Chinese (中文)",
}


def language_label(tag: str | None) -> str:
    """``es`` → "Spanish (español)"; an unlisted tag is shown as given."""
    if not tag:
        return "not stated"
    return LANGUAGE_NAMES.get(tag, LANGUAGE_NAMES.get(tag.split("-")[0], tag))


def humanise(value: object) -> str:
    """A stored enum value in words: ``client_directed`` → "client directed"."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def number(value: float | None, *, digits: int = 1) -> str:
    """A score for display: integers without decimals, others rounded; None → "—"."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}"


def short_date(value: dt.date | dt.datetime | None) -> str:
    """ISO date (unambiguous in every locale), or "—"."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()
