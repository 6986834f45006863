"""The small input records the FHIR export reads besides the core models.

The services layer fills them from the database; the export functions stay pure.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, field_validator

__all__ = ["FhirAdministrationRecord", "PatientRecord"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PatientRecord(_Frozen):
    """Who the record is about. ``synthetic`` patients are tagged as test data (HTEST)."""

    id: str
    external_id: str | None = None
    display_name: str | None = None
    preferred_language: str = "en"
    synthetic: bool = False


class FhirAdministrationRecord(_Frozen):
    """One completion of an instrument: the raw answers as given, in item order."""

    id: str
    patient_id: str
    instrument: str
    version: str
    answers: tuple[int | float | None, ...]
    language: str = "en"
    administered_at: datetime
    session: int | None = None
    episode_id: str | None = None

    @field_validator("administered_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("administered_at must carry a time zone")
        return value
