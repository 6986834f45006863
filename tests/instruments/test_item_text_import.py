"""Importing the clinic's licensed item text (and an unverified key) into a named directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from attunement.errors import DefinitionError
from attunement.instruments import (
    import_item_text,
    load_imported_text,
    load_instrument,
    score,
    with_imported_text,
)


def _yaml_for(instrument_id: str, extra: str = "") -> str:
    items = "\n".join(
        f"  {item}: {{en: 'Licensed text {item}', es: 'Texto {item}'}}"
        for item in load_instrument(instrument_id).item_ids
    )
    return f"instrument: {instrument_id}\nsource: clinic licence 2025\nitems:\n{items}\n{extra}"


def test_yaml_import_is_stored_in_the_given_directory_and_fills_the_text(tmp_path: Path) -> None:
    source = tmp_path / "wai.yaml"
    source.write_text(_yaml_for("wai_sr"), encoding="utf-8")
    stored = import_item_text(load_instrument("wai_sr"), source, tmp_path / "store")
    assert stored == tmp_path / "store" / "instrument-text" / "wai_sr.json"
    imported = load_imported_text("wai_sr", tmp_path / "store")
    definition = with_imported_text(load_instrument("wai_sr"), imported)
    assert definition.items[0].text == {"en": "Licensed text wai_sr_1", "es": "Texto wai_sr_1"}
    assert definition.languages == ("en", "es")
    assert load_instrument("wai_sr").items[0].text is None  # the packaged one is untouched


def test_csv_import_with_one_column_per_language(tmp_path: Path) -> None:
    hprs = load_instrument("hprs")
    lines = ["item,en"] + [f'{item},"Text, with comma {item}"' for item in hprs.item_ids]
    source = tmp_path / "hprs.csv"
    source.write_text("\n".join(lines), encoding="utf-8")
    import_item_text(hprs, source, tmp_path)
    imported = load_imported_text("hprs", tmp_path)
    assert imported is not None
    assert imported.items["hprs_1"] == {"en": "Text, with comma hprs_1"}


def test_an_unknown_item_id_is_refused_naming_file_and_item(tmp_path: Path) -> None:
    source = tmp_path / "urica.yaml"
    source.write_text(_yaml_for("urica") + "  urica_33: {en: x, es: y}\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"urica.yaml:\d+: items.urica_33: no such item"):
        import_item_text(load_instrument("urica"), source, tmp_path)
    assert load_imported_text("urica", tmp_path) is None


def test_every_item_needs_text(tmp_path: Path) -> None:
    source = tmp_path / "ceq.yaml"
    source.write_text("items:\n  ceq_1: only one\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"ceq.yaml:1: items: no text for ceq_2"):
        import_item_text(load_instrument("ceq"), source, tmp_path)


def test_instruments_that_ship_text_need_no_import(tmp_path: Path) -> None:
    source = tmp_path / "phq9.yaml"
    source.write_text(_yaml_for("phq9"), encoding="utf-8")
    with pytest.raises(DefinitionError, match="ships its own item text"):
        import_item_text(load_instrument("phq9"), source, tmp_path)


def test_an_imported_key_makes_the_trs_scorable(tmp_path: Path) -> None:
    trs = load_instrument("trs")
    source = tmp_path / "trs.yaml"
    source.write_text(
        _yaml_for("trs", "key:\n  total: {reverse: [trs_1, trs_2]}\n"), encoding="utf-8"
    )
    import_item_text(trs, source, tmp_path)
    keyed = with_imported_text(trs, load_imported_text("trs", tmp_path))
    assert keyed.scale("total").key_status == "imported"
    answers = [4, 4] + [1] * 26  # reversed items score 1 + 4 - 4 = 1
    assert score(keyed, answers).scales["total"].value == 28


def test_a_key_may_not_be_imported_for_a_verified_scale(tmp_path: Path) -> None:
    source = tmp_path / "ecr.yaml"
    source.write_text(
        _yaml_for("ecr_r", "key:\n  anxiety: {reverse: [ecr_r_1]}\n"), encoding="utf-8"
    )
    with pytest.raises(DefinitionError, match="keys may be imported only for"):
        import_item_text(load_instrument("ecr_r"), source, tmp_path)
