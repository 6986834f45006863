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
from attunement.wording import status_in


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


def test_the_empirical_basis_and_its_outer_limit_read_in_spanish_with_a_decimal_comma(
    model: GrowthModel,
) -> None:
    """Issue 16: the growth model's basis (its fit, a singular fit's note, the band) and the
    outer limit's basis are worded at the edge; English stays as the core wrote it."""
    status = assess_episode(phq9(20, 17, 15), growth_model=model)
    shown = status_in(status, "es").expected
    assert shown is not None
    assert status.expected is not None
    assert shown.basis.startswith(
        f"empírico: modelo de crecimiento {model.version} ajustado por REML a 250 episodios ("
    )
    assert "); banda de predicción del 80%; " in shown.basis
    assert "; banda = esperado +/- 0,3 x S_diff " in shown.basis
    assert shown.outer_basis.startswith(
        "borde de la banda de predicción del 95%, y al menos 1,5 x S_diff peor que la "
        "evaluación inicial; "
    )
    for english in ("fitted by REML", "prediction band", "singular fit", "residual SD"):
        assert english not in shown.basis + shown.outer_basis.split(";")[0]
    if model.boundary_note is not None:  # the synthetic clinic's fit is singular
        assert "ajuste singular" in shown.basis
        assert model.boundary_note in status.expected.basis
    assert status.expected.basis.startswith(
        f"empirical: growth model {model.version} fitted by REML to 250 episodes ("
    )


def test_the_empirical_outer_limits_reasons_read_in_spanish(model: GrowthModel) -> None:
    """Issue 16: the reasons of outcome_alerts.yaml after the limit are clinical text."""
    status = assess_episode(phq9(20, 17, 15), growth_model=model)
    shown = status_in(status, "es").expected
    assert shown is not None
    assert status.expected is not None
    _limit, reason, margin_reason = shown.outer_basis.split("; supuesto: ")
    assert reason.startswith(
        "El límite exterior es el borde peor de la banda de predicción (95%) del modelo de "
        "crecimiento"
    )
    assert reason.endswith("el nivel (95%) es una elección de Attunement, no una cifra publicada.")
    assert margin_reason.startswith("Ambos métodos: el límite exterior nunca está a menos")
    assert "; assumption: The outer limit is the worse edge of the growth model's 95%" in (
        status.expected.outer_basis
    )
