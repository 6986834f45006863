"""The rational expected treatment response: a documented rule that needs no clinic data.

expected(d) = I − share(d) · (I − h), share(d) = π* · ln d / ln 8, band ± k · S_diff.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.errors import InputError
from attunement.monitoring import (
    RATIONAL_PARAMETERS,
    ChangeNorms,
    RationalParameters,
    rational_expectation,
    rational_parameters,
)

PHQ9 = ChangeNorms(published_rci=6, cutoff=10, source="PHQ-9 norms (IAPT; Kroenke 2001)")
WELLBEING = ChangeNorms(
    sd=4.0, reliability=0.84, direction="higher_is_better", source="a higher-is-better scale"
)
SIMPLE = RationalParameters(
    anchor_session=8,
    share_at_anchor=0.5,
    dose_power=1,
    healthy_reference=2,
    band_half_width_in_sdiff=1,
)
RANGE = (0.0, 27.0)


def test_at_intake_the_expected_score_is_the_intake() -> None:
    e = rational_expectation(18, 1, PHQ9, parameters=SIMPLE)
    assert (e.value, e.method) == (18, "rational")
    assert e.high - e.value == pytest.approx(6 / 1.96)  # one S_diff


def test_by_session_8_the_anchor_share_of_the_excess_is_gone() -> None:
    e = rational_expectation(18, 8, PHQ9, parameters=SIMPLE)
    assert e.value == pytest.approx(18 - 0.5 * (18 - 2))


def test_improvement_follows_log_dose() -> None:
    e = rational_expectation(18, 4, PHQ9, parameters=SIMPLE)
    assert e.value == pytest.approx(18 - 0.5 * 16 * math.log(4) / math.log(8))


def test_the_phq9_share_is_derived_from_lambert_and_the_reference_intake() -> None:
    p = rational_parameters("phq9", "total")
    # half reliably improved by session 8 -> one RCI (6) for the reference intake 16.4
    assert p.share_at_anchor == pytest.approx(6 / (16.4 - 2.9))
    e = rational_expectation(16.4, 8, PHQ9, parameters=p, score_range=RANGE)
    assert 16.4 - e.value == pytest.approx(6)


def test_a_higher_is_better_scale_is_expected_to_rise_toward_its_healthy_end() -> None:
    e = rational_expectation(30, 8, WELLBEING, score_range=(0, 100))
    share = rational_parameters("wai_sr", "total").share_at_anchor  # the default share
    assert e.value == pytest.approx(30 + share * (100 - 30))
    s_diff = math.sqrt(2) * 4.0 * math.sqrt(1 - 0.84)
    assert e.high - e.low == pytest.approx(
        2 * RATIONAL_PARAMETERS["band_half_width_in_sdiff"][0] * s_diff
    )


def test_direction_argument_overrides_the_norms() -> None:
    e = rational_expectation(18, 8, PHQ9, "higher_is_better", score_range=RANGE)
    assert e.value > 18


def test_score_range_clamps_value_and_band() -> None:
    e = rational_expectation(1, 20, PHQ9, parameters=SIMPLE, score_range=RANGE)
    assert e.low == 0
    assert e.value >= 0


def test_an_intake_on_the_healthy_side_is_expected_to_stay() -> None:
    assert rational_expectation(1, 12, PHQ9, parameters=SIMPLE).value == 1


def test_without_a_healthy_reference_or_a_range_it_is_an_input_error() -> None:
    with pytest.raises(InputError, match="healthy_reference"):
        rational_expectation(18, 3, PHQ9)


def test_every_parameter_is_stated_with_a_source_or_as_an_assumption() -> None:
    for value, why in RATIONAL_PARAMETERS.values():
        assert math.isfinite(value)
        assert why.startswith("assumption") or any(c.isdigit() for c in why)
    e = rational_expectation(18, 3, PHQ9, parameters=rational_parameters("phq9", "total"))
    assert any("Lambert" in s and "Howard" in s for s in e.sources)
    assert any(PHQ9.source in s for s in e.sources)
    assert "ln(3)/ln(8)" in e.basis


@given(
    st.floats(min_value=0, max_value=27),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=1, max_value=60),
)
def test_expected_score_never_rises_with_more_sessions_on_a_higher_is_worse_scale(
    intake: float, s1: int, s2: int
) -> None:
    a, b = sorted((s1, s2))
    early = rational_expectation(intake, a, PHQ9, score_range=RANGE).value
    late = rational_expectation(intake, b, PHQ9, score_range=RANGE).value
    assert late <= early + 1e-12


@pytest.mark.parametrize("session", [0, -1, 2.5, True])
def test_a_session_that_is_not_a_whole_number_from_1_is_an_input_error(session: object) -> None:
    with pytest.raises(InputError, match="session"):
        rational_expectation(18, session, PHQ9, score_range=RANGE)  # type: ignore[arg-type]


def test_norms_without_any_reliable_change_bound_are_an_input_error() -> None:
    with pytest.raises(InputError, match="norms"):
        rational_expectation(
            18, 2, ChangeNorms(cutoff=10, source="cut-off only"), score_range=RANGE
        )
