"""``attune audit``: anchor the head outside the database, verify against it, list, new key."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from attunement.cli import app
from attunement.security import AuditAnchor, estimated_entropy_bits
from attunement.store import make_engine
from tests.services import tampering
from tests.services.world import PASSWORD

runner = CliRunner()


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "ATTUNE_DATA_DIR": str(tmp_path / "data"),
        "ATTUNE_AUDIT_ANCHOR_DIR": str(tmp_path / "anchors"),
    } | extra


def _users(url: str, env: dict[str, str], *names: str) -> None:
    for name in names:
        made = runner.invoke(
            app,
            ["users", "create", name, "--role", "clinician", "--password-stdin", "--db", url],
            input=PASSWORD + "\n",
            env=env,
        )
        assert made.exit_code == 0, made.output


def test_anchor_writes_a_signed_file_and_prints_the_line_to_ship(
    database_url: str, tmp_path: Path
) -> None:
    env = _env(tmp_path)
    _users(database_url, env, "ana")
    result = runner.invoke(app, ["audit", "anchor", "--db", database_url], env=env)
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.splitlines()[0])
    files = list((tmp_path / "anchors").glob("anchor-*.json"))
    assert len(files) == 1
    anchor = AuditAnchor.model_validate_json(files[0].read_text())
    assert anchor.model_dump(mode="json") == line
    assert anchor.seq == 2  # the user's creation, then the anchor's own entry
    verified = runner.invoke(app, ["audit", "verify", "--db", database_url], env=env)
    assert verified.exit_code == 0, verified.output
    assert "anchored at entry 2" in verified.output
    assert "2 entries in 1 chains" in verified.output
    assert "chain 0: 2 entries, head entry 2 (seq 2)" in verified.output


def test_verify_names_the_first_missing_entry_after_the_newest_were_deleted(
    database_url: str, tmp_path: Path
) -> None:
    env = _env(tmp_path)
    _users(database_url, env, "ana", "ben", "cleo")
    assert runner.invoke(app, ["audit", "anchor", "--db", database_url], env=env).exit_code == 0
    engine = make_engine(database_url)
    tampering.delete(engine, "seq >= 3")
    engine.dispose()
    broken = runner.invoke(app, ["audit", "verify", "--db", database_url], env=env)
    assert broken.exit_code == 2
    assert "broken in chain 0 at entry 3" in broken.output
    assert "newest entries deleted" in broken.output


def test_verify_checks_an_anchor_given_as_a_file(database_url: str, tmp_path: Path) -> None:
    env = _env(tmp_path)
    _users(database_url, env, "ana")
    runner.invoke(app, ["audit", "anchor", "--db", database_url], env=env)
    shipped = tmp_path / "from-the-sink.json"
    shipped.write_text(next((tmp_path / "anchors").glob("anchor-*.json")).read_text())
    engine = make_engine(database_url)
    tampering.delete(engine, "seq = 2")
    engine.dispose()
    env_without_dir = _env(tmp_path, ATTUNE_AUDIT_ANCHOR_DIR=str(tmp_path / "empty"))
    result = runner.invoke(
        app,
        ["audit", "verify", "--anchors", str(shipped), "--db", database_url],
        env=env_without_dir,
    )
    assert result.exit_code == 2
    assert "entry 2" in result.output


def test_verify_against_a_tampered_chain_exits_2_naming_the_entry(
    database_url: str, tmp_path: Path
) -> None:
    env = _env(tmp_path)
    _users(database_url, env, "ana", "ben")
    engine = make_engine(database_url)
    tampering.rewrite_and_rechain(
        engine, {1: {"outcome": "failed"}}, tampering.unkeyed_sha256(keep_key_id=True)
    )
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify", "--db", database_url], env=env)
    assert result.exit_code == 2
    assert "broken at entry 1 (chain 0, entry 1)" in result.output
    refused = runner.invoke(app, ["audit", "anchor", "--db", database_url], env=env)
    assert refused.exit_code == 2
    assert "not anchored" in refused.output


def test_production_commands_refuse_a_missing_or_weak_audit_key(
    database_url: str, tmp_path: Path
) -> None:
    for key, expected in (("", "is required in production"), ("password12345678", "guessable")):
        result = runner.invoke(
            app,
            ["users", "list", "--db", database_url],
            env=_env(tmp_path, ATTUNE_MODE="production", ATTUNE_AUDIT_KEY=key),
        )
        assert result.exit_code == 2
        assert "ATTUNE_AUDIT_KEY" in result.output
        assert expected in result.output


def test_an_audit_key_file_must_be_private(database_url: str, tmp_path: Path) -> None:
    key_file = tmp_path / "audit.keys"
    key_file.write_text(runner.invoke(app, ["audit", "new-key"]).stdout)
    key_file.chmod(0o644)
    env = _env(tmp_path, ATTUNE_MODE="production", ATTUNE_AUDIT_KEY="")
    env["ATTUNE_AUDIT_KEY_FILE"] = str(key_file)
    loose = runner.invoke(app, ["users", "list", "--db", database_url], env=env)
    assert loose.exit_code == 2
    assert "chmod 600" in loose.output
    key_file.chmod(0o600)
    assert runner.invoke(app, ["users", "list", "--db", database_url], env=env).exit_code == 0


def test_dev_mode_creates_a_private_key_file_in_the_data_dir(
    database_url: str, tmp_path: Path
) -> None:
    env = _env(tmp_path, ATTUNE_MODE="dev", ATTUNE_AUDIT_KEY="")
    _users(database_url, env, "ana")
    key_file = tmp_path / "data" / "audit.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert estimated_entropy_bits(key_file.read_text().strip()) >= 128
    verified = runner.invoke(app, ["audit", "verify", "--db", database_url], env=env)
    assert verified.exit_code == 0, verified.output


def test_new_key_prints_a_strong_random_key() -> None:
    first = runner.invoke(app, ["audit", "new-key"]).stdout.strip()
    second = runner.invoke(app, ["audit", "new-key"]).stdout.strip()
    assert first != second
    assert estimated_entropy_bits(first) >= 128


@pytest.mark.parametrize("as_json", [False, True])
def test_list_filters_by_action_and_is_itself_audited(
    database_url: str, tmp_path: Path, as_json: bool
) -> None:
    env = _env(tmp_path)
    _users(database_url, env, "ana")
    command = ["audit", "list", "--action", "user.create", "--db", database_url]
    result = runner.invoke(app, command + (["--json"] if as_json else []), env=env)
    assert result.exit_code == 0, result.output
    if as_json:
        assert [e["action"] for e in json.loads(result.output)] == ["user.create"]
    else:
        assert "user.create" in result.output
    engine = make_engine(database_url)
    with engine.connect() as connection:
        last = connection.execute(text("SELECT max(seq), count(*) FROM audit_log")).one()
        action = connection.execute(
            text("SELECT action FROM audit_log WHERE seq = :s"), {"s": last[0]}
        ).scalar()
    engine.dispose()
    assert action == "audit.read"
