"""Bulk import (issue 13): CSV rows in batches, each one use case, equal to the single path.

Runs on SQLite and PostgreSQL (the ``engine`` fixture). The CSV files come from the
synthetic clinic (``attunement.simulate``), labelled SYNTHETIC in their first line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from attunement.errors import Forbidden
from attunement.exports import ImportRowError, patient_units, read_csv_rows
from attunement.services import (
    EpisodeCreate,
    PatientCreate,
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionCreate,
    UserActor,
    UserCreate,
    create_user,
    record_session,
    register_patient,
    start_episode,
)
from attunement.services.bulk_import import import_batch, run_import
from attunement.simulate import SYNTHETIC_LABEL, SyntheticClinic, simulate_clinic
from attunement.simulate._csv import clinic_csv
from attunement.store import (
    Administration,
    AuditEntry,
    Episode,
    EpisodeStatusRecord,
    ImportLedgerEntry,
    Patient,
    RiskEventRecord,
    ScoreRecord,
    TherapySession,
    User,
)
from tests.services.world import OPERATOR, PASSWORD, START, World


def _clinic(ctx: ServiceContext, n: int = 8) -> SyntheticClinic:
    clinic = simulate_clinic(seed=11, n_patients=n, start=START.date() - dt.timedelta(days=200))
    for member in clinic.clinicians:
        create_user(
            ctx,
            OPERATOR,
            UserCreate(
                username=member.username,
                display_name=member.display_name,
                role="clinician",
                password=PASSWORD,  # type: ignore[arg-type]
            ),
        )
    return clinic


def _write(clinic: SyntheticClinic, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for name, chunks in clinic_csv(clinic, today=START.date()).items():
        (folder / name).write_text("".join(chunks), encoding="utf-8")
    return folder


def _units(folder: Path) -> list[list[Any]]:
    rows = []
    for name in ("patients.csv", "episodes.csv", "administrations.csv"):
        with (folder / name).open(encoding="utf-8") as handle:
            rows.extend(read_csv_rows(handle, file=name))
    return list(patient_units(rows))


def _count(ctx: ServiceContext, model: type[Any]) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _batch_entries(ctx: ServiceContext) -> int:
    """The audit entries the import itself appended."""
    with ctx.sessions() as session:
        found = session.scalar(
            select(func.count(AuditEntry.seq)).where(AuditEntry.action == "import.batch")
        )
        return int(found or 0)


_RECORD_IDS = {"id", "administration_id", "episode_id", "route"}


def _without_ids(value: Any) -> Any:
    """A stored JSON value without record ids and the route (``import`` vs ``session``),
    which differ between the two patients by construction."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in _RECORD_IDS}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _episode_facts(ctx: ServiceContext, episode_id: int) -> dict[str, Any]:
    """Scores, risk events and the stored status of an episode, without ids."""
    with ctx.sessions() as session:
        scores = [
            (number, instrument, answers, scales, flags)
            for number, instrument, answers, scales, flags in session.execute(
                select(
                    TherapySession.number,
                    Administration.instrument_id,
                    Administration.answers,
                    ScoreRecord.scales,
                    ScoreRecord.flags,
                )
                .join(TherapySession, TherapySession.id == Administration.session_id)
                .join(ScoreRecord, ScoreRecord.administration_id == Administration.id)
                .where(Administration.episode_id == episode_id)
                .order_by(TherapySession.number, Administration.instrument_id)
            )
        ]
        patient_id = session.scalar(select(Episode.patient_id).where(Episode.id == episode_id))
        risks = [
            (
                r.kind,
                r.responded_at is None,
                [(e["item"], e["session"], e["answer"], e["kind"]) for e in r.endorsements],
            )
            for r in session.scalars(
                select(RiskEventRecord)
                .where(RiskEventRecord.patient_id == patient_id)
                .order_by(RiskEventRecord.id)
            )
        ]
        status = session.scalars(
            select(EpisodeStatusRecord).where(EpisodeStatusRecord.episode_id == episode_id)
        ).one()
        return {
            "scores": scores,
            "risks": risks,
            "status": (
                status.alert,
                status.rank,
                status.change,
                status.category,
                _without_ids(status.status),
            ),
            "open_risk": status.open_risk_events,
        }


