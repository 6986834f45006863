"""One episode as the reports need it, and what each report takes from it (pure).

The service layer reads an :class:`EpisodeData` from the store; everything after that —
the Status, the clinic report's per-episode record, the patient report, the export rows —
is a function of it, so it can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from attunement.documents._assemble import plan_accommodations
from attunement.documents._clinic import EpisodeOutcome
from attunement.documents._models import PatientReport
from attunement.documents._patient import build_patient_report
from attunement.exports import AdministrationRecord, ExportRow, episode_rows
from attunement.i18n import SOURCE_LANGUAGE, translate
from attunement.instruments import InstrumentDefinition
from attunement.monitoring import (
    ClinicNorms,
    GrowthModel,
    Series,
    Status,
    assess_each_session,
    assess_episode,
)
from attunement.profile import Profile
from attunement.risk import RiskEvent
from attunement.simulate import SYNTHETIC_LABEL
from attunement.tailoring import Plan
from attunement.wording import SOME_SYNTHETIC, synthetic_label_words

__all__ = [
    "REPORT_SESSION",
    "EpisodeData",
    "category_at_report_session",
    "episode_outcome",
    "episode_status",
    "export_rows",
    "intake_band",
    "patient_report_of",
    "synthetic_label",
    "synthetic_label_of",
]

#: The session at which "reliably improved by session 8" is judged (Lambert's benchmark).
REPORT_SESSION = 8


@dataclass(frozen=True)
class EpisodeData:
    """An episode with its patient, clinician, series, administrations and Status."""

    patient_id: int
    patient_key: str
    patient_name: str
    preferred_language: str
    synthetic: bool
    clinician_id: int
    clinician: str
    episode_id: int
    started_on: dt.date
    outcome: InstrumentDefinition
    alliance: InstrumentDefinition | None
    outcome_series: Series | None
    alliance_series: Series | None
    records: Sequence[AdministrationRecord]
    status: Status | None
    profile: Profile | None
    #: The clinic's stored expected-response model, so per-session statuses match the app's.
    growth_model: GrowthModel | None = None
    #: The tailored plan as the app shows it (profile and open risk events); None without
    #: a stored profile.
    plan: Plan | None = None
    #: The clinic-derived norms and caseness convention the app's statuses use.
    clinic_norms: ClinicNorms | None = None
    caseness: str = "published"
    #: The clinic-derived SD of first alliance measures the app's alliance limits use.
    alliance_norms: ClinicNorms | None = None
    #: Every risk event of the patient (open ones are pinned, answered ones are history).
    risk_events: tuple[RiskEvent, ...] = ()
    #: Why the episode ended (``monitoring/end_reasons.yaml``); None while it is open.
    end_reason: str | None = None

    @property
    def monitored_scale(self) -> str:
        return self.outcome_series.scale if self.outcome_series else self.outcome.scales[0].id


def episode_status(
    data: EpisodeData, outcome: Series | None, alliance: Series | None
) -> Status | None:
    """``assess_episode`` with the inputs the app uses for an episode's Status (stored
    growth model, clinic-derived norms of the outcome and alliance scales, the clinic's
    caseness convention)."""
    if outcome is None:
        return None
    return assess_episode(outcome, alliance=alliance, profile=data.profile, **_inputs(data))


def _inputs(data: EpisodeData) -> dict[str, Any]:
    return {
        "growth_model": data.growth_model,
        "clinic_norms": data.clinic_norms,
        "caseness": data.caseness,
        "alliance_norms": data.alliance_norms,
    }


def intake_band(
    records: Iterable[tuple[int, str, Mapping[str, Any]]], instrument: str, scale: str
) -> str | None:
    """The band of the earliest ``(session, instrument, scales)`` record of ``instrument``
    with a band on ``scale`` (records in the order they were given; the first wins a tie)."""
    for _session, found, scales in sorted(records, key=lambda r: r[0]):
        band = (scales.get(scale) or {}).get("band")
        if found == instrument and band:
            return str(band)
    return None


def _intake_band(data: EpisodeData) -> str | None:
    return intake_band(
        ((r.session, r.instrument, r.scales) for r in data.records),
        data.outcome.id,
        data.monitored_scale,
    )


def category_at_report_session(data: EpisodeData) -> str | None:
    """The episode's category as it stood at session 8 (None before it got there)."""
    series = data.outcome_series
    if series is None or not any(p.session >= REPORT_SESSION for p in series.points):
        return None
    upto = series.upto(REPORT_SESSION)
    alliance = data.alliance_series.upto(REPORT_SESSION) if data.alliance_series else None
    earlier = episode_status(data, upto, alliance)
    return earlier.category if earlier else None


