"""What the expected band of a status rests on (its ``basis``), in sentences a page can show
in its reader's language: the rational method's rule with this episode's numbers, the bound
it is measured in, and why the empirical model was not used.

Each sentence is written once, here, as a gettext message id with named values (the figures
kept as numbers, with the format spec the English sentence has always written them with);
the band keeps it beside the English text (:class:`~attunement.monitoring._worded.Worded`)
and ``attunement.wording.status_in`` fills the translation. The empirical method's basis is
:mod:`._empirical_basis`, the outer limit's :mod:`._outer_basis`.
"""

from __future__ import annotations

from typing import Final

from attunement.i18n import N_
from attunement.monitoring._worded import Worded, WordedValue, worded

__all__ = ["bound_words", "fallback", "model_for", "no_model", "rational", "too_few_episodes"]

_RATIONAL: Final = N_(
    "rational: expected = intake %(sign)s %(share)s x %(excess)s (the intake's distance from "
    "the healthy reference %(healthy)s); share = %(anchor_share)s x ln(%(dose)s)/ln(%(anchor)s) "
    "after %(dose)s attended session(s); band = expected +/- %(width)s x S_diff %(s_diff)s "
    "(%(bound)s / 1.96)"
)
_PUBLISHED_RCI: Final = N_("published RCI %(value)s")
_SDIFF_BOUND: Final = N_("1.96 x S_diff %(value)s")
_FALLBACK: Final = N_("%(basis)s; fallback to the rational method: %(reason)s")
_NO_MODEL: Final = N_("no empirical model has been fitted")
_TOO_FEW: Final = N_(
    "the empirical model %(version)s rests on %(episodes)s episodes, fewer than the minimum "
    "of %(minimum)s"
)
_MODEL_FOR: Final = N_("the growth model is for %(instrument)s")
_MODEL_FOR_UNNAMED: Final = N_("the growth model is for an unnamed instrument")


def bound_words(published: bool, value: float) -> Worded:
    """The reliable-change bound the band is measured in: published, or 1.96 x S_diff."""
    template = _PUBLISHED_RCI if published else _SDIFF_BOUND
    return worded(template, {"value": value}, formats={"value": ".3g"})


#: How the rational rule writes its figures (format specs; the dose is a whole number).
_RATIONAL_FIGURES: Final = {
    "share": ".2f",
    "excess": ".3g",
    "healthy": "g",
    "anchor_share": ".2f",
    "anchor": "g",
    "width": "g",
    "s_diff": ".3g",
}


def rational(values: dict[str, WordedValue], bound: Worded) -> Worded:
    """The rational method's rule with this episode's figures (``_rational.rational_basis``)."""
    return worded(_RATIONAL, values, formats=_RATIONAL_FIGURES, parts={"bound": bound})


def fallback(basis: Worded, reason: Worded) -> Worded:
    """A rational basis used because the empirical model could not be."""
    return worded(_FALLBACK, parts={"basis": basis, "reason": reason})


def no_model() -> Worded:
    return worded(_NO_MODEL)


def too_few_episodes(version: str, episodes: int, minimum: int) -> Worded:
    return worded(_TOO_FEW, {"version": version, "episodes": episodes, "minimum": minimum})


def model_for(instrument: str | None) -> Worded:
    """The growth model given is for another instrument."""
    if not instrument:
        return worded(_MODEL_FOR_UNNAMED)
    return worded(_MODEL_FOR, {"instrument": instrument})
