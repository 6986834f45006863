"""The rule files: data, validated at load time, citing the real evidence base."""

from __future__ import annotations

from importlib import resources

import pytest

from attunement.errors import DefinitionError
from attunement.evidence import load_evidence
from attunement.instruments import list_instruments
from attunement.tailoring import build_rulebook, load_rulebook
from tests.tailoring.vignettes import MIXED, plan_for


def _documents() -> dict[str, str]:
    directory = resources.files("attunement.tailoring") / "rules"
    return {
        e.name: e.read_text(encoding="utf-8")
        for e in directory.iterdir()
        if e.name.endswith(".yaml")
    }


def _broken(file: str, old: str, new: str) -> DefinitionError:
    documents = _documents()
    assert old in documents[file], f"fixture text not found in {file}"
    documents[file] = documents[file].replace(old, new, 1)
    with pytest.raises(DefinitionError) as caught:
        build_rulebook(documents, load_evidence())
    return caught.value


def test_the_packaged_rules_load() -> None:
    book = load_rulebook()
    assert len(book.rules) > 40
    assert {r.dimension for r in book.rules} == {
        "relationship", "reactance", "stage_of_change", "coping_style", "preferences", "culture",
        "religion_spirituality", "attachment", "expectations", "functional_impairment", "distress",
    }  # fmt: skip


def test_every_rule_cites_an_existing_evidence_element_and_a_content_source() -> None:
    evidence = load_evidence()
    for rule in load_rulebook().rules:
        assert rule.spec.evidence, rule.id
        assert rule.spec.source, rule.id
        for ref in rule.spec.evidence:
            assert ref.element in evidence.ids or ref.caution is not None, rule.id


def test_every_recommendation_in_the_vignettes_cites_numbers_taken_from_the_evidence_base() -> None:
    evidence = load_evidence()
    for data in MIXED.values():
        result = plan_for(data)
        for recommendation in (*result.foundations, *result.recommendations):
            for citation in recommendation.evidence:
                element = evidence.element(citation.element)
                if citation.value is not None:
                    published = {(f.metric, f.value, f.source) for f in element.findings}
                    assert (citation.metric, citation.value, citation.source) in published
                elif citation.verdict != "not supported for routine matching":
                    assert citation.statement in {n.summary for n in element.narrative}


def test_the_not_assessed_instruments_exist_in_the_instrument_library() -> None:
    known = {d.id for d in list_instruments()}
    for prompt in load_rulebook().prompts:
        assert set(prompt.instruments) <= known, prompt.field


def test_the_threshold_for_attachment_anxiety_is_an_explicit_assumption() -> None:
    assumption = load_rulebook().assumptions["attachment_anxiety_threshold"]
    assert "4.0" in assumption.statement
    assert "midpoint" in assumption.statement


# --------------------------------------------------------------------------- validation


def test_an_unknown_field_in_a_rule_names_the_file_and_the_field() -> None:
    error = _broken("reactance.yaml", "    weight: 5\n", "    weight: 5\n    colour: red\n")
    assert error.source == "reactance.yaml"
    assert error.field == "rules[0].colour"


def test_a_condition_value_that_the_profile_cannot_have_is_refused_with_its_line() -> None:
    error = _broken("reactance.yaml", "in: [high]", "in: [hgh]")
    assert (error.source, error.field) == ("reactance.yaml", "rules[0].when.in")
    assert isinstance(error, DefinitionError)
    assert error.line is not None
    line = _documents()["reactance.yaml"].splitlines()[error.line - 1]
    assert "when:" in line
    assert str(error).startswith(f"reactance.yaml:{error.line}: rules[0].when.in:")


def test_a_condition_on_an_unknown_field_is_refused() -> None:
    error = _broken(
        "reactance.yaml", "{dimension: reactance, in: [high]}", "{dimension: mood, in: [high]}"
    )
    assert error.field == "rules[0].when.dimension"


def test_a_numeric_comparison_on_a_non_numeric_field_is_refused() -> None:
    error = _broken(
        "reactance.yaml", "{dimension: reactance, in: [high]}", "{dimension: reactance, gte: 2}"
    )
    assert error.field == "rules[0].when.gte"


