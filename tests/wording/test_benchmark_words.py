"""A published outcome benchmark in the reader's language (issue 16): its label, what its k
counts and its caveat are knowledge texts; its figures and sources stay as published."""

from __future__ import annotations

from attunement.evidence import load_evidence
from attunement.wording import outcome_benchmarks_in


def test_a_benchmarks_caveat_and_k_note_read_in_spanish() -> None:
    english = {b.id: b for b in load_evidence().outcome_benchmarks}
    spanish = {b.id: b for b in outcome_benchmarks_in(english.values(), "es")}
    iapt = spanish["wakefield2021_iapt_depression"]
    assert iapt.k_note == (
        "estudios del metaanálisis (todos los resultados); la k específica de depresión no "
        "figura en el resumen"
    )
    assert iapt.caveat is not None
    assert iapt.caveat.startswith("tamaños del efecto pre–post")
    assert "22%" in (spanish["lambert_session8_reliable_improvement"].caveat or "")


def test_every_benchmark_caveat_is_translated_and_its_figures_and_sources_kept() -> None:
    english = load_evidence().outcome_benchmarks
    for before, after in zip(english, outcome_benchmarks_in(english, "es"), strict=True):
        for field in ("label", "k_note", "caveat"):
            if getattr(before, field) is not None:
                assert getattr(after, field) != getattr(before, field), (before.id, field)
        assert (after.value, after.k, after.source) == (before.value, before.k, before.source)


def test_in_english_a_benchmark_is_as_published() -> None:
    english = load_evidence().outcome_benchmarks
    assert outcome_benchmarks_in(english, "en") == tuple(english)
