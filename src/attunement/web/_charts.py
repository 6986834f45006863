"""The outcome and alliance charts of the patient page, from the one chart builder.

The numbers are the services' (stored scores) and monitoring's (the expected trajectory);
the drawing and the expected band are :mod:`attunement.reports`' (``render_chart``,
``expected_points``), whose SVG carries no inline styles, so it fits the page's CSP as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from attunement.instruments import Flag, InstrumentDefinition
from attunement.reports import (
    AllianceChartData,
    AlliancePoint,
    OutcomeChartData,
    OutcomePoint,
    expected_points,
    render_chart,
)
from attunement.services import AdministrationPublic, EpisodePublic
from attunement.web._questionnaires import definition_or_none

if TYPE_CHECKING:
    from attunement.monitoring import Status

__all__ = ["EpisodeCharts", "episode_charts"]


@dataclass(frozen=True)
class EpisodeCharts:
    outcome: Markup | None
    outcome_name: str | None
    outcome_caption: str | None
    outcome_missing: str
    alliance: Markup | None
    alliance_name: str | None
    alliance_caption: str | None
    alliance_missing: str


def _scale(definition: InstrumentDefinition, status: Status | None) -> str:
    """The scale monitoring follows (the Status names it; else the first with norms)."""
    from attunement.monitoring import monitored_scale_id

    if status is not None and status.instrument == definition.id:
        return status.scale
    return monitored_scale_id(definition.id)


def _values(
    administrations: Sequence[AdministrationPublic], instrument: str, scale: str
) -> dict[int, tuple[float | None, bool]]:
    """Session number → (scale value, risk flag); the last administration of a session wins."""
    found: dict[int, tuple[float | None, bool]] = {}
    for ordinal, administration in enumerate(
        (a for a in administrations if a.instrument == instrument), start=1
    ):
        score = administration.score
        value = (score.scales.get(scale) or {}).get("value") if score else None
        risk = any(Flag.model_validate(f).endorsed for f in (score.flags if score else []))
        found[administration.session_number or ordinal] = (
            float(value) if value is not None else None,
            risk,
        )
    return found


def _outcome(
    definition: InstrumentDefinition,
    administrations: Sequence[AdministrationPublic],
    status: Status | None,
) -> OutcomeChartData | None:
    scale = definition.scale(_scale(definition, status))
    values = _values(administrations, definition.id, scale.id)
    if not values:
        return None
    points = tuple(OutcomePoint(session=s, value=v, risk=r) for s, (v, r) in sorted(values.items()))
    expected = expected_points(status)
    method = status.trajectory[-1].method if status is not None and status.trajectory else None
    return OutcomeChartData(
        instrument=definition.short_name,
        points=points,
        expected=expected,
        expected_method=method,
        cutoff=scale.cutoff.value if scale.cutoff else None,
        reliable_change=status.reliable_change if status is not None else None,
        scale_min=scale.range[0],
        scale_max=scale.range[1],
        higher_is_worse=scale.direction == "higher_is_worse",
    )


def _alliance(
    definition: InstrumentDefinition,
    administrations: Sequence[AdministrationPublic],
    status: Status | None,
) -> AllianceChartData | None:
    alliance = status.alliance if status is not None else None
    scale_id = alliance.scale if alliance is not None and alliance.scale else None
    scale = definition.scale(scale_id or _scale(definition, None))
    values = _values(administrations, definition.id, scale.id)
    if not values:
        return None
    threshold = None
    note = None
    if alliance is not None:
        threshold = alliance.threshold
        note = alliance.threshold_basis
    return AllianceChartData(
        instrument=definition.short_name,
        points=tuple(AlliancePoint(session=s, value=v) for s, (v, _) in sorted(values.items())),
        threshold=threshold,
        threshold_note=note,
        scale_min=scale.range[0],
        scale_max=scale.range[1],
    )


def episode_charts(
    episode: EpisodePublic | None,
    status: Status | None,
    administrations: Sequence[AdministrationPublic],
) -> EpisodeCharts:
    """Both charts of the episode, or the reason each one is missing."""
    outcome_def = definition_or_none(episode.outcome_instrument) if episode else None
    alliance_def = (
        definition_or_none(episode.alliance_instrument)
        if episode and episode.alliance_instrument
        else None
    )
    outcome_data = _outcome(outcome_def, administrations, status) if outcome_def else None
    alliance_data = _alliance(alliance_def, administrations, status) if alliance_def else None
    outcome = render_chart(outcome_data, chart_id="outcome-chart") if outcome_data else None
    alliance = render_chart(alliance_data, chart_id="alliance-chart") if alliance_data else None
    return EpisodeCharts(
        # Our chart builder's SVG: matplotlib escapes every text it draws.
        outcome=Markup(outcome.svg) if outcome else None,  # noqa: S704
        outcome_name=outcome_def.short_name if outcome_def else None,
        outcome_caption=outcome.description if outcome else None,
        outcome_missing="No outcome questionnaire recorded yet.",
        alliance=Markup(alliance.svg) if alliance else None,  # noqa: S704
        alliance_name=alliance_def.short_name if alliance_def else None,
        alliance_caption=alliance.description if alliance else None,
        alliance_missing="No alliance questionnaire recorded yet."
        if alliance_def
        else "No alliance questionnaire is set for this episode.",
    )
