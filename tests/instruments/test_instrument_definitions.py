"""The packaged definitions load, validate and say what they must (licence, text, sources)."""

from __future__ import annotations

import copy

import pytest
import yaml

from attunement.errors import DefinitionError, UnknownInstrument
from attunement.instruments import (
    INSTRUMENT_IDS,
    list_instruments,
    load_instrument,
    parse_definition,
)

SHIPPED = [
    "phq9",
    "gad7",
    "phq4",
    "k10",
    "core10",
    "cnip",
    "readiness_ruler",
    "durel",
    "brief_rcope",
    "urica",
    "wai_sr",
    "ecr_r",
    "ceq",
    "trs",
    "hprs",
    "reactance_rating",
    "coping_style_rating",
]
SCORING_ONLY = ("urica", "wai_sr", "ecr_r", "ceq", "trs", "hprs", "durel", "brief_rcope")
JUDGEMENT_AIDS = ("reactance_rating", "coping_style_rating")


def _raw(instrument_id: str) -> dict[str, object]:
    from importlib import resources

    path = resources.files("attunement.instruments") / "definitions" / f"{instrument_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_required_instrument_ships_with_its_exact_id() -> None:
    assert tuple(SHIPPED) == INSTRUMENT_IDS
    assert [d.id for d in list_instruments()] == SHIPPED


def test_unknown_instrument_names_the_known_ones() -> None:
    with pytest.raises(UnknownInstrument, match="phq9"):
        load_instrument("phq10")


@pytest.mark.parametrize("instrument_id", SCORING_ONLY)
def test_scoring_only_instruments_ship_no_item_text(instrument_id: str) -> None:
    definition = load_instrument(instrument_id)
    assert not definition.licence.item_text_ships
    assert all(item.text is None for item in definition.items)


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7", "phq4", "k10", "core10"])
def test_free_instruments_ship_text_with_their_own_notice(instrument_id: str) -> None:
    definition = load_instrument(instrument_id)
    assert definition.text_available
    assert definition.licence.notice["en"]


def test_k10_carries_the_who_copyright_and_core10_its_cc_by_nd_notice() -> None:
    assert "© World Health Organization 2003" in load_instrument("k10").licence.notice["en"]
    assert "NoDerivatives 4.0" in load_instrument("core10").licence.notice["en"]


def test_phq9_and_gad7_have_official_spanish_text_and_labels() -> None:
    phq9 = load_instrument("phq9")
    assert phq9.items[0].text == {
        "en": "Little interest or pleasure in doing things",
        "es": "Poco interés o placer en hacer cosas",
    }
    labels = [o.label["es"] for o in phq9.response_sets["default"]]
    assert labels == [
        "Ningún día",
        "Varios días",
        "Más de la mitad de los días",
        "Casi todos los días",
    ]
    assert "No se requiere permiso" in phq9.licence.notice["es"]
    assert load_instrument("gad7").languages == ("en", "es")


def test_gad7_zero_option_is_not_at_all() -> None:
    assert load_instrument("gad7").response_sets["default"][0].label["en"] == "Not at all"


@pytest.mark.parametrize("instrument_id", JUDGEMENT_AIDS)
def test_clinician_rating_forms_are_labelled_judgement_aids(instrument_id: str) -> None:
    definition = load_instrument(instrument_id)
    assert definition.kind == "clinician_rating"
    assert definition.label == "clinician judgement aid, not a validated scale"


def test_every_profile_threshold_has_a_source_or_an_assumption() -> None:
    for definition in list_instruments():
        for output in definition.profile.outputs if definition.profile else ():
            assert output.source or output.assumption, (definition.id, output.key)


def test_phq9_carries_loinc_codes_and_change_rules() -> None:
    phq9 = load_instrument("phq9")
    assert phq9.loinc is not None
    assert phq9.loinc.panel == "44249-1"
    assert phq9.loinc.total == "44261-6"
    assert phq9.loinc.items["phq9_9"] == "44260-8"
    total = phq9.scale("total")
    assert total.response is not None
    assert total.response.threshold == 0.5
    assert total.remission is not None
    assert total.remission.threshold == 5
    assert total.norms is not None
    assert total.norms.published_rci == 6


def test_core10_norms_are_those_of_barkham_2013() -> None:
    norms = load_instrument("core10").scale("clinical").norms
    assert norms is not None
    assert (norms.reliability, norms.published_rci, norms.cutoff) == (0.90, 6, 11)
    assert (norms.normal_mean, norms.normal_sd) == (4.7, 4.8)
    assert (norms.clinical_mean, norms.clinical_sd) == (19.7, 7.7)


def test_an_unknown_field_is_refused_naming_file_and_field() -> None:
    data = _raw("phq9")
    data["scales"][0]["colour"] = "red"  # type: ignore[index]
    with pytest.raises(DefinitionError) as error:
        parse_definition(data, "phq9.yaml")
    assert error.value.source == "phq9.yaml"
    assert error.value.field == "scales[0].colour"
    assert "unknown field" in str(error.value)


def test_a_wrong_type_is_refused_naming_the_field() -> None:
    data = _raw("k10")
    data["scales"][0]["missing"]["max_missing"] = "one"  # type: ignore[index]
    with pytest.raises(DefinitionError, match=r"k10.yaml: scales\[0\].missing.max_missing"):
        parse_definition(data, "k10.yaml")


def test_a_scale_naming_an_unknown_item_is_refused() -> None:
    data = copy.deepcopy(_raw("gad7"))
    data["scales"][0]["items"].append("gad7_8")  # type: ignore[index]
    with pytest.raises(DefinitionError, match=r"scales\[0\].items: no item 'gad7_8'"):
        parse_definition(data, "gad7.yaml")


def test_a_profile_threshold_without_source_or_assumption_is_refused() -> None:
    data = _raw("hprs")
    output = data["profile"]["outputs"][0]  # type: ignore[index]
    output.pop("assumption")
    with pytest.raises(DefinitionError, match="needs a source or an explicit assumption"):
        parse_definition(data, "hprs.yaml")


def test_text_may_not_ship_where_the_licence_forbids_it() -> None:
    data = _raw("urica")
    data["items"][0]["text"] = {"en": "copied text"}  # type: ignore[index]
    with pytest.raises(DefinitionError, match="licence does not let item text ship"):
        parse_definition(data, "urica.yaml")
