"""Rendered reports of the synthetic clinic: PDFs that rasterise, labels, numbers, language."""

from __future__ import annotations

import re
from pathlib import Path

from attunement.documents import render_clinic_html, render_patient_html
from attunement.services import ServiceContext
from attunement.services.reports import (
    clinic_report,
    patient_report,
    write_clinic_report,
    write_patient_report,
)
from attunement.simulate import SYNTHETIC_LABEL
from attunement.wording import format_interval, format_number
from tests.documents.conftest import (
    OPERATOR,
    assert_not_blank,
    html_stats,
    patient_ids,
    pdf_pages_text,
    rasterise,
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_patient_report_pdf_rasterises_to_non_blank_pages_carrying_its_numbers(
    sqlite_clinic: ServiceContext, tmp_path: Path
) -> None:
    patient = patient_ids(sqlite_clinic)[0]
    report = patient_report(sqlite_clinic, OPERATOR, patient)
    pdf = write_patient_report(
        sqlite_clinic, OPERATOR, patient, fmt="pdf", output=tmp_path / "patient.pdf"
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_mode & 0o777 == 0o600  # health data: private to the user
    pages = rasterise(pdf, tmp_path)
    assert len(pages) >= 2  # the clinician's page(s) and the patient's page
    for page in pages:
        assert_not_blank(page)
    text = _one_line(" ".join(pdf_pages_text(pdf)))
    assert report.status is not None
    assert re.search(rf"Intake\s+{re.escape(format_number(report.status.intake))}\b", text)
    assert re.search(rf"Latest\s+{re.escape(format_number(report.status.latest))}\b", text)
    assert (report.status.category or "not enough data") in text
    assert report.patient_name in text


def test_clinic_report_pdf_rasterises_and_prints_the_models_figures(
    sqlite_clinic: ServiceContext, tmp_path: Path
) -> None:
    report = clinic_report(sqlite_clinic, OPERATOR)
    pdf = write_clinic_report(sqlite_clinic, OPERATOR, fmt="pdf", output=tmp_path / "clinic.pdf")
    assert pdf.stat().st_mode & 0o777 == 0o600
    pages = rasterise(pdf, tmp_path)
    for number, page in enumerate(pages, start=1):
        assert_not_blank(page, last=number == len(pages))
    text = _one_line(" ".join(pdf_pages_text(pdf)))
    effect = report.effect_size
    assert effect is not None
    interval = format_interval(effect.ci_low, effect.ci_high)
    assert f"d = {format_number(effect.d, 2)} (95% CI {interval})" in text
    assert f"Recovered {report.categories.recovered}" in text
    assert "d = 0.87 (0.78–0.96)" in text
    assert "10.1111/bjc.12259" in text
    assert "Becker" in text
    assert "Morris" in text


def test_every_page_of_a_synthetic_report_says_synthetic_at_top_and_bottom(
    sqlite_clinic: ServiceContext, tmp_path: Path
) -> None:
    pdf = write_clinic_report(sqlite_clinic, OPERATOR, fmt="pdf", output=tmp_path / "c.pdf")
    for page in pdf_pages_text(pdf):
        lines = [line for line in page.splitlines() if line.strip()]
        assert SYNTHETIC_LABEL in lines[0]
        assert "SYNTHETIC" in " ".join(lines[-3:])
    html = render_clinic_html(clinic_report(sqlite_clinic, OPERATOR))
    assert 'data-label="synthetic"' in html
    assert 'data-label="synthetic-footer"' in html


def test_open_risk_events_are_shown_before_anything_else(
    sqlite_clinic: ServiceContext,
) -> None:
    flagged = [
        p
        for p in patient_ids(sqlite_clinic)
        if patient_report(sqlite_clinic, OPERATOR, p).risk_events
    ]
    assert flagged, "the synthetic clinic should contain an open risk event"
    report = patient_report(sqlite_clinic, OPERATOR, flagged[0])
    html = render_patient_html(report)
    assert html.index('data-section="risk"') < html.index('data-section="status"')
    for event in report.risk_events:
        assert event.open
        assert f'data-risk-sessions="{",".join(map(str, event.sessions))}"' in html
        assert event.lines[0].startswith("Open risk event:")
        assert event.lines[0] in html


def test_a_spanish_speaking_patient_gets_the_plain_language_page_in_spanish(
    sqlite_clinic: ServiceContext,
) -> None:
    spanish = patient_ids(sqlite_clinic, preferred_language="es")
    assert spanish, "the synthetic clinic should contain a Spanish-speaking patient"
    report = patient_report(sqlite_clinic, OPERATOR, spanish[0])
    html = render_patient_html(report)
    page = html[html.index('data-section="patient-page"') :]
    assert 'lang="es"' in html
    assert "Su progreso" in page
    assert "Sesión" in page
    assert report.status is not None
    assert html_stats(html)["patient_scores"] == (
        f"En su primera sesión su puntuación fue {format_number(report.status.intake)}; "
        f"en la sesión {report.status.session} fue {format_number(report.status.latest)}."
    )


def test_the_patient_page_can_be_left_out(sqlite_clinic: ServiceContext) -> None:
    patient = patient_ids(sqlite_clinic)[0]
    html = render_patient_html(
        patient_report(sqlite_clinic, OPERATOR, patient, patient_page=False), patient_page=False
    )
    assert 'data-section="patient-page"' not in html


def test_reports_carry_the_instruments_notices_and_citations(
    sqlite_clinic: ServiceContext,
) -> None:
    html = render_patient_html(patient_report(sqlite_clinic, OPERATOR, 1))
    assert "No permission required to reproduce, translate, display or distribute" in html
    assert "Kroenke K, Spitzer RL, Williams JBW" in html
    assert "Hatcher RL, Gillaspy JA" in html


def test_a_spanish_clinics_report_words_the_plan_in_spanish(sqlite_clinic: ServiceContext) -> None:
    """Issue 16: the PDF plan's notes ("Settings:", "Assumption:", conflicts), the facts
    behind each recommendation and the profile rows in the clinic's language."""
    import dataclasses

    from tests.documents.test_no_internal_ids import identifiers

    spanish_clinic = dataclasses.replace(sqlite_clinic, clinic_language="es")
    reports = [patient_report(spanish_clinic, OPERATOR, p) for p in patient_ids(sqlite_clinic)]
    report = next(r for r in reports if r.plan and r.profile)
    notes = " ".join(report.plan_notes)
    assert report.plan_notes[0].startswith("Ajustes: directividad ")
    because = " ".join(b for item in report.plan for b in item.because)
    assert because
    rows = " ".join(f"{r.dimension} {r.value} {r.provenance}" for r in report.profile)
    for text in (notes, because, rows):
        for english in ("Settings:", "Assumption:", "Conflict (", " vs ", "Not assessed:"):
            assert english not in text
        assert identifiers(text) == []
    assert "Reactancia" in rows or "Estadio de cambio" in rows
    html = render_patient_html(report, language="es")
    assert report.plan_notes[0] in html
