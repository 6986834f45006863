"""One label for each value the learning reports show: outcomes, benchmark relations, the
method of a predicted course and a calibration group, in the reader's language (issue 16)."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from attunement.evidence import BenchmarkComparison
from attunement.learning import OUTCOMES, PersonalisedCourse
from attunement.wording import (
    COURSE_METHOD_LABELS,
    LEARNING_OUTCOME_LABELS,
    RELATION_LABELS,
    calibration_group_words,
    course_method_words,
    learning_outcome_words,
    relation_words,
)

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def test_every_value_the_core_decides_has_its_label() -> None:
    assert set(LEARNING_OUTCOME_LABELS) == set(OUTCOMES)
    assert set(COURSE_METHOD_LABELS) == set(
        get_args(PersonalisedCourse.model_fields["method"].annotation)
    )
    assert set(RELATION_LABELS) == set(
        get_args(BenchmarkComparison.model_fields["relation"].annotation)
    )


@pytest.mark.parametrize(
    ("group", "english", "spanish"),
    [
        ("all", "All episodes", "Todos los episodios"),
        ("language=es", "Language: Spanish", "Idioma: español"),
        ("language=pt-BR", "Language: Portuguese (Brazil)", "Idioma: portugués (Brasil)"),
        ("sex=female", "Sex: Female", "Sexo: Mujer"),
        ("age_band=18-25", "Age band: 18 to 25 years", "Franja de edad: De 18 a 25 años"),
    ],
)
def test_a_calibration_group_reads_as_words(group: str, english: str, spanish: str) -> None:
    assert calibration_group_words(group, "en") == english
    assert calibration_group_words(group, "es") == spanish


def test_an_unknown_value_is_still_words_never_an_id() -> None:
    assert calibration_group_words("referral_route=self_referral", "en") == (
        "Referral route: self referral"
    )
    assert learning_outcome_words("early_ending", "en") == "early ending"
    assert relation_words("far_above", "en") == "far above"
    assert course_method_words("mixed_model", "en") == "mixed model"


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_label_is_an_identifier(language: str) -> None:
    words = [
        *(learning_outcome_words(o, language) for o in LEARNING_OUTCOME_LABELS),
        *(relation_words(r, language) for r in RELATION_LABELS),
        *(course_method_words(m, language) for m in COURSE_METHOD_LABELS),
    ]
    assert [w for w in words if SNAKE.search(w)] == []


def test_the_labels_are_translated_into_spanish() -> None:
    assert learning_outcome_words("reliable_improvement", "es") != "Reliably improved"
    assert relation_words("above", "es") == "por encima"
    assert course_method_words("rational", "es") == "modelo racional"
