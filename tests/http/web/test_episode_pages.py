"""Issue 12 on the pages, through HTTP (no browser): the close form refuses bad input with
field names and keeps what was typed; a closed episode offers reopen and a new episode; the
new-patient form offers only instruments with the outcome or alliance role."""

from __future__ import annotations

from fastapi.testclient import TestClient

from attunement.services import (
    EpisodeClose,
    ServiceContext,
    close_episode,
    list_episodes,
)
from tests.http.web.pages import form_token, sign_in
from tests.services.world import World


def test_a_refused_close_names_the_field_and_keeps_the_note(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}"
    response = client.post(
        f"{path}/episode/close",
        data={
            "csrf_token": form_token(client, path),
            "end_reason": "planned_end",
            "ended_on": "2099-01-01",
            "note": "Kept as typed",
        },
    )
    assert response.status_code == 422
    assert "Ended on: &#39;2099-01-01&#39; is not allowed" in response.text
    assert "Kept as typed" in response.text
    assert list_episodes(ctx, world.ana, world.patient_a)[0].ended_on is None


def test_a_closed_episode_shows_its_state_and_a_new_episode_can_start(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    close_episode(ctx, world.ana, world.episode_a, EpisodeClose(end_reason="referral"))
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}"
    page = client.get(path).text
    assert 'data-episode-state="closed"' in page
    today = ctx.now().date().isoformat()
    assert f"Episode closed on {today} — Referred on" in page
    assert "Enter session" not in page
    assert 'id="invite"' not in page
    durel = client.post(
        f"{path}/episodes/new",
        data={
            "csrf_token": form_token(client, path),
            "started_on": today,
            "outcome_instrument": "durel",
        },
    )
    assert durel.status_code == 422
    assert "outcome role: phq9, gad7, k10, core10" in durel.text
    started = client.post(
        f"{path}/episodes/new",
        data={
            "csrf_token": form_token(client, path),
            "started_on": today,
            "outcome_instrument": "gad7",
            "alliance_instrument": "wai_sr",
        },
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    newest = list_episodes(ctx, world.ana, world.patient_a)[0]
    assert (newest.outcome_instrument, newest.ended_on) == ("gad7", None)


def test_the_new_patient_form_offers_measures_by_role_and_wai_sr_by_default(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    page = client.get("/patients/new").text
    start = page[page.index('name="outcome_instrument"') :]
    outcome = start[: start.index("</select>")]
    assert 'value="phq9"' in outcome
    assert 'value="durel"' not in outcome
    rest = page[page.index('name="alliance_instrument"') :]
    alliance = rest[: rest.index("</select>")]
    assert 'value="wai_sr" selected' in alliance
    assert 'value="phq9"' not in alliance
