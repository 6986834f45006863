"""The synthetic clinic as the bulk-import CSV files (``attune import csv``), for the tests
and ``bench/bulk_import.py``. Each file starts with a ``#`` comment saying SYNTHETIC, and
every patient row says ``synthetic=true``.

Only the sessions held by ``today`` are written (no record dated in the future), as the
demo seed records them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

from attunement.simulate import SYNTHETIC_LABEL, SyntheticClinic

__all__ = ["clinic_csv"]


def _text(header: list[str], rows: Iterator[list[str]]) -> Iterator[str]:
    yield f"# {SYNTHETIC_LABEL}\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _answers(values: tuple[int, ...]) -> str:
    return ";".join(str(v) for v in values)


def clinic_csv(clinic: SyntheticClinic, *, today: dt.date) -> dict[str, Iterator[str]]:
    """``patients.csv``, ``episodes.csv`` and ``administrations.csv`` as text chunks."""

    def patients() -> Iterator[list[str]]:
        for p in clinic.patients:
            yield [p.key, p.display_name, p.clinician, p.preferred_language, "true"]

    def episodes() -> Iterator[list[str]]:
        for p in clinic.patients:
            yield [f"{p.key}-E1", p.key, p.episode.started_on.isoformat(), "phq9", "wai_sr"]

    def administrations() -> Iterator[list[str]]:
        for p in clinic.patients:
            for visit in p.episode.sessions:
                if visit.held_on > today:
                    continue
                for instrument, answers in (
                    ("phq9", visit.phq9_answers),
                    ("wai_sr", visit.wai_sr_answers),
                ):
                    yield [
                        f"{p.key}-S{visit.number}-{instrument}",
                        f"{p.key}-E1",
                        str(visit.number),
                        visit.held_on.isoformat(),
                        instrument,
                        _answers(answers),
                    ]

    return {
        "patients.csv": _text(
            ["patient_id", "display_name", "clinician", "preferred_language", "synthetic"],
            patients(),
        ),
        "episodes.csv": _text(
            ["episode_id", "patient_id", "started_on", "outcome_instrument", "alliance_instrument"],
            episodes(),
        ),
        "administrations.csv": _text(
            ["administration_id", "episode_id", "session", "held_on", "instrument", "answers"],
            administrations(),
        ),
    }
