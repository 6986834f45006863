"""Properties of the Jacobson–Truax maths that must hold for any numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.errors import InputError
from attunement.instruments import load_instrument
from attunement.monitoring import (
    ChangeNorms,
    jacobson_truax_category,
    reliable_change_index,
    remission_status,
    response_status,
    standard_error_of_measurement,
)

scores = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
sds = st.floats(min_value=0.01, max_value=1e3)
reliabilities = st.floats(min_value=0.01, max_value=0.999)
directions = st.sampled_from(["higher_is_worse", "higher_is_better"])


def _norms(sd: float, r: float, direction: str = "higher_is_worse") -> ChangeNorms:
    return ChangeNorms.model_validate(
        {"sd": sd, "reliability": r, "direction": direction, "source": "property test"}
    )


@given(scores, scores, sds, reliabilities)
def test_rci_is_antisymmetric_in_time(x1: float, x2: float, sd: float, r: float) -> None:
    forward = reliable_change_index(x1, x2, _norms(sd, r)).rc
    backward = reliable_change_index(x2, x1, _norms(sd, r)).rc
    assert forward is not None
    assert backward is not None
    assert forward == pytest.approx(-backward)


@given(scores, sds, reliabilities, directions, st.booleans())
def test_a_constant_series_is_unchanged(
    x: float, sd: float, r: float, direction: str, published: bool
) -> None:
    norms = _norms(sd, r, direction)
    if published:
        norms = norms.model_copy(update={"published_rci": 6.0, "cutoff": 10.0})
    result = jacobson_truax_category(x, x, norms)
    assert result.category == "unchanged"
    assert result.reliable_change.rc == 0


@given(scores, scores, sds, reliabilities, st.floats(min_value=1.01, max_value=100))
def test_rc_scales_inversely_with_s_diff(
    x1: float, x2: float, sd: float, r: float, factor: float
) -> None:
    base = reliable_change_index(x1, x2, _norms(sd, r)).rc
    wider = reliable_change_index(x1, x2, _norms(sd * factor, r)).rc
    assert base is not None
    assert wider is not None
    assert wider == pytest.approx(base / factor, rel=1e-9, abs=1e-12)


@given(scores, scores, sds, reliabilities, directions)
def test_improvement_and_deterioration_mirror_under_direction(
    x1: float, x2: float, sd: float, r: float, direction: str
) -> None:
    worse = reliable_change_index(x1, x2, _norms(sd, r, "higher_is_worse"))
    better = reliable_change_index(x1, x2, _norms(sd, r, "higher_is_better"))
    assert worse.improvement == -better.improvement
    assert worse.reliable == better.reliable


@given(sds, reliabilities)
def test_standard_error_never_exceeds_the_sd(sd: float, r: float) -> None:
    assert 0 <= standard_error_of_measurement(sd, r) <= sd


@pytest.mark.parametrize("sd", [0.0, -1.0, float("nan"), float("inf")])
def test_non_positive_or_non_finite_sd_is_an_input_error(sd: float) -> None:
    with pytest.raises(InputError, match="sd"):
        standard_error_of_measurement(sd, 0.8)
    with pytest.raises(InputError, match=r"norms\.sd"):
        ChangeNorms(sd=sd, reliability=0.8, source="s")


@pytest.mark.parametrize("r", [0.0, -0.1, 1.01, float("nan")])
def test_reliability_outside_zero_to_one_is_an_input_error(r: float) -> None:
    with pytest.raises(InputError, match="reliability"):
        standard_error_of_measurement(10, r)
    with pytest.raises(InputError, match=r"norms\.reliability"):
        ChangeNorms(sd=10, reliability=r, source="s")


def test_perfect_reliability_makes_any_change_reliable() -> None:
    result = reliable_change_index(10, 11, _norms(5, 1.0))
    assert result.reliable
    assert result.rc == float("inf")


def test_norms_without_sd_reliability_or_published_rci_are_an_input_error() -> None:
    with pytest.raises(InputError, match=r"norms\.sd"):
        reliable_change_index(10, 5, ChangeNorms(cutoff=10, source="s"))


def test_jacobson_truax_policy_without_sd_is_an_input_error() -> None:
    norms = ChangeNorms(published_rci=6, source="s")
    with pytest.raises(InputError, match=r"norms\.sd"):
        reliable_change_index(10, 5, norms, policy="jacobson_truax")


def test_non_finite_score_is_an_input_error() -> None:
    with pytest.raises(InputError, match="after"):
        reliable_change_index(10, float("nan"), _norms(5, 0.8))


def test_missing_source_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"norms\.source"):
        ChangeNorms(sd=5, reliability=0.8, source="  ")


def test_a_requested_cutoff_the_norms_cannot_give_is_an_input_error() -> None:
    with pytest.raises(InputError, match="cutoff"):
        jacobson_truax_category(20, 10, _norms(5, 0.8), cutoff="c")


def test_instrument_definitions_plug_in_directly_through_their_norms_and_rules() -> None:
    scale = load_instrument("phq9").scale("total")
    assert scale.norms is not None
    assert scale.response is not None
    assert scale.remission is not None
    result = jacobson_truax_category(19, 4, scale.norms)
    assert result.category == "recovered"
    assert result.norms.source == scale.norms.source
    assert response_status(19, 4, scale.response).met
    assert remission_status(4, scale.remission).met


def test_a_remission_rule_cannot_be_used_as_a_response_rule() -> None:
    scale = load_instrument("phq9").scale("total")
    assert scale.remission is not None
    with pytest.raises(InputError, match=r"response\.kind"):
        response_status(19, 4, scale.remission)
