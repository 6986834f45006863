"""How a risk event reads, in the reader's language (issues 11, 16 and 17).

The risk package decides when an event is open and what answers it; ``attunement.wording``
words it once for every adapter, in the clinic's language: the instrument and item by their
names, numbers by the one formatter, dates in ISO form. Synthetic data only.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from attunement.instruments import load_instrument, score
from attunement.risk import (
    RiskEndorsement,
    RiskResponse,
    answer_events,
    endorsements_from_flags,
    replay_risk,
)
from attunement.wording import (
    describe_endorsement,
    describe_event,
    describe_profile_flag,
    describe_response,
    event_headline,
)

PHQ9 = load_instrument("phq9")
DAY = dt.date(2026, 3, 2)


def endorsement(
    session: int | None = 4,
    kind: str = "endorsed",
    answer: float | None = 2,
    *,
    route: str = "session",
    on: dt.date | None = None,
) -> RiskEndorsement:
    return RiskEndorsement(
        kind=kind,
        instrument="phq9",
        item="phq9_9",
        flag="phq9_item9_risk" if kind == "endorsed" else "phq9_item9_risk_unanswered",
        answer=answer if kind == "endorsed" else None,
        message="Item 9 was endorsed",
        route=route,
        session=session,
        on=on,
    )


def response(level: str = "low", **extra: object) -> RiskResponse:
    return RiskResponse.model_validate(
        {"assessed_on": DAY, "level": level, "actions": ["safety_plan"]} | extra
    )


def test_an_open_event_reads_as_an_instruction_and_an_answered_one_as_history() -> None:
    (event,) = replay_risk([endorsement(4, answer=3)])
    lines = describe_event(event)
    assert lines[0] == "Open risk event: PHQ-9 item 9 endorsed (answer 3) at session 4"
    assert any("assess suicide risk today" in line for line in lines)
    (answered,) = answer_events([event], response())
    history = describe_event(answered)
    assert history[0].startswith("Risk history: PHQ-9 item 9 endorsed")
    assert not any("today" in line for line in history)
    assert "Low concern" in history[1]
    assert "Safety plan" in history[1]


def test_an_open_event_from_an_earlier_session_reads_as_history_still_awaiting_a_response() -> None:
    """Issue 16: "assess suicide risk today, before the patient leaves" is for the current
    event only; an open one from session 4 read at session 9 stays open and prominent."""
    (event,) = replay_risk([endorsement(4, answer=3)])
    now = describe_event(event, current_session=4)
    later = describe_event(event, current_session=9)
    assert any("before the patient leaves" in line for line in now)
    assert not any("before the patient leaves" in line for line in later)
    assert later[0] == "Open risk event: PHQ-9 item 9 endorsed (answer 3) at session 4"
    assert "Endorsed at session 4; no response recorded yet" in later[1]
    assert later[-1] == "It stays open until a clinician records a risk response."


def test_a_profile_flag_reads_as_history_pointing_to_its_risk_event() -> None:
    text = describe_profile_flag("phq9", "phq9_9", 2, "endorsed")
    assert text.startswith("PHQ-9 item 9 endorsed (answer 2) in the profile questionnaire")
    assert "today" not in text
    assert "phq9_9" not in text


def test_the_instruction_is_in_the_clinicians_language_not_the_patients() -> None:
    spanish = score(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, 3], language="es")
    endorsements = endorsements_from_flags(
        spanish.flags, instrument="phq9", route="session", session=1, language="es"
    )
    lines = describe_event(replay_risk(endorsements)[0], language="en")
    assert any("assess suicide risk today" in line for line in lines)
    assert not any("evalúe" in line for line in lines)


def test_an_endorsement_names_when_it_was_given_and_where() -> None:
    intake = endorsement(None, route="intake", on=DAY)
    assert describe_endorsement(intake) == (
        "PHQ-9 item 9 endorsed (answer 2) at the intake questionnaire, 2026-03-02"
    )
    unanswered = endorsement(3, "unanswered", on=DAY)
    assert describe_endorsement(unanswered) == (
        "PHQ-9 item 9 left unanswered at session 3, 2026-03-02"
    )
    assert describe_endorsement(endorsement(None, route="import")).endswith("at an administration")


@given(st.integers(min_value=1, max_value=3), st.sampled_from([0.0, 0.5]))
def test_the_answer_is_written_by_the_one_number_formatter(whole: int, part: float) -> None:
    text = describe_endorsement(endorsement(answer=whole + part))
    shown = str(whole) if part == 0 else f"{whole}.5"
    assert f"(answer {shown})" in text
    assert ".0)" not in text


def test_a_spanish_clinic_reads_an_open_event_in_spanish() -> None:
    (event,) = replay_risk([endorsement(4, answer=3, on=DAY)])
    headline, *rest = describe_event(event, "es")
    assert headline == (
        "Evento de riesgo abierto: PHQ-9 ítem 9 respondido afirmativamente (respuesta 3) en "
        "la sesión 4, 2026-03-02"
    )
    assert any("evalúe hoy el riesgo suicida" in line for line in rest)
    assert rest[-1] == (
        "Sigue abierto hasta que un profesional clínico registre una respuesta al riesgo."
    )
    later = describe_event(event, "es", current_session=9)
    assert later[1].startswith("Respondido afirmativamente en la sesión 4; aún no se ha")


def test_a_spanish_clinic_reads_an_answered_event_as_history_in_spanish() -> None:
    (event,) = replay_risk([endorsement(4, answer=3)])
    nothing_done = response(
        "no_current_concern",
        actions=["no_action"],
        reason="ya atendido",
        note="llamada",
        recorded_by="Dra. Ruiz",
    )
    answered = answer_events([event], nothing_done)
    headline, recorded = describe_event(answered[0], "es")
    assert headline.startswith("Historial de riesgo: PHQ-9 ítem 9 respondido afirmativamente")
    assert recorded.startswith("Respuesta registrada — evaluado el 2026-03-02: ")
    assert "(motivo: ya atendido); nota: llamada; registrado por Dra. Ruiz" in recorded
    assert "Risk" not in headline + recorded


def test_an_unanswered_item_and_a_profile_flag_read_in_spanish() -> None:
    (event,) = replay_risk([endorsement(3, "unanswered", on=DAY)])
    assert event_headline(event, "es") == (
        "Evento de riesgo abierto: PHQ-9 ítem 9 sin responder en la sesión 3, 2026-03-02"
    )
    flag = describe_profile_flag("phq9", "phq9_9", 2, "endorsed", "es")
    assert flag.startswith("PHQ-9 ítem 9 respondido afirmativamente (respuesta 2) en el")
    assert "phq9" not in describe_profile_flag("phq9", "phq9_9", None, "unanswered", "es")


def test_a_response_names_the_vocabulary_in_the_readers_language() -> None:
    english = describe_response(response())
    spanish = describe_response(response(), "es")
    assert (
        english == "assessed 2026-03-02: Low concern; Safety plan made or reviewed with the patient"
    )
    assert spanish == (
        "evaluado el 2026-03-02: Preocupación baja; Plan de seguridad elaborado o revisado con "
        "el paciente"
    )


def test_a_language_without_a_catalogue_reads_english() -> None:
    (event,) = replay_risk([endorsement(4, answer=3)])
    assert describe_event(event, "fr")[0] == describe_event(event)[0]
