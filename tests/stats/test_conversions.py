"""Effect-size conversions: the field's worked numbers, properties, and input checks."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.errors import InputError
from attunement.stats import as_d, d_to_r, odds_ratio_to_d, r_to_d

correlations = st.floats(min_value=-0.99, max_value=0.99, allow_nan=False)
mean_differences = st.floats(min_value=-50, max_value=50, allow_nan=False)
odds_ratios = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)


@pytest.mark.parametrize(
    ("r", "d"),
    [
        (0.275, 0.572),  # Horvath et al. 2011 (r = .275, published d = .57)
        (0.278, 0.579),  # Flückiger et al. 2018
    ],
)
def test_r_to_d_reproduces_the_worked_alliance_numbers(r: float, d: float) -> None:
    assert round(r_to_d(r), 3) == d


def test_d_to_r_inverts_the_worked_alliance_number() -> None:
    assert round(d_to_r(0.579), 3) == 0.278


def test_r_of_zero_is_d_of_zero() -> None:
    assert r_to_d(0.0) == 0.0
    assert d_to_r(0.0) == 0.0


def test_odds_ratio_of_one_is_no_effect() -> None:
    assert odds_ratio_to_d(1.0) == 0.0


def test_odds_ratio_uses_the_logit_method() -> None:
    # d = ln(OR) * sqrt(3) / pi (Chinn 2000): OR = e gives sqrt(3)/pi.
    assert odds_ratio_to_d(math.e) == pytest.approx(math.sqrt(3) / math.pi)


def test_odds_ratio_below_one_gives_negative_d() -> None:
    assert odds_ratio_to_d(0.59) < 0


@given(correlations)
def test_r_to_d_to_r_round_trips(r: float) -> None:
    assert d_to_r(r_to_d(r)) == pytest.approx(r, abs=1e-9)


@given(mean_differences)
def test_d_to_r_to_d_round_trips(d: float) -> None:
    assert r_to_d(d_to_r(d)) == pytest.approx(d, rel=1e-6, abs=1e-9)


@given(correlations, correlations)
def test_r_to_d_is_monotonic(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert r_to_d(low) <= r_to_d(high)


@given(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False),
)
def test_d_to_r_is_monotonic_and_bounded(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert -1.0 <= d_to_r(low) <= d_to_r(high) <= 1.0


@given(odds_ratios, odds_ratios)
def test_odds_ratio_to_d_is_monotonic(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert odds_ratio_to_d(low) <= odds_ratio_to_d(high)


@given(odds_ratios)
def test_inverting_the_odds_ratio_flips_the_sign_of_d(or_: float) -> None:
    assert odds_ratio_to_d(1 / or_) == pytest.approx(-odds_ratio_to_d(or_), abs=1e-9)


@given(correlations)
def test_d_has_the_sign_of_r_and_is_larger_in_size(r: float) -> None:
    d = r_to_d(r)
    assert math.copysign(1.0, d) == math.copysign(1.0, r) or r == 0
    assert abs(d) >= abs(r)


@pytest.mark.parametrize("r", [1.0, -1.0, 1.5, -2, math.nan, math.inf, True, "0.3", None])
def test_r_outside_the_open_interval_raises_input_error(r: object) -> None:
    with pytest.raises(InputError) as raised:
        r_to_d(r)  # type: ignore[arg-type]
    assert "r" in raised.value.field
    assert "between -1 and 1" in raised.value.message


@pytest.mark.parametrize("or_", [0.0, -1.0, math.nan, math.inf, "2"])
def test_odds_ratio_not_above_zero_raises_input_error(or_: object) -> None:
    with pytest.raises(InputError) as raised:
        odds_ratio_to_d(or_)  # type: ignore[arg-type]
    assert "greater than 0" in raised.value.message


@pytest.mark.parametrize("d", [math.nan, math.inf, -math.inf, None])
def test_d_not_finite_raises_input_error(d: object) -> None:
    with pytest.raises(InputError):
        d_to_r(d)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("function", "formula", "reference"),
    [
        (r_to_d, "2r", "Borenstein"),
        (d_to_r, "d^2 + 4", "Borenstein"),
        (odds_ratio_to_d, "sqrt{3}", "Chinn 2000"),
    ],
)
def test_every_conversion_documents_its_formula_and_reference(
    function: object, formula: str, reference: str
) -> None:
    doc = function.__doc__ or ""
    assert formula in doc
    assert reference in doc


def test_as_d_puts_every_published_metric_on_the_d_scale() -> None:
    # Borenstein et al. (2009, ch. 7) worked examples: r = .50 -> d = 1.1547;
    # log OR = .9069 (OR = 2.4766) -> d = .5000.
    assert as_d("r", 0.5) == pytest.approx(1.1547, abs=1e-4)
    assert as_d("OR", math.exp(0.9069)) == pytest.approx(0.5000, abs=1e-4)
    assert (as_d("d", 0.57), as_d("g", -0.2)) == (0.57, -0.2)


def test_as_d_refuses_an_unknown_metric_naming_the_known_ones() -> None:
    with pytest.raises(InputError, match="metric: 'eta' is not allowed; allowed: r, d, g, OR"):
        as_d("eta", 0.1)
