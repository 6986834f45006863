"""``attune export fhir`` and ``attune import fhir`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.services.world import build_world, make_context
from tests.support.interop import load_fixture
from typer.testing import CliRunner

import attunement.cli.fhir  # noqa: F401  (registers the commands)
from attunement.cli import app
from attunement.services import AdministrationCreate, record_administration
from attunement.store import make_engine, migrate

runner = CliRunner()


def _clinic(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    ctx = make_context(engine)
    world = build_world(ctx)
    record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=[2, 2, 2, 2, 1, 1, 2, 0, 0]),
    )
    return url, world


def test_export_fhir_writes_a_bundle_and_import_fhir_reads_it_back_once(tmp_path: Path) -> None:
    url, world = _clinic(tmp_path)
    out = tmp_path / "record.json"
    result = runner.invoke(
        app,
        ["export", "fhir", "--patient", str(world.patient_a), "--output", str(out), "--db", url],
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600  # a patient's record: private to the user
    bundle = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle"
    qr = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    qr["id"] = "from-elsewhere"
    single = tmp_path / "qr.json"
    single.write_text(json.dumps(qr))
    first = runner.invoke(
        app,
        ["import", "fhir", str(single), "--patient", str(world.patient_b), "--db", url, "--json"],
    )
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["imported"][0]["scales"] == {"total": 12.0}
    again = runner.invoke(
        app, ["import", "fhir", str(single), "--patient", str(world.patient_b), "--db", url]
    )
    assert "already imported: from-elsewhere → patient" in again.output


def test_import_fhir_exits_1_and_lists_refusals(tmp_path: Path) -> None:
    url, _ = _clinic(tmp_path)
    path = tmp_path / "us-core.json"
    path.write_text(
        json.dumps(load_fixture("fhir/us-core-QuestionnaireResponse-phq-9-example.json"))
    )
    result = runner.invoke(app, ["import", "fhir", str(path), "--db", url])
    assert result.exit_code == 1
    assert "is not known" in result.output


def test_import_fhir_names_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{nope")
    result = runner.invoke(app, ["import", "fhir", str(path)])
    assert result.exit_code == 2
    assert "bad.json:1: not valid JSON" in result.output


def test_export_fhir_uses_the_public_url_for_canonical_urls_unless_given(tmp_path: Path) -> None:
    url, world = _clinic(tmp_path)
    out = tmp_path / "record.json"
    args = ["export", "fhir", "--patient", str(world.patient_a), "--output", str(out), "--db", url]
    public = {"ATTUNE_PUBLIC_URL": "https://attunement.clinic.example/"}
    assert runner.invoke(app, args, env=public).exit_code == 0
    urls = [e["fullUrl"] for e in json.loads(out.read_text())["entry"]]
    assert all(u.startswith("https://attunement.clinic.example/fhir/") for u in urls), urls
    given = runner.invoke(app, [*args, "--base-url", "https://other.example"], env=public)
    assert given.exit_code == 0
    urls = [e["fullUrl"] for e in json.loads(out.read_text())["entry"]]
    assert all(u.startswith("https://other.example/fhir/") for u in urls), urls
    bad = runner.invoke(app, [*args, "--base-url", "ftp://x"])
    assert bad.exit_code == 2
    assert bad.output.startswith("error: ATTUNE_PUBLIC_URL:")
