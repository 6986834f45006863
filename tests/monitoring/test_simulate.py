"""The synthetic clinic: seeded, labelled, realistic in shape, every profile dimension."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter

import numpy as np
import pytest

from attunement.monitoring import assess_episode
from attunement.profile import DIMENSIONS, parse_profile
from attunement.simulate import (
    ASSUMPTIONS,
    SYNTHETIC_LABEL,
    SyntheticClinic,
    episode_series,
    simulate_clinic,
    true_outcome,
)

START = dt.date(2024, 1, 8)


@pytest.fixture(scope="module")
def clinic() -> SyntheticClinic:
    return simulate_clinic(seed=11, n_patients=1500, start=START)


def test_same_seed_same_clinic_other_seed_other_clinic() -> None:
    one = simulate_clinic(seed=3, n_patients=20, start=START)
    assert one == simulate_clinic(seed=3, n_patients=20, start=START)
    assert one != simulate_clinic(seed=4, n_patients=20, start=START)


def test_everything_is_labelled_synthetic(clinic: SyntheticClinic) -> None:
    assert clinic.label == SYNTHETIC_LABEL
    assert "SYNTHETIC" in SYNTHETIC_LABEL
    assert all("(synthetic)" in p.display_name for p in clinic.patients)
    assert all(p.key.startswith("SYN-") for p in clinic.patients)


def test_every_parameter_has_a_source_or_says_assumption() -> None:
    for name, (_, basis) in ASSUMPTIONS.items():
        cited = re.search(r"\b(19|20)\d\d\b", basis) is not None
        assert basis.startswith("assumption") or cited, name


def test_every_patient_has_a_valid_value_on_every_profile_dimension(
    clinic: SyntheticClinic,
) -> None:
    for patient in clinic.patients[:300]:
        profile = parse_profile(patient.profile)
        assert all(profile.is_assessed(d) for d in DIMENSIONS), patient.key


def test_shares_of_trajectories_dropout_and_item9_are_near_their_sources(
    clinic: SyntheticClinic,
) -> None:
    n = len(clinic.patients)
    kinds = Counter(p.episode.trajectory for p in clinic.patients)
    assert set(kinds) == {
        "responder",
        "slow_responder",
        "non_responder",
        "deteriorator",
        "late_deteriorator",
    }
    outcomes = Counter(p.episode.outcome for p in clinic.patients)
    assert 0.04 < outcomes["deteriorated"] / n < 0.10  # 5-10% end deteriorated (Lambert)
    assert 0.15 < kinds["non_responder"] / n < 0.35
    dropout = np.mean([p.episode.dropped_out for p in clinic.patients])
    assert 0.15 < dropout < 0.26  # 19.7% (Swift & Greenberg 2012)
    item9 = np.mean([p.episode.sessions[0].phq9_answers[8] > 0 for p in clinic.patients])
    assert 0.3 < item9 < 0.5  # 40% at baseline


def test_about_half_reliably_improve_by_session_8(clinic: SyntheticClinic) -> None:
    improved = []
    for patient in clinic.patients:
        totals = {s.number: sum(s.phq9_answers) for s in patient.episode.sessions}
        if 1 in totals and 8 in totals:
            improved.append(totals[1] - totals[8] >= 6)
    assert 0.4 < np.mean(improved) < 0.6


def test_intake_severity_matches_the_cited_distribution(clinic: SyntheticClinic) -> None:
    intakes = [sum(p.episode.sessions[0].phq9_answers) for p in clinic.patients]
    assert 15 < np.mean(intakes) < 17.5
    assert 3.5 < np.std(intakes) < 6


def test_alliance_moves_with_outcome(clinic: SyntheticClinic) -> None:
    gains, alliance = [], []
    for patient in clinic.patients:
        sessions = patient.episode.sessions
        if len(sessions) >= 6:
            gains.append(sum(sessions[0].phq9_answers) - sum(sessions[-1].phq9_answers))
            alliance.append(
                np.mean(sessions[-1].wai_sr_answers) - np.mean(sessions[0].wai_sr_answers)
            )
    assert np.corrcoef(gains, alliance)[0, 1] > 0.2


def test_ground_truth_is_the_true_final_outcome_not_the_observed_scores(
    clinic: SyntheticClinic,
) -> None:
    for patient in clinic.patients[:400]:
        episode = patient.episode
        assert len(episode.true_scores) == len(episode.sessions)
        assert episode.outcome == true_outcome(episode.true_scores[0], episode.true_scores[-1])
    assert true_outcome(16, 21) == "deteriorated"  # >= 5 worse (Löwe et al. 2004)
    assert true_outcome(16, 8) == "responder"  # >= 50% lower
    assert true_outcome(16, 13) == "non_responder"  # < 25% lower
    assert true_outcome(16, 10) == "partial_responder"


def test_observed_scores_carry_noise_with_the_published_sem(clinic: SyntheticClinic) -> None:
    errors = [
        sum(s.phq9_answers) - true
        for p in clinic.patients
        for s, true in zip(p.episode.sessions, p.episode.true_scores, strict=True)
        if 4 <= true <= 23  # away from the floor and ceiling of the scale
    ]
    assert abs(float(np.mean(errors))) < 0.1
    assert 2.3 < float(np.std(errors)) < 2.7  # SEM 2.5 (Löwe et al. 2004), plus rounding
    assert ASSUMPTIONS["measurement_sem"][0] == 2.5


def test_some_responders_worsen_for_a_while_and_some_deteriorate_late(
    clinic: SyntheticClinic,
) -> None:
    def worsened_then_responded(truths: tuple[float, ...]) -> bool:
        rises = any(b - a >= 3 for a, b in itertools.pairwise(truths))
        return rises and truths[-1] <= truths[0] * 0.5

    responders = [p.episode for p in clinic.patients if p.episode.outcome == "responder"]
    share = np.mean([worsened_then_responded(e.true_scores) for e in responders])
    assert 0.05 < share < 0.35  # sudden losses later compensated (Odyniec et al. 2019)
    late = [
        p.episode
        for p in clinic.patients
        if p.episode.trajectory == "late_deteriorator" and p.episode.outcome == "deteriorated"
    ]
    assert late
    assert all(min(e.true_scores[:5]) < e.true_scores[0] for e in late)  # improved first


def test_episode_lengths_are_uneven(clinic: SyntheticClinic) -> None:
    planned = [p.episode.planned_sessions for p in clinic.patients]
    assert min(planned) <= 4
    assert max(planned) >= 20


def test_episode_series_scores_answers_and_marks_missed_sessions(clinic: SyntheticClinic) -> None:
    patient = next(p for p in clinic.patients if p.episode.missed_sessions)
    outcome, alliance = episode_series(patient.episode)
    missed = {p.session for p in outcome.points if not p.attended}
    assert missed == set(patient.episode.missed_sessions)
    assert all(p.value is not None for p in outcome.points if p.attended)
    assert all(1 <= (p.value or 0) <= 5 for p in alliance.points)
    status = assess_episode(outcome, alliance=alliance, profile=parse_profile(patient.profile))
    assert any(r.indicator == "missed_sessions" for r in status.dropout_risks)


def test_item9_answers_raise_flags_in_the_series(clinic: SyntheticClinic) -> None:
    patient = next(p for p in clinic.patients if p.episode.sessions[0].phq9_answers[8] > 0)
    outcome, _ = episode_series(patient.episode)
    assert outcome.points[0].flags
