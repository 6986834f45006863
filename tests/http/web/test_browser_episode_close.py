"""Issue 12 in a real headless Chromium: the clinician ends an episode from the patient page;
the page then shows it closed and read-only, and it can be reopened with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from attunement.services import AdministrationCreate, record_administration
from tests.http.web.browser import (
    SQLITE_ONLY,
    LiveServer,
    PageWatch,
    accessibility_problems,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def test_the_clinician_closes_the_episode_from_the_patient_page_and_it_becomes_read_only(
    page: Any, live_server: LiveServer, page_watch: PageWatch
) -> None:
    page_watch.allow("status of 422")  # the refused form comes back with 422
    world, ctx = live_server.world, live_server.context
    record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=[1] * 8 + [0]),
    )
    sign_in(page, live_server, "ana")
    page.goto(live_server.url(f"/patients/{world.patient_a}"))
    expect(page.get_by_role("link", name="Enter session")).to_be_visible()
    page.get_by_text("End this episode").click()
    page.get_by_role("button", name="Close episode").click()  # no reason chosen
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Reason for ending")
    expect(summary).to_contain_text("planned_end, dropout, referral, other")
    assert accessibility_problems(page) == []
    page.get_by_label("Dropout").check()
    page.get_by_label("Note").fill("Stopped attending after session 1.")
    page.get_by_role("button", name="Close episode").click()
    page.wait_for_load_state("networkidle")
    today = ctx.now().date().isoformat()
    expect(page.get_by_role("status").filter(has_text="Episode closed")).to_be_visible()
    closed = page.locator("#episode-lifecycle")
    expect(closed).to_have_attribute("data-episode-state", "closed")
    expect(closed.get_by_role("heading")).to_have_text(f"Episode closed on {today} — Dropout")
    expect(closed).to_contain_text("read-only")
    expect(closed).to_contain_text("Final measures: PHQ-9 of")
    expect(closed).to_contain_text("Stopped attending after session 1.")
    expect(page.get_by_role("link", name="Enter session")).to_have_count(0)
    expect(page.locator("#invite")).to_have_count(0)
    assert accessibility_problems(page) == []
    screenshot(page, "patient-episode-closed")
    page.get_by_text("Reopen this episode").click()
    page.get_by_label("Reason for reopening").fill("Returned and asked to continue.")
    page.get_by_role("button", name="Reopen episode").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("status").filter(has_text="Episode reopened")).to_be_visible()
    expect(page.get_by_role("link", name="Enter session")).to_be_visible()
