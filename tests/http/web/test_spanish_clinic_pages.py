"""A Spanish clinic reads its caseload, patient, intake and new-patient pages in Spanish
(issue 16).

One SYNTHETIC clinic on SQLite (``ATTUNE_CLINIC_LANGUAGE=es``), built once for the module: a
language test needs no second backend. Each page is read as a person reads it (tags, scripts
and styles removed, attributes a person sees kept) and must not hold any of the English
phrases that the last pass still left in it. Proper names stay as published (instrument
names, citations) and are not in these lists.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from attunement.http import create_app
from attunement.services import AdministrationCreate, record_administration, update_profile
from attunement.settings import Settings
from attunement.store import make_engine
from tests.http.web.pages import sign_in
from tests.services.world import START, World, build_world, fast_passwords

#: English that a Spanish clinician must not meet on every one of the four pages.
EVERY_PAGE = ("Caseload ·", "New patient ·", "Intake:", "Sign out", "Skip to")

#: English that each page must not show, found there before this change.
ON_PAGE = {
    "caseload": ("unchanged", "(session ", "Caseload"),
    "patient": (
        "(you)",
        "sessions recorded",
        "Spanish (español)",
        "Change since intake",
        "Expected now",
        "Expected course",
        "points or more",
        " method",
        "Entered by",
        "answered in",
        "Edit session",
        "Outcome —",
        "Item answers",
        "The numbers in the chart",
        "Creates a single-use link",
        "Schedule, e-mail address",
        "Hand this device",
        "Final measures",
        "none recorded",
        "Little interest or pleasure",
        "Several days",
        "7.6–10.3",  # the expected band's edges with a decimal point
    ),
    "intake": (
        "Clinician ratings",
        "Your judgement",
        "The patient’s own account",
        "Not assessed",
        "Not asked",
        "Now: ",
        "subscale mean",
        "A language tag",
        "Expects therapy to help",
        "Preferred language of therapy",
        "Choose what the preference is about first.",
        "Strength",
        "Therapist gender",
        "→ distress",
        "stage of change",
    ),
    "new": ("Spanish (español)", "French (français)", "Preferred language"),
}


def visible_text(page: str) -> str:
    """What a person reads on ``page``: its text and the attributes shown to them."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    shown = re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", "\n", page)
    return html.unescape("\n".join([text, *shown]))


@pytest.fixture(scope="module")
def spanish_pages(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """The four pages of a Spanish clinic whose patient has two PHQ-9 scores and a profile."""
    folder = tmp_path_factory.mktemp("spanish-clinic")
    shutil.copyfile(sqlite_template, folder / "clinic.sqlite3")
    url = f"sqlite:///{folder / 'clinic.sqlite3'}"
    settings = Settings(
        database_url=url,
        data_dir=folder,
        secret_key=SecretStr("web-test-secret-0123456789abcdef"),
        mode="dev",
        clinic_language="es",
    )
    engine = make_engine(url)
    app = create_app(settings, engine=engine, passwords=fast_passwords(), secure_cookies=False)
    ctx = app.state.context
    world: World = build_world(ctx)
    for week, answers in enumerate(([2, 2, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0])):
        record_administration(
            ctx,
            world.ana,
            world.episode_a,
            AdministrationCreate(
                instrument="phq9",
                answers=answers,
                language="es",
                administered_at=START + dt.timedelta(days=7 * week + 1),
                session_number=week + 1,
            ),
        )
    update_profile(ctx, world.ana, world.patient_a, {"reactance": "high"})
    paths = {
        "caseload": "/caseload",
        "patient": f"/patients/{world.patient_a}",
        "intake": f"/patients/{world.patient_a}/intake",
        "new": "/patients/new",
    }
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            sign_in(client, "ana")
            pages = {}
            for name, path in paths.items():
                response = client.get(path)
                assert response.status_code == 200, response.text
                pages[name] = response.text
            yield pages
    finally:
        engine.dispose()


@pytest.mark.parametrize("page", sorted(ON_PAGE))
def test_a_spanish_clinics_page_holds_none_of_the_english_it_used_to(
    spanish_pages: dict[str, str], page: str
) -> None:
    text = visible_text(spanish_pages[page])
    left = [english for english in (*EVERY_PAGE, *ON_PAGE[page]) if english in text]
    assert left == []


@pytest.mark.parametrize(
    ("page", "spanish"),
    [
        ("caseload", "<title>Casos · Attunement</title>"),
        ("new", "<title>Nuevo paciente · Attunement</title>"),
        ("intake", "<h1>Evaluación inicial: Synthetic Alma</h1>"),
        ("intake", "Ahora: nivel alto — valoración del clínico, "),
        ("intake", "Valoraciones del clínico"),
        ("patient", "Clínico: Ana (usted)"),
        ("patient", "2 sesiones registradas"),
        ("patient", "Introducida por un clínico; respondida en español; definición v1.0."),
        ("caseload", "(sesión 2)"),
        ("patient", '<span class="figure-value">8,9</span>'),
        ("patient", "intervalo 7,6–10,3, método racional"),
    ],
)
def test_a_spanish_clinics_page_says_it_in_spanish(
    spanish_pages: dict[str, str], page: str, spanish: str
) -> None:
    assert spanish in spanish_pages[page]
