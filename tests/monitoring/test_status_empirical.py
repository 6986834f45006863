"""Statuses with a fitted growth model: the empirical method, its limits, its fallbacks."""

from __future__ import annotations

import datetime as dt

import pytest

from attunement.monitoring import (
    MINIMUM_EPISODES,
    EpisodeTable,
    GrowthModel,
    Series,
    SessionPoint,
    assess_episode,
    fit_growth_model,
)
from attunement.simulate import episode_series, simulate_clinic


@pytest.fixture(scope="module")
def model() -> GrowthModel:
    clinic = simulate_clinic(seed=21, n_patients=MINIMUM_EPISODES + 50, start=dt.date(2024, 1, 1))
    rows: tuple[list[float], list[float], list[float], list[float]] = ([], [], [], [])
    for index, patient in enumerate(clinic.patients):
        scored = episode_series(patient.episode)[0].scored
        for point in scored:
            for column, value in zip(
                rows,
                (index, point.session - scored[0].session + 1, point.value, scored[0].value),
                strict=True,
            ):
                column.append(float(value or 0.0))
    return fit_growth_model(EpisodeTable.from_arrays(*rows), instrument="phq9")


def phq9(*values: float) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def test_a_model_with_enough_episodes_gives_the_empirical_band(model: GrowthModel) -> None:
    status = assess_episode(phq9(20, 17, 15), growth_model=model)
    assert status.expected is not None
    assert status.expected.method == "empirical"
    assert "empirical" in status.expected.basis
    assert status.expected.outer_limit > status.expected.high  # the 95% edge beyond the 80%
    assert "95%" in status.expected.outer_basis


def test_a_model_for_another_instrument_is_not_used(model: GrowthModel) -> None:
    gad7 = Series(
        instrument="gad7",
        scale="total",
        points=(SessionPoint(session=1, value=15), SessionPoint(session=2, value=14)),
    )
    status = assess_episode(gad7, growth_model=model)
    assert status.expected is not None
    assert status.expected.method == "rational"
    assert "the growth model is for phq9" in status.expected.basis


@pytest.mark.parametrize("value", [0, 5, 10, 15, 20, 27])
def test_a_constant_series_is_never_red_with_the_empirical_method_either(
    model: GrowthModel, value: int
) -> None:
    status = assess_episode(phq9(*([float(value)] * 14)), growth_model=model)
    assert status.category == "unchanged"
    assert status.alert != "red"
