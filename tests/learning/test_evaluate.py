"""Cross-validation of the personalised course against the generic model, per group."""

from __future__ import annotations

import pytest

from attunement.errors import InputError
from attunement.instruments import load_instrument
from attunement.learning import (
    LearningEpisode,
    PredictionEvaluation,
    evaluate_predictions,
    learning_settings,
)
from attunement.monitoring import rational_parameters
from attunement.simulate.hidden_truth import simulate_hidden_truth

NORMS = load_instrument("phq9").scales[0].norms
PARAMETERS = rational_parameters("phq9", "total")


@pytest.fixture(scope="module")
def evaluation() -> PredictionEvaluation:
    episodes = simulate_hidden_truth(seed=4, n_episodes=120).episodes
    return evaluate_predictions(
        episodes, norms=NORMS, score_range=(0, 27), parameters=PARAMETERS, seed=1
    )


def test_the_table_has_everyone_then_language_and_sex_groups(
    evaluation: PredictionEvaluation,
) -> None:
    groups = [row.group for row in evaluation.rows]
    assert groups == ["all", "language=en", "language=es", "sex=female", "sex=male"]
    everyone = evaluation.rows[0]
    assert everyone.personalised.episodes == everyone.generic.episodes == 120
    assert everyone.personalised.points == everyone.generic.points  # the same folds
    generic = everyone.generic  # the growth model fitted on each training split
    assert generic.coverage is not None
    assert 0.7 < generic.coverage < 0.9
    assert generic.course_slope is not None
    assert 0.7 < generic.course_slope < 1.3
    assert generic.dropout_brier is not None
    assert 0 < generic.dropout_brier < 0.3
    mine = everyone.personalised
    assert mine.coverage is not None
    band_warned = any(w.kind == "coverage" for w in everyone.warnings)
    assert band_warned == (abs(mine.coverage - 0.8) > 0.1)
    assert everyone.generic.dropout_slope is None  # one share for all: no slope to read


def test_a_group_smaller_than_the_minimum_is_flagged(evaluation: PredictionEvaluation) -> None:
    minimum = learning_settings().count("minimum_group")
    small = [row.personalised.episodes < minimum for row in evaluation.rows]
    flagged = [any(w.kind == "small_group" for w in row.warnings) for row in evaluation.rows]
    assert flagged == small
    assert any(small)


def test_unrecorded_sex_is_said_not_hidden() -> None:
    episodes = [
        LearningEpisode(
            key=str(i), therapist="t", scores=(15.0 + i % 5, 12.0, 10.0), dropped_out=i % 4 == 0
        )
        for i in range(20)
    ]
    result = evaluate_predictions(episodes, norms=NORMS, score_range=(0, 27), parameters=PARAMETERS)
    assert [row.group for row in result.rows] == ["all"]
    assert result.not_recorded == ("language", "sex")


def test_too_few_episodes_for_the_folds_is_refused() -> None:
    episodes = [LearningEpisode(key="1", therapist="t", scores=(15.0, 10.0), dropped_out=False)]
    with pytest.raises(InputError, match="ended episodes"):
        evaluate_predictions(episodes, norms=NORMS, score_range=(0, 27))
