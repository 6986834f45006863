"""`attune serve` prepares every route before listening (issue 13): the app answers the same."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from attunement.http.app import warm_routes
from attunement.http.deps import SESSION_COOKIE
from attunement.http.web._templates import environment
from attunement.services import ServiceContext, login_for_session
from tests.http.api.conftest import bearer
from tests.services.world import PASSWORD, World


def test_a_warmed_app_answers_every_kind_of_request_as_before(
    app: FastAPI, ctx: ServiceContext, world: World
) -> None:
    warm_routes(app)
    warm_routes(app)  # twice: nothing is added or served by it
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/.well-known/attunement-start-up").status_code == 404
        assert client.get(f"/api/v1/episodes/{world.episode_a}/status").status_code == 401
        headers = bearer(ctx, "ana")
        assert client.get("/api/v1/caseload", headers=headers).status_code == 200
        assert client.get(f"/api/v1/patients/{world.patient_a}", headers=headers).status_code == 200


def test_after_warming_a_page_compiles_no_template(
    app: FastAPI, ctx: ServiceContext, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment.cache_clear()  # the templates as a newly started process has them: none
    warm_routes(app)
    compiled: list[str | None] = []
    compile_source = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(args[0] if args else kwargs.get("name"))
        return compile_source(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    cookie = login_for_session(ctx, username="ana", password=PASSWORD).token
    with TestClient(app, base_url="https://testserver") as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        assert client.get(f"/patients/{world.patient_a}").status_code == 200
        assert client.get("/caseload").status_code == 200
    assert compiled == []
