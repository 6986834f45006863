"""Published outcome benchmarks of routine care: evidence with their sources (issue 17)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from attunement.errors import DefinitionError
from attunement.evidence import compare_to_benchmark, load_evidence, load_evidence_from


def _load_with(folder: Path, raw: object) -> None:
    """Load the packaged evidence with ``raw`` as its outcome_benchmarks.yaml."""
    data = resources.files("attunement.evidence").joinpath("data")
    for entry in data.iterdir():
        if entry.name.endswith(".yaml"):
            shutil.copyfile(str(entry), folder / entry.name)
    (folder / "outcome_benchmarks.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    load_evidence_from(folder)


def test_packaged_benchmarks_carry_the_published_figures_and_their_sources() -> None:
    benchmarks = {b.id: b for b in load_evidence().outcome_benchmarks}
    iapt = benchmarks["wakefield2021_iapt_depression"]
    assert (iapt.value, iapt.ci_low, iapt.ci_high) == (0.87, 0.78, 0.96)
    assert "10.1111/bjc.12259" in iapt.source
    routine = benchmarks["gaskell2022_routine_depression"]
    assert (routine.value, routine.ci_low, routine.ci_high, routine.k) == (0.96, 0.88, 1.04, 122)
    assert "10.1007/s10488-022-01225-y" in routine.source
    assert benchmarks["lambert_session8_reliable_improvement"].approximate
    assert all(len(b.source) > 40 for b in benchmarks.values())


def test_a_benchmark_without_a_source_is_refused_naming_the_field(tmp_path: Path) -> None:
    raw = {
        "benchmarks": [
            {"id": "x", "label": "X", "compare_with": "pre_post_d", "metric": "d", "value": 1}
        ]
    }
    with pytest.raises(
        DefinitionError, match=r"outcome_benchmarks.yaml:\d+: benchmarks\[0\]\.source"
    ):
        _load_with(tmp_path, raw)


def test_an_unknown_benchmark_field_is_refused(tmp_path: Path) -> None:
    raw = {"benchmarks": [{**load_evidence().outcome_benchmarks[0].model_dump(), "colour": "red"}]}
    with pytest.raises(DefinitionError, match="colour"):
        _load_with(tmp_path, raw)


def test_comparison_says_overlapping_unless_the_intervals_are_apart() -> None:
    iapt = load_evidence().outcome_benchmarks[0]
    assert compare_to_benchmark(iapt, 0.9, 0.8, 1.0).relation == "overlapping"
    assert compare_to_benchmark(iapt, 1.2, 1.0, 1.4).relation == "above"
    assert compare_to_benchmark(iapt, 0.5, 0.4, 0.6).relation == "below"
    assert compare_to_benchmark(iapt, None).relation == "not_available"
    point = load_evidence().outcome_benchmarks[2]
    assert compare_to_benchmark(point, 0.55, 0.45, 0.65).relation == "within"
