"""A Status in words: the one set of figures every adapter prints.

The web page, the CLI, the session summary, the PDF and the CDS outcome card all read a
Status's figures from :func:`status_figures`, so a change is ``+2`` or ``−6.5`` everywhere,
with the scale's decimals and the reader's decimal separator (``−6,5`` in Spanish), and the
alert carries the same name and meaning. Nothing is
computed here: each figure is the Status's own (``attunement.monitoring``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Final, Protocol

from attunement.errors import AttunementError
from attunement.i18n import N_, NC_, SOURCE_LANGUAGE, translate, translate_in_context
from attunement.instruments import load_instrument
from attunement.wording._labels import AlertWords, alert_words, value_words
from attunement.wording._numbers import format_interval, format_number, format_signed, scale_digits

__all__ = [
    "ALLIANCE_WORDS",
    "StatusFigures",
    "StatusLike",
    "alliance_words",
    "category_words",
    "method_words",
    "repair_words",
    "status_figures",
]


class _BandLike(Protocol):
    @property
    def value(self) -> float: ...

    @property
    def low(self) -> float: ...

    @property
    def high(self) -> float: ...

    @property
    def method(self) -> str: ...


class StatusLike(Protocol):
    """A Status, or what a CDS outcome signal keeps of one."""

    @property
    def alert(self) -> str: ...

    @property
    def instrument(self) -> str: ...

    @property
    def scale(self) -> str: ...

    @property
    def intake(self) -> float | None: ...

    @property
    def latest(self) -> float | None: ...

    @property
    def change(self) -> float | None: ...

    @property
    def rci(self) -> float | None: ...

    @property
    def category(self) -> str | None: ...

    @property
    def expected(self) -> _BandLike | None: ...


#: An alliance state in words (the state itself is monitoring's decision).
ALLIANCE_WORDS: Final[dict[str, str]] = {  # message ids: shown translated
    "ok": N_("no alliance alert"),
    "at_risk": N_("at risk: check in about the relationship"),
    "rupture": N_("possible rupture: consider a repair"),
}

#: A Jacobson-Truax category (``monitoring``) in words (message ids, in context: a
#: category is not a band).
_CATEGORIES: Final[dict[str, str]] = {
    "recovered": NC_("change category", "recovered"),
    "improved": NC_("change category", "improved"),
    "unchanged": NC_("change category", "unchanged"),
    "deteriorated": NC_("change category", "deteriorated"),
}

#: How the expected band was computed, and which reliable-change rule judged the change.
_METHODS: Final[dict[str, str]] = {
    "rational": N_("rational"),
    "empirical": N_("empirical"),
    "published_rci": N_("published threshold"),
    "jacobson_truax": N_("Jacobson-Truax index"),
}


def category_words(category: str | None, language: str = SOURCE_LANGUAGE) -> str:
    """``unchanged`` → "unchanged" in ``language``; None → "category not computable"."""
    if category is None:
        return translate(N_("category not computable"), language)
    label = _CATEGORIES.get(category)
    if label is None:
        return value_words(category)
    return translate_in_context("change category", label, language)


def method_words(method: str, language: str = SOURCE_LANGUAGE) -> str:
    """An expected-band method or a reliable-change rule in words, in ``language``."""
    label = _METHODS.get(method)
    return value_words(method) if label is None else translate(label, language)


def alliance_words(state: str | None, language: str = SOURCE_LANGUAGE) -> str:
    """``rupture`` → "possible rupture: consider a repair"; None → "not measured" (in
    ``language``)."""
    if state is None:
        return translate(N_("not measured"), language)
    label = ALLIANCE_WORDS.get(state)
    return value_words(state) if label is None else translate(label, language)


#: A repair option's kind (Safran & Muran's immediate and exploratory strategies) before it.
_REPAIR_KINDS: Final[dict[str, str]] = {
    "immediate": N_("Immediate: %(repair)s"),
    "exploratory": N_("Exploratory: %(repair)s"),
}


def repair_words(kind: str, text: str, language: str = SOURCE_LANGUAGE) -> str:
    """A repair option: ``Immediate: <text>`` (its kind in words, then what to do), in
    ``language`` (``text`` is already in it: ``status_in``)."""
    template = _REPAIR_KINDS.get(kind)
    if template is None:  # a kind the alliance rules do not name: its words
        return f"{value_words(kind).capitalize()}: {text}"
    return translate(template, language, repair=text)


@dataclass(frozen=True)
class StatusFigures:
    """A Status's figures as text, at the scale's decimals (``plain``: ASCII minus/dash)."""

    alert: AlertWords
    measure: str
    digits: int
    intake: str
    latest: str
    change: str
    rci: str
    category: str
    expected: str | None
    band: str | None
    method: str | None
    intake_session: int | None = None
    latest_session: int | None = None

    def rows(self, language: str = SOURCE_LANGUAGE) -> list[tuple[str, str, str]]:
        """The headline figures as (label, value, note), in reading order, in ``language``
        (the category is worded when the figures are made: ``status_figures``)."""

        def words(message: str) -> str:
            return translate(message, language)

        rows = [
            (words(N_("Intake")), self.intake, _at(self.intake_session, language)),
            (words(N_("Latest")), self.latest, _at(self.latest_session, language)),
        ]
        rows.append((words(N_("Change since intake")), self.change, self.category))
        if self.rci != format_number(None):
            rows.append((words(N_("Reliable change index")), self.rci, ""))
        if self.expected is not None:
            note = translate(
                N_("band %(band)s, %(method)s method"),
                language,
                band=self.band,
                method=method_words(str(self.method), language),
            )
            rows.append((words(N_("Expected now")), self.expected, note))
        return rows


def _at(session: int | None, language: str) -> str:
    return translate(N_("session %(n)s"), language, n=session) if session is not None else ""


def _scale(instrument: str, scale: str) -> tuple[str, int]:
    """The scale's display name and decimals from its definition (an instrument the
    knowledge base does not hold — e.g. an EHR's — keeps its id and one decimal)."""
    try:
        definition = load_instrument(instrument)
        found = definition.scale(scale)
    except AttunementError:
        return f"{instrument} {scale}", 1
    name = (
        found.name
        if found.name.startswith(definition.short_name)
        else (f"{definition.short_name} {found.name}")
    )
    return name, scale_digits(found)


def status_figures(
    status: StatusLike, *, plain: bool = False, language: str = SOURCE_LANGUAGE
) -> StatusFigures:
    """The figures of ``status`` in words (see the module docstring), in ``language``: the
    change category in its words, every number with its decimal separator (``14,5`` in
    Spanish, as the sentences beside them write theirs)."""
    measure, digits = _scale(status.instrument, status.scale)
    band = status.expected
    number = partial(format_number, plain=plain, language=language)
    return StatusFigures(
        alert=alert_words(status.alert),
        measure=measure,
        digits=digits,
        intake=number(status.intake, digits),
        latest=number(status.latest, digits),
        change=format_signed(status.change, digits, plain=plain, language=language),
        rci=number(status.rci, 2),
        category=category_words(status.category, language)
        if status.category
        else translate(N_("not enough data"), language),
        expected=number(band.value, digits) if band else None,
        band=format_interval(band.low, band.high, digits, language=language) if band else None,
        method=band.method if band else None,
        intake_session=getattr(status, "intake_session", None),
        latest_session=getattr(status, "latest_session", getattr(status, "session", None)),
    )
