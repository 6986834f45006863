"""A SYNTHETIC clinic of ended episodes in a database, for ``bench/learning.py``.

The hidden-truth episodes (``attunement.simulate.hidden_truth``: scores by session, end
reason, therapist, language, sex, age band, stage, preference strength, whether the plan
was followed) are stored with bulk inserts — every patient ``synthetic``, named
"SYNTHETIC …" — one clinician account per therapist, a validating profile per patient, the
plan-adherence records a clinician would have made, then every stored status is computed
by the app's own refresh (``refresh_all_statuses``), so the read meets what a clinic's
database holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Engine, Table, insert

from attunement.instruments import load_instrument
from attunement.learning import LearningEpisode
from attunement.services import OperatorActor, refresh_all_statuses, service_context
from attunement.store import (
    Administration,
    Episode,
    Patient,
    PlanAdherenceRecord,
    ScoreRecord,
    User,
)

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
START = dt.date(2025, 1, 6)
SIGNING_KEY = "bench-learning-signing-key-0123456789"
OPERATOR = OperatorActor(name="bench")
_BATCH = 5000


def _table(model: Any) -> Table:
    return cast("Table", model.__table__)


def _insert(engine: Engine, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), _BATCH):
            connection.execute(insert(_table(model)), list(rows[start : start + _BATCH]))


def _profile(episode: LearningEpisode) -> dict[str, Any]:
    dims = episode.dimensions
    return {
        "reactance": dims["reactance"],
        "stage_of_change": dims["stage_of_change"],
        "preferences": [
            {
                "aspect": "emotional_intensity",
                "value": "intensity",
                "strength": dims["strongest_preference"],
            }
        ],
    }


def store_clinic(engine: Engine, episodes: Sequence[LearningEpisode]) -> int:
    """Store ``episodes`` as ended episodes of their therapists; the scores stored."""
    version = load_instrument("phq9").version
    therapists = sorted({e.therapist for e in episodes})
    user_id = {t: i + 1 for i, t in enumerate(therapists)}
    _insert(
        engine,
        User,
        [
            {
                "id": user_id[t],
                "username": t,
                "display_name": f"SYNTHETIC {t}",
                "role": "clinician",
                "created_at": NOW,
            }
            for t in therapists
        ],
    )
    _insert(
        engine,
        Patient,
        [
            {
                "id": k + 1,
                "display_name": f"SYNTHETIC former patient {k + 1}",
                "search_name": f"synthetic former patient {k + 1}",
                "preferred_language": e.language or "en",
                "clinician_id": user_id[e.therapist],
                "profile": _profile(e),
                "profile_updated_at": NOW,
                "sex": e.sex,
                "age_band": e.dimensions["age_band"],
                "synthetic": True,
                "created_at": NOW,
            }
            for k, e in enumerate(episodes)
        ],
    )
    _insert(
        engine,
        Episode,
        [
            {
                "id": k + 1,
                "patient_id": k + 1,
                "clinician_id": user_id[e.therapist],
                "started_on": START,
                "ended_on": START + dt.timedelta(weeks=len(e.scores) + 1),
                "outcome_instrument": "phq9",
                "end_reason": "dropout" if e.dropped_out else "planned_end",
            }
            for k, e in enumerate(episodes)
        ],
    )
    administrations, scores = score_rows([e.scores for e in episodes], version)
    _insert(engine, Administration, administrations)
    _insert(engine, ScoreRecord, scores)
    _insert(
        engine,
        PlanAdherenceRecord,
        [
            {
                "episode_id": k + 1,
                "dimension": dimension,
                "followed": followed,
                "note": "SYNTHETIC bench record",
                "recorded_at": NOW,
                "recorded_by": "bench",
            }
            for k, e in enumerate(episodes)
            for dimension, followed in e.followed.items()
        ],
    )
    ctx = service_context(engine, signing_key=SIGNING_KEY, clock=lambda: NOW)
    refresh_all_statuses(ctx, OPERATOR)
    return len(scores)


def score_rows(
    series: Sequence[Sequence[float]], version: str, *, rounded: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The administration and score rows of episodes 1, 2, … (weekly PHQ-9 totals from
    ``START``), for a bulk insert: stored as the app stores a score, without answers."""
    administrations: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    at = dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC)
    for k, values in enumerate(series):
        for week, value in enumerate(values):
            administrations.append(
                {
                    "id": len(administrations) + 1,
                    "episode_id": k + 1,
                    "instrument_id": "phq9",
                    "definition_version": version,
                    "answers": [],
                    "language": "en",
                    "entered_by": "bench",
                    "administered_at": at + dt.timedelta(weeks=week),
                    "entered_at": NOW,
                }
            )
            scores.append(
                {
                    "administration_id": len(administrations),
                    "definition_version": version,
                    "scales": {"total": {"value": float(round(value) if rounded else value)}},
                    "flags": [],
                    "has_risk_flag": False,
                    "computed_at": NOW,
                }
            )
    return administrations, scores
