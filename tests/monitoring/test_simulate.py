"""The synthetic clinic: seeded, labelled, realistic in shape, every profile dimension."""

from __future__ import annotations

import datetime as dt
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
    assert 0.04 < kinds["deteriorator"] / n < 0.10  # 5-10% (Lambert)
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
