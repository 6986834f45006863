"""Forms that neither double nor lose what was typed (issue 12, seen #2, #3, #4, #9).

In-process client, SQLite and PostgreSQL: a form submitted twice with its one-time token is
stored once and both answers are the first result; a form posted after the idle sign-in
expiry is kept for its user and restored after signing in; a blank questionnaire on the
session form is refused, naming it.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import update

from attunement.services import InvitationCreate, ServiceContext, invite_patient
from attunement.store import Administration, FormDraft, TherapySession, WebSession
from tests.http.web.pages import count, csrf_from, sign_in
from tests.services.world import PASSWORD, World

PHQ9_FORM = {f"phq9.phq9_{n}": "1" for n in range(1, 10)}
WAI_FORM = {f"wai_sr.wai_sr_{n}": "4" for n in range(1, 13)}
_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def _session_form(client: TestClient, world: World) -> dict[str, str]:
    page = client.get(f"/patients/{world.patient_a}/session?instrument=phq9&instrument=wai_sr")
    assert page.status_code == 200
    token = _TOKEN.search(page.text)
    assert token, "the session form has no one-time token"
    return {
        "csrf_token": csrf_from(page.text),
        "form_token": token.group(1),
        "session": "1",
        "held_on": "2026-03-02",
        "attended": "yes",
        **PHQ9_FORM,
        **WAI_FORM,
    }


def _save(client: TestClient, world: World, form: dict[str, str]) -> httpx.Response:
    data = [*form.items(), ("instrument", "phq9"), ("instrument", "wai_sr")]
    return client.post(
        f"/patients/{world.patient_a}/session",
        content="&".join(f"{k}={v}" for k, v in data),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def test_every_form_carries_a_fresh_one_time_token(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    first = _session_form(client, world)["form_token"]
    second = _session_form(client, world)["form_token"]
    assert first != second


def test_a_session_form_submitted_twice_is_stored_once_and_both_show_the_result(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = _session_form(client, world)
    first = _save(client, world, form)
    again = _save(client, world, form)
    assert first.status_code == again.status_code == 303, first.text
    assert again.headers["location"] == first.headers["location"]
    assert "saved=session" in first.headers["location"]
    assert count(ctx, TherapySession) == 1
    assert count(ctx, Administration) == 2


def test_two_racing_submits_of_the_session_form_store_it_once(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = _session_form(client, world)
    start = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def submit() -> None:
        start.wait()
        answers.append(_save(client, world, form))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [303, 303], [a.text[:300] for a in answers]
    assert count(ctx, TherapySession) == 1
    assert count(ctx, Administration) == 2


def test_a_blank_questionnaire_on_the_form_is_refused_naming_it(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = {k: v for k, v in _session_form(client, world).items() if not k.startswith("wai_sr")}
    refused = _save(client, world, form)
    assert refused.status_code == 422
    assert "WAI-SR was left blank (items 1–12)" in refused.text
    assert "Nothing was saved" in refused.text
    assert count(ctx, TherapySession) == 0


def test_a_questionnaire_too_incomplete_to_score_is_refused_naming_the_blank_items(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = _session_form(client, world)
    for n in range(1, 8):
        form[f"phq9.phq9_{n}"] = ""
    refused = _save(client, world, form)
    assert refused.status_code == 422
    assert "PHQ-9 cannot be scored with items 1, 2, 3, 4, 5, 6, 7 blank" in refused.text
    assert count(ctx, TherapySession) == 0


def test_the_patients_double_tap_shows_the_thank_you_page_both_times(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate()).token
    page = client.get(f"/self-report/{token}")
    found = _TOKEN.search(page.text)
    assert found
    form = {"csrf_token": csrf_from(page.text), "form_token": found.group(1), **PHQ9_FORM}
    first = client.post(f"/self-report/{token}", data=form, follow_redirects=False)
    again = client.post(f"/self-report/{token}", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["location"] == f"/self-report/{token}/done"
    assert count(ctx, Administration) == 1


def _expire_sign_in(ctx: ServiceContext) -> None:
    with ctx.sessions.begin() as session:
        long_ago = ctx.now() - dt.timedelta(minutes=31)
        session.execute(update(WebSession).values(last_seen_at=long_ago))


def test_a_form_saved_after_the_sign_in_expired_is_kept_and_restored_after_sign_in(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = _session_form(client, world)
    _expire_sign_in(ctx)
    late = _save(client, world, form)
    assert late.status_code == 303
    assert count(ctx, TherapySession) == 0
    login = urlsplit(late.headers["location"])
    assert login.path == "/login"
    back = parse_qs(login.query)["next"][0]
    assert back.startswith(f"/patients/{world.patient_a}/session?instrument=phq9&instrument=wai_sr")
    page = client.get(late.headers["location"])
    assert "What you entered is kept" in page.text
    sign_in_again = client.post(
        "/login",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf_token": csrf_from(page.text),
            "next": back,
        },
        follow_redirects=False,
    )
    assert sign_in_again.headers["location"] == back  # the form, not the caseload
    draft_id = parse_qs(urlsplit(back).query)["draft"][0]
    kept = client.get(f"/drafts/{draft_id}")
    assert kept.status_code == 200
    fields = dict(map(tuple, kept.json()["fields"]))
    assert fields["phq9.phq9_1"] == "1"
    assert fields["wai_sr.wai_sr_12"] == "4"
    assert "csrf_token" not in fields
    assert "form_token" not in fields


def test_a_kept_form_is_sealed_and_only_its_user_opens_it(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    form = _session_form(client, world)
    _expire_sign_in(ctx)
    late = _save(client, world, form)
    back = parse_qs(urlsplit(late.headers["location"]).query)["next"][0]
    draft_id = parse_qs(urlsplit(back).query)["draft"][0]
    with ctx.sessions() as session:
        draft = session.get(FormDraft, draft_id)
        assert draft is not None
        assert b"phq9" not in draft.sealed  # encrypted at rest
    client.cookies.clear()
    sign_in(client, "sam")  # ana's supervisor: still not hers to open
    assert client.get(f"/drafts/{draft_id}").status_code == 404
