"""One episode's administrations and per-session statuses as export rows (pure)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from attunement.exports._export import ExportRow
from attunement.instruments import Flag
from attunement.monitoring import Status

__all__ = ["AdministrationRecord", "episode_rows"]


class AdministrationRecord(BaseModel):
    """A stored administration with its stored score (the scales and flags as JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session: int
    held_on: dt.date | None
    instrument: str
    version: str
    language: str
    answers: tuple[float | None, ...]
    scales: Mapping[str, Mapping[str, Any]]
    flags: tuple[Mapping[str, Any], ...] = ()


def _status_columns(status: Status | None) -> dict[str, Any]:
    if status is None:
        return {}
    expected = status.expected
    return {
        "status_change": status.change,
        "status_rci": status.rci,
        "status_category": status.category,
        "status_response": status.response,
        "status_remission": status.remission,
        "status_alert": status.alert,
        "expected_value": expected.value if expected else None,
        "expected_low": expected.low if expected else None,
        "expected_high": expected.high if expected else None,
        "expected_method": expected.method if expected else None,
        "alliance_state": status.alliance.state if status.alliance else None,
    }


def episode_rows(
    *,
    patient_id: str,
    patient_name: str,
    clinician_id: str,
    episode_id: str,
    synthetic: bool,
    administrations: Sequence[AdministrationRecord],
    monitored_instrument: str,
    monitored_scale: str,
    statuses: Mapping[int, Status],
) -> list[ExportRow]:
    """One row per administration × scale; the monitored rows carry the Status as it was
    after that session (an unscorable session's Status describes the last scored one)."""
    rows: list[ExportRow] = []
    for record in sorted(administrations, key=lambda a: (a.session, a.instrument)):
        flags = [str(f.get("id")) for f in record.flags]
        risk = any(Flag.model_validate(f).endorsed for f in record.flags)
        for scale, scored in sorted(record.scales.items()):
            monitored = record.instrument == monitored_instrument and scale == monitored_scale
            missing = scored.get("missing_items") or []
            rows.append(
                ExportRow(
                    patient_id=patient_id,
                    patient_name=patient_name,
                    clinician_id=clinician_id,
                    episode_id=episode_id,
                    session=record.session,
                    session_date=record.held_on,
                    instrument=record.instrument,
                    instrument_version=record.version,
                    scale=scale,
                    value=scored.get("value"),
                    band=scored.get("band"),
                    scorable=scored.get("scorable"),
                    prorated=scored.get("prorated"),
                    missing_items=";".join(missing) or None,
                    answers=json.dumps(list(record.answers)),
                    language=record.language,
                    risk_flag=risk,
                    flags=";".join(flags) or None,
                    monitored=monitored,
                    synthetic=synthetic,
                    **(_status_columns(statuses.get(record.session)) if monitored else {}),
                )
            )
    return rows
