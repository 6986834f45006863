"""Every sentence a status stores is worded at the edge (issues 16 and 17): the profile facts
a dropout indicator or a support prompt gives, an open risk event inside the risk prompt, the
expected band's basis and its outer limit's basis read in Spanish with Spanish numbers (a
decimal comma), in English exactly as the core stored them, and a status stored before (no
templates, or its figures already written as strings) still reads as stored. Synthetic data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from attunement.monitoring import Series, SessionPoint, Status, assess_episode
from attunement.profile import parse_profile
from attunement.risk import RiskEndorsement, RiskEvent
from attunement.wording import describe_endorsement, status_in

DAY = dt.date(2026, 1, 5)


def _phq9(*values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def _endorsement(**changes: Any) -> RiskEndorsement:
    given: dict[str, Any] = {
        "kind": "endorsed",
        "instrument": "phq9",
        "item": "phq9_9",
        "flag": "suicidal_ideation",
        "answer": 2,
        "message": "synthetic risk message",
        "route": "session",
        "session": 4,
        "on": dt.date(2026, 1, 12),
    }
    return RiskEndorsement(**{**given, **changes})


def _status(endorsement: RiskEndorsement | None = None) -> Status:
    profile = parse_profile(
        {
            "expectations": {"outcome": "low", "credibility": "low"},
            "stage_of_change": "precontemplation",
            "preferences": [
                {"aspect": "therapist_gender", "value": "female", "strength": "strong"}
            ],
        },
        assessed_on=DAY,
    )
    given = endorsement or _endorsement()
    event = RiskEvent(id=1, kind=given.kind, endorsements=(given,))
    return assess_episode(_phq9(20, 22, 26), profile=profile, risk_events=(event,))


def _facts(status: Status) -> list[str]:
    return [fact for risk in status.dropout_risks for fact in risk.facts]


def test_the_profile_facts_of_the_dropout_indicators_are_in_spanish() -> None:
    status = _status()
    assert _facts(status_in(status, "es")) == [
        "expectativa de resultado: nivel bajo (declaración del paciente, 2026-01-05)",
        "credibilidad del tratamiento: nivel bajo (declaración del paciente, 2026-01-05)",
        "estadio de cambio: precontemplación (valoración del clínico, 2026-01-05)",
        "género del terapeuta: mujer (fuerte)",
    ]


def test_the_profile_facts_stay_the_english_the_core_stored() -> None:
    status = _status()
    assert status_in(status, "en") is status
    assert _facts(status) == [
        "outcome expectation: low (patient's statement, 2026-01-05)",
        "treatment credibility: low (patient's statement, 2026-01-05)",
        "stage of change: precontemplation (clinician rating, 2026-01-05)",
        "therapist gender: female (strong)",
    ]


def test_a_support_prompt_gives_its_profile_facts_in_spanish() -> None:
    shown = status_in(_status(), "es")
    motivation = next(p for p in shown.support_prompts if "precontemplation" in p.signals)
    assert "estadio de cambio: precontemplación (valoración del clínico, 2026-01-05)" in (
        motivation.because
    )


@pytest.mark.parametrize(
    "endorsement",
    [
        _endorsement(),
        _endorsement(answer=None),
        _endorsement(kind="unanswered", answer=None),
        _endorsement(route="intake", session=None),
        _endorsement(route="self_report", session=None, on=None),
        _endorsement(route="import", session=None, on=None),
        _endorsement(instrument="synthetic_scale", item="item_3"),
    ],
)
@pytest.mark.parametrize(
    ("language", "awaiting"),
    [
        ("en", "no risk response recorded yet"),
        ("es", "todavía no se ha registrado ninguna respuesta al riesgo"),
    ],
)
def test_an_open_risk_event_reads_in_its_prompt_as_the_risk_event_itself(
    endorsement: RiskEndorsement, language: str, awaiting: str
) -> None:
    shown = status_in(_status(endorsement), language)
    risk = next(p for p in shown.support_prompts if p.domain == "risk")
    assert risk.because == (f"{describe_endorsement(endorsement, language)}; {awaiting}",)


def test_the_rational_basis_and_the_outer_limit_are_in_spanish_with_a_decimal_comma() -> None:
    status = _status()
    assert status.expected is not None
    shown = status_in(status, "es").expected
    assert shown is not None
    assert shown.basis.startswith(
        "racional: esperado = evaluación inicial - 0,23 x 17,1 (la distancia de la evaluación "
        "inicial a la referencia no clínica 2,9); proporción = 0,44 x ln(3)/ln(8)"
    )
    assert "(ICF publicado 6 / 1,96)" in shown.basis
    assert shown.outer_basis.startswith(
        "esperado + 3 x S_diff 3,06, y al menos 1,5 x S_diff peor que la evaluación inicial; "
    )
    assert status.expected.basis.startswith(
        "rational: expected = intake - 0.23 x 17.1 (the intake's distance from the healthy "
        "reference 2.9); share = 0.44 x ln(3)/ln(8)"
    )
    assert status.expected.outer_basis.startswith(
        "expected + 3 x S_diff 3.06, and at least 1.5 x S_diff worse than the intake; "
    )


def _as_stored_before(sentence: dict[str, Any]) -> None:
    """A sentence as an older version stored it: its figures written, no format specs."""
    specs = sentence.pop("formats", {})
    sentence["values"] = {
        name: value if isinstance(value, str) else format(value, specs.get(name, ""))
        for name, value in sentence["values"].items()
    }
    for part in sentence["parts"].values():
        _as_stored_before(part)


def test_a_status_stored_with_its_figures_written_reads_with_those_figures() -> None:
    status = _status()
    stored = status.model_dump(mode="json")
    _as_stored_before(stored["alert_reason_worded"])
    _as_stored_before(stored["expected"]["basis_worded"])
    del stored["expected"]["outer_basis_worded"]
    old = Status.model_validate(stored)
    shown = status_in(old, "es")
    assert shown.alert_reason == (
        "peor en 6 desde la evaluación inicial: deterioro fiable según la convención publicada "
        "(6), dentro del umbral rojo más amplio 6.93 derivado del error de medida publicado; "
        "rojo a partir de 6.93"
    )
    assert shown.expected is not None
    assert status.expected is not None
    assert "- 0.23 x 17.1 (la distancia" in shown.expected.basis
    assert shown.expected.outer_basis == status.expected.outer_basis  # English, as stored


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "core10", "k10", "wai_sr"])
def test_the_basis_of_the_reliable_change_threshold_reads_in_spanish(instrument: str) -> None:
    from attunement.instruments import load_instrument

    scale = load_instrument(instrument).monitored_scale
    points = (SessionPoint(session=1, value=scale.range[1]), SessionPoint(session=2, value=1))
    status = assess_episode(Series(instrument=instrument, scale=scale.id, points=points))
    english = status.norms.reliable_change_basis
    assert english is not None
    assert status.norms.reliable_change_basis_worded is not None
    assert status_in(status, "en").norms.reliable_change_basis == english  # as stored
    spanish = status_in(status, "es").norms.reliable_change_basis
    assert spanish is not None
    assert spanish != english
    assert "published" not in spanish
    assert "from the" not in spanish


def test_a_status_stored_before_its_reliable_change_basis_had_words_reads_as_stored() -> None:
    status = assess_episode(_phq9(18, 12))
    stored = status.norms.model_copy(update={"reliable_change_basis_worded": None})
    old = status.model_copy(update={"norms": stored})
    assert status_in(old, "es").norms.reliable_change_basis == stored.reliable_change_basis
