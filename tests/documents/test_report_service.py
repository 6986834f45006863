"""Report use cases on both backends: the report's numbers are the service's numbers."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import delete, func, select

from attunement.documents import render_clinic_html, render_patient_html
from attunement.documents._chart_data import categories_from_counts
from attunement.errors import Forbidden, NotFound
from attunement.services import (
    ServiceContext,
    UserActor,
    caseload,
    get_status,
    list_episodes,
)
from attunement.services.reports import clinic_report, patient_report, research_export_rows
from attunement.stats import pre_post_effect_size
from attunement.store import Administration, AuditEntry, EpisodeStatusRecord
from attunement.wording import alert_words, format_number, format_share, format_signed
from tests.documents.conftest import OPERATOR, clinician_of, html_stats, patient_ids


def test_patient_report_prints_the_status_the_service_gives(clinic: ServiceContext) -> None:
    patient = patient_ids(clinic)[0]
    clinician = clinician_of(clinic, patient)
    episode = list_episodes(clinic, clinician, patient)[0]
    status = get_status(clinic, clinician, episode.id)
    report = patient_report(clinic, clinician, patient)
    stats = html_stats(render_patient_html(report))
    assert stats["intake"] == format_number(status.intake)
    assert stats["latest"] == format_number(status.latest)
    assert stats["change"] == format_signed(status.change)
    assert stats["category"] == (status.category or "not enough data")
    assert stats["alert"] == alert_words(status.alert or "white").label
    assert report.status is not None
    assert report.status.session == status.session


def test_a_patient_report_without_a_stored_status_row_assesses_the_episode(
    clinic: ServiceContext,
) -> None:
    """The report reads the stored status; an episode without a stored row (as after a
    migration, before the start-up refresh) is assessed instead of failing or showing none."""
    patient = patient_ids(clinic)[0]
    clinician = clinician_of(clinic, patient)
    episode = list_episodes(clinic, clinician, patient)[0]
    stored = patient_report(clinic, clinician, patient)
    with clinic.sessions.begin() as session:  # as if a write had bypassed the status store
        session.execute(
            delete(EpisodeStatusRecord).where(EpisodeStatusRecord.episode_id == episode.id)
        )
    assessed = patient_report(clinic, clinician, patient)
    assert stored.status is not None
    assert assessed.status == stored.status


def test_clinic_report_counts_and_effect_size_equal_those_of_the_caseload(
    clinic: ServiceContext,
) -> None:
    statuses = []
    for patient in patient_ids(clinic):
        clinician = clinician_of(clinic, patient)
        for episode in list_episodes(clinic, clinician, patient):
            statuses.append(get_status(clinic, clinician, episode.id))
    report = clinic_report(clinic, OPERATOR)
    assert report.categories == categories_from_counts(Counter(s.category for s in statuses))
    pairs = [(s.intake, s.latest) for s in statuses if s.latest_session != s.intake_session]
    expected = pre_post_effect_size([p for p, _ in pairs], [q for _, q in pairs])
    assert report.effect_size is not None
    assert report.effect_size.d == pytest.approx(expected.d)
    assert report.effect_size.ci_low == pytest.approx(expected.ci_low)
    assert report.alerts.red == sum(s.alert == "red" for s in statuses)
    stats = html_stats(render_clinic_html(report, charts=False))
    assert stats["recovered"] == str(report.categories.recovered)
    assert stats["deteriorated"] == str(report.categories.deteriorated)
    assert stats["d"] == format_number(report.effect_size.d, 2)
    assert stats["alerts_red"] == str(report.alerts.red)
    assert stats["response_share"] == format_share(report.response.share)


def test_a_clinicians_clinic_report_covers_their_caseload_only(clinic: ServiceContext) -> None:
    first = patient_ids(clinic)[0]
    clinician = clinician_of(clinic, first)
    own = [p for p in patient_ids(clinic) if clinician_of(clinic, p).user_id == clinician.user_id]
    # every episode of their patients (one each), ended or open; the caseload lists the open
    open_ones = {
        e.patient_id for e in caseload(clinic, clinician).entries if e.episode_id is not None
    }
    report = clinic_report(clinic, clinician)
    assert report.episodes == len(own)
    assert 0 < report.episodes < len(patient_ids(clinic))
    assert report.benchmark_episodes == len(own) - len(open_ones)  # ended episodes only
    assert sum(r.episodes for r in report.ended_by_reason) == report.benchmark_episodes


def test_another_clinicians_patient_is_not_found_and_admins_have_no_reports(
    clinic: ServiceContext,
) -> None:
    ids = patient_ids(clinic)
    ana = clinician_of(clinic, ids[0])
    stranger = next(p for p in ids if clinician_of(clinic, p).user_id != ana.user_id)
    with pytest.raises(NotFound):
        patient_report(clinic, ana, stranger)
    admin = UserActor(user_id=ana.user_id, username="admin", role="admin")
    with pytest.raises(Forbidden):
        clinic_report(clinic, admin)


def test_every_patient_a_report_reads_is_in_the_audit_trail(clinic: ServiceContext) -> None:
    clinic_report(clinic, OPERATOR)
    with clinic.sessions() as session:
        entries = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "report.clinic"))
        )
    assert len(entries) == 1  # one entry per report, listing every patient read (issue 13)
    assert set(entries[0].detail["patients"]) == set(patient_ids(clinic))


def test_export_has_one_row_per_administration_and_scale(clinic: ServiceContext) -> None:
    rows = research_export_rows(clinic, OPERATOR)
    with clinic.sessions() as session:
        administrations = session.scalar(select(func.count(Administration.id)))
    phq9_rows = [r for r in rows if r.instrument == "phq9"]
    wai_rows = [r for r in rows if r.instrument == "wai_sr"]
    assert len(phq9_rows) + len(wai_rows) // 4 == administrations  # PHQ-9: 1 scale, WAI-SR: 4
    assert all(r.monitored == (r.instrument == "phq9") for r in rows)
    assert all(r.status_alert is not None for r in phq9_rows if r.value is not None)


def test_the_export_streams_in_pages_and_audits_once_listing_every_patient(
    clinic: ServiceContext,
) -> None:
    paged = research_export_rows(clinic, OPERATOR, page_size=2)
    assert paged == research_export_rows(clinic, OPERATOR)
    with clinic.sessions() as session:
        entries = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "export.research"))
        )
    assert len(entries) == 2  # one per export, however many patients
    assert all(set(e.detail["patients"]) == set(patient_ids(clinic)) for e in entries)
    assert entries[0].detail["rows"] == len(paged)
