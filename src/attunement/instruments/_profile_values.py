"""From a score to the values of the patient profile (``{instrument: ID, answers: [...]}``).

The rules live in each definition's ``profile`` section: a level by lower bounds, the
nearest group mean (URICA stage), the number itself (ECR-R means) or a preference with its
strength (C-NIP). Every threshold there cites a source or states its assumption. Distress
(Beutler's arousal principle; Beutler, Clarkin & Bongar 2000) comes from the published
severity bands of the PHQ-9, K10 and CORE-10, each mapped to low | moderate | high by a
mapping labelled as an assumption in its definition. Risk flags are not a profile value:
they stay on the ``Score`` and the profile parser carries them (``Score.flags``).

``derive_profile_values`` also says, for each value, which score it came from and whether
its cut-off is published or an assumption (:class:`attunement.profile.Derivation`), so that
a level resting on an assumed cut-off is never shown as a plain fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from attunement.instruments._compiled import band_index
from attunement.instruments._loader import load_instrument
from attunement.instruments._models import InstrumentDefinition, ProfileOutput
from attunement.instruments._results import Score
from attunement.profile import Derivation

__all__ = ["DerivedValues", "derive_profile_values", "to_profile_values"]


class DerivedValues(NamedTuple):
    """The profile-file-shaped values of a score and how each was derived."""

    values: dict[str, Any]
    derivations: tuple[Derivation, ...]


def to_profile_values(
    score: Score,
    *,
    definition: InstrumentDefinition | None = None,
    groups: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The profile-file-shaped values this score gives, e.g. ``{"reactance": "high"}``.

    Parameters
    ----------
    score:
        A score of an instrument that feeds the profile (others give ``{}``).
    definition:
        The definition scored (default: the packaged one with the score's id).
    groups:
        Replaces the group means of a ``nearest_mean`` rule (URICA stage): the UMBC Habits
        Lab notes these cut-offs are population-specific.

    Scales that could not be scored give no value (the profile then lists the dimension as
    not assessed). Examples of the shapes: ``{"stage_of_change": "contemplation"}``,
    ``{"distress": "moderate"}`` (PHQ-9 total 10-14),
    ``{"attachment": {"anxiety": 4.2, "avoidance": 3.1}}``,
    ``{"preferences": [{"aspect": "directiveness", "value": "client_directed",
    "strength": "strong"}]}``.
    """
    return derive_profile_values(score, definition=definition, groups=groups).values


def derive_profile_values(
    score: Score,
    *,
    definition: InstrumentDefinition | None = None,
    groups: Mapping[str, float] | None = None,
) -> DerivedValues:
    """The values of :func:`to_profile_values` and, for each, its :class:`Derivation`.

    A derivation is ``assumed`` exactly when the definition's output states an
    ``assumption`` (e.g. PHQ-9 → distress: no published equivalence with Beutler's distress
    levels exists), else ``published``. Preferences are keyed ``preferences.<aspect>``.
    """
    definition = definition or load_instrument(score.instrument)
    if definition.profile is None:
        return DerivedValues({}, ())
    names = {scale.id: scale.name for scale in definition.scales}
    values: dict[str, Any] = {}
    derivations: list[Derivation] = []
    for output in definition.profile.outputs:
        scale = score.scales.get(output.scale)
        if scale is None or not scale.scorable or scale.value is None:
            continue
        produced = _apply(output, scale.value, groups)
        if produced is None:
            continue
        field = output.key
        if output.rule == "preference":
            values.setdefault("preferences", []).append(produced)
            field = f"preferences.{output.aspect}"
        elif "." in output.key:
            head, tail = output.key.split(".", 1)
            values.setdefault(head, {})[tail] = produced
        else:
            values[output.key] = produced
        derivations.append(
            Derivation(
                field=field,
                scale=output.scale,
                scale_name=names.get(output.scale, output.scale),
                score=scale.value,
                basis="assumed" if output.assumption else "published",
                source=output.source,
                assumption=output.assumption,
            )
        )
    return DerivedValues(values, tuple(derivations))


def _apply(output: ProfileOutput, value: float, groups: Mapping[str, float] | None) -> Any:
    if output.rule == "value":
        return value
    if output.rule == "levels":
        index = band_index([b.from_ for b in output.levels], value)
        return output.levels[index].label if index >= 0 else None
    if output.rule == "nearest_mean":
        means = dict(groups) if groups else output.groups
        return min(means, key=lambda label: (abs(value - means[label]), means[label]))
    # preference: the pole by sign, the strength by |value|
    index = band_index([b.from_ for b in output.levels], abs(value))
    if index < 0 or value == 0:
        return None
    return {
        "aspect": output.aspect,
        "value": output.positive if value > 0 else output.negative,
        "strength": output.levels[index].label,
    }
