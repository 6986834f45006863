"""The outcome and alliance charts of the patient page: links to their SVG, and their words.

The page draws nothing: each chart is an ``<img>`` of its own route (``_chart_pages``),
whose SVG the services keep per version of the episode. The page prints what the chart
shows in words (the SVG's own title and description, ``reports.describe_chart``, computed
without drawing) from the same chart data as the SVG and the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from attunement.documents import (
    AllianceChartData,
    ItemHeatStripData,
    OutcomeChartData,
    describe_chart,
)
from attunement.http.web._questionnaires import definition_or_none
from attunement.http.web._rendering import url
from attunement.i18n import N_, translate
from attunement.services import EpisodeChartData, EpisodePublic

__all__ = ["ChartView", "EpisodeCharts", "episode_charts"]


@dataclass(frozen=True)
class ChartView:
    """One chart on the page: where its SVG is (``narrow_src``: its phone drawing), its
    title (the image's alt text) and the numbers it shows in words."""

    src: str
    narrow_src: str
    title: str
    caption: str


@dataclass(frozen=True)
class EpisodeCharts:
    outcome: ChartView | None
    outcome_name: str | None
    outcome_missing: str
    alliance: ChartView | None
    alliance_name: str | None
    alliance_missing: str
    items: ChartView | None = None


def _view(
    episode: EpisodePublic,
    kind: str,
    data: OutcomeChartData | AllianceChartData | ItemHeatStripData | None,
    language: str,
) -> ChartView | None:
    if data is None:
        return None
    title, caption = describe_chart(data, language=language)
    ids = {"patient_id": episode.patient_id, "episode_id": episode.id}
    return ChartView(
        src=url("episode_chart", kind=kind, **ids),
        narrow_src=url("episode_chart", kind=f"{kind}-narrow", **ids),
        title=title,
        caption=caption,
    )


def episode_charts(
    episode: EpisodePublic | None, data: EpisodeChartData | None, language: str = "en"
) -> EpisodeCharts:
    """Both charts of the episode (``data``: their data, read with the page), or the reason
    each one is missing, worded in ``language`` (the clinic's)."""
    outcome_def = definition_or_none(episode.outcome_instrument) if episode else None
    alliance_def = (
        definition_or_none(episode.alliance_instrument)
        if episode and episode.alliance_instrument
        else None
    )
    outcome = alliance = items = None
    if episode is not None and data is not None:
        outcome = _view(episode, "outcome", data.outcome, language)
        alliance = _view(episode, "alliance", data.alliance, language)
        items = _view(episode, "items", data.items, language)
    return EpisodeCharts(
        outcome=outcome,
        outcome_name=outcome_def.short_name if outcome_def else None,
        outcome_missing=translate(N_("No outcome questionnaire recorded yet."), language),
        alliance=alliance,
        alliance_name=alliance_def.short_name if alliance_def else None,
        alliance_missing=translate(
            N_("No alliance questionnaire recorded yet.")
            if alliance_def
            else N_("No alliance questionnaire is set for this episode."),
            language,
        ),
        items=items,
    )
