"""The allowed values of every profile dimension, in one place.

The parser validates against these tables, the tailoring rule loader checks that rule
conditions only name fields and values that exist here, and error messages quote them as
"allowed". The dimensions follow *Psychotherapy Relationships That Work* (Norcross 2011;
Norcross & Wampold 2018) and Beutler's systematic treatment selection (functional impairment
→ intensity, distress → arousal; Beutler, Clarkin & Bongar 2000).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

from pydantic import BaseModel

from attunement._markers import N_
from attunement._model_config import FROZEN

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
    "FieldSpec",
    "canonical_language_tag",
    "preference_value_key",
    "same_language",
]


LEVELS: Final = ("low", "moderate", "high")
STAGES: Final = ("precontemplation", "contemplation", "preparation", "action", "maintenance")
COPING_STYLES: Final = ("internalizing", "externalizing", "mixed")
IMPORTANCE: Final = ("none", "low", "moderate", "high")
STRENGTHS: Final = ("mild", "moderate", "strong")
SOURCES: Final = ("clinician_rating", "instrument", "stated")
#: ECR-R subscale means: items answered 1 (disagree strongly) .. 7 (agree strongly)
#: (Fraley, Waller & Brennan 2000).
ATTACHMENT_RANGE: Final = (1.0, 7.0)

DIMENSIONS: Final = (
    "reactance",
    "stage_of_change",
    "coping_style",
    "preferences",
    "culture",
    "religion_spirituality",
    "attachment",
    "expectations",
    "functional_impairment",
    "distress",
)


class AspectSpec(BaseModel):
    """What a preference on one aspect may say.

    ``values`` is the closed list of allowed values; ``None`` means free text (a therapist's
    ethnicity or religion is described in the patient's own words), ``"bcp47"`` a language
    tag. ``multiple`` aspects may be given more than once with different values (a patient
    may want both individual *and* video sessions); the others only once.
    """

    model_config = FROZEN

    label: str
    values: tuple[str, ...] | Literal["bcp47"] | None
    multiple: bool = False
    #: Aspects about who the therapist is: the evidence does not support routine matching
    #: on these unless the preference is strong (Norcross & Wampold 2011).
    therapist_identity: bool = False


PREFERENCE_ASPECTS: Final[dict[str, AspectSpec]] = {
    "therapist_gender": AspectSpec(
        label=N_("therapist gender"),
        values=("female", "male", "non_binary"),
        therapist_identity=True,
    ),
    "therapist_ethnicity": AspectSpec(
        label=N_("therapist ethnicity"), values=None, therapist_identity=True
    ),
    "therapist_religion": AspectSpec(
        label=N_("therapist religion"), values=None, therapist_identity=True
    ),
    "language": AspectSpec(label=N_("language of therapy"), values="bcp47"),
    "treatment_type": AspectSpec(label=N_("type of treatment"), values=None, multiple=True),
    "format": AspectSpec(
        label=N_("format"),
        values=("individual", "couple", "family", "group", "in_person", "video", "telephone"),
        multiple=True,
    ),
    "session_frequency": AspectSpec(
        label=N_("session frequency"),
        values=("more_than_weekly", "weekly", "fortnightly", "monthly", "flexible"),
    ),
    "treatment_length": AspectSpec(
        label=N_("length of treatment"), values=("brief", "medium", "long", "open_ended")
    ),
    # The four C-NIP dimensions (Cooper & Norcross 2016): each names its two poles.
    "directiveness": AspectSpec(
        label=N_("who directs the therapy"), values=("therapist_directed", "client_directed")
    ),
    "emotional_intensity": AspectSpec(
        label=N_("emotional intensity"), values=("intensity", "reserve")
    ),
    "past_orientation": AspectSpec(label=N_("past or present focus"), values=("past", "present")),
    "warm_support": AspectSpec(
        label=N_("warm support or focused challenge"), values=("warm_support", "focused_challenge")
    ),
}

FieldKind = Literal["enum", "number", "bool", "text", "language"]


class FieldSpec(BaseModel):
    """One addressable profile field (``reactance``, ``attachment.anxiety`` ...)."""

    model_config = FROZEN

    kind: FieldKind
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def allowed(self) -> str:
        """The allowed values in words, for error messages."""
        if self.kind == "enum":
            return ", ".join(self.values)
        if self.kind == "number":
            return f"a number from {self.minimum:g} to {self.maximum:g}"
        if self.kind == "bool":
            return "true or false"
        if self.kind == "language":
            return "a BCP 47 language tag such as en, es, pt-BR, zh-Hant-TW"
        return "non-empty text"


_LEVEL = FieldSpec(kind="enum", values=LEVELS)
_ATTACHMENT = FieldSpec(kind="number", minimum=ATTACHMENT_RANGE[0], maximum=ATTACHMENT_RANGE[1])

#: Every scalar field a rule condition may test, by dotted path.
PROFILE_FIELDS: Final[dict[str, FieldSpec]] = {
    "reactance": _LEVEL,
    "stage_of_change": FieldSpec(kind="enum", values=STAGES),
    "coping_style": FieldSpec(kind="enum", values=COPING_STYLES),
    "functional_impairment": _LEVEL,
    "distress": _LEVEL,
    "culture.preferred_language": FieldSpec(kind="language"),
    "culture.identity": FieldSpec(kind="text"),
    "culture.wants_adaptation": FieldSpec(kind="bool"),
    "religion_spirituality.importance": FieldSpec(kind="enum", values=IMPORTANCE),
    "religion_spirituality.wants_integration": FieldSpec(kind="bool"),
    "attachment.anxiety": _ATTACHMENT,
    "attachment.avoidance": _ATTACHMENT,
    "expectations.outcome": _LEVEL,
    "expectations.credibility": _LEVEL,
}

# RFC 5646 section 2.1 "well-formed" language tags, grandfathered irregular tags excluded.
# Primary subtags of 4-8 letters are well-formed but reserved and unregistered: refusing them
# catches the common mistake of writing the language name ("english") instead of "en".
_BCP47 = re.compile(
    r"""^(?:
        (?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3})
        (?:-(?P<script>[a-z]{4}))?
        (?:-(?P<region>[a-z]{2}|[0-9]{3}))?
        (?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)
        (?P<extensions>(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*)
        (?:-x(?:-[a-z0-9]{1,8})+)?
      |x(?:-[a-z0-9]{1,8})+
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def canonical_language_tag(tag: str) -> str | None:
    """The tag in the conventional case (``pt-br`` → ``pt-BR``), or ``None`` if malformed.

    Checks the shape of a BCP 47 tag (RFC 5646 §2.1: a 2-3 letter language with optional
    extended subtags, then optional script, region, variants, extensions, private use) and
    applies the case conventions of §2.1.1; it does not look subtags up in the IANA registry.
    """
    match = _BCP47.match(tag.strip())
    if match is None:
        return None
    out: list[str] = []
    after_singleton = False
    for index, part in enumerate(tag.strip().split("-")):
        lowered = part.lower()
        if index == 0 or after_singleton:
            out.append(lowered)
        elif len(part) == 1:
            after_singleton = True
            out.append(lowered)
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())  # script, e.g. Hant
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())  # region, e.g. BR
        else:
            out.append(lowered)
    return "-".join(out)


