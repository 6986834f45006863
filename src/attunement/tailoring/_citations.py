"""Resolve a rule's evidence references against :mod:`attunement.evidence`.

Rules name *which* finding they rest on (element, outcome, scope, edition); the numbers
(k, N, metric, value, CI, source) always come from the evidence base, so a corrected figure
there corrects every plan. The strength of a citation — the element's verdict, then the
size of its effect on a common d scale (:func:`attunement.stats.as_d`)
— orders the recommendations.
"""

from __future__ import annotations

from attunement.errors import UnknownElement
from attunement.evidence import (
    VERDICTS,
    Element,
    EvidenceBase,
    Finding,
    NarrativeFinding,
)
from attunement.stats import as_d
from attunement.tailoring._models import EvidenceCitation
from attunement.tailoring._rulebook import EvidenceRef

__all__ = ["UnresolvedEvidence", "cite", "strength_key"]


class UnresolvedEvidence(LookupError):
    """An evidence reference selects no finding (message says which and why)."""


def cite(ref: EvidenceRef, evidence: EvidenceBase, aspect: str | None = None) -> EvidenceCitation:
    """The citation a reference selects.

    Parameters
    ----------
    aspect
        The preference aspect, for ``caution: from_preference`` references.

    Raises
    ------
    UnresolvedEvidence
        The element, caution or finding does not exist.
    """
    if ref.caution is not None:
        return _caution(ref, evidence, aspect)
    if ref.element is None:
        raise UnresolvedEvidence("a reference needs element or caution")
    try:
        element = evidence.element(ref.element)
    except UnknownElement as error:
        raise UnresolvedEvidence(error.message) from None
    if ref.narrative:
        return _from_narrative(ref, element)
    candidates = [
        f
        for f in element.findings
        if f.status == ref.status
        and f.outcome == ref.outcome
        and f.scope == ref.scope
        and (ref.edition is None or f.edition == ref.edition)
        and (ref.year is None or f.year == ref.year)
    ]
    if not candidates:
        raise UnresolvedEvidence(
            f"element {element.id!r} has no {ref.status} finding with outcome={ref.outcome!r}, "
            f"scope={ref.scope!r}, edition={ref.edition!r}, year={ref.year!r}"
        )
    newest = max((f.year, f.edition or 0) for f in candidates)
    finding = next(f for f in candidates if (f.year, f.edition or 0) == newest)
    return _from_finding(ref, element, finding)


def strength_key(citation: EvidenceCitation) -> tuple[int, float]:
    """Sort key, strongest first: verdict rank, then minus the absolute effect as d."""
    rank = VERDICTS.index(citation.verdict) if citation.verdict in VERDICTS else len(VERDICTS)
    return (rank, -abs(effect_as_d(citation)))


def effect_as_d(citation: EvidenceCitation) -> float:
    """The citation's effect on the d scale (0 when it has no number)."""
    if citation.value is None or citation.metric is None:
        return 0.0
    return as_d(citation.metric, citation.value)


def _from_finding(ref: EvidenceRef, element: Element, finding: Finding) -> EvidenceCitation:
    return EvidenceCitation(
        element=element.id,
        element_name=element.name,
        verdict=element.verdict,
        authors=finding.authors,
        year=finding.year,
        edition=finding.edition,
        k=finding.k,
        k_text=finding.k_text,
        n=finding.n,
        n_text=finding.n_text,
        metric=finding.metric,
        value=finding.value,
        ci_low=finding.ci_low,
        ci_high=finding.ci_high,
        outcome=finding.outcome,
        scope=finding.scope,
        source=finding.source,
        status=finding.status,
        note=finding.note,
        why=ref.why,
    )


def _from_narrative(ref: EvidenceRef, element: Element) -> EvidenceCitation:
    candidates: list[NarrativeFinding] = [
        f
        for f in element.narrative
        if f.status == ref.status
        and (ref.edition is None or f.edition == ref.edition)
        and (ref.year is None or f.year == ref.year)
    ]
    if not candidates:
        raise UnresolvedEvidence(
            f"element {element.id!r} has no {ref.status} narrative finding with "
            f"edition={ref.edition!r}, year={ref.year!r}"
        )
    newest = max((f.year, f.edition or 0) for f in candidates)
    finding = next(f for f in candidates if (f.year, f.edition or 0) == newest)
    return EvidenceCitation(
        element=element.id,
        element_name=element.name,
        verdict=element.verdict,
        authors=finding.authors,
        year=finding.year,
        edition=finding.edition,
        k=finding.k,
        k_text=finding.k_text,
        n=finding.n,
        n_text=finding.n_text,
        statement=finding.summary,
        source=finding.source,
        status=finding.status,
        note=finding.note,
        why=ref.why,
    )


def _caution(ref: EvidenceRef, evidence: EvidenceBase, aspect: str | None) -> EvidenceCitation:
    cautions = evidence.not_for_routine_matching
    if ref.caution == "from_preference":
        found = [c for c in cautions if c.preference_aspect == aspect]
    else:
        found = [c for c in cautions if c.characteristic == ref.caution]
    if not found:
        wanted = f"aspect {aspect!r}" if ref.caution == "from_preference" else repr(ref.caution)
        raise UnresolvedEvidence(f"no not-for-routine-matching entry for {wanted}")
    caution = found[0]
    return EvidenceCitation(
        element="preferences",
        element_name=f"Not for routine matching: {caution.name}",
        caution_name=caution.name,
        verdict="not supported for routine matching",
        statement=caution.condition,
        source=caution.source,
        status=caution.status,
        note=caution.note,
        why=ref.why,
    )
