"""The typed, immutable patient profile.

A :class:`Profile` holds what is known about a patient on the dimensions that the evidence
says a therapist should respond to (Norcross & Wampold 2011, 2018: reactance, stage of change,
coping style, preferences, culture, religion/spirituality, attachment, expectations; Beutler,
Clarkin & Bongar 2000: functional impairment and distress). Every value carries its
:class:`Provenance` — a clinician's rating, an instrument score (which instrument, which
version) or the patient's own statement — and the date it was assessed, so a plan can say
*why* it recommends something and how fresh that reason is.
"""

from __future__ import annotations

from datetime import date
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field, model_validator

from attunement._model_config import FROZEN

__all__ = [
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
]

Level = Literal["low", "moderate", "high"]
Stage = Literal["precontemplation", "contemplation", "preparation", "action", "maintenance"]
CopingStyle = Literal["internalizing", "externalizing", "mixed"]
Importance = Literal["none", "low", "moderate", "high"]
Strength = Literal["mild", "moderate", "strong"]
Source = Literal["clinician_rating", "instrument", "stated"]
#: Whether the score-to-value mapping of an instrument rests on a published source or on an
#: assumption stated in the instrument definition (``profile.outputs[].assumption``).
Basis = Literal["published", "assumed"]

V = TypeVar("V")


class _Frozen(BaseModel):
    model_config = FROZEN


class Derivation(_Frozen):
    """How one profile value was derived from an instrument score, and on what basis.

    ``field`` is the profile field (``distress``, ``expectations.outcome``,
    ``preferences.directiveness``); ``scale_name`` and ``score`` say which score it came
    from. ``basis`` is ``"assumed"`` when the instrument definition labels the mapping from
    score to value an assumption (``assumption`` then holds its text, e.g. the PHQ-9 →
    distress mapping), ``"published"`` when it rests on the cited ``source`` alone. A value
    that rests on an assumed cut-off must be shown as such wherever it appears.
    """

    field: str
    scale: str
    scale_name: str
    score: float
    basis: Basis
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _assumption_iff_assumed(self) -> Derivation:
        if (self.basis == "assumed") != bool(self.assumption):
            raise ValueError("an assumed basis states its assumption, a published one none")
        return self


class Provenance(_Frozen):
    """Where a profile value came from and when.

    ``instrument``/``version`` name the questionnaire when ``source`` is ``"instrument"``;
    ``assessed_on`` is ``None`` only when nobody said when it was assessed. ``derivations``
    (instrument sources only) say, per profile field, which score gave the value and whether
    its cut-off is published or assumed (see :class:`Derivation`).
    """

    source: Source
    instrument: str | None = None
    version: str | None = None
    assessed_on: date | None = None
    derivations: tuple[Derivation, ...] = ()

    @model_validator(mode="after")
    def _instrument_only_for_instrument_source(self) -> Provenance:
        if self.source == "instrument" and self.instrument is None:
            raise ValueError("an instrument source needs the instrument id")
        if self.source != "instrument" and (self.instrument or self.version or self.derivations):
            raise ValueError(
                "instrument, version and derivations belong to an instrument source only"
            )
        return self

    def derivation(self, field: str) -> Derivation | None:
        """How the value of ``field`` was derived from a score (None: not from a score)."""
        return next((d for d in self.derivations if d.field == field), None)

    def describe(self) -> str:
        """Plain words: ``"TRS v1, 2024-05-02"``, ``"clinician rating"``, ``"stated"``."""
        if self.source == "instrument":
            text = str(self.instrument)
            if self.version:
                text += f" v{self.version}"
        else:
            text = {"clinician_rating": "clinician rating", "stated": "patient's statement"}[
                self.source
            ]
        if self.assessed_on is not None:
            text += f", {self.assessed_on.isoformat()}"
        return text


class Assessed(_Frozen, Generic[V]):
    """One rated value with its provenance (e.g. reactance ``high`` from a clinician)."""

    value: V
    provenance: Provenance


class Preference(_Frozen):
    """A patient's preference on one aspect of therapy, and how strongly it is held.

    Strength matters: strong preferences are accommodated when possible (Swift et al. 2018),
    while mild or moderate preferences about the therapist's gender, ethnicity or religion
    are not a reason for routine matching (Norcross & Wampold 2011).
    """

    aspect: str
    value: str
    strength: Strength
    provenance: Provenance


class Culture(_Frozen):
    """Cultural identity, the preferred language (BCP 47) and whether adaptation is wanted."""

    preferred_language: str | None = None
    identity: str | None = None
    wants_adaptation: bool | None = None
    provenance: Provenance


class ReligionSpirituality(_Frozen):
    """How much religion/spirituality matters and whether the patient wants it integrated."""

    importance: Importance | None = None
    wants_integration: bool | None = None
    provenance: Provenance


class Attachment(_Frozen):
    """Attachment anxiety and avoidance as ECR-R style subscale means (1–7)."""

    anxiety: float | None = Field(default=None, ge=1.0, le=7.0)
    avoidance: float | None = Field(default=None, ge=1.0, le=7.0)
    provenance: Provenance


class Expectations(_Frozen):
    """Outcome expectation (will therapy help?) and credibility (does it make sense?)."""

    outcome: Level | None = None
    credibility: Level | None = None
    provenance: Provenance


class ProfileFlag(_Frozen):
    """A flag raised while scoring an instrument given in the profile (e.g. a risk item)."""

    id: str
    severity: Literal["critical", "warning", "info"]
    dimension: str
    instrument: str
    item: str
    message: str
    kind: Literal["endorsed", "unanswered"] = "endorsed"
    answer: float | None = None

    @property
    def endorsed(self) -> bool:
        """True when the risk item was endorsed (not merely left unanswered)."""
        return self.kind == "endorsed"


class Profile(_Frozen):
    """What is known about one patient, each value with its provenance.

    Every dimension is optional: a missing dimension is *not assessed*, and the plan says how
    to assess it instead of guessing.
    """

    reactance: Assessed[Level] | None = None
    stage_of_change: Assessed[Stage] | None = None
    coping_style: Assessed[CopingStyle] | None = None
    preferences: tuple[Preference, ...] = ()
    culture: Culture | None = None
    religion_spirituality: ReligionSpirituality | None = None
    attachment: Attachment | None = None
    expectations: Expectations | None = None
    functional_impairment: Assessed[Level] | None = None
    distress: Assessed[Level] | None = None
    flags: tuple[ProfileFlag, ...] = ()

    def is_assessed(self, dimension: str) -> bool:
        """True when the dimension has a value (for preferences: at least one)."""
        value = getattr(self, dimension)
        if dimension == "preferences":
            return bool(value)
        return value is not None

    def value_at(self, path: str) -> tuple[str | float | bool, Provenance] | None:
        """The value of a scalar field by dotted path, with its provenance, or ``None``.

        ``path`` is one of :data:`attunement.profile.PROFILE_FIELDS` (``"reactance"``,
        ``"attachment.anxiety"`` ...); preferences are reached through :attr:`preferences`.
        """
        head, _, tail = path.partition(".")
        holder = getattr(self, head)
        if holder is None:
            return None
        value = getattr(holder, tail) if tail else holder.value
        if value is None:
            return None
        return value, holder.provenance
