"""The alert evaluation on a synthetic clinic: ground truth never comes from the alert."""

from __future__ import annotations

import datetime as dt

from attunement.simulate import simulate_clinic
from attunement.simulate.evaluation import (
    AlertHistory,
    Rate,
    alert_histories,
    flagged,
    rate,
    training_table,
)


def history(outcome: str, *levels: str, course: str = "responder") -> AlertHistory:
    return AlertHistory(key="k", course=course, outcome=outcome, levels=levels)  # type: ignore[arg-type]


def test_by_session_k_counts_only_episodes_that_went_on_after_k() -> None:
    histories = [
        history("deteriorated", "green", "green", "yellow", "red", "red"),
        history("deteriorated", "green", "green", "green", "green", "red"),
        history("deteriorated", "green", "yellow", "red"),  # ended at 3: not evaluable by 4
    ]
    assert rate(histories, outcome="deteriorated", by=4) == Rate(1, 2)
    assert rate(histories, outcome="deteriorated", by=None) == Rate(3, 3)
    assert rate(histories, outcome="deteriorated", by=4, levels=("red",)) == Rate(1, 2)
    assert str(Rate(0, 0)).strip() == "—"


def test_flagged_looks_at_the_first_k_sessions_only() -> None:
    h = history("responder", "green", "green", "yellow")
    assert not flagged(h, 2)
    assert flagged(h, 3)
    assert flagged(h, None)


def test_histories_carry_the_true_outcome_and_the_alerts_per_attended_session() -> None:
    clinic = simulate_clinic(seed=3, n_patients=30, start=dt.date(2024, 1, 1))
    histories = alert_histories(clinic)
    by_key = {p.key: p.episode for p in clinic.patients}
    for h in histories:
        episode = by_key[h.key]
        assert h.outcome == episode.outcome
        assert len(h.levels) == len(episode.sessions)
        assert h.levels[0] in ("green", "white", "not_assessable")


def test_the_training_table_numbers_sessions_by_dose() -> None:
    clinic = simulate_clinic(seed=3, n_patients=40, start=dt.date(2024, 1, 1))
    table = training_table(clinic)
    longest = max(len(p.episode.sessions) for p in clinic.patients)
    assert table.session.max() == longest  # doses 1..n, missed appointments not counted
    assert table.session.min() == 1
