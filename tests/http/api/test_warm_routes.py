"""`attune serve` prepares every route before listening (issue 13): the app answers the same."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from attunement.http.app import warm_routes
from attunement.services import ServiceContext
from tests.http.api.conftest import bearer
from tests.services.world import World


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
