"""``attune status EPISODE`` (JSON, text, bad files) and ``attune etr fit``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from attunement.cli import app
from attunement.cli.demo import DEMO_SEED
from attunement.services import seed_demo_clinic
from attunement.simulate import simulate_clinic
from attunement.store import make_engine, make_sessionmaker, migrate

runner = CliRunner()


def demo_clinic(url: str, patients: int) -> None:
    """The SYNTHETIC clinic ``attune demo --patients N`` stores (same seed, same span up to
    today), through the same services, without the demo's walk, accounts and reports."""
    engine = make_engine(url)
    try:
        migrate(engine)
        now = dt.datetime.now(dt.UTC)
        clinic = simulate_clinic(
            seed=DEMO_SEED, n_patients=patients, start=now.date() - dt.timedelta(days=150)
        )
        seed_demo_clinic(make_sessionmaker(engine), clinic, now=now)
    finally:
        engine.dispose()


EPISODE: dict[str, Any] = {
    "outcome": {
        "instrument": "phq9",
        "sessions": [
            {"session": 1, "score": 18},
            {"session": 2, "answers": [2, 1, 3, 1, 2, 1, 1, 0, 0]},
            {"session": 3, "answers": [2, 2, 3, 2, 2, 2, 2, 1, 1]},
        ],
    },
    "alliance": {
        "instrument": "wai_sr",
        "sessions": [{"session": 1, "score": 4.1}, {"session": 3, "score": 2.7}],
    },
    "profile": {"stage_of_change": "contemplation"},
}


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))


def write(tmp_path: Path, data: Any, name: str = "episode.yaml") -> Path:
    path = tmp_path / name
    text = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["episode.yaml", "episode.json"])