def test_csv_import_equals_the_single_path(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    clinic = _clinic(ctx)
    folder = _write(clinic, tmp_path / "csv")
    assert SYNTHETIC_LABEL in (folder / "patients.csv").read_text(encoding="utf-8")
    report = run_import(ctx, world.admin, _units(folder), batch_size=40)
    assert report.imported["patient"] == len(clinic.patients)
    assert report.batches > 1
    with ctx.sessions() as session:
        users = {u.username: u for u in session.scalars(select(User))}
        imported = {
            p.external_id: e.id
            for p, e in session.execute(
                select(Patient, Episode).join(Episode, Episode.patient_id == Patient.id)
            )
            if p.external_id and p.external_id.startswith(clinic.patients[0].key[:2])
        }
    risky = 0
    for synthetic in clinic.patients:
        user = users[synthetic.clinician]
        clinician = UserActor(user_id=user.id, username=user.username, role="clinician")
        patient = register_patient(
            ctx,
            clinician,
            PatientCreate(
                display_name=synthetic.display_name,
                preferred_language=synthetic.preferred_language,
                external_id=f"single-{synthetic.key}",
            ),
        )
        episode = start_episode(
            ctx,
            clinician,
            patient.id,
            EpisodeCreate(started_on=synthetic.episode.started_on, alliance_instrument="wai_sr"),
        )
        for visit in synthetic.episode.sessions:
            if visit.held_on > START.date():
                continue
            record_session(
                ctx,
                clinician,
                episode.id,
                TherapySessionCreate(
                    number=visit.number,
                    held_on=visit.held_on,
                    administrations=[
                        TherapySessionAdministration(
                            instrument="phq9", answers=list(visit.phq9_answers)
                        ),
                        TherapySessionAdministration(
                            instrument="wai_sr", answers=list(visit.wai_sr_answers)
                        ),
                    ],
                ),
            )
        single = _episode_facts(ctx, episode.id)
        bulk = _episode_facts(ctx, imported[synthetic.key])
        assert bulk == single, synthetic.key
        risky += bool(single["risks"])
    assert risky, "the synthetic clinic should raise at least one risk event"


def test_rerun_is_a_no_op_and_one_audit_entry_per_batch(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    folder = _write(_clinic(ctx, 5), tmp_path / "csv")
    audit_before = _batch_entries(ctx)
    first = run_import(ctx, world.admin, _units(folder), batch_size=30)
    # (each course a batch left pending is stored and audited by a short write of its own)
    assert _batch_entries(ctx) == audit_before + first.batches
    with ctx.sessions() as session:
        newest = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "import.batch")
            .order_by(AuditEntry.seq.desc())
        ).first()
        assert entry is not None
        assert entry.detail["patients"]
        assert entry.patient_id is None
        # the run ends by taking the clinic norms where due (one audited status refresh)
        assert newest is not None
        assert (newest.action, newest.detail["after"]) == ("status.refresh", "import")
    counts = [_count(ctx, m) for m in (Patient, Episode, Administration, RiskEventRecord)]
    again = run_import(ctx, world.admin, _units(folder), batch_size=30)
    assert sum(again.imported.values()) == 0
    assert again.skipped == first.imported
    assert [_count(ctx, m) for m in (Patient, Episode, Administration, RiskEventRecord)] == counts


