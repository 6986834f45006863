"""The words at the edges in the reader's language (issue 16): the notes of an episode file,
the patient values in a plan's rule texts, and a matching caution cited as evidence."""

from __future__ import annotations

from typing import Any

import pytest

from attunement.monitoring import parse_episode
from attunement.wording import (
    bulk_import_words,
    episode_notes_in,
    field_value_words,
    flag_label,
    plan_in,
    scale_label,
    statuses_recomputed_words,
)
from tests.tailoring.vignettes import plan_for, pref


def _notes_in(sessions: list[dict[str, Any]], language: str = "en") -> tuple[str, ...]:
    """The parser's notes on ``sessions``, worded from their twins in ``language``."""
    parsed = parse_episode({"outcome": {"instrument": "phq9", "sessions": sessions}})
    return episode_notes_in(parsed.notes, PHQ9, language, worded=parsed.notes_worded)


SCORE_ONLY = [{"session": 1, "score": 18}]
TOO_MANY_MISSING = [{"session": 2, "answers": [2, 1, None, None, None, 1, 1, 0, 0]}]
PHQ9 = {"outcome": "phq9"}


def test_a_score_without_answers_names_its_risk_item_by_its_label_in_english() -> None:
    (note,) = _notes_in(SCORE_ONLY)
    assert note == (
        "Outcome, session 1: a score without answers, so its risk items were not checked "
        "(PHQ-9 item 9)"
    )


