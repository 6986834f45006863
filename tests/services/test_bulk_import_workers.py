"""Bulk import in several worker processes (``attune import csv --workers``, issue 13).

On PostgreSQL the batches are imported by worker processes side by side, and the final
status refresh is shared among them too: the clinic that results is the one a single
process imports (every record once, one audit entry per batch on a chain that verifies, no
stale status, the clinic norms taken from every episode), a re-run imports nothing, and a
refused batch stops the run with its error. SQLite has one writer: more than one worker is
refused, naming the field and what is allowed. All patients here are synthetic.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from attunement.errors import InputError
from attunement.exports import ImportRowError
from attunement.services import (
    ServiceContext,
    refresh_stale_statuses,
    verify_audit_chain,
)
from attunement.services.bulk_import import run_import
from attunement.store import (
    Administration,
    Episode,
    EpisodeStatusRecord,
    ImportLedgerEntry,
    Patient,
    make_engine,
)
from tests.services.test_bulk_import import (
    _batch_entries,
    _clinic,
    _count,
    _units,
    _write,
    assert_alliance_limits_rest_on_every_episode,
)
from tests.services.world import OPERATOR, World, make_context


def _worker_context(url: str) -> ServiceContext:
    """Opened in each worker process: its own engine on the test's database."""
    return make_context(make_engine(url))


def _workers_of(engine: Engine) -> Any:
    return functools.partial(_worker_context, engine.url.render_as_string(hide_password=False))


def _stored_rows(ctx: ServiceContext) -> int:
    return _count(ctx, EpisodeStatusRecord)


def test_two_worker_processes_import_the_clinic_one_process_would(
    ctx: ServiceContext, engine: Engine, world: World, tmp_path: Path
) -> None:
    folder = _write(_clinic(ctx, 56), tmp_path / "csv")
    units = _units(folder)
    if engine.dialect.name == "sqlite":
        with pytest.raises(InputError) as refused:
            run_import(ctx, world.admin, units, workers=2, worker_context=_workers_of(engine))
        assert "workers" in refused.value.message
        assert "PostgreSQL" in refused.value.message
        assert _count(ctx, ImportLedgerEntry) == 0  # nothing was written
        return
    report = run_import(
        ctx, world.admin, units, batch_size=150, workers=2, worker_context=_workers_of(engine)
    )
    rows = [row for unit in units for row in unit]
    kinds = {
        "PatientRow": "patient",
        "EpisodeRow": "episode",
        "AdministrationRow": "administration",
    }
    expected = {kind: sum(kinds[type(r).__name__] == kind for r in rows) for kind in kinds.values()}
    assert report.imported == expected
    assert report.batches > 4
    assert _batch_entries(ctx) == report.batches
    assert _count(ctx, ImportLedgerEntry) == len(rows)
    assert _count(ctx, Administration) == expected["administration"]
    assert _count(ctx, Patient) == expected["patient"] + 2  # and the world's two
    assert verify_audit_chain(ctx, OPERATOR).intact
    # every episode has its status, computed with the norms taken from every episode
    assert _stored_rows(ctx) == _count(ctx, Episode)
    assert refresh_stale_statuses(ctx) == 0
    assert_alliance_limits_rest_on_every_episode(ctx)
    again = run_import(ctx, world.admin, units, workers=2, worker_context=_workers_of(engine))
    assert sum(again.imported.values()) == 0
    assert again.skipped == report.imported


def test_a_refused_batch_in_a_worker_stops_the_run_and_bad_worker_counts_are_refused(
    ctx: ServiceContext, engine: Engine, world: World, tmp_path: Path
) -> None:
    folder = _write(_clinic(ctx, 8), tmp_path / "csv")
    for workers in (0, 9, -1):
        with pytest.raises(InputError) as bad:
            run_import(ctx, world.admin, _units(folder), workers=workers)
        assert bad.value.message.startswith(f"workers: {workers}")
        assert "from 1 to 8" in bad.value.message
    assert _count(ctx, ImportLedgerEntry) == 0
    if engine.dialect.name == "sqlite":
        return  # several workers are refused on SQLite (the test above)
    units = [list(unit) for unit in _units(folder)]
    row = units[2][-1]
    units[2][-1] = type(row)(
        **{**{f: getattr(row, f) for f in row.__slots__}, "instrument": "nope"}
    )
    with pytest.raises(ImportRowError) as refused:
        run_import(
            ctx, world.admin, units, batch_size=1, workers=2, worker_context=_workers_of(engine)
        )
    assert str(row.source) in refused.value.message
    assert "instrument" in refused.value.message
    fixed = _units(folder)
    resumed = run_import(ctx, world.admin, fixed, workers=2, worker_context=_workers_of(engine))
    total = sum(len(u) for u in fixed)
    assert _count(ctx, ImportLedgerEntry) == total
    assert sum(resumed.imported.values()) + sum(resumed.skipped.values()) == total
    assert 0 < sum(resumed.skipped.values()) < total  # the batches before the refusal stayed


def test_every_kind_of_error_crosses_a_process_boundary_as_it_was() -> None:
    """A worker's error reaches the parent whole: kind, message and attributes."""
    import pickle

    from attunement.errors import Conflict, NotFound
    from attunement.exports import RowSource

    row = ImportRowError(RowSource("a.csv", 7), "instrument", "nope", "phq9, gad7", risk=("x",))
    errors = [row, InputError("workers", 9, "from 1 to 8"), NotFound("patient", 3), Conflict("c")]
    for error in errors:
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert again.__dict__ == error.__dict__
    assert pickle.loads(pickle.dumps(row)).source == RowSource("a.csv", 7)
