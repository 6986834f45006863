"""Why the outer limit of an expected band lies where it does (its ``outer_basis``), in
sentences a page can show in its reader's language: the rational method's limit (the expected
score plus a number of standard errors of a difference) or the empirical method's (a wider
prediction band's edge), and in either the margin worse than the intake it never comes
within; on the latest band, the data file's reasons for both figures (a source as cited,
or a ``shown_assumption``: clinical text, translated).

Each sentence is written once, here, as a gettext message id with named values (numbers kept
as numbers with the format spec the English has always been written with); the band keeps it
beside the English text (:class:`~attunement.monitoring._worded.Worded`) and
``attunement.wording.status_in`` fills the translation (the reasons' assumptions are the data
file's texts: knowledge texts of the catalogue).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from attunement.i18n import N_
from attunement.monitoring._worded import Worded, as_stored, worded

if TYPE_CHECKING:
    from attunement.monitoring._feedback_data import ShownFigure

__all__ = ["empirical_limit", "figure_reason", "rational_limit", "with_reasons"]

_MARGIN: Final = N_("at least %(margin)s x S_diff worse than the intake")
_RATIONAL: Final = N_("expected %(sign)s %(width)s x S_diff %(s_diff)s, and %(margin)s")
_EMPIRICAL: Final = N_("%(level)s prediction band edge, and %(margin)s")
_ASSUMED: Final = N_("assumption: %(assumption)s")
#: punctuation only, the same in every language (not a message)
_WITH_REASONS: Final = "%(limit)s; %(reason)s; %(margin_reason)s"


def _margin(margin: float) -> Worded:
    return worded(_MARGIN, {"margin": margin}, formats={"margin": "g"})


def rational_limit(*, worse: float, width: float, s_diff: float, margin: float) -> Worded:
    """ "expected + 2 x S_diff 2.55, and at least 1 x S_diff worse than the intake"."""
    figures = {"sign": "+" if worse > 0 else "-", "width": width, "s_diff": s_diff}
    formats = {"width": "g", "s_diff": ".3g"}
    return worded(_RATIONAL, figures, formats=formats, parts={"margin": _margin(margin)})


def empirical_limit(*, level: float, margin: float) -> Worded:
    """ "95% prediction band edge, and at least 1 x S_diff worse than the intake"."""
    figures = {"level": level}
    return worded(_EMPIRICAL, figures, formats={"level": ".0%"}, parts={"margin": _margin(margin)})


def figure_reason(figure: ShownFigure) -> Worded:
    """Why a figure of the data file is what it is: "assumption: …" with its shown
    assumption (a knowledge text: clinical text of the catalogue), or its source as cited."""
    if figure.shown_assumption is None:
        return as_stored(figure.source or "")
    assumed = {"assumption": figure.shown_assumption}
    return worded(_ASSUMED, assumed, knowledge=("assumption",))


def with_reasons(limit: Worded, reason: Worded, margin_reason: Worded) -> Worded:
    """The limit with the data file's reasons for its figure and for the margin
    (:func:`figure_reason`). A band stored before kept the reasons as knowledge values of
    the same template; it reads as it did."""
    parts = {"limit": limit, "reason": reason, "margin_reason": margin_reason}
    return worded(_WITH_REASONS, parts=parts)
