"""The interop settings as the app reads them: ATTUNE_PUBLIC_URL and ATTUNE_CDS_TRUST_FILE."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.support.interop import EHR_ISS, EhrKeys, a_clock
from typer.testing import CliRunner

from attunement.cli import app as cli_app
from attunement.errors import ConfigurationError
from attunement.http import create_app
from attunement.settings import load_settings
from attunement.store import make_engine

SECRET = "interop-settings-secret-0123456789"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("ATTUNE_PUBLIC_URL", "ATTUNE_CDS_TRUST_FILE", "ATTUNE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ATTUNE_MODE", "dev")
    monkeypatch.setenv("ATTUNE_SECRET_KEY", SECRET)
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))
    return monkeypatch


def _trust_file(tmp_path: Path, keys: EhrKeys, **extra: object) -> Path:
    path = tmp_path / "cds-trust.json"
    path.write_text(json.dumps({"issuers": [{"iss": EHR_ISS, "jwks": keys.jwks()}], **extra}))
    return path


def _app_from_environment(database: Path | None = None) -> FastAPI:
    """The app as settings from the environment make it; ``database`` is a migrated copy.

    Without a database the app still builds (the settings are checked at start); a test
    that calls the CDS services passes one, because the replay guard records each token.
    """
    url = f"sqlite:///{database}" if database is not None else "sqlite://"
    return create_app(load_settings(), engine=make_engine(url), clock=a_clock())


def _migrated_copy(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "attunement.sqlite3"
    shutil.copyfile(template, path)
    return path


def test_a_missing_trust_file_stops_the_app_at_start_naming_the_setting(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env.setenv("ATTUNE_CDS_TRUST_FILE", str(tmp_path / "nowhere.yaml"))
    with pytest.raises(ConfigurationError) as raised:
        _app_from_environment()
    assert raised.value.setting == "ATTUNE_CDS_TRUST_FILE"
    assert "nowhere.yaml" in raised.value.message
    assert "cannot be read" in raised.value.message


def test_an_invalid_trust_file_names_the_setting_and_the_field(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "cds-trust.yaml"
    path.write_text(f"issuers:\n  - iss: {EHR_ISS}\n    jwks: {{}}\n")
    env.setenv("ATTUNE_CDS_TRUST_FILE", str(path))
    with pytest.raises(ConfigurationError, match=r"^ATTUNE_CDS_TRUST_FILE: .*issuers\[0\]\.jwks"):
        _app_from_environment()


def test_a_trust_file_for_another_url_than_the_public_url_is_refused(
    env: pytest.MonkeyPatch, tmp_path: Path, ehr_keys: EhrKeys
) -> None:
    env.setenv("ATTUNE_PUBLIC_URL", "https://attunement.clinic.example")
    path = _trust_file(tmp_path, ehr_keys, service_base_url="https://elsewhere.example")
    env.setenv("ATTUNE_CDS_TRUST_FILE", str(path))
    with pytest.raises(ConfigurationError, match="ATTUNE_PUBLIC_URL") as raised:
        _app_from_environment()
    assert raised.value.setting == "ATTUNE_CDS_TRUST_FILE"


def test_the_public_url_is_the_jwt_audience_and_the_fhir_base(
    env: pytest.MonkeyPatch, tmp_path: Path, ehr_keys: EhrKeys, sqlite_template: Path
) -> None:
    public = "https://attunement.clinic.example"
    env.setenv("ATTUNE_PUBLIC_URL", public + "/")
    env.setenv("ATTUNE_CDS_TRUST_FILE", str(_trust_file(tmp_path, ehr_keys)))
    application = _app_from_environment(_migrated_copy(sqlite_template, tmp_path))
    assert application.state.cds_trust.service_base_url == public
    assert application.state.fhir_base.base_url == public
    with TestClient(application, base_url="https://internal-host:8443") as client:
        now = a_clock()()
        right = {"Authorization": f"Bearer {ehr_keys.sign(aud=public + '/cds-services', now=now)}"}
        assert client.get("/cds-services", headers=right).status_code == 200
        host_aud = ehr_keys.sign(aud="https://internal-host:8443/cds-services", now=now)
        wrong = {"Authorization": f"Bearer {host_aud}"}
        assert client.get("/cds-services", headers=wrong).status_code == 401


def test_without_a_trust_file_every_cds_call_is_401_even_when_signed(
    env: pytest.MonkeyPatch, ehr_keys: EhrKeys
) -> None:
    application = _app_from_environment()
    assert application.state.cds_trust is None
    now = a_clock()()
    base = "http://127.0.0.1:8000"  # the default ATTUNE_PUBLIC_URL
    with TestClient(application, base_url=base) as client:
        for method, path in [
            ("GET", "/cds-services"),
            ("POST", "/cds-services/attunement-patient-view"),
            ("POST", "/cds-services/attunement-patient-view/feedback"),
        ]:
            headers = {"Authorization": f"Bearer {ehr_keys.sign(aud=base + path, now=now)}"}
            response = client.request(method, path, headers=headers, json={})
            assert response.status_code == 401, (path, response.text)
            assert "no CDS client is trusted" in response.json()["detail"]


def test_attune_serve_refuses_to_start_with_a_missing_trust_file(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "missing-trust.json"
    result = CliRunner().invoke(
        cli_app,
        ["serve", "--db", f"sqlite:///{tmp_path / 'clinic.sqlite3'}", "--port", "1"],
        env={"ATTUNE_CDS_TRUST_FILE": str(missing)},
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: ATTUNE_CDS_TRUST_FILE:")
    assert "serving on" not in result.output
