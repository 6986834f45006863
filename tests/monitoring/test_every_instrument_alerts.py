"""Issue 11: every outcome instrument alerts; a null alert never sorts below white; one
definition of the levels; clinic-derived norms; caseness conventions; rci agrees with the
deciding rule."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attunement.errors import InputError
from attunement.instruments import load_instrument, score
from attunement.monitoring import (
    ALERT_LEVELS,
    ClinicNorms,
    Series,
    SessionPoint,
    alert_rank,
    alert_urgency,
    assess_episode,
    caseness_conventions,
    clinic_norms,
    needs_clinic_norms,
)


def series(instrument: str, *values: float | None, scale: str = "total") -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument=instrument, scale=scale, points=points)


def test_alert_levels_are_defined_once_most_urgent_first() -> None:
    assert ALERT_LEVELS == ("red", "yellow", "not_assessable", "green", "white")
    assert [alert_urgency(level) for level in ALERT_LEVELS] == [0, 1, 2, 3, 4]
    with pytest.raises(InputError, match="alert"):
        alert_urgency("amber")


def test_k10_20_to_40_is_yellow_at_once_then_red_not_null() -> None:
    once = assess_episode(series("k10", 20, 40))
    assert (once.alert, once.alert_rule) == ("yellow", "reliable_deterioration_unconfirmed")
    status = assess_episode(series("k10", 20, 40, 40))
    assert status.alert == "red"
    assert status.alert_rule == "reliable_deterioration"
    assert status.category == "deteriorated"
    assert status.norms.sd_origin == "scale range (conservative)"
    assert status.norms.reliable_change == pytest.approx(1.96 * math.sqrt(2) * 20 * math.sqrt(0.11))
    assert "Popoviciu" in (status.norms.reliable_change_basis or "")


def test_k10_with_clinic_derived_norms_says_so_and_uses_them() -> None:
    norms = clinic_norms("k10", "total", [14, 18, 22, 26, 30, 34] * 10)
    assert norms is not None
    assert norms.n_episodes == 60
    status = assess_episode(series("k10", 20, 29), clinic_norms=norms)
    assert status.norms.sd_origin == "clinic-derived"
    assert status.norms.clinic_norms == norms
    assert "clinic-derived" in (status.norms.reliable_change_basis or "")
    assert status.alert == "red"  # 9 points > 1.96 x sqrt(2) x 6.9 x sqrt(.11) = 6.3


def test_clinic_norms_need_the_stated_minimum_of_episodes() -> None:
    assert clinic_norms("k10", "total", [20, 30] * 10) is None  # 20 < 50
    assert clinic_norms("k10", "total", [20, 30], minimum_episodes=2) is not None
    with pytest.raises(InputError, match="intake_scores"):
        clinic_norms("k10", "total", [20, float("nan")], minimum_episodes=2)
    with pytest.raises(InputError, match="minimum_episodes"):
        clinic_norms("k10", "total", [20, 30], minimum_episodes=1)


def test_only_scales_without_a_published_sd_or_threshold_need_clinic_norms() -> None:
    assert needs_clinic_norms("k10", "total")
    assert not needs_clinic_norms("phq9", "total")
    assert not needs_clinic_norms("core10", "clinical")
    assert not needs_clinic_norms("phq4", "total")  # no reliability: nothing to combine with


def test_clinic_norms_are_not_used_where_published_norms_exist() -> None:
    norms = ClinicNorms(instrument="phq9", scale="total", sd=3.0, n_episodes=80)
    status = assess_episode(series("phq9", 20, 15), clinic_norms=norms)
    assert status.norms.reliable_change == 6
    assert status.norms.clinic_norms is None
    assert any("not used" in note for note in status.notes)


def test_clinic_norms_of_another_scale_are_refused() -> None:
    norms = ClinicNorms(instrument="gad7", scale="total", sd=5.0, n_episodes=80)
    with pytest.raises(InputError, match="clinic_norms"):
        assess_episode(series("k10", 20, 25), clinic_norms=norms)


def test_an_unscorable_intake_is_not_assessable_and_ranks_above_white_and_green() -> None:
    answers = score(load_instrument("phq9"), [None, None, None, None, 1, 1, 1, 1, 0])
    point = SessionPoint(session=1, value=answers.scales["total"].value, flags=answers.flags)
    status = assess_episode(Series(instrument="phq9", scale="total", points=(point,)))
    assert status.alert == "not_assessable"
    assert status.alert_rule == "no_scorable_value"
    assert status.alert_reason
    white = assess_episode(series("phq9", 18, 4))
    green = assess_episode(series("phq9", 17))
    assert alert_rank(green) > alert_rank(status) < alert_rank(white)


def test_an_instrument_without_any_change_norms_is_not_assessable_and_says_why() -> None:
    status = assess_episode(series("phq4", 8, 10))
    assert status.alert == "not_assessable"
    assert status.alert_rule == "no_change_norms"
    assert "no reliable-change norms" in status.alert_reason
    assert alert_rank(status) < alert_rank(assess_episode(series("phq9", 18, 4)))


def test_no_status_at_all_never_sorts_below_white() -> None:
    white = assess_episode(series("phq9", 18, 4))
    assert alert_rank(None) < alert_rank(white)


def test_core10_rci_and_reliable_agree_and_say_which_rule_decided() -> None:
    status = assess_episode(series("core10", 20, 14, scale="clinical"))
    assert status.reliable is True
    assert status.reliable_rule == "published_rci"
    assert status.rci is None
    assert any("-1.74" in note and "not the deciding rule" in note for note in status.notes)


@settings(deadline=None)
@given(
    intake=st.integers(min_value=10, max_value=50), latest=st.integers(min_value=10, max_value=50)
)
def test_a_jacobson_truax_rci_always_agrees_with_reliable(intake: int, latest: int) -> None:
    norms = ClinicNorms(instrument="k10", scale="total", sd=7.0, n_episodes=100)
    status = assess_episode(series("k10", intake, latest), clinic_norms=norms)
    assert status.reliable_rule == "jacobson_truax"
    assert status.rci is not None
    assert (abs(status.rci) > 1.96) == status.reliable


def test_gad7_caseness_convention_is_a_parameter_with_both_sources() -> None:
    published = assess_episode(series("gad7", 14, 9))
    nhs = assess_episode(series("gad7", 14, 9), caseness="nhs_talking_therapies")
    assert published.norms.cutoff == 10
    assert published.alert == "white"
    assert nhs.norms.cutoff == 8
    assert nhs.alert != "white"
    assert nhs.norms.cutoff_convention == "nhs_talking_therapies"
    assert "NHS" in (nhs.norms.cutoff_source or "")
    assert "Spitzer" in (published.norms.cutoff_source or "")


def test_a_convention_an_instrument_lacks_falls_back_to_the_published_cutoff() -> None:
    status = assess_episode(
        series("core10", 20, 14, scale="clinical"), caseness="nhs_talking_therapies"
    )
    assert status.norms.cutoff == 11
    assert status.norms.cutoff_convention == "published"
    assert any("no nhs_talking_therapies caseness cut-off" in note for note in status.notes)


def test_an_unknown_caseness_convention_is_an_input_error() -> None:
    assert "nhs_talking_therapies" in caseness_conventions()
    with pytest.raises(InputError, match="caseness"):
        assess_episode(series("gad7", 14, 9), caseness="iapt_2009")
