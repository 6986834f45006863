"""The empirical expected treatment response: REML growth model, checked against statsmodels.

All data here are SYNTHETIC (a seeded log-linear generator), never patient data.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from attunement.errors import InputError
from attunement.monitoring import (
    FIXED_EFFECTS,
    ChangeNorms,
    EpisodeTable,
    GrowthModel,
    expected_treatment_response,
    fit_growth_model,
)

PHQ9 = ChangeNorms(published_rci=6, cutoff=10, source="PHQ-9 norms (IAPT; Kroenke 2001)")


def synthetic_episodes(n_episodes: int, seed: int) -> tuple[np.ndarray, ...]:
    """SYNTHETIC: score = 1 + .9·I + (−1 − .15·I)·ln s + b0 + b1·ln s + e."""
    rng = np.random.default_rng(seed)
    n_sessions = rng.integers(3, 17, n_episodes)
    intake = rng.normal(15, 5, n_episodes)
    b = rng.multivariate_normal([0, 0], [[4.0, -1.0], [-1.0, 1.5]], n_episodes)
    patient = np.repeat(np.arange(n_episodes), n_sessions)
    session = np.concatenate([np.arange(1, k + 1) for k in n_sessions]).astype(float)
    log_s, i = np.log(session), intake[patient]
    score = (
        1.0
        + 0.9 * i
        + (-1.0 - 0.15 * i) * log_s
        + b[patient, 0]
        + b[patient, 1] * log_s
        + rng.normal(0, 2.0, len(session))
    )
    return patient, session, score, i


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, ...]:
    return synthetic_episodes(300, seed=7)


@pytest.fixture(scope="module")
def model(data: tuple[np.ndarray, ...]) -> GrowthModel:
    return fit_growth_model(
        EpisodeTable.from_arrays(*data), instrument="phq9", data_label="SYNTHETIC"
    )


def test_fit_matches_statsmodels_mixedlm_reml_on_300_episodes(
    data: tuple[np.ndarray, ...], model: GrowthModel
) -> None:
    pd = pytest.importorskip("pandas")
    smf = pytest.importorskip("statsmodels.formula.api")
    patient, session, score, intake = data
    frame = pd.DataFrame(
        {"score": score, "log_s": np.log(session), "intake": intake, "patient": patient}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = smf.mixedlm(
            "score ~ log_s * intake", frame, groups=frame["patient"], re_formula="~log_s"
        ).fit(reml=True, method="bfgs", gtol=1e-10)
    ours_fe = np.array([model.coefficients[k] for k in FIXED_EFFECTS])
    np.testing.assert_allclose(ours_fe, ref.fe_params.to_numpy(), rtol=1e-4)
    np.testing.assert_allclose(
        np.array(model.random_effects_covariance), ref.cov_re.to_numpy(), rtol=1e-4
    )
    assert model.residual_variance == pytest.approx(ref.scale, rel=1e-4)
    # Same restricted likelihood, and ours is at least as high (up to rounding).
    assert -model.reml_deviance / 2 >= ref.llf - 1e-6


def test_coefficient_covariance_is_the_gls_formula_summed_patient_by_patient(
    data: tuple[np.ndarray, ...], model: GrowthModel
) -> None:
    # Cov(beta) = (sum_i X_i' (Z_i Psi Z_i' + sigma2 I)^-1 X_i)^-1, as lme4's vcov() reports it
    patient, session, _score, intake = data
    psi = np.array(model.random_effects_covariance)
    info = np.zeros((4, 4))
    for k in np.unique(patient):
        rows = patient == k
        ls = np.log(session[rows])
        x = np.column_stack([np.ones_like(ls), ls, intake[rows], intake[rows] * ls])
        z = x[:, :2]
        v = z @ psi @ z.T + model.residual_variance * np.eye(len(ls))
        info += x.T @ np.linalg.solve(v, x)
    np.testing.assert_allclose(
        np.array(model.coefficient_covariance), np.linalg.inv(info), rtol=1e-8
    )


def test_fit_recovers_the_generating_fixed_effects_on_a_larger_sample() -> None:
    m = fit_growth_model(EpisodeTable.from_arrays(*synthetic_episodes(5000, seed=3)))
    truth = {"intercept": 1.0, "log_session": -1.0, "intake": 0.9, "intake_x_log_session": -0.15}
    for name, value in truth.items():
        se = math.sqrt(
            m.coefficient_covariance[FIXED_EFFECTS.index(name)][FIXED_EFFECTS.index(name)]
        )
        assert abs(m.coefficients[name] - value) < 4 * se
    assert m.residual_variance == pytest.approx(4.0, rel=0.05)
    assert m.converged


def test_expected_is_the_fixed_effect_prediction_with_a_prediction_band(model: GrowthModel) -> None:
    e = model.expected(18, 6)
    ls = math.log(6)
    c = model.coefficients
    value = (
        c["intercept"]
        + c["log_session"] * ls
        + 18 * c["intake"]
        + 18 * ls * c["intake_x_log_session"]
    )
    assert e.method == "empirical"
    assert e.level == 0.8
    assert e.value == pytest.approx(value)
    assert e.low < e.value < e.high
    wider = model.expected(18, 6, level=0.95)
    assert wider.high - wider.low > e.high - e.low
    assert "SYNTHETIC" in e.basis
    assert model.version in e.basis


def test_band_covers_about_the_stated_share_of_new_synthetic_scores(model: GrowthModel) -> None:
    _patient, session, score, intake = synthetic_episodes(2000, seed=99)
    at8 = session == 8
    inside = [
        model.expected(float(i), 8).low <= y <= model.expected(float(i), 8).high
        for i, y in zip(intake[at8], score[at8], strict=True)
    ]
    assert np.mean(inside) == pytest.approx(0.80, abs=0.04)


def test_prediction_outside_the_fitted_sessions_says_it_is_extrapolated(model: GrowthModel) -> None:
    assert "extrapolated" in model.expected(18, 40).basis
    assert "extrapolated" not in model.expected(18, 5).basis


def test_model_round_trips_through_json_with_a_stable_version(model: GrowthModel) -> None:
    again = GrowthModel.from_json(model.to_json())
    assert again == model
    assert again.version == model.version
    assert again.expected(15, 4) == model.expected(15, 4)
    assert model.instrument == "phq9"
    assert len(model.data_sha256) == 64


def test_different_data_give_a_different_data_hash_and_version(model: GrowthModel) -> None:
    other = fit_growth_model(EpisodeTable.from_arrays(*synthetic_episodes(300, seed=8)))
    assert other.data_sha256 != model.data_sha256
    assert other.version != model.version


def test_row_order_and_patient_labels_do_not_change_the_fit(data: tuple[np.ndarray, ...]) -> None:
    patient, session, score, intake = data
    order = np.random.default_rng(0).permutation(len(score))
    labels = np.array([f"p{k:04d}" for k in patient])
    a = fit_growth_model(EpisodeTable.from_arrays(patient, session, score, intake))
    b = fit_growth_model(
        EpisodeTable.from_arrays(labels[order], session[order], score[order], intake[order])
    )
    assert a.data_sha256 == b.data_sha256
    np.testing.assert_allclose(
        list(a.coefficients.values()), list(b.coefficients.values()), rtol=1e-8
    )


def test_too_few_episodes_to_fit_is_an_input_error() -> None:
    with pytest.raises(InputError, match="episodes"):
        fit_growth_model(
            EpisodeTable.from_arrays([1, 1, 2, 2], [1, 2, 1, 2], [10, 8, 12, 9], [10, 10, 12, 12])
        )


def test_intake_that_varies_within_a_patient_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"episodes.intake\[1\]"):
        EpisodeTable.from_arrays([1, 1], [1, 2], [10, 8], [10, 11])


@pytest.mark.parametrize(
    ("session", "score", "field"),
    [([0, 2], [10, 8], "session"), ([1, 2], [10, float("nan")], "score")],
)
def test_invalid_rows_name_the_field_and_row(
    session: list[float], score: list[float], field: str
) -> None:
    with pytest.raises(InputError, match=f"episodes.{field}"):
        EpisodeTable.from_arrays([1, 1], session, score, [10, 10])


def test_arrays_of_different_lengths_are_an_input_error() -> None:
    with pytest.raises(InputError, match="length"):
        EpisodeTable.from_arrays([1, 1], [1, 2, 3], [10, 8], [10, 10])


def test_without_a_model_the_rational_method_is_used_and_says_so() -> None:
    e = expected_treatment_response(18, 8, PHQ9, score_range=(0, 27))
    assert e.method == "rational"
    assert "no empirical model" in e.basis


def test_a_model_on_too_few_episodes_falls_back_to_rational_naming_the_count(
    model: GrowthModel,
) -> None:
    e = expected_treatment_response(
        18, 8, PHQ9, model=model, minimum_episodes=1000, score_range=(0, 27)
    )
    assert e.method == "rational"
    assert "300 episodes" in e.basis
    assert "1000" in e.basis


def test_a_model_on_enough_episodes_is_used(model: GrowthModel) -> None:
    e = expected_treatment_response(18, 8, PHQ9, model=model, minimum_episodes=200)
    assert e.method == "empirical"
    assert e == model.expected(18, 8)


def perfectly_correlated_episodes(seed: int) -> tuple[np.ndarray, ...]:
    """SYNTHETIC: the random slope is 0.8 x the random intercept (correlation 1)."""
    rng = np.random.default_rng(seed)
    n_sessions = rng.integers(3, 12, 300)
    intake = rng.normal(16, 4, 300)
    b0 = rng.normal(0, 2, 300)
    patient = np.repeat(np.arange(300), n_sessions)
    session = np.concatenate([np.arange(1, k + 1) for k in n_sessions]).astype(float)
    log_s, i = np.log(session), intake[patient]
    score = (
        1 + 0.9 * i + (-1 - 0.15 * i) * log_s + b0[patient] * (1 + 0.8 * log_s)
        + rng.normal(0, 1.5, len(session))
    )  # fmt: skip
    return patient, session, score, i


def test_singular_fit_is_reported_in_the_model_and_the_status_basis() -> None:
    m = fit_growth_model(EpisodeTable.from_arrays(*perfectly_correlated_episodes(4)))
    assert m.singular
    assert m.random_effects_correlation == pytest.approx(1.0, abs=1e-3)
    assert m.boundary_note is not None
    assert "singular fit" in m.boundary_note
    assert "singular fit" in m.expected(16, 4).basis


def test_a_well_identified_fit_is_not_singular(model: GrowthModel) -> None:
    assert not model.singular
    assert model.boundary_note is None
    assert model.random_effects_correlation is not None
    assert abs(model.random_effects_correlation) < 0.99
