"""Typed, immutable models of the evidence base.

An :class:`Element` is one chapter of *Psychotherapy Relationships That Work* (Norcross, 2nd ed.
2011; Norcross & Lambert / Norcross & Wampold, 3rd ed. 2018): a relationship element or an
adaptation to the patient. It carries the task-force verdict per edition, the meta-analytic
findings (each with its citation and whether it was read in the source or only second-hand, in a
secondary summary of the book) and plain-language practice recommendations.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from attunement._model_config import FROZEN
from attunement.errors import AttunementError, InputError, UnknownElement
from attunement.evidence._outcome_benchmarks import OutcomeBenchmark
from attunement.stats import as_d

__all__ = [
    "NO_VERDICT",
    "VERDICTS",
    "Benchmark",
    "EffectSize",
    "Element",
    "EvidenceBase",
    "Finding",
    "Kind",
    "MatchingCaution",
    "Metric",
    "NarrativeFinding",
    "NoVerifiedFinding",
    "Status",
    "Verdict",
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Metric = Literal["r", "d", "g", "OR"]
Status = Literal["verified", "summary-only"]
Kind = Literal["relationship", "adaptation"]
Edition = Literal[1, 2, 3]

NO_VERDICT = "no verified verdict"
#: Verdict wordings, strongest first (Norcross & Wampold 2011; Norcross & Lambert 2018).
VERDICTS: tuple[str, ...] = (
    "demonstrably effective",
    "probably effective",
    "promising",
    "related to outcome; insufficient research as a means of adaptation",
    "research insufficient",
    NO_VERDICT,
)
VerdictText = Literal[
    "demonstrably effective",
    "probably effective",
    "promising",
    "related to outcome; insufficient research as a means of adaptation",
    "research insufficient",
]


class NoVerifiedFinding(AttunementError):
    """The element has no verified numeric finding (e.g. the research is insufficient)."""

    def __init__(self, element_id: str, verdict: str) -> None:
        super().__init__(f"element {element_id!r} has no verified effect size; verdict: {verdict}")
        self.element_id = element_id


class _Frozen(BaseModel):
    model_config = FROZEN


class EffectSize(_Frozen):
    """The same result as published in a second metric (e.g. r = .278 *and* d = .579)."""

    metric: Metric
    value: float


class Verdict(_Frozen):
    """The task force's judgement of an element in one edition."""

    edition: Edition
    verdict: VerdictText
    source: Text
    note: Text | None = None


class _Study(_Frozen):
    authors: Text
    year: int = Field(ge=1950, le=2100)
    edition: Edition | None = None
    k: int | None = Field(default=None, ge=1)
    n: int | None = Field(default=None, ge=1)
    k_text: Text | None = None
    n_text: Text | None = None
    source: Text
    status: Status
    note: Text | None = None

    @model_validator(mode="after")
    def _summary_only_says_which_is_which(self) -> _Study:
        if self.status == "summary-only" and self.note is None:
            raise ValueError(
                "a summary-only figure needs a note saying how it relates to the primary source"
            )
        return self


class Finding(_Study):
    """One meta-analytic result: who, when, how many studies (k) and patients (n), how large.

    ``k_text``/``n_text`` keep the published wording when it is not a plain count
    (">30,000", "82 samples"); ``k``/``n`` then hold the count or the stated lower bound.
    ``outcome`` names a specific outcome (dropout, spiritual outcomes); ``scope`` a subset
    of studies or a facet of the element (internet-delivered therapy, not-on-track clients).
    """

    metric: Metric
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    also: tuple[EffectSize, ...] = ()
    outcome: Text | None = None
    scope: Text | None = None

    @model_validator(mode="after")
    def _consistent_numbers(self) -> Finding:
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("give both ci_low and ci_high, or neither")
        if (
            self.ci_low is not None
            and self.ci_high is not None
            and not self.ci_low <= self.value <= self.ci_high
        ):
            raise ValueError(
                f"value {self.value} lies outside its CI [{self.ci_low}, {self.ci_high}]"
            )
        for size in (EffectSize(metric=self.metric, value=self.value), *self.also):
            try:
                as_d(size.metric, size.value)  # every figure has a place on the d scale
            except InputError as error:
                raise ValueError(error.message) from None
        return self

    @property
    def is_overall(self) -> bool:
        """True when the figure is for the element as a whole on the usual outcome."""
        return self.outcome is None and self.scope is None


