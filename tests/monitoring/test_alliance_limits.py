"""Rupture alerts respect the WAI-SR's measurement error (issue 16).

With the clinic's own SD of first alliance measures (clinic-derived) and the published
reliability (alpha > .80, Munder et al. 2010, taken as .80), the drop bound is the
Jacobson & Truax reliable-change bound 1.96 x sqrt(2) x SD x sqrt(1 - r) and the noise floor
one S_diff; below the minimum of episodes the stated assumptions are used, and said.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.errors import InputError
from attunement.monitoring import (
    ClinicNorms,
    Series,
    SessionPoint,
    assess_alliance,
    assess_episode,
    clinic_norms,
)

SD = 0.6
#: 1.96 x sqrt(2) x 0.6 x sqrt(1 - .80), worked by hand
BOUND = 1.96 * math.sqrt(2) * SD * math.sqrt(0.2)


def wai(*values: float | None) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="wai_sr", scale="total", points=points)


def clinic(sd: float = SD, n: int = 60) -> ClinicNorms:
    return ClinicNorms(instrument="wai_sr", scale="total", sd=sd, n_episodes=n)


def test_clinic_sd_with_the_published_reliability_gives_the_reliable_change_bound() -> None:
    status = assess_alliance(wai(4.6, 4.6), session=2, clinic_norms=clinic())
    assert status is not None
    assert BOUND == pytest.approx(0.744, abs=5e-4)
    assert status.drop_bound == pytest.approx(BOUND)
    assert status.noise_floor == pytest.approx(BOUND / 1.96)
    assert status.noise_floor == pytest.approx(0.379, abs=5e-4)
    assert status.limits_origin == "clinic-derived"
    assert status.reliability == pytest.approx(0.80)
    assert status.clinic_norms == clinic()
    basis = status.drop_basis or ""
    assert basis.startswith("clinic-derived SD with the published reliability")
    assert "Munder" in basis
    assert "60 episodes" in basis
    assert (status.noise_basis or "").startswith("one S_diff (clinic-derived SD")


def test_with_clinic_derived_limits_a_fall_from_4_6_to_4_3_is_noise() -> None:
    status = assess_alliance(wai(4.6, 4.3), session=2, clinic_norms=clinic())
    assert status is not None
    assert status.state == "ok"
    assert status.alerts == ()


def test_with_clinic_derived_limits_a_fall_from_4_6_to_3_8_is_a_rupture() -> None:
    status = assess_alliance(wai(4.6, 3.8), session=2, clinic_norms=clinic())
    assert status is not None
    assert status.state == "rupture"
    assert [a.kind for a in status.alerts] == ["drop"]
    assert status.alerts[0].basis.startswith("clinic-derived SD with the published reliability")
    assert "the drop bound is 0.744" in status.alerts[0].message


def test_with_clinic_derived_limits_a_fall_beyond_one_s_diff_puts_the_alliance_at_risk() -> None:
    status = assess_alliance(wai(4.6, 4.2), session=2, clinic_norms=clinic())
    assert status is not None
    assert status.state == "at_risk"
    assert "one S_diff (clinic-derived SD" in status.alerts[0].basis


def test_below_the_minimum_of_episodes_the_stated_assumptions_are_used_and_said() -> None:
    scores = [3.0 + (i % 10) / 5 for i in range(49)]
    assert clinic_norms("wai_sr", "total", scores) is None  # 49 < 50 episodes
    status = assess_alliance(wai(4.6, 4.0), session=2, clinic_norms=None)
    assert status is not None
    assert status.limits_origin == "assumption"
    assert status.clinic_norms is None
    assert status.drop_bound == 0.5
    assert status.noise_floor == pytest.approx(0.33)
    assert (status.drop_basis or "").startswith("assumption:")
    assert status.state == "rupture"  # 0.6 >= the assumed 0.5 ...
    derived = assess_alliance(wai(4.6, 4.0), session=2, clinic_norms=clinic())
    assert derived is not None
    assert derived.state == "at_risk"  # ... but within the clinic-derived 0.744


def test_fifty_first_alliance_scores_give_clinic_derived_limits() -> None:
    scores = [3.0 + (i % 10) / 5 for i in range(50)]
    norms = clinic_norms("wai_sr", "total", scores)
    assert norms is not None
    status = assess_alliance(wai(4.6, 4.6), session=2, clinic_norms=norms)
    assert status is not None
    assert status.limits_origin == "clinic-derived"
    assert status.drop_bound == pytest.approx(1.96 * math.sqrt(2) * norms.sd * math.sqrt(0.2))


def test_the_threshold_stays_the_stated_assumption_with_clinic_derived_limits() -> None:
    status = assess_alliance(wai(2.9), session=1, clinic_norms=clinic())
    assert status is not None
    assert status.threshold == 3.0
    assert status.state == "rupture"
    assert [a.kind for a in status.alerts] == ["threshold"]


def test_clinic_norms_of_another_scale_are_refused_naming_the_field() -> None:
    other = ClinicNorms(instrument="wai_sr", scale="bond", sd=SD, n_episodes=60)
    with pytest.raises(InputError, match="clinic_norms"):
        assess_alliance(wai(4.6, 4.3), session=2, clinic_norms=other)


def test_the_episode_status_passes_the_alliance_norms_to_the_alliance() -> None:
    outcome = Series(
        instrument="phq9",
        scale="total",
        points=(SessionPoint(session=1, value=15.0), SessionPoint(session=2, value=14.0)),
    )
    status = assess_episode(outcome, alliance=wai(4.6, 4.0), alliance_norms=clinic())
    assert status.alliance is not None
    assert status.alliance.limits_origin == "clinic-derived"
    assert status.alliance.state == "at_risk"
    assumed = assess_episode(outcome, alliance=wai(4.6, 4.0))
    assert assumed.alliance is not None
    assert assumed.alliance.limits_origin == "assumption"
    assert assumed.alliance.state == "rupture"


_SEVERITY = {"ok": 0, "at_risk": 1, "rupture": 2}
_values = st.floats(min_value=3.0, max_value=5.0, allow_nan=False)
_sds = st.floats(min_value=0.05, max_value=2.0, allow_nan=False)


@given(_values, _values, _sds, _sds)
def test_a_larger_clinic_sd_never_makes_an_alert_more_severe(
    before: float, after: float, sd_a: float, sd_b: float
) -> None:
    small, large = sorted((sd_a, sd_b))
    narrow = assess_alliance(wai(before, after), session=2, clinic_norms=clinic(small))
    wide = assess_alliance(wai(before, after), session=2, clinic_norms=clinic(large))
    assert narrow is not None
    assert wide is not None
    assert (wide.drop_bound or 0) >= (narrow.drop_bound or 0)
    assert (wide.noise_floor or 0) >= (narrow.noise_floor or 0)
    assert _SEVERITY[wide.state] <= _SEVERITY[narrow.state]