def test_a_score_without_answers_reads_in_spanish() -> None:
    (note,) = _notes_in(SCORE_ONLY, "es")
    assert note == (
        "Resultado, sesión 1: una puntuación sin respuestas, por lo que no se comprobaron sus "
        "ítems de riesgo (PHQ-9 ítem 9)"
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_unscorable_session_names_its_missing_items_by_their_labels(language: str) -> None:
    (english,) = parse_episode(
        {"outcome": {"instrument": "phq9", "sessions": TOO_MANY_MISSING}}
    ).notes
    assert "phq9_3" in english  # as the parser writes it (data)
    (note,) = _notes_in(TOO_MANY_MISSING, language)
    assert "phq9_" not in note
    assert "PHQ-9 " in note
    assert ("ítem 3" if language == "es" else "item 3") in note
    if language == "es":
        assert note.startswith("Resultado, sesión 2: no puntuable, faltan 3 de 9 ítems")


def test_a_note_without_a_twin_stays_as_written_even_in_a_known_shape() -> None:
    (english,) = parse_episode({"outcome": {"instrument": "phq9", "sessions": SCORE_ONLY}}).notes
    assert episode_notes_in((english,), PHQ9, "es") == (english,)


def test_a_note_of_another_shape_stays_as_written() -> None:
    assert episode_notes_in(("a note of my own",), PHQ9, "es") == ("a note of my own",)


def test_a_preference_rule_text_gives_its_patient_values_in_spanish() -> None:
    plan = plan_for({"preferences": [pref("directiveness", "client_directed", "moderate")]})
    english = next(r for r in plan.recommendations if "(who directs the therapy)" in r.summary)
    assert "client directed" in english.summary
    spanish = next(r for r in plan_in(plan, "es").recommendations if r.id == english.id)
    assert "dirigida por el paciente (quién dirige la terapia)" in spanish.summary
    assert "(moderada)" in spanish.summary
    assert "client directed" not in spanish.summary


def test_a_matching_caution_cited_as_evidence_is_named_in_spanish() -> None:
    plan = plan_for({"preferences": [pref("therapist_gender", "male", "strong")]})
    spanish = plan_in(plan, "es")
    names = [
        translated.element_name
        for english, shown in zip(plan.recommendations, spanish.recommendations, strict=True)
        for cited, translated in zip(english.evidence, shown.evidence, strict=True)
        if cited.caution_name is not None
    ]
    assert names
    assert all(name.startswith("Sin emparejamiento rutinario: Género (") for name in names), names


def test_a_matching_caution_is_worded_from_its_own_name_not_from_the_english_frame() -> None:
    plan = plan_for({"preferences": [pref("therapist_gender", "male", "strong")]})
    cautions = [c for r in plan.recommendations for c in r.evidence if c.caution_name]
    assert cautions
    assert all(c.caution_name and c.caution_name in c.element_name for c in cautions)
    renamed = plan.model_copy(
        update={
            "recommendations": tuple(
                r.model_copy(
                    update={
                        "evidence": tuple(
                            c.model_copy(update={"element_name": "renamed"}) for c in r.evidence
                        )
                    }
                )
                for r in plan.recommendations
            )
        }
    )
    names = [
        c.element_name
        for r in plan_in(renamed, "es").recommendations
        for c in r.evidence
        if c.caution_name
    ]
    assert names
    assert all(name.startswith("Sin emparejamiento rutinario: Género (") for name in names)


def test_a_plan_stored_before_cautions_kept_their_own_name_still_reads() -> None:
    plan = plan_for({"preferences": [pref("therapist_gender", "male", "strong")]})
    stored = plan.model_dump(mode="json")
    for recommendation in stored["recommendations"]:
        for cited in recommendation["evidence"]:
            del cited["caution_name"]
    old = type(plan).model_validate(stored)
    assert all(c.caution_name is None for r in old.recommendations for c in r.evidence)
    assert plan_in(old, "es").recommendations


def test_an_episode_files_notes_are_worded_from_their_twins_not_their_english() -> None:
    parsed = parse_episode(
        {"outcome": {"instrument": "phq9", "sessions": SCORE_ONLY + TOO_MANY_MISSING}}
    )
    assert len(parsed.notes_worded) == len(parsed.notes) == 2
    assert all(w.template for w in parsed.notes_worded)
    reworded = tuple(
        w.model_copy(update={"text": f"note {i}"}) for i, w in enumerate(parsed.notes_worded)
    )
    unchecked, missing = episode_notes_in(("note 0", "note 1"), PHQ9, "es", worded=reworded)
    assert unchecked.startswith("Resultado, sesión 1: una puntuación sin respuestas")
    assert "PHQ-9 ítem 9" in unchecked
    assert missing.startswith("Resultado, sesión 2: no puntuable, faltan 3 de 9 ítems")
    assert "pueden faltar como máximo 2" in missing


def test_a_note_for_a_series_not_given_stays_as_written() -> None:
    parsed = parse_episode({"outcome": {"instrument": "phq9", "sessions": SCORE_ONLY}})
    assert episode_notes_in(parsed.notes, {}, "es", worded=parsed.notes_worded) == parsed.notes


@pytest.mark.parametrize(
    ("value", "spanish"),
    [
        ("interpersonal therapy", "terapia interpersonal"),
        ("psychodynamic therapy", "terapia psicodinámica"),
        ("cbt", "TCC (terapia cognitivo-conductual)"),
        ("Psychodynamic-Therapy", "terapia psicodinámica"),  # one value however spelled
        ("ＣＢＴ", "TCC (terapia cognitivo-conductual)"),
    ],
)
def test_a_common_treatment_type_preference_reads_in_spanish(value: str, spanish: str) -> None:
    plan = plan_for({"preferences": [pref("treatment_type", value, "strong")]})
    shown = [r.summary for r in plan_in(plan, "es").recommendations]
    assert any(spanish in summary for summary in shown), shown


def test_a_treatment_type_of_the_clinics_own_words_stays_as_written() -> None:
    assert field_value_words("preferences.treatment_type", "sand play", "es") == "sand play"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "stored statuses recomputed for 3 patient(s)"),
        ("es", "estados guardados recalculados para 3 paciente(s)"),
    ],
)
def test_the_operator_reads_how_many_stored_statuses_were_recomputed(
    language: str, said: str
) -> None:
    assert statuses_recomputed_words(3, language) == said


def test_a_bulk_imports_counts_read_as_before_in_english_and_in_spanish() -> None:
    imported = {"patient": 3, "episode": 3, "administration": 40}
    skipped = {"patient": 1, "episode": 0, "administration": 2}
    assert bulk_import_words(imported, skipped, 2) == (
        "patients: 3 imported, 1 already imported, episodes: 3 imported, 0 already imported, "
        "administrations: 40 imported, 2 already imported (2 batches)"
    )
    spanish = bulk_import_words(imported, skipped, 2, "es")
    assert spanish.startswith("pacientes: 3 importados, 1 ya importados")
    assert "imported" not in spanish


def test_a_risk_flag_and_a_scale_are_named_as_a_person_reads_them() -> None:
    assert flag_label("phq9", "phq9_item9_risk") == "PHQ-9 item 9"
    assert flag_label("phq9", "phq9_item9_risk_unanswered", "es") == "PHQ-9 ítem 9"
    assert flag_label("phq9", "no_such_flag") == "no such flag"
    assert scale_label("phq9", "total") == "PHQ-9 total"
    assert scale_label("wai_sr", "bond") == "Bond"
    assert scale_label("phq9", "no_such_scale") == "PHQ-9 no such scale"