class NarrativeFinding(_Study):
    """A published result without a single effect size ("outcome research nearly nonexistent")."""

    summary: Text


class Element(_Frozen):
    """One relationship element or adaptation, with its verdicts, findings and practice advice."""

    id: Text
    name: Text
    kind: Kind
    definition: Text
    verdicts: tuple[Verdict, ...] = ()
    findings: tuple[Finding, ...] = ()
    narrative: tuple[NarrativeFinding, ...] = ()
    recommendations: tuple[Text, ...]
    recommendations_source: Text

    @model_validator(mode="after")
    def _has_evidence(self) -> Element:
        editions = [v.edition for v in self.verdicts]
        if len(editions) != len(set(editions)):
            raise ValueError("verdicts: one verdict per edition")
        if not self.findings and not self.narrative:
            raise ValueError("an element needs at least one finding or narrative finding")
        if not any(f.status == "verified" for f in self.findings) and (
            self.verdict != "research insufficient"
        ):
            raise ValueError(
                "no verified finding: allowed only when the newest verdict is "
                "'research insufficient'"
            )
        if not self.recommendations:
            raise ValueError("recommendations: give at least one practice recommendation")
        return self

    @property
    def verdict(self) -> str:
        """The newest edition's verdict, or ``NO_VERDICT`` when none is verified."""
        if not self.verdicts:
            return NO_VERDICT
        return max(self.verdicts, key=lambda v: v.edition).verdict

    @property
    def headline_or_none(self) -> Finding | None:
        """Like :attr:`headline`, but ``None`` when there is no verified finding."""
        verified = [f for f in self.findings if f.status == "verified"]
        if not verified:
            return None
        overall = [f for f in verified if f.is_overall] or verified
        newest = max((f.year, f.edition or 0) for f in overall)
        # Among the newest, the first in the file wins: files list the main result first.
        return next(f for f in overall if (f.year, f.edition or 0) == newest)

    @property
    def headline(self) -> Finding:
        """The newest verified finding for the element as a whole (else the newest verified).

        Raises
        ------
        NoVerifiedFinding
            When the element has no verified numeric finding (sexual orientation and gender
            identity: research insufficient).
        """
        found = self.headline_or_none
        if found is None:
            raise NoVerifiedFinding(self.id, self.verdict)
        return found

    def to_json_dict(self) -> dict[str, Any]:
        """The element as JSON-ready data, with ``verdict`` and ``headline`` resolved."""
        data = self.model_dump(mode="json")
        headline = self.headline_or_none
        data["verdict"] = self.verdict
        data["headline"] = None if headline is None else headline.model_dump(mode="json")
        return data


class MatchingCaution(_Frozen):
    """A patient characteristic the evidence does not support for routine therapist matching."""

    characteristic: Text
    name: Text
    preference_aspect: Text
    condition: Text
    source: Text
    status: Status
    note: Text | None = None


class Benchmark(_Frozen):
    """A reference figure that puts the element effects in context (e.g. therapy vs none)."""

    id: Text
    name: Text
    description: Text
    findings: tuple[Finding, ...] = Field(min_length=1)


class EvidenceBase(_Frozen):
    """All elements, the matching cautions, the reference benchmarks and the outcome
    benchmarks of routine care, as loaded and validated."""

    elements: tuple[Element, ...]
    not_for_routine_matching: tuple[MatchingCaution, ...] = ()
    benchmarks: tuple[Benchmark, ...] = ()
    outcome_benchmarks: tuple[OutcomeBenchmark, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """Element ids in load order (relationship elements first, then adaptations)."""
        return tuple(e.id for e in self.elements)

    def element(self, id: str) -> Element:
        """The element with this id.

        Raises
        ------
        UnknownElement
            Naming the id given and the known ids.
        """
        for candidate in self.elements:
            if candidate.id == id:
                return candidate
        raise UnknownElement(id, self.ids)

    def benchmark(self, id: str) -> Benchmark:
        """The benchmark with this id (``KeyError`` if none: benchmarks are fixed data)."""
        for candidate in self.benchmarks:
            if candidate.id == id:
                return candidate
        raise KeyError(id)
