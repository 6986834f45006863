"""The caseload as a worklist: read from the stored statuses, one page at a time (issues 12, 13).

Order (``monitoring.alert_rank`` then ``monitoring.deterioration_size``, both stored with
the status): open risk events first, then red, yellow, not assessable, green, white; within
each, the larger deterioration first, then the longest since the patient was last seen.
Ordering, filtering and paging run in SQL on the ``episode_statuses`` worklist indexes,
with a constant number of queries whatever the size of the clinic; the totals are read
from ``caseload_counts`` (the status rows counted by the caseload's columns, kept by
triggers), and the request is audited once, listing the patients shown.

Overdue: no outcome measure (or, before the first, since the episode's start) for longer
than the clinic's interval (``ATTUNE_OVERDUE_DAYS``, default 14 days); due: the interval
is reached today or has passed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Row, Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from attunement.errors import NotFound
from attunement.monitoring import ALERT_LEVELS, RISK_FLAG_RANK
from attunement.services._access import readable_clinician_ids, require_caseload
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._schemas import CaseloadEntry
from attunement.store import (
    CaseloadCount,
    EpisodeStatusRecord,
    Patient,
    User,
    name_search_filter,
    name_search_key,
    not_an_index_key,
)

__all__ = [
    "CaseloadFilter",
    "CaseloadPage",
    "caseload",
    "caseload_totals",
]

AlertFilter = Literal["risk", "red", "yellow", "not_assessable", "green", "white"]


class CaseloadFilter(BaseModel):
    """Which page of the caseload, and which of its rows (every field optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    alert: AlertFilter | None = Field(
        None, description="risk: an open risk event; else the alert level."
    )
    clinician_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Only this clinician's patients."
    )
    due: Literal["due", "overdue"] | None = Field(
        None,
        description="overdue: no outcome measure for longer than the clinic's interval; "
        "due: the interval is reached (today or earlier).",
    )
    name: str | None = Field(
        None,
        max_length=100,
        description="Part of the patient's name (POST /api/v1/caseload/search only).",
    )
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


class CaseloadPage(BaseModel):
    """One page of the caseload, in worklist order, with the totals of the whole caseload."""

    model_config = ConfigDict(frozen=True)

    entries: list[CaseloadEntry]
    page: int
    per_page: int
    total: int  # rows matching the filters
    pages: int
    counts: dict[str, int]  # the whole caseload: open risk (patients), then episodes by alert
    overdue: int  # episodes of the whole caseload that are overdue
    overdue_days: int
    today: dt.date
    clinicians: dict[int, str]  # whose patients the caller may see, for the filter


@dataclass(frozen=True)
class _Rows:
    """The caseload's columns, on the status rows or on their stored counts.

    One definition of what each filter and total means serves both: a page reads
    ``episode_statuses``; the totals read ``caseload_counts`` (the same rows counted by
    these columns, kept by triggers), so they cost the same at 100 and 10,000 patients.
    """

    listed: ColumnElement[bool]
    clinician_id: ColumnElement[int]
    rank: ColumnElement[int]
    alert: ColumnElement[Any]  # a str; None or "" for no alert
    has_episode: ColumnElement[bool]
    measure_due_from: ColumnElement[Any]  # a date, never before one when there is none
    tally: ColumnElement[int]  # how many rows one row stands for


_STATUSES = _Rows(
    listed=EpisodeStatusRecord.listed.expression,
    clinician_id=EpisodeStatusRecord.clinician_id.expression,
    rank=EpisodeStatusRecord.rank.expression,
    alert=EpisodeStatusRecord.alert.expression,
    has_episode=EpisodeStatusRecord.episode_id.is_not(None),
    measure_due_from=EpisodeStatusRecord.measure_due_from.expression,
    tally=literal(1),
)
_COUNTS = _Rows(
    listed=CaseloadCount.listed.expression,
    clinician_id=CaseloadCount.clinician_id.expression,
    rank=CaseloadCount.rank.expression,
    alert=CaseloadCount.alert.expression,
    has_episode=CaseloadCount.has_episode.is_(True),
    measure_due_from=CaseloadCount.measure_due_from.expression,  # NO_MEASURE_DATE: never overdue
    tally=CaseloadCount.tally.expression,
)


def _one_of(column: ColumnElement[int], ids: set[int]) -> ColumnElement[bool]:
    """``column IN ids``, or ``column = id`` for the one id of a clinician's own caseload:
    an IN list is expanded into the SQL on every request, which took a tenth of a caseload
    request's time (issue 13)."""
    if len(ids) == 1:
        return column == next(iter(ids))
    return column.in_(sorted(ids))