def test_an_interrupted_run_resumes_and_imports_each_row_once(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    folder = _write(_clinic(ctx, 6), tmp_path / "csv")
    units = _units(folder)
    bad_unit = len(units) // 2
    broken = [list(u) for u in units]
    row = broken[bad_unit][-1]
    broken[bad_unit][-1] = type(row)(
        **{**{f: getattr(row, f) for f in row.__slots__}, "instrument": "nope"}
    )
    with pytest.raises(ImportRowError) as refused:
        run_import(ctx, world.admin, broken, batch_size=1)  # one patient per batch
    assert str(row.source) in refused.value.message
    assert "instrument" in refused.value.message
    partial = _count(ctx, ImportLedgerEntry)
    assert 0 < partial
    resumed = run_import(ctx, world.admin, units, batch_size=1)
    total = sum(len(u) for u in units)
    assert _count(ctx, ImportLedgerEntry) == total
    assert sum(resumed.skipped.values()) == partial
    assert _count(ctx, Administration) == sum(
        len([r for r in u if type(r).__name__ == "AdministrationRow"]) for u in units
    )


def test_a_bad_answer_names_file_line_field_value_and_writes_nothing_of_its_batch(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    folder = _write(_clinic(ctx, 2), tmp_path / "csv")
    path = folder / "administrations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[2].split(",")
    fields[-1] = "0;0;0;0;0;0;0;0;7"  # phq9 item 9 answered 7
    lines[2] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRowError) as refused:
        run_import(ctx, world.admin, _units(folder), batch_size=10_000)
    message = refused.value.message
    assert message.startswith("administrations.csv:3: answers")
    assert "7" in message
    assert "allowed" in message
    assert _count(ctx, ImportLedgerEntry) == 0
    assert _count(ctx, Patient) == 2  # the world's two patients only


def test_a_clinician_may_not_bulk_import(ctx: ServiceContext, world: World, tmp_path: Path) -> None:
    folder = _write(_clinic(ctx, 2), tmp_path / "csv")
    with pytest.raises(Forbidden):
        import_batch(ctx, world.ana, _units(folder)[0])
    with ctx.sessions() as session:
        denied = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert denied is not None
        assert (denied.action, denied.outcome) == ("import.batch", "denied")
    assert _count(ctx, ImportLedgerEntry) == 0


def test_csv_header_and_values_are_checked_with_file_and_line() -> None:
    with pytest.raises(ImportRowError, match=r"p.csv:1: header: 'nickname'"):
        list(read_csv_rows(["patient_id,display_name,clinician,nickname\n"], file="p.csv"))
    lines = [
        "# " + SYNTHETIC_LABEL + "\n",
        "episode_id,patient_id,started_on\n",
        "E1,P1,2026-13-01\n",
    ]
    with pytest.raises(ImportRowError, match=r"e.csv:3: started_on: '2026-13-01'.*YYYY-MM-DD"):
        list(read_csv_rows(lines, file="e.csv"))


def test_a_blank_item_9_opens_an_unanswered_risk_event(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    rows = [
        *read_csv_rows(
            ["patient_id,display_name,clinician\n", "P-9,Synthetic Nine,ana\n"], file="p.csv"
        ),
        *read_csv_rows(
            ["episode_id,patient_id,started_on\n", f"E-9,P-9,{START.date().isoformat()}\n"],
            file="e.csv",
        ),
        *read_csv_rows(
            [
                "administration_id,episode_id,session,held_on,instrument,answers\n",
                f"A-9,E-9,1,{START.date().isoformat()},phq9,1;1;1;1;1;1;1;1;\n",
            ],
            file="a.csv",
        ),
    ]
    run_import(ctx, world.admin, patient_units(rows))
    with ctx.sessions() as session:
        patient = session.scalars(select(Patient).where(Patient.external_id == "P-9")).one()
        events = list(
            session.scalars(select(RiskEventRecord).where(RiskEventRecord.patient_id == patient.id))
        )
        status = session.scalars(
            select(EpisodeStatusRecord).where(EpisodeStatusRecord.patient_id == patient.id)
        ).one()
    assert [e.kind for e in events] == ["unanswered"]
    assert status.open_risk_events == 1


def test_an_import_takes_the_clinic_norms_once_and_leaves_no_status_stale(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    """Issue 13: a batch does not take the clinic-derived norms again (each batch would
    re-assess every episode before it); the run takes them at its end, and every stored
    status then rests on them."""
    from attunement.services import refresh_stale_statuses

    folder = _write(_clinic(ctx, 56), tmp_path / "csv")
    run_import(ctx, world.admin, _units(folder), batch_size=200)
    assert_alliance_limits_rest_on_every_episode(ctx)
    assert refresh_stale_statuses(ctx) == 0


def assert_alliance_limits_rest_on_every_episode(ctx: ServiceContext) -> None:
    """Past the stated minimum of WAI-SR episodes, every stored alliance status has
    clinic-derived limits taken from all of them."""
    with ctx.sessions() as session:
        measured = session.scalar(
            select(func.count(func.distinct(Administration.episode_id)))
            .join(Episode, Episode.id == Administration.episode_id)
            .where(Episode.alliance_instrument == "wai_sr")
            .where(Administration.instrument_id == "wai_sr")
        )
        stored = [
            row.status["alliance"]
            for row in session.scalars(select(EpisodeStatusRecord))
            if row.status and row.status.get("alliance")
        ]
    assert measured is not None
    assert measured >= 50  # past the stated minimum
    assert stored
    assert {s["limits_origin"] for s in stored} == {"clinic-derived"}
    assert {s["clinic_norms"]["n_episodes"] for s in stored} == {measured}
