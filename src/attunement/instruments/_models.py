"""Instrument definitions as typed, immutable models.

A definition is clinical knowledge stored as data (``definitions/*.yaml``): the items, the
response options per language, the scales with their keys and missing-item rules, the
published bands and cut-offs, the change norms used by monitoring, the risk flags, the
licence and the LOINC codes. Every figure carries the source it was read from; a threshold
that no source gives is stated as an ``assumption`` with its reasoning.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from attunement._model_config import FROZEN
from attunement.knowledge import PrimarySource, format_references

__all__ = [
    "Band",
    "Bands",
    "ChangeRule",
    "Cutoff",
    "Direction",
    "FlagRule",
    "InstrumentChangeNorms",
    "InstrumentDefinition",
    "Item",
    "KeyStatus",
    "Licence",
    "Loinc",
    "MeasureRole",
    "MissingRule",
    "ProfileMapping",
    "ProfileOutput",
    "ResponseOption",
    "ScaleDefinition",
    "ScaleDirection",
    "Severity",
]

Direction = Literal["higher_is_worse", "higher_is_better"]
#: What an episode may use an instrument for (``roles:`` in each definition): the
#: ``outcome`` and ``alliance`` measures of an episode are chosen only from instruments
#: declaring that role; ``profile`` feeds the tailoring profile; ``screening`` is for
#: case-finding, not session-by-session monitoring.
MeasureRole = Literal["outcome", "alliance", "profile", "screening"]
#: ``neutral``: neither end is better (religiosity, preferences, stage indicators).
ScaleDirection = Literal["higher_is_worse", "higher_is_better", "neutral"]
Severity = Literal["critical", "warning", "info"]
#: verified: read from a source; convention: fixed by how answers are recorded here;
#: unverified: not confirmed, the scale stays unscorable until a key is imported.
KeyStatus = Literal["verified", "convention", "unverified", "imported"]
Text = dict[str, str]


class Licence(BaseModel):
    """Who holds the rights and whether the item text may ship with Attunement."""

    model_config = FROZEN

    name: str = Field(min_length=1)
    item_text_ships: bool
    notice: Text = Field(default_factory=dict)
    source: str = Field(min_length=1)


class ResponseOption(BaseModel):
    """One answer: its scored value and its label per language (may be empty)."""

    model_config = FROZEN

    value: int
    label: Text = Field(default_factory=dict)


class Item(BaseModel):
    """One question. ``text`` is None when the licensed user supplies it (import-text)."""

    model_config = FROZEN

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: Text | None = None
    responses: str = "default"
    note: str | None = None


class MissingRule(BaseModel):
    """How many items of a scale may be missing, and what is done about them.

    ``prorate``: a sum is rescaled to all items (total x items / answered, i.e. each missing
    item replaced by the mean of the answered ones); mean-based methods use the answered
    items. ``round_half_up`` rounds the prorated value (K10: round(sum / 9 x 10)).
    """

    model_config = FROZEN

    max_missing: int | None = Field(default=0, ge=0)
    max_missing_fraction: float | None = Field(default=None, ge=0, le=1)
    rounding: Literal["none", "round_half_up"] = "none"
    source: str = Field(min_length=1)


class Band(BaseModel):
    """A published band: applies from ``from_`` (inclusive) up to the next band.

    ``label`` is the published English label: the band's id in scores and exports, and the
    gettext message id of its translations (Babel extracts it from the YAML; README,
    "Translations").
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)

    from_: float = Field(alias="from")
    label: str = Field(min_length=1)


class Bands(BaseModel):
    """The bands of a scale, in ascending order, with where they were read."""

    model_config = FROZEN

    levels: tuple[Band, ...] = Field(min_length=1)
    source: str = Field(min_length=1)


class CutoffConvention(BaseModel):
    """Another service's caseness cut-off for the same scale, with its source."""

    model_config = FROZEN

    value: float
    source: str = Field(min_length=1)


class Cutoff(BaseModel):
    """The clinical cut-off: a score at or beyond ``value`` (toward worse) is clinical.

    ``value`` is the instrument's published cut-off; ``conventions`` names other caseness
    cut-offs in use (e.g. GAD-7: NHS Talking Therapies 8 beside Spitzer et al.'s 10), which
    monitoring applies when a clinic chooses that convention.
    """

    model_config = FROZEN

    value: float
    source: str = Field(min_length=1)
    conventions: dict[str, CutoffConvention] = {}

    @model_validator(mode="after")
    def _convention_names(self) -> Cutoff:
        for name in self.conventions:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name == "published":
                raise ValueError(f"convention name {name!r}: lower_snake_case, not 'published'")
        return self


class InstrumentChangeNorms(BaseModel):
    """The figures monitoring needs for reliable and clinically significant change.

    Jacobson & Truax (1991): SE = SD·√(1 − r_xx); S_diff = √2·SE. Any figure not found in a
    source is None. ``sources`` are the figures' primary sources (what a clinical document
    prints, as :attr:`source`); ``verified_from`` is the maintainers' note of how they were
    checked (second-hand pages, notes files), kept in the data and never printed.
    """

    model_config = FROZEN

    sd: float | None = None
    reliability: float | None = Field(default=None, ge=0, le=1)
    published_rci: float | None = None
    clinical_mean: float | None = None
    clinical_sd: float | None = None
    normal_mean: float | None = None
    normal_sd: float | None = None
    cutoff: float | None = None
    direction: Direction = "higher_is_worse"
    sources: tuple[PrimarySource, ...] = Field(min_length=1)
    verified_from: str | None = None
    note: str | None = None

    @property
    def source(self) -> str:
        """The primary sources in the one citation layout (``wording.format_reference``)."""
        return format_references(self.sources)


