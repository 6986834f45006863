"""The clinic report's pre–post effect size in words (issue 16): the estimator's formula at
its confidence level and why it was not computed, from facts ``attunement.stats`` gives."""

from __future__ import annotations

import pytest

from attunement.stats import InsufficientData, PairedMoments, pre_post_effect_size
from attunement.wording import effect_size_formula_words, effect_size_missing_words

EFFECT = pre_post_effect_size([20, 15, 18, 22], [12, 9, 14, 10])


def test_the_formula_is_the_standardized_mean_change_at_95_percent_in_english() -> None:
    assert effect_size_formula_words(EFFECT) == (
        "d = J(n−1)·(M_pre − M_post)/SD_pre; v = 2(1−r)/n + d²/(2n); 95% CI = d ± 1.96·√v "
        "(standardized mean change, raw-score standardization: Becker 1988; Morris 2000)"
    )


def test_the_formula_reads_in_spanish_with_the_interval_of_the_effect() -> None:
    at_90 = EFFECT.model_copy(update={"confidence": 0.90})
    said = effect_size_formula_words(at_90, "es")
    assert "IC del 90 % = d ± 1.64·√v" in said
    assert "cambio medio estandarizado" in said


def _missing(pairs: list[tuple[float, float]]) -> InsufficientData:
    moments = PairedMoments()
    for pre, post in pairs:
        moments.add(pre, post)
    with pytest.raises(InsufficientData) as caught:
        moments.effect_size()
    return caught.value


@pytest.mark.parametrize(
    ("pairs", "english", "spanish"),
    [
        (
            [(20, 12), (15, 9)],
            "2 episode(s) with an intake and a later score; the effect size needs 3 or more",
            "2 episodio(s) con una puntuación inicial y otra posterior; el tamaño del efecto "
            "necesita 3 o más",
        ),
        (
            [(20, 12), (20, 9), (20, 14)],
            "the intake scores do not vary (all equal), so there is no SD to standardize by",
            "las puntuaciones iniciales no varían (todas iguales), por lo que no hay DE con la "
            "que estandarizar",
        ),
    ],
)
def test_why_the_effect_size_was_not_computed_reads_in_each_language(
    pairs: list[tuple[float, float]], english: str, spanish: str
) -> None:
    error = _missing(pairs)
    assert effect_size_missing_words(error) == english
    assert effect_size_missing_words(error, "es") == spanish


def test_a_reason_stats_gives_no_kind_for_is_its_message() -> None:
    error = InsufficientData("degrees of freedom", 1, "2 or more")
    assert error.kind == "other"
    assert effect_size_missing_words(error, "es") == error.message
