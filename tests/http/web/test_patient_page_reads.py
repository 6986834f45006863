"""The patient page is one read (issue 13).

It used to run about seven audited read use cases per view (patient, episodes, risk
events, plan, administrations, status, chart data). One read use case, ``patient_page``,
now reads everything the page shows in one snapshot with a number of statements that does
not grow with the record, and audits it as one entry naming the patient and the ids of
the records read. One read of the history gives the page both the live administrations
and the voided ones: the voided administration is in the history and counts nowhere else.
"""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    PatientCreate,
    ServiceContext,
    VoidRequest,
    record_administration,
    register_patient,
    start_episode,
    void_administration,
)
from attunement.store import AuditEntry
from tests.http.web.clinic import phq9
from tests.http.web.pages import sign_in
from tests.services.world import START, World


def _page_reads(ctx: ServiceContext) -> int:
    with ctx.sessions() as session:
        found = session.scalar(
            select(func.count(AuditEntry.seq)).where(AuditEntry.action == "patient.page")
        )
    return int(found or 0)


def _patient_entries_after(ctx: ServiceContext, seq: int) -> list[AuditEntry]:
    """The audit entries about a patient appended after ``seq``."""
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.seq > seq, AuditEntry.patient_id.is_not(None))
                .order_by(AuditEntry.seq)
            )
        )


def _last_seq(ctx: ServiceContext) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.max(AuditEntry.seq))) or 0)


def _sessions(ctx: ServiceContext, world: World, episode_id: int, count: int) -> None:
    """``count`` sessions, each with a PHQ-9 and a WAI-SR (synthetic answers)."""
    for number in range(1, count + 1):
        when = START + dt.timedelta(days=7 * number)
        for instrument, answers in (
            ("phq9", phq9(max(0, 20 - number))),
            ("wai_sr", [4] * 12),
        ):
            record_administration(
                ctx,
                world.ana,
                episode_id,
                AdministrationCreate(
                    instrument=instrument,
                    answers=answers,
                    session_number=number,
                    administered_at=when,
                ),
            )


def _statements(ctx: ServiceContext, client: TestClient, path: str) -> int:
    """The SQL statements the server sends to the database to answer ``GET path``."""
    sent: list[str] = []

    def count(_c: object, _cur: object, statement: str, *_: object) -> None:
        sent.append(statement)

    engine = ctx.sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    return len(sent)


def test_one_page_view_lists_the_administrations_once_and_keeps_voided_ones_apart(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    for number, total in ((1, 18), (2, 15)):
        record_administration(
            ctx,
            world.ana,
            world.episode_a,
            AdministrationCreate(
                instrument="phq9",
                answers=phq9(total),
                session_number=number,
                administered_at=START + dt.timedelta(days=7 * number),
            ),
        )
    wrong = record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(
            instrument="phq9",
            answers=phq9(3),
            session_number=3,
            administered_at=START + dt.timedelta(days=21),
        ),
    )
    void_administration(
        ctx, world.ana, wrong.id, VoidRequest(reason="entered for the wrong patient")
    )
    sign_in(client, "ana")
    before = _page_reads(ctx)
    response = client.get(f"/patients/{world.patient_a}")
    assert response.status_code == 200
    assert _page_reads(ctx) == before + 1
    assert "entered for the wrong patient" in response.text  # the history holds it
    assert "2 sessions" in response.text  # the voided session-3 measure counts nowhere


def test_a_page_view_is_one_audit_entry_naming_the_patient_and_the_records_read(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _sessions(ctx, world, world.episode_a, 2)
    sign_in(client, "ana")
    seq = _last_seq(ctx)
    response = client.get(f"/patients/{world.patient_a}")
    assert response.status_code == 200
    assert "2 sessions recorded" in response.text
    entries = _patient_entries_after(ctx, seq)
    assert [(e.action, e.patient_id, e.outcome) for e in entries] == [
        ("patient.page", world.patient_a, "success")
    ]
    detail = entries[0].detail
    assert detail["episode"] == world.episode_a
    assert detail["episodes"] == [world.episode_a]
    assert len(detail["administrations"]) == 4  # two PHQ-9s and two WAI-SRs, by id
    assert {"patient", "plan", "risk_events", "status", "charts"} <= set(detail["read"])
    assert "Synthetic Alma" not in str(detail)  # kinds and ids, never health data


def test_a_supervisor_view_is_one_audited_read_and_another_clinician_gets_404(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "sam")
    seq = _last_seq(ctx)
    assert client.get(f"/patients/{world.patient_a}").status_code == 200
    assert [e.action for e in _patient_entries_after(ctx, seq)] == ["patient.page"]
    client.cookies.clear()
    sign_in(client, "ben")
    seq = _last_seq(ctx)
    assert client.get(f"/patients/{world.patient_a}").status_code == 404
    assert [(e.action, e.outcome) for e in _patient_entries_after(ctx, seq)] == [
        ("patient.page", "not_found")
    ]


def test_the_statements_of_a_page_view_do_not_grow_with_the_sessions(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    few = world.patient_a
    _sessions(ctx, world, world.episode_a, 3)
    many = register_patient(
        ctx, world.ana, PatientCreate(display_name="Synthetic Carla", preferred_language="en")
    ).id
    episode = start_episode(
        ctx, world.ana, many, EpisodeCreate(started_on=START.date(), alliance_instrument="wai_sr")
    ).id
    _sessions(ctx, world, episode, 15)
    sign_in(client, "ana")
    client.get(f"/patients/{few}")  # warm: the first request of a client loads more
    small = _statements(ctx, client, f"/patients/{few}")
    large = _statements(ctx, client, f"/patients/{many}")
    page = client.get(f"/patients/{many}")
    assert "15 sessions recorded" in page.text
    assert large == small, (small, large)
