"""The caseload is a worklist read from stored statuses (issues 12 and 13).

Order: open risk, then red, yellow, not assessable, green, white; within each the larger
deterioration, then the longest since last seen; overdue after ATTUNE_OVERDUE_DAYS without
a measure; filters, name search, pagination in SQL; a constant number of queries; one
audit entry per view listing what was shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event, select, update

from attunement.errors import NotFound
from attunement.services import (
    AdministrationCreate,
    CaseloadFilter,
    EpisodeCreate,
    PatientCreate,
    ServiceContext,
    UserActor,
    caseload,
    get_status,
    record_administration,
    refresh_all_statuses,
    refresh_stale_statuses,
    register_patient,
    start_episode,
)
from attunement.store import AuditEntry, EpisodeStatusRecord
from tests.services.test_status_and_caseload import _episode_with, _items
from tests.services.world import OPERATOR, FakeClock, World


def _names(ctx: ServiceContext, who: UserActor, **filters: object) -> list[str]:
    page = caseload(ctx, who, CaseloadFilter.model_validate({"per_page": 200, **filters}))
    return [e.display_name for e in page.entries]


def test_within_red_the_larger_deterioration_comes_first(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    # the names sort the other way, so the order cannot come from them
    # Abe: +7 then +9, reliable deterioration at two scored sessions in a row: red
    _episode_with(ctx, clock, world.ana, "Synthetic Abe", [10, 13, 17, 19], risk=False)
    _episode_with(ctx, clock, world.ana, "Synthetic Zed", [6, 12, 18, 24], risk=False)
    entries = caseload(ctx, world.ana).entries
    red = [e for e in entries if e.alert == "red"]
    assert [e.display_name for e in red] == ["Synthetic Zed", "Synthetic Abe"]
    assert red[0].deterioration > red[1].deterioration > 0


def test_within_a_level_the_patient_unseen_longest_comes_first(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Zoe", [20, 17, 15, 13, 12], risk=False)
    _episode_with(ctx, clock, world.ana, "Synthetic Amy", [20, 17, 15, 13, 12], risk=False)
    entries = [e for e in caseload(ctx, world.ana).entries if e.alert == "green"]
    assert [e.display_name for e in entries] == ["Synthetic Zoe", "Synthetic Amy"]
    assert entries[0].last_seen_on is not None
    assert entries[1].last_seen_on is not None
    assert entries[0].last_seen_on < entries[1].last_seen_on


def test_a_white_patient_never_sorts_above_a_red_one_and_no_status_never_below_white(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Aaron", [20, 14, 9, 5], risk=False)
    _episode_with(ctx, clock, world.ana, "Synthetic Zara", [10, 14, 18, 23], risk=False)
    alerts = [e.alert for e in caseload(ctx, world.ana).entries]
    assert alerts == ["red", "not_assessable", "white"]  # Alma (no measure) above white


def test_overdue_starts_the_day_after_the_interval(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    measured = clock.now
    record_administration(
        ctx, world.ana, world.episode_a, AdministrationCreate(instrument="phq9", answers=_items(9))
    )
    clock.advance(days=ctx.overdue_days)
    (entry,) = caseload(ctx, world.ana).entries
    assert not entry.overdue
    assert entry.measure_due_on == measured.date() + dt.timedelta(days=ctx.overdue_days)
    assert _names(ctx, world.ana, due="due") == ["Synthetic Alma"]  # the interval is reached
    assert _names(ctx, world.ana, due="overdue") == []
    clock.advance(days=1)
    (entry,) = caseload(ctx, world.ana).entries
    assert entry.overdue
    assert caseload(ctx, world.ana).overdue == 1
    assert _names(ctx, world.ana, due="overdue") == ["Synthetic Alma"]


def test_an_episode_never_measured_is_overdue_counted_from_its_start(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(days=ctx.overdue_days + 1)
    (entry,) = caseload(ctx, world.ana).entries
    assert entry.latest_on is None
    assert entry.overdue


def test_filters_by_alert_and_name_without_wildcards(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Dee", [10, 14, 18, 23], risk=False)
    _episode_with(ctx, clock, world.ana, "Synthetic Eve", [12, 11, 10, 9], risk=True)
    _episode_with(ctx, clock, world.ana, "Synthetic 100% Bea", [20, 17, 15, 13, 12], False)
    assert _names(ctx, world.ana, alert="red") == ["Synthetic Dee"]
    assert _names(ctx, world.ana, alert="risk") == ["Synthetic Eve"]
    assert _names(ctx, world.ana, alert="not_assessable") == ["Synthetic Alma"]
    assert _names(ctx, world.ana, name="dEe") == ["Synthetic Dee"]
    assert _names(ctx, world.ana, name="100%") == ["Synthetic 100% Bea"]
    assert _names(ctx, world.ana, name="%") == ["Synthetic 100% Bea"]  # a literal %
    assert _names(ctx, world.ana, name="nobody") == []


def test_name_search_ignores_accents_case_and_extra_spaces(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic José  Müller-Straße", [12, 11], risk=False)
    for query in ("jose", "JOSÉ MULLER", "müller-strasse", "  jose   muller "):
        assert _names(ctx, world.ana, name=query) == ["Synthetic José  Müller-Straße"], query
    page = caseload(ctx, world.ana, CaseloadFilter(name="MULLER"))
    assert page.total == 1


def test_the_totals_count_every_row_of_the_filters_not_only_the_page(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    for name, scores in [("Synthetic Kai", [10, 14, 18, 23]), ("Synthetic Lou", [9, 13, 17, 22])]:
        _episode_with(ctx, clock, world.ana, name, scores, risk=False)
    everyone = caseload(ctx, world.ana, CaseloadFilter(per_page=1))
    assert everyone.total == sum(everyone.counts[a] for a in everyone.counts if a != "risk")
    red = caseload(ctx, world.ana, CaseloadFilter(alert="red", per_page=1))
    assert (red.total, red.pages, len(red.entries)) == (everyone.counts["red"], 2, 1)


def test_a_supervisor_filters_by_clinician_and_an_unseen_one_is_not_found(
    ctx: ServiceContext, world: World
) -> None:
    assert _names(ctx, world.supervisor, clinician_id=world.ana.user_id) == ["Synthetic Alma"]
    with pytest.raises(NotFound):
        caseload(ctx, world.supervisor, CaseloadFilter(clinician_id=world.ben.user_id))
    with pytest.raises(NotFound):
        caseload(ctx, world.ana, CaseloadFilter(clinician_id=world.ben.user_id))


def test_pages_follow_the_one_order(ctx: ServiceContext, world: World, clock: FakeClock) -> None:
    for index, totals in enumerate(([10, 14, 18, 23], [20, 17, 15, 13, 12], [20, 14, 9, 5])):
        for copy in range(2):
            _episode_with(ctx, clock, world.ana, f"Synthetic P{index}{copy}", totals, False)
    whole = [e.episode_id for e in caseload(ctx, world.ana).entries]
    pages = [caseload(ctx, world.ana, CaseloadFilter(page=n, per_page=3)) for n in (1, 2, 3)]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [p.total for p in pages] == [7, 7, 7]
    assert [e.episode_id for p in pages for e in p.entries] == whole
    beyond = caseload(ctx, world.ana, CaseloadFilter(page=9, per_page=3))
    assert beyond.entries == []
    assert beyond.total == 7


def test_one_audit_entry_per_view_lists_the_patients_shown(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Dee", [10, 14, 18, 23], risk=False)
    with ctx.sessions() as session:
        before = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    page = caseload(ctx, world.ana, CaseloadFilter(per_page=1))
    with ctx.sessions() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.seq > (before or 0))))
    assert [(e.action, e.patient_id) for e in entries] == [("caseload.read", None)]
    assert entries[0].detail["shown"] == [page.entries[0].patient_id]
    assert "Dee" not in str(entries[0].detail)


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_caseload_runs_the_same_queries_whatever_the_clinic_size(
    ctx: ServiceContext, world: World, clock: FakeClock, engine: Engine
) -> None:
    def view() -> int:
        with _statements(engine) as seen:
            caseload(ctx, world.ana, CaseloadFilter(per_page=3))
        return len(seen)

    for n in range(4):
        _episode_with(ctx, clock, world.ana, f"Synthetic S{n}", [20, 17, 15, 13], risk=False)
    small = view()
    for n in range(12):
        _episode_with(ctx, clock, world.ana, f"Synthetic L{n}", [10, 14, 18, 23], risk=False)
    assert view() == small


def test_the_status_read_is_one_stored_row_whatever_the_number_of_measures(
    ctx: ServiceContext, world: World, clock: FakeClock, engine: Engine
) -> None:
    episode = _episode_with(ctx, clock, world.ana, "Synthetic Few", [20, 17], risk=False)
    with _statements(engine) as few:
        get_status(ctx, world.ana, episode)
    longer = _episode_with(ctx, clock, world.ana, "Synthetic Many", [20, 18, 16, 14] * 4, False)
    with _statements(engine) as many:
        status = get_status(ctx, world.ana, longer)
    assert status.latest_session == 16
    assert len(many) == len(few)
    assert not any("FROM scores" in s or "FROM administrations" in s for s in many)


def test_every_write_rewrites_the_stored_status_in_its_transaction(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    episode = _episode_with(ctx, clock, world.ana, "Synthetic Fay", [20, 17, 15], risk=False)
    first = get_status(ctx, world.ana, episode)
    with ctx.sessions() as session:
        version = session.scalar(
            select(EpisodeStatusRecord.version).where(EpisodeStatusRecord.episode_id == episode)
        )
    record_administration(
        ctx, world.ana, episode, AdministrationCreate(instrument="phq9", answers=_items(24))
    )
    second = get_status(ctx, world.ana, episode)
    assert (first.latest, second.latest) == (15, 24)
    with ctx.sessions() as session:
        row = session.scalars(
            select(EpisodeStatusRecord).where(EpisodeStatusRecord.episode_id == episode)
        ).one()
    assert row.version > (version or 0)
    assert (row.alert, row.latest) == (second.alert, 24)


def test_stale_rows_are_recomputed_and_a_full_refresh_changes_nothing_current(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    episode = _episode_with(ctx, clock, world.ana, "Synthetic Gil", [10, 14, 18, 23], risk=False)
    current = get_status(ctx, world.ana, episode)
    assert refresh_stale_statuses(ctx) == 0
    with ctx.sessions() as session, session.begin():
        session.execute(
            update(EpisodeStatusRecord)
            .where(EpisodeStatusRecord.episode_id == episode)
            .values(inputs_version="", rank=9, alert="white", status=None)
        )
    assert refresh_stale_statuses(ctx) == 1
    assert get_status(ctx, world.ana, episode) == current
    assert refresh_all_statuses(ctx, OPERATOR) >= 2
    assert get_status(ctx, world.ana, episode) == current
    assert caseload(ctx, world.ana).entries[0].alert == "red"


def test_an_open_risk_event_stays_first_when_other_patients_are_added(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Hal", [12, 11, 10, 9], risk=True)
    _episode_with(ctx, clock, world.ana, "Synthetic Ida", [6, 12, 18, 24], risk=False)
    patient = register_patient(ctx, world.ana, PatientCreate(display_name="Synthetic New")).id
    start_episode(ctx, world.ana, patient, EpisodeCreate(started_on=clock.now.date()))
    first = caseload(ctx, world.ana).entries[0]
    assert first.risk_flag
    assert first.display_name == "Synthetic Hal"
