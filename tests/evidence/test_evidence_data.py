"""The packaged evidence base: complete, cited, and faithful to the primary sources."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from attunement.errors import UnknownElement
from attunement.evidence import (
    NO_VERDICT,
    VERDICTS,
    Element,
    Finding,
    NoVerifiedFinding,
    load_evidence,
)

RELATIONSHIP_IDS = (
    "alliance_adult",
    "alliance_youth",
    "alliance_couple_family",
    "goal_consensus",
    "collaboration",
    "cohesion",
    "empathy",
    "positive_regard",
    "congruence",
    "real_relationship",
    "emotional_expression",
    "outcome_expectations",
    "credibility",
    "countertransference",
    "rupture_repair",
    "feedback",
)
ADAPTATION_IDS = (
    "reactance",
    "culture",
    "preferences",
    "religion_spirituality",
    "stages_of_change",
    "coping_style",
    "attachment",
    "expectations",
    "sexual_orientation_gender_identity",
)


def _element(element_id: str) -> Element:
    return load_evidence().element(element_id)


def _find(element_id: str, **facts: object) -> Finding:
    matches = [
        f
        for f in _element(element_id).findings
        if all(getattr(f, key) == value for key, value in facts.items())
    ]
    assert len(matches) == 1, f"{element_id}: expected one finding with {facts}, got {matches}"
    return matches[0]


def test_the_agreed_element_ids_are_all_there_and_no_others() -> None:
    assert load_evidence().ids == RELATIONSHIP_IDS + ADAPTATION_IDS


@pytest.mark.parametrize("element_id", RELATIONSHIP_IDS)
def test_relationship_elements_have_kind_relationship(element_id: str) -> None:
    assert _element(element_id).kind == "relationship"


@pytest.mark.parametrize("element_id", ADAPTATION_IDS)
def test_adaptations_have_kind_adaptation(element_id: str) -> None:
    assert _element(element_id).kind == "adaptation"


@pytest.mark.parametrize("element_id", RELATIONSHIP_IDS + ADAPTATION_IDS)
def test_every_element_is_cited_and_has_recommendations(element_id: str) -> None:
    element = _element(element_id)
    studies = [*element.findings, *element.narrative]
    assert studies, "no findings at all"
    assert all(s.source.strip() for s in studies)
    assert all(v.source.strip() for v in element.verdicts)
    assert element.recommendations
    assert element.recommendations_source.strip()


@pytest.mark.parametrize(
    "element_id",
    [i for i in RELATIONSHIP_IDS + ADAPTATION_IDS if i != "sexual_orientation_gender_identity"],
)
def test_every_element_with_research_has_a_verified_sourced_headline(element_id: str) -> None:
    headline = _element(element_id).headline
    assert headline.status == "verified"
    assert headline.source


def test_sexual_orientation_and_gender_identity_is_research_insufficient() -> None:
    element = _element("sexual_orientation_gender_identity")
    assert element.verdict == "research insufficient"
    assert "Moradi & Budge 2018" in element.verdicts[0].source
    assert element.headline_or_none is None
    with pytest.raises(NoVerifiedFinding):
        _ = element.headline


def test_every_summary_only_figure_cites_its_primary_source_and_says_it_is_second_hand() -> None:
    for element in load_evidence().elements:
        for study in (*element.findings, *element.narrative):
            if study.status == "summary-only":
                assert study.authors.split(",")[0].split(" ")[0] in study.source, element.id
                assert str(study.year) in study.source, element.id
                assert "second-hand" in study.source.lower(), element.id
                assert study.note, element.id


# --------------------------------------------------------------- spot checks against the sources


def test_alliance_3rd_edition_is_r_278_over_295_studies_with_published_d() -> None:
    finding = _find("alliance_adult", edition=3, scope=None)
    assert (finding.metric, finding.value, finding.k, finding.status) == (
        "r",
        0.278,
        295,
        "verified",
    )
    assert [(a.metric, a.value) for a in finding.also] == [
        ("d", 0.579)
    ]  # published, not recomputed
    assert _element("alliance_adult").headline == finding


def test_alliance_internet_delivered_is_a_scoped_finding() -> None:
    finding = _find("alliance_adult", scope="internet-delivered psychotherapy")
    assert (finding.value, finding.k) == (0.275, 23)


def test_alliance_2nd_edition_keeps_primary_and_talk_summary_figures_apart() -> None:
    primary = _find("alliance_adult", edition=2, status="verified")
    summary = _find("alliance_adult", edition=2, status="summary-only")
    assert (primary.value, primary.ci_low, primary.ci_high, primary.k) == (0.275, 0.25, 0.30, 190)
    assert (summary.value, summary.k) == (0.28, 201)
    assert summary.note is not None
    assert "median" in summary.note
    assert "190" in summary.note


def test_reactance_3rd_edition_is_d_79_k_13_n_1208() -> None:
    finding = _find("reactance", edition=3)
    assert (finding.metric, finding.value, finding.k, finding.n) == ("d", 0.79, 13, 1208)


def test_reactance_2nd_edition_is_d_82_k_12_n_1102() -> None:
    finding = _find("reactance", edition=2)
    assert (finding.value, finding.k, finding.n) == (0.82, 12, 1102)


def test_culture_2nd_edition_is_d_46_k_65_n_8620_with_ci() -> None:
    finding = _find("culture", edition=2)
    assert (finding.metric, finding.value, finding.k, finding.n) == ("d", 0.46, 65, 8620)
    assert (finding.ci_low, finding.ci_high) == (0.36, 0.56)


def test_religion_spirituality_keeps_46_studies_and_the_talk_summarys_29() -> None:
    primary = _find("religion_spirituality", edition=2, status="verified", value=0.26)
    summary = _find("religion_spirituality", edition=2, status="summary-only", value=0.26)
    assert (primary.k, primary.n) == (46, 3290)
    assert summary.k == 29
    assert summary.note is not None
    assert "46" in summary.note


def test_religion_spirituality_spiritual_outcomes_are_recorded_as_such() -> None:
    finding = _find("religion_spirituality", edition=3, outcome="spiritual outcomes", scope=None)
    assert (finding.metric, finding.value) == ("g", 0.43)


def test_preference_dropout_odds_ratios_are_kept_as_published() -> None:
    assert _find("preferences", edition=3, outcome="dropout").value == 1.79
    assert _find("preferences", edition=2, outcome="dropout").value == 0.59


def test_feedback_headline_is_rognstad_2023_and_not_on_track_is_larger() -> None:
    element = _element("feedback")
    assert (element.headline.authors.split(",")[0], element.headline.value) == ("Rognstad", 0.14)
    assert _find("feedback", year=2023, scope="not-on-track patients").value == 0.29
    assert _find("feedback", year=2021, scope=None, outcome=None).value == 0.15
    assert _find("feedback", year=2021, outcome="dropout").value == 1.19
    assert _find("feedback", year=2018).value == 0.27


def test_attachment_anxiety_is_negative_and_is_the_headline() -> None:
    headline = _element("attachment").headline
    assert (headline.value, headline.k, headline.n) == (-0.46, 14, 1467)


def test_stages_headline_is_the_3rd_edition() -> None:
    headline = _element("stages_of_change").headline
    assert (headline.value, headline.k, headline.n, headline.year) == (0.41, 76, 25917, 2018)


def test_expectations_n_is_summary_only() -> None:
    assert _find("expectations", status="verified").n is None
    assert _find("expectations", status="summary-only").n == 8016


# --------------------------------------------------------------- verdicts


SECOND_EDITION_VERDICTS = {
    "alliance_adult": "demonstrably effective",
    "alliance_youth": "demonstrably effective",
    "alliance_couple_family": "demonstrably effective",
    "cohesion": "demonstrably effective",
    "empathy": "demonstrably effective",
    "feedback": "demonstrably effective",
    "goal_consensus": "probably effective",
    "collaboration": "probably effective",
    "positive_regard": "probably effective",
    "congruence": "promising",
    "rupture_repair": "promising",
    "countertransference": "promising",
    "reactance": "demonstrably effective",
    "preferences": "demonstrably effective",
    "culture": "demonstrably effective",
    "religion_spirituality": "demonstrably effective",
    "stages_of_change": "probably effective",
    "coping_style": "probably effective",
    "expectations": "related to outcome; insufficient research as a means of adaptation",
    "attachment": "related to outcome; insufficient research as a means of adaptation",
}


@pytest.mark.parametrize(("element_id", "verdict"), SECOND_EDITION_VERDICTS.items())
def test_second_edition_verdicts_match_norcross_and_wampold_2011(
    element_id: str, verdict: str
) -> None:
    element = _element(element_id)
    (only,) = element.verdicts
    assert (only.edition, only.verdict) == (2, verdict)
    assert "Norcross & Wampold 2011" in only.source
    assert element.verdict == verdict


def test_no_unverified_third_edition_verdict_is_invented() -> None:
    for element in load_evidence().elements:
        third = [v for v in element.verdicts if v.edition == 3]
        if element.id != "sexual_orientation_gender_identity":
            assert not third, element.id


@pytest.mark.parametrize(
    "element_id",
    ["real_relationship", "emotional_expression", "outcome_expectations", "credibility"],
)
def test_elements_without_a_verified_verdict_say_so(element_id: str) -> None:
    assert _element(element_id).verdict == NO_VERDICT
    assert NO_VERDICT in VERDICTS


# --------------------------------------------------------------- matching cautions, benchmarks, API


def test_gender_ethnicity_and_religion_are_not_for_routine_matching() -> None:
    cautions = load_evidence().not_for_routine_matching
    assert [c.characteristic for c in cautions] == [
        "gender",
        "race_ethnicity",
        "religion_spirituality",
    ]
    assert [c.preference_aspect for c in cautions] == [
        "therapist_gender",
        "therapist_ethnicity",
        "therapist_religion",
    ]
    for caution in cautions:
        assert "strong preference" in caution.condition
        assert "Norcross (Ed.) 2011" in caution.source
        assert "second-hand" in caution.source.lower()


def test_psychotherapy_versus_no_treatment_benchmark_is_d_80() -> None:
    (finding,) = load_evidence().benchmark("psychotherapy_vs_no_treatment").findings
    assert (finding.authors, finding.year, finding.metric, finding.value) == (
        "Smith & Glass",
        1977,
        "d",
        0.80,
    )
    assert "Wampold" in finding.source


def test_smith_and_glass_are_quoted_as_the_paper_says_75_percent() -> None:
    (finding,) = load_evidence().benchmark("psychotherapy_vs_no_treatment").findings
    assert "American Psychologist 32:752-760" in finding.source
    assert finding.note is not None
    assert "better off than 75% of untreated individuals" in finding.note
    assert "about 80% of untreated" not in finding.note


def test_the_benchmark_does_not_treat_the_alliance_correlation_as_a_share_of_it() -> None:
    description = load_evidence().benchmark("psychotherapy_vs_no_treatment").description
    assert "large share" not in description
    assert "correlation" in description
    assert "not a share of this effect" in description


def test_unknown_element_names_the_value_and_the_known_ids() -> None:
    with pytest.raises(UnknownElement) as raised:
        load_evidence().element("alliance")
    assert "'alliance'" in raised.value.message
    assert "alliance_adult" in raised.value.message


def test_load_evidence_is_cached() -> None:
    assert load_evidence() is load_evidence()


def test_elements_are_immutable() -> None:
    element = _element("empathy")
    with pytest.raises(ValidationError):
        element.name = "changed"  # type: ignore[misc]


def test_headline_prefers_overall_findings_over_newer_scoped_ones() -> None:
    element = _element("culture")
    assert element.headline.scope is None
    assert element.headline.value == 0.50


def test_json_view_resolves_verdict_and_headline() -> None:
    data = _element("reactance").to_json_dict()
    assert data["verdict"] == "demonstrably effective"
    assert data["headline"]["value"] == 0.79
    assert {"authors", "year", "k", "n", "metric", "value", "source", "status"} <= set(
        data["findings"][0]
    )
