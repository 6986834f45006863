"""Benchmark: retrospective statuses in batch (``attune status --batch``), SYNTHETIC episodes.

Writes N synthetic episode histories as JSON Lines in two forms (``attunement.simulate``):

* **full**: PHQ-9 item answers (so every risk item is scored), WAI-SR scores, the profile,
  accommodated preferences and missed sessions — everything an episode file can hold;
* **totals**: PHQ-9 and WAI-SR totals per session and missed sessions only (what an export
  of stored scores gives),

then times in the same process, for each form:

* the baseline: reading the file and ``json.loads`` of every line (nothing else);
* ``attune status --batch`` (``attunement.cli._batch.batch_statuses``): parse, score, assess
  and serialise the status of each episode's latest session;
* the same with ``--each-session`` (a status after every attended session);
* for the full form, the latest status with ``--jobs N`` (N worker processes, one per CPU
  core by default): wall-clock only, since the work is in the workers.

Wall-clock seconds depend on what else the machine runs; CPU seconds of this process
(``time.process_time``) are printed beside them. Goal (issue 11): >= 2,000 episode
histories per second for the latest status of the full form; the table shows it both for
one process (histories per CPU second) and with ``--jobs`` (histories per wall second).

Run: ``python bench/status_batch.py`` (``--episodes N``, ``--jobs N``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attunement.cli._batch import batch_statuses, read_lines
from attunement.simulate import SYNTHETIC_LABEL, SyntheticPatient, simulate_clinic

START = dt.date(2024, 1, 1)


def totals_line(patient: SyntheticPatient) -> str:
    """One JSON line with totals only: the PHQ-9 and WAI-SR score of each session."""
    episode = patient.episode
    sessions: list[dict[str, Any]] = [
        {"session": s.number, "score": sum(s.phq9_answers)} for s in episode.sessions
    ]
    sessions += [{"session": n, "attended": False} for n in episode.missed_sessions]
    sessions.sort(key=lambda s: int(s["session"]))
    alliance = [
        {"session": s.number, "score": round(sum(s.wai_sr_answers) / 12, 4)}
        for s in episode.sessions
    ]
    return json.dumps(
        {
            "id": patient.key,
            "outcome": {"instrument": "phq9", "sessions": sessions},
            "alliance": {"instrument": "wai_sr", "sessions": alliance},
        }
    )


def episode_line(patient: SyntheticPatient) -> str:
    """One JSON line: the patient's episode as in an episode file, plus its id."""
    episode = patient.episode
    sessions: list[dict[str, Any]] = [
        {"session": s.number, "answers": list(s.phq9_answers)} for s in episode.sessions
    ]
    sessions += [{"session": n, "attended": False} for n in episode.missed_sessions]
    sessions.sort(key=lambda s: int(s["session"]))
    record = {
        "id": patient.key,
        "outcome": {"instrument": "phq9", "sessions": sessions},
        "alliance": {
            "instrument": "wai_sr",
            "sessions": [
                {"session": s.number, "score": round(sum(s.wai_sr_answers) / 12, 4)}
                for s in episode.sessions
            ],
        },
        "profile": patient.profile,
        "accommodated_preferences": list(patient.accommodated_preferences),
    }
    return json.dumps(record)


def _timed(work: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--episodes", type=int, default=4000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    print(SYNTHETIC_LABEL)
    clinic = simulate_clinic(seed=5, n_patients=args.episodes, start=START)
    n = args.episodes
    sessions = sum(len(p.episode.sessions) for p in clinic.patients)
    print(f"{n} episode histories, {sessions} attended sessions")
    print()
    print("| form   | step                             | wall s | histories/s | CPU s "
          "| histories/CPU s | ratio to baseline (CPU) |")  # fmt: skip
    print("|--------|----------------------------------|--------|-------------|-------"
          "|-----------------|-------------------------|")  # fmt: skip
    latest_rate = jobs_rate = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for form, make in (("full", episode_line), ("totals", totals_line)):
            path = Path(folder) / f"{form}.jsonl"
            path.write_text("\n".join(make(p) for p in clinic.patients) + "\n", "utf-8")
            batch_statuses(list(read_lines(path))[:20])  # warm the caches (definitions, rules)
            base_wall, base_cpu, parsed = _timed(
                lambda p=path: [json.loads(raw) for _, raw in read_lines(p)]
            )
            steps = (
                ("baseline: read + json.loads only", base_wall, base_cpu, len(parsed)),
                ("status --batch (latest status)", *_run(path, each_session=False)),
                ("status --batch --each-session", *_run(path, each_session=True)),
            )
            for label, wall, cpu, count in steps:
                assert count == n
                print(
                    f"| {form:<6} | {label:<32} | {wall:6.2f} | {n / wall:11,.0f} | {cpu:5.2f} "
                    f"| {n / cpu:15,.0f} | {cpu / base_cpu:23.1f} |"
                )
            if form == "full":
                latest_rate = n / steps[1][2]
                wall, _, count = _run(path, each_session=False, jobs=args.jobs)
                assert count == n
                jobs_rate = n / wall
                label = f"--jobs {args.jobs} (latest status)"
                print(
                    f"| {form:<6} | {label:<32} | {wall:6.2f} | {n / wall:11,.0f} |     – "
                    f"|               – | {wall / base_wall:17.1f} wall |"
                )
    print()
    for what, rate in (
        ("per CPU second, one process", latest_rate),
        (f"per wall second, --jobs {args.jobs}", jobs_rate),
    ):
        goal = "met" if rate >= 2000 else "NOT met"
        print(f"goal >= 2,000 histories {what} (full form, latest status): {rate:,.0f}, {goal}")


def _run(path: Path, *, each_session: bool, jobs: int = 1) -> tuple[float, float, int]:
    wall, cpu, lines = _timed(
        lambda: batch_statuses(read_lines(path), each_session=each_session, jobs=jobs)
    )
    return wall, cpu, len(lines)


if __name__ == "__main__":
    main()
