"""``attune demo`` names the end reasons of its synthetic closes by their labels (issue 16).

The summary line is worded by the same end-reason labels the reports and pages use, in the
clinic's language: never a vocabulary key with its underscores turned into spaces.
"""

from __future__ import annotations

from attunement.cli.demo import ended_episodes_words
from attunement.monitoring import load_end_reasons

ENDED = {"planned_end": 3, "dropout": 2, "referral": 1}


def test_the_demos_ended_episodes_read_in_a_spanish_clinics_words() -> None:
    words = ended_episodes_words(ENDED, "es")
    assert words == "3 Final planificado, 2 Abandono, 1 Derivado"


def test_the_demos_ended_episodes_read_as_the_vocabulary_labels_them_in_english() -> None:
    reasons = load_end_reasons()
    words = ended_episodes_words(ENDED, "en")
    assert words == ", ".join(f"{n} {reasons.label(key)}" for key, n in ENDED.items())
    assert "planned end" not in words  # the key with its underscore replaced
    assert "_" not in words


def test_a_regional_clinic_language_finds_its_language() -> None:
    assert ended_episodes_words({"dropout": 1}, "es-MX") == "1 Abandono"
