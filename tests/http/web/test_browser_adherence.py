"""In a browser (issue 15): the clinician answers "Was this part of the plan followed?" by
its labels, the answer is kept and shown, and axe (WCAG 2.1 AA) finds nothing on the page
with the form, nor on the registration form with its sex and age band fields."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from attunement.services import update_profile
from tests.http.web.axe import axe_violations
from tests.http.web.browser import SQLITE_ONLY, LiveServer, sign_in

pytestmark = [pytest.mark.browser, SQLITE_ONLY]


def test_the_plan_adherence_form_works_by_its_labels_and_passes_axe(
    page: Any, live_server: LiveServer
) -> None:
    world = live_server.world
    update_profile(live_server.context, world.ana, world.patient_a, {"reactance": "high"})
    sign_in(page, live_server, "ana")
    page.goto(live_server.url(f"/patients/{world.patient_a}"))
    section = page.locator("#plan-adherence")
    expect(
        section.get_by_role("heading", name="Was this part of the plan followed?")
    ).to_be_visible()
    problems = axe_violations(page, "patient page with the plan adherence form")
    row = section.locator("li", has=page.get_by_role("group", name="Reactance"))
    row.get_by_label("Not followed").check()
    row.get_by_label("Note").fill("Set homework without asking.")
    row.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("the latest one counts")).to_be_visible()
    row = page.locator("#plan-adherence li", has=page.get_by_role("group", name="Reactance"))
    expect(row.get_by_label("Not followed")).to_be_checked()
    expect(row.get_by_text("Recorded by ana on")).to_be_visible()
    problems += axe_violations(page, "patient page after recording")
    page.goto(live_server.url("/patients/new"))
    page.get_by_label("Sex").select_option(label="Another sex")
    page.get_by_label("Age band").select_option(label="66 years or older")
    problems += axe_violations(page, "/patients/new with sex and age band")
    assert not problems, "\n".join(problems)
