"""The crisis resources' data (issue 14): the packaged default and a clinic's own file."""

from __future__ import annotations

import re

import pytest

from attunement.errors import DefinitionError
from attunement.risk import default_crisis_resources, parse_crisis_resources

CLINIC = """\
version: "1"
fallback_language: es
languages:
  es:
    heading: Ayuda ahora
    message: Llame al número de emergencias.
    contacts:
      - name: Línea de ejemplo (sintética)
        phone: "900 000 000"
  pt-BR:
    heading: Ajuda agora
    message: Ligue para o número de emergência.
"""


def test_the_packaged_default_holds_no_number_in_any_language() -> None:
    default = default_crisis_resources()
    assert set(default.languages) >= {"en", "es"}
    for text in default.languages.values():
        assert text.contacts == ()
        assert not re.search(r"\d", f"{text.heading} {text.message}")


def test_a_language_falls_back_to_its_base_then_to_the_clinics_fallback() -> None:
    clinic = parse_crisis_resources(CLINIC)
    assert clinic.for_language("pt-BR")[0] == "pt-BR"
    assert clinic.for_language("es-MX")[0] == "es"
    shown, text = clinic.for_language("fr")
    assert (shown, text.heading) == ("es", "Ayuda ahora")
    assert text.contacts[0].tel == "tel:900000000"


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (("fallback_language: es", "fallback_language: de"), "(file)", "no text"),
        (
            ('phone: "900 000 000"', "hours: always"),
            "languages.es.contacts[0]",
            "phone, sms or url",
        ),
        (('phone: "900 000 000"', 'phone: "call us"'), "languages.es.contacts[0].phone", ""),
        (("    heading: Ayuda ahora\n", ""), "languages.es.heading", "missing"),
    ],
)
def test_a_wrong_clinic_file_names_the_field(
    change: tuple[str, str], field: str, problem: str
) -> None:
    with pytest.raises(DefinitionError) as refused:
        parse_crisis_resources(CLINIC.replace(*change))
    assert field in str(refused.value)
    assert problem in str(refused.value)