class ChangeRule(BaseModel):
    """Response or remission: a relative reduction from intake, or a score below a value."""

    model_config = FROZEN

    kind: Literal["relative_reduction", "below"]
    threshold: float
    source: str = Field(min_length=1)


class ScaleDefinition(BaseModel):
    """One scale: which items, how keyed, how combined, how banded.

    Methods: ``sum`` of keyed items; ``mean`` of the answered keyed items; ``scaled``:
    total x multiplier / answered (CORE-10 clinical score = 10 x total / answered);
    ``composite``: a weighted sum of other scales (URICA readiness = C + A + M − PC).
    A reversed item scores min + max − answer (ECR-R: 8 − x).
    """

    model_config = FROZEN

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    items: tuple[str, ...] = ()
    reverse: tuple[str, ...] = ()
    key_status: KeyStatus = "verified"
    key_source: str = Field(min_length=1)
    method: Literal["sum", "mean", "scaled", "composite"]
    multiplier: float | None = None
    terms: dict[str, float] | None = None
    missing: MissingRule | None = None
    range: tuple[float, float]
    bands: Bands | None = None
    cutoff: Cutoff | None = None
    direction: ScaleDirection = "higher_is_worse"
    #: decimals its scores are shown with (default by method: ``wording.scale_digits``)
    decimals: int | None = Field(default=None, ge=0, le=3)
    norms: InstrumentChangeNorms | None = None
    response: ChangeRule | None = None
    remission: ChangeRule | None = None
    note: str | None = None


class FlagRule(BaseModel):
    """A risk item: an answer above ``above`` raises this flag in every output."""

    model_config = FROZEN

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    item: str
    above: float
    severity: Severity = "critical"
    message: Text
    unanswered_message: Text | None = None
    source: str = Field(min_length=1)


class Loinc(BaseModel):
    """LOINC codes where they exist (panel, total score, items, answer list)."""

    model_config = FROZEN

    panel: str | None = None
    total: str | None = None
    items: dict[str, str] = Field(default_factory=dict)
    answers: dict[int, str] = Field(default_factory=dict)
    source: str = Field(min_length=1)


class ProfileOutput(BaseModel):
    """One profile value a scale gives: a level, a stage, a number or a preference.

    Rules: ``levels`` (label of the last level whose ``from`` the value reaches),
    ``nearest_mean`` (label of the closest group mean), ``value`` (the number itself),
    ``preference`` (the pole by sign, the strength by |value| against ``levels``).
    Each output has a ``source`` or, where none was found, an explicit ``assumption``.
    """

    model_config = FROZEN

    key: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)?$")
    scale: str
    rule: Literal["levels", "nearest_mean", "value", "preference"]
    levels: tuple[Band, ...] = ()
    groups: dict[str, float] = Field(default_factory=dict)
    aspect: str | None = None
    positive: str | None = None
    negative: str | None = None
    source: str | None = None
    assumption: str | None = None


class ProfileMapping(BaseModel):
    """How a score feeds the patient profile (see ``to_profile_values``)."""

    model_config = FROZEN

    outputs: tuple[ProfileOutput, ...] = Field(min_length=1)


class InstrumentDefinition(BaseModel):
    """A whole instrument, validated on load (see ``load_instrument``)."""

    model_config = FROZEN

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    kind: Literal["self_report", "clinician_rating"] = "self_report"
    citation: str = Field(min_length=1)
    licence: Licence
    languages: tuple[str, ...] = Field(min_length=1)
    roles: tuple[MeasureRole, ...] = Field(min_length=1)
    instructions: Text | None = None
    text_source: str | None = None
    label: str | None = None
    response_sets: dict[str, tuple[ResponseOption, ...]]
    items: tuple[Item, ...] = Field(min_length=1)
    scales: tuple[ScaleDefinition, ...] = Field(min_length=1)
    flags: tuple[FlagRule, ...] = ()
    loinc: Loinc | None = None
    profile: ProfileMapping | None = None
    caveats: tuple[str, ...] = ()

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The item ids in administration order (the order of an answer list)."""
        return tuple(item.id for item in self.items)

    @property
    def text_available(self) -> bool:
        """True when every item has text (packaged or imported)."""
        return all(item.text for item in self.items)

    @property
    def monitored_scale(self) -> ScaleDefinition:
        """The scale routine monitoring follows: the first with change norms, else the first.

        The one place that decides it (PHQ-9: the total; CORE-10: the clinical score).
        """
        return next((s for s in self.scales if s.norms is not None), self.scales[0])

    def scale(self, scale_id: str) -> ScaleDefinition:
        """The scale with this id (KeyError if absent)."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    def flag_message(self, flag_id: str, language: str) -> str | None:
        """A risk flag's message in ``language`` (else English), None for an unknown flag.

        ``flag_id`` is a rule id, or a rule id + ``_unanswered`` for the blank-item flag.
        Risk messages are instructions for the clinician: adapters ask for them in the
        clinic's language, whatever language the patient answered in.
        """
        for rule in self.flags:
            texts = None
            if flag_id == rule.id:
                texts = rule.message
            elif flag_id == f"{rule.id}_unanswered":
                texts = rule.unanswered_message
            if texts:
                return texts.get(language) or texts.get("en") or next(iter(texts.values()))
        return None

    def allowed_values(self, item_id: str) -> tuple[int, ...]:
        """The answer values allowed for one item."""
        for item in self.items:
            if item.id == item_id:
                return tuple(option.value for option in self.response_sets[item.responses])
        raise KeyError(item_id)
