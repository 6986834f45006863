"""Beside an alliance alert, the printed report says which limits the alliance was judged
by, and why, in the clinician's language (issue 16): the clinic's own SD with the published
reliability once enough episodes exist, else the stated assumptions. Synthetic patient."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from attunement.documents import render_patient_html
from attunement.documents._patient import alliance_chart_data, build_patient_report
from attunement.instruments import load_instrument
from attunement.monitoring import ClinicNorms, Series, SessionPoint, assess_episode
from attunement.wording import status_in

CLINIC = ClinicNorms(instrument="wai_sr", scale="total", sd=0.6, n_episodes=60)


def _series(instrument: str, *values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument=instrument, scale="total", points=points)


def _report_text(
    alliance_norms: ClinicNorms | None, language: str, clinic_language: str = "en"
) -> str:
    outcome = _series("phq9", 18.0, 17.0)
    status = assess_episode(
        outcome, alliance=_series("wai_sr", 4.6, 4.0), alliance_norms=alliance_norms
    )
    report = build_patient_report(
        patient_name="Synthetic Oriol",
        patient_key="O-1",
        clinician="Dr A",
        preferred_language="en",
        synthetic=True,
        episode_started=dt.date(2026, 1, 5),
        sessions_held=2,
        outcome_definition=load_instrument("phq9"),
        outcome_series=outcome,
        status=status,
        generated_on=dt.date(2026, 4, 1),
        patient_page=False,
        alliance_series=_series("wai_sr", 4.6, 4.0),
        alliance_definition=load_instrument("wai_sr"),
        clinic_language=clinic_language,
    )
    page = render_patient_html(report, patient_page=False, language=language)
    page = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_report_names_the_clinic_derived_limits_and_what_they_rest_on() -> None:
    text = _report_text(CLINIC, "en")
    assert (
        "Judged by this clinic's own spread of first alliance scores (standard deviation 0.6 "
        "over 60 episodes) with the questionnaire's published reliability 0.8: a fall of 0.74 "
        "or more is a possible rupture; a fall of 0.38 or more puts the alliance at risk."
    ) in text


def test_below_the_minimum_the_report_says_the_limits_are_stated_assumptions() -> None:
    # WAI-SR 4.6 -> 4.0: a rupture by the assumed 0.5, at risk by the clinic-derived 0.74
    text = _report_text(None, "en")
    assert "Judged by stated assumptions until this clinic has 50 episodes" in text
    assert "a fall of 0.5 or more is a possible rupture" in text


@pytest.mark.parametrize(
    ("norms", "spanish"),
    [
        (CLINIC, "Valorada con la dispersión de las primeras puntuaciones de alianza"),
        (None, "Valorada con supuestos declarados hasta que esta clínica tenga 50 episodios"),
    ],
)
def test_a_spanish_clinic_reads_the_alliance_limits_in_spanish(
    norms: ClinicNorms | None, spanish: str
) -> None:
    text = _report_text(norms, "es")
    assert spanish in text
    assert "Judged by" not in text


def test_a_spanish_clinics_report_writes_the_limits_figures_and_bases_in_spanish() -> None:
    text = _report_text(None, "es", clinic_language="es")
    assert "una caída de 0,5 o más es una posible ruptura" in text
    assert "una caída de 0,33 o más pone la alianza en riesgo" in text
    assert "No published WAI-SR cut-off" not in text


def test_a_spanish_clinics_alliance_chart_gives_the_thresholds_basis_in_spanish() -> None:
    status = assess_episode(_series("phq9", 18.0, 17.0), alliance=_series("wai_sr", 4.6, 2.5))
    spanish = alliance_chart_data(
        _series("wai_sr", 4.6, 2.5), status_in(status, "es"), load_instrument("wai_sr")
    )
    english = alliance_chart_data(_series("wai_sr", 4.6, 2.5), status, load_instrument("wai_sr"))
    assert spanish.threshold_note is not None
    assert spanish.threshold_note.startswith("supuesto: No se encontró ningún punto de corte")
    assert english.threshold_note is not None
    assert english.threshold_note.startswith("assumption: No published WAI-SR cut-off")
