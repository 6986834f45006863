"""The research export's plan adherence: whether the plan was followed, per dimension (pure).

One row per episode and tailoring dimension with a fact (``attunement_plan_followed.csv``
or ``.parquet``): the ``followed`` value exactly as the learning maths reads it — decided
in one place, :func:`attunement.learning.plan_followed`, and handed in here — and how it was
decided: a clinician's record (the latest one of the dimension counts) or the rupture repair
rule (the alliance support prompt discussed at a session where the alliance was flagged;
:mod:`attunement.learning._adherence`). A dimension with no fact has no row: it did not
apply or is not known, never "not followed". With the episode table (outcome, end reason,
therapist) an analysis can refit the responsiveness associations of the clinic report
(``examples/reproduce_clinic_report.py``).

De-identified (:func:`deidentify_followed_row`): the ids become the same keyed pseudonyms as
the other tables; the rows carry no date and no note (a note is clinical free text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from attunement.exports._export import Column, ExportTable, Pseudonymizer
from attunement.learning import RUPTURE_REPAIR

__all__ = [
    "FOLLOWED_COLUMNS",
    "DecidedBy",
    "PlanFollowedRow",
    "deidentify_followed_row",
    "followed_rows",
    "followed_table",
]

#: How a ``followed`` value was decided.
DecidedBy = Literal["clinician_record", "rupture_repair_rule"]
_RULE: Final = "rupture_repair_rule"

FOLLOWED_COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "string", "Patient id (de-identified: keyed HMAC-SHA256 pseudonym)"),
    Column("clinician_id", "string", "Treating clinician id (de-identified: pseudonym)"),
    Column("episode_id", "string", "Episode id (de-identified: pseudonym)"),
    Column(
        "dimension",
        "string",
        f"Tailoring dimension of the plan (e.g. preferences, reactance) or {RUPTURE_REPAIR} "
        "(the alliance repaired after an alliance alert)",
    ),
    Column(
        "followed",
        "bool",
        "Whether the plan was followed on the dimension, as the learning section reads it; a "
        "dimension with no fact has no row (not applied or not known)",
    ),
    Column(
        "decided_by",
        "string",
        "clinician_record (the clinician's latest record of the dimension) or "
        f"{_RULE} (the alliance support prompt marked discussed at a session where the "
        "alliance was flagged ruptured or at risk; a clinician's record counts over it)",
    ),
    Column("synthetic", "bool", "True for records of the synthetic demo clinic"),
)


class PlanFollowedRow(BaseModel):
    """One dimension of one episode (field names are :data:`FOLLOWED_COLUMNS`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    clinician_id: str
    episode_id: str
    dimension: str
    followed: bool
    decided_by: DecidedBy
    synthetic: bool = False


def followed_rows(
    followed: Mapping[str, bool],
    recorded: Iterable[str],
    *,
    patient_id: str,
    clinician_id: str,
    episode_id: str,
    synthetic: bool,
) -> list[PlanFollowedRow]:
    """One row per dimension of one episode's ``followed`` (as ``plan_followed`` gives it),
    by dimension name; ``recorded`` are the dimensions a clinician recorded."""
    by_clinician = set(recorded)
    return [
        PlanFollowedRow(
            patient_id=patient_id,
            clinician_id=clinician_id,
            episode_id=episode_id,
            dimension=dimension,
            followed=followed[dimension],
            decided_by="clinician_record" if dimension in by_clinician else _RULE,
            synthetic=synthetic,
        )
        for dimension in sorted(followed)
    ]


def deidentify_followed_row(row: PlanFollowedRow, pseudonymizer: Pseudonymizer) -> PlanFollowedRow:
    """The row with its ids pseudonymised as the other tables' (it has no date or text)."""
    return row.model_copy(
        update={
            **pseudonymizer.record_ids(row.patient_id, row.clinician_id, row.episode_id),
        }
    )


def followed_table(rows: Iterable[PlanFollowedRow]) -> ExportTable:
    """Plan adherence as a table of the export."""
    return ExportTable(
        stem="attunement_plan_followed",
        rows_are="one per episode and plan dimension whether it was followed is known for",
        columns=FOLLOWED_COLUMNS,
        rows=rows,
    )
