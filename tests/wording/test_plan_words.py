"""A plan is worded over the tailoring core, and the profile's labels take the caller's
language (issue 17: no import loop through tailoring, profile or i18n). Synthetic data only.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from attunement import profile
from attunement.tailoring import Plan
from attunement.wording import (
    field_label,
    field_value_words,
    format_number,
    plan_in,
    render_markdown,
)
from tests.tailoring.vignettes import plan_for

#: PHQ-9 total 8, item 9 not endorsed (synthetic): low distress by an assumed cut-off.
PHQ9_TOTAL_8 = {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]}
ASSUMED_EN = "PHQ-9 total to distress: the cut-offs are an assumption, not a published equivalence."
ASSUMED_ES = (
    "De PHQ-9 total a malestar: los puntos de corte son un supuesto, no una equivalencia publicada."
)


def test_an_assumed_cutoff_keeps_its_scale_and_field_beside_the_english_statement() -> None:
    assumption = next(a for a in plan_for({"distress": PHQ9_TOTAL_8}).assumptions)
    assert (assumption.statement, assumption.scale_name, assumption.field) == (
        ASSUMED_EN,
        "PHQ-9 total",
        "distress",
    )


def test_an_assumed_cutoff_is_said_in_the_readers_language() -> None:
    plan = plan_for({"distress": PHQ9_TOTAL_8})
    shown = next(a for a in plan_in(plan, "es").assumptions if a.id == "phq9.distress")
    assert shown.statement == ASSUMED_ES
    assert f"- {ASSUMED_ES} " in render_markdown(plan_in(plan, "es"), language="es")
    assert f"- {ASSUMED_EN} " in render_markdown(plan)


def test_an_assumption_stored_before_its_scale_and_field_were_kept_reads_as_stored() -> None:
    stored = plan_for({"distress": PHQ9_TOTAL_8}).model_dump(mode="json")
    for assumption in stored["assumptions"]:
        del assumption["scale_name"], assumption["field"]
    old = Plan.model_validate(stored)
    shown = next(a for a in plan_in(old, "es").assumptions if a.id == "phq9.distress")
    assert shown.statement == ASSUMED_EN


def test_the_profile_labels_are_english_unless_the_caller_gives_a_language() -> None:
    assert profile.field_label("stage_of_change") == "Stage of change"
    assert field_label("stage_of_change", "es") == "Estadio de cambio"
    shouting = profile.LabelLanguage(tag="es", say=str.upper)
    assert profile.field_label("stage_of_change", shouting) == "STAGE OF CHANGE"
    assert profile.field_value_words("culture.preferred_language", "en", shouting) == "inglés"
    assert field_value_words("culture.preferred_language", "en", "es") == "inglés"


def test_a_rule_text_reads_a_mean_to_two_decimals_and_a_language_by_its_name() -> None:
    plan = plan_for(
        {
            "attachment": {"anxiety": 4.1666666, "avoidance": 2.0},
            "culture": {"preferred_language": "es-MX"},
        }
    )
    summaries = " ".join(r.summary for r in plan.recommendations)
    assert "Attachment anxiety (mean 4.17)" in summaries
    assert "preferred language (Spanish (Mexico))" in summaries


@given(st.floats(min_value=4.0, max_value=7.0))
def test_a_mean_in_a_rule_text_is_the_number_the_one_formatter_writes(anxiety: float) -> None:
    """An elevated attachment anxiety (4-7 on the ECR-R's 1-7 scale: the rule's assumed
    threshold) reads in the rule text as ``wording.format_number`` writes it."""
    plan = plan_for({"attachment": {"anxiety": anxiety}})
    rule = next(r for r in plan.recommendations if r.rule == "attachment_anxiety_elevated")
    assert f"(mean {format_number(anxiety, 2)})" in rule.summary
