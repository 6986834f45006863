"""Research export on a SYNTHETIC clinic: time, peak memory and plan computations.

A clinic of ``--patients`` (1,000) is seeded into a temporary SQLite file: a template of
``--template`` (250) synthetic patients through the app, bulk-copied to the size
(``bench/_copied_clinic.py``). A fresh child process then writes the whole research export
(``write_research_export``: the main rows and every further table, ``--fmt`` csv or
parquet, ``--deidentify`` with a bench secret) and prints

- the time of one run (the first: caches cold),
- the peak resident set size above the process's size before the run (``ru_maxrss``),
- the peak of Python allocations during a second run (``tracemalloc``),
- with ``--profile``, a third run under cProfile: how many times ``tailored_plan`` ran and
  its share of the run (the plan is the export's costliest per-patient read),
- the rows of each file and its SHA-256, so two commits' exports can be compared byte for
  byte (the ids, dates and secret are the same from run to run).

There is no baseline in the same process: the way the export worked before is gone from the
code, so before/after figures come from running this script at two commits (bench/README.md).

Run: ``python bench/research_export.py`` (``--patients 1000 --template 250 --fmt csv``).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _copied_clinic import NOW, SIGNING_KEY, seed_clinic
from _peaks import peaks
from attunement.exports import ExportFiles
from attunement.services import OperatorActor, service_context
from attunement.services.reports import write_research_export
from attunement.simulate import SYNTHETIC_LABEL
from attunement.store import make_engine

OPERATOR = OperatorActor(name="bench")
SECRET = "bench-research-export-secret-0123456789"


def _plan_calls(profile: cProfile.Profile) -> tuple[int, float, float]:
    """(calls of ``tailored_plan``, their cumulative seconds, the whole run's seconds)."""
    stats: Any = pstats.Stats(profile).stats
    calls, seconds = 0, 0.0
    for (filename, _line, name), (_cc, count, _tt, cumulative, _callers) in stats.items():
        if name == "tailored_plan" and filename.endswith("_status.py"):
            calls, seconds = calls + count, seconds + cumulative
    return calls, seconds, float(pstats.Stats(profile).total_tt)  # type: ignore[attr-defined]


def measure(path: Path, fmt: str, *, deidentify: bool, profile: bool) -> dict[str, Any]:
    """In this (fresh) process: time and peak RSS of one run, traced peak of another."""
    engine = make_engine(f"sqlite:///{path}")
    ctx = service_context(engine, signing_key=SIGNING_KEY, clock=lambda: NOW)

    def run() -> ExportFiles:
        out_dir = Path(tempfile.mkdtemp())
        return write_research_export(
            ctx,
            OPERATOR,
            fmt="csv" if fmt == "csv" else "parquet",
            out_dir=out_dir,
            deidentify_with=SECRET if deidentify else None,
        )

    measured = peaks(run)
    files = measured.result
    figures: dict[str, Any] = {
        "seconds": measured.seconds,
        "rss_mb": measured.rss_mb,
        "traced_mb": measured.traced_mb,
    }
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(run)
        figures["plan_calls"], figures["plan_s"], figures["profiled_s"] = _plan_calls(profiler)
    rows = dict(zip((p.name for p in files.tables), files.table_rows, strict=True))
    files_written = [files.data, *files.tables, files.dictionary]
    figures["files"] = {
        p.name: {
            "rows": files.rows if p == files.data else rows.get(p.name),
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest()[:16],
        }
        for p in files_written
    }
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--template", type=int, default=250)
    parser.add_argument("--fmt", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--deidentify", action="store_true")
    parser.add_argument("--profile", action="store_true", help="count the plan computations")
    parser.add_argument("--measure", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        figures = measure(
            Path(args.measure), args.fmt, deidentify=args.deidentify, profile=args.profile
        )
        print(json.dumps(figures))
        return
    print(SYNTHETIC_LABEL)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        seconds = seed_clinic(path, args.patients, args.template)
        print(f"# seeded {args.patients} synthetic patients in {seconds:.1f} s")
        child = [sys.executable, __file__, "--measure", str(path), "--fmt", args.fmt]
        child += ["--deidentify"] * args.deidentify + ["--profile"] * args.profile
        out = subprocess.run(child, check=True, capture_output=True, text=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"research export ({args.fmt}{', de-identified' if args.deidentify else ''}) of "
        f"{args.patients} patients: {figures['seconds']:.1f} s, peak RSS "
        f"{figures['rss_mb']:.1f} MB above the start, traced peak {figures['traced_mb']:.1f} MB"
    )
    if args.profile:
        print(
            f"tailored_plan: {figures['plan_calls']} calls, {figures['plan_s']:.1f} s of "
            f"{figures['profiled_s']:.1f} s profiled "
            f"({figures['plan_s'] / figures['profiled_s']:.0%})"
        )
    for name, file in figures["files"].items():
        rows = "" if file["rows"] is None else file["rows"]
        print(f"  {name:<34} {rows!s:>8} rows  sha256 {file['sha256']}")


if __name__ == "__main__":
    main()
