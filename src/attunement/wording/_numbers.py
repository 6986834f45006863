"""How every number a person reads is written: one formatter, one signed formatter.

Display only. The rules: a value is rounded to the scale's decimals and written without
trailing zeros (``12.0`` → ``12``, ``12.25`` → ``12.2``); a negative number uses the minus
sign U+2212 (``plain=True``: the ASCII hyphen, for text pasted into a record system); a
value that rounds to zero is ``0``, never ``-0``; a missing, NaN or infinite value is a
dash, never an error (an older stored record may hold one). Given a reader's ``language``, the
decimal separator is that language's (Babel's CLDR data: ``es`` writes ``2,5``, ``es-MX``
``2.5``); English is the default and never changes.

A figure inside a sentence the core composed (``attunement.monitoring.Worded``: a reason, a
basis, a fact) keeps the format spec its English was written with (``.2f``, ``.3g``, ``g``):
:func:`format_figure` writes it the same way, with the reader's decimal separator, so the
English sentence is byte-identical to the one the core stored.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Final, Protocol

__all__ = [
    "DASH",
    "MINUS",
    "format_figure",
    "format_interval",
    "format_number",
    "format_share",
    "format_signed",
    "scale_digits",
]

DASH: Final = "—"
MINUS: Final = "−"


class _ScaleLike(Protocol):
    @property
    def method(self) -> str: ...

    @property
    def decimals(self) -> int | None: ...


#: Decimals by scoring method when a scale does not state its own: sums (possibly
#: prorated, so a half point can occur) to one decimal, means of 1-7 or 0-6 answers to two.
_DIGITS_BY_METHOD: Final[dict[str, int]] = {"sum": 1, "scaled": 1, "mean": 2, "composite": 1}


def scale_digits(scale: _ScaleLike | None) -> int:
    """The decimals a scale's scores are written with: the instrument's own ``decimals``
    where the definition states it, else by scoring method (one for sums, two for means)."""
    if scale is None:
        return 1
    if scale.decimals is not None:
        return scale.decimals
    return _DIGITS_BY_METHOD.get(scale.method, 1)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


@cache
def _decimal_symbol(language: str) -> str:
    """The decimal separator of ``language`` (a BCP 47 tag) from Babel's CLDR data; the
    point for English and for a tag Babel does not know."""
    if language in {"", "en"}:
        return "."
    # start-up: Babel's number data only when a number is written for another language
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol

    try:
        return get_decimal_symbol(Locale.parse(language.strip(), sep="-"))
    except (ValueError, UnknownLocaleError):
        return "."


def _in_language(text: str, language: str) -> str:
    """A number written with the point, with ``language``'s decimal separator instead."""
    symbol = _decimal_symbol(language)
    return text if symbol == "." else text.replace(".", symbol)


def format_number(
    value: float | None, digits: int = 1, *, plain: bool = False, language: str = "en"
) -> str:
    """``12.0`` → ``"12"``, ``12.25`` → ``"12.2"``, ``-3.5`` → ``"−3.5"``, None → ``"—"``
    (``language="es"``: ``12.25`` → ``"12,2"``)."""
    if value is None or not math.isfinite(value):
        return "-" if plain else DASH
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", ""}:
        text = "0"
    text = _in_language(text, language)
    return text if plain else text.replace("-", MINUS)


def format_figure(value: str | float, spec: str = "", *, language: str = "en") -> str:
    """A figure of a composed sentence as its English was written (``format(value, spec)``:
    ``0.5`` with ``.2f`` → ``"0.50"``, with ``.0%`` → ``"50%"``), with ``language``'s decimal
    separator (``"0,50"`` in Spanish). A figure stored already written (a string, by an
    older version) is shown as stored."""
    if isinstance(value, str):
        return value
    return _in_language(format(value, spec), language)


def format_signed(
    value: float | None, digits: int = 1, *, plain: bool = False, language: str = "en"
) -> str:
    """A change with its sign: ``+2``, ``−6.5``, ``0`` (a value that rounds to 0 has none;
    ``language="es"``: ``−6,5``)."""
    text = format_number(value, digits, plain=plain, language=language)
    if _finite(value) and text != "0" and value is not None and value > 0:
        return f"+{text}"
    return text


def format_share(share: float | None, digits: int = 1, *, language: str = "en") -> str:
    """A proportion as a percentage: ``0.4583`` → ``"45.8%"`` (``language="es"``:
    ``"45,8%"``)."""
    if share is None or not math.isfinite(share):
        return DASH
    return f"{format_number(share * 100, digits, language=language)}%"


def format_interval(
    low: float | None,
    high: float | None,
    digits: int = 2,
    *,
    percent: bool = False,
    language: str = "en",
) -> str:
    """An interval ``low–high`` (as percentages when ``percent``), in ``language``'s
    decimal separator."""
    if not (_finite(low) and _finite(high)):
        return DASH
    if percent:
        return (
            f"{format_share(low, digits, language=language)}"
            f"–{format_share(high, digits, language=language)}"
        )
    return (
        f"{format_number(low, digits, language=language)}"
        f"–{format_number(high, digits, language=language)}"
    )
