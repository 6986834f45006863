"""How a published finding is cited: one effect-size format, one citation layout.

APA style (Publication Manual, 7th ed., §6.36): a statistic that cannot exceed 1 in
absolute value — a correlation r — is written without a leading zero (``r = .28``);
one that can (d, g, an odds ratio) keeps it (``d = 0.79``). Two decimals, or three when
the paper published three (``r = .278``). One layout for every adapter::

    Elliott et al. (2018, 2nd ed.): r = .28, 95% CI [.24, .32], k = 82, N = 6,138 (outcome)
"""

from __future__ import annotations

from typing import Final, Protocol

from attunement.wording._numbers import MINUS

__all__ = [
    "Authored",
    "Citable",
    "format_citation",
    "format_effect",
    "format_effect_value",
    "format_sample",
    "format_source_of",
]

#: Metrics bounded by ±1, written without a leading zero (APA 7th ed. §6.36).
_BOUNDED: Final = frozenset({"r", "rho", "R2", "p"})

_ORDINAL: Final = {1: "1st", 2: "2nd", 3: "3rd"}


class Authored(Protocol):
    """Who published a finding, and when."""

    @property
    def authors(self) -> str | None: ...

    @property
    def year(self) -> int | None: ...


class Citable(Authored, Protocol):
    """What a finding needs to be cited (evidence ``Finding``, tailoring
    ``EvidenceCitation`` and the CDS ``EvidenceLine`` all have it)."""

    @property
    def k(self) -> int | None: ...

    @property
    def n(self) -> int | None: ...

    @property
    def metric(self) -> str | None: ...

    @property
    def value(self) -> float | None: ...


def format_effect_value(metric: str, value: float) -> str:
    """``(r, 0.278)`` → ``".278"``, ``(r, -0.5)`` → ``"−.50"``, ``(d, 0.79)`` → ``"0.79"``."""
    text = f"{value:.2f}" if round(value, 2) == value else f"{value:.3f}"
    if text.lstrip("-") in {"0.00", "0.000"}:
        text = text.lstrip("-")
    if metric in _BOUNDED and abs(value) < 1:
        text = text.replace("0.", ".", 1)
    return text.replace("-", MINUS)


def format_effect(metric: str | None, value: float | None) -> str:
    """``r = .28``, ``d = 0.79``, ``OR = 1.79``; empty when there is no number."""
    if metric is None or value is None:
        return ""
    return f"{metric} = {format_effect_value(metric, value)}"


def format_sample(
    k: int | None, n: int | None, k_text: str | None = None, n_text: str | None = None
) -> str:
    """``k = 82, N = 6,138`` (the published wording when the count is not a plain number)."""
    parts = []
    if k_text or k is not None:
        parts.append(f"k = {k_text or f'{k:,}'}")
    if n_text or n is not None:
        parts.append(f"N = {n_text or f'{n:,}'}")
    return ", ".join(parts)


def format_source_of(citation: Authored, *, edition: bool = True) -> str:
    """``Elliott et al. (2018, 3rd ed.)`` (``edition``: which edition of the task force's
    book the meta-analysis appeared in, when recorded); empty when no authors are."""
    if not citation.authors:
        return ""
    book: int | None = getattr(citation, "edition", None) if edition else None
    inside = [str(citation.year)] if citation.year else []
    if book:
        inside.append(f"{_ORDINAL.get(book, f'{book}th')} ed.")
    return f"{citation.authors} ({', '.join(inside)})" if inside else citation.authors


def format_citation(
    citation: Citable, *, element: bool = False, qualifiers: bool = True, edition: bool = True
) -> str:
    """One finding in the one layout: who, effect with its CI, k and N, what about.

    ``element`` puts the element's name first (``Empathy — Elliott et al. (2018): …``) where
    the reader does not see it already; ``qualifiers`` adds the outcome and scope;
    ``edition`` the book edition (left out where space is short: a one-page report).
    """
    who = format_source_of(citation, edition=edition)
    name: str | None = getattr(citation, "element_name", None) if element else None
    head = " — ".join(part for part in (name, who) if part)
    numbers = []
    effect = format_effect(citation.metric, citation.value)
    if effect:
        numbers.append(effect)
        low: float | None = getattr(citation, "ci_low", None)
        high: float | None = getattr(citation, "ci_high", None)
        if low is not None and high is not None and citation.metric:
            interval = [format_effect_value(citation.metric, x) for x in (low, high)]
            numbers.append(f"95% CI [{interval[0]}, {interval[1]}]")
    sample = format_sample(
        citation.k, citation.n, getattr(citation, "k_text", None), getattr(citation, "n_text", None)
    )
    if sample:
        numbers.append(sample)
    text = f"{head}: {', '.join(numbers)}" if numbers else head
    if qualifiers:
        about = [
            q for q in (getattr(citation, "outcome", None), getattr(citation, "scope", None)) if q
        ]
        if about:
            text += f" ({'; '.join(about)})"
    return text
