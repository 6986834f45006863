"""Every instrument's profile outputs say whether their cut-off is published or assumed."""

from __future__ import annotations

import pytest

from attunement.instruments import (
    InstrumentDefinition,
    ProfileOutput,
    ScaleScore,
    Score,
    derive_profile_values,
    list_instruments,
    to_profile_values,
)
from attunement.profile import parse_profile

WITH_PROFILE = [d for d in list_instruments() if d.profile is not None]


def _score_for(output: ProfileOutput) -> float:
    if output.rule in ("levels", "preference"):
        return output.levels[-1].from_
    if output.rule == "nearest_mean":
        return min(output.groups.values())
    return 4.0


def _score(definition: InstrumentDefinition) -> Score:
    assert definition.profile is not None
    values = {o.scale: _score_for(o) for o in definition.profile.outputs}
    return Score(
        instrument=definition.id,
        version=definition.version,
        language="en",
        scales={
            name: ScaleScore(
                value=value,
                band=None,
                prorated=False,
                missing_items=(),
                scorable=True,
                reason=None,
            )
            for name, value in values.items()
        },
        flags=(),
    )


@pytest.mark.parametrize("definition", WITH_PROFILE, ids=lambda d: d.id)
def test_each_profile_value_is_published_or_assumed_as_its_definition_says(
    definition: InstrumentDefinition,
) -> None:
    assert definition.profile is not None
    derived = derive_profile_values(_score(definition), definition=definition)
    assert derived.values == to_profile_values(_score(definition), definition=definition)
    assert len(derived.derivations) == len(definition.profile.outputs)
    for output, derivation in zip(definition.profile.outputs, derived.derivations, strict=True):
        assert derivation.basis == ("assumed" if output.assumption else "published")
        assert derivation.assumption == output.assumption
        assert derivation.source == output.source
        assert derivation.score == _score_for(output)


def test_the_phq9_distress_mapping_is_an_assumption() -> None:
    profile = parse_profile({"distress": {"instrument": "phq9", "answers": [2] * 8 + [0]}})
    assert profile.distress is not None
    derivation = profile.distress.provenance.derivation("distress")
    assert derivation is not None
    assert (derivation.basis, derivation.score, derivation.scale_name) == (
        "assumed",
        16,
        "PHQ-9 total",
    )
    assert profile.distress.value == "high"


def test_a_compound_dimension_keeps_one_derivation_per_field() -> None:
    profile = parse_profile({"expectations": {"instrument": "ceq", "answers": [9, 9, 9, 1, 1, 1]}})
    assert profile.expectations is not None
    provenance = profile.expectations.provenance
    assert {d.field for d in provenance.derivations} == {
        "expectations.credibility",
        "expectations.outcome",
    }
    assert provenance.derivation("expectations.credibility").score == 27  # type: ignore[union-attr]


def test_a_stated_value_has_no_derivation() -> None:
    profile = parse_profile({"distress": "low"})
    assert profile.distress is not None
    assert profile.distress.provenance.derivations == ()
