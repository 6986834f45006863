"""Effect sizes, intervals and running moments against reference implementations (metafor,
statsmodels) and their defining properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from attunement.errors import InputError
from attunement.stats import (
    InsufficientData,
    PairedMoments,
    hedges_correction,
    pre_post_effect_size,
    proportion,
    standardized_mean_change,
)

# metafor's own test of escalc(measure="SMCR") (tests/testthat/test_analysis_example_morris2008.r,
# treatment group): m_pre, m_post, sd_pre, n, r -> yi, vi (rounded to 4 places there).
METAFOR_SMCR = [
    (30.6, 38.5, 15.0, 20, 0.47, 0.5056, 0.0594),
    (23.5, 26.8, 3.1, 50, 0.64, 1.0481, 0.0254),
    (0.5, 0.7, 0.1, 9, 0.77, 1.8054, 0.2322),
    (53.4, 75.9, 14.5, 10, 0.89, 1.4181, 0.1225),
    (35.6, 36.0, 4.7, 14, 0.44, 0.0801, 0.0802),
]


@pytest.mark.parametrize(("m_pre", "m_post", "sd_pre", "n", "r", "yi", "vi"), METAFOR_SMCR)
def test_standardized_mean_change_equals_metafor_smcr(
    m_pre: float, m_post: float, sd_pre: float, n: int, r: float, yi: float, vi: float
) -> None:
    # metafor scores post − pre; for a higher-is-better scale that is our improvement.
    effect = standardized_mean_change(
        mean_pre=m_pre, mean_post=m_post, sd_pre=sd_pre, r=r, n=n, higher_is_worse=False
    )
    assert effect.d == pytest.approx(yi, abs=1e-4)
    assert effect.variance == pytest.approx(vi, abs=1e-4)
    assert effect.ci_high - effect.d == pytest.approx(1.959964 * math.sqrt(effect.variance))


def _paired(m_pre: float, m_post: float, sd_pre: float, r: float, n: int) -> tuple:
    """Pre/post data with exactly these means, intake SD and correlation."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=n)
    x = (x - x.mean()) / x.std(ddof=1)
    e = rng.normal(size=n)
    e -= e.mean()
    e -= (e @ x) / (x @ x) * x
    e /= e.std(ddof=1)
    y = r * x + math.sqrt(1 - r**2) * e
    return m_pre + sd_pre * x, m_post + 4.0 * y


def test_pre_post_effect_size_of_raw_scores_matches_the_summary_formula() -> None:
    pre, post = _paired(30.6, 38.5, 15.0, 0.47, 20)
    effect = pre_post_effect_size(pre, post, higher_is_worse=False)
    assert effect.r_pre_post == pytest.approx(0.47)
    assert effect.sd_pre == pytest.approx(15.0)
    assert effect.d == pytest.approx(0.5056, abs=1e-4)
    assert effect.variance == pytest.approx(0.0594, abs=1e-4)


def test_improvement_on_a_phq9_like_scale_gives_a_positive_d() -> None:
    effect = pre_post_effect_size([20, 15, 18, 12, 22], [10, 9, 12, 6, 15])
    assert effect.d > 0
    assert effect.mean_pre > effect.mean_post


def test_hedges_correction_approaches_the_usual_approximation() -> None:
    for m in (5, 19, 49, 200):
        assert hedges_correction(m) == pytest.approx(1 - 3 / (4 * m - 1), abs=2e-3)
    assert hedges_correction(10_000) == pytest.approx(1, abs=1e-4)


scores = st.floats(min_value=0, max_value=27, allow_nan=False)


@given(st.lists(st.tuples(scores, scores), min_size=3, max_size=40))
def test_effect_size_ci_contains_d_and_reversing_direction_negates_it(
    pairs: list[tuple[float, float]],
) -> None:
    pre = [p for p, _ in pairs]
    post = [q for _, q in pairs]
    assume(np.std(pre) > 1e-6)
    worse = pre_post_effect_size(pre, post, higher_is_worse=True)
    better = pre_post_effect_size(pre, post, higher_is_worse=False)
    assert worse.ci_low <= worse.d <= worse.ci_high
    assert better.d == pytest.approx(-worse.d)
    assert worse.variance >= worse.d**2 / (2 * worse.n)


@given(st.lists(scores, min_size=3, max_size=30), st.floats(min_value=-10, max_value=10))
def test_a_constant_shift_for_everyone_is_shift_over_intake_sd(
    pre: list[float], shift: float
) -> None:
    assume(np.std(pre) > 0.1)
    effect = pre_post_effect_size(pre, [p - shift for p in pre])
    expected = hedges_correction(len(pre) - 1) * shift / np.std(pre, ddof=1)
    assert effect.d == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert effect.r_pre_post == pytest.approx(1.0)


def test_too_few_pairs_or_flat_intake_scores_are_refused_with_the_reason() -> None:
    with pytest.raises(InsufficientData, match="3 or more"):
        pre_post_effect_size([10, 12], [5, 6])
    with pytest.raises(InsufficientData, match="vary"):
        pre_post_effect_size([10, 10, 10], [5, 6, 7])
    with pytest.raises(InsufficientData, match="one value per intake"):
        pre_post_effect_size([10, 12, 14], [5, 6])


@given(st.integers(min_value=1, max_value=500), st.data())
def test_wilson_interval_equals_statsmodels_and_stays_in_zero_one(
    n: int, data: st.DataObject
) -> None:
    count = data.draw(st.integers(min_value=0, max_value=n))
    share = proportion(count, n)
    low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
    assert share.ci_low == pytest.approx(low, abs=1e-9)
    assert share.ci_high == pytest.approx(high, abs=1e-9)
    assert 0 <= share.ci_low <= share.share <= share.ci_high <= 1  # type: ignore[operator]


def test_a_proportion_of_nobody_has_no_share_and_no_interval() -> None:
    empty = proportion(0, 0)
    assert empty.share is None
    assert empty.ci_low is None
    assert empty.ci_high is None
    with pytest.raises(InputError):
        proportion(5, 3)


@given(
    st.lists(
        st.tuples(st.integers(0, 27), st.integers(0, 27)).map(lambda p: (float(p[0]), float(p[1]))),
        min_size=3,
        max_size=60,
    )
)
@example(pairs=[(0.0, 0.0), (0.0, 0.0), (1.0, 1.0)])  # no change, r = 1: a CI of exactly 0
def test_running_paired_moments_give_the_effect_size_of_the_whole_list(
    pairs: list[tuple[float, float]],
) -> None:
    pre, post = [p for p, _ in pairs], [q for _, q in pairs]
    assume(len(set(pre)) > 1)
    running = PairedMoments()
    for x, y in pairs:
        running.add(x, y)
    streamed = running.effect_size(higher_is_worse=True)
    direct = pre_post_effect_size(pre, post, higher_is_worse=True)
    assert streamed.d == pytest.approx(direct.d, rel=1e-9, abs=1e-9)
    assert streamed.ci_low == pytest.approx(direct.ci_low, rel=1e-9, abs=1e-9)
    assert streamed.ci_high == pytest.approx(direct.ci_high, rel=1e-9, abs=1e-9)


def test_running_paired_moments_refuse_like_the_list_version() -> None:
    running = PairedMoments()
    for x, y in ((10.0, 5.0), (10.0, 7.0)):
        running.add(x, y)
    with pytest.raises(InsufficientData, match="3 or more"):
        running.effect_size()
    running.add(10.0, 4.0)
    with pytest.raises(InsufficientData, match="intake scores that vary"):
        running.effect_size()
