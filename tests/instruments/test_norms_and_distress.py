"""Change norms of PHQ-9, GAD-7, K10 and CORE-10, and distress from their scores.

Reliable change follows Jacobson & Truax (1991): S_diff = SD·√2·√(1 − r_xx),
RC = (x₂ − x₁) / S_diff. The distress levels (low | moderate | high) come from each
definition's published bands through a mapping labelled as an assumption.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from attunement.cli import app
from attunement.instruments import (
    InstrumentChangeNorms,
    InstrumentDefinition,
    load_instrument,
    score,
    to_profile_values,
)
from attunement.monitoring import (
    Series,
    SessionPoint,
    assess_episode,
    reliable_change_index,
    standard_error_of_difference,
)
from attunement.profile import parse_profile

INSTRUMENTS = {"phq9": "total", "gad7": "total", "k10": "total", "core10": "clinical"}


def _norms(instrument: str) -> InstrumentChangeNorms:
    norms = load_instrument(instrument).scale(INSTRUMENTS[instrument]).norms
    assert norms is not None
    return norms


def _hand_s_diff(sd: float, r: float) -> float:
    # Jacobson & Truax (1991): SE = SD·√(1 − r); S_diff = √2·SE.
    return sd * math.sqrt(2) * math.sqrt(1 - r)


# --------------------------------------------------------------------------- the figures


def test_phq9_reliability_is_kroenke_2001_alpha_and_its_rci_stays_the_iapt_six() -> None:
    norms = _norms("phq9")
    assert norms.reliability == 0.89
    assert norms.published_rci == 6
    assert norms.cutoff == 10
    assert "Kroenke" in norms.source
    assert "IAPT" in norms.source


def test_phq9_has_no_sourced_clinical_sd_so_it_gives_none() -> None:
    norms = _norms("phq9")
    assert norms.sd is None
    assert norms.normal_mean is None  # Kocalevent 2013 gives only sex-specific norms
    assert norms.note is not None
    assert "Kocalevent" in norms.note


def test_gad7_figures_are_lowe_2008_and_the_iapt_four() -> None:
    norms = _norms("gad7")
    assert (norms.reliability, norms.published_rci, norms.cutoff) == (0.89, 4, 10)
    assert norms.sd is None
    assert "Löwe" in norms.source
    assert "Med Care" in norms.source


def test_k10_reliability_is_the_treatment_seeking_test_retest_icc() -> None:
    norms = _norms("k10")
    assert norms.reliability == 0.89
    assert norms.sd is None
    assert norms.published_rci is None
    assert "Australian Psychologist" in norms.source


def test_core10_sd_for_the_rc_is_the_counselling_intake_sd_of_barkham_2013() -> None:
    norms = _norms("core10")
    assert norms.sd == norms.clinical_sd == 7.7
    assert norms.reliability == 0.90
    assert "Barkham" in norms.source


@pytest.mark.parametrize("instrument", sorted(INSTRUMENTS))
def test_every_norm_note_states_the_monitoring_policy(instrument: str) -> None:
    norms = _norms(instrument)
    assert norms.source.strip()
    assert norms.note is not None
    assert "prefer_published" in norms.note


# --------------------------------------------------------------------------- reliable change


def test_core10_s_diff_matches_the_hand_computation() -> None:
    # 7.7 · √2 · √(1 − .90) = 3.4435 points
    norms = _norms("core10")
    assert norms.sd is not None
    assert norms.reliability is not None
    s_diff = standard_error_of_difference(norms.sd, norms.reliability)
    assert s_diff == pytest.approx(3.4435, abs=1e-4)
    assert s_diff == pytest.approx(_hand_s_diff(7.7, 0.90))


@given(
    before=st.integers(min_value=0, max_value=40),
    after=st.integers(min_value=0, max_value=40),
)
def test_core10_rc_from_its_norms_equals_the_hand_formula(before: int, after: int) -> None:
    result = reliable_change_index(before, after, _norms("core10"))
    assert result.rc == pytest.approx((after - before) / _hand_s_diff(7.7, 0.90))
    # policy prefer_published: the published RCI of 6 points decides what is reliable
    assert result.bound.method == "published_rci"
    assert result.reliable is (abs(after - before) >= 6)


@pytest.mark.parametrize("instrument", ["phq9", "gad7"])
def test_without_an_sd_the_rc_is_none_and_the_published_threshold_decides(
    instrument: str,
) -> None:
    norms = _norms(instrument)
    result = reliable_change_index(20, 10, norms)
    assert result.rc is None
    assert result.bound.method == "published_rci"
    assert result.bound.points == norms.published_rci


def test_a_core10_status_gives_the_hand_computed_rc_as_a_note_not_as_the_deciding_rci() -> None:
    # issue 11: rci, reliable and the deciding rule must never contradict each other; the
    # published RCI of 6 decides for the CORE-10, so rci is null and the RC is a note
    series = Series(
        instrument="core10",
        scale="clinical",
        points=(SessionPoint(session=1, value=23), SessionPoint(session=2, value=8)),
    )
    status = assess_episode(series)
    assert status.rci is None
    assert status.reliable is True
    assert status.reliable_rule == "published_rci"
    hand = f"{-15 / _hand_s_diff(7.7, 0.90):.2f}"
    assert any(hand in note for note in status.notes)
    assert status.norms.sd == 7.7
    assert status.norms.reliable_change_method == "published_rci"


def test_attune_status_prints_the_deciding_rule_and_the_core10_rc_as_a_note(tmp_path: Path) -> None:
    runner = CliRunner()
    results: dict[str, Any] = {}
    episodes = {
        "core10": [[3, 1, 1, 2, 2, 0, 3, 2, 3, 2], [1, 3, 3, 1, 0, 0, 1, 1, 1, 1]],
        "phq9": [[2, 2, 2, 2, 2, 2, 2, 2, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0]],
    }
    for instrument, administrations in episodes.items():
        sessions = [
            {"session": i, "answers": answers} for i, answers in enumerate(administrations, 1)
        ]
        path = tmp_path / f"{instrument}.yaml"
        path.write_text(
            yaml.safe_dump({"outcome": {"instrument": instrument, "sessions": sessions}})
        )
        outcome = runner.invoke(app, ["status", str(path), "--json", "--etr", "rational"])
        assert outcome.exit_code == 0, outcome.output
        results[instrument] = json.loads(outcome.stdout)
    # CORE-10: clinical score 23 -> 8; the published RCI decides, the RC is a note
    assert results["core10"]["rci"] is None
    assert results["core10"]["reliable_rule"] == "published_rci"
    hand = f"{-15 / _hand_s_diff(7.7, 0.90):.2f}"
    assert any(hand in note for note in results["core10"]["notes"])
    assert results["phq9"]["rci"] is None
    assert results["phq9"]["norms"]["reliability"] == 0.89


# --------------------------------------------------------------------------- distress


def _phq9_answers(total: int) -> list[int]:
    # spread the total over items 1-8, item 9 (risk) stays 0
    answers = [0] * 9
    for i in range(total):
        answers[i % 8] += 1
    return answers


def _k10_answers(total: int) -> list[int]:
    answers = [1] * 10
    for i in range(total - 10):
        answers[i % 10] += 1
    return answers


def _core10_answers(clinical: int) -> list[int]:
    # keyed values 0-4 summing to the clinical score (10 items answered: score = sum);
    # items 2 and 3 are reverse keyed, answer = 4 - keyed; item 6 (risk) stays 0
    keyed = [0] * 10
    slots = [0, 1, 2, 3, 4, 6, 7, 8, 9]
    for i in range(clinical):
        keyed[slots[i % 9]] += 1
    answers = list(keyed)
    for reversed_item in (1, 2):
        answers[reversed_item] = 4 - keyed[reversed_item]
    return answers


def _distress(definition: InstrumentDefinition, answers: list[int | None]) -> Any:
    return to_profile_values(score(definition, answers), definition=definition).get("distress")


@pytest.mark.parametrize(
    ("total", "level"),
    [(0, "low"), (9, "low"), (10, "moderate"), (14, "moderate"), (15, "high"), (24, "high")],
)
def test_phq9_distress_at_the_band_boundaries(total: int, level: str) -> None:
    definition = load_instrument("phq9")
    answers = _phq9_answers(total)
    assert score(definition, answers).scales["total"].value == total
    assert _distress(definition, list(answers)) == level


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (10, "low"),
        (15, "low"),
        (16, "moderate"),
        (21, "moderate"),
        (22, "high"),
        (29, "high"),
        (30, "high"),
        (50, "high"),
    ],
)
def test_k10_distress_at_the_band_boundaries(total: int, level: str) -> None:
    definition = load_instrument("k10")
    answers = _k10_answers(total)
    assert score(definition, answers).scales["total"].value == total
    assert _distress(definition, list(answers)) == level


@pytest.mark.parametrize(
    ("clinical", "level"),
    [
        (0, "low"),
        (10, "low"),
        (11, "moderate"),
        (19, "moderate"),
        (20, "high"),
        (25, "high"),
        (36, "high"),
    ],
)
def test_core10_distress_at_the_band_boundaries(clinical: int, level: str) -> None:
    definition = load_instrument("core10")
    answers = _core10_answers(clinical)
    assert score(definition, answers).scales["clinical"].value == clinical
    assert _distress(definition, list(answers)) == level


def test_a_prorated_phq9_just_over_the_cut_off_is_moderate() -> None:
    # eight answers summing to 9, item 8 missing: 9 x 9 / 8 = 10.125, rounded to 10
    answers: list[int | None] = [2, 1, 1, 1, 1, 1, 1, None, 1]
    definition = load_instrument("phq9")
    assert score(definition, answers).scales["total"].value == 10
    assert _distress(definition, answers) == "moderate"


def test_an_unscorable_administration_gives_no_distress() -> None:
    definition = load_instrument("k10")
    assert _distress(definition, [None, None, 3, 3, 3, 3, 3, 3, 3, 3]) is None


@pytest.mark.parametrize("instrument", ["phq9", "k10", "core10"])
def test_each_distress_mapping_is_labelled_an_assumption_over_cited_bands(
    instrument: str,
) -> None:
    profile = load_instrument(instrument).profile
    assert profile is not None
    (output,) = [o for o in profile.outputs if o.key == "distress"]
    assert output.rule == "levels"
    assert [b.label for b in output.levels] == ["low", "moderate", "high"]
    assert output.source
    assert output.assumption
    assert "Attunement" in output.assumption


@pytest.mark.parametrize(
    ("instrument", "answers", "level"),
    [
        ("phq9", [2, 2, 2, 2, 2, 1, 1, 1, 0], "moderate"),
        ("k10", [3] * 10, "high"),
        ("core10", [1, 3, 3, 1, 1, 0, 1, 1, 1, 1], "low"),
    ],
)
def test_distress_may_be_given_as_an_administration_in_a_profile(
    instrument: str, answers: list[int], level: str
) -> None:
    profile = parse_profile({"distress": {"instrument": instrument, "answers": answers}})
    assert profile.distress is not None
    assert profile.distress.value == level
    assert profile.distress.provenance.instrument == instrument
    assert profile.flags == ()


def test_phq9_item9_flag_surfaces_when_phq9_gives_the_distress_level() -> None:
    profile = parse_profile(
        {"distress": {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 1]}}
    )
    assert profile.distress is not None
    assert profile.distress.value == "low"
    (flag,) = profile.flags
    assert (flag.id, flag.severity, flag.item) == ("phq9_item9_risk", "critical", "phq9_9")
    assert flag.dimension == "distress"


def test_an_unanswered_phq9_item9_is_flagged_when_phq9_gives_the_distress_level() -> None:
    profile = parse_profile(
        {"distress": {"instrument": "phq9", "answers": [2, 2, 2, 2, 2, 2, 2, 2, None]}}
    )
    assert profile.distress is not None
    assert profile.distress.value == "high"
    assert [f.id for f in profile.flags] == ["phq9_item9_risk_unanswered"]


def test_core10_item6_flag_surfaces_when_core10_gives_the_distress_level() -> None:
    profile = parse_profile(
        {"distress": {"instrument": "core10", "answers": [1, 3, 3, 1, 1, 2, 1, 1, 1, 1]}}
    )
    assert [(f.id, f.severity) for f in profile.flags] == [("core10_item6_risk", "critical")]
