"""Benchmark: retrospective statuses in batch (``attune status --batch``), SYNTHETIC episodes.

Writes N synthetic episode histories as JSON Lines (``attunement.simulate``: PHQ-9 answers,
so every risk item is scored; WAI-SR scores; profile; missed sessions), then times in the
same process:

* the baseline: reading the file and ``json.loads`` of every line (nothing else);
* ``attune status --batch`` (``attunement.cli._batch.batch_statuses``): parse, score, assess
  and serialise the status of each episode's latest session;
* the same with ``--each-session`` (a status after every attended session).

Goal (issue 11): >= 2,000 episode histories per second for the latest status.

Run: ``python bench/status_batch.py`` (``--episodes N``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attunement.cli._batch import batch_statuses, read_lines
from attunement.simulate import SYNTHETIC_LABEL, SyntheticPatient, simulate_clinic

START = dt.date(2024, 1, 1)


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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--episodes", type=int, default=4000)
    args = parser.parse_args(argv)
    print(SYNTHETIC_LABEL)
    clinic = simulate_clinic(seed=5, n_patients=args.episodes, start=START)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "episodes.jsonl"
        path.write_text("\n".join(episode_line(p) for p in clinic.patients) + "\n", "utf-8")
        sessions = sum(len(p.episode.sessions) for p in clinic.patients)
        batch_statuses(list(read_lines(path))[:20])  # warm the caches (definitions, rules)

        began = time.perf_counter()
        parsed = [json.loads(raw) for _, raw in read_lines(path)]
        baseline = time.perf_counter() - began

        began = time.perf_counter()
        latest = batch_statuses(read_lines(path))
        latest_time = time.perf_counter() - began

        began = time.perf_counter()
        each = batch_statuses(read_lines(path), each_session=True)
        each_time = time.perf_counter() - began
    assert len(parsed) == len(latest) == len(each) == args.episodes
    n = args.episodes
    print(f"{n} episode histories, {sessions} attended sessions (PHQ-9 answers, WAI-SR, profile)")
    print()
    print(
        "| step                                   | seconds | histories / s | ratio to baseline |"
    )
    print(
        "|----------------------------------------|---------|---------------|-------------------|"
    )
    for label, seconds in (
        ("baseline: read + json.loads only", baseline),
        ("status --batch (latest status)", latest_time),
        ("status --batch --each-session", each_time),
    ):
        print(
            f"| {label:<38} | {seconds:7.2f} | {n / seconds:13,.0f} | {seconds / baseline:17.1f} |"
        )
    print()
    goal = "met" if n / latest_time >= 2000 else "NOT met"
    print(f"goal >= 2,000 histories per second (latest status): {goal}")


if __name__ == "__main__":
    main()
