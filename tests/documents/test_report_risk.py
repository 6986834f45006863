"""Risk events and risk-aware plans in the reports: open events lead, answered ones are
history, the plan leads with safety, and a level on an assumed cut-off says so."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from attunement.documents import render_clinic_html, render_patient_html
from attunement.documents._patient import build_patient_report
from attunement.exports._export import Pseudonymizer
from attunement.instruments import load_instrument, score
from attunement.profile import parse_profile
from attunement.risk import RiskEvent, endorsements_from_flags
from attunement.services import RiskResponseCreate, ServiceContext, respond_to_risk
from attunement.services.reports import (
    clinic_report,
    patient_report,
    research_risk_event_rows,
    write_research_export,
)
from attunement.store import RiskEventRecord
from attunement.tailoring import plan
from attunement.wording import describe_event
from tests.documents.conftest import NOW, OPERATOR, clinician_of, html_stats, patient_ids

PHQ9 = load_instrument("phq9")
LOW_DISTRESS_ITEM9 = [0, 0, 1, 1, 0, 1, 0, 0, 2]  # PHQ-9 5 ("mild" → distress low), item 9 = 2


def _event(event_id: int = 1) -> RiskEvent:
    flags = score(PHQ9, LOW_DISTRESS_ITEM9).flags
    endorsements = endorsements_from_flags(
        flags, instrument="phq9", route="session", session=2, on=dt.date(2026, 1, 12)
    )
    return RiskEvent(id=event_id, kind="endorsed", endorsements=endorsements)


def _pure_report() -> str:
    profile = parse_profile(
        {
            "distress": {
                "instrument": "phq9",
                "answers": LOW_DISTRESS_ITEM9,
                "assessed_on": "2026-01-05",
            }
        }
    )
    report = build_patient_report(
        patient_name="Synthetic Noa",
        patient_key="N-1",
        clinician="Dr A",
        preferred_language="en",
        synthetic=True,
        episode_started=dt.date(2026, 1, 5),
        sessions_held=0,
        outcome_definition=PHQ9,
        outcome_series=None,
        status=None,
        profile=profile,
        plan=plan(profile, open_risk_events=[_event()]),
        risk_events=[_event()],
        generated_on=dt.date(2026, 1, 20),
    )
    return render_patient_html(report)


def test_the_report_leads_with_the_open_event_in_the_one_wording_and_then_safety() -> None:
    html = _pure_report()
    headline = describe_event(_event(), "en")[0]
    assert html.index('data-section="risk"') < html.index('data-section="status"')
    assert headline in html
    assert "assess suicide risk today" in html[: html.index('data-section="status"')]
    plan_part = html[html.index('data-section="plan"') :]
    assert plan_part.index('data-section="safety"') < plan_part.index('data-section="held-back"')
    assert "Safety first" in plan_part
    assert "open risk event 1" in plan_part  # the safety item's reason: the open event
    assert "Arousal is not raised while a risk event is open" in plan_part


def test_a_level_on_an_assumed_cut_off_says_so_in_the_profile_and_the_plans_reasons() -> None:
    html = _pure_report()
    profile = html[html.index('data-section="profile"') : html.index('data-section="plan"')]
    assert "Distress <strong>low</strong>" in profile  # the one label of the field
    assert "by an assumed cut-off" in profile
    plan_part = html[html.index('data-section="plan"') :]
    assert "distress = low (from PHQ-9 total 5, by an assumed cut-off" in plan_part


def test_an_answered_risk_event_moves_to_the_risk_history_without_the_instruction(
    clinic: ServiceContext,
) -> None:
    flagged = [p for p in patient_ids(clinic) if patient_report(clinic, OPERATOR, p).risk_events]
    assert flagged, "the synthetic clinic should contain an open risk event"
    patient = flagged[0]
    respond_to_risk(
        clinic,
        clinician_of(clinic, patient),
        patient,
        RiskResponseCreate(
            assessed_on=NOW.date(),
            level="low",
            actions=["safety_plan"],
            note="Synthetic note: passive thoughts, safety plan reviewed.",
        ),
    )
    report = patient_report(clinic, OPERATOR, patient)
    assert report.risk_events == ()
    (history,) = [h for h in report.risk_history if "passive thoughts" in " ".join(h.lines)]
    assert history.lines[0].startswith("Risk history:")
    assert history.lines[1].startswith("Response recorded — assessed")
    html = render_patient_html(report)
    assert 'data-section="risk"' not in html
    assert "assess suicide risk today" not in html
    assert history.lines[0] in html[html.index('data-section="risk-history"') :]
    assert report.patient_page is not None
    assert not report.patient_page.risk


def test_the_clinic_report_counts_every_open_risk_event(sqlite_clinic: ServiceContext) -> None:
    with sqlite_clinic.sessions() as session:
        open_events = session.scalar(
            select(func.count(RiskEventRecord.id)).where(RiskEventRecord.responded_at.is_(None))
        )
        patients = session.scalar(
            select(func.count(func.distinct(RiskEventRecord.patient_id))).where(
                RiskEventRecord.responded_at.is_(None)
            )
        )
    assert open_events, "the synthetic clinic should contain an open risk event"
    report = clinic_report(sqlite_clinic, OPERATOR)
    assert (report.open_risk_events, report.open_risk_patients) == (open_events, patients)
    stats = html_stats(render_clinic_html(report))
    assert stats["open_risk_events"] == str(open_events)
    assert stats["open_risk_patients"] == str(patients)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_research_export_has_the_risk_events_de_identified_without_free_text(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    patient = next(
        p for p in patient_ids(clinic) if patient_report(clinic, OPERATOR, p).risk_events
    )
    respond_to_risk(
        clinic,
        clinician_of(clinic, patient),
        patient,
        RiskResponseCreate(
            assessed_on=NOW.date(),
            level="no_current_concern",
            actions=["no_action"],
            reason="Synthetic reason: answered 'several days' about sleep, not self-harm.",
            note="Synthetic note naming a place.",
        ),
    )
    identified = research_risk_event_rows(clinic, OPERATOR)
    answered = [r for r in identified if r.note == "Synthetic note naming a place."]
    assert [r.patient_id for r in answered] == [str(patient)]
    assert any(not r.open and "SYNTHETIC demo record" in (r.note or "") for r in identified)
    assert answered[0].actions == "no_action"
    assert any(r.open for r in identified)
    secret = "export-secret-0123456789abcdef"
    clean = research_risk_event_rows(clinic, OPERATOR, deidentify_with=secret)
    assert all((r.note, r.reason) == (None, None) for r in clean)
    (row,) = [r for r in clean if r.level == "no_current_concern"]
    shift = dt.timedelta(days=Pseudonymizer(secret).shift_days(str(patient)))
    assert row.first_date == answered[0].first_date + shift  # type: ignore[operator]
    assert row.assessed_on == NOW.date() + shift
    assert row.patient_id == Pseudonymizer(secret).pseudonym("patient", str(patient))
    assert row.event_id != answered[0].event_id
    files = write_research_export(
        clinic, OPERATOR, fmt="csv", out_dir=tmp_path, deidentify_with=secret
    )
    risk_file = files.tables[0]  # the plan, accommodation, episode and course tables follow it
    assert risk_file.name == "attunement_risk_events.csv"
    with risk_file.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == len(clean)
    assert "Synthetic" not in risk_file.read_text(encoding="utf-8")
    assert "SYNTHETIC demo record" not in risk_file.read_text(encoding="utf-8")
    dictionary = files.dictionary.read_text(encoding="utf-8")
    assert "# file,attunement_risk_events.csv" in dictionary
    assert (
        "note,string,Risk response: the clinician's note (free text),no (left empty)" in dictionary
    )
