"""Risk events on the pages, through HTTP (no browser): the pinned panel and its response
form, the risk history, the caseload badge, the intake notice, and refused forms that still
name an endorsed risk item."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from attunement.risk import load_response_vocabulary
from attunement.services import (
    AdministrationCreate,
    PatientCreate,
    ServiceContext,
    list_risk_events,
    record_administration,
    register_patient,
    update_profile,
)
from tests.http.web.pages import csrf_from, form_token, sign_in
from tests.services.world import World

ITEM9 = [2, 2, 1, 1, 1, 1, 1, 1, 2]  # PHQ-9 12, item 9 endorsed ("more than half the days")
MESSAGE = "assess suicide risk today, before the patient leaves"


@pytest.fixture
def endorsed(ctx: ServiceContext, world: World) -> None:
    record_administration(
        ctx, world.ana, world.episode_a, AdministrationCreate(instrument="phq9", answers=ITEM9)
    )


def _panel(html: str) -> str:
    start = html.index('id="risk-panel"')
    return html[start : html.index("</section>", start)]


def _respond(client: TestClient, world: World, **fields: str | list[str]) -> Response:
    """Post the response form as the browser would: every open event ticked unless said."""
    path = f"/patients/{world.patient_a}"
    page = client.get(path).text
    data: dict[str, str | list[str]] = {
        "csrf_token": csrf_from(page),
        "events_listed": "1",
        "event_ids": re.findall(r'name="event_ids" value="(\d+)"', page),
        **fields,
    }
    return client.post(f"{path}/risk-response", data=data, follow_redirects=False)


def _today(ctx: ServiceContext) -> str:
    return ctx.now().date().isoformat()


@pytest.mark.usefixtures("endorsed")
def test_an_open_event_is_pinned_above_everything_in_the_one_wording(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    html = client.get(f"/patients/{world.patient_a}").text
    panel = _panel(html)
    assert html.index('id="risk-panel"') < html.index('id="status-heading"')
    assert 'role="alert"' in panel
    assert "Open risk event: PHQ-9 item 9 endorsed (answer 2) at session 1" in panel
    assert MESSAGE in panel
    assert "<details" not in panel  # nothing collapses it
    words = load_response_vocabulary()
    for term in (*words.levels.values(), *words.actions.values()):
        assert term.label in panel
    assert "not a prediction" in panel  # the NICE NG225 caveat beside the levels
    assert 'name="assessed_on" value="2026-' in panel  # assessed today by default
    assert html.count('role="alert"') == 1


@pytest.mark.usefixtures("endorsed")
def test_a_supervisor_sees_the_open_event_but_no_response_form(
    client: TestClient, world: World
) -> None:
    sign_in(client, "sam")
    panel = _panel(client.get(f"/patients/{world.patient_a}").text)
    assert MESSAGE in panel
    assert "<form" not in panel


@pytest.mark.usefixtures("endorsed")
def test_no_action_without_a_reason_names_the_field_and_keeps_what_was_typed(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    response = _respond(
        client,
        world,
        assessed_on=_today(ctx),
        level="no_current_concern",
        actions="no_action",
        note="Synthetic note typed by the clinician.",
    )
    assert response.status_code == 422
    panel = _panel(response.text)
    assert "Reason: required — a reason when the action is “No action taken”." in panel
    assert "Synthetic note typed by the clinician.</textarea>" in panel
    assert re.search(r'value="no_current_concern"\s+checked', panel)
    assert re.search(r'value="no_action"\s+checked', panel)
    assert 'aria-invalid="true" aria-describedby="f-risk-reason-error"' in panel
    assert all(e.open for e in list_risk_events(ctx, world.ana, world.patient_a))


@pytest.mark.usefixtures("endorsed")
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"assessed_on": "", "level": "low", "actions": "safety_plan"},
            "Assessed on: enter the date",
        ),
        ({"actions": "safety_plan"}, "Level of concern: choose"),
        ({"level": "low"}, "Action taken: tick at least one"),
        (
            {"assessed_on": "2099-01-01", "level": "low", "actions": "safety_plan"},
            "Assessed on: “2099-01-01” is not allowed; allowed: on or before",
        ),
        (
            {"assessed_on": "2000-01-01", "level": "low", "actions": "safety_plan"},
            "Assessed on: “2000-01-01” is not allowed; allowed: on or after the first endorsement",
        ),
        (
            {"level": "low", "actions": ["no_action", "referral"]},
            "Action taken: “No action taken”, “Referred (crisis team, psychiatry or primary care)”"
            " is not allowed; allowed: “No action taken” on its own, or other actions.",
        ),
    ],
)
def test_each_refused_field_is_named_as_the_form_labels_it(
    client: TestClient, ctx: ServiceContext, world: World, fields: dict[str, str], message: str
) -> None:
    sign_in(client, "ana")
    response = _respond(client, world, **({"assessed_on": _today(ctx)} | fields))
    assert response.status_code == 422
    assert message in _panel(response.text)


@pytest.mark.usefixtures("endorsed")
def test_unticking_every_event_is_refused_not_read_as_all(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    response = _respond(
        client, world, event_ids=[], assessed_on=_today(ctx), level="low", actions="referral"
    )
    assert response.status_code == 422
    assert "Open risk events this response answers: tick at least one" in response.text


@pytest.mark.usefixtures("endorsed")
def test_a_recorded_response_moves_the_event_to_the_risk_history(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    (event,) = list_risk_events(ctx, world.ana, world.patient_a)
    response = _respond(
        client,
        world,
        assessed_on=_today(ctx),
        level="low",
        actions=["safety_plan", "crisis_contacts"],
        event_ids=str(event.id),
    )
    assert response.status_code == 303
    html = client.get(response.headers["location"]).text
    assert 'id="risk-panel"' not in html
    assert "Risk response recorded" in html
    history = html[html.index('id="risk-history"') :]
    assert "Risk history: PHQ-9 item 9 endorsed (answer 2) at session 1" in history
    assert f"Response recorded — assessed {_today(ctx)}: Low concern" in history
    assert MESSAGE not in html  # no instruction repeated for an old session


def test_a_patient_with_an_intake_risk_and_no_episode_is_on_the_caseload(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    patient = register_patient(ctx, world.ana, PatientCreate(display_name="Synthetic Ciro")).id
    update_profile(ctx, world.ana, patient, {"distress": {"instrument": "phq9", "answers": ITEM9}})
    sign_in(client, "ana")
    html = client.get("/caseload").text
    row = re.search(r'<tr class="is-risk"[^>]*data-episode="none">(.*?)</tr>', html, re.S)
    assert row is not None
    assert "Synthetic Ciro" in row.group(1)
    assert f'href="/patients/{patient}#risk-panel"' in row.group(1)
    assert "Open risk event" in row.group(1)
    assert "No open episode" in row.group(1)
    assert 'data-label="Latest"' not in row.group(1)  # no episode-specific columns
    assert 'data-label="Session"' not in row.group(1)
    page = client.get(f"/patients/{patient}").text
    assert "No episode of care has started" in page
    assert MESSAGE in _panel(page)


def test_an_intake_questionnaire_with_item_9_says_a_risk_event_was_recorded(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/intake/questionnaires/phq9"
    answers = {f"phq9.phq9_{n}": str(a) for n, a in enumerate(ITEM9, start=1)}
    response = client.post(
        path,
        data={"csrf_token": form_token(client, path), "assessed_on": "2026-01-05", **answers},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("?saved=risk")
    html = client.get(response.headers["location"]).text
    notice = html[html.index('id="risk-notice"') :]
    assert "an open risk event was recorded" in notice
    assert "PHQ-9 item 9 endorsed (answer 2) at the intake questionnaire" in notice
    assert f'href="/patients/{world.patient_a}#risk-panel"' in notice
    assert "Profile saved.</p>" not in html
    again = client.post(
        path,
        data={"csrf_token": form_token(client, path), "assessed_on": "2026-01-05", **answers},
        follow_redirects=False,
    )
    assert again.headers["location"].endswith("?saved=1")  # the same questionnaire: nothing new


def test_a_session_refused_for_another_answer_still_names_the_endorsed_risk_item(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/session"
    answers = {f"phq9.phq9_{n}": str(a) for n, a in enumerate(ITEM9, start=1)}
    response = client.post(
        path,
        data={
            "csrf_token": form_token(client, path),
            "session": "1",
            "held_on": "2026-01-05",
            "instrument": "phq9",
            **answers,
            "phq9.phq9_1": "7",
        },
    )
    assert response.status_code == 422
    summary = response.text[response.text.index('id="error-summary"') :]
    assert "PHQ-9 item 1: “7” is not an allowed answer" in summary
    item9 = "Item 9 (thoughts of being better off dead or of self-harm) was endorsed"
    assert f"Risk item endorsed — {item9}: {MESSAGE}. (answer given: 2)" in summary
    assert summary.index("Risk item endorsed") < summary.index("PHQ-9 item 1")


def test_an_intake_questionnaire_refused_for_its_date_still_names_the_endorsed_item(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/intake/questionnaires/phq9"
    page = client.get(path)
    answers = {f"phq9.phq9_{n}": str(a) for n, a in enumerate(ITEM9, start=1)}
    response = client.post(
        path,
        data={"csrf_token": csrf_from(page.text), "assessed_on": "yesterday", **answers},
    )
    assert response.status_code == 422
    assert "Completed on: enter the date as YYYY-MM-DD." in response.text
    assert "Risk item endorsed — Item 9" in response.text


def test_the_plan_leads_with_safety_and_labels_a_level_on_an_assumed_cut_off(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    low_distress = [0, 0, 1, 1, 0, 1, 0, 0, 2]  # PHQ-9 5: distress low, item 9 endorsed
    update_profile(
        ctx,
        world.ana,
        world.patient_a,
        {"distress": {"instrument": "phq9", "answers": low_distress}, "reactance": "high"},
    )
    sign_in(client, "ana")
    html = client.get(f"/patients/{world.patient_a}").text
    plan = html[html.index('id="plan-heading"') : html.index('id="profile-heading"')]
    assert plan.index('id="plan-safety"') < plan.index('id="plan-held-back"')
    assert plan.index('id="plan-held-back"') < plan.index("plan-settings")
    assert "Safety first" in plan
    assert "Suppressed while a risk event is open" in plan
    assert "by an assumed cut-off" in plan  # the suppressed item's reason: distress = low
    assert "Emotional arousal in sessions: Arousal is not raised while a risk event is open" in plan
    profile = html[html.index('id="profile-heading"') :]
    distress = profile[
        profile.index("Distress") : profile.index("</li>", profile.index("Distress"))
    ]
    assert "distress = low (from PHQ-9 total 5, by an assumed cut-off" in distress
