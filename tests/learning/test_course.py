"""The personalised expected course: similar ended episodes, or a named fall-back."""

from __future__ import annotations

import pytest

from attunement.errors import InputError
from attunement.instruments import load_instrument
from attunement.learning import (
    CourseIndex,
    LearningEpisode,
    intake_dimensions,
    learning_settings,
)
from attunement.monitoring import rational_parameters
from attunement.profile import parse_profile
from attunement.simulate.hidden_truth import simulate_hidden_truth

NORMS = load_instrument("phq9").scales[0].norms
PARAMETERS = rational_parameters("phq9", "total")


def _index(episodes: tuple[LearningEpisode, ...] | list[LearningEpisode]) -> CourseIndex:
    return CourseIndex(episodes, norms=NORMS, score_range=(0, 27), parameters=PARAMETERS)


@pytest.fixture(scope="module")
def index() -> CourseIndex:
    return _index(simulate_hidden_truth(seed=2, n_episodes=900).episodes)


def test_every_threshold_has_a_reason() -> None:
    settings = learning_settings()
    for name in type(settings).model_fields:
        assert len(getattr(settings, name).reason) > 20, name


def test_similar_episodes_give_the_course_band_and_dropout_with_their_count(
    index: CourseIndex,
) -> None:
    course = index.course(
        16,
        dimensions={"stage_of_change": "contemplation", "reactance": "low", "age_band": "26-40"},
        language="en",
        horizon=8,
    )
    assert course.method == "neighbours"
    assert course.neighbours.count >= learning_settings().count("minimum_neighbours")
    assert course.similarity_radius == learning_settings().similarity_radius.value
    assert course.dropout_probability is not None
    assert course.dropout_personalised
    assert course.dropout_probability == course.neighbours.dropped_out / course.neighbours.count
    assert course.basis is None  # words are the reader's, not the core's
    first, later = course.points[0], course.points[1:]
    assert first.value == pytest.approx(16)  # the intake itself
    assert all(p.low <= p.value <= p.high for p in course.points)
    assert later[-1].value < 16  # the clinic's patients improve
    assert [p.session for p in course.points] == list(range(1, 9))


def test_with_too_few_similar_episodes_it_falls_back_and_says_which() -> None:
    few = simulate_hidden_truth(seed=2, n_episodes=12).episodes
    course = _index(few).course(16, horizon=6)
    assert course.method == "rational"  # no fitted growth model either
    assert course.minimum_neighbours == 20
    assert course.neighbours.count < 20
    assert not course.dropout_personalised  # the clinic's share, with what it rests on
    assert course.clinic_ended == 12
    assert course.clinic_dropped_out is not None
    assert course.dropout_probability == course.clinic_dropped_out / 12
    assert all(p.neighbours == 0 for p in course.points)


def test_an_empty_clinic_has_no_dropout_probability() -> None:
    course = _index([]).course(20, horizon=4)
    assert course.dropout_probability is None
    assert course.method == "rational"


@pytest.mark.parametrize(
    ("intake", "horizon", "field"),
    [(float("nan"), 6, "intake"), (40, 6, "intake"), (16, 1, "horizon"), (16, True, "horizon")],
)
def test_bad_input_names_the_field(intake: float, horizon: int, field: str) -> None:
    with pytest.raises(InputError) as error:
        _index([]).course(intake, horizon=horizon)
    assert error.value.message.startswith(field)


def test_intake_dimensions_are_the_assessed_profile_categories() -> None:
    profile = parse_profile(
        {
            "reactance": "high",
            "stage_of_change": "precontemplation",
            "preferences": [
                {"aspect": "format", "value": "video", "strength": "mild"},
                {"aspect": "treatment_type", "value": "cbt", "strength": "strong"},
            ],
        }
    )
    assert intake_dimensions(profile) == {
        "reactance": "high",
        "stage_of_change": "precontemplation",
        "strongest_preference": "strong",
    }
    assert intake_dimensions(None) == {}
