"""Worked examples from the published scoring rules, one or more per shipped instrument."""

from __future__ import annotations

import numpy as np
import pytest

from attunement.errors import InputError, InvalidAnswer
from attunement.instruments import load_instrument, score, score_batch, to_profile_values


def _total(instrument: str, answers: list[int | None], scale: str = "total") -> float | None:
    return score(load_instrument(instrument), answers).scales[scale].value


def _band(instrument: str, answers: list[int | None], scale: str = "total") -> str | None:
    return score(load_instrument(instrument), answers).scales[scale].band


def _answers_summing_to(total: int, n: int, top: int, bottom: int = 0) -> list[int | None]:
    answers: list[int | None] = []
    left = total - bottom * n
    for _ in range(n):
        step = min(top - bottom, left)
        answers.append(bottom + step)
        left -= step
    return answers


# PHQ-9 (Kroenke 2001): 5, 10, 15, 20 = mild, moderate, moderately severe, severe.
@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_at_the_published_boundaries(total: int, band: str) -> None:
    answers = list(reversed(_answers_summing_to(total, 9, 3)))  # item 9 filled last
    assert _total("phq9", answers) == total
    assert _band("phq9", answers) == band


def test_phq9_item9_above_zero_raises_risk_flag() -> None:
    result = score(load_instrument("phq9"), [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert [(f.id, f.severity, f.item) for f in result.flags] == [
        ("phq9_item9_risk", "critical", "phq9_9")
    ]
    assert result.scales["total"].band == "minimal"  # a low total does not hide the risk


def test_phq9_item9_zero_raises_no_flag_and_unanswered_item9_is_a_warning() -> None:
    phq9 = load_instrument("phq9")
    assert score(phq9, [3] * 8 + [0]).flags == ()
    flags = score(phq9, [1] * 8 + [None]).flags
    assert [(f.id, f.severity) for f in flags] == [("phq9_item9_risk_unanswered", "warning")]


def test_phq9_two_missing_items_are_replaced_by_the_mean_of_the_answered() -> None:
    # seven answered items total 14 (mean 2): the two missing count 2 each -> 18
    result = score(load_instrument("phq9"), [2, 2, 2, 2, 2, 2, 2, None, None]).scales["total"]
    assert result.value == 18.0
    assert result.prorated
    assert result.band == "moderately severe"
    assert result.missing_items == ("phq9_8", "phq9_9")


def test_phq9_prorated_total_is_rounded_as_the_cms_specification_says() -> None:
    # Eight answered items sum to 13; the missing item is replaced by their mean (NHS Data
    # Dictionary): 13 x 9 / 8 = 14.625, "rounded to the nearest integer" (CMS LTCH CARE Data
    # Set, item D0160) = 15, which is "moderately severe", not "moderate".
    phq9 = load_instrument("phq9")
    (total,) = [s for s in phq9.scales if s.id == "total"]
    assert total.missing is not None
    assert total.missing.rounding == "round_half_up"
    assert "rounded to the nearest integer" in total.missing.source
    answers: list[int | None] = [2, 2, 2, 2, 2, 1, 1, None, 1]
    single = score(phq9, answers)
    assert single.scales["total"].value == 15
    assert single.scales["total"].band == "moderately severe"
    assert single.scales["total"].prorated
    batch = score_batch(phq9, np.array([[np.nan if a is None else a for a in answers]]))
    assert batch.row(0) == single


def test_phq9_three_missing_items_are_not_scorable_never_zero() -> None:
    result = score(load_instrument("phq9"), [0, 0, 0, 0, 0, 0, None, None, None]).scales["total"]
    assert result.value is None
    assert not result.scorable
    assert result.band is None
    assert result.reason is not None
    assert "3 of 9 items missing" in result.reason


def test_answers_may_be_given_as_a_mapping_item_to_value() -> None:
    phq9 = load_instrument("phq9")
    by_item = {f"phq9_{i}": 1 for i in range(1, 10)}
    assert score(phq9, by_item) == score(phq9, [1] * 9)


# GAD-7 (Spitzer 2006): 5, 10, 15 = mild, moderate, severe.
@pytest.mark.parametrize(
    ("total", "band"),
    [
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands_at_the_published_boundaries(total: int, band: str) -> None:
    assert _band("gad7", _answers_summing_to(total, 7, 3)) == band


def test_gad7_has_no_proration_rule_so_a_missing_item_is_not_scorable() -> None:
    assert _total("gad7", [1, 1, 1, 1, 1, 1, None]) is None


# PHQ-4: total 0-2 none, 3-5 mild, 6-8 moderate, 9-12 severe; subscales >= 3 positive.
@pytest.mark.parametrize(
    ("answers", "band", "anxiety", "depression"),
    [
        ([1, 1, 0, 0], "none", "negative", "negative"),
        ([2, 1, 0, 0], "mild", "positive", "negative"),
        ([0, 0, 3, 2], "mild", "negative", "positive"),
        ([3, 3, 0, 0], "moderate", "positive", "negative"),
        ([2, 2, 2, 2], "moderate", "positive", "positive"),
        ([3, 3, 3, 0], "severe", "positive", "positive"),
    ],
)
def test_phq4_total_bands_and_subscale_screens(
    answers: list[int | None], band: str, anxiety: str, depression: str
) -> None:
    result = score(load_instrument("phq4"), answers)
    assert result.scales["total"].band == band
    assert result.scales["anxiety"].band == anxiety
    assert result.scales["depression"].band == depression


# K10 (ABS 4817.0.55.001): 10-15 low, 16-21 moderate, 22-29 high, 30-50 very high.
@pytest.mark.parametrize(
    ("total", "band"),
    [
        (10, "low"),
        (15, "low"),
        (16, "moderate"),
        (21, "moderate"),
        (22, "high"),
        (29, "high"),
        (30, "very high"),
        (50, "very high"),
    ],
)
def test_k10_bands_at_the_published_boundaries(total: int, band: str) -> None:
    assert _band("k10", _answers_summing_to(total, 10, 5, bottom=1)) == band


def test_k10_one_missing_item_is_round_of_sum_over_nine_times_ten() -> None:
    answers: list[int | None] = [2, 2, 2, 2, 2, 2, 2, 3, 3, None]  # sum 20 -> 22.2 -> 22
    result = score(load_instrument("k10"), answers).scales["total"]
    assert result.value == 22
    assert result.prorated
    assert result.band == "high"
    assert _total("k10", [2] * 8 + [None, None]) is None


def test_k10_proration_rounds_half_up_consistently() -> None:
    # sum 27 over 9 items -> 30 exactly; sum 13 -> 14.44 -> 14
    assert _total("k10", [3] * 9 + [None]) == 30
    assert _total("k10", [1, 1, 1, 1, 1, 2, 2, 2, 2, None]) == 14


# CORE-10 (Barkham 2013): items 2 and 3 reverse keyed; clinical score 10 x total / answered.
def test_core10_items_2_and_3_are_reverse_keyed() -> None:
    assert _total("core10", [0] * 10, "clinical") == 8  # 4 + 4 from the two positive items
    assert _total("core10", [4] * 10, "clinical") == 32
    assert _total("core10", [0, 4, 4, 0, 0, 0, 0, 0, 0, 0], "clinical") == 0


@pytest.mark.parametrize(
    ("clinical", "band"),
    [
        (5, "healthy"),
        (6, "low"),
        (10, "low"),
        (11, "mild"),
        (14, "mild"),
        (15, "moderate"),
        (19, "moderate"),
        (20, "moderate-to-severe"),
        (24, "moderate-to-severe"),
        (25, "severe"),
    ],
)
def test_core10_bands_at_the_published_boundaries(clinical: int, band: str) -> None:
    rest = _answers_summing_to(clinical, 8, 4)
    answers = [rest[0], 4, 4, *rest[1:]]  # items 2 and 3 answered 4 score 0
    assert _total("core10", answers, "clinical") == clinical
    assert _band("core10", answers, "clinical") == band


def test_core10_one_missing_item_is_prorated_and_two_are_not_scorable() -> None:
    answers: list[int | None] = [2, 2, 2, 2, 2, 0, 2, 2, 2, None]  # keyed total 16 over 9
    result = score(load_instrument("core10"), answers).scales["clinical"]
    assert result.value == pytest.approx(10 * 16 / 9)
    assert result.prorated
    assert result.band == "moderate"
    assert _total("core10", [2] * 8 + [None, None], "clinical") is None


def test_core10_item6_is_a_risk_item() -> None:
    flags = score(load_instrument("core10"), [0, 4, 4, 0, 0, 1, 0, 0, 0, 0]).flags
    assert [f.id for f in flags] == ["core10_item6_risk"]


def test_k10_has_no_risk_flag() -> None:
    assert load_instrument("k10").flags == ()


# URICA (VCU scoring page): subscale means; readiness = C + A + M - PC.
def test_urica_readiness_is_contemplation_action_maintenance_minus_precontemplation() -> None:
    urica = load_instrument("urica")
    answers: list[int | None] = [3] * 32
    for item in (1, 5, 11, 13, 23, 26, 29):
        answers[item - 1] = 1  # PC mean 1
    for item in (2, 8, 12, 15, 19, 21, 24, 3, 7, 10, 14, 17, 25, 30):
        answers[item - 1] = 5  # C and A means 5
    result = score(urica, answers)
    assert result.scales["precontemplation"].value == 1
    assert result.scales["contemplation"].value == 5
    assert result.scales["readiness"].value == 5 + 5 + 3 - 1
    assert to_profile_values(result) == {"stage_of_change": "preparation"}  # 12 nearest 12.6
    assert to_profile_values(result, groups={"contemplation": 10.0, "action": 12.5}) == {
        "stage_of_change": "action"
    }
    answers[1] = 1  # C mean (1 + 6 x 5) / 7 lowers readiness to about 11.4
    assert to_profile_values(score(urica, answers)) == {"stage_of_change": "contemplation"}


def test_urica_unscored_items_do_not_change_any_scale() -> None:
    urica = load_instrument("urica")
    base: list[int | None] = [3] * 32
    changed = list(base)
    for item in (4, 9, 20, 31):
        changed[item - 1] = 5
    assert score(urica, base).scales == score(urica, changed).scales


# ECR-R: means; 8 - x for anxiety 9, 11 and 12 avoidance items.
def test_ecr_r_reverse_keys_and_means() -> None:
    result = score(load_instrument("ecr_r"), [7] * 36)
    assert result.scales["anxiety"].value == pytest.approx((16 * 7 + 2 * 1) / 18)
    assert result.scales["avoidance"].value == pytest.approx((6 * 7 + 12 * 1) / 18)
    values = to_profile_values(result)
    assert values["attachment"]["avoidance"] == pytest.approx(3.0)


# WAI-SR: task 1, 2, 10, 12; bond 3, 5, 7, 9; goal 4, 6, 8, 11.
def test_wai_sr_subscales_use_the_published_items() -> None:
    answers: list[int | None] = [1] * 12
    for item in (3, 5, 7, 9):
        answers[item - 1] = 5
    result = score(load_instrument("wai_sr"), answers)
    assert result.scales["bond"].value == 5
    assert result.scales["task"].value == 1
    assert result.scales["goal"].value == 1
    assert result.scales["total"].value == pytest.approx(28 / 12)


# DUREL: ORA item 1, NORA item 2, intrinsic religiosity items 3-5, scored separately.
def test_durel_scores_three_separate_subscales() -> None:
    result = score(load_instrument("durel"), [6, 5, 5, 4, 4])
    assert [result.scales[s].value for s in ("organizational", "private", "intrinsic")] == [
        6,
        5,
        13,
    ]
    assert to_profile_values(result) == {"religion_spirituality": {"importance": "high"}}
    assert to_profile_values(score(load_instrument("durel"), [1, 1, 1, 1, 1])) == {
        "religion_spirituality": {"importance": "none"}
    }


# Brief RCOPE: positive 1-7, negative 8-14, no total.
def test_brief_rcope_positive_and_negative_have_no_total() -> None:
    result = score(load_instrument("brief_rcope"), [4] * 7 + [1] * 7)
    assert result.scales["positive"].value == 28
    assert result.scales["negative"].value == 7
    assert set(result.scales) == {"positive", "negative"}


# C-NIP: four scales, answers +3..-3.
def test_cnip_preferences_with_assumption_labelled_strengths() -> None:
    answers: list[int | None] = [-3, -3, -2, -3, -3, 1, 1, 0, 0, 1, 0, 0, 0, 2, 2, 2, 1, 1]
    result = score(load_instrument("cnip"), answers)
    assert result.scales["directiveness"].value == pytest.approx(-2.8)
    assert to_profile_values(result) == {
        "preferences": [
            {"aspect": "directiveness", "value": "client_directed", "strength": "strong"},
            {"aspect": "emotional_intensity", "value": "intensity", "strength": "mild"},
            {"aspect": "warm_support", "value": "warm_support", "strength": "moderate"},
        ]
    }


# CEQ: credibility items 1-3, expectancy items 4-6.
def test_ceq_credibility_and_expectancy_items() -> None:
    result = score(load_instrument("ceq"), [9, 8, 7, 10, 9, 8])
    assert result.scales["credibility"].value == 24
    assert result.scales["expectancy"].value == 27
    assert to_profile_values(result) == {"expectations": {"credibility": "high", "outcome": "high"}}


# TRS: 28 items; its key was not verified, so no silent score.
def test_trs_total_is_not_scorable_until_its_key_is_imported() -> None:
    result = score(load_instrument("trs"), [2] * 28).scales["total"]
    assert not result.scorable
    assert result.value is None
    assert result.reason is not None
    assert "not been verified" in result.reason
    assert to_profile_values(score(load_instrument("trs"), [2] * 28)) == {}


# HPRS: 11 items, mean 1-5, all worded toward reactance.
def test_hprs_mean_gives_a_reactance_level() -> None:
    assert to_profile_values(score(load_instrument("hprs"), [4] * 11)) == {"reactance": "high"}
    assert to_profile_values(score(load_instrument("hprs"), [2] * 11)) == {"reactance": "low"}
    assert to_profile_values(score(load_instrument("hprs"), [3] * 11)) == {"reactance": "moderate"}


def test_readiness_ruler_maps_to_a_stage_by_a_stated_assumption() -> None:
    ruler = load_instrument("readiness_ruler")
    stages = [to_profile_values(score(ruler, [v]))["stage_of_change"] for v in (0, 3, 6, 9, 10)]
    assert stages == ["precontemplation", "contemplation", "preparation", "action", "action"]


def test_rating_forms_give_reactance_and_coping_style() -> None:
    reactance = score(load_instrument("reactance_rating"), [2, 3, 1, 2, 3])
    assert reactance.scales["indicators"].value == 8
    assert to_profile_values(reactance) == {"reactance": "high"}
    coping = score(load_instrument("coping_style_rating"), [0, 0, 1, 3, 2, 2, 3])
    assert to_profile_values(coping) == {"coping_style": "externalizing"}


# Invalid answers name the item, the value and the allowed values.
@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([0] * 8 + [4], "phq9_9: 4 is not allowed; allowed: 0, 1, 2, 3"),
        ([0] * 8 + [-1], "phq9_9: -1 is not allowed; allowed: 0, 1, 2, 3"),
        ([0] * 8 + [1.5], "phq9_9: 1.5 is not allowed; allowed: 0, 1, 2, 3"),
        ([0] * 8 + ["two"], "phq9_9: 'two' is not allowed; allowed: 0, 1, 2, 3"),
        ([0] * 8 + [True], "phq9_9: True is not allowed"),
        ([0] * 8, "answers: 8 is not allowed; allowed: exactly 9 answers"),
        ({"phq9_0": 1}, "item: 'phq9_0' is not allowed; allowed: phq9_1,"),
        ("012345678", "answers: '012345678' is not allowed"),
    ],
)
def test_invalid_answers_name_item_value_and_allowed(answers: object, message: str) -> None:
    with pytest.raises(InvalidAnswer) as error:
        score(load_instrument("phq9"), answers)  # type: ignore[arg-type]
    assert message in str(error.value)


def test_an_unknown_language_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(InputError, match=r"language: 'fr' is not allowed; allowed: en, es"):
        score(load_instrument("phq9"), [0] * 9, language="fr")
