"""The report's fixed data: its translations."""

from __future__ import annotations

import pytest

from attunement.reports import LANGUAGES, supported_language
from attunement.reports._i18n import all_keys, band_label, entry, text


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
