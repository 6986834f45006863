"""Issue 16: the FHIR import's ignored reasons and its notes on an imported response are
kept with their message ids (``fhir._reasons``), so ``attune import fhir`` prints them in the
clinic's language: Spanish reads Spanish (a total with a decimal comma), English reads the
English the report holds, and the JSON (the API's, ``--json``) keeps its English text. A FHIR
validator's own message is the library's and is quoted as it wrote it. Synthetic data.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.fhir.test_cli_fhir import _clinic
from tests.services.world import make_context
from tests.support.interop import load_fixture
from typer.testing import CliRunner

import attunement.cli.fhir  # noqa: F401  (registers the commands)
from attunement.cli import app
from attunement.fhir import (
    FhirAdministrationRecord,
    FhirBase,
    ImportedResponse,
    ImportResult,
    bundle,
    import_fhir,
    questionnaire_response,
)
from attunement.instruments import load_instrument
from attunement.services import PatientCreate, register_patient
from attunement.store import make_engine
from attunement.wording import sentences_in

BASE = FhirBase(base_url="https://clinic.example")
US_CORE_Q = load_fixture("fhir/us-core-Questionnaire-phq-9-example.json")
US_CORE_QR = load_fixture("fhir/us-core-QuestionnaireResponse-phq-9-example.json")
ORGANIZATION = {"resourceType": "Organization", "id": "clinic"}
BROKEN_Q = {"resourceType": "Questionnaire", "id": "broken", "status": "active", "item": "x"}

runner = CliRunner()


def _result(reported_total: float = 12) -> ImportResult:
    response = copy.deepcopy(US_CORE_QR)
    response["item"][9]["answer"] = [{"valueDecimal": reported_total}]
    resources = (US_CORE_Q, response, ORGANIZATION, BROKEN_Q)  # as sent: not all valid
    sent = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }
    return import_fhir(sent, base=BASE)


def _notes(response: ImportedResponse, language: str) -> tuple[str, ...]:
    return sentences_in(response.notes, response.notes_worded, language)


def test_the_notes_on_an_imported_response_read_in_spanish_with_a_decimal_comma() -> None:
    (response,) = _result(12.5).imported
    assert _notes(response, "es") == (
        "el linkId '/69722-7' no es un ítem de PHQ-9; no se puntúa",
        "el total propio de la respuesta, 12,5, DIFIERE de la puntuación de Attunement, 12",
    )
    (agreeing,) = _result().imported
    assert "el total propio de la respuesta, 12, coincide con la puntuación de Attunement, 12" in (
        _notes(agreeing, "es")
    )


def test_the_notes_stay_the_english_the_report_holds() -> None:
    (response,) = _result(12.5).imported
    assert (
        _notes(response, "en")
        == response.notes
        == (
            "linkId '/69722-7' is not an item of PHQ-9; not scored",
            "the response's own total 12.5 DIFFERS from Attunement's score 12",
        )
    )


def test_a_response_exported_for_another_version_says_so_in_spanish() -> None:
    definition = load_instrument("phq9")
    record = FhirAdministrationRecord(
        id="1",
        patient_id="7",
        instrument="phq9",
        version=definition.version,
        answers=(1, 1, 1, 1, 1, 1, 1, 1, 0),
        administered_at=datetime(2025, 2, 3, 10, 30, tzinfo=UTC),
    )
    response = questionnaire_response(record, definition, base=BASE)
    response["questionnaire"] = response["questionnaire"].partition("|")[0] + "|0.1"
    (imported,) = import_fhir(response, base=BASE).imported
    version = definition.version
    assert imported.notes == (f"exported for phq9 version 0.1; scored with version {version}",)
    assert _notes(imported, "es") == (
        f"exportada para phq9 versión 0.1; puntuada con la versión {version}",
    )


def test_the_ignored_reasons_read_in_spanish_and_the_validators_message_as_it_wrote_it() -> None:
    ignored = _result().ignored
    assert [i.resource_type for i in ignored] == ["Questionnaire", "Organization", "Questionnaire"]
    shown = [
        sentences_in([i.reason], [i.reason_worded] if i.reason_worded else [], "es")[0]
        for i in ignored
    ]
    assert shown[0] == "se usa para comprobar y asignar las respuestas que lo citan"
    assert shown[1] == (
        "Attunement importa QuestionnaireResponses; las puntuaciones y los planes se recalculan "
        "a partir de ellas"
    )
    assert ignored[2].reason.startswith("not a valid FHIR R4 Questionnaire (")
    problem = ignored[2].reason.removeprefix("not a valid FHIR R4 Questionnaire (")
    problem = problem.removesuffix("); not used")
    assert shown[2] == f"no es un Questionnaire FHIR R4 válido ({problem}); no se usa"
    assert [i.reason for i in ignored][:2] == [
        "used to check and map the responses that cite it",
        "Attunement imports QuestionnaireResponses; scores and plans are recomputed from them",
    ]


def _import(tmp_path: Path, language: str, *extra: str) -> tuple[str, str]:
    url, world = _clinic(tmp_path)
    path = tmp_path / "bundle.json"
    response = copy.deepcopy(US_CORE_QR)
    response["item"][9]["answer"] = [{"valueDecimal": 12.5}]
    del response["authored"]  # given now: the world's episode starts after the example's date
    path.write_text(json.dumps(bundle([US_CORE_Q, response, ORGANIZATION], base=BASE)))
    args = ["import", "fhir", str(path), "--patient", str(world.patient_b), "--db", url, *extra]
    result = runner.invoke(app, args, env={"ATTUNE_CLINIC_LANGUAGE": language})
    assert result.exit_code == 0, result.output
    return result.stdout, world.patient_b


def test_attune_import_fhir_prints_its_report_in_a_spanish_clinics_language(
    tmp_path: Path,
) -> None:
    out, patient = _import(tmp_path, "es")
    assert out.splitlines() == [
        f"importada: phq-9-example → paciente {patient}, PHQ-9 (total 12)",
        "  nota: el linkId '/69722-7' no es un ítem de PHQ-9; no se puntúa",
        "  nota: el total propio de la respuesta, 12,5, DIFIERE de la puntuación de Attunement, 12",
        "omitido: phq-9-example (Questionnaire)",
        "  se usa para comprobar y asignar las respuestas que lo citan",
        "omitido: clinic (Organization)",
        "  Attunement importa QuestionnaireResponses; las puntuaciones y los planes se "
        "recalculan a partir de ellas",
        "importadas: 1, ya importadas: 0, rechazados: 0, omitidos: 2",
    ]


def test_attune_import_fhir_prints_its_report_in_english_in_an_english_clinic(
    tmp_path: Path,
) -> None:
    out, patient = _import(tmp_path, "en")
    assert out.splitlines() == [
        f"imported: phq-9-example → patient {patient}, PHQ-9 (total 12)",
        "  note: linkId '/69722-7' is not an item of PHQ-9; not scored",
        "  note: the response's own total 12.5 DIFFERS from Attunement's score 12",
        "ignored: phq-9-example (Questionnaire)",
        "  used to check and map the responses that cite it",
        "ignored: clinic (Organization)",
        "  Attunement imports QuestionnaireResponses; scores and plans are recomputed from them",
        "1 imported, 0 already imported, 0 refused, 2 ignored",
    ]


def test_the_json_report_keeps_its_english_text_in_a_spanish_clinic(tmp_path: Path) -> None:
    out, _patient = _import(tmp_path, "es", "--json")
    report = json.loads(out)
    assert set(report) == {"imported", "refused", "ignored"}
    assert report["imported"][0]["notes"][1] == (
        "the response's own total 12.5 DIFFERS from Attunement's score 12"
    )
    assert set(report["ignored"][1]) == {"index", "resource_type", "resource_id", "reason"}
    assert report["ignored"][1]["reason"].startswith("Attunement imports QuestionnaireResponses")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("es", "el paciente {id} no tiene ningún episodio abierto; inicie uno primero"),
        ("en", "patient {id} has no open episode; start one first"),
    ],
)
def test_a_response_for_a_patient_without_an_open_episode_is_refused_in_the_clinics_language(
    tmp_path: Path, language: str, said: str
) -> None:
    url, world = _clinic(tmp_path)
    engine = make_engine(url)
    try:
        created = register_patient(
            make_context(engine), world.ben, PatientCreate(display_name="Synthetic Carla")
        )
    finally:
        engine.dispose()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle([US_CORE_Q, US_CORE_QR], base=BASE)))
    args = ["import", "fhir", str(path), "--patient", str(created.id), "--db", url]
    result = runner.invoke(app, args, env={"ATTUNE_CLINIC_LANGUAGE": language})
    assert result.exit_code == 1, result.output
    assert f"  {said.format(id=created.id)}" in result.stderr.splitlines()
    as_json = runner.invoke(app, [*args, "--json"], env={"ATTUNE_CLINIC_LANGUAGE": language})
    (refused,) = json.loads(as_json.stdout)["refused"]
    assert refused["reasons"] == [f"patient {created.id} has no open episode; start one first"]