def test_python_expressions_are_not_a_condition() -> None:
    error = _broken(
        "reactance.yaml", "{dimension: reactance, in: [high]}", '"profile.reactance == 1"'
    )
    assert error.field == "rules[0].when"


def test_a_rule_without_evidence_is_refused() -> None:
    error = _broken(
        "coping_style.yaml",
        "    evidence:\n      - element: coping_style\n    weight: 2\n",
        "    weight: 2\n",
    )
    assert error.field.endswith("evidence")


def test_evidence_on_an_unknown_element_is_refused() -> None:
    error = _broken(
        "coping_style.yaml",
        "element: coping_style\n    weight: 2",
        "element: coping\n    weight: 2",
    )
    assert error.source == "coping_style.yaml"
    assert "coping" in error.message


def test_evidence_selecting_no_finding_is_refused() -> None:
    error = _broken("preferences.yaml", "outcome: dropout", "outcome: relapse")
    assert "relapse" in error.message


def test_an_unknown_placeholder_is_refused() -> None:
    error = _broken("reactance.yaml", "keeping direction light", "keeping {direction} light")
    assert "placeholder" in error.message


def test_a_setting_value_that_does_not_exist_is_refused() -> None:
    error = _broken("reactance.yaml", "sets: {directiveness: low}", "sets: {directiveness: none}")
    assert error.field.startswith("rules[0].sets.directiveness")


def test_a_resolution_must_follow_one_of_its_sides() -> None:
    error = _broken("conflicts.yaml", "follow: reactance", "follow: culture")
    assert error.source == "conflicts.yaml"
    assert error.field == "settings[0].follow"


def test_a_missing_rule_file_is_named() -> None:
    documents = _documents()
    del documents["conflicts.yaml"]
    with pytest.raises(DefinitionError) as caught:
        build_rulebook(documents, load_evidence())
    assert caught.value.source == "conflicts.yaml"


def test_invalid_yaml_is_reported_with_the_file() -> None:
    error = _broken("distress.yaml", "rules:\n", "rules: [\n")
    assert error.source == "distress.yaml"
    assert "not valid YAML" in str(error)


def test_a_duplicate_key_is_refused_with_its_line_not_collapsed() -> None:
    text = _documents()["reactance.yaml"]
    first = text.splitlines()[0]
    error = _broken("reactance.yaml", first + "\n", first + "\n" + first + "\n")
    assert error.source == "reactance.yaml"
    assert error.problem == "duplicate key"
    assert error.line == 2


# --------------------------------------------------------------------------- the risk policy


def test_a_rule_that_raises_arousal_without_a_risk_tag_is_refused() -> None:
    error = _broken(
        "distress.yaml",
        "    methods: [arousal_raising, evocative, confrontive, experiential]\n",
        "",
    )
    assert error.source == "distress.yaml"
    assert error.field == "rules[2].methods"
    assert "risk event is open" in str(error)


def test_a_risk_tag_the_policy_does_not_know_is_refused() -> None:
    error = _broken("distress.yaml", "methods: [arousal_raising,", "methods: [shouting,")
    assert error.field == "rules[2].methods"
    assert "risk.yaml knows" in str(error)


def test_an_unknown_field_in_the_risk_policy_names_the_file_the_field_and_the_line() -> None:
    error = _broken("risk.yaml", "processes_of_change: [dramatic_relief]", "colour: red")
    lines = _documents()["risk.yaml"].splitlines()
    line = 1 + next(i for i, text in enumerate(lines) if text.startswith("processes_of_change:"))
    assert error.source == "risk.yaml"
    assert (error.field, error.line) == ("colour", line)
    assert str(error).startswith(f"risk.yaml:{line}: colour: unknown field; allowed fields:")


def test_a_risk_policy_that_would_raise_arousal_instead_is_refused() -> None:
    error = _broken("risk.yaml", "    instead: lower", "    instead: raise")
    assert error.field == "settings.arousal.instead"


def test_the_risk_policy_cites_safety_planning_and_states_its_assumption() -> None:
    policy = load_rulebook().risk
    assert "Stanley B, Brown GK (2012)" in policy.source
    assert "Cognitive and Behavioral Practice 19:256-264" in policy.source
    assert "NG225" in policy.source
    assert "Attunement's safety policy" in policy.assumption.reasoning
    assert set(policy.safety) == {"endorsed", "unanswered"}
