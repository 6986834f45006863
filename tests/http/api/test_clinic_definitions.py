"""One instrument definition for every route: a clinic's imported TRS key scores everywhere.

Issue 11: ``attune score trs`` applied the clinic's imported scoring key while the API, the
web, FHIR import and the reports ignored it, so the same answers scored 34 in one place and
"not scorable" in another.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from attunement.cli import app as cli
from attunement.http import create_app
from attunement.instruments import import_item_text, load_packaged_instrument, score
from attunement.settings import Settings
from tests.http.api.conftest import SECRET, bearer
from tests.services.world import FakeClock, build_world, fast_passwords

ANSWERS = [(i % 4) + 1 for i in range(28)]  # the TRS: 28 items answered 1-4


def _import_trs_key(data_dir: Path) -> None:
    trs = load_packaged_instrument("trs")
    items = "\n".join(f"  {item}: {{en: 'Licensed text {item}'}}" for item in trs.item_ids)
    data_dir.mkdir(parents=True, exist_ok=True)
    source = data_dir / "trs.yaml"
    source.write_text(
        f"instrument: trs\nsource: clinic licence\nitems:\n{items}\n"
        "key:\n  total: {reverse: [trs_1, trs_2]}\n",
        encoding="utf-8",
    )
    import_item_text(trs, source, data_dir)


def test_the_cli_and_the_api_score_the_trs_with_the_same_imported_key(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unkeyed = score(load_packaged_instrument("trs"), ANSWERS).scales["total"]
    assert not unkeyed.scorable  # the seen case: without the clinic's key, not scorable
    data_dir = tmp_path / "data"
    _import_trs_key(data_dir)

    monkeypatch.setenv("ATTUNE_DATA_DIR", str(data_dir))
    result = CliRunner().invoke(
        cli, ["score", "trs", "--answers", ",".join(map(str, ANSWERS)), "--json"]
    )
    assert result.exit_code == 0, result.output
    by_cli = json.loads(result.output)["scales"]["total"]
    assert by_cli["scorable"]

    settings = Settings(mode="dev", secret_key=SECRET, data_dir=data_dir)  # type: ignore[arg-type]
    app = create_app(settings, engine=engine, clock=FakeClock(), passwords=fast_passwords())
    world = build_world(app.state.context)
    with TestClient(app, base_url="https://testserver") as client:
        response = client.post(
            f"/api/v1/episodes/{world.episode_a}/administrations",
            json={"instrument": "trs", "answers": ANSWERS},
            headers=bearer(app.state.context, "ana"),
        )
    assert response.status_code == 201, response.text
    by_api = response.json()["score"]
    assert by_api["scales"]["total"]["value"] == by_cli["value"]
    assert by_api["scales"]["total"]["scorable"]
    assert "+key." in by_api["definition_version"]  # a keyed definition is another version
