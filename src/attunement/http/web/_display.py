"""How the pages show alert levels, languages and dates (words from ``attunement.wording``).

Display only — no clinical decision is made here. The alert level comes from
``attunement.monitoring`` and its words from ``attunement.wording``; this module adds the
page's icon and CSS class, so that colour is never the only carrier of meaning (WCAG 2.1
SC 1.4.1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from attunement.i18n import translate
from attunement.wording import alert_words, language_name

__all__ = [
    "LANGUAGE_NAMES",
    "StatusWords",
    "language_label",
    "short_date",
    "status_words",
]


@dataclass(frozen=True)
class StatusWords:
    """How one alert level is shown: CSS class and icon (the page's), and its label and
    meaning (``attunement.wording.alert_words``, the same words as every other adapter)."""

    css: str
    icon: str
    label: str
    meaning: str


#: CSS class and icon per level (an unknown or missing level: "none", "info").
_LOOK: Final[dict[str, tuple[str, str]]] = {
    "red": ("red", "red"),
    "yellow": ("yellow", "yellow"),
    "not_assessable": ("none", "info"),
    "green": ("green", "green"),
    "white": ("white", "white"),
}


def status_words(alert: str | None, language: str = "en") -> StatusWords:
    """The on-screen words for an alert level (unknown or missing: "No status yet"), its
    name and short meaning in ``language`` (the page's) from the catalogue."""
    css, icon = _LOOK.get(alert or "", ("none", "info"))
    words = alert_words(alert)
    name, short = translate(words.name, language), translate(words.short, language)
    return StatusWords(css, icon, f"{name} · {short}" if words.short else name, words.meaning)


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


def language_label(tag: str | None, language: str = "en") -> str:
    """``es`` → "Spanish (español)": the language's name in ``language`` (the reader's) and
    in itself, from Babel's locale data; never the bare tag."""
    if not tag:
        return "not stated"
    name, own = language_name(tag, language), language_name(tag, tag)
    return name if own in (name, f"“{tag}”") else f"{name} ({own})"


def short_date(value: dt.date | dt.datetime | None) -> str:
    """ISO date (unambiguous in every locale), or "—"."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()
