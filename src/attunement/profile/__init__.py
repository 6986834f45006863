"""The patient profile: what the tailoring engine responds to, each value with provenance.

``parse_profile(mapping)`` validates the JSON/YAML file shape; ``Profile`` is the typed,
immutable result. See :mod:`attunement.tailoring` for the plan built from it. Each field and
value has one label, an English message id beside it; ``attunement.wording`` gives the
labels in the reader's language (the package imports no catalogue: ``attunement.i18n`` is
built on its language tags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.profile._demographics import (
        AGE_BANDS,
        SEXES,
        AgeBand,
        Sex,
        age_band_at,
        sex_of_fhir_gender,
    )
    from attunement.profile._labels import (
        ENGLISH,
        LabelLanguage,
        aspect_label,
        fact_words,
        field_label,
        field_value_words,
        language_name,
        strength_label,
        value_label,
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
    from attunement.profile._order import in_canonical_order
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
        clinic_language_problem,
        preference_value_key,
        same_language,
    )

__all__ = [
    "AGE_BANDS",
    "ATTACHMENT_RANGE",
    "COPING_STYLES",
    "DIMENSIONS",
    "ENGLISH",
    "IMPORTANCE",
    "LEVELS",
    "PREFERENCE_ASPECTS",
    "PROFILE_FIELDS",
    "SEXES",
    "SOURCES",
    "STAGES",
    "STRENGTHS",
    "AgeBand",
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
    "LabelLanguage",
    "Level",
    "Preference",
    "Profile",
    "ProfileFlag",
    "Provenance",
    "ReligionSpirituality",
    "Sex",
    "Source",
    "Stage",
    "Strength",
    "age_band_at",
    "aspect_label",
    "canonical_language_tag",
    "clinic_language_problem",
    "fact_words",
    "field_label",
    "field_value_words",
    "in_canonical_order",
    "language_name",
    "parse_profile",
    "preference_value_key",
    "same_language",
    "sex_of_fhir_gender",
    "strength_label",
    "value_label",
]

#: The submodule that defines each name: the vocabulary (language tags, field specs) needs
#: no models, so the gettext catalogue and the light commands load without them.
_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_demographics": (
        "AGE_BANDS",
        "SEXES",
        "AgeBand",
        "Sex",
        "age_band_at",
        "sex_of_fhir_gender",
    ),
    "_labels": (
        "ENGLISH",
        "LabelLanguage",
        "aspect_label",
        "fact_words",
        "field_label",
        "field_value_words",
        "language_name",
        "strength_label",
        "value_label",
    ),
    "_models": (
        "Assessed",
        "Attachment",
        "Basis",
        "CopingStyle",
        "Culture",
        "Derivation",
        "Expectations",
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
    ),
    "_order": ("in_canonical_order",),
    "_parse": ("parse_profile",),
    "_vocabulary": (
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
        "FieldSpec",
        "canonical_language_tag",
        "clinic_language_problem",
        "preference_value_key",
        "same_language",
    ),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
