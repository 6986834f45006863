"""Issue 13: the clinic report streams its episodes from the stored statuses, page by page,
and still equals the report computed the direct way — every episode assessed from its
series and every record held in memory at once — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from attunement.documents import ClinicReport, ClinicTally, EpisodeData
from attunement.documents._assemble import instrument_notice
from attunement.documents._episode import episode_outcome, synthetic_label
from attunement.exports import AdministrationRecord
from attunement.instruments import load_instrument
from attunement.risk import RiskEvent
from attunement.services import ServiceContext
from attunement.services._access import readable_patients
from attunement.services._growth_models import StatusInputs
from attunement.services._risk_records import patient_risk_events
from attunement.services._status import assess_stored_episode, monitored_scale
from attunement.services.reports import _episode, _records, clinic_report
from attunement.store import Episode, EpisodeStatusRecord, Patient

from .conftest import NOW, OPERATOR, patient_ids


def _assessed(
    session: Session,
    episode: Episode,
    patient: Patient,
    records: list[AdministrationRecord],
    models: StatusInputs,
    events: tuple[RiskEvent, ...],
) -> EpisodeData:
    """The report's view of the episode with its Status assessed from the series here, not
    read from the stored row: the reference does not rest on what it is compared with."""
    data = _episode(session, episode, patient, records, models, events=events)
    assessed = assess_stored_episode(session, episode, patient, inputs=models)
    return replace(data, status=assessed.status if assessed is not None else None)


def _direct(ctx: ServiceContext) -> ClinicReport:
    """The reference: every patient, episode, series and Status in memory, each Status
    assessed from the series (what the clinic report did before issue 13)."""
    with ctx.sessions() as session:
        readable = readable_patients(session, OPERATOR, operator=True)
        patients = list(session.scalars(select(Patient).where(readable).order_by(Patient.id)))
        by_id = {p.id: p for p in patients}
        episodes = [
            (e, by_id[e.patient_id])
            for e in session.scalars(
                select(Episode).where(Episode.patient_id.in_(by_id)).order_by(Episode.id)
            )
        ]
        counts = Counter(e.outcome_instrument for e, _ in episodes)
        instrument = counts.most_common(1)[0][0]
        included = [(e, p) for e, p in episodes if e.outcome_instrument == instrument]
        records = _records(session, [e.id for e, _ in included])
        models = StatusInputs(session, caseness=ctx.caseness)
        events = {p.id: patient_risk_events(session, p.id) for p in patients}
        outcomes = [
            episode_outcome(_assessed(session, e, p, records[e.id], models, events[p.id]))
            for e, p in included
        ]
        open_events = [sum(e.open for e in found) for found in events.values()]
        definition = load_instrument(instrument)
        scale = definition.scale(monitored_scale(definition))
        synthetic, label = synthetic_label([p.synthetic for p in patients])
        return (
            ClinicTally()
            .add_all(outcomes)
            .report(
                instrument=definition.short_name,
                band_order=[b.label for b in scale.bands.levels] if scale.bands else [],
                generated_on=NOW.date(),
                synthetic=synthetic,
                synthetic_label=label,
                notices=[instrument_notice(definition)],
                higher_is_worse=scale.direction != "higher_is_better",
                excluded_other_instrument=len(episodes) - len(included),
                open_risk_events=sum(open_events),
                open_risk_patients=sum(count > 0 for count in open_events),
            )
        )


@pytest.mark.parametrize("page_size", [1, 5, 500])
def test_the_streamed_clinic_report_equals_the_direct_computation(
    clinic: ServiceContext, page_size: int
) -> None:
    streamed = clinic_report(clinic, OPERATOR, page_size=page_size)
    direct = _direct(clinic)
    assert streamed.benchmark_episodes > 0  # the seeded clinic has ended episodes
    assert streamed.episodes == len(patient_ids(clinic))
    assert streamed.effect_size is not None
    assert direct.effect_size is not None
    for field in ("d", "ci_low", "ci_high"):
        assert getattr(streamed.effect_size, field) == pytest.approx(
            getattr(direct.effect_size, field), rel=1e-9, abs=1e-12
        )
    figures = {"clinic_value", "clinic_ci_low", "clinic_ci_high"}
    for one, other in zip(streamed.benchmarks, direct.benchmarks, strict=True):
        assert one.model_dump(exclude=figures) == other.model_dump(exclude=figures)
        for field in figures:
            assert getattr(one, field) == pytest.approx(getattr(other, field), rel=1e-9)
    # the learning section is its own computation (tests/documents/test_clinic_learning.py)
    ignore = {"effect_size", "benchmarks", "learning", "learning_problem"}
    assert streamed.model_dump(exclude=ignore) == direct.model_dump(exclude=ignore)


def test_an_episode_without_a_stored_status_is_assessed_not_left_out(
    clinic: ServiceContext,
) -> None:
    with clinic.sessions.begin() as session:  # as if a write had bypassed the status store
        first = session.scalar(select(func.min(EpisodeStatusRecord.episode_id)))
        session.execute(delete(EpisodeStatusRecord).where(EpisodeStatusRecord.episode_id == first))
    streamed = clinic_report(clinic, OPERATOR, page_size=4)
    ignore = {"effect_size", "benchmarks", "learning", "learning_problem"}
    assert streamed.model_dump(exclude=ignore) == _direct(clinic).model_dump(exclude=ignore)