def _filters(
    request: CaseloadFilter,
    clinicians: set[int],
    *,
    overdue_before: dt.date,
    rows: _Rows,
    dialect: str,
) -> list[ColumnElement[bool]]:
    listed, clinician = rows.listed, rows.clinician_id
    if request.name and dialect == "sqlite" and rows is _STATUSES:
        # start from the patients the name search found, not the whole worklist index
        listed, clinician = not_an_index_key(listed), not_an_index_key(clinician)
    return [
        listed.is_(True),
        _one_of(clinician, clinicians),
        *_request_filters(request, overdue_before=overdue_before, rows=rows, dialect=dialect),
    ]


def _request_filters(
    request: CaseloadFilter, *, overdue_before: dt.date, rows: _Rows, dialect: str
) -> list[ColumnElement[bool]]:
    """What the request's alert, due and name filters ask of a listed row."""
    found: list[ColumnElement[bool]] = []
    if request.alert == "risk":
        found.append(rows.rank == RISK_FLAG_RANK)  # stored iff an open risk event: indexed
    elif request.alert == "not_assessable":
        found.append(
            and_(
                rows.has_episode,
                or_(rows.alert == "not_assessable", rows.alert.is_(None), rows.alert == ""),
            )
        )
    elif request.alert is not None:
        found.append(rows.alert == request.alert)
    if request.due == "overdue":
        found.append(rows.measure_due_from < overdue_before)
    elif request.due == "due":
        found.append(rows.measure_due_from <= overdue_before)
    if request.name:
        # the normalised name on a trigram index (pg_trgm; SQLite: FTS5 trigram)
        key = name_search_key(request.name)
        found.append(name_search_filter(key, dialect, EpisodeStatusRecord.patient_id))
    return found


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


#: What a caseload entry shows of its status row: columns, not ORM objects (building a
#: mapped object per row took a fifth of a caseload request under load, issue 13).
_ROW = EpisodeStatusRecord
_ENTRY_COLUMNS = (
    _ROW.episode_id,
    _ROW.patient_id,
    _ROW.clinician_id,
    _ROW.outcome_instrument,
    _ROW.session,
    _ROW.alert,
    _ROW.open_risk_events,
    _ROW.latest,
    _ROW.latest_session,
    _ROW.latest_on,
    _ROW.category,
    _ROW.deterioration,
    _ROW.last_seen_on,
    _ROW.measure_due_from,
)


def _page_base() -> Select[*tuple[Any, ...]]:
    clinician = aliased(User)
    return (
        select(
            *_ENTRY_COLUMNS,
            Patient.display_name.label("name"),
            Patient.synthetic,
            clinician.display_name.label("clinician"),
        )
        .join(Patient, Patient.id == _ROW.patient_id)
        .join(clinician, clinician.id == _ROW.clinician_id)
        .order_by(_ROW.rank, _ROW.deterioration.desc(), _ROW.last_seen_on, _ROW.id)
    )


#: The page's columns, joins and order, built once: building them (an aliased table and its
#: adapted columns) took a fifth of a caseload request's time under load (issue 13).
_PAGE_BASE = _page_base()


def _page_query(
    filters: list[ColumnElement[bool]], request: CaseloadFilter
) -> Select[*tuple[Any, ...]]:
    return (
        _PAGE_BASE.where(*filters)
        .limit(request.per_page)
        .offset((request.page - 1) * request.per_page)
    )


def _entry(row: Row[Any], *, overdue_days: int, overdue_before: dt.date) -> CaseloadEntry:
    """A row of :func:`_page_query` as the caseload shows it."""
    due_from = row.measure_due_from
    return CaseloadEntry(
        episode_id=row.episode_id,
        patient_id=row.patient_id,
        display_name=row.name,
        clinician_id=row.clinician_id,
        clinician=row.clinician,
        outcome_instrument=row.outcome_instrument or "",
        session=row.session,
        alert=(row.alert or "not_assessable") if row.episode_id is not None else None,
        risk_flag=row.open_risk_events > 0,
        open_risk_events=row.open_risk_events,
        latest=row.latest,
        latest_session=row.latest_session,
        latest_on=row.latest_on,
        category=row.category,
        synthetic=row.synthetic,
        deterioration=row.deterioration,
        last_seen_on=row.last_seen_on if row.episode_id is not None else None,
        measure_due_on=due_from + dt.timedelta(days=overdue_days) if due_from else None,
        overdue=due_from is not None and due_from < overdue_before,
    )


