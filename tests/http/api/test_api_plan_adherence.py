"""Sex, age band and plan adherence through the API (issue 15): exact schemas, 422 naming
the field and what is allowed, every record kept. On SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from attunement.services import ServiceContext, update_profile
from tests.http.api.conftest import bearer
from tests.services.world import World


def test_sex_and_age_band_are_set_on_the_record_and_a_wrong_value_names_the_allowed_ones(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    auth = bearer(ctx, "ana")
    created = client.post(
        "/api/v1/patients",
        json={"display_name": "Synthetic Dora", "sex": "another", "age_band": "66+"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    assert (created.json()["sex"], created.json()["age_band"]) == ("another", "66+")
    path = f"/api/v1/patients/{created.json()['id']}"
    changed = client.patch(path, json={"age_band": None}, headers=auth)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["sex"], changed.json()["age_band"]) == ("another", None)
    wrong = client.patch(path, json={"sex": "F"}, headers=auth)
    assert wrong.status_code == 422
    assert "sex" in wrong.text
    assert "female" in wrong.text
    assert "another" in wrong.text
    wrong_band = client.post(
        "/api/v1/patients", json={"display_name": "X", "age_band": "30"}, headers=auth
    )
    assert wrong_band.status_code == 422
    assert "age_band" in wrong_band.text
    assert "41-65" in wrong_band.text


def test_plan_adherence_is_recorded_per_dimension_and_kept(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    update_profile(ctx, world.ana, world.patient_a, {"reactance": "high"})
    auth = bearer(ctx, "ana")
    path = f"/api/v1/episodes/{world.episode_a}/plan-adherence"
    before = client.get(path, headers=auth)
    assert before.status_code == 200, before.text
    assert set(before.json()) == {"episode_id", "dimensions", "followed", "history"}
    reactance = next(d for d in before.json()["dimensions"] if d["dimension"] == "reactance")
    assert reactance == {
        "dimension": "reactance",
        "label": "Reactance",
        "followed": None,
        "latest": None,
    }
    put = client.put(path, json={"dimension": "reactance", "followed": False}, headers=auth)
    assert put.status_code == 200, put.text
    client.put(path, json={"dimension": "reactance", "followed": True, "note": "ok"}, headers=auth)
    after = client.get(path, headers=auth).json()
    assert after["followed"] == {"reactance": True}
    assert [(r["followed"], r["note"], r["recorded_by"]) for r in after["history"]] == [
        (False, None, "ana"),
        (True, "ok", "ana"),
    ]
    refused = client.put(path, json={"dimension": "culture", "followed": True}, headers=auth)
    assert refused.status_code == 422
    assert "dimension" in refused.text
    assert "reactance" in refused.text
    not_bool = client.put(path, json={"dimension": "reactance", "followed": "yes"}, headers=auth)
    assert not_bool.status_code == 422
    assert (
        client.put(
            path, json={"dimension": "reactance", "followed": True}, headers=bearer(ctx, "sam")
        ).status_code
        == 403
    )
