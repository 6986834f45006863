"""Which change norms a status uses: published, clinic-derived or the scale's range.

An outcome instrument must always be judged, so the reliable-change bound B is taken from
the first of these that exists (the status says which, in ``NormsUsed``):

1. **published RCI** in raw points (PHQ-9: 6, GAD-7: 4, CORE-10: 6);
2. **published SD and reliability**: B = 1.96 · √2 · SD · √(1 − r_xx) (Jacobson & Truax 1991);
3. **clinic-derived SD** (:class:`ClinicNorms`, the SD of the clinic's own intake scores once
   enough episodes exist) with the published reliability — labelled *clinic-derived*;
4. **the scale's range**: no sample on a scale from m to M can have an SD above (M − m)/2
   (Popoviciu's inequality on variances: Popoviciu T (1935) Mathematica (Cluj) 9:129–145),
   so 1.96 · √2 · (M − m)/2 · √(1 − r_xx) with the published reliability is a *conservative*
   bound: a change that large is reliable whatever the clinical SD (K10 10–50, r = .89:
   18.4 points).

Without a published reliability none of 2–4 exists and the status is ``not_assessable``.

The caseness cut-off follows the clinic's convention (``caseness="published"`` by default;
e.g. ``"nhs_talking_therapies"`` gives GAD-7 ≥ 8 instead of Spitzer et al.'s ≥ 10): the
conventions are data in the instrument definitions (``cutoff.conventions``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel, Field, model_validator

from attunement._model_config import FROZEN
from attunement.errors import InputError
from attunement.i18n import N_
from attunement.instruments import list_instruments, load_instrument
from attunement.monitoring._change import RELIABLE_CHANGE_Z, reliable_change_bound
from attunement.monitoring._expected_data import load_expected_response
from attunement.monitoring._models import ChangeNorms, Direction
from attunement.monitoring._notes import note
from attunement.monitoring._worded import Worded, WordedValue, worded

if TYPE_CHECKING:
    from attunement.instruments import ScaleDefinition

__all__ = [
    "PUBLISHED",
    "ClinicNorms",
    "NormsUsed",
    "ResolvedNorms",
    "caseness_convention_problem",
    "caseness_conventions",
    "clinic_norms",
    "clinic_norms_due",
    "needs_clinic_norms",
    "norms_bound",
    "resolve_norms",
]

PUBLISHED = "published"
SdOrigin = Literal["published", "clinic-derived", "scale range (conservative)"]


class ClinicNorms(BaseModel):
    """The SD of a clinic's own intake scores of one scale: a *clinic-derived* norm.

    Used only where the instrument publishes neither an SD nor a reliable-change threshold
    (see the module docstring), and only when computed by :func:`clinic_norms` from at least
    the stated minimum of episodes. The services compute it from the database and pass it
    to ``assess_episode(..., clinic_norms=...)``; for an alliance scale (WAI-SR) from each
    episode's first alliance measure, passed as ``assess_episode(..., alliance_norms=...)``
    for the rupture limits (:mod:`attunement.monitoring._alliance_limits`).
    """

    model_config = FROZEN

    instrument: str = Field(min_length=1)
    scale: str = Field(min_length=1)
    sd: float
    n_episodes: int = Field(ge=2)
    label: Literal["clinic-derived"] = "clinic-derived"

    @model_validator(mode="after")
    def _finite_sd(self) -> ClinicNorms:
        if not (math.isfinite(self.sd) and self.sd > 0):
            raise InputError("clinic_norms.sd", self.sd, "a finite SD > 0")
        return self

    @property
    def basis(self) -> str:
        """In words, for the status."""
        return (
            f"SD {self.sd:.3g} of {self.n_episodes} intake scores of this clinic "
            f"({self.label}, no published SD or reliable-change threshold exists)"
        )


def clinic_norms(
    instrument: str,
    scale: str,
    intake_scores: Iterable[float],
    *,
    minimum_episodes: int | None = None,
) -> ClinicNorms | None:
    """The clinic-derived norms from one intake score per episode, or None below the minimum.

    The SD is the sample SD (n − 1). ``minimum_episodes`` defaults to the stated assumption
    in ``feedback_rules/expected_response.yaml`` (``clinic_norms.minimum_episodes``).
    Raises InputError for a non-finite score or a scale the instrument does not have.
    """

    if scale not in {s.id for s in load_instrument(instrument).scales}:
        raise InputError("scale", scale, [s.id for s in load_instrument(instrument).scales])
    minimum = minimum_episodes
    if minimum is None:
        minimum = int(load_expected_response().clinic_norms.minimum_episodes.value)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 2:
        raise InputError("minimum_episodes", minimum, "a whole number >= 2")
    values = [float(v) for v in intake_scores]
    for index, value in enumerate(values):
        if not math.isfinite(value):
            raise InputError(f"intake_scores[{index}]", value, "a finite score")
    if len(values) < minimum:
        return None
    sd = statistics.stdev(values)
    if sd <= 0:
        return None
    return ClinicNorms(instrument=instrument, scale=scale, sd=sd, n_episodes=len(values))


def clinic_norms_due(counted: int, taken_when_counted: int | None) -> bool:
    """Whether a clinic's stored clinic-derived norms are to be taken (again) now that
    ``counted`` episodes have a measure of the instrument: none are stored
    (``taken_when_counted`` None) and the stated minimum is reached, or the count has grown
    or shrunk by the stated factor since they were taken (``clinic_norms.retake_growth`` in
    ``feedback_rules/expected_response.yaml``, with its basis)."""

    rules = load_expected_response().clinic_norms
    if taken_when_counted is None:
        return counted >= rules.minimum_episodes.value
    growth = rules.retake_growth.value
    return counted >= growth * taken_when_counted or counted * growth <= taken_when_counted


def needs_clinic_norms(instrument: str, scale: str) -> bool:
    """Whether clinic-derived norms would be used for this scale: it publishes a reliability
    but neither an SD nor a reliable-change threshold (K10 today). The services compute
    :func:`clinic_norms` only for such scales."""

    norms = load_instrument(instrument).scale(scale).norms
    return (
        norms is not None
        and norms.reliability is not None
        and norms.sd is None
        and norms.published_rci is None
    )


class NormsUsed(BaseModel):
    """The change norms a status used, where they come from, and the caseness cut-off."""

    model_config = FROZEN

    sd: float | None
    reliability: float | None
    published_rci: float | None
    cutoff: float | None
    reliable_change: float | None
    reliable_change_method: Literal["published_rci", "jacobson_truax"] | None
    direction: Direction
    source: str
    sd_origin: SdOrigin | None = None
    reliable_change_basis: str | None = None
    #: the basis as a sentence with its message id and figures, worded in the reader's
    #: language (``attunement.wording.status_in``); None in a status stored before it
    reliable_change_basis_worded: Worded | None = None
    standard_error_of_difference: float | None = None
    cutoff_convention: str = PUBLISHED
    cutoff_source: str | None = None
    clinic_norms: ClinicNorms | None = None


class ResolvedNorms(BaseModel):
    """What the status maths needs: the public view, and ChangeNorms for the change maths."""

    model_config = FROZEN

    used: NormsUsed
    change_norms: ChangeNorms | None
    score_range: tuple[float, float]
    notes: tuple[Worded, ...] = ()


def norms_bound(definition: ScaleDefinition) -> tuple[float, str] | None:
    """The published reliable-change bound of a scale in points and its basis, or None."""
    if definition.norms is None:
        return None
    try:
        bound = reliable_change_bound(definition.norms)
    except InputError:
        return None
    rule = "published RCI" if bound.method == "published_rci" else "1.96 x S_diff"
    return bound.points, f"{rule} ({definition.norms.source})"


@cache
def caseness_conventions() -> tuple[str, ...]:
    """``"published"`` and every convention named in any instrument definition."""

    names = {
        name
        for definition in list_instruments()
        for scale in definition.scales
        if scale.cutoff is not None
        for name in scale.cutoff.conventions
    }
    return (PUBLISHED, *sorted(names))


def caseness_convention_problem(value: str) -> str | None:
    """Why ``value`` is no caseness convention (``ATTUNE_CASENESS_CONVENTION``), or None:
    the one check, for Settings and for the light CLI commands that read it alone. The
    default, ``published``, is always one: no definition is read to say so (listing the
    conventions reads every instrument definition, a fifth of ``attune status``'s time)."""
    if value == PUBLISHED:
        return None
    known = caseness_conventions()
    return None if value in known else f"{value!r} is not one of {', '.join(known)}"


def _direction(instrument: str, scale: str) -> Direction:

    definition = load_instrument(instrument).scale(scale)
    if definition.norms is not None:
        return definition.norms.direction
    return "higher_is_better" if definition.direction == "higher_is_better" else "higher_is_worse"


def _cutoff(
    instrument: str, scale: str, caseness: str
) -> tuple[float | None, str | None, str, list[Worded]]:

    definition = load_instrument(instrument).scale(scale)
    norms, cut = definition.norms, definition.cutoff
    published = norms.cutoff if norms is not None else None
    if published is None and cut is not None:
        published = cut.value
    source = None
    if cut is not None and published == cut.value:
        source = cut.source
    elif published is not None and norms is not None:
        source = norms.source
    if caseness == PUBLISHED:
        return published, source, PUBLISHED, []
    convention = cut.conventions.get(caseness) if cut is not None else None
    if convention is None:
        missing = note(
            "no_convention_cutoff", instrument=instrument, scale=scale, caseness=caseness
        )
        return published, source, PUBLISHED, [missing]
    return convention.value, convention.source, caseness, []


#: The basis of a reliable-change threshold, by where the SD (or the threshold) comes from.
_PUBLISHED_RCI_BASIS: Final = N_("published RCI %(rci)s points (%(source)s)")
_PUBLISHED_SD_BASIS: Final = N_("1.96 x S_diff from the published SD and reliability")
_CLINIC_SD_BASIS: Final = N_(
    "1.96 x S_diff from the SD %(sd)s of %(episodes)s intake scores of this clinic "
    "(clinic-derived, no published SD or reliable-change threshold exists); r = %(r)s"
)
_RANGE_SD_BASIS: Final = N_(
    "1.96 x S_diff with the largest SD a %(low)s-%(high)s scale can have, %(widest)s "
    "(Popoviciu 1935), and r = %(r)s: conservative — no published SD or reliable-change "
    "threshold exists; supply clinic-derived norms once enough episodes exist"
)


def _bound_norms(
    instrument: str, scale: str, clinic: ClinicNorms | None
) -> tuple[ChangeNorms | None, SdOrigin | None, Worded | None]:
    """The ChangeNorms to compute reliable change with, their SD origin and basis."""

    definition = load_instrument(instrument).scale(scale)
    published = definition.norms
    if published is None:
        return None, None, None
    base = ChangeNorms.from_norms(published)
    if base.published_rci is not None:
        origin: SdOrigin | None = "published" if base.sd is not None else None
        rci: dict[str, WordedValue] = {"rci": base.published_rci, "source": base.source}
        return base, origin, worded(_PUBLISHED_RCI_BASIS, rci, formats={"rci": "g"})
    r = base.reliability
    if base.sd is not None and r is not None:
        return base, "published", worded(_PUBLISHED_SD_BASIS)
    if r is None:
        return None, None, None
    if clinic is not None:
        norms = base.model_copy(update={"sd": clinic.sd})
        values = {"sd": clinic.sd, "episodes": clinic.n_episodes, "r": r}
        formats = {"sd": ".3g", "r": "g"}
        return norms, "clinic-derived", worded(_CLINIC_SD_BASIS, values, formats=formats)
    low, high = definition.range
    widest = (high - low) / 2.0
    norms = base.model_copy(update={"sd": widest})
    values = {"low": low, "high": high, "widest": widest, "r": r}
    formats = dict.fromkeys(values, "g")
    basis = worded(_RANGE_SD_BASIS, values, formats=formats)
    return norms, "scale range (conservative)", basis


@cache
def resolve_norms(
    instrument: str,
    scale: str,
    clinic: ClinicNorms | None = None,
    caseness: str = PUBLISHED,
) -> ResolvedNorms:
    """The norms a status of this scale uses (cached: definitions are immutable)."""

    if caseness_convention_problem(caseness) is not None:
        raise InputError("caseness", caseness, caseness_conventions())
    if clinic is not None and (clinic.instrument, clinic.scale) != (instrument, scale):
        raise InputError(
            "clinic_norms", f"{clinic.instrument}/{clinic.scale}", f"{instrument}/{scale}"
        )
    definition = load_instrument(instrument).scale(scale)
    cutoff, cutoff_source, convention, notes = _cutoff(instrument, scale, caseness)
    norms, origin, basis = _bound_norms(instrument, scale, clinic)
    if clinic is not None and origin != "clinic-derived":
        notes.append(note("clinic_norms_not_used"))
    bound = None
    if norms is not None:
        bound = reliable_change_bound(norms, z=RELIABLE_CHANGE_Z)
        norms = norms.model_copy(update={"cutoff": cutoff})
    s_diff = None
    if bound is not None:
        s_diff = bound.standard_error_of_difference
        if s_diff is None:  # a published RCI without SD: the S_diff it implies
            s_diff = bound.points / RELIABLE_CHANGE_Z
    published = definition.norms
    used = NormsUsed(
        sd=norms.sd if norms is not None and origin is not None else None,
        reliability=published.reliability if published else None,
        published_rci=published.published_rci if published else None,
        cutoff=cutoff,
        reliable_change=bound.points if bound else None,
        reliable_change_method=bound.method if bound else None,
        direction=_direction(instrument, scale),
        source=published.source if published else "no change norms in the instrument definition",
        sd_origin=origin,
        reliable_change_basis=None if basis is None else basis.text,
        reliable_change_basis_worded=basis,
        standard_error_of_difference=s_diff,
        cutoff_convention=convention,
        cutoff_source=cutoff_source,
        clinic_norms=clinic if origin == "clinic-derived" else None,
    )
    return ResolvedNorms(
        used=used,
        change_norms=norms if bound is not None else None,
        score_range=definition.range,
        notes=tuple(notes),
    )
