"""assess_episode: the Status of an episode — risk flags, norms, ranks, edge cases."""

from __future__ import annotations

from attunement.instruments import load_instrument, score
from attunement.monitoring import (
    Series,
    SessionPoint,
    Status,
    alert_rank,
    assess_each_session,
    assess_episode,
)

NO_RISK = (2, 2, 2, 2, 2, 2, 2, 2, 0)


def phq9_answers(*administrations: tuple[int | None, ...]) -> Series:
    definition = load_instrument("phq9")
    points = []
    for session, answers in enumerate(administrations, start=1):
        result = score(definition, answers)
        points.append(
            SessionPoint(session=session, value=result.scales["total"].value, flags=result.flags)
        )
    return Series(instrument="phq9", scale="total", points=tuple(points))


def phq9(*values: float | None) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def test_phq9_item9_above_zero_raises_a_critical_flag_at_every_session_it_appears() -> None:
    series = phq9_answers(
        NO_RISK,
        (2, 2, 2, 2, 2, 2, 2, 2, 1),
        NO_RISK,
        (1, 1, 0, 0, 1, 0, 0, 0, 2),
    )
    statuses = assess_each_session(series)
    flagged = [s.session for s in statuses if any(f.severity == "critical" for f in s.flags)]
    assert flagged == [2, 4]
    assert all(f.item == "phq9_9" for f in statuses[1].flags)
    assert [alert_rank(s) for s in statuses][1] == 0
    assert [alert_rank(s) for s in statuses][3] == 0


def test_risk_flag_surfaces_even_in_the_healthy_range() -> None:
    series = phq9_answers((3, 3, 3, 2, 2, 2, 1, 1, 0), (0, 0, 1, 0, 1, 0, 0, 0, 1))
    status = assess_episode(series)
    assert status.alert == "white"
    assert [f.id for f in status.flags] == ["phq9_item9_risk"]
    assert alert_rank(status) == 0


def test_risk_flag_surfaces_when_the_total_cannot_be_scored() -> None:
    series = phq9_answers(NO_RISK, (None, None, None, 1, 1, 1, 1, 1, 2))
    status = assess_episode(series)
    assert status.flags
    assert status.flags[0].severity == "critical"
    assert status.latest_session == 1
    assert any("could not be scored" in note for note in status.notes)


def test_no_scorable_value_at_all_still_reports_flags_and_says_not_assessable() -> None:
    series = phq9_answers((None, None, None, None, 1, 1, 1, 1, 3))
    status = assess_episode(series)
    assert status.alert == "not_assessable"
    assert status.alert_rule == "no_scorable_value"
    assert status.category is None
    assert status.flags
    assert alert_rank(status) == 0


def test_alert_rank_orders_risk_then_red_yellow_green_white() -> None:
    ranked = sorted(
        [
            assess_episode(phq9(18, 4)),  # white
            assess_episode(phq9(22, 18, 16, 14, 13, 12)),  # green
            assess_episode(phq9(*([18.0] * 12))),  # yellow
            assess_episode(phq9(14, 21, 21)),  # red
            assess_episode(phq9_answers(NO_RISK, (0, 0, 0, 0, 0, 0, 0, 0, 1))),  # risk
        ],
        key=alert_rank,
    )
    assert [bool(s.flags) for s in ranked] == [True, False, False, False, False]
    assert [s.alert for s in ranked[1:]] == ["red", "yellow", "green", "white"]


def test_status_names_the_norms_and_their_source() -> None:
    status = assess_episode(phq9(20, 12))
    assert status.norms.published_rci == 6
    assert status.norms.cutoff == 10
    assert status.norms.reliable_change == 6
    assert "IAPT" in status.norms.source


def test_change_and_category_for_reliable_improvement_above_the_cut_off() -> None:
    status = assess_episode(phq9(22, 19, 15))
    assert status.change == -7
    assert status.reliable is True
    assert status.category == "improved"


def test_phq9_has_no_sd_so_no_rc_and_the_status_says_so() -> None:
    status = assess_episode(phq9(22, 15))
    assert status.rci is None
    assert status.norms.sd is None
    assert status.norms.reliable_change_method == "published_rci"
    assert any("published threshold of 6 points" in note for note in status.notes)


def test_response_and_remission_follow_the_phq9_rules() -> None:
    assert assess_episode(phq9(20, 10)).response is True
    assert assess_episode(phq9(20, 11)).response is False
    assert assess_episode(phq9(20, 4)).remission is True
    assert assess_episode(phq9(20, 5)).remission is False


def test_intake_alone_is_on_track_and_unchanged() -> None:
    status = assess_episode(phq9(17))
    assert status.session == 1
    assert status.alert == "green"
    assert status.alert_rule == "intake"
    assert status.category == "unchanged"
    assert status.support_prompts == ()


def test_missed_sessions_do_not_move_the_assessed_session_but_count_as_dropout_risk() -> None:
    points = (
        SessionPoint(session=1, value=18),
        SessionPoint(session=2, value=16),
        SessionPoint(session=3, attended=False),
    )
    status = assess_episode(Series(instrument="phq9", scale="total", points=points))
    assert status.session == 2
    assert [r.indicator for r in status.dropout_risks] == ["missed_sessions"]


def test_status_json_has_the_documented_fields() -> None:
    data = assess_episode(phq9(20, 18, 17)).model_dump(mode="json")
    for key in ("change", "rci", "category", "alert", "flags", "support_prompts", "norms"):
        assert key in data
    assert set(data["expected"]) >= {"value", "low", "high", "method"}
    assert set(data["norms"]) >= {"sd", "reliability", "source"}
    assert data["category"] in ("recovered", "improved", "unchanged", "deteriorated")
    assert data["alert"] in ("white", "green", "yellow", "red", "not_assessable")
    Status.model_validate(data)


def test_assess_each_session_gives_one_status_per_attended_session() -> None:
    statuses = assess_each_session(phq9(20, 18, 17, 15))
    assert [s.session for s in statuses] == [1, 2, 3, 4]
    assert statuses[-1] == assess_episode(phq9(20, 18, 17, 15))


def test_expected_bands_are_labelled_with_the_sessions_they_describe() -> None:
    points = (
        SessionPoint(session=1, value=None),
        SessionPoint(session=2, value=20),
        SessionPoint(session=3, value=18),
    )
    status = assess_episode(Series(instrument="phq9", scale="total", points=points))
    assert [band.session for band in status.trajectory] == [2, 3]
    assert status.intake_session == 2
    assert status.trajectory[0].value == 20  # the baseline expects itself
