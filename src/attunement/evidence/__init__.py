"""The evidence knowledge base: what the relationship and adaptation research says.

Each element (alliance, empathy, reactance, culture …) is a YAML file in ``data/`` with its
task-force verdict per edition, meta-analytic findings (k, N, r/d/g/OR, CI, citation,
verified or summary-only) and practice recommendations; ``load_evidence()`` validates and
caches them. The effect-size conversions are pure functions with their formulas.
"""

from __future__ import annotations

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
