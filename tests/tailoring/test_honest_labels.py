"""A level that rests on an assumed cut-off is shown as such in the plan and the brief.

The PHQ-9 → distress mapping is labelled an assumption in phq9.yaml
(``profile.outputs[].assumption``); it must never print as a plain fact ("distress = low").
Synthetic patients only.
"""

from __future__ import annotations

from typing import Any

from attunement.instruments import load_instrument
from attunement.tailoring import Plan
from attunement.wording import describe_fact, render_markdown
from tests.tailoring.vignettes import plan_for

PHQ9_TOTAL_8 = {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]}


def _assumption(instrument: str, key: str) -> str:
    profile = load_instrument(instrument).profile
    assert profile is not None
    (output,) = [o for o in profile.outputs if o.key == key]
    assert output.assumption is not None
    return output.assumption


def _distress_fact(result: Plan) -> Any:
    (recommendation,) = [r for r in result.recommendations if r.dimension == "distress"]
    return recommendation.because[0]


def test_a_distress_level_from_the_phq9_carries_its_assumed_cut_off() -> None:
    fact = _distress_fact(plan_for({"distress": PHQ9_TOTAL_8}))
    assert fact.value == "low"
    assert fact.derivation is not None
    assert fact.derivation.basis == "assumed"
    assert fact.derivation.score == 8
    assert fact.derivation.assumption == _assumption("phq9", "distress")


def test_the_fact_is_worded_as_resting_on_an_assumed_cut_off() -> None:
    text = describe_fact(_distress_fact(plan_for({"distress": PHQ9_TOTAL_8})))
    assert text.startswith(
        "distress = low (from PHQ-9 total 8, by an assumed cut-off: No published equivalence"
    )
    assert text.endswith("PHQ-9 v1.0, 2024-05-02)")  # the instrument by its name


def test_the_brief_never_prints_the_assumed_level_as_a_plain_fact() -> None:
    result = plan_for({"distress": PHQ9_TOTAL_8})
    brief = render_markdown(result)
    assert "distress = low (phq9" not in brief
    assert "distress = low (from PHQ-9 total 8, by an assumed cut-off:" in brief
    section = brief.split("## Assumptions the plan relies on")[1]
    assert _assumption("phq9", "distress") in section


def test_the_plan_lists_the_assumed_mapping_among_its_assumptions() -> None:
    assumptions = {a.id: a for a in plan_for({"distress": PHQ9_TOTAL_8}).assumptions}
    assumption = assumptions["phq9.distress"]
    assert assumption.reasoning == _assumption("phq9", "distress")
    assert "Kroenke, Spitzer & Williams 2001" in assumption.source


def test_a_k10_level_is_labelled_assumed_too() -> None:
    result = plan_for({"distress": {"instrument": "k10", "answers": [1] * 10}})
    fact = _distress_fact(result)
    assert fact.derivation.basis == "assumed"
    assert "by an assumed cut-off" in describe_fact(fact)


def test_a_clinician_rating_is_not_a_derived_value() -> None:
    fact = _distress_fact(plan_for({"distress": "low"}))
    assert fact.derivation is None
    assert describe_fact(fact) == "distress = low (clinician rating, 2024-05-02)"


def test_an_ecr_r_mean_is_the_score_itself_and_says_no_more() -> None:
    result = plan_for({"attachment": {"instrument": "ecr_r", "answers": [6] * 18 + [2] * 18}})
    facts = [f for r in result.recommendations for f in r.because]
    anxiety = next(f for f in facts if f.field == "attachment.anxiety")
    assert anxiety.derivation is not None
    assert anxiety.derivation.basis == "published"
    assert "from " not in describe_fact(anxiety)


def test_old_plan_json_without_the_new_fields_still_loads() -> None:
    data = plan_for({"distress": PHQ9_TOTAL_8}).model_dump(mode="json")
    data.pop("safety")
    for recommendation in data["recommendations"]:
        recommendation.pop("methods")
        for fact in recommendation["because"]:
            fact.pop("derivation")
            fact["provenance"].pop("derivations")
    assert Plan.model_validate(data).recommendations[0].because[0].derivation is None
