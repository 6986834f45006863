"""Change maths against worked examples from the published sources.

Sources: Jacobson & Truax (1991) for the formulas; the CORE-10 and PHQ-9 figures are those
the instrument definitions cite (Barkham et al. 2013; Kroenke et al. 2001; IAPT).
"""

from __future__ import annotations

import math

import pytest

from attunement.monitoring import (
    ChangeNorms,
    RemissionRule,
    ResponseRule,
    clinical_cutoffs,
    jacobson_truax_category,
    reliable_change_bound,
    reliable_change_index,
    remission_status,
    response_status,
    standard_error_of_difference,
    standard_error_of_measurement,
)

# The widely quoted Jacobson & Truax (1991) illustration: SD = 7.5, r_xx = .88, a 15-point
# change. The arithmetic is checked here by hand; the 1991 full text was not read for it.
JT_EXAMPLE = ChangeNorms(sd=7.5, reliability=0.88, source="Jacobson & Truax 1991 (as quoted)")

CORE10 = ChangeNorms(
    sd=7.7,
    reliability=0.90,
    published_rci=6,
    clinical_mean=19.7,
    clinical_sd=7.7,
    normal_mean=4.7,
    normal_sd=4.8,
    cutoff=11,
    direction="higher_is_worse",
    source="CORE-10: Barkham et al. 2013 (alpha .90, RCI 6, cut-off 11, norms)",
)

PHQ9 = ChangeNorms(
    published_rci=6,
    cutoff=10,
    source="PHQ-9: reliable improvement >= 6 (IAPT); cut-off 10 (Kroenke 2001)",
)


def test_standard_error_of_measurement_is_sd_times_root_of_unreliability() -> None:
    # 7.5 * sqrt(0.12) = 2.598
    assert standard_error_of_measurement(7.5, 0.88) == pytest.approx(2.598, abs=5e-4)


def test_standard_error_of_difference_is_root_two_times_se() -> None:
    # sqrt(2) * 2.598 = 3.674
    assert standard_error_of_difference(7.5, 0.88) == pytest.approx(3.674, abs=5e-4)


def test_jacobson_truax_example_fifteen_point_drop_gives_rc_of_minus_4_08() -> None:
    result = reliable_change_index(64, 49, JT_EXAMPLE)
    assert result.rc == pytest.approx(-4.08, abs=5e-3)
    assert result.reliable
    assert result.outcome == "reliable_improvement"
    assert result.bound.method == "jacobson_truax"
    assert result.norms.source == "Jacobson & Truax 1991 (as quoted)"


def test_jacobson_truax_bound_is_1_96_standard_errors_of_difference() -> None:
    bound = reliable_change_bound(JT_EXAMPLE)
    assert bound.points == pytest.approx(1.96 * math.sqrt(2) * 7.5 * math.sqrt(0.12))
    assert bound.points == pytest.approx(7.20, abs=5e-3)


def test_core10_uses_its_published_rci_of_6_points_by_default() -> None:
    bound = reliable_change_bound(CORE10)
    assert (bound.points, bound.method) == (6, "published_rci")
    assert reliable_change_index(20, 14, CORE10).reliable  # exactly 6 points: reliable
    assert not reliable_change_index(20, 15, CORE10).reliable


def test_core10_computed_policy_ignores_the_published_rci() -> None:
    bound = reliable_change_bound(CORE10, policy="jacobson_truax")
    # 1.96 * sqrt(2) * 7.7 * sqrt(0.10) = 6.75
    assert bound.method == "jacobson_truax"
    assert bound.points == pytest.approx(6.75, abs=5e-3)
    assert not reliable_change_index(20, 14, CORE10, policy="jacobson_truax").reliable


def test_core10_cutoff_c_from_its_norms_agrees_with_the_published_cutoff_of_11() -> None:
    cut = clinical_cutoffs(CORE10)
    # c = (7.7 * 4.7 + 4.8 * 19.7) / (7.7 + 4.8) = 10.46: 11 is the first whole score above it
    assert cut.c == pytest.approx(10.46, abs=5e-3)
    assert math.ceil(cut.c or 0) == 11 == cut.published


def test_cutoffs_a_and_b_use_the_stated_multiplier() -> None:
    two = clinical_cutoffs(CORE10)
    assert two.a == pytest.approx(19.7 - 2 * 7.7)
    assert two.b == pytest.approx(4.7 + 2 * 4.8)
    z = clinical_cutoffs(CORE10, multiplier=1.96)
    assert (z.a, z.b, z.multiplier) == pytest.approx((19.7 - 1.96 * 7.7, 4.7 + 1.96 * 4.8, 1.96))
    assert z.c == two.c


def test_cutoffs_flip_toward_health_for_a_higher_is_better_scale() -> None:
    norms = CORE10.model_copy(update={"direction": "higher_is_better"})
    cut = clinical_cutoffs(norms)
    assert cut.a == pytest.approx(19.7 + 2 * 7.7)
    assert cut.b == pytest.approx(4.7 - 2 * 4.8)


def test_phq9_from_18_to_8_is_recovered_past_the_cutoff_of_10() -> None:
    result = jacobson_truax_category(18, 8, PHQ9)
    assert result.category == "recovered"
    assert (result.cutoff, result.cutoff_kind) == (10, "published")
    assert result.before_clinical is True
    assert result.after_clinical is False


def test_phq9_from_22_to_12_is_improved_but_still_clinical() -> None:
    assert jacobson_truax_category(22, 12, PHQ9).category == "improved"


def test_phq9_rise_of_6_points_is_deteriorated() -> None:
    assert jacobson_truax_category(12, 18, PHQ9).category == "deteriorated"


def test_phq9_drop_of_5_points_is_unchanged_even_across_the_cutoff() -> None:
    assert jacobson_truax_category(12, 7, PHQ9).category == "unchanged"


def test_score_exactly_at_the_published_cutoff_is_clinical() -> None:
    # PHQ-9: 10 or more is the clinical range (Kroenke 2001)
    assert jacobson_truax_category(18, 10, PHQ9).category == "improved"


def test_without_any_cutoff_a_reliable_improvement_is_improved_with_a_note() -> None:
    norms = ChangeNorms(published_rci=6, source="rci only")
    result = jacobson_truax_category(20, 10, norms)
    assert result.category == "improved"
    assert result.note is not None


def test_phq9_response_is_a_reduction_of_at_least_half() -> None:
    rule = ResponseRule(threshold=0.5, source="PHQ-9 response: >= 50% reduction")
    assert response_status(18, 9, rule).met
    assert not response_status(18, 10, rule).met
    assert response_status(18, 9, rule).reduction == pytest.approx(0.5)
    assert response_status(18, 9, rule).source == "PHQ-9 response: >= 50% reduction"


def test_phq9_remission_is_a_score_below_5() -> None:
    rule = RemissionRule(threshold=5, source="PHQ-9 remission: < 5")
    assert remission_status(4, rule).met
    assert not remission_status(5, rule).met


def test_response_from_an_intake_of_zero_is_not_met_and_says_why() -> None:
    status = response_status(0, 0, ResponseRule(threshold=0.5, source="s"))
    assert not status.met
    assert status.note is not None
