"""A status reads in its reader's language to the last figure (issue 16): the headline
figures (intake, latest, change, expected value and band edges) with the decimal comma the
sentences beside them use in Spanish, in English exactly as before; a suggested profile
update's current value worded with the profile's labels in the reader's language; and a
questionnaire a profile value came from named as the clinician knows it, never by its id.
Synthetic scores and profiles only."""

from __future__ import annotations

import datetime as dt

from attunement.monitoring import ProfileUpdate, Series, SessionPoint, Status, assess_episode
from attunement.profile import parse_profile
from attunement.wording import status_figures, status_in

DAY = dt.date(2026, 1, 5)


def _phq9(*values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def _yellow(profile: dict[str, object]) -> Status:
    """Twelve sessions without progress: yellow, so the motivation prompt applies."""
    return assess_episode(_phq9(*([18.0] * 12)), profile=parse_profile(profile, assessed_on=DAY))


def _updates(status: Status) -> dict[str, ProfileUpdate]:
    return {u.field: u for p in status.support_prompts for u in p.profile_updates}


def test_a_spanish_status_writes_its_headline_figures_with_a_decimal_comma() -> None:
    shown = status_figures(assess_episode(_phq9(18, 18, 18.5)), language="es")
    figures = (shown.intake, shown.latest, shown.change, shown.expected, shown.band)
    assert figures == ("18", "18,5", "+0,5", "14,5", "13,1–15,8")
    rows = {label: value for label, value, _ in shown.rows("es")}
    assert rows["Última"] == "18,5"
    assert rows["Esperado ahora"] == "14,5"


def test_an_english_status_writes_its_headline_figures_as_before() -> None:
    status = assess_episode(_phq9(18, 18, 18.5))
    shown = status_figures(status)
    figures = (shown.intake, shown.latest, shown.change, shown.expected, shown.band)
    assert figures == ("18", "18.5", "+0.5", "14.5", "13.1–15.8")
    assert status_figures(status, language="en") == shown
    plain = status_figures(assess_episode(_phq9(18, 12.5)), plain=True, language="es")
    assert plain.change == "-5,5"  # the ASCII minus of a pasted record, the Spanish comma


def test_a_suggested_update_gives_the_current_value_in_spanish() -> None:
    status = _yellow({"stage_of_change": "contemplation"})
    updates = _updates(status_in(status, "es"))
    assert (
        updates["stage_of_change"].current == "contemplación (valoración del clínico, 2026-01-05)"
    )
    assert updates["expectations"].current == "sin evaluar"


def test_a_suggested_update_gives_the_current_value_in_english_as_the_core_stored_it() -> None:
    status = _yellow({"stage_of_change": "contemplation"})
    assert status_in(status, "en") is status
    updates = _updates(status)
    assert updates["stage_of_change"].current == "contemplation (clinician rating, 2026-01-05)"
    assert updates["expectations"].current == "not assessed"


def test_a_compound_and_a_preference_value_read_with_the_profiles_labels() -> None:
    status = _yellow(
        {
            "expectations": {"outcome": "low", "credibility": "moderate"},
            "preferences": [{"aspect": "format", "value": "video", "strength": "strong"}],
        }
    )
    english, spanish = _updates(status), _updates(status_in(status, "es"))
    assert english["expectations"].current == (
        "outcome expectation: low; treatment credibility: moderate (patient's statement, "
        "2026-01-05)"
    )
    assert spanish["expectations"].current == (
        "expectativa de resultado: nivel bajo; credibilidad del tratamiento: nivel moderado "
        "(declaración del paciente, 2026-01-05)"
    )
    assert english["preferences"].current == "format: video (strong)"
    assert spanish["preferences"].current == "formato: por videollamada (fuerte)"


def test_a_value_from_a_questionnaire_names_it_never_by_its_id() -> None:
    status = _yellow({"stage_of_change": {"instrument": "readiness_ruler", "answers": [1]}})
    stage = _updates(status)["stage_of_change"]
    assert stage.current.endswith("(Readiness ruler v1.0, 2026-01-05)")
    facts = [f for d in status.dropout_risks for f in d.facts]
    assert any("(Readiness ruler v1.0, 2026-01-05)" in f for f in facts)
    spanish = status_in(status, "es")
    shown = [f for d in spanish.dropout_risks for f in d.facts]
    shown.append(_updates(spanish)["stage_of_change"].current)
    for text in [stage.current, *facts, *shown]:
        assert "readiness_ruler" not in text


def test_an_update_stored_before_its_words_were_kept_reads_as_stored() -> None:
    status = _yellow({"stage_of_change": "contemplation"})
    stored = status.model_dump(mode="json")
    for prompt in stored["support_prompts"]:
        for update in prompt["profile_updates"]:
            del update["current_worded"]
    old = Status.model_validate(stored)
    assert _updates(status_in(old, "es"))["stage_of_change"].current == (
        "contemplation (clinician rating, 2026-01-05)"
    )