#: The Unicode general categories of the characters words are made of: letters, marks (the
#: vowel signs and viramas of Indic scripts, accents left uncomposed) and numbers.
_WORD_CATEGORIES: Final = frozenset("LMN")


def preference_value_key(value: str) -> str:
    """What makes two preference values the same value: their words, caseless.

    ``"same as mine"``, ``"Same-As-Mine"`` and ``"same_as_mine."`` are one treatment type
    spelled three ways; all give ``same_as_mine``. The words are the runs of letters, marks
    and numbers of any script after Unicode compatibility normalisation and case folding
    (NFKC, then ``str.casefold``: full-width ``ＣＢＴ`` is ``cbt``, ``Straße`` is
    ``strasse``), joined by ``_``; whatever lies between them only separates words. Distinct
    keys are distinct values, so the key can name what is derived from a value (the tailoring
    engine's recommendation ids). The key is empty when the value has no letter or number.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    spaced = "".join(c if unicodedata.category(c)[0] in _WORD_CATEGORIES else " " for c in folded)
    return "_".join(spaced.split())


def clinic_language_problem(value: str) -> str | None:
    """Why ``value`` cannot be the clinic's language (``ATTUNE_CLINIC_LANGUAGE``), or None:
    the one check the settings and the light CLI commands share."""
    if canonical_language_tag(value.strip()) is None:
        return f"{value!r} is not a BCP 47 language tag; e.g. en, es, pt-BR"
    return None


def same_language(first: str, second: str) -> bool:
    """True when two BCP 47 tags name the same language for therapy and its materials.

    The language subtags (with any extended subtag) must agree; region does not matter
    (``en-GB`` is English in an ``en`` clinic); scripts must agree when both tags give one
    (``zh-Hant`` and ``zh-Hans`` are read differently). Malformed tags are compared whole.
    """
    a, b = _BCP47.match(first.strip()), _BCP47.match(second.strip())
    if a is None or b is None or a.group("language") is None or b.group("language") is None:
        return first.strip().casefold() == second.strip().casefold()
    if a.group("language").casefold() != b.group("language").casefold():
        return False
    scripts = (a.group("script"), b.group("script"))
    return None in scripts or scripts[0].casefold() == scripts[1].casefold()
