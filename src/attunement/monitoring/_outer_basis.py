"""Why the outer limit of an expected band lies where it does (its ``outer_basis``), in
sentences a page can show in its reader's language: the rational method's limit (the expected
score plus a number of standard errors of a difference) or the empirical method's (a wider
prediction band's edge), and in either the margin worse than the intake it never comes
within; on the latest band, the data file's reasons for both figures.

Each sentence is written once, here, as a gettext message id with named values (numbers kept
as numbers with the format spec the English has always been written with); the band keeps it
beside the English text (:class:`~attunement.monitoring._worded.Worded`) and
``attunement.wording.status_in`` fills the translation (the reasons are the data file's texts:
knowledge texts of the catalogue).
"""

from __future__ import annotations

from typing import Final

from attunement.i18n import N_
from attunement.monitoring._worded import Worded, worded

__all__ = ["empirical_limit", "rational_limit", "with_reasons"]

_MARGIN: Final = N_("at least %(margin)s x S_diff worse than the intake")
_RATIONAL: Final = N_("expected %(sign)s %(width)s x S_diff %(s_diff)s, and %(margin)s")
_EMPIRICAL: Final = N_("%(level)s prediction band edge, and %(margin)s")
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


def with_reasons(limit: Worded, reason: str, margin_reason: str) -> Worded:
    """The limit with the data file's reasons for its figure and for the margin."""
    reasons = {"reason": reason, "margin_reason": margin_reason}
    return worded(
        _WITH_REASONS, reasons, parts={"limit": limit}, knowledge=("reason", "margin_reason")
    )
