"""The brief: plain words, every recommendation with its evidence and its reasons."""

from __future__ import annotations

import re
from typing import Any

import pytest

from attunement import instruments
from attunement.wording import render_markdown, render_text
from tests.tailoring.vignettes import MIXED, plan_for


@pytest.fixture(scope="module")
def brief() -> str:
    return render_markdown(plan_for(MIXED["reactant_preparer"]))


def test_the_brief_opens_with_the_disclaimer_that_these_are_options(brief: str) -> None:
    assert brief.startswith("# Tailoring brief")
    assert "options for clinical judgement" in brief.split("##", maxsplit=1)[0]


def test_the_settings_are_explained_in_plain_words(brief: str) -> None:
    assert "**Directiveness: low**" in brief
    assert "How much the therapist leads" in brief
    assert "**Therapist stance: experienced coach**" in brief
    assert "game plan" in brief
    assert "Self-liberation - choosing to change" in brief


def test_every_recommendation_appears_with_its_evidence_line(brief: str) -> None:
    result = plan_for(MIXED["reactant_preparer"])
    for recommendation in (*result.foundations, *result.recommendations):
        assert recommendation.summary in brief
    evidence_lines = [line for line in brief.splitlines() if line.strip().startswith("- Evidence:")]
    assert len(evidence_lines) == len(result.foundations) + len(result.recommendations) + len(
        result.conflicts
    )


def test_evidence_lines_give_effect_k_n_and_authors(brief: str) -> None:
    assert "Beutler, Edwards & Someah (2018, 3rd ed.): d = 0.79, k = 13, N = 1,208" in brief
    assert "Empathy — Elliott et al. (2018, 3rd ed.): r = .28, 95% CI [.23, .33]" in brief


def test_the_patient_facts_and_their_provenance_are_shown(brief: str) -> None:
    assert "Because: reactance = high (clinician rating, 2024-05-02)" in brief


def test_conflicts_show_the_options_the_choice_and_the_reason(brief: str) -> None:
    section = brief.split("## Conflicts and how they were resolved")[1]
    assert "Reactance -> low" in section
    assert "Stage of change -> high" in section
    assert "chosen: low" in section
    assert "Why:" in section


def test_what_is_not_assessed_says_how_to_assess_it(brief: str) -> None:
    section = brief.split("## Not yet assessed - how to find out")[1]
    assert "Preferences" in section
    assert "C-NIP" in section  # the instrument by its name, never its id
    assert "Attachment" in section
    assert "ECR-R" in section


def test_the_legend_explains_the_statistics(brief: str) -> None:
    assert "k = number of studies, N = number of patients" in brief


def test_summary_only_figures_are_marked_as_such() -> None:
    result = plan_for(
        {"preferences": [{"aspect": "therapist_gender", "value": "male", "strength": "mild"}]}
    )
    assert "second-hand only, not found in a primary source" in render_markdown(result)


def test_a_risk_recommendation_is_repeated_under_watch_for() -> None:
    text = render_markdown(plan_for(MIXED["anxious_externalizer"]))
    watch = text.split("## Watch for")[1].split("##")[0]
    assert "attachment anxiety" in watch.lower()


def test_instrument_flags_are_printed_before_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    original = instruments.to_profile_values

    def with_distress(score: Any, **kwargs: Any) -> dict[str, Any]:
        values = original(score, **kwargs)
        if score.instrument == "phq9":
            values["distress"] = "high"
        return values

    monkeypatch.setattr(instruments, "to_profile_values", with_distress)
    result = plan_for({"distress": {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 3]}})
    text = render_markdown(result)
    assert result.flags
    assert result.flags[0].severity == "critical"
    assert text.index("## Flags - read first") < text.index("## How to work with this patient")
    assert "CRITICAL" in text


def test_the_text_form_has_no_markup_and_fits_a_terminal() -> None:
    text = render_text(plan_for(MIXED["culturally_rooted_believer"]))
    assert "**" not in text
    assert "## " not in text
    assert "HOW TO WORK WITH THIS PATIENT" in text
    long_lines = [line for line in text.splitlines() if len(line) > 88 and " " in line.strip()]
    assert long_lines == []


def test_no_unfilled_placeholder_reaches_the_brief() -> None:
    for data in MIXED.values():
        text = render_markdown(plan_for(data))
        assert re.search(r"\{[a-z_.]+\}", text) is None
