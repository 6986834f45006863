"""The learning's sentences are worded once, from the facts the core returns, in the
reader's language (issue 16): every kind of warning, gap and reason has its sentence, the
numbers it carries are in it, and the Spanish sentence is not the English one."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from attunement.learning import (
    OUTCOMES,
    CalibrationWarning,
    CoursePoint,
    DimensionResult,
    FeedbackGap,
    LearningData,
    NeighbourSummary,
    PersonalisedCourse,
    TherapistFeedback,
    Unrecorded,
    UnvariedOutcome,
)
from attunement.wording import (
    HIDDEN_TRUTH_LABEL,
    calibration_warning_words,
    course_basis_words,
    course_dropout_words,
    dimension_reason_words,
    feedback_gap_words,
    feedback_notes_words,
    learning_data_words,
    unrecorded_words,
)

LANGUAGES = ("en", "es")


def _both(word: object, fact: object) -> tuple[str, str]:
    english, spanish = (word(fact, language) for language in LANGUAGES)  # type: ignore[operator]
    assert english != spanish
    return english, spanish


@pytest.mark.parametrize(
    ("kind", "value", "limit", "shown"),
    [
        ("small_group", 12, 30, ("12", "30")),
        ("course_slope", 0.6234, 0.2, ("0.62", "0.2")),
        ("dropout_slope", 1.4, 0.2, ("1.4", "0.2")),
        ("coverage", 0.3012, 0.1, ("30%", "10%")),
    ],
)
def test_each_calibration_warning_carries_its_numbers_in_both_languages(
    kind: str, value: float, limit: float, shown: tuple[str, str]
) -> None:
    warning = CalibrationWarning(kind=kind, value=value, limit=limit)  # type: ignore[arg-type]
    for sentence in _both(calibration_warning_words, warning):
        assert all(number in sentence for number in shown)


def test_every_warning_kind_has_a_sentence() -> None:
    kinds = get_args(CalibrationWarning.model_fields["kind"].annotation)
    for kind in kinds:
        english, spanish = _both(
            calibration_warning_words, CalibrationWarning(kind=kind, value=1, limit=1)
        )
        assert english
        assert spanish


@pytest.mark.parametrize("reason", ["too_few", "intake_not_varied", "one_therapist", "not_fitted"])
def test_each_reason_there_is_no_therapist_feedback_is_said_in_spanish(reason: str) -> None:
    english, spanish = _both(feedback_gap_words, FeedbackGap(reason=reason, episodes=3))  # type: ignore[arg-type]
    assert english.startswith("Therapist feedback not available")
    assert spanish.startswith("Retroalimentación a terapeutas no disponible")
    if reason == "too_few":
        assert "3" in spanish
        assert "5" in spanish


@pytest.mark.parametrize("reason", ["too_few", "one_therapist", "not_fitted"])
def test_each_reason_a_dimension_is_not_estimated_is_worded(reason: str) -> None:
    dimension = DimensionResult(
        dimension="preferences",
        episodes=12,
        followed=4,
        estimated=False,
        reason=reason,  # type: ignore[arg-type]
        minimum=30,
        minimum_each=5,
    )
    english, spanish = _both(dimension_reason_words, dimension)
    if reason == "too_few":
        assert english == "needs 30 episodes where it applied, with 5 followed and 5 not followed"
        assert "30" in spanish
        assert "5" in spanish


def test_the_simulated_clinic_says_synthetic_in_words_not_a_module_name() -> None:
    data = LearningData(episodes=240, synthetic=240, simulation_seed=11)
    english, spanish = _both(learning_data_words, data)
    assert english.startswith("SYNTHETIC DATA")
    assert spanish.startswith("DATOS SINTÉTICOS")
    for sentence in (english, spanish, HIDDEN_TRUTH_LABEL):
        assert "attunement" not in sentence
        assert not re.search(r"[a-z]\.[a-z]", sentence)  # no module path
    assert "240" in spanish
    assert "11" in spanish


def test_a_clinics_data_say_how_many_of_its_episodes_are_synthetic() -> None:
    assert learning_data_words(LearningData(episodes=80, synthetic=8), "es") == (
        "80 episodios finalizados de esta clínica, 8 de ellos SINTÉTICOS"
    )
    assert learning_data_words(LearningData(episodes=80), "en") == (
        "80 ended episodes of this clinic"
    )


def test_what_is_not_recorded_is_listed_in_the_readers_language() -> None:
    names = get_args(Unrecorded)
    (english,) = unrecorded_words(names, "en")
    (spanish,) = unrecorded_words(names, "es")
    assert english == (
        "not recorded for any ended episode: sex, age band, whether the plan was followed"
    )
    assert spanish == (
        "no registrado en ningún episodio finalizado: sexo, franja de edad, si se siguió el plan"
    )
    assert unrecorded_words((), "es") == []


def _course(method: str, *, reach: int = 12, facts: bool = True) -> PersonalisedCourse:
    points = tuple(
        CoursePoint(
            session=s,
            value=16.0 - s,
            low=12.0 - s,
            high=18.0 - s,
            method=method if s < reach else "empirical",  # type: ignore[arg-type]
            neighbours=25 if method == "neighbours" and s < reach else 0,
        )
        for s in range(1, 9)
    )
    personal = method == "neighbours"
    return PersonalisedCourse(
        intake=16,
        method=method,  # type: ignore[arg-type]
        points=points,
        dropout_probability=0.2,
        neighbours=NeighbourSummary(
            count=25 if personal else 3,
            dropped_out=5 if personal else 1,
            mean_intake=16,
            mean_change=-5,
            median_sessions=8,
        ),
        dropout_personalised=personal,
        **(
            {
                "similarity_radius": 1.5,
                "minimum_neighbours": 20,
                "clinic_ended": 40,
                "clinic_dropped_out": 8,
            }
            if facts
            else {"basis": "an English sentence", "dropout_basis": "another one"}
        ),
    )


def test_a_course_from_similar_episodes_says_how_many_how_similar_and_where_they_end() -> None:
    english, spanish = _both(course_basis_words, _course("neighbours", reach=5))
    assert english == (
        "From 25 similar ended episodes of this clinic (alike at intake: severity, assessed "
        "profile, age band, language). Similar means within a distance of 1.5; the 80% range "
        "is their 10th to 90th percentile of change. From scored session 5 on, fewer than 20 "
        "of them reached the session: those sessions use the fitted growth model."
    )
    assert spanish.startswith("Según 25 episodios finalizados similares")
    assert "sesión puntuada 5" in spanish
    assert "modelo de crecimiento ajustado" in spanish


@pytest.mark.parametrize("method", ["empirical", "rational"])
def test_a_fallback_course_says_why_with_the_minimum(method: str) -> None:
    english, spanish = _both(course_basis_words, _course(method))
    assert english.startswith("Too few similar episodes (3)")
    assert english.endswith("A course from similar episodes needs at least 20 of them.")
    assert spanish.startswith("Muy pocos episodios similares (3)")
    assert "20" in spanish


def test_the_dropout_probability_says_what_it_rests_on() -> None:
    assert course_dropout_words(_course("neighbours"), "es") == (
        "20% (5 de los 25 episodios similares abandonaron)."
    )
    assert course_dropout_words(_course("rational"), "en") == (
        "20%: the share of all the clinic's ended episodes that dropped out (8 of 40), "
        "not personalised."
    )


def test_a_course_stored_with_english_sentences_is_worded_from_what_it_has() -> None:
    old = _course("rational", facts=False)
    english, spanish = _both(course_basis_words, old)
    assert "an English sentence" not in english + spanish
    assert "at least" not in english  # its minimum was not stored
    assert spanish.startswith("Muy pocos episodios similares (3)")
    assert "another one" not in course_dropout_words(old, "es")


def test_the_feedback_notes_name_each_unvaried_outcome_and_shrinkage_in_spanish() -> None:
    feedback = TherapistFeedback.model_construct(
        unvaried=tuple(UnvariedOutcome(outcome=o, events=0, episodes=40) for o in OUTCOMES),
        therapists_alike=True,
    )
    english = feedback_notes_words(feedback, "en")
    spanish = feedback_notes_words(feedback, "es")
    assert len(english) == len(spanish) == len(OUTCOMES) + 1
    assert english[0].startswith("Reliably improved: 0 of 40 episodes")
    assert spanish[-1].startswith("la varianza del cambio entre terapeutas")
    assert all("_" not in note for note in spanish)
