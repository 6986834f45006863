"""The operator's commands: users, patients list (audited), audit verify, serve, demo."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from attunement.cli import app
from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    PatientCreate,
    UserActor,
    record_administration,
    register_patient,
    start_episode,
)
from attunement.store import AuditEntry, make_engine
from tests.services.world import PASSWORD, make_context

runner = CliRunner()


def _create(url: str, name: str, *extra: str) -> object:
    return runner.invoke(
        app,
        ["users", "create", name, "--role", "clinician", "--password-stdin", "--db", url, *extra],
        input=PASSWORD + "\n",
    )


def test_users_create_reads_the_password_from_stdin_and_lists(database_url: str) -> None:
    supervisor = runner.invoke(
        app,
        [
            "users",
            "create",
            "sam",
            "--role",
            "supervisor",
            "--password-stdin",
            "--db",
            database_url,
        ],
        input=PASSWORD + "\n",
    )
    assert supervisor.exit_code == 0, supervisor.output
    created = _create(database_url, "ana", "--display-name", "Ana R", "--supervisor", "sam")
    assert created.exit_code == 0, created.output  # type: ignore[attr-defined]
    listed = runner.invoke(app, ["users", "list", "--json", "--db", database_url])
    rows = {row["username"]: row for row in json.loads(listed.output)}
    assert rows["ana"]["display_name"] == "Ana R"
    assert rows["ana"]["supervisor_id"] == rows["sam"]["id"]
    assert PASSWORD not in listed.output
    table = runner.invoke(app, ["users", "list", "--db", database_url])
    assert "ana" in table.output
    assert "clinician" in table.output


def test_users_create_refuses_a_short_password_and_missing_stdin(database_url: str) -> None:
    short = runner.invoke(
        app,
        ["users", "create", "ana", "--role", "clinician", "--password-stdin", "--db", database_url],
        input="short\n",
    )
    assert short.exit_code == 2
    assert "password" in short.output
    no_stdin = runner.invoke(
        app, ["users", "create", "ana", "--role", "clinician", "--db", database_url]
    )
    assert no_stdin.exit_code == 2
    assert "--password-stdin" in no_stdin.output
    bad_role = runner.invoke(
        app,
        ["users", "create", "ana", "--role", "boss", "--password-stdin", "--db", database_url],
        input=PASSWORD + "\n",
    )
    assert bad_role.exit_code == 2
    assert "allowed" in bad_role.output


def test_patients_list_is_an_audited_operator_read(database_url: str) -> None:
    assert _create(database_url, "ana").exit_code == 0  # type: ignore[attr-defined]
    engine = make_engine(database_url)
    ctx = make_context(engine)
    with ctx.sessions() as session:
        ana_id = session.execute(text("SELECT id FROM users WHERE username = 'ana'")).scalar_one()
    ana = UserActor(user_id=ana_id, username="ana", role="clinician")
    patient = register_patient(ctx, ana, PatientCreate(display_name="Synthetic Iris")).id
    episode = start_episode(ctx, ana, patient, EpisodeCreate()).id
    record_administration(
        ctx, ana, episode, AdministrationCreate(instrument="phq9", answers=[0] * 8 + [2])
    )
    result = runner.invoke(app, ["patients", "list", "--json", "--db", database_url])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["id"] == patient
    assert rows[0]["display_name"] == "Synthetic Iris"
    assert rows[0]["clinician"] == "ana"
    assert rows[0]["risk_flag"] is True
    assert "latest_alert" in rows[0]
    with ctx.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None
    assert last.actor.startswith("operator:")
    assert last.role == "operator"
    assert (last.action, last.patient_id) == ("patient.list", patient)
    engine.dispose()


def test_audit_verify_passes_then_names_a_tampered_entry(database_url: str) -> None:
    assert _create(database_url, "ana").exit_code == 0  # type: ignore[attr-defined]
    assert _create(database_url, "ben").exit_code == 0  # type: ignore[attr-defined]
    intact = runner.invoke(app, ["audit", "verify", "--db", database_url])
    assert intact.exit_code == 0, intact.output
    assert "intact: 2 entries" in intact.output
    engine = make_engine(database_url)
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        connection.execute(text("UPDATE audit_log SET outcome = 'failed' WHERE seq = 1"))
    engine.dispose()
    broken = runner.invoke(app, ["audit", "verify", "--db", database_url])
    assert broken.exit_code == 2
    assert "entry 1" in broken.output
    assert "altered" in broken.output


def test_serve_refuses_production_without_a_secret(database_url: str) -> None:
    result = runner.invoke(
        app,
        ["serve", "--db", database_url],
        env={"ATTUNE_MODE": "production", "ATTUNE_SECRET_KEY": ""},
    )
    assert result.exit_code == 2
    assert "ATTUNE_SECRET_KEY" in result.output


def test_serve_refuses_insecure_cookies_in_production(database_url: str) -> None:
    result = runner.invoke(
        app,
        ["serve", "--db", database_url, "--insecure-cookies"],
        env={"ATTUNE_MODE": "production", "ATTUNE_SECRET_KEY": "s" * 40},
    )
    assert result.exit_code == 2
    assert "demo or dev" in result.output


@pytest.mark.parametrize("flag", [[], ["--reset"]])
def test_demo_prints_demo_accounts_that_sign_in(
    database_url: str, tmp_path: object, flag: list[str]
) -> None:
    from attunement.services import login_for_token

    result = runner.invoke(
        app,
        ["demo", "--db", database_url, "--patients", "3", "--out", str(tmp_path), *flag],
        env={"ATTUNE_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    assert "DEMO ONLY" in result.output
    line = next(ln for ln in result.output.splitlines() if ln.strip().startswith("dr_rivera"))
    password = line.split()[1]
    engine = make_engine(database_url)
    token = login_for_token(make_context(engine), username="dr_rivera", password=password)
    assert token.access_token
    engine.dispose()


def test_users_create_takes_an_address_for_notification_emails(database_url: str) -> None:
    created = _create(database_url, "ana", "--email", "ana@example.org")
    assert created.exit_code == 0, created.output  # type: ignore[attr-defined]
    listed = runner.invoke(app, ["users", "list", "--json", "--db", database_url])
    assert [u["email"] for u in json.loads(listed.output)] == ["ana@example.org"]
    refused = _create(database_url, "ben", "--email", "ben at clinic")
    assert refused.exit_code == 2  # type: ignore[attr-defined]
    assert "email" in refused.output  # type: ignore[attr-defined]
    assert "ben at clinic" in refused.output  # type: ignore[attr-defined]
