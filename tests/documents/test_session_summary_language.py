"""The session summary for the clinical record reads in the clinic's language (issue 16):
every line of a Spanish clinic's summary is Spanish — the scores, the change, the alert, the
open risk count, the risk items, the support prompts and the plan — and the English one is
unchanged in meaning."""

from __future__ import annotations

import datetime as dt

import pytest

from attunement.documents import session_summary_text
from attunement.monitoring import Status, assess_episode, parse_episode
from attunement.tailoring import Plan
from attunement.wording import plan_in, status_in
from tests.tailoring.vignettes import plan_for, pref

SESSIONS = [
    {"session": 1, "answers": [2, 2, 2, 2, 2, 2, 2, 2, 0]},
    {"session": 2, "answers": [2, 3, 3, 2, 3, 2, 2, 2, 1]},
    {"session": 3, "answers": [3, 3, 3, 3, 3, 2, 3, 2, 1]},
]


@pytest.fixture(scope="module")
def status() -> Status:
    parsed = parse_episode({"outcome": {"instrument": "phq9", "sessions": SESSIONS}})
    return assess_episode(parsed.outcome)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_for({"preferences": [pref("directiveness", "client_directed", "strong")]})


def test_the_english_summary_reads_as_before(status: Status, plan: Plan) -> None:
    text = session_summary_text(status, plan, measured_on=dt.date(2026, 1, 5), synthetic=True)
    lines = text.splitlines()
    assert lines[0] == "SYNTHETIC DATA - not a real patient"
    assert lines[1] == "Attunement summary - session 3"
    assert lines[2].startswith("Outcome (PHQ-9 total): ")
    assert " at session 3 on 2026-01-05; intake " in lines[2]
    assert lines[3].startswith("Change since intake: ")
    assert any(line.startswith("Risk items flagged at this session: ") for line in lines)
    assert lines[-1].startswith("Current plan: ")
    assert lines[-1].endswith(" focus.")


def test_a_spanish_clinics_summary_is_spanish_on_every_line(status: Status, plan: Plan) -> None:
    text = session_summary_text(
        status_in(status, "es"),
        plan_in(plan, "es"),
        measured_on=dt.date(2026, 1, 5),
        synthetic=True,
        language="es",
    )
    lines = text.splitlines()
    assert lines[0] == "DATOS SINTÉTICOS - no es un paciente real"
    assert lines[1] == "Resumen de Attunement - sesión 3"
    assert lines[2].startswith("Resultado (PHQ-9 total): ")
    assert lines[3].startswith("Cambio desde el inicio: ")
    assert any(line.startswith("Alerta: ") for line in lines)
    assert any(
        line.startswith("Ítems de riesgo señalados en esta sesión: PHQ-9 ítem 9 (")
        for line in lines
    )
    assert lines[-1].startswith("Plan actual: directividad ")
    english = (
        "Outcome",
        "Change since",
        "Alert:",
        "Open risk",
        "OPEN RISK",
        "Risk items",
        "Plan changes",
        "Current plan",
        "directiveness",
        " stance",
        " focus",
        " item ",
    )
    assert [line for line in lines if any(word in line for word in english)] == []


def test_a_second_hand_figure_is_marked_in_the_reports_language_not_by_its_status_id() -> None:
    from attunement.documents._assemble import citation_text
    from attunement.tailoring import EvidenceCitation

    cited = EvidenceCitation(
        element="feedback",
        element_name="Collecting client feedback",
        verdict="demonstrably effective",
        authors="Lambert, Whipple & Kleinstäuber",
        year=2018,
        source="Psychotherapy 55(4), 520-537",
        status="summary-only",
    )
    assert citation_text(cited).endswith(
        ": narrative finding [second-hand only, not found in a primary source]"
    )
    spanish = citation_text(cited, "es")
    assert "hallazgo narrativo" in spanish
    assert "summary-only" not in spanish
    assert "second-hand" not in spanish
