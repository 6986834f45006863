"""The research export's plans and accommodations: one row per plan line (pure).

A patient's tailored plan (:mod:`attunement.tailoring`) is a list of recommendations, each
on one tailoring dimension with the evidence elements it rests on. Researchers get each
episode's plan as ``attunement_plan.csv`` (or ``.parquet``): one row per line — its place,
its section (the foundations every plan carries, then the tailored recommendations), the
dimension, the recommendation's id and summary, the rule that fired, the evidence elements
and whether the line accommodates the patient. The lines that do — a strong preference
answered, a culturally adapted treatment the patient wants, their religion or spirituality
brought in as they want it — are repeated in ``attunement_accommodations.csv`` with the
patient facts they answer. Which line accommodates is decided where the clinic report
decides it (``documents.accommodation_kind``) and handed in with the line.

Plans carry no dates; de-identified (:func:`deidentify_plan_row`), the ids become the same
keyed pseudonyms as the other tables, so the rows join on ``patient_id`` and ``episode_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from attunement.exports._export import (
    Column,
    ExportTable,
    JointTables,
    Pseudonymizer,
    TableLayout,
)
from attunement.tailoring import Recommendation

__all__ = [
    "ACCOMMODATION_COLUMNS",
    "PLAN_COLUMNS",
    "AccommodationRow",
    "PlanLine",
    "PlanRow",
    "accommodation_rows",
    "accommodation_table",
    "deidentify_plan_row",
    "plan_rows",
    "plan_table",
    "plan_table_rows",
    "plan_tables",
]

_IDS = (
    Column("patient_id", "string", "Patient id (de-identified: keyed HMAC-SHA256 pseudonym)"),
    Column("clinician_id", "string", "Treating clinician id (de-identified: pseudonym)"),
    Column("episode_id", "string", "Episode id (de-identified: pseudonym)"),
)
_KIND = (
    "What the line accommodates: preferences (a strong preference answered), culture (a "
    "culturally adapted treatment the patient wants), religion_spirituality (faith brought "
    "into therapy as the patient wants); empty when it accommodates nothing"
)
PLAN_COLUMNS: tuple[Column, ...] = (
    *_IDS,
    Column("line", "int32", "Place of the line in the plan; 1 = first"),
    Column("section", "string", "foundation (in every plan) or recommendation (tailored)"),
    Column("dimension", "string", "Tailoring dimension of the line, e.g. reactance, culture"),
    Column("recommendation_id", "string", "Id of the recommendation (its rule file's id)"),
    Column("recommendation", "string", "The recommendation's summary as the clinician reads it"),
    Column("rule", "string", "Id of the rule that yielded the line"),
    Column("priority", "int32", "Priority the rule engine gave the line (lower comes first)"),
    Column("evidence_elements", "string", "Evidence elements the line cites, separated by ';'"),
    Column("risk", "bool", "True for a line set by an open risk event or risk flag"),
    Column("accommodation", "string", _KIND),
    Column("synthetic", "bool", "True for records of the synthetic demo clinic"),
)
ACCOMMODATION_COLUMNS: tuple[Column, ...] = (
    *_IDS,
    Column("line", "int32", "Place of the line in the plan (joins attunement_plan.line)"),
    Column("kind", "string", _KIND.replace("; empty when it accommodates nothing", "")),
    Column("dimension", "string", "Tailoring dimension of the line"),
    Column("recommendation_id", "string", "Id of the recommendation"),
    Column(
        "because",
        "string",
        "Patient facts the line answers, profile field=value (strength), separated by ';'",
    ),
    Column("synthetic", "bool", "True for records of the synthetic demo clinic"),
)


@dataclass(frozen=True)
class PlanLine:
    """One line of a plan with what it accommodates (None: nothing)."""

    section: Literal["foundation", "recommendation"]
    recommendation: Recommendation
    accommodation: str | None = None


class _Ids(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    clinician_id: str
    episode_id: str


class PlanRow(_Ids):
    """One line of one episode's plan (field names are :data:`PLAN_COLUMNS`)."""

    line: int
    section: str
    dimension: str
    recommendation_id: str
    recommendation: str
    rule: str
    priority: int
    evidence_elements: str | None
    risk: bool
    accommodation: str | None = None
    synthetic: bool = False


class AccommodationRow(_Ids):
    """One accommodating line of one episode's plan (field names are
    :data:`ACCOMMODATION_COLUMNS`)."""

    line: int
    kind: str
    dimension: str
    recommendation_id: str
    because: str | None
    synthetic: bool = False


