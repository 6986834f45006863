"""The documents' words in the reader's language: alert labels, yes/no, synthetic labels and
the missing verdict (issue 16)."""

from __future__ import annotations

import pytest

from attunement.documents import synthetic_label_of
from attunement.evidence import NO_VERDICT
from attunement.monitoring import ALERT_LEVELS
from attunement.simulate import SYNTHETIC_LABEL
from attunement.wording import (
    NO_VERDICT_WORDS,
    alert_label,
    alert_words,
    synthetic_label_words,
    yes_no_words,
)


@pytest.mark.parametrize("level", [*ALERT_LEVELS, None])
def test_an_alert_label_in_english_is_the_one_label_of_every_adapter(level: str | None) -> None:
    assert alert_label(level) == alert_words(level).label


def test_a_red_alert_reads_in_spanish_in_a_spanish_document() -> None:
    assert alert_label("red", "es") == "Rojo · no va según lo previsto"
    assert alert_label("not_assessable", "es") == "No evaluable"


@pytest.mark.parametrize(
    ("value", "english", "spanish"), [(True, "yes", "sí"), (False, "no", "no"), (None, "—", "—")]
)
def test_a_yes_no_figure_is_worded_in_the_readers_language(
    value: bool | None, english: str, spanish: str
) -> None:
    assert (yes_no_words(value), yes_no_words(value, "es")) == (english, spanish)


def test_the_synthetic_labels_say_so_in_spanish_and_an_unknown_label_is_kept() -> None:
    assert synthetic_label_words(SYNTHETIC_LABEL) == SYNTHETIC_LABEL
    assert synthetic_label_words(SYNTHETIC_LABEL, "es").startswith("DATOS SINTÉTICOS")
    assert synthetic_label_words("SYNTHETIC pilot", "es") == "SYNTHETIC pilot"


def test_a_report_over_some_synthetic_patients_counts_them_in_the_clinics_language() -> None:
    assert synthetic_label_of(3, 16) == (
        True,
        "CONTAINS SYNTHETIC DATA — 3 of 16 patients are synthetic",
    )
    assert synthetic_label_of(3, 16, "es") == (
        True,
        "CONTIENE DATOS SINTÉTICOS — 3 de 16 pacientes son sintéticos",
    )
    assert synthetic_label_of(0, 16, "es") == (False, None)


def test_the_missing_verdict_is_the_evidence_bases_own_words() -> None:
    assert NO_VERDICT_WORDS == NO_VERDICT
