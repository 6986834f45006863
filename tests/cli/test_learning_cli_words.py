"""The learning commands speak the clinic's language, not the code's (issue 16).

``attune learn report``, ``attune predict evaluate`` (on the hidden-truth SYNTHETIC clinic)
and ``attune predict course`` (on an episode of the SYNTHETIC demo clinic) print no
``snake_case`` word, item id or bare language tag in their text output, in English and in
Spanish; the therapists' sign-in names, which people chose, are the only names shown as given.
``--json`` stays data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.documents.test_no_internal_ids import identifiers
from typer.testing import CliRunner

from attunement.cli import app
from attunement.services import seed_demo_clinic
from attunement.simulate import simulate_clinic
from attunement.store import Administration, Episode, make_engine, make_sessionmaker, migrate

runner = CliRunner()
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LEARN = ["learn", "report", "--simulate", "--episodes", "240"]
EVALUATE = ["predict", "evaluate", "--simulate", "--episodes", "120"]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))


def _run(args: list[str], language: str = "en") -> str:
    result = runner.invoke(app, args, env={"ATTUNE_CLINIC_LANGUAGE": language})
    assert result.exit_code == 0, result.output
    return result.output


#: Words of an English sentence that no Spanish sentence of these commands holds.
_ENGLISH = re.compile(
    r"\b(the|of|and|with|from|not|than|fewer|too|is|are|episodes|clinic|similar|seed|"
    r"covers|miscalibrated|recorded|available|needs|assumption|nothing)\b",
    re.IGNORECASE,
)
#: A benchmark's line ends with its published source, cited as published (in English).
_CITATION = re.compile(r" \((?:[^()]|\([^()]*\))*\)$")


def english_sentences(text: str) -> list[str]:
    """The lines of ``text`` that read as English (a benchmark's source left out)."""
    return [line for line in text.splitlines() if _ENGLISH.search(_CITATION.sub("", line))]


def _therapists() -> frozenset[str]:
    data = json.loads(_run([*LEARN, "--json"]))
    return frozenset(t["therapist"] for t in data["therapists"]["therapists"])


@pytest.mark.parametrize("language", ["en", "es"])
def test_learn_report_text_shows_no_identifier(language: str) -> None:
    people = _therapists()
    assert any("_" in name for name in people)  # the check below would see them otherwise
    assert identifiers(_run(LEARN, language), people) == []


def test_learn_report_names_each_dimension_and_outcome_in_the_clinic_language() -> None:
    english, spanish = _run(LEARN), _run(LEARN, "es")
    assert "  Preferences: " in english
    assert "  Stages of change: " in english
    assert "    Reliably improved: " in english
    assert "  Preferencias: " in spanish
    assert "  Estadios de cambio: " in spanish
    assert "Retroalimentación a terapeutas" in spanish
    assert "¿Funciona aquí la responsividad?" in spanish


def test_learn_report_in_spanish_prints_no_english_sentence() -> None:
    english, spanish = _run(LEARN), _run(LEARN, "es")
    assert english_sentences(english)  # the check sees English where there is some
    assert english_sentences(spanish) == []
    assert "DATOS SINTÉTICOS" in spanish.splitlines()[0]  # still says it is synthetic
    assert "supuesto:" in spanish  # the minimum's reason, translated


def test_predict_evaluate_in_spanish_prints_no_english_sentence() -> None:
    english, spanish = _run(EVALUATE), _run(EVALUATE, "es")
    assert "WARNING: 80% band covers" in english
    assert "AVISO: la banda del 80% cubre el" in spanish  # the warnings, with their numbers
    assert "DATOS SINTÉTICOS" in spanish.splitlines()[0]
    assert english_sentences(english)
    assert english_sentences(spanish) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_predict_evaluate_text_shows_no_identifier(language: str) -> None:
    assert identifiers(_run(EVALUATE, language)) == []


def test_predict_evaluate_names_each_group_in_the_clinic_language() -> None:
    english, spanish = _run(EVALUATE), _run(EVALUATE, "es")
    for group in ("All episodes", "Language: English", "Language: Spanish", "Sex: Female"):
        assert f"\n{group}\n" in english
    assert "language=" not in english
    assert "sex=" not in english
    for group in ("Todos los episodios", "Idioma: español", "Sexo: Mujer"):
        assert f"\n{group}\n" in spanish
    assert "  personalizado  n=" in spanish
    row = next(line for line in spanish.splitlines() if line.startswith("  personalizado  n="))
    assert re.search(r"\d,\d\d", row)  # Spanish figures: a decimal comma
    assert not re.search(r"\d\.\d", row)


def test_predict_evaluate_json_keeps_the_group_ids() -> None:
    data = json.loads(_run([*EVALUATE, "--json"]))
    assert {"all", "language=es", "sex=female"} <= {row["group"] for row in data["rows"]}


@pytest.fixture
def demo_database(tmp_path: Path) -> tuple[str, int]:
    """The SYNTHETIC demo clinic in a SQLite file, and its episode with the most scores."""
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    engine = make_engine(url)
    try:
        migrate(engine)
        clinic = simulate_clinic(seed=7, n_patients=24, start=NOW.date() - dt.timedelta(days=150))
        sessions = make_sessionmaker(engine)
        seed_demo_clinic(sessions, clinic, now=NOW)
        with sessions() as session:
            episode = session.scalars(
                select(Episode.id)
                .join(Administration, Administration.episode_id == Episode.id)
                .group_by(Episode.id)
                .order_by(Episode.id)
            ).first()
    finally:
        engine.dispose()
    assert episode is not None
    return url, episode


@pytest.mark.parametrize("language", ["en", "es"])
def test_predict_course_text_shows_no_identifier(
    demo_database: tuple[str, int], language: str
) -> None:
    url, episode = demo_database
    text = _run(["predict", "course", str(episode), "--db", url], language)
    assert "session  2: " in text or "sesión  2: " in text
    assert identifiers(text) == []
    assert "neighbours" not in text
    assert "empirical" not in text
    if language == "es":
        assert english_sentences(text) == []
        assert "probabilidad de abandono: " in text
