"""One label per profile field and per alert level; no internal id in the words (issue 17)."""

from __future__ import annotations

import re

import pytest

from attunement.i18n import knowledge_text
from attunement.monitoring import ALERT_LEVELS, ALERT_MEANINGS
from attunement.profile import DIMENSIONS, PREFERENCE_ASPECTS, PROFILE_FIELDS
from attunement.wording import (
    ALERT_ORDER,
    alert_words,
    alliance_words,
    dimension_label,
    direction_words,
    field_label,
    field_value_words,
    higher_is_worse,
    strength_label,
)

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
FIELDS = [*DIMENSIONS, *PROFILE_FIELDS, *(f"preferences.{a}" for a in PREFERENCE_ASPECTS)]


@pytest.mark.parametrize("path", FIELDS)
def test_every_profile_field_has_a_label_without_an_id(path: str) -> None:
    label = field_label(path)
    assert not SNAKE.search(label), label
    assert "." not in label
    assert label[:1].isupper()


def test_labels_are_one_per_field() -> None:
    labels = [field_label(p) for p in dict.fromkeys(FIELDS)]
    assert len(labels) == len(set(labels))


def test_the_worked_examples_of_issue_16() -> None:
    assert field_label("stage_of_change") == "Stage of change"
    assert field_label("expectations.outcome") == "Outcome expectation"


@pytest.mark.parametrize("level", ALERT_LEVELS)
def test_alert_words_name_monitorings_levels_in_its_order(level: str) -> None:
    words = alert_words(level)
    assert words.meaning == ALERT_MEANINGS[level]  # type: ignore[index]
    assert words.rank == ALERT_LEVELS.index(level)  # type: ignore[arg-type]
    assert not SNAKE.search(words.label)
    assert not SNAKE.search(words.plain_label)


def test_the_order_is_monitorings() -> None:
    assert ALERT_ORDER == ALERT_LEVELS
    assert alert_words(None).label == "No status yet"
    assert alert_words(None).rank == len(ALERT_LEVELS)


@pytest.mark.parametrize("state", ["ok", "at_risk", "rupture", None])
def test_alliance_states_are_words(state: str | None) -> None:
    assert not SNAKE.search(alliance_words(state))


def test_a_neutral_scale_has_no_better_end() -> None:
    assert higher_is_worse("higher_is_worse") is True
    assert higher_is_worse("higher_is_better") is False
    assert higher_is_worse("neutral") is None
    assert direction_words("higher_is_worse") == "lower is better"
    assert direction_words("neutral") is None


@pytest.mark.parametrize("path", FIELDS)
def test_every_profile_field_has_its_one_label_in_spanish_from_the_catalogue(path: str) -> None:
    spanish = field_label(path, "es")
    assert spanish != field_label(path), f"{path}: no Spanish label in the catalogue"
    assert not SNAKE.search(spanish), spanish
    assert spanish[:1].isupper()


def _closed_values() -> list[tuple[str, str]]:
    values = [(p, v) for p, spec in PROFILE_FIELDS.items() for v in spec.values]
    values += [
        (f"preferences.{a}", v)
        for a, spec in PREFERENCE_ASPECTS.items()
        if isinstance(spec.values, tuple)
        for v in spec.values
    ]
    return values


@pytest.mark.parametrize(("path", "value"), _closed_values())
def test_every_closed_profile_value_has_a_spanish_label(path: str, value: str) -> None:
    english = field_value_words(path, value)
    spanish = field_value_words(path, value, "es")
    assert not SNAKE.search(english)
    assert not SNAKE.search(spanish)
    if value not in {"individual", "flexible"}:  # the same word in both languages
        assert spanish != english, f"{path} = {value}: no Spanish label"


def test_a_profile_level_and_a_band_of_the_same_english_word_are_translated_apart() -> None:
    """ "high" reactance is a profile value (context "profile value"); "high" is also a band
    label that awaits its clinical translation: neither takes the other's words."""
    assert field_value_words("reactance", "high", "es") == "nivel alto"
    assert knowledge_text("high", "es") == "high"
    assert strength_label("moderate", "es") == "moderada"  # a strength, not a level


def test_a_dimension_has_one_label_for_the_adherence_form_and_the_learning_report() -> None:
    from attunement.services._plan_adherence import dimension_label as adherence_label

    assert dimension_label("reactance") == adherence_label("reactance") == "Reactance"
    assert dimension_label("stage_of_change", "es") == "Estadio de cambio"
    assert dimension_label("rupture_repair") == "Repairing alliance ruptures"
    assert adherence_label("rupture_repair") == dimension_label("rupture_repair")
