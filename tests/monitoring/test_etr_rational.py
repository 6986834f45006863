"""The rational expected treatment response: a documented rule that needs no data."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.errors import InputError
from attunement.monitoring import RATIONAL_PARAMETERS, ChangeNorms, rational_expectation

PHQ9 = ChangeNorms(published_rci=6, cutoff=10, source="PHQ-9 norms (IAPT; Kroenke 2001)")
WELLBEING = ChangeNorms(
    sd=4.0, reliability=0.84, direction="higher_is_better", source="a higher-is-better scale"
)


def test_at_intake_the_expected_score_is_the_intake_with_a_band_of_one_rci() -> None:
    e = rational_expectation(18, 1, PHQ9)
    assert (e.value, e.low, e.high, e.method) == (18, 12, 24, "rational")


def test_by_session_8_the_expected_improvement_is_one_reliable_change() -> None:
    # Lambert: half of patients reliably improve by session 8 -> the median improves by 1 RCI
    e = rational_expectation(18, 8, PHQ9)
    assert (e.value, e.low, e.high) == pytest.approx((12, 6, 18))


def test_improvement_follows_log_session() -> None:
    e = rational_expectation(18, 4, PHQ9)
    assert e.value == pytest.approx(18 - 6 * math.log(4) / math.log(8))  # 2/3 of the way


def test_a_higher_is_better_scale_is_expected_to_rise() -> None:
    bound = 1.96 * math.sqrt(2) * 4.0 * math.sqrt(1 - 0.84)
    e = rational_expectation(30, 8, WELLBEING)
    assert e.value == pytest.approx(30 + bound)
    assert e.high - e.low == pytest.approx(2 * bound)


def test_direction_argument_overrides_the_norms() -> None:
    assert rational_expectation(18, 8, PHQ9, "higher_is_better").value == pytest.approx(24)


def test_score_range_clamps_value_and_band() -> None:
    e = rational_expectation(5, 20, PHQ9, score_range=(0, 27))
    assert e.low == 0
    assert e.value >= 0


def test_every_parameter_is_stated_with_a_source_or_as_an_assumption() -> None:
    for value, why in RATIONAL_PARAMETERS.values():
        assert math.isfinite(value)
        assert why
    e = rational_expectation(18, 3, PHQ9)
    assert any("Lambert" in s for s in e.sources)
    assert any(PHQ9.source in s for s in e.sources)
    assert "ln(3)/ln(8)" in e.basis


@given(
    st.floats(min_value=0, max_value=100),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=1, max_value=60),
)
def test_expected_score_never_rises_with_more_sessions_on_a_higher_is_worse_scale(
    intake: float, s1: int, s2: int
) -> None:
    a, b = sorted((s1, s2))
    assert (
        rational_expectation(intake, b, PHQ9).value <= rational_expectation(intake, a, PHQ9).value
    )


@pytest.mark.parametrize("session", [0, -1, 2.5, True])
def test_a_session_that_is_not_a_whole_number_from_1_is_an_input_error(session: object) -> None:
    with pytest.raises(InputError, match="session"):
        rational_expectation(18, session, PHQ9)  # type: ignore[arg-type]


def test_norms_without_any_reliable_change_bound_are_an_input_error() -> None:
    with pytest.raises(InputError, match="norms"):
        rational_expectation(18, 2, ChangeNorms(cutoff=10, source="cut-off only"))
