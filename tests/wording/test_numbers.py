"""The one number formatter: properties that hold for every value (issue 17)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from attunement.wording import (
    DASH,
    MINUS,
    format_figure,
    format_interval,
    format_number,
    format_signed,
)

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
digits = st.integers(min_value=0, max_value=3)


def _read(text: str) -> float:
    return float(text.replace(MINUS, "-").lstrip("+"))


@given(finite, digits)
def test_a_number_reads_back_as_the_value_rounded_to_its_decimals(value: float, n: int) -> None:
    assert math.isclose(_read(format_number(value, n)), value, abs_tol=0.5 * 10**-n + 1e-9)


@given(finite, digits)
def test_never_minus_zero_and_never_a_hyphen(value: float, n: int) -> None:
    for text in (format_number(value, n), format_signed(value, n)):
        assert text.replace("+", "").replace(MINUS, "") != "-0"
        assert f"{MINUS}0" != text
        assert "-" not in text  # the minus sign U+2212, not a hyphen
    assert "-0" != format_number(value, n, plain=True)


@given(finite, digits)
def test_the_sign_round_trips(value: float, n: int) -> None:
    text = format_signed(value, n)
    shown = _read(text)
    if shown == 0:
        assert text == "0"
    elif value > 0:
        assert text.startswith("+")
    else:
        assert text.startswith(MINUS)
    assert format_signed(value, n).lstrip("+") == format_number(value, n)


@given(finite, digits)
def test_no_trailing_zeros(value: float, n: int) -> None:
    text = format_number(value, n)
    if "." in text:
        assert not text.endswith("0")
        assert not text.endswith(".")


@given(st.sampled_from([None, math.nan, math.inf, -math.inf]))
def test_a_missing_value_is_a_dash_never_an_error(value: float | None) -> None:
    assert format_number(value) == DASH
    assert format_signed(value) == DASH
    assert format_interval(value, 1.0) == DASH
    assert format_number(value, plain=True) == "-"


def test_worked_examples() -> None:
    assert format_number(12.0) == "12"
    assert format_number(12.25, 1) in {"12.2", "12.3"}  # binary floats round either way
    assert format_number(-0.04) == "0"
    assert format_signed(0.04) == "0"
    assert format_signed(2) == "+2"
    assert format_signed(-6.5) == f"{MINUS}6.5"
    assert format_signed(-6.5, plain=True) == "-6.5"
    assert format_interval(7, 15) == "7–15"


def test_a_number_takes_the_decimal_separator_of_its_readers_language() -> None:
    assert format_number(12.25, 2) == "12.25"
    assert format_number(12.25, 2, language="es") == "12,25"
    assert format_number(-3.5, language="es") == f"{MINUS}3,5"
    assert format_number(-3.5, language="es-MX") == f"{MINUS}3.5"  # Mexico writes a point
    assert format_number(2.5, language="no-such-tag!") == "2.5"


specs = st.sampled_from(["", "g", ".1f", ".2f", ".3g", ".2g", ".0%"])


@given(finite, specs)
def test_a_figure_of_a_composed_sentence_is_written_as_its_english_was(
    value: float, spec: str
) -> None:
    english = format(value, spec)
    assert format_figure(value, spec) == english  # the stored English, byte for byte
    assert format_figure(value, spec, language="es") == english.replace(".", ",")
    assert format_figure(int(value), spec, language="es") == format(int(value), spec).replace(
        ".", ","
    )


def test_a_figure_stored_already_written_is_shown_as_stored() -> None:
    assert format_figure("0.50", ".2f", language="es") == "0.50"
