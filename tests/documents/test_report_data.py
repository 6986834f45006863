"""The report's fixed data: translations and published benchmarks with their sources."""

from __future__ import annotations

import pytest
import yaml

from attunement.documents import LANGUAGES, load_benchmarks, supported_language
from attunement.documents._benchmarks import compare, parse_benchmarks
from attunement.documents._i18n import all_keys, band_label, entry, text
from attunement.errors import DefinitionError


def test_every_string_exists_in_every_language() -> None:
    for key in all_keys():
        translations = entry(key)
        assert set(translations) == set(LANGUAGES), key
        assert all(value.strip() for value in translations.values()), key


@pytest.mark.parametrize(
    ("code", "language"),
    [("es", "es"), ("es-MX", "es"), ("en_GB", "en"), ("fr", "en"), (None, "en")],
)
def test_preferred_language_maps_to_a_report_language_or_english(
    code: str | None, language: str
) -> None:
    assert supported_language(code) == language


def test_placeholders_are_filled_and_bands_are_translated() -> None:
    assert text("outcome_title", "es", instrument="PHQ-9") == "PHQ-9 por sesión"
    assert band_label("moderately severe", "es") == "moderadamente grave"
    assert band_label("unheard-of band", "es") == "unheard-of band"


def test_packaged_benchmarks_carry_the_published_figures_and_their_sources() -> None:
    benchmarks = {b.id: b for b in load_benchmarks()}
    iapt = benchmarks["wakefield2021_iapt_depression"]
    assert (iapt.value, iapt.ci_low, iapt.ci_high) == (0.87, 0.78, 0.96)
    assert "10.1111/bjc.12259" in iapt.source
    routine = benchmarks["gaskell2022_routine_depression"]
    assert (routine.value, routine.ci_low, routine.ci_high, routine.k) == (0.96, 0.88, 1.04, 122)
    assert "10.1007/s10488-022-01225-y" in routine.source
    assert benchmarks["lambert_session8_reliable_improvement"].approximate
    assert all(len(b.source) > 40 for b in benchmarks.values())


def test_a_benchmark_without_a_source_is_refused_naming_the_field() -> None:
    raw = {
        "benchmarks": [
            {"id": "x", "label": "X", "compare_with": "pre_post_d", "metric": "d", "value": 1}
        ]
    }
    with pytest.raises(DefinitionError, match=r"benchmarks\[0\]\.source"):
        parse_benchmarks(yaml.safe_dump(raw), "test.yaml")


def test_an_unknown_benchmark_field_is_refused() -> None:
    raw = {"benchmarks": [{**load_benchmarks()[0].model_dump(), "colour": "red"}]}
    with pytest.raises(DefinitionError, match="colour"):
        parse_benchmarks(yaml.safe_dump(raw), "test.yaml")


def test_comparison_says_overlapping_unless_the_intervals_are_apart() -> None:
    iapt = load_benchmarks()[0]
    assert compare(iapt, 0.9, 0.8, 1.0).relation == "overlapping"
    assert compare(iapt, 1.2, 1.0, 1.4).relation == "above"
    assert compare(iapt, 0.5, 0.4, 0.6).relation == "below"
    assert compare(iapt, None).relation == "not_available"
    point = load_benchmarks()[2]
    assert compare(point, 0.55, 0.45, 0.65).relation == "within"
