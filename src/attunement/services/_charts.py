"""An episode's charts: their data for the page, their drawing (SVG) cached per version.

The chart data are the progress report's (``reports.outcome_chart_data`` and
``reports.alliance_chart_data`` over the app's one series read and the episode's stored
Status), so the web chart and the PDF chart show the same numbers and the same expected
band; both are drawn by the one chart builder (``reports.render_chart``).

Drawing takes a tenth of a second, so it is done once per version of the episode and
language: the SVG is drawn in the clinic's language (``ServiceContext.clinic_language``: its
title, axes, legend and band labels are words) and stored in ``episode_charts`` under that
language, with the ``version`` of the episode's stored status row (bumped by every write
that changes the episode) and the renderer that drew it. A read of that version in that
language serves the stored SVG; a newer version is drawn and replaces the row (an
upsert, so two app servers drawing at once both succeed and an older drawing never
overwrites a newer one). Every read is audited like any read of the patient's record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from sqlalchemy import Row, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from attunement.documents import (
    RENDERER,
    AllianceChartData,
    ItemHeatStripData,
    OutcomeChartData,
    alliance_chart_data,
    item_chart_data,
    outcome_chart_data,
    render_chart,
)
from attunement.errors import NotFound
from attunement.i18n import resolve_language
from attunement.instruments import load_instrument
from attunement.monitoring import Status
from attunement.services._access import load_episode
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._status import (  # the app's one way to read a series
    _series_rows,
    series_from_rows,
)
from attunement.services._status_store import stored_status_model
from attunement.services._transaction import transaction
from attunement.store import Episode, EpisodeChartRecord, EpisodeStatusRecord

if TYPE_CHECKING:
    import datetime as dt

    from attunement.monitoring import Status

__all__ = [
    "CHART_KINDS",
    "ChartKind",
    "EpisodeChartData",
    "StoredChart",
    "chart_data_of",
    "episode_chart_data",
    "episode_chart_svg",
]

ChartKind = Literal["outcome", "alliance", "items"]
#: The charts of an episode, in page order (``items``: the outcome measure's item answers).
CHART_KINDS: Final[tuple[ChartKind, ...]] = ("outcome", "alliance", "items")
#: The suffix of a chart's phone drawing (``outcome-narrow``): same data, narrow layout.
NARROW: Final = "-narrow"
ChartData = OutcomeChartData | AllianceChartData | ItemHeatStripData


@dataclass(frozen=True)
class EpisodeChartData:
    """What each chart of the episode shows (None: nothing recorded to chart yet)."""

    episode_id: int
    outcome: OutcomeChartData | None
    alliance: AllianceChartData | None
    items: ItemHeatStripData | None = None


@dataclass(frozen=True)
class StoredChart:
    """A drawn chart: the SVG and its ETag (the SHA-256 of the SVG, quoted)."""

    kind: ChartKind
    svg: str
    etag: str


def _item_answers(rows: Sequence[Row[Any]]) -> list[Any]:
    """The stored answers of each session (the session's own administration, else the last
    one entered toward it) in the instrument's series rows, as the report's item chart
    reads them."""
    latest: dict[int, tuple[tuple[bool, Any, int], Any]] = {}
    for ordinal, row in enumerate(rows, start=1):
        key = row.number or ordinal
        entered = (row.session_id is not None, row.entered_at, row.id)
        if key not in latest or latest[key][0] <= entered:
            latest[key] = (entered, row.answers_text)
    return [(number, json.loads(text)) for number, (_, text) in sorted(latest.items())]


def _data(
    session: Session,
    episode: Episode,
    kind: ChartKind,
    status: Status | None,
    rows: Sequence[Row[Any]] | None = None,
) -> ChartData | None:
    """The report's chart data of ``kind`` (the same functions the PDF uses), from the
    instrument's series ``rows`` when the caller has read them."""

    instrument = episode.alliance_instrument if kind == "alliance" else episode.outcome_instrument
    if instrument is None:
        return None
    definition = load_instrument(instrument)
    if rows is None:
        rows = _series_rows(session, episode, definition.id)
    if kind == "items":
        return item_chart_data(_item_answers(rows), definition)
    series = series_from_rows(definition.id, rows)
    if series is None or not any(p.attended for p in series.points):
        return None
    if kind == "outcome":
        return outcome_chart_data(series, status, definition)
    return alliance_chart_data(series, status, definition)


def _episode(session: Session, actor: Actor, patient_id: int, episode_id: int) -> Episode:
    episode = load_episode(session, actor, episode_id, write=False)
    if episode.patient_id != patient_id:
        raise NotFound("episode", episode_id)
    return episode