def _joined(values: Iterable[object]) -> str | None:
    return ";".join(dict.fromkeys(str(v) for v in values if v is not None)) or None


def plan_rows(
    lines: Iterable[PlanLine],
    *,
    patient_id: str,
    clinician_id: str,
    episode_id: str,
    synthetic: bool,
) -> list[PlanRow]:
    """One row per line of one episode's plan, in the plan's order."""
    return [
        PlanRow(
            patient_id=patient_id,
            clinician_id=clinician_id,
            episode_id=episode_id,
            line=number,
            section=line.section,
            dimension=line.recommendation.dimension,
            recommendation_id=line.recommendation.id,
            recommendation=line.recommendation.summary,
            rule=line.recommendation.rule,
            priority=line.recommendation.priority,
            evidence_elements=_joined(e.element for e in line.recommendation.evidence),
            risk=line.recommendation.risk,
            accommodation=line.accommodation,
            synthetic=synthetic,
        )
        for number, line in enumerate(lines, start=1)
    ]


def _fact(field: str, value: object, strength: str | None) -> str:
    text = f"{field}={str(value).lower() if isinstance(value, bool) else value}"
    return f"{text} ({strength})" if strength else text


def accommodation_rows(
    lines: Iterable[PlanLine],
    *,
    patient_id: str,
    clinician_id: str,
    episode_id: str,
    synthetic: bool,
) -> list[AccommodationRow]:
    """One row per accommodating line of one episode's plan (numbered as in the plan)."""
    rows = []
    for number, line in enumerate(lines, start=1):
        if line.accommodation is None:
            continue
        rows.append(
            AccommodationRow(
                patient_id=patient_id,
                clinician_id=clinician_id,
                episode_id=episode_id,
                line=number,
                kind=line.accommodation,
                dimension=line.recommendation.dimension,
                recommendation_id=line.recommendation.id,
                because=_joined(
                    _fact(f.field, f.value, f.strength) for f in line.recommendation.because
                ),
                synthetic=synthetic,
            )
        )
    return rows


def plan_table_rows(
    lines: Sequence[PlanLine],
    *,
    patient_id: str,
    clinician_id: str,
    episode_id: str,
    synthetic: bool,
) -> list[tuple[int, PlanRow | AccommodationRow]]:
    """One episode's rows of both tables of :func:`plan_tables`, each with the place of its
    table there (0 the plan, 1 the accommodations)."""
    ids = {"patient_id": patient_id, "clinician_id": clinician_id, "episode_id": episode_id}
    return [
        *((0, row) for row in plan_rows(lines, **ids, synthetic=synthetic)),
        *((1, row) for row in accommodation_rows(lines, **ids, synthetic=synthetic)),
    ]


_Row = TypeVar("_Row", bound=_Ids)


def deidentify_plan_row(row: _Row, pseudonymizer: Pseudonymizer) -> _Row:
    """The row with its ids pseudonymised as the other tables' (a plan has no dates and
    no free text of the patient's)."""
    return row.model_copy(
        update={
            **pseudonymizer.record_ids(row.patient_id, row.clinician_id, row.episode_id),
        }
    )


_PLAN = TableLayout(
    stem="attunement_plan",
    rows_are="one per line of the tailored plan of an episode's patient",
    columns=PLAN_COLUMNS,
)
_ACCOMMODATIONS = TableLayout(
    stem="attunement_accommodations",
    rows_are="one per plan line that accommodates the patient (preference, culture, faith)",
    columns=ACCOMMODATION_COLUMNS,
)


def plan_table(rows: Iterable[PlanRow]) -> ExportTable:
    """The plans as a table of the export."""
    return ExportTable(_PLAN.stem, _PLAN.rows_are, _PLAN.columns, rows)


def accommodation_table(rows: Iterable[AccommodationRow]) -> ExportTable:
    """The accommodating plan lines as a table of the export."""
    return ExportTable(
        _ACCOMMODATIONS.stem, _ACCOMMODATIONS.rows_are, _ACCOMMODATIONS.columns, rows
    )


def plan_tables(rows: Iterable[tuple[int, PlanRow | AccommodationRow]]) -> JointTables:
    """The plan and accommodation tables written together from one pass over the plans
    (each plan read once for both): ``rows`` as :func:`plan_table_rows` gives them."""
    return JointTables((_PLAN, _ACCOMMODATIONS), rows)
