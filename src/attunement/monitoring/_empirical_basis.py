"""What an empirical expected band rests on (its ``basis``), in sentences a page can show in
its reader's language: the growth model (version, episodes and sessions it was fitted to, the
prediction band's level), the data it was fitted to, where the prediction extrapolates, and
how the status's band is derived from the model's residual variance.

Each sentence is written once, here, as a gettext message id with named values (numbers kept
as numbers with the format spec the English has always been written with); the band keeps it
beside the English text (:class:`~attunement.monitoring._worded.Worded`) and
``attunement.wording.status_in`` fills the translation. A singular fit's note
(``GrowthModel.boundary_note``) is worded here too; the data's label (the clinic's own words)
is quoted as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from attunement.i18n import N_
from attunement.monitoring._worded import Worded, WordedValue, worded

__all__ = [
    "band_from_model",
    "boundary_correlation",
    "intake_outside",
    "model_basis",
    "session_outside",
    "singular_intercept",
    "singular_slope",
]

_MODEL: Final = N_(
    "empirical: growth model %(version)s fitted by REML to %(episodes)s episodes "
    "(%(sessions)s sessions); %(level)s prediction band"
)
_DATA: Final = N_("%(basis)s; data: %(data)s")
_EXTRAPOLATED: Final = N_("%(basis)s; extrapolated: %(notes)s")
_SESSION_OUTSIDE: Final = N_("session %(session)s is outside the fitted sessions %(range)s")
_INTAKE_OUTSIDE: Final = N_("intake %(intake)s is outside the fitted intakes %(range)s")
_BAND: Final = N_(
    "%(basis)s; band = expected +/- %(k)s x S_diff %(s_diff)s (sqrt(2) x the model's residual SD)"
)
_SINGULAR_INTERCEPT: Final = N_(
    "singular fit: the random-intercept variance is estimated at about zero (relative "
    "Cholesky diagonal %(theta)s < %(tolerance)s); the band's patient-variation part rests on "
    "a degenerate covariance"
)
_SINGULAR: Final = N_(
    "singular fit: %(what)s (relative Cholesky diagonal %(theta)s < %(tolerance)s); the band's "
    "patient-variation part rests on a degenerate covariance"
)
_CORRELATION: Final = N_("random intercept-slope correlation %(rho)s")
_NO_SLOPE: Final = N_("the random-slope variance is about zero")
_BOUNDARY: Final = N_(
    "singular (boundary) fit: random intercept-slope correlation %(rho)s, |r| >= %(bound)s; "
    "intercept and slope variation are not separately identified, so the band's "
    "patient-variation part is uncertain"
)
#: punctuation only, the same in every language (not messages)
_AND_NOTE: Final = "%(basis)s; %(note)s"
_TWO: Final = "%(first)s; %(second)s"


def session_outside(session: int, fitted: tuple[float, float]) -> Worded:
    """The session lies outside the sessions the model was fitted to (``(1, 20)``)."""
    values: dict[str, WordedValue] = {"session": session, "range": str(fitted)}
    return worded(_SESSION_OUTSIDE, values)


def intake_outside(intake: float, fitted: tuple[float, float]) -> Worded:
    """The intake lies outside the intakes the model was fitted to."""
    values: dict[str, WordedValue] = {"intake": intake, "range": str(fitted)}
    return worded(_INTAKE_OUTSIDE, values, formats={"intake": "g"})


def model_basis(
    *,
    version: str,
    episodes: int,
    sessions: int,
    level: float,
    data_label: str | None,
    extrapolated: Sequence[Worded],
    boundary: Worded | None,
) -> Worded:
    """The growth model's prediction at a session: what it was fitted to and its level."""
    figures: dict[str, WordedValue] = {
        "version": version,
        "episodes": episodes,
        "sessions": sessions,
        "level": level,
    }
    basis = worded(_MODEL, figures, formats={"level": ".0%"})
    if data_label:
        basis = worded(_DATA, {"data": data_label}, parts={"basis": basis})
    if extrapolated:
        notes = extrapolated[0]
        if len(extrapolated) > 1:
            notes = worded(_TWO, parts={"first": extrapolated[0], "second": extrapolated[1]})
        basis = worded(_EXTRAPOLATED, parts={"basis": basis, "notes": notes})
    if boundary is not None:
        basis = worded(_AND_NOTE, parts={"basis": basis, "note": boundary})
    return basis


_THETA: Final = {"theta": ".2g", "tolerance": "g"}


def singular_intercept(theta: float, tolerance: float) -> Worded:
    """A random-intercept variance of about zero (relative Cholesky diagonal below
    ``tolerance``)."""
    return worded(_SINGULAR_INTERCEPT, {"theta": theta, "tolerance": tolerance}, formats=_THETA)


def singular_slope(rho: float | None, theta: float, tolerance: float) -> Worded:
    """A random slope of about zero variance given the intercept (a correlation of ±1)."""
    what = (
        worded(_NO_SLOPE)
        if rho is None
        else worded(_CORRELATION, {"rho": rho}, formats={"rho": ".5f"})
    )
    figures = {"theta": theta, "tolerance": tolerance}
    return worded(_SINGULAR, figures, formats=_THETA, parts={"what": what})


def boundary_correlation(rho: float, bound: float) -> Worded:
    """A random intercept-slope correlation at the boundary (``|r| >= bound``)."""
    figures = {"rho": rho, "bound": bound}
    return worded(_BOUNDARY, figures, formats={"rho": ".5f", "bound": "g"})


def band_from_model(basis: Worded, k: float, s_diff: float) -> Worded:
    """The status's band: expected ± k standard errors of a difference from the model's
    residual SD."""
    figures = {"k": k, "s_diff": s_diff}
    formats = {"k": "g", "s_diff": ".3g"}
    return worded(_BAND, figures, formats=formats, parts={"basis": basis})
