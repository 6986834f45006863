"""A recommendation id names one recommendation of a plan: no two share it.

A preference rule fires once per matching preference, and the firing's id carries the
preference's value. Reported: the treatment types "same as mine" and "same-as-mine" gave two
recommendations with one id; values in other scripts ("認知行動療法", "精神分析") did too.
"""

from __future__ import annotations

import pytest

from attunement.errors import InvalidProfile
from tests.tailoring.vignettes import plan_for, pref


def _treatment_type_ids(*values: str) -> list[str]:
    preferences = [pref("treatment_type", v, "strong") for v in values]
    result = plan_for({"preferences": preferences})
    return [r.id for r in result.recommendations if r.dimension == "preferences"]


def test_the_reported_spellings_are_one_preference_not_two_recommendations() -> None:
    with pytest.raises(InvalidProfile) as raised:
        _treatment_type_ids("same as mine", "same-as-mine")
    assert raised.value.field == "preferences[1].value"


@pytest.mark.parametrize(
    "values",
    [
        ("認知行動療法", "精神分析"),
        ("thérapie brève", "thérapie longue"),
        ("Gestalttherapie", "Schematherapie", "Verhaltenstherapie"),
        ("CBT", "psychodynamic"),
    ],
)
def test_distinct_treatment_types_give_one_recommendation_each(values: tuple[str, ...]) -> None:
    ids = _treatment_type_ids(*values)
    assert len(ids) == len(values)
    assert len(set(ids)) == len(ids), ids


def test_an_ascii_treatment_type_keeps_its_recommendation_id() -> None:
    # Ids are exported and cited by the settings: an ASCII value's id does not change.
    assert _treatment_type_ids("same as mine") == [
        "preference_treatment_type_strong.treatment_type.same_as_mine"
    ]
