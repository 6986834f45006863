"""A printed status writes its figures as its reader's language writes numbers (issue 16):
the progress report of a Spanish clinic (its HTML and the PDF read back with ``pdftotext``)
and the session summary give the intake, the latest score, the change and the expected band
with a decimal comma, like the sentences beside them; the English ones are as before.
Synthetic scores only."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from attunement.documents import render_patient_html, render_pdf, session_summary_text
from attunement.documents._patient import build_patient_report
from attunement.instruments import load_instrument
from attunement.monitoring import Series, SessionPoint, Status, assess_episode
from attunement.wording import status_in

PHQ9 = load_instrument("phq9")
OUTCOME = Series(
    instrument="phq9",
    scale="total",
    points=tuple(SessionPoint(session=i, value=v) for i, v in enumerate((18, 18, 18.5), 1)),
)


def _html(language: str) -> str:
    status = status_in(assess_episode(OUTCOME), language)
    report = build_patient_report(
        patient_name="Synthetic Noa",
        patient_key="N-1",
        clinician="Dr A",
        preferred_language=language,
        synthetic=True,
        episode_started=dt.date(2026, 1, 5),
        sessions_held=3,
        outcome_definition=PHQ9,
        outcome_series=OUTCOME,
        status=status,
        generated_on=dt.date(2026, 2, 1),
        clinic_language=language,
    )
    return render_patient_html(report, language=language)


def _stat(html: str, name: str) -> str:
    found = re.search(rf'data-stat="{name}">(.*?)</td>', html)
    assert found is not None, name
    return found.group(1)


def test_a_spanish_progress_report_writes_the_status_figures_with_a_decimal_comma(
    tmp_path: Path,
) -> None:
    html = _html("es")
    assert _stat(html, "latest") == "18,5"
    assert _stat(html, "change") == "+0,5"
    assert _stat(html, "expected").startswith("14,5 (13,1–15,8, ")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(html))
    pdf.chmod(0o600)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "14,5 (13,1–15,8" in text
    assert "13.1" not in text


def test_an_english_progress_report_writes_the_status_figures_as_before() -> None:
    html = _html("en")
    assert _stat(html, "latest") == "18.5"
    assert _stat(html, "change") == "+0.5"
    assert _stat(html, "expected").startswith("14.5 (13.1–15.8, ")


def _summary(status: Status, language: str) -> str:
    return session_summary_text(status_in(status, language), None, language=language)


def test_a_spanish_session_summary_writes_the_band_with_a_decimal_comma() -> None:
    status = assess_episode(OUTCOME)
    assert "Resultado (PHQ-9 total): 18,5 en la sesión 3" in _summary(status, "es")
    assert "14,5 (banda de 13,1 a 15,8" in _summary(status, "es")
    assert "14.5 (band 13.1 to 15.8" in _summary(status, "en")
