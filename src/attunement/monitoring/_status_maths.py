"""The numbers of a Status, computed with the monitoring maths.

This module only *calls* the change and expected-treatment-response maths
(:mod:`._change`, :mod:`._etr`, :mod:`._growth`) with the instrument's norms, and keeps the
status's view of the results: which norms were used (with their source), the change
figures, and the expected band with its method and the red limit of the alert rules.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.errors import InputError
from attunement.instruments import ScaleDefinition, load_instrument
from attunement.monitoring._change import (
    jacobson_truax_category,
    reliable_change_bound,
    reliable_change_index,
)
from attunement.monitoring._etr import expected_treatment_response
from attunement.monitoring._feedback_data import load_alert_limits
from attunement.monitoring._growth import GrowthModel
from attunement.monitoring._response import remission_status, response_status

__all__ = [
    "ChangeFigures",
    "ExpectedBand",
    "NormsUsed",
    "change_figures",
    "expected_band",
    "norms_bound",
    "norms_used",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
Category = Literal["recovered", "improved", "unchanged", "deteriorated"]
Direction = Literal["higher_is_worse", "higher_is_better"]


class NormsUsed(BaseModel):
    """The change norms a status used, and where they come from."""

    model_config = _FROZEN

    sd: float | None
    reliability: float | None
    published_rci: float | None
    cutoff: float | None
    reliable_change: float | None
    reliable_change_method: Literal["published_rci", "jacobson_truax"] | None
    direction: Direction
    source: str


class ChangeFigures(BaseModel):
    model_config = _FROZEN

    change: float
    rci: float | None
    reliable: bool | None
    category: Category | None
    response: bool | None
    remission: bool | None
    notes: tuple[str, ...] = ()


class ExpectedBand(BaseModel):
    """The expected score at a session, its band, and the red limit of the alert rules.

    ``session`` is the session number it describes (the ETR counts sessions from the
    first scored session, 1 = intake). ``low <= value <= high``;
    ``outer_limit`` lies on the worse side (see :mod:`._alerts`), ``outer_basis`` says why.
    """

    model_config = _FROZEN

    session: int
    value: float
    low: float
    high: float
    outer_limit: float
    method: Literal["rational", "empirical"]
    basis: str
    outer_basis: str
    level: float | None = None
    sources: tuple[str, ...] = ()


def _scale(instrument: str, scale: str) -> ScaleDefinition:
    return load_instrument(instrument).scale(scale)


def norms_bound(definition: ScaleDefinition) -> tuple[float, str] | None:
    """The reliable-change bound in points and its basis, or None without norms."""
    if definition.norms is None:
        return None
    try:
        bound = reliable_change_bound(definition.norms)
    except InputError:
        return None
    rule = "published RCI" if bound.method == "published_rci" else "1.96 x S_diff"
    return bound.points, f"{rule} ({definition.norms.source})"


def _direction(definition: ScaleDefinition) -> Direction:
    if definition.norms is not None:
        return definition.norms.direction
    return "higher_is_better" if definition.direction == "higher_is_better" else "higher_is_worse"


def norms_used(instrument: str, scale: str) -> NormsUsed:
    """The norms of the instrument's scale, as a status reports them."""
    definition = _scale(instrument, scale)
    norms = definition.norms
    bound = None
    if norms is not None:
        try:
            bound = reliable_change_bound(norms)
        except InputError:
            bound = None
    cutoff = norms.cutoff if norms is not None and norms.cutoff is not None else None
    if cutoff is None and definition.cutoff is not None:
        cutoff = definition.cutoff.value
    return NormsUsed(
        sd=norms.sd if norms else None,
        reliability=norms.reliability if norms else None,
        published_rci=norms.published_rci if norms else None,
        cutoff=cutoff,
        reliable_change=bound.points if bound else None,
        reliable_change_method=bound.method if bound else None,
        direction=_direction(definition),
        source=norms.source if norms else "no change norms in the instrument definition",
    )


def change_figures(instrument: str, scale: str, intake: float, latest: float) -> ChangeFigures:
    """Change, RC, Jacobson–Truax category, response and remission from intake to latest."""
    definition = _scale(instrument, scale)
    norms, direction = definition.norms, _direction(definition)
    notes: list[str] = []
    rci = reliable = category = None
    if norms is not None and norms_bound(definition) is not None:
        change = reliable_change_index(intake, latest, norms)
        rci, reliable = change.rc, change.reliable
        category = jacobson_truax_category(intake, latest, norms).category
        if rci is None:
            notes.append(
                "RC needs the SD and reliability, which the norms lack: reliable change is "
                f"judged by the published threshold of {change.bound.points:g} points"
            )
    else:
        notes.append(f"{instrument} {scale}: no reliable-change norms, so no RC or category")
    response = remission = None
    if definition.response is not None and direction == "higher_is_worse":
        response = response_status(intake, latest, definition.response, direction=direction).met
    if definition.remission is not None:
        remission = remission_status(latest, definition.remission, direction=direction).met
    return ChangeFigures(
        change=latest - intake,
        rci=rci,
        reliable=reliable,
        category=category,
        response=response,
        remission=remission,
        notes=tuple(notes),
    )


def expected_band(
    instrument: str, scale: str, intake: float, session: int, model: GrowthModel | None
) -> ExpectedBand | None:
    """The expected band at ``session`` (from baseline) and the red limit, or None.

    None when the scale has no reliable-change norms (the rational method needs them).
    A growth model fitted to another instrument is not used (the basis says so).
    """
    definition = _scale(instrument, scale)
    norms = definition.norms
    bound = norms_bound(definition)
    if norms is None or bound is None:
        return None
    mismatch = None
    if model is not None and model.instrument not in (instrument, f"{instrument}/{scale}"):
        mismatch = f"the growth model is for {model.instrument or 'an unnamed instrument'}"
        model = None
    result = expected_treatment_response(
        intake, session, norms, model=model, score_range=definition.range
    )
    limits = load_alert_limits()
    worse = 1.0 if _direction(definition) == "higher_is_worse" else -1.0
    if result.method == "empirical" and model is not None:
        level = limits.empirical.outer_level
        outer = model.expected(intake, session, level=level.value)
        outer_limit = outer.high if worse > 0 else outer.low
        outer_basis = f"{level.value:.0%} prediction band edge; {level.basis}"
    else:
        factor = limits.rational.outer_in_bounds
        outer_limit = result.value + worse * factor.value * bound[0]
        outer_basis = (
            f"expected {'+' if worse > 0 else '-'} {factor.value:g} x {bound[0]:g}; {factor.basis}"
        )
    basis = result.basis if mismatch is None else f"{result.basis} ({mismatch})"
    return ExpectedBand(
        session=session,
        value=result.value,
        low=result.low,
        high=result.high,
        outer_limit=outer_limit,
        method=result.method,
        basis=basis,
        outer_basis=outer_basis,
        level=result.level,
        sources=result.sources,
    )
