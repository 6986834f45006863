"""The cards' own words: gettext messages said in the clinic's language, markdown made safe.

Small helpers for :mod:`._cards`: each card names a figure's origin, an alert, a session and
the EHR's unread data in the clinic's language (``CardContext.language``), and escapes the
markdown characters of data (a patient's answer, an EHR's reason) so they never turn into
markup or links.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from attunement.i18n import N_, translate

if TYPE_CHECKING:
    from attunement.monitoring import Worded
    from attunement.wording import AlertWords

__all__ = [
    "CardWords",
    "alert_in",
    "bold",
    "md",
    "origin_words",
    "said_in",
    "unread_reason",
    "when_words",
]

_FROM_EHR = N_("From: the EHR's prefetched data")
_FROM_ATTUNEMENT = N_("From: Attunement's record")


def bold(text: str) -> str:
    return f"**{text}**"


class CardWords:
    """The cards' own words in the clinic's language (gettext, ``%(name)s`` filled)."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, message: str, /, **values: str) -> str:
        return translate(message, self.language, **values)


def when_words(session: int | None, observed_on: date | None, words: CardWords) -> str:
    parts = []
    if session is not None:
        parts.append(words(N_("session %(n)s"), n=str(session)))
    if observed_on is not None:
        parts.append(str(observed_on))
    return ", ".join(parts)


def unread_reason(reason: str, words: CardWords, twin: Worded | None = None) -> str:
    """Why data could not be read, in the clinic's language: from its ``twin`` (its message
    id and values: a prefetch problem, a refused response) when it has one; else "key:
    <why>" with the why translated where it is a message of the catalogue."""
    if twin is not None and twin.template is not None:
        return said_in(twin, words)
    key, colon, why = reason.partition(": ")
    return f"{key}: {words(why)}" if colon else words(reason)


def said_in(sentence: Worded, words: CardWords) -> str:
    """A sentence kept with its message id, in the clinic's language (its parts too; its
    values — what the EHR sent — as they are)."""
    if sentence.template is None:
        return sentence.text
    parts = {name: said_in(part, words) for name, part in sentence.parts.items()}
    values = {name: str(value) for name, value in sentence.values.items()}  # as the EHR sent
    return words(sentence.template, **values, **parts)


def origin_words(source: str, words: CardWords) -> str:
    """ "From: the EHR's prefetched data" or "From: Attunement's record"."""
    return words(_FROM_EHR if source == "ehr" else _FROM_ATTUNEMENT)


def alert_in(alert: AlertWords, words: CardWords) -> AlertWords:
    """The alert's name and meaning in the clinic's language (its level and rank as they are)."""
    return replace(
        alert,
        name=words(alert.name),
        short=words(alert.short) if alert.short else "",
        meaning=words(alert.meaning) if alert.meaning else "",
    )


def md(text: str) -> str:
    """Escape the markdown characters that could turn data into markup or links."""
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "|"):
        text = text.replace(char, "\\" + char)
    return text
