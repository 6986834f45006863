"""Alliance monitoring: threshold, drop, markers, repair options (Safran & Muran)."""

from __future__ import annotations

import pytest

from attunement.errors import InvalidEpisode
from attunement.monitoring import Series, SessionPoint, assess_alliance


def wai(*values: float | None) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="wai_sr", scale="total", points=points)


def test_wai_sr_threshold_and_drop_are_stated_assumptions_not_norms() -> None:
    status = assess_alliance(wai(4.0, 3.3), session=2)
    assert status is not None
    assert status.threshold == 3.0
    assert status.threshold_basis is not None
    assert status.threshold_basis.startswith("assumption: No published WAI-SR cut-off")
    assert status.drop_basis is not None
    assert status.drop_basis.startswith("assumption:")


def test_steady_good_alliance_is_ok_without_repairs() -> None:
    status = assess_alliance(wai(4.1, 4.2, 4.2), session=3)
    assert status is not None
    assert status.state == "ok"
    assert status.alerts == ()
    assert status.repair_options == ()


def test_wai_sr_below_threshold_is_a_rupture() -> None:
    status = assess_alliance(wai(2.9), session=1)
    assert status is not None
    assert status.state == "rupture"
    assert [a.kind for a in status.alerts] == ["threshold"]
    assert status.alerts[0].basis.startswith("assumption:")


def test_wai_sr_at_threshold_is_not_below_it() -> None:
    status = assess_alliance(wai(3.0), session=1)
    assert status is not None
    assert status.state == "ok"


def test_drop_beyond_bound_from_previous_session_is_a_rupture_even_when_high() -> None:
    status = assess_alliance(wai(4.8, 4.2), session=2)
    assert status is not None
    assert status.state == "rupture"
    assert [a.kind for a in status.alerts] == ["drop"]
    assert status.change == pytest.approx(-0.6)
    assert status.drop_bound == 0.5


def test_a_fall_beyond_the_noise_floor_puts_the_alliance_at_risk_as_pcoms_does() -> None:
    status = assess_alliance(wai(4.5, 4.1), session=2)
    assert status is not None
    assert status.state == "at_risk"
    assert "openfit" in status.alerts[0].basis.lower()
    assert "noise floor" in status.alerts[0].basis


def test_a_fall_smaller_than_measurement_error_raises_nothing() -> None:
    status = assess_alliance(wai(4.6, 4.3), session=2)
    assert status is not None
    assert status.state == "ok"
    assert status.alerts == ()
    assert status.repair_options == ()
    assert status.noise_floor == pytest.approx(0.33)
    assert (status.noise_basis or "").startswith("assumption:")


def test_alliance_cumulative_fall_is_a_rupture() -> None:
    values = (4.6, 4.3, 4.0, 3.7, 3.4, 3.1)
    states = [assess_alliance(wai(*values[:n]), session=n) for n in range(1, 7)]
    assert [s.state for s in states if s is not None] == [
        "ok",
        "ok",
        "rupture",
        "rupture",
        "rupture",
        "rupture",
    ]
    last = states[-1]
    assert last is not None
    assert [a.kind for a in last.alerts] == ["cumulative"]
    assert last.best == 4.6
    assert last.fall_from_best == pytest.approx(1.5)
    assert last.repair_options


def test_a_recovered_alliance_is_judged_against_its_best_level() -> None:
    status = assess_alliance(wai(3.6, 4.4, 4.0, 3.8), session=4)
    assert status is not None
    assert status.state == "rupture"  # 0.6 below its best 4.4, although 0.2 above its start
    assert status.alerts[0].kind == "cumulative"


def test_rupture_comes_with_immediate_and_exploratory_repairs() -> None:
    status = assess_alliance(wai(4.0, 3.2), session=2)
    assert status is not None
    kinds = {r.kind for r in status.repair_options}
    assert kinds == {"immediate", "exploratory"}
    assert all(r.marker is None for r in status.repair_options)
    assert status.repair_source
    assert "Safran" in status.repair_source


def test_withdrawal_marker_brings_the_withdrawal_progression_not_the_confrontation_one() -> None:
    status = assess_alliance(wai(4.0, 4.0), session=2, rupture_markers={2: ["deferring"]})
    assert status is not None
    assert status.state == "rupture"
    assert status.markers[0].kind == "withdrawal"
    specific = {r.marker for r in status.repair_options if r.marker}
    assert specific == {"withdrawal"}


def test_confrontation_marker_brings_the_confrontation_progression() -> None:
    status = assess_alliance(None, session=3, rupture_markers={3: ["criticism"]})
    assert status is not None
    assert status.state == "rupture"
    assert {r.marker for r in status.repair_options if r.marker} == {"confrontation"}


def test_markers_of_an_earlier_session_do_not_rupture_the_current_one() -> None:
    status = assess_alliance(wai(4.0, 4.0, 4.0), session=3, rupture_markers={2: ["hostility"]})
    assert status is not None
    assert status.state == "ok"


def test_unknown_marker_names_the_session() -> None:
    with pytest.raises(InvalidEpisode, match=r"session 2\.rupture_markers"):
        assess_alliance(wai(4.0, 4.0), session=2, rupture_markers={2: ["sulking"]})


def test_no_alliance_measure_and_no_marker_gives_no_alliance_status() -> None:
    assert assess_alliance(None, session=4) is None


def test_uses_the_latest_alliance_measure_at_or_before_the_session() -> None:
    status = assess_alliance(wai(4.0, 2.5, 4.0), session=2)
    assert status is not None
    assert status.session == 2
    assert status.value == 2.5
    later = assess_alliance(wai(4.0, 4.0), session=5)
    assert later is not None
    assert later.session == 2
    assert any("session 2" in note for note in later.notes)
