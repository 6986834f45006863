"""Support prompts marked discussed through the API (issue 16): idempotent, kept, audited;
a prompt the status does not show is refused naming it. On SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from attunement.services import (
    AdministrationCreate,
    ServiceContext,
    list_audit,
    list_risk_events,
    record_administration,
)
from tests.http.api.conftest import bearer
from tests.services.world import OPERATOR, World

ITEM9 = [1, 1, 1, 1, 1, 1, 1, 1, 2]  # PHQ-9 item 9 endorsed: an open risk event


def test_marking_is_idempotent_kept_audited_and_never_closes_the_risk_event(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    record_administration(
        ctx, world.ana, world.episode_a, AdministrationCreate(instrument="phq9", answers=ITEM9)
    )
    auth = bearer(ctx, "ana")
    path = f"/api/v1/episodes/{world.episode_a}/prompts/risk/discussion"
    first = client.put(path, json={"discussed": True}, headers=auth)
    again = client.put(path, json={"discussed": True}, headers=auth)
    assert first.status_code == again.status_code == 200, first.text
    assert first.json()["discussed"] is True
    assert first.json()["latest"]["id"] == again.json()["latest"]["id"]  # nothing new
    assert first.json()["latest"]["marked_by"] == "ana"
    undone = client.put(path, json={"discussed": False}, headers=auth)
    assert undone.json()["discussed"] is False
    listed = client.get(f"/api/v1/episodes/{world.episode_a}/prompt-discussions", headers=auth)
    assert [(m["domain"], m["discussed"]) for m in listed.json()] == [
        ("risk", True),
        ("risk", False),
    ]
    assert [e.open for e in list_risk_events(ctx, world.ana, world.patient_a)] == [True]
    actions = [e.action for e in list_audit(ctx, OPERATOR, patient_id=world.patient_a)]
    assert actions.count("prompt.discuss") == 3
    assert "prompt.list" in actions


def test_a_prompt_not_shown_is_refused_naming_the_field_and_what_is_shown(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    record_administration(
        ctx, world.ana, world.episode_a, AdministrationCreate(instrument="phq9", answers=ITEM9)
    )
    auth = bearer(ctx, "ana")
    response = client.put(
        f"/api/v1/episodes/{world.episode_a}/prompts/alliance/discussion",
        json={"discussed": True},
        headers=auth,
    )
    assert response.status_code == 422
    assert "domain" in response.text
    assert "risk" in response.text  # what is allowed: the prompts shown
    bad = client.put(
        f"/api/v1/episodes/{world.episode_a}/prompts/risk/discussion",
        json={"discussed": "perhaps"},
        headers=auth,
    )
    assert bad.status_code == 422
