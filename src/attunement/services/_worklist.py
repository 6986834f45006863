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
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, func, literal, or_, select
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
    one_of_ids,
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


#: The statements of a request are built once per shape (which filters it has, one
#: clinician or several) with its values as bound parameters (:func:`_params`): building a
#: statement, and then its cache key, on every request took a tenth of a caseload request's
#: CPU (issue 13). A name search keeps a statement of its own.
_Shape = tuple[str | None, str | None, bool]  # alert filter, due filter, one clinician


def _shape(request: CaseloadFilter, clinicians: set[int]) -> _Shape:
    return (request.alert, request.due, len(clinicians) == 1)


def _params(
    request: CaseloadFilter, clinicians: set[int], overdue_before: dt.date
) -> dict[str, Any]:
    """The bound values of every statement of a request (each takes the ones it names)."""
    return {
        "clinician": min(clinicians) if clinicians else None,
        "clinicians": sorted(clinicians),
        "alert": request.alert,
        "overdue_before": overdue_before,
        "limit": request.per_page,
        "offset": (request.page - 1) * request.per_page,
    }


def _of_clinicians(column: ColumnElement[int], one: bool) -> ColumnElement[bool]:
    """``column = :clinician`` for the one clinician of a clinician's own caseload, else
    ``column IN :clinicians`` (an IN list expanded into the SQL on every request took a tenth
    of a caseload request's time, issue 13)."""
    if one:
        return column == bindparam("clinician")
    return one_of_ids(column, "clinicians")


def _filters(
    request: CaseloadFilter, shape: _Shape, *, rows: _Rows, dialect: str
) -> list[ColumnElement[bool]]:
    listed, clinician = rows.listed, rows.clinician_id
    if request.name and dialect == "sqlite" and rows is _STATUSES:
        # start from the patients the name search found, not the whole worklist index
        listed, clinician = not_an_index_key(listed), not_an_index_key(clinician)
    return [
        listed.is_(True),
        _of_clinicians(clinician, shape[2]),
        *_request_filters(request, rows=rows, dialect=dialect),
    ]


def _request_filters(
    request: CaseloadFilter, *, rows: _Rows, dialect: str
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
        found.append(rows.alert == bindparam("alert"))
    if request.due == "overdue":
        found.append(rows.measure_due_from < bindparam("overdue_before"))
    elif request.due == "due":
        found.append(rows.measure_due_from <= bindparam("overdue_before"))
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


def _page_query(request: CaseloadFilter, shape: _Shape, dialect: str) -> Select[*tuple[Any, ...]]:
    """The page's statement (limit and offset bound): built once per shape and dialect,
    except for a name search."""
    if request.name:
        return _page_statement(request, shape, dialect)
    return _page_statements(shape, dialect)


def _page_statement(
    request: CaseloadFilter, shape: _Shape, dialect: str
) -> Select[*tuple[Any, ...]]:
    return (
        _PAGE_BASE.where(*_filters(request, shape, rows=_STATUSES, dialect=dialect))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def _page_statements(shape: _Shape, dialect: str) -> Select[*tuple[Any, ...]]:
    return _page_statement(_unnamed(shape), shape, dialect)


def _unnamed(shape: _Shape) -> CaseloadFilter:
    """A request of ``shape`` without a name (what its statements are built from)."""
    alert, due, _ = shape
    return CaseloadFilter.model_validate({"alert": alert, "due": due})


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


@cache
def _counts_statement(
    shape: _Shape, matching: bool, dialect: str
) -> Select[Any, Any, Any, Any, Any]:
    """Open-risk patients, episodes by alert, overdue episodes, and (``matching``) the rows
    matching the filters of ``shape`` (a page's total): one grouped query.

    Read from ``caseload_counts``: a few rows per clinician, alert and measure date.
    """
    rows = _COUNTS
    has_episode = rows.has_episode
    tally = func.sum(rows.tally)
    filters = _request_filters(_unnamed(shape), rows=rows, dialect=dialect) if matching else []
    return (
        select(
            rows.alert,
            tally.filter(has_episode),
            tally.filter(has_episode, rows.measure_due_from < bindparam("overdue_before")),
            # one listed row per patient (one open episode at a time), so rows are patients
            tally.filter(rows.rank == RISK_FLAG_RANK),
            tally.filter(*filters) if filters else tally,
        )
        .where(rows.listed.is_(True), _of_clinicians(rows.clinician_id, shape[2]))
        .group_by(rows.alert)
    )


def _counts(
    session: Session, shape: _Shape, params: dict[str, Any], *, matching: bool = False
) -> tuple[dict[str, int], int, int]:
    """The totals of :func:`_counts_statement`: counts by alert, overdue, matching rows."""
    statement = _counts_statement(shape, matching, _dialect(session))
    counts: dict[str, int] = {"risk": 0, **dict.fromkeys(ALERT_LEVELS, 0)}
    overdue = matched = 0
    for alert, episodes, late, risk, matches in session.execute(statement, params):
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
    whole = CaseloadFilter()
    params = _params(whole, clinicians, today - dt.timedelta(days=overdue_days))
    counts, overdue, _ = _counts(session, _shape(whole, clinicians), params)
    return counts, overdue


def _named_total(
    session: Session, request: CaseloadFilter, shape: _Shape, params: dict[str, Any]
) -> int:
    """Rows matching the filters of a name search, counted from the rows (the counts do not
    know names)."""
    filters = _filters(request, shape, rows=_STATUSES, dialect=_dialect(session))
    query = (
        select(func.count(EpisodeStatusRecord.id))
        .join(Patient, Patient.id == EpisodeStatusRecord.patient_id)
        .where(*filters)
    )
    return int(session.scalar(query, params) or 0)


@cache
def _names_statement(one: bool) -> Select[int, str]:
    return select(User.id, User.display_name).where(_of_clinicians(User.id.expression, one))


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
        today = ctx.now().date()
        overdue_before = today - dt.timedelta(days=ctx.overdue_days)
        readable = _params(request, clinicians, overdue_before)
        names = {
            int(uid): str(name)
            for uid, name in uc.session.execute(_names_statement(len(clinicians) == 1), readable)
        }
        if request.clinician_id is not None:
            if request.clinician_id not in clinicians:
                raise NotFound("clinician", request.clinician_id)
            clinicians = {request.clinician_id}
        shape = _shape(request, clinicians)
        params = _params(request, clinicians, overdue_before)
        dialect = _dialect(uc.session)
        found = uc.session.execute(_page_query(request, shape, dialect), params).all()
        if request.name:
            counts, overdue, _ = _counts(uc.session, shape, params)
            total = _named_total(uc.session, request, shape, params)
        else:  # the page's total from the counts, in their query
            counts, overdue, total = _counts(uc.session, shape, params, matching=True)
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