def test_json_output_describes_the_latest_session(tmp_path: Path, name: str) -> None:
    result = runner.invoke(app, ["status", str(write(tmp_path, EPISODE, name)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["session"] == 3
    assert data["change"] == -1
    assert "rci" in data
    assert data["category"] in ("recovered", "improved", "unchanged", "deteriorated")
    assert data["alert"] in ("white", "green", "yellow", "red")
    assert {"value", "low", "high", "method"} <= set(data["expected"])
    assert data["expected"]["method"] == "rational"
    assert data["alliance"]["state"] == "rupture"
    assert data["alliance"]["alerts"]
    assert [f["item"] for f in data["flags"]] == ["phq9_9"]
    assert isinstance(data["support_prompts"], list)
    assert {"sd", "reliability", "source"} <= set(data["norms"])


def test_text_output_is_readable_and_puts_risk_first(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", str(write(tmp_path, EPISODE))])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("RISK — Open risk event")
    assert any(line.startswith("Alert: ") for line in lines)
    assert "Alliance (WAI-SR): possible rupture" in result.output
    assert "  Immediate: " in result.output  # a repair option after its kind in words
    assert "{" not in lines[0]


def test_yellow_episode_shows_support_prompts_with_suggested_updates(tmp_path: Path) -> None:
    episode = {
        "outcome": {
            "instrument": "phq9",
            "sessions": [{"session": s, "score": 18} for s in range(1, 13)],
        },
        "profile": {"stage_of_change": "precontemplation"},
    }
    result = runner.invoke(app, ["status", str(write(tmp_path, episode)), "--json"])
    data = json.loads(result.output)
    assert data["alert"] == "yellow"
    motivation = next(p for p in data["support_prompts"] if p["domain"] == "motivation")
    assert motivation["evidence"]
    assert motivation["profile_updates"][0]["field"] == "stage_of_change"


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        ({"session": 2, "score": 31}, "outcome.sessions[session 2].score"),
        ({"session": 2, "answers": [1, 2, 3]}, "outcome.sessions[session 2].answers"),
        ({"session": 2, "scores": 4}, "outcome.sessions[session 2].scores"),
    ],
)
def test_invalid_file_names_session_and_field_and_exits_2(
    tmp_path: Path, session: dict[str, Any], expected: str
) -> None:
    episode = {"outcome": {"instrument": "phq9", "sessions": [{"session": 1, "score": 9}, session]}}
    result = runner.invoke(app, ["status", str(write(tmp_path, episode))])
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert expected in result.output
    assert "Traceback" not in result.output


def test_unparseable_and_missing_files_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["status", str(broken)])
    assert result.exit_code == 2
    assert "broken.json:1: not valid JSON" in result.output
    result = runner.invoke(app, ["status", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "absent.yaml" in result.output


def test_a_non_mapping_file_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", str(write(tmp_path, [1, 2, 3]))])
    assert result.exit_code == 2
    assert "episode" in result.output


def test_etr_fit_on_the_demo_clinic_stores_versions_and_status_falls_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    demo_clinic(url, 12)
    ended_only = runner.invoke(app, ["etr", "fit", "--db", url, "--json"])
    assert ended_only.exit_code == 0, ended_only.output  # the demo closes some episodes
    fitted = json.loads(ended_only.output)
    assert fitted["sequence"] == 1
    assert fitted["end_reasons"] == {"planned_end": 3}  # ended episodes only
    assert fitted["episodes"] == fitted["synthetic_episodes"] == 3
    first = runner.invoke(app, ["etr", "fit", "--db", url, "--include-ongoing", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["sequence"] == 2
    assert summary["episodes"] == 12
    assert summary["synthetic_episodes"] == 12
    assert summary["end_reasons"] == {"open": 9, "planned_end": 3}
    assert summary["used_by_status"] is False  # fewer than MINIMUM_EPISODES
    second = runner.invoke(app, ["etr", "fit", "--db", url, "--include-ongoing"])
    assert second.exit_code == 0
    assert "v3" in second.output
    assert "by end reason: 9 open, 3 planned end" in second.output
    assert "stored: database table etr_models, phq9 version 3" in second.output
    assert "NOT used yet" in second.output
    listed = json.loads(runner.invoke(app, ["etr", "list", "--db", url, "--json"]).output)
    assert [(v["sequence"], v["n_patients"]) for v in listed] == [(1, 3), (2, 12), (3, 12)]
    status = runner.invoke(app, ["status", str(write(tmp_path, EPISODE)), "--json", "--db", url])
    expected = json.loads(status.output)["expected"]
    assert expected["method"] == "rational"
    assert "fallback to the rational method" in expected["basis"]
    assert "12 episodes" in expected["basis"]


def test_status_without_a_clinic_database_uses_the_rational_method(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", str(write(tmp_path, EPISODE)), "--json"])
    assert result.exit_code == 0, result.output
    assert "no empirical model" in json.loads(result.output)["expected"]["basis"]
    assert not (tmp_path / "data" / "attunement.sqlite3").exists()  # not created to look


def test_a_model_file_given_with_model_is_used(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    demo_clinic(url, 6)
    model = tmp_path / "phq9-model.json"
    fit = runner.invoke(
        app, ["etr", "fit", "--db", url, "--include-ongoing", "--export", str(model)]
    )
    assert fit.exit_code == 0, fit.output
    assert f"exported: {model}" in fit.output
    again = runner.invoke(
        app, ["etr", "fit", "--db", url, "--include-ongoing", "--export", str(model)]
    )
    assert again.exit_code == 2  # an export never overwrites a file
    assert "--export" in again.output
    listed = runner.invoke(app, ["etr", "list", "--db", url])
    assert "phq9 v1" in listed.output
    assert "phq9 v2" not in listed.output  # refused before fitting: nothing stored
    result = runner.invoke(
        app, ["status", str(write(tmp_path, EPISODE)), "--json", "--model", str(model)]
    )
    assert result.exit_code == 0, result.output
    assert "6 episodes" in json.loads(result.output)["expected"]["basis"]
    rational = runner.invoke(
        app, ["status", str(write(tmp_path, EPISODE)), "--json", "--etr", "rational"]
    )
    assert "no empirical model" in json.loads(rational.output)["expected"]["basis"]


def jsonl(tmp_path: Path, lines: list[str], name: str = "episodes.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


FLAT = {
    "outcome": {
        "instrument": "phq9",
        "sessions": [{"session": s, "score": 18} for s in range(1, 7)],
    }
}
K10 = {
    "outcome": {
        "instrument": "k10",
        "sessions": [{"session": 1, "score": 20}, {"session": 2, "score": 40}],
    }
}


def test_batch_prints_one_status_per_episode_with_its_id(tmp_path: Path) -> None:
    path = jsonl(tmp_path, [json.dumps({"id": "a", **FLAT}), "", json.dumps({"id": 7, **EPISODE})])
    result = runner.invoke(app, ["status", "--batch", str(path), "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in records] == ["a", 7]
    assert records[0]["status"]["alert"] == "yellow"
    single = runner.invoke(app, ["status", str(write(tmp_path, EPISODE)), "--json"])
    assert records[1]["status"] == json.loads(single.output)  # the same status as one file


def test_batch_each_session_gives_the_status_after_each_attended_session(tmp_path: Path) -> None:
    missed = {
        "id": "m",
        "outcome": {
            "instrument": "phq9",
            "sessions": [
                {"session": 1, "score": 18},
                {"session": 2, "attended": False},
                {"session": 3, "score": 18},
                {"session": 4, "score": 18},
            ],
        },
    }
    path = jsonl(tmp_path, [json.dumps(missed), json.dumps({"id": "k", **K10})])
    result = runner.invoke(app, ["status", "--batch", str(path), "--each-session", "--json"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert [s["session"] for s in first["statuses"]] == [1, 3, 4]
    assert [s["dose"] for s in first["statuses"]] == [1, 2, 3]
    # K10 +20: reliable at this session only (red when seen again): yellow at once
    assert [s["alert"] for s in second["statuses"]] == ["green", "yellow"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "line 2: not valid JSON"),
        ("[1, 2]", "line 2: not a JSON object"),
        (json.dumps(FLAT), "line 2: id"),
        (json.dumps({"id": "x", "outcome": {"instrument": "phq9", "sessions": []}}), "line 2:"),
        (
            json.dumps(
                {
                    "id": "x",
                    "outcome": {"instrument": "phq9", "sessions": [{"session": 1, "score": 40}]},
                }
            ),
            "line 2: outcome.sessions[session 1].score",
        ),
    ],
)
def test_a_bad_batch_line_names_its_line_number_and_exits_2(
    tmp_path: Path, line: str, expected: str
) -> None:
    path = jsonl(tmp_path, [json.dumps({"id": "ok", **FLAT}), line])
    result = runner.invoke(app, ["status", "--batch", str(path), "--json"])
    assert result.exit_code == 2
    assert result.output.startswith("error: episodes.jsonl ")
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1  # one line, nothing half-written
    assert "Traceback" not in result.output


def test_a_binary_or_non_utf8_batch_file_exits_2_naming_the_line(tmp_path: Path) -> None:
    binary = tmp_path / "episodes.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    result = runner.invoke(app, ["status", "--batch", str(binary)])
    assert result.exit_code == 2
    assert "line 1: not UTF-8 text" in result.output
    latin = jsonl(tmp_path, [json.dumps({"id": "ok", **FLAT})], name="latin.jsonl")
    latin.write_bytes(latin.read_bytes() + '{"id": "é"}\n'.encode("latin-1"))
    result = runner.invoke(app, ["status", "--batch", str(latin)])
    assert result.exit_code == 2
    assert "line 2: not UTF-8 text" in result.output
    nul = tmp_path / "nul.jsonl"
    nul.write_bytes(b'{"id": 1}\x00\n')
    result = runner.invoke(app, ["status", "--batch", str(nul)])
    assert result.exit_code == 2
    assert "line 1:" in result.output


def test_batch_and_episode_file_are_exclusive_and_each_session_needs_batch(tmp_path: Path) -> None:
    path = jsonl(tmp_path, [json.dumps({"id": "a", **FLAT})])
    both = runner.invoke(app, ["status", str(write(tmp_path, EPISODE)), "--batch", str(path)])
    assert both.exit_code == 2
    neither = runner.invoke(app, ["status"])
    assert neither.exit_code == 2
    alone = runner.invoke(app, ["status", str(write(tmp_path, EPISODE)), "--each-session"])
    assert alone.exit_code == 2
    assert "--each-session" in alone.output
    missing = runner.invoke(app, ["status", "--batch", str(tmp_path / "absent.jsonl")])
    assert missing.exit_code == 2
    assert "absent.jsonl" in missing.output


def test_k10_status_names_its_conservative_norms_in_text(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", str(write(tmp_path, K10))])
    assert result.exit_code == 0, result.output
    assert (
        "Alert: Yellow · less progress than expected" in result.output
    )  # +20, reliable at one session: red if again
    assert "Popoviciu" in result.output


def test_text_names_the_level_of_the_outer_limit_and_the_red_threshold(tmp_path: Path) -> None:
    # issue 11: red is reliable deterioration only (PHQ-9: 1.96 x sqrt(2) x SEM 2.5 = 6.93);
    # the wording comes from monitoring's one decision, not a second copy here
    six_worse = {"outcome": {"instrument": "phq9", "sessions": [
        {"session": 1, "score": 12}, {"session": 2, "score": 18}]}}  # fmt: skip
    result = runner.invoke(app, ["status", str(write(tmp_path, six_worse))])
    assert result.exit_code == 0, result.output
    assert "Alert: Yellow · less progress than expected" in result.output
    assert "red at 6.93" in result.output
    assert "yellow at once beyond" in result.output
    assert "red beyond" not in result.output


def _many_episodes(count: int) -> list[str]:
    """Episodes that differ (intake, length, item 9 endorsed in every third)."""
    lines = []
    for n in range(count):
        risk = 1 if n % 3 == 0 else 0
        sessions = [
            {"session": s, "answers": [(n + s + i) % 4 for i in range(8)] + [risk]}
            for s in range(1, 2 + n % 7)
        ]
        lines.append(json.dumps({"id": n, "outcome": {"instrument": "phq9", "sessions": sessions}}))
    return lines


def test_batch_with_worker_processes_prints_exactly_what_one_process_prints(
    tmp_path: Path,
) -> None:
    path = jsonl(tmp_path, _many_episodes(600))  # more lines than one worker's chunk
    for extra in ([], ["--each-session"]):
        one = runner.invoke(app, ["status", "--batch", str(path), *extra])
        two = runner.invoke(app, ["status", "--batch", str(path), "--jobs", "3", *extra])
        assert one.exit_code == two.exit_code == 0, two.output
        assert two.output == one.output
        assert len(two.output.splitlines()) == 600


def test_batch_with_worker_processes_names_the_first_bad_line_of_the_file(
    tmp_path: Path,
) -> None:
    lines = _many_episodes(700)
    lines[650] = "{not json"  # in a later chunk
    lines[420] = "[1, 2]"  # the first bad line, in an earlier chunk
    path = jsonl(tmp_path, lines)
    result = runner.invoke(app, ["status", "--batch", str(path), "--jobs", "2"])
    assert result.exit_code == 2
    assert result.output.strip() == "error: episodes.jsonl line 421: not a JSON object " + (
        "(an episode with its id)"
    )


@pytest.mark.parametrize("jobs", ["0", "65", "-1"])
def test_jobs_outside_1_to_64_is_refused_naming_the_option(tmp_path: Path, jobs: str) -> None:
    path = jsonl(tmp_path, [json.dumps({"id": "a", **FLAT})])
    result = runner.invoke(app, ["status", "--batch", str(path), "--jobs", jobs])
    assert result.exit_code == 2
    assert "--jobs" in result.output
    assert "1 to 64" in result.output
    assert "Traceback" not in result.output


def test_jobs_needs_batch(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", str(write(tmp_path, EPISODE)), "--jobs", "2"])
    assert result.exit_code == 2
    assert "--jobs" in result.output


@pytest.mark.parametrize("etr", ["rational", "auto"])
def test_the_clinics_caseness_convention_is_read_and_checked_alike_by_either_method(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, etr: str
) -> None:
    episode = str(write(tmp_path, EPISODE))
    monkeypatch.setenv("attune_caseness_convention", "nhs_talking_therapies")  # any case
    result = runner.invoke(app, ["status", episode, "--json", "--etr", etr])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["norms"]["cutoff_convention"] == "nhs_talking_therapies"
    monkeypatch.setenv("attune_caseness_convention", "strict")
    refused = runner.invoke(app, ["status", episode, "--etr", etr])
    assert refused.exit_code == 2
    assert "ATTUNE_CASENESS_CONVENTION: 'strict' is not one of published" in refused.output


def test_a_spanish_clinic_reads_the_status_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the command's own words, the change category and the alliance state in the
    clinic's language; no identifier such as ``published_rci``."""
    monkeypatch.setenv("ATTUNE_CLINIC_LANGUAGE", "es")
    profile = {"stage_of_change": "contemplation", "expectations": {"outcome": "low"}}
    result = runner.invoke(app, ["status", str(write(tmp_path, {**EPISODE, "profile": profile}))])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.splitlines()[0] == "PHQ-9 total — sesión 3"
    assert "\nAlerta: Verde · según lo previsto — " in text
    assert "; cambio −1, ICF — (umbral publicado), sin cambios" in text
    assert "Alianza (WAI-SR): posible ruptura: considere una reparación" in text
    assert "\n  Inmediata: " in text
    # the alert's reason, a dropout indicator's fact and a prompt's fact, with their figures
    # written as Spanish writes numbers (a decimal comma)
    assert (
        "según lo previsto — 17 es peor que el rango esperado (límite 15,8), pero la tendencia "
        "de las 3 puntuaciones desde la evaluación inicial" in text
    )
    assert "Alianza débil o rota — WAI-SR 2,70 por debajo de 3\n" in text
    assert (
        "(porque: PHQ-9 ítem 9 respondido afirmativamente (respuesta 1) en la sesión 3; "
        "todavía no se ha registrado ninguna respuesta al riesgo):" in text
    )
    assert (
        "Baja expectativa de resultado o credibilidad — expectativa de resultado: nivel bajo "
        "(declaración del paciente)\n" in text
    )
    assert "\nNota: el ICF necesita la desviación típica y la fiabilidad" in text
    assert "\n  base: racional: esperado = evaluación inicial - 0,23 x 15,1 (" in text
    assert "; se recurre al método racional: todavía no se ha ajustado ningún modelo" in text
    for english in ("Alert:", "Score:", "Expected (", "Norms:", "Alliance (", "published_rci"):
        assert english not in text
    for english in (
        "worse than the expected band",
        "2.70 below 3",
        "no risk response recorded",
        "endorsed (answer",
        "outcome expectation",
        "patient's statement",
        "RC needs the SD",
        "fallback to the rational method",
    ):
        assert english not in text


def test_a_spanish_clinic_reads_an_open_risk_event_and_an_answered_ones_history_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issues 16 and 17: the risk headline, the instruction and the response recorded are
    in the clinic's language, the item by its name (synthetic episode)."""
    monkeypatch.setenv("ATTUNE_CLINIC_LANGUAGE", "es")
    episode = {
        **EPISODE,
        "outcome": {
            "instrument": "phq9",
            "sessions": [
                {"session": 1, "answers": [2, 2, 2, 2, 2, 2, 2, 2, 2]},
                {"session": 2, "answers": [2, 1, 3, 1, 2, 1, 1, 0, 0]},
                {"session": 3, "answers": [2, 2, 3, 2, 2, 2, 2, 1, 1]},
            ],
        },
        "risk_responses": [
            {"session": 1, "assessed_on": "2026-01-06", "level": "low", "actions": ["safety_plan"]}
        ],
    }
    result = runner.invoke(app, ["status", str(write(tmp_path, episode))])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "RIESGO — Evento de riesgo abierto: PHQ-9 ítem 9 respondido afirmativamente " in text
    assert "(respuesta 1) en la sesión 3" in text
    assert "Sigue abierto hasta que un profesional clínico registre una respuesta" in text
    assert "Historial de riesgo: PHQ-9 ítem 9 respondido afirmativamente (respuesta 2)" in text
    assert "Respuesta registrada — evaluado el 2026-01-06: Preocupación baja; Plan de" in text
    risk_lines = [
        line
        for line in text.splitlines()
        if "PHQ-9 ítem 9" in line and not line.startswith("Apoyo — ")  # the prompt's fact
    ]
    assert len(risk_lines) == 2
    for english in ("Open risk event", "Risk history", "Response recorded", "It stays open"):
        assert english not in text


YELLOW: dict[str, Any] = {
    "outcome": {
        "instrument": "phq9",
        "sessions": [{"session": s, "score": 18} for s in range(1, 12)]
        + [{"session": 12, "score": 18.5}],
    },
    "profile": {
        "stage_of_change": {"instrument": "readiness_ruler", "answers": [3]},
        "expectations": {"outcome": "low", "source": "clinician_rating"},
    },
}


def test_a_spanish_status_writes_its_figures_and_a_prompts_current_value_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the headline figures with the decimal comma of the sentences beside them,
    a suggested update's current value with the profile's Spanish labels and the
    questionnaire by its name (synthetic episode)."""
    monkeypatch.setenv("ATTUNE_CLINIC_LANGUAGE", "es")
    result = runner.invoke(app, ["status", str(write(tmp_path, YELLOW))])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Puntuación: 18 (sesión 1) → 18,5 (sesión 12); cambio +0,5, " in text
    assert (
        "\nEsperado (racional): 10, banda 8,6–11,4, amarillo de inmediato más allá de 22,6\n"
        in (text)
    )
    assert "(ahora: contemplación (Readiness ruler v1.0))" in text
    assert "(ahora: expectativa de resultado: nivel bajo (valoración del clínico))" in text
    for english in ("18.5", "8.6", "clinician rating", "(now:", "readiness_ruler"):
        assert english not in text


def test_an_english_status_writes_its_figures_and_current_values_as_before(
    tmp_path: Path,
) -> None:
    result = runner.invoke(app, ["status", str(write(tmp_path, YELLOW))])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Score: 18 (session 1) → 18.5 (session 12); change +0.5, " in text
    assert "\nExpected (rational): 10, band 8.6–11.4, yellow at once beyond 22.6\n" in text
    assert "(now: contemplation (Readiness ruler v1.0))" in text
    assert "(now: outcome expectation: low (clinician rating))" in text
    assert "readiness_ruler" not in text
