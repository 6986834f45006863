"""An admin alone cannot give clinical access: second-admin approval or break glass (issue 18).

The attack of the issue, in four calls: create a supervisor account, make it clinician A's
supervisor, sign in as it, read A's patient. Each step that grants access is now refused
to one admin, and allowed with another admin's approval (recorded first, used once, not by
its own author) or with a break-glass reason that is recorded, audited and alerted.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from attunement.cli import app as cli
from attunement.services import ServiceContext, UserCreate, create_user
from attunement.store import AuditEntry
from tests.http.api.conftest import bearer
from tests.services.world import OPERATOR, PASSWORD, FakeClock, World

REASON = "on-call cover: Dr Sam is away and the review cannot wait"


@pytest.fixture
def second_admin(ctx: ServiceContext, world: World) -> dict[str, str]:
    create_user(
        ctx,
        OPERATOR,
        UserCreate(
            username="admin2",
            display_name="Second Admin",
            role="admin",
            password=PASSWORD,  # type: ignore[arg-type]
        ),
    )
    return bearer(ctx, "admin2")


def _supervisor_account(**extra: Any) -> dict[str, Any]:
    return {
        "username": "mallory",
        "display_name": "Mallory",
        "role": "supervisor",
        "password": PASSWORD,
    } | extra


def _approve(client: TestClient, auth: dict[str, str], **grant: Any) -> Any:
    return client.post("/api/v1/access-grants", json=grant, headers=auth)


def test_the_four_call_attack_stops_at_the_first_grant(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    admin = bearer(ctx, "admin")
    created = client.post("/api/v1/users", json=_supervisor_account(), headers=admin)
    assert created.status_code == 403
    assert "second admin" in created.json()["detail"]
    linked = client.put(
        f"/api/v1/users/{world.ben.user_id}/supervisor",
        json={"supervisor_id": world.supervisor.user_id},
        headers=admin,
    )
    assert linked.status_code == 403
    with ctx.sessions() as session:
        outcomes = session.scalars(
            select(AuditEntry.outcome)
            .where(AuditEntry.action.in_(["user.create", "user.supervisor"]))
            .order_by(AuditEntry.seq)
        ).all()
    assert outcomes[-2:] == ["denied", "denied"]


@pytest.mark.parametrize(
    "account",
    [
        {"role": "admin"},
        {"role": "admin", "also_clinician": True},
        {"role": "clinician", "supervisor": "sam"},
    ],
    ids=["admin", "also-clinician", "clinician-with-supervisor"],
)
def test_every_kind_of_grant_needs_the_second_admin(
    client: TestClient, ctx: ServiceContext, world: World, account: dict[str, Any]
) -> None:
    body = _supervisor_account(**account)
    assert client.post("/api/v1/users", json=body, headers=bearer(ctx, "admin")).status_code == 403


def test_a_plain_clinician_account_needs_no_approval(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    body = _supervisor_account(role="clinician")
    assert client.post("/api/v1/users", json=body, headers=bearer(ctx, "admin")).status_code == 201


def test_a_second_admins_approval_is_used_once(
    client: TestClient, ctx: ServiceContext, world: World, second_admin: dict[str, str]
) -> None:
    admin = bearer(ctx, "admin")
    approval = _approve(client, second_admin, kind="account", username="mallory", role="supervisor")
    assert approval.status_code == 201, approval.text
    created = client.post("/api/v1/users", json=_supervisor_account(), headers=admin)
    assert created.status_code == 201, created.text
    approval = _approve(
        client, second_admin, kind="supervisor_link", username="ben", supervisor="mallory"
    )
    assert approval.status_code == 201, approval.text
    link = {"supervisor_id": created.json()["id"]}
    ben = f"/api/v1/users/{world.ben.user_id}/supervisor"
    assert client.put(ben, json=link, headers=admin).status_code == 200
    assert client.put(ben, json={"supervisor_id": None}, headers=admin).status_code == 200
    assert client.put(ben, json=link, headers=admin).status_code == 403  # used up
    register = client.get("/api/v1/access-grants", headers=admin).json()
    used = [g for g in register if g["username"] in {"mallory", "ben"}]
    assert {g["used_by"] for g in used} == {world.admin.audit_name}
    assert all(g["approved_by"] != world.admin.audit_name for g in used)


def test_an_admin_cannot_use_their_own_approval_or_approve_their_own_account(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    admin = bearer(ctx, "admin")
    own = _approve(client, admin, kind="account", username="mallory", role="supervisor")
    assert own.status_code == 201
    assert (
        client.post("/api/v1/users", json=_supervisor_account(), headers=admin).status_code == 403
    )
    self_link = _approve(client, admin, kind="account", username="admin", role="admin")
    assert self_link.status_code == 403


def test_an_approval_expires(
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    second_admin: dict[str, str],
    clock: FakeClock,
) -> None:
    _approve(client, second_admin, kind="account", username="mallory", role="supervisor")
    clock.advance(seconds=ctx.policy.grant_approval_lifetime.total_seconds() + 1)
    admin = bearer(ctx, "admin")
    assert (
        client.post("/api/v1/users", json=_supervisor_account(), headers=admin).status_code == 403
    )


def test_an_approval_must_match_the_change_exactly(
    client: TestClient, ctx: ServiceContext, world: World, second_admin: dict[str, str]
) -> None:
    _approve(client, second_admin, kind="account", username="mallory", role="supervisor")
    admin = bearer(ctx, "admin")
    body = _supervisor_account(role="admin")
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 403


def test_break_glass_applies_at_once_and_raises_an_alert_without_names(
    client: TestClient, ctx: ServiceContext, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="attunement.security")
    admin = bearer(ctx, "admin")
    body = _supervisor_account(break_glass_reason=REASON)
    created = client.post("/api/v1/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    alerts = [r for r in caplog.records if r.name == "attunement.security"]
    assert len(alerts) == 1
    assert "break-glass" in alerts[0].getMessage()
    assert "mallory" not in alerts[0].getMessage()
    assert REASON not in alerts[0].getMessage()
    flagged = client.get("/api/v1/access-grants?break_glass=true", headers=admin).json()
    assert [(g["username"], g["break_glass_reason"]) for g in flagged] == [("mallory", REASON)]
    with ctx.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert "access.break_glass" in actions


def test_a_short_break_glass_reason_is_refused(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    body = _supervisor_account(break_glass_reason="because")
    response = client.post("/api/v1/users", json=body, headers=bearer(ctx, "admin"))
    assert response.status_code == 422


def test_the_admin_page_shows_break_glass_grants(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    from attunement.http.deps import SESSION_COOKIE
    from attunement.services import login_for_session

    client.post(
        "/api/v1/users",
        json=_supervisor_account(break_glass_reason=REASON),
        headers=bearer(ctx, "admin"),
    )
    client.cookies.set(
        SESSION_COOKIE, login_for_session(ctx, username="admin", password=PASSWORD).token
    )
    page = client.get("/admin")
    assert page.status_code == 200
    assert "made by break glass" in page.text
    assert REASON in page.text


# --------------------------------------------------------------------- the CLI operator

runner = CliRunner()


def test_the_operator_approves_on_the_server_and_lists_the_register(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    url = ctx.sessions.kw["bind"].url.render_as_string(hide_password=False)
    approved = runner.invoke(
        cli, ["users", "approve", "mallory", "--role", "supervisor", "--db", url]
    )
    assert approved.exit_code == 0, approved.output
    created = client.post("/api/v1/users", json=_supervisor_account(), headers=bearer(ctx, "admin"))
    assert created.status_code == 201, created.text
    listed = runner.invoke(cli, ["users", "grants", "--json", "--db", url])
    assert listed.exit_code == 0, listed.output
    rows = {r["username"]: r for r in json.loads(listed.output)}
    assert rows["mallory"]["approved_by"].startswith("operator:")
    assert rows["mallory"]["used_by"] == world.admin.audit_name


def test_the_operator_approve_command_refuses_bad_input(ctx: ServiceContext, world: World) -> None:
    url = ctx.sessions.kw["bind"].url.render_as_string(hide_password=False)
    nothing = runner.invoke(cli, ["users", "approve", "mallory", "--db", url])
    assert nothing.exit_code == 2
    plain = runner.invoke(cli, ["users", "approve", "mallory", "--role", "clinician", "--db", url])
    assert plain.exit_code == 2
    assert "needs no approval" in plain.output
    link = runner.invoke(cli, ["users", "approve", "nobody", "--supervisor", "sam", "--db", url])
    assert link.exit_code == 2
    assert "clinician" in link.output


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "  correct horse battery staple"),  # trimmed it would be another password
        ("password", "correct horse battery staple\n"),
        ("break_glass_reason", "urgent cover for a colleague\x00 today"),  # NUL: refused, not a 500
    ],
)
def test_an_account_field_with_what_would_be_trimmed_or_a_control_character_is_refused(
    client: TestClient, ctx: ServiceContext, world: World, field: str, value: str
) -> None:
    body = {**_supervisor_account(role="clinician"), field: value}
    created = client.post("/api/v1/users", json=body, headers=bearer(ctx, "admin"))
    assert created.status_code == 422, created.text
    assert created.json()["field"] == field
    assert value not in created.text  # a password is never echoed