def _counts(
    session: Session,
    clinicians: set[int],
    overdue_before: dt.date,
    matching: Sequence[ColumnElement[bool]] = (),
) -> tuple[dict[str, int], int, int]:
    """Open-risk patients, episodes by alert, overdue episodes, and the rows ``matching``
    a page's filters (its total): one grouped query.

    Read from ``caseload_counts``: a few rows per clinician, alert and measure date.
    """

    rows = _COUNTS
    has_episode = rows.has_episode
    tally = func.sum(rows.tally)
    grouped = session.execute(
        select(
            rows.alert,
            tally.filter(has_episode),
            tally.filter(has_episode, rows.measure_due_from < overdue_before),
            # one listed row per patient (one open episode at a time), so rows are patients
            tally.filter(rows.rank == RISK_FLAG_RANK),
            tally.filter(*matching) if matching else tally,
        )
        .where(rows.listed.is_(True), _one_of(rows.clinician_id, clinicians))
        .group_by(rows.alert)
    ).all()
    counts: dict[str, int] = {"risk": 0, **dict.fromkeys(ALERT_LEVELS, 0)}
    overdue = matched = 0
    for alert, episodes, late, risk, matches in grouped:
        counts[alert or "not_assessable"] += int(episodes or 0)
        overdue += int(late or 0)
        counts["risk"] += int(risk or 0)
        matched += int(matches or 0)
    return counts, overdue, matched


def caseload_totals(
    session: Session, clinicians: set[int], *, today: dt.date, overdue_days: int
) -> tuple[dict[str, int], int]:
    """The whole caseload's totals of ``clinicians`` (as :func:`caseload` shows them): open
    risk (patients) and episodes by alert, and overdue episodes — read from the stored
    counts, in the caller's transaction (the weekly digest)."""
    counts, overdue, _ = _counts(session, clinicians, today - dt.timedelta(days=overdue_days))
    return counts, overdue


def _named_total(
    session: Session, request: CaseloadFilter, clinicians: set[int], overdue_before: dt.date
) -> int:
    """Rows matching the filters of a name search, counted from the rows (the counts do not
    know names)."""
    filters = _filters(
        request,
        clinicians,
        overdue_before=overdue_before,
        rows=_STATUSES,
        dialect=_dialect(session),
    )
    query = (
        select(func.count(EpisodeStatusRecord.id))
        .join(Patient, Patient.id == EpisodeStatusRecord.patient_id)
        .where(*filters)
    )
    return int(session.scalar(query) or 0)


def caseload(
    ctx: ServiceContext, actor: Actor, request: CaseloadFilter | None = None
) -> CaseloadPage:
    """One page of the caller's caseload, most urgent first (see the module docstring).

    A clinician filter outside what the caller may read answers NotFound (ids are never
    confirmed). The audit entry lists the patients shown and the filters, never names.
    """
    request = request or CaseloadFilter()
    with use_case(ctx, actor, AuditAction.CASELOAD_READ, read=True) as uc:
        require_caseload(actor)
        clinicians = readable_clinician_ids(uc.session, actor)
        names = {
            int(uid): str(name)
            for uid, name in uc.session.execute(
                select(User.id, User.display_name).where(_one_of(User.id.expression, clinicians))
            )
        }
        if request.clinician_id is not None:
            if request.clinician_id not in clinicians:
                raise NotFound("clinician", request.clinician_id)
            clinicians = {request.clinician_id}
        today = ctx.now().date()
        overdue_before = today - dt.timedelta(days=ctx.overdue_days)
        filters = _filters(
            request,
            clinicians,
            overdue_before=overdue_before,
            rows=_STATUSES,
            dialect=_dialect(uc.session),
        )
        found = uc.session.execute(_page_query(filters, request)).all()
        if request.name:
            counts, overdue, _ = _counts(uc.session, clinicians, overdue_before)
            total = _named_total(uc.session, request, clinicians, overdue_before)
        else:  # the page's total from the counts, in their query
            matching = _request_filters(
                request, overdue_before=overdue_before, rows=_COUNTS, dialect=_dialect(uc.session)
            )
            counts, overdue, total = _counts(uc.session, clinicians, overdue_before, matching)
        entries = [
            _entry(row, overdue_days=ctx.overdue_days, overdue_before=overdue_before)
            for row in found
        ]
        uc.detail = {
            "shown": [e.patient_id for e in entries],
            "page": request.page,
            "per_page": request.per_page,
            "filters": {
                "alert": request.alert,
                "clinician_id": request.clinician_id,
                "due": request.due,
                "name_search": bool(request.name),
            },
        }
        return CaseloadPage(
            entries=entries,
            page=request.page,
            per_page=request.per_page,
            total=total,
            pages=max(1, math.ceil(total / request.per_page)),
            counts=counts,
            overdue=overdue,
            overdue_days=ctx.overdue_days,
            today=today,
            clinicians=names,
        )
