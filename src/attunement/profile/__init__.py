"""The patient profile: what the tailoring engine responds to, each value with provenance.

``parse_profile(mapping)`` validates the JSON/YAML file shape; ``Profile`` is the typed,
immutable result. See :mod:`attunement.tailoring` for the plan built from it.
"""

from __future__ import annotations

from attunement.profile._labels import (
    fact_words,
    field_label,
    field_value_words,
    language_name,
)
from attunement.profile._models import (
    Assessed,
    Attachment,
    Basis,
    CopingStyle,
    Culture,
    Derivation,
    Expectations,
    Importance,
    Level,
    Preference,
    Profile,
    ProfileFlag,
    Provenance,
    ReligionSpirituality,
    Source,
    Stage,
    Strength,
)
from attunement.profile._parse import parse_profile
from attunement.profile._vocabulary import (
    ATTACHMENT_RANGE,
    COPING_STYLES,
    DIMENSIONS,
    IMPORTANCE,
    LEVELS,
    PREFERENCE_ASPECTS,
    PROFILE_FIELDS,
    SOURCES,
    STAGES,
    STRENGTHS,
    AspectSpec,
    FieldSpec,
    canonical_language_tag,
    same_language,
)

__all__ = [
    "ATTACHMENT_RANGE",
    "COPING_STYLES",
    "DIMENSIONS",
    "IMPORTANCE",
    "LEVELS",
    "PREFERENCE_ASPECTS",
    "PROFILE_FIELDS",
    "SOURCES",
    "STAGES",
    "STRENGTHS",
    "AspectSpec",
    "Assessed",
    "Attachment",
    "Basis",
    "CopingStyle",
    "Culture",
    "Derivation",
    "Expectations",
    "FieldSpec",
    "Importance",
    "Level",
    "Preference",
    "Profile",
    "ProfileFlag",
    "Provenance",
    "ReligionSpirituality",
    "Source",
    "Stage",
    "Strength",
    "canonical_language_tag",
    "fact_words",
    "field_label",
    "field_value_words",
    "language_name",
    "parse_profile",
    "same_language",
]
