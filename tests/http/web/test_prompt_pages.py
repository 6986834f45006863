"""Targeted next steps on the patient page (issue 16), through HTTP (no browser): only the
prompts for what is off, risk first; each links to where to act (links that work); each can
be marked discussed and undone (kept as history, audited), and a mark never hides a risk
event. The same through the API, idempotent."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from attunement.services import (
    AdministrationCreate,
    ServiceContext,
    record_administration,
    update_profile,
)
from attunement.store import AuditEntry, PromptDiscussionRecord
from tests.http.web.clinic import phq9
from tests.http.web.pages import csrf_from, sign_in
from tests.services.world import START, World

#: Reliable deterioration with item 9 endorsed at session 2: red, an open risk event.
TOTALS = ((12, 0), (19, 2), (19, 0))


@pytest.fixture
def worse(ctx: ServiceContext, world: World) -> None:
    update_profile(ctx, world.ana, world.patient_a, {"stage_of_change": "contemplation"})
    for index, (total, item9) in enumerate(TOTALS):
        record_administration(
            ctx,
            world.ana,
            world.episode_a,
            AdministrationCreate(
                instrument="phq9",
                answers=phq9(total, item9),
                administered_at=START + dt.timedelta(weeks=index),
                session_number=index + 1,
            ),
        )


def _cards(html: str) -> list[str]:
    """The domains of the targeted prompt cards, in page order."""
    start = html.index('id="targeted-prompts"')
    block = html[start : html.index("</ol>", start)]
    return re.findall(r'id="prompt-([a-z_]+)"', block)


def _card(html: str, domain: str) -> str:
    start = html.index(f'id="prompt-{domain}"')
    return html[start : html.index("</li>\n", html.index("prompt-mark", start))]


def _mark(client: TestClient, world: World, domain: str, discussed: str) -> int:
    page = client.get(f"/patients/{world.patient_a}").text
    response = client.post(
        f"/patients/{world.patient_a}/prompts/{domain}/discussed",
        data={
            "csrf_token": csrf_from(page),
            "episode_id": str(world.episode_a),
            "discussed": discussed,
        },
        follow_redirects=False,
    )
    return response.status_code


@pytest.mark.usefixtures("worse")
def test_red_with_suicidal_ideation_shows_risk_then_referral_then_stance_only(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    html = client.get(f"/patients/{world.patient_a}").text
    assert _cards(html) == ["risk", "referral", "motivation"]  # no alliance, no fit card
    assert 'id="general-prompts"' in html  # social support, life events: folded, after
    assert "no risk response recorded yet" in _card(html, "risk")


@pytest.mark.usefixtures("worse")
def test_every_link_of_every_prompt_opens_the_place_to_act(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    html = client.get(f"/patients/{world.patient_a}").text
    links = re.findall(r'<a href="([^"]+)" data-action="([a-z]+)"', html)
    kinds = {kind for _, kind in links}
    assert {"risk", "reassess", "instrument", "plan"} <= kinds
    for href, kind in links:
        parts = urlsplit(href)
        target = client.get(parts.path)
        assert target.status_code == 200, (kind, href)
        if parts.fragment:
            assert f'id="{parts.fragment}"' in target.text, (kind, href)
    reassess = [h for h, k in links if k == "reassess"]
    assert f"/patients/{world.patient_a}/intake#f-stage_of_change" in reassess


@pytest.mark.usefixtures("worse")
def test_marking_discussed_is_stored_audited_shown_in_history_and_undone_by_a_new_entry(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    assert _mark(client, world, "referral", "1") == 303
    assert _mark(client, world, "referral", "1") == 303  # the same mark again: nothing new
    html = client.get(f"/patients/{world.patient_a}").text
    card = _card(html, "referral")
    assert "discussed</span>" in card
    assert "marked by ana" in card
    assert 'name="discussed" value="0"' in card  # the form now offers the undo
    history = html[html.index('id="prompt-history"') :]
    assert "marked discussed by ana" in history
    assert _mark(client, world, "referral", "0") == 303
    html = client.get(f"/patients/{world.patient_a}").text
    assert "discussed</span>" not in _card(html, "referral")
    history = html[html.index('id="prompt-history"') :]
    assert history.index("mark undone by ana") < history.index("marked discussed by ana")
    with ctx.sessions() as session:
        rows = session.scalars(select(PromptDiscussionRecord)).all()
        assert [r.discussed for r in rows] == [True, False]  # an undo adds, never deletes
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "prompt.discuss")
        ).all()
        assert len(actions) == 3


@pytest.mark.usefixtures("worse")
def test_discussing_the_risk_prompt_never_hides_the_open_risk_event(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    assert _mark(client, world, "risk", "1") == 303
    html = client.get(f"/patients/{world.patient_a}").text
    panel = html[html.index('id="risk-panel"') :]
    assert "Open risk event: PHQ-9 item 9 endorsed" in panel
    # endorsed at session 2, the status is at session 3: history awaiting its response
    assert "Endorsed at session 2; no response recorded yet" in panel
    assert "before the patient leaves" not in html
    assert _cards(html)[0] == "risk"  # still first, marked discussed
    assert "discussed</span>" in _card(html, "risk")


@pytest.mark.usefixtures("worse")
def test_a_prompt_the_status_does_not_show_is_refused_naming_it(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    assert _mark(client, world, "alliance", "1") == 422
    assert _mark(client, world, "referral", "maybe") == 422
    page = client.get(f"/patients/{world.patient_a}").text
    response = client.post(
        f"/patients/{world.patient_a}/prompts/alliance/discussed",
        data={"csrf_token": csrf_from(page), "episode_id": str(world.episode_a), "discussed": "1"},
    )
    assert response.status_code == 422
    assert "Not marked: “Therapeutic alliance” is not one of the support prompts" in response.text
    assert "Traceback" not in response.text


@pytest.mark.usefixtures("worse")
def test_a_supervisor_reads_the_prompts_but_gets_no_mark_form(
    client: TestClient, world: World
) -> None:
    sign_in(client, "sam")
    html = client.get(f"/patients/{world.patient_a}").text
    assert _cards(html)[:1] == ["risk"]
    assert "prompt-mark" not in html