def episode_outcome(data: EpisodeData) -> EpisodeOutcome:
    """The clinic report's record of one episode."""
    status, series = data.status, data.outcome_series
    preference, culture = plan_accommodations(data.plan) if data.plan else (False, False)
    held = [r.held_on for r in data.records if r.held_on is not None]
    return EpisodeOutcome(
        patient_key=str(data.patient_id),
        clinician=data.clinician,
        started_on=data.started_on,
        last_session_on=max(held) if held else None,
        scored_sessions=len(series.scored) if series else 0,
        intake=status.intake if status else None,
        latest=status.latest if status else None,
        intake_band=_intake_band(data),
        category=status.category if status else None,
        response=status.response if status else None,
        remission=status.remission if status else None,
        alert=status.alert if status else "not_assessable",
        risk=any(e.open for e in data.risk_events) or (status.open_risk if status else False),
        category_at_session_8=category_at_report_session(data),
        has_plan=data.profile is not None,
        accommodated_preference=preference,
        accommodated_culture=culture,
        end_reason=data.end_reason,
    )


def patient_report_of(
    data: EpisodeData,
    *,
    generated_on: dt.date,
    patient_page: bool = True,
    clinic_language: str = SOURCE_LANGUAGE,
) -> PatientReport:
    """The patient progress report of this episode (clinician pages in ``clinic_language``,
    an available language)."""
    return build_patient_report(
        patient_name=data.patient_name,
        patient_key=data.patient_key,
        clinician=data.clinician,
        preferred_language=data.preferred_language,
        synthetic=data.synthetic,
        synthetic_label=synthetic_label_words(SYNTHETIC_LABEL, clinic_language)
        if data.synthetic
        else None,
        episode_started=data.started_on,
        sessions_held=len({r.session for r in data.records}),
        outcome_definition=data.outcome,
        outcome_series=data.outcome_series,
        status=data.status,
        alliance_definition=data.alliance,
        alliance_series=data.alliance_series,
        item_answers=[
            (r.session, r.answers) for r in data.records if r.instrument == data.outcome.id
        ],
        profile=data.profile,
        plan=data.plan,
        risk_events=data.risk_events,
        generated_on=generated_on,
        patient_page=patient_page,
        clinic_language=clinic_language,
    )


def export_rows(data: EpisodeData) -> list[ExportRow]:
    """The episode's research-export rows, with the Status after each attended session."""
    statuses = (
        assess_each_session(
            data.outcome_series,
            alliance=data.alliance_series,
            profile=data.profile,
            **_inputs(data),
        )
        if data.outcome_series
        else ()
    )
    return episode_rows(
        patient_id=str(data.patient_id),
        patient_name=data.patient_name,
        clinician_id=str(data.clinician_id),
        episode_id=str(data.episode_id),
        synthetic=data.synthetic,
        administrations=data.records,
        monitored_instrument=data.outcome.id,
        monitored_scale=data.monitored_scale,
        statuses={s.session: s for s in statuses},
    )


def synthetic_label(synthetic: Sequence[bool]) -> tuple[bool, str | None]:
    """Whether a report over these patients is synthetic, and the label it must carry."""
    return synthetic_label_of(sum(synthetic), len(synthetic))


def synthetic_label_of(
    synthetic: int, patients: int, language: str = SOURCE_LANGUAGE
) -> tuple[bool, str | None]:
    """:func:`synthetic_label` from counts: ``synthetic`` of ``patients`` are synthetic (the
    label in ``language``)."""
    if not synthetic:
        return False, None
    if synthetic == patients:
        return True, synthetic_label_words(SYNTHETIC_LABEL, language)
    return True, translate(SOME_SYNTHETIC, language, synthetic=synthetic, patients=patients)
