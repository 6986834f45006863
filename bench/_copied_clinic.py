"""A SYNTHETIC clinic of any size in a SQLite file, for the report and export benchmarks.

A template of synthetic patients is seeded through the app (``seed_demo_clinic``: every
administration scored, every stored status computed as on every write), then copied by
direct bulk inserts (ids shifted; every copy keeps ``synthetic = true`` and gets a
``(synthetic copy N)`` external id) until the size is reached.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from sqlalchemy import Engine, MetaData, func, insert, select

from attunement.services import seed_demo_clinic, service_context
from attunement.simulate import simulate_clinic
from attunement.store import make_engine, migrate

__all__ = ["NOW", "SIGNING_KEY", "seed_clinic", "seed_template"]

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
SIGNING_KEY = "bench-" + "x" * 32
#: copied in this order (parents first); every id and foreign key is shifted per copy
CLONED: tuple[str, ...] = (
    "patients",
    "episodes",
    "sessions",
    "administrations",
    "scores",
    "risk_events",
    "episode_statuses",
)
#: plain integer columns holding the id of a row of another cloned table
ID_COLUMNS = {
    ("episodes", "final_outcome_administration_id"): "administrations",
    ("episodes", "final_alliance_administration_id"): "administrations",
    ("administrations", "corrected_by_id"): "administrations",
}


def seed_template(engine: Engine, patients: int) -> None:
    """``patients`` synthetic patients (seed 7) stored through the app's own seeding path."""
    ctx = service_context(engine, signing_key=SIGNING_KEY, clock=lambda: NOW)
    clinic = simulate_clinic(seed=7, n_patients=patients, start=NOW.date() - dt.timedelta(days=200))
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)


def _copy_clinic(engine: Engine, copies: int) -> None:
    """Append ``copies`` copies of every cloned table's rows, ids shifted (bulk inserts)."""
    meta = MetaData()
    meta.reflect(engine, only=CLONED)
    with engine.begin() as conn:
        offsets = {
            name: int(conn.scalar(select(func.max(meta.tables[name].c.id))) or 0) for name in CLONED
        }
        for name in CLONED:
            table = meta.tables[name]
            refs = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
            refs.update({col: ref for (tab, col), ref in ID_COLUMNS.items() if tab == name})
            refs = {col: ref for col, ref in refs.items() if ref in offsets}
            rows = [dict(row) for row in conn.execute(select(table)).mappings()]
            for copy in range(1, copies + 1):
                batch = []
                for row in rows:
                    new = dict(row, id=row["id"] + copy * offsets[name])
                    for col, ref in refs.items():
                        if new[col] is not None:
                            new[col] += copy * offsets[ref]
                    if name == "patients":
                        new["synthetic"] = True
                        new["external_id"] = (
                            f"{row['external_id'] or row['id']} (synthetic copy {copy})"
                        )
                    batch.append(new)
                for start in range(0, len(batch), 5000):
                    conn.execute(insert(table), batch[start : start + 5000])


def seed_clinic(path: Path, patients: int, template: int) -> float:
    """A synthetic clinic of ``patients`` patients at ``path``; the seconds it took."""
    start = time.perf_counter()
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    seed_template(engine, template)
    if patients > template:
        _copy_clinic(engine, patients // template - 1)
    engine.dispose()
    return time.perf_counter() - start