def episode_chart_data(
    ctx: ServiceContext, actor: Actor, patient_id: int, episode_id: int
) -> EpisodeChartData:
    """The data of the episode's charts, from its stored status (nothing drawn)."""
    with use_case(
        ctx, actor, AuditAction.CHART_DATA, target=f"episode:{episode_id}", read=True
    ) as uc:
        episode = _episode(uc.session, actor, patient_id, episode_id)
        uc.patient_id = episode.patient_id
        status = stored_status_model(uc.session, episode.id, require_row=True)
        return chart_data_of(uc.session, episode, status)


def chart_data_of(session: Session, episode: Episode, status: Status | None) -> EpisodeChartData:
    """The chart data of ``episode`` with its stored status already read (inside a use case
    that checked access: :func:`episode_chart_data`, the patient page)."""
    outcome_rows = _series_rows(session, episode, episode.outcome_instrument)
    outcome = _data(session, episode, "outcome", status, outcome_rows)
    alliance = _data(session, episode, "alliance", status)
    items = _data(session, episode, "items", status, outcome_rows)  # one read for both
    return EpisodeChartData(
        episode_id=episode.id,
        outcome=outcome if isinstance(outcome, OutcomeChartData) else None,
        alliance=alliance if isinstance(alliance, AllianceChartData) else None,
        items=items if isinstance(items, ItemHeatStripData) else None,
    )


def _chart_kind(kind: str) -> tuple[ChartKind, bool]:
    """The chart and whether its phone drawing is asked for (``outcome-narrow``)."""
    base = kind.removesuffix(NARROW)
    for known in CHART_KINDS:
        if base == known:
            return known, kind != base
    names = ", ".join(f"{k}, {k}{NARROW}" for k in CHART_KINDS)
    raise NotFound(f"chart (the charts are {names})", kind)


def _store(
    session: Session,
    episode_id: int,
    kind: str,
    *,
    language: str,
    version: int,
    svg: str,
    now: dt.datetime,
) -> str:
    """Upsert the drawing of ``version`` in ``language``; a row of a newer version is left
    as it is."""
    digest = hashlib.sha256(svg.encode()).hexdigest()
    values: dict[str, Any] = {
        "episode_id": episode_id,
        "kind": kind,
        "language": language,
        "status_version": version,
        "renderer": RENDERER,
        "digest": digest,
        "svg": svg,
        "rendered_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(EpisodeChartRecord).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["episode_id", "kind", "language"],
            set_={
                name: statement.excluded[name]
                for name in ("status_version", "renderer", "digest", "svg", "rendered_at")
            },
            where=EpisodeChartRecord.status_version <= statement.excluded.status_version,
        )
    )
    return digest


def episode_chart_svg(
    ctx: ServiceContext, actor: Actor, patient_id: int, episode_id: int, kind: str
) -> StoredChart:
    """The episode's chart ``kind`` as SVG in the clinic's language: the stored drawing of the
    episode's current version in that language, else drawn now (by the PDF's chart builder,
    from the PDF's chart data) and stored in place of the older one.

    The lookup is a read (a snapshot that holds up no writer); a drawing is made outside
    any transaction and stored in a short write of its own, so a cold chart never holds
    the database's write lock while matplotlib draws."""
    with use_case(
        ctx, actor, AuditAction.CHART_READ, target=f"episode:{episode_id}", read=True
    ) as uc:
        episode = _episode(uc.session, actor, patient_id, episode_id)
        uc.patient_id = episode.patient_id
        chart_kind, narrow = _chart_kind(kind)
        language = resolve_language(ctx.clinic_language)
        uc.detail = {"chart": kind}
        version = uc.session.scalar(
            select(EpisodeStatusRecord.version).where(EpisodeStatusRecord.episode_id == episode.id)
        )
        stored = uc.session.execute(
            select(
                EpisodeChartRecord.status_version,
                EpisodeChartRecord.renderer,
                EpisodeChartRecord.digest,
                EpisodeChartRecord.svg,
            ).where(
                EpisodeChartRecord.episode_id == episode.id,
                EpisodeChartRecord.kind == kind,
                EpisodeChartRecord.language == language,
            )
        ).first()
        if stored is not None and (stored.status_version, stored.renderer) == (version, RENDERER):
            return StoredChart(kind=chart_kind, svg=stored.svg, etag=f'"{stored.digest}"')
        if version is None:  # only before the start-up refresh after a migration
            raise NotFound("stored status of episode", episode.id)
        status = stored_status_model(uc.session, episode.id)  # the version's, one snapshot
        data = _data(uc.session, episode, chart_kind, status)
        if data is None:
            raise NotFound(f"{chart_kind} chart (nothing recorded yet) of episode", episode_id)
        drawn_version = version
    svg = render_chart(
        data, language=language, chart_id=chart_kind, layout="narrow" if narrow else "wide"
    ).svg
    with transaction(ctx.sessions) as session:
        digest = _store(
            session,
            episode_id,
            kind,
            language=language,
            version=drawn_version,
            svg=svg,
            now=ctx.now(),
        )
    return StoredChart(kind=chart_kind, svg=svg, etag=f'"{digest}"')
