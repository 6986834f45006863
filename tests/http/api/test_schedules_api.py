"""Scheduled measurement over HTTP (issue 14): the due list (paginated), links listed and
revoked, clinic settings, and bad input named field by field; the pages: due list, the
clinic-settings form, the patient's opt-out page in their language.

Messages go to the in-memory outbox here; delivery through a real SMTP server is proved in
tests/services/test_schedules.py and tests/worker/."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from attunement.delivery import OutboxEmailSender
from attunement.services import (
    WORKER,
    Channels,
    ServiceContext,
    plan_due_measurements,
    record_bounces,
    run_next_job,
)
from tests.http.api.conftest import bearer
from tests.http.web.pages import csrf_from, sign_in
from tests.services.world import FakeClock, World
from tests.support.dsn import delivery_report


@pytest.fixture
def outbox() -> OutboxEmailSender:
    return OutboxEmailSender()


def _scheduled(
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    outbox: OutboxEmailSender,
) -> dict[str, str]:
    """Patient A on a weekly schedule with an e-mail address; the first link sent."""
    ana = bearer(ctx, "ana")
    contact = {"email": "alma@example.org"}
    assert (
        client.put(
            f"/api/v1/patients/{world.patient_a}/contact", json=contact, headers=ana
        ).status_code
        == 200
    )
    weekly = {"mode": "every_n_days", "interval_days": 7}
    response = client.put(f"/api/v1/episodes/{world.episode_a}/schedule", json=weekly, headers=ana)
    assert response.status_code == 200
    assert response.json()["next_due_on"] == "2026-03-09"
    clock.advance(days=7)
    plan_due_measurements(ctx)
    channels = Channels(public_url="https://testserver", email=outbox)
    while run_next_job(ctx, channels, worker="test"):
        pass
    return bearer(ctx, "ana")  # signed in again: a week has passed


def test_the_due_list_pages_and_shows_the_delivery(
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    outbox: OutboxEmailSender,
) -> None:
    _scheduled(client, ctx, world, clock, outbox)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    ana = bearer(ctx, "ana")
    page = client.get("/api/v1/due-list", params={"per_page": 1}, headers=ana).json()
    assert (page["total"], page["pages"]) == (2, 2)
    assert (page["counts"]["overdue"], page["counts"]["due"]) == (1, 1)
    first = page["entries"][0]  # overdue first: the first link expired unanswered
    assert (first["state"], first["due_on"], first["messages"][0]["state"]) == (
        "overdue",
        "2026-03-09",
        "sent",
    )
    second = client.get("/api/v1/due-list", params={"per_page": 1, "page": 2}, headers=ana).json()
    assert (second["entries"][0]["state"], second["entries"][0]["due_on"]) == ("due", "2026-03-16")
    assert client.get("/api/v1/due-list", headers=bearer(ctx, "ben")).json()["total"] == 0
    assert "/api/v1/due-list" in client.get("/api/v1/openapi.json").json()["paths"]


def test_links_are_listed_and_revoked(
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    outbox: OutboxEmailSender,
) -> None:
    ana = _scheduled(client, ctx, world, clock, outbox)
    links = client.get(f"/api/v1/episodes/{world.episode_a}/links", headers=ana).json()
    assert [(link["state"], link["scheduled_for"]) for link in links] == [("open", "2026-03-09")]
    revoked = client.post(f"/api/v1/links/{links[0]['id']}/revoke", headers=ana)
    assert revoked.json()["state"] == "revoked"
    token = re.search(r"/self-report/(\S+)", outbox.outbox[0].get_content()).group(1)  # type: ignore[union-attr]
    assert client.get(f"/self-report/{token}").status_code == 410


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PATCH", "/api/v1/clinic/settings", {"link_expiry_days": 0}, "link_expiry_days"),
        ("PATCH", "/api/v1/clinic/settings", {"reminder_after_days": 9}, "reminder_after_days"),
        ("PATCH", "/api/v1/clinic/settings", {"schedule_mode": "hourly"}, "schedule_mode"),
        # JSON integers only: true was once read as 1 (schemathesis), "7" as 7
        (
            "PATCH",
            "/api/v1/clinic/settings",
            {"schedule_interval_days": True},
            "schedule_interval_days",
        ),
        ("PATCH", "/api/v1/clinic/settings", {"send_lead_days": "7"}, "send_lead_days"),
        ("PATCH", "/api/v1/clinic/settings", {"colour": "blue"}, "colour"),
        ("PUT", "/api/v1/patients/{patient}/contact", {"email": "no address"}, "email"),
        ("PUT", "/api/v1/patients/{patient}/contact", {"phone": "07700 900123"}, "phone"),
        (
            "PUT",
            "/api/v1/patients/{patient}/contact",
            {"email": "alma@example.org", "preferred_channel": "sms"},
            "preferred_channel",
        ),
        (
            "PUT",
            "/api/v1/patients/{patient}/contact",
            {"phone": "+447700900123", "preferred_channel": "fax"},
            "preferred_channel",
        ),
        ("PUT", "/api/v1/episodes/{episode}/schedule", {"interval_days": 0}, "interval_days"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_what_is_allowed(
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    method: str,
    path: str,
    body: dict[str, object],
    field: str,
) -> None:
    who = "admin" if "clinic" in path else "ana"
    url = path.format(patient=world.patient_a, episode=world.episode_a)
    response = client.request(method, url, json=body, headers=bearer(ctx, who))
    assert response.status_code == 422, response.text
    assert field in response.text
    assert response.json()["field"] == field
    assert (
        client.get("/api/v1/clinic/settings", headers=bearer(ctx, "ana")).json()["link_expiry_days"]
        == 4
    )


def test_a_bad_state_filter_is_refused(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    response = client.get("/api/v1/due-list", params={"state": "soon"}, headers=bearer(ctx, "ana"))
    assert response.status_code == 422
    assert "state" in response.text


def test_the_patient_opts_out_on_a_page_in_their_language(
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    outbox: OutboxEmailSender,
) -> None:
    _scheduled(client, ctx, world, clock, outbox)
    token = re.search(r"/opt-out/(\S+)", outbox.outbox[0].get_content()).group(1)  # type: ignore[union-attr]
    question = client.get(f"/opt-out/{token}?lang=es")
    assert "Dejar de recibir" in question.text
    done = client.post(f"/opt-out/{token}")
    assert done.status_code == 200
    assert "Ya no recibirá" in done.text
    sign_in(client, "ana")
    due = client.get("/due")
    assert "opted out" in due.text
    assert "Synthetic Alma" in due.text


def test_a_bounce_shows_on_the_due_list_page_and_in_the_api(
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    outbox: OutboxEmailSender,
) -> None:
    ana = _scheduled(client, ctx, world, clock, outbox)
    record_bounces(ctx, WORKER, [delivery_report(outbox.outbox[0])])
    entry = client.get("/api/v1/due-list", headers=ana).json()["entries"][0]
    assert entry["messages"][0]["state"] == "bounced"
    assert entry["messages"][0]["error"].startswith("550 5.1.1")
    sign_in(client, "ana")
    due = client.get("/due")
    assert re.search(r"<strong>bounced</strong> — 550 5\.1\.1", due.text)


def test_the_clinic_settings_form_names_a_bad_value_and_keeps_the_old_one(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "admin")
    form = client.get("/admin/clinic-settings")
    values = {
        "csrf_token": csrf_from(form.text),
        "link_expiry_days": "3",
        "reminder_after_days": "3",
        "schedule_mode": "every_session",
        "schedule_interval_days": "7",
        "send_lead_days": "1",
    }
    refused = client.post("/admin/clinic-settings", data=values)
    assert refused.status_code == 422
    assert "reminder_after_days" in refused.text
    saved = client.post("/admin/clinic-settings", data=values | {"reminder_after_days": ""})
    assert saved.status_code == 200
    assert "Saved." in saved.text
    settings = client.get("/api/v1/clinic/settings", headers=bearer(ctx, "ana")).json()
    assert (settings["link_expiry_days"], settings["reminder_after_days"]) == (3, None)


def test_the_links_page_lists_and_revokes(
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    outbox: OutboxEmailSender,
) -> None:
    _scheduled(client, ctx, world, clock, outbox)
    sign_in(client, "ana")
    page = client.get(f"/episodes/{world.episode_a}/links")
    assert "2026-03-09" in page.text
    assert ">open<" in page.text
    link = re.search(r'action="/links/(\d+)/revoke"', page.text).group(1)  # type: ignore[union-attr]
    done = client.post(
        f"/links/{link}/revoke", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert ">revoked<" in client.get(done.headers["location"]).text


def test_the_clinician_sets_the_schedule_and_address_on_the_links_page(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    page = client.get(f"/episodes/{world.episode_a}/links")
    assert "nothing scheduled" in page.text
    form = {"csrf_token": csrf_from(page.text), "email": "alma@example.org"}
    refused = client.post(
        f"/episodes/{world.episode_a}/schedule",
        data=form | {"mode": "every_n_days", "interval_days": "0"},
    )
    assert refused.status_code == 422
    assert "interval_days" in refused.text
    saved = client.post(
        f"/episodes/{world.episode_a}/schedule",
        data=form | {"mode": "every_n_days", "interval_days": "14"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"]).text
    assert "2026-03-16" in shown  # 14 days after the start
    assert "alma@example.org" in shown


def test_the_contact_takes_a_mobile_number_and_a_preferred_channel(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    ana = bearer(ctx, "ana")
    body = {"email": "alma@example.org", "phone": "+447700900123", "preferred_channel": "sms"}
    stored = client.put(f"/api/v1/patients/{world.patient_a}/contact", json=body, headers=ana)
    assert stored.status_code == 200, stored.text
    assert stored.json() == {"patient_id": world.patient_a, **body, "opted_out": False}
    refused = client.put(
        f"/api/v1/patients/{world.patient_a}/contact", json={"phone": "0770"}, headers=ana
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "phone"
    assert "E.164" in refused.text


def test_the_links_page_sets_the_mobile_number_and_names_a_bad_one(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    page = client.get(f"/episodes/{world.episode_a}/links")
    form = {"csrf_token": csrf_from(page.text), "mode": "clinic_default"}
    refused = client.post(
        f"/episodes/{world.episode_a}/schedule",
        data=form | {"phone": "07700 900123", "preferred_channel": "sms"},
    )
    assert refused.status_code == 422
    assert "phone" in refused.text
    assert "E.164" in refused.text
    saved = client.post(
        f"/episodes/{world.episode_a}/schedule",
        data=form | {"phone": "+447700900123", "preferred_channel": "sms"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"]).text
    assert 'value="+447700900123"' in shown
    assert '<option value="sms" selected>' in shown
