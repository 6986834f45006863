"""The synthetic demo clinic in the browser: labelled SYNTHETIC everywhere, charts, admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from attunement.services import DemoAccount, seed_demo_accounts, seed_demo_clinic
from attunement.simulate import simulate_clinic
from tests.http.web.browser import (
    SQLITE_ONLY,
    LiveServer,
    accessibility_problems,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


@pytest.fixture
def demo(live_server: LiveServer) -> dict[str, DemoAccount]:
    context = live_server.context
    start = dt.date(2026, 1, 5)
    seed_demo_clinic(
        context.sessions,
        simulate_clinic(seed=7, n_patients=12, start=start),
        now=dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC),
    )
    return {a.role: a for a in seed_demo_accounts(context, mode="demo")}


def test_demo_caseload_and_patient_pages_are_labelled_synthetic(
    page: Any, live_server: LiveServer, demo: dict[str, DemoAccount]
) -> None:
    clinician = demo["clinician"]
    sign_in(page, live_server, clinician.username, clinician.password)
    page.wait_for_url("**/caseload")
    assert "SYNTHETIC" in page.locator(".synthetic-banner").inner_text()
    assert accessibility_problems(page) == []
    screenshot(page, "demo-caseload")
    page.locator("table.caseload a.row-link").first.click()
    assert "SYNTHETIC" in page.locator(".synthetic-banner").inner_text()
    assert page.locator("#outcome-chart").is_visible()
    assert page.locator("#alliance-chart").is_visible()
    assert accessibility_problems(page) == []
    screenshot(page, "demo-patient")


def test_supervisor_sees_every_supervisees_patient_with_their_clinician(
    page: Any, live_server: LiveServer, demo: dict[str, DemoAccount]
) -> None:
    supervisor = demo["supervisor"]
    sign_in(page, live_server, supervisor.username, supervisor.password)
    header = page.locator("table.caseload thead").inner_text()
    assert "CLINICIAN" in header.upper()
    # the demo closes three of its twelve episodes (planned ends); the rest are on the list
    assert page.locator("table.caseload tbody tr").count() >= 9
    screenshot(page, "demo-supervisor-caseload")


def test_admin_sees_accounts_and_the_audit_chain_but_no_caseload(
    page: Any, live_server: LiveServer, demo: dict[str, DemoAccount]
) -> None:
    admin = demo["admin"]
    sign_in(page, live_server, admin.username, admin.password)
    page.wait_for_url("**/admin")
    assert "chain is intact" in page.get_by_role("status").inner_text()
    assert page.get_by_role("link", name="Caseload").count() == 0
    assert accessibility_problems(page) == []
    screenshot(page, "admin")
