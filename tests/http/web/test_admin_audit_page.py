"""The admin page says whether the audit chains verify, and where they break."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.http.web.pages import sign_in
from tests.services import tampering
from tests.services.world import build_world


def test_the_admin_page_counts_the_chains_and_names_a_broken_entry(
    web_app: FastAPI, client: TestClient
) -> None:
    build_world(web_app.state.context)
    sign_in(client, "admin")
    page = client.get("/admin")
    assert page.status_code == 200
    assert "The keyed chain is intact:" in page.text
    assert "entries in 1 chain" in page.text
    engine = web_app.state.context.sessions.kw["bind"]
    tampering.rewrite_and_rechain(
        engine, {2: {"outcome": "denied"}}, tampering.unkeyed_sha256(True)
    )
    broken = client.get("/admin")
    assert broken.status_code == 200
    assert "The chain is broken at entry 2 (chain 0, entry 2):" in broken.text
