"""How numbers are printed in reports: one place, used by the templates and by the tests.

A test reads a figure out of a rendered report and compares it with the model's value
formatted here, so "the number in the report equals the service's number" is checked at
the precision the report promises.
"""

from __future__ import annotations

__all__ = ["DASH", "fmt_ci", "fmt_number", "fmt_share", "fmt_signed"]

DASH = "—"
MINUS = "−"


def fmt_number(value: float | None, digits: int = 1) -> str:
    """``12.0`` → ``"12"``, ``12.25`` → ``"12.2"`` (at ``digits``), None → ``"—"``."""
    if value is None:
        return DASH
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", ""}:
        text = "0"
    return text.replace("-", MINUS)


def fmt_signed(value: float | None, digits: int = 1) -> str:
    """A change with its sign: ``+2``, ``−6.5``, ``0``."""
    if value is None:
        return DASH
    text = fmt_number(value, digits)
    return f"+{text}" if value > 0 and text != "0" else text


def fmt_share(share: float | None, digits: int = 1) -> str:
    """A proportion as a percentage: ``0.4583`` → ``"45.8%"``."""
    if share is None:
        return DASH
    return f"{fmt_number(share * 100, digits)}%"


def fmt_ci(low: float | None, high: float | None, digits: int = 2, *, percent: bool = False) -> str:
    """An interval ``low–high`` (as percentages when ``percent``)."""
    if low is None or high is None:
        return DASH
    if percent:
        return f"{fmt_share(low, digits)}–{fmt_share(high, digits)}"
    return f"{fmt_number(low, digits)}–{fmt_number(high, digits)}"
