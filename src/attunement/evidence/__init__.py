"""The evidence knowledge base: what the relationship and adaptation research says.

Each element (alliance, empathy, reactance, culture …) is a YAML file in ``data/`` with its
task-force verdict per edition, meta-analytic findings (k, N, r/d/g/OR, CI, citation,
verified or summary-only) and practice recommendations; ``load_evidence()`` validates and
caches them. The effect-size conversions are pure functions with their formulas.

The package imports no submodule itself: each name loads on first use (a status from the
knowledge cache needs none of it, issue 13).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.evidence._loader import load_evidence, load_evidence_from
    from attunement.evidence._models import (
        NO_VERDICT,
        VERDICTS,
        Benchmark,
        EffectSize,
        Element,
        EvidenceBase,
        Finding,
        Kind,
        MatchingCaution,
        Metric,
        NarrativeFinding,
        NoVerifiedFinding,
        Status,
        Verdict,
    )
    from attunement.evidence._outcome_benchmarks import (
        BenchmarkComparison,
        OutcomeBenchmark,
        compare_to_benchmark,
    )

__all__ = [
    "NO_VERDICT",
    "VERDICTS",
    "Benchmark",
    "BenchmarkComparison",
    "EffectSize",
    "Element",
    "EvidenceBase",
    "Finding",
    "Kind",
    "MatchingCaution",
    "Metric",
    "NarrativeFinding",
    "NoVerifiedFinding",
    "OutcomeBenchmark",
    "Status",
    "Verdict",
    "compare_to_benchmark",
    "load_evidence",
    "load_evidence_from",
]

_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_loader": (
        "load_evidence",
        "load_evidence_from",
    ),
    "_models": (
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
    ),
    "_outcome_benchmarks": (
        "BenchmarkComparison",
        "OutcomeBenchmark",
        "compare_to_benchmark",
    ),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
